import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { ArticleTable, TableAccess } from './article-table.js';
import { INGEST_ROUTES, routeParts } from '../../functions/ingest/routes.js';
import { PublisherFunction, type LogLevel } from './publisher-function.js';

/** Read, create, replace, retract and list stories: no Scan, no batch operations. */
export const INGEST_TABLE_ACCESS: TableAccess = {
  items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'],
  queryGsi1: true,
};

export interface IngestApiProps {
  readonly articleTable: ArticleTable;
  /** Public base URL of the feeds (`SITE_BASE_URL`), used for story links in responses. */
  readonly siteBaseUrl: string;
  /** Default-stage throttling. @default 20 requests/s, bursts of 40 */
  readonly throttle?: apigw.ThrottleSettings;
  readonly logLevel?: LogLevel;
  /** For the function and access log groups. @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * The HTTP API editors publish through. Every route goes to one ingest function, which checks the
 * `Authorization: Bearer` token against the tokens kept in a Secrets Manager secret. The secret
 * holds JSON: the generated `{"token": "..."}` to start with; a `{"tokens": [...]}` array lets
 * several tokens be valid at once, so a token is rotated by editing the secret, without a deploy.
 */
export class IngestApi extends Construct {
  readonly handler: PublisherFunction;
  readonly tokensSecret: secretsmanager.Secret;
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogGroup: logs.LogGroup;
  /** Base URL of the API, without a trailing slash (routes start with `/articles`). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id);

    this.tokensSecret = new secretsmanager.Secret(this, 'TokensSecret', {
      description: 'Bearer tokens accepted by the feed ingest API: {"token": "..."} or {"tokens": ["...", "..."]}',
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'token',
        excludePunctuation: true,
        passwordLength: 48,
      },
    });
    Validations.of(this.tokensSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Tokens are shared with external publishing tools, so rotation is a coordinated manual edit (overlapping tokens array, documented in docs/deploy.md), not a rotation Lambda.',
    });

    this.handler = new PublisherFunction(this, 'Handler', {
      entry: 'functions/ingest/handler.ts',
      description: 'Feed ingest API: authenticates editors and stores stories',
      // API Gateway gives up after 30 s; fail well before that.
      timeout: Duration.seconds(10),
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
      ...(props.logRemovalPolicy ? { logRemovalPolicy: props.logRemovalPolicy } : {}),
      environment: {
        INGEST_TOKENS_SECRET_ID: this.tokensSecret.secretArn,
        SITE_BASE_URL: props.siteBaseUrl,
      },
    });
    this.handler.bindTable(props.articleTable, INGEST_TABLE_ACCESS);
    // Only GetSecretValue: `secret.grantRead` would add DescribeSecret, which the handler never calls.
    this.handler.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.tokensSecret.secretArn] }),
    );

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Newsroom feed ingest API',
      // The default stage is created below, with throttling and access logs.
      createDefaultStage: false,
    });
    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Every route but GET /openapi.json (the public API description) is authenticated inside the ingest function against bearer tokens from Secrets Manager; an authorizer would duplicate that check and add a second cold start.',
    });

    const integration = new HttpLambdaIntegration('IngestIntegration', this.handler, {
      payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
    });
    // The story routes and the API's OpenAPI description (no token: it holds nothing secret).
    for (const routeKey of INGEST_ROUTES) {
      const { method, path } = routeParts(routeKey);
      this.httpApi.addRoutes({ path, methods: [apigw.HttpMethod[method]], integration });
    }

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 20, burstLimit: 40 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        // No headers are logged, so the Authorization header never reaches the logs.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            requestTime: AccessLogField.contextRequestTime(),
            sourceIp: AccessLogField.contextIdentitySourceIp(),
            userAgent: AccessLogField.contextIdentityUserAgent(),
            routeKey: AccessLogField.contextRouteKey(),
            path: AccessLogField.contextPath(),
            protocol: AccessLogField.contextProtocol(),
            status: AccessLogField.contextStatus(),
            responseLength: AccessLogField.contextResponseLength(),
            responseLatency: AccessLogField.contextResponseLatency(),
            integrationStatus: AccessLogField.contextIntegrationStatus(),
            integrationLatency: AccessLogField.contextIntegrationLatency(),
            integrationError: AccessLogField.contextIntegrationErrorMessage(),
            error: AccessLogField.contextErrorMessage(),
          }),
        ),
      },
    });

    this.url = this.httpApi.apiEndpoint;
  }

  /**
   * Lets the ingest function ask the regenerator for a written story's feeds before it answers
   * (a synchronous invocation), instead of leaving them to the stream's next poll, up to 250 ms
   * later. The stream still delivers every change. Only InvokeFunction, on that one function.
   */
  regenerateFeedsWith(regenerator: lambda.IFunction): void {
    this.handler.addEnvironment('REGENERATOR_FUNCTION_NAME', regenerator.functionName);
    this.handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [regenerator.functionArn] }));
  }
}
