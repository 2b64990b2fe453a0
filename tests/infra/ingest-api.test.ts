import { Match } from 'aws-cdk-lib/assertions';
import { REGENERATOR_RESERVED_CONCURRENCY } from '../../functions/regenerate/reserved-concurrency.js';
import { ROUTES } from '../../infra/local/api-gateway-stand-in.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allowedActions,
  environmentOf,
  getAtt,
  ref,
  resourceOf,
  resourcesFor,
  synthesizeStack,
  type SynthesizedStack,
} from './support/synthesize.js';

describe('Construct: IngestApi', () => {
  let synth: SynthesizedStack;

  beforeAll(() => {
    synth = synthesizeStack();
  }, 60_000);

  it('routes exactly the six story routes and the API description to the ingest function with payload format 2.0, as documented', () => {
    // Act
    const routeKeys = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => (route as { Properties: { RouteKey: string } }).Properties.RouteKey,
    );

    // Assess
    expect(routeKeys.sort()).toEqual([
      'DELETE /articles/{slug}',
      'GET /articles',
      'GET /articles/{slug}',
      'GET /openapi.json',
      'POST /articles',
      'POST /articles/preview',
      'PUT /articles/{slug}',
    ]);
    // The same routes as the OpenAPI description and the local API Gateway stand-in.
    expect(routeKeys.sort()).toEqual(ROUTES.map((route) => route.routeKey).sort());
    synth.template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: getAtt(synth, synth.stack.ingestApi.handler, 'Arn'),
    });
  });

  it('throttles the default stage and writes access logs without request headers', () => {
    // Assess
    synth.template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      AccessLogSettings: {
        DestinationArn: getAtt(synth, synth.stack.ingestApi.accessLogGroup, 'Arn'),
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
    });
    const stage = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Stage'))[0] as {
      Properties: { AccessLogSettings: { Format: string } };
    };
    expect(stage.Properties.AccessLogSettings.Format).not.toMatch(/header|authorization/i);
  });

  it('generates a 48-character token without punctuation into a JSON secret', () => {
    // Assess
    synth.template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    synth.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: {
        SecretStringTemplate: '{}',
        GenerateStringKey: 'token',
        ExcludePunctuation: true,
        PasswordLength: 48,
      },
    });
  });

  it('tells the function where the table, the tokens and the site are', () => {
    // Act
    const environment = environmentOf(synth, synth.stack.ingestApi.handler);

    // Assess
    expect(environment).toEqual(
      expect.objectContaining({
        TABLE_NAME: ref(synth, synth.stack.articleTable.table),
        // The ARN: the app passes it to GetSecretValue as SecretId.
        INGEST_TOKENS_SECRET_ID: ref(synth, synth.stack.ingestApi.tokensSecret),
        SITE_BASE_URL: {
          'Fn::Join': ['', ['https://', getAtt(synth, synth.stack.feedDistribution.distribution, 'DomainName')]],
        },
      }),
    );
  });

  it('gives up before API Gateway does (30 s)', () => {
    // Assess
    expect(resourceOf(synth, synth.stack.ingestApi.handler).Properties.Timeout).toBeLessThan(30);
  });

  it('may only read and write stories, query the status index, read the tokens and invoke the regenerator', () => {
    // Act
    const role = synth.stack.ingestApi.handler.role!;

    // Assess
    expect(allowedActions(synth, role)).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'lambda:InvokeFunction',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:GetSecretValue',
    ]);
    const tableArn = getAtt(synth, synth.stack.articleTable.table, 'Arn');
    expect(resourcesFor(synth, role, 'dynamodb:PutItem')).toEqual([tableArn]);
    expect(resourcesFor(synth, role, 'dynamodb:Query')).toEqual([tableArn, { 'Fn::Join': ['', [tableArn, '/index/GSI1']] }]);
    expect(resourcesFor(synth, role, 'secretsmanager:GetSecretValue')).toEqual([ref(synth, synth.stack.ingestApi.tokensSecret)]);
    expect(resourcesFor(synth, role, 'logs:PutLogEvents')).toEqual([getAtt(synth, synth.stack.ingestApi.handler.functionLogGroup, 'Arn')]);
    expect(resourcesFor(synth, role, 'lambda:InvokeFunction')).toEqual([getAtt(synth, synth.stack.regenerator.handler, 'Arn')]);
  });

  it("names the regenerator it asks for a written story's feeds, which runs one environment at a time", () => {
    // Assess
    expect(environmentOf(synth, synth.stack.ingestApi.handler).REGENERATOR_FUNCTION_NAME).toEqual(
      ref(synth, synth.stack.regenerator.handler),
    );
    expect(resourceOf(synth, synth.stack.regenerator.handler).Properties.ReservedConcurrentExecutions).toBe(
      REGENERATOR_RESERVED_CONCURRENCY,
    );
  });
});
