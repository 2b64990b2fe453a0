import { beforeAll, describe, expect, it } from 'vitest';
import { DESK_CONTENT_SECURITY_POLICY, DESK_VIEWER_FUNCTION_CODE } from '../../desk/assets.js';
import { synthesizeStack, type SynthesizedStack } from './support/synthesize.js';

/** CloudFront's managed policies, by their documented ids. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

type Behavior = Record<string, unknown> & { PathPattern: string; TargetOriginId: string };
type Origin = Record<string, unknown> & { Id: string; DomainName: unknown };

let synth: SynthesizedStack;
let behaviors: Behavior[];
let origins: Origin[];

beforeAll(() => {
  synth = synthesizeStack();
  const [distribution] = Object.values(synth.template.findResources('AWS::CloudFront::Distribution')) as {
    Properties: { DistributionConfig: { CacheBehaviors: Behavior[]; Origins: Origin[] } };
  }[];
  behaviors = distribution!.Properties.DistributionConfig.CacheBehaviors;
  origins = distribution!.Properties.DistributionConfig.Origins;
}, 60_000);

const behavior = (pattern: string) => behaviors.find((candidate) => candidate.PathPattern === pattern);

describe('Construct: EditorsDesk', () => {
  it('puts the ingest API behind the distribution at /articles*: every method, never cached, the token passed on', () => {
    // Act
    const api = behavior('/articles*');
    const origin = origins.find((candidate) => candidate.Id === api?.TargetOriginId);
    // Assess
    expect(api).toMatchObject({
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      ViewerProtocolPolicy: 'https-only',
    });
    // The host of the HTTP API's own endpoint, over HTTPS only.
    expect(JSON.stringify(origin?.DomainName)).toContain('ApiEndpoint');
    expect(origin).toMatchObject({ CustomOriginConfig: { OriginProtocolPolicy: 'https-only' } });
  });

  it('serves the desk from the bucket at /desk*, under its own Content-Security-Policy', () => {
    // Act
    const desk = behavior('/desk*');
    // Assess
    expect(desk?.TargetOriginId).toBe(origins[0]!.Id);
    expect(desk?.AllowedMethods).toEqual(['GET', 'HEAD']);
    synth.template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: DESK_CONTENT_SECURITY_POLICY, Override: true } },
      },
    });
    synth.template.hasResourceProperties('AWS::CloudFront::Function', { FunctionCode: DESK_VIEWER_FUNCTION_CODE });
  });

  it('answers /desk with a 301 to /desk/, and /desk/ with the page', () => {
    // Prepare
    type Request = { uri: string };
    const handler = new Function(`${DESK_VIEWER_FUNCTION_CODE}; return handler;`)() as (event: { request: Request }) => unknown;
    // Act / Assess
    expect(handler({ request: { uri: '/desk' } })).toMatchObject({ statusCode: 301, headers: { location: { value: '/desk/' } } });
    expect(handler({ request: { uri: '/desk/' } })).toEqual({ uri: '/desk/index.html' });
    expect(handler({ request: { uri: '/desk/desk.js' } })).toEqual({ uri: '/desk/desk.js' });
  });
});
