import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSite } from '../../functions/commons/config.js';
import { varyFor, viewerFunctionCode, viewerObjectPath } from '../../functions/domain/feed-negotiation.js';
import { LEGACY_REDIRECT_CACHE_CONTROL, legacyFeedRedirect } from '../../functions/domain/legacy-feed-addresses.js';
import { PAGE_CONTENT_SECURITY_POLICY } from '../../functions/rendering/page-style.js';
import { LEGACY_FEED_REQUESTS, SITE_REDIRECTS } from '../support/legacy-feed-requests.js';
import { FEED_ADDRESSES, OTHER_ADDRESSES, VIEWER_REQUESTS } from '../support/viewer-requests.js';
import { getAtt, ref, synthesizeStack, type SynthesizedStack } from './support/synthesize.js';

const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

type DistributionResource = { Properties: { DistributionConfig: Record<string, unknown> } };

function distributionConfig(synth: SynthesizedStack): Record<string, unknown> {
  const distributions = Object.values(
    synth.template.findResources('AWS::CloudFront::Distribution') as Record<string, DistributionResource>,
  );
  expect(distributions).toHaveLength(1);
  return distributions[0]!.Properties.DistributionConfig;
}

// One synthesis for both groups: it is the slow part.
let synth: SynthesizedStack;

beforeAll(() => {
  synth = synthesizeStack();
}, 60_000);

describe('Construct: FeedDistribution', () => {
  it('reads the private bucket through Origin Access Control, not a public website endpoint', () => {
    // Act
    const config = distributionConfig(synth);

    // Assess
    synth.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    expect(config.Origins).toEqual([
      expect.objectContaining({
        DomainName: getAtt(synth, synth.stack.feedBucket.bucket, 'RegionalDomainName'),
        OriginAccessControlId: { 'Fn::GetAtt': [expect.stringMatching(/OriginAccessControl/), 'Id'] },
        S3OriginConfig: { OriginAccessIdentity: '' },
      }),
      // The ingest API, for the editors' desk (tests/infra/editors-desk.test.ts).
      expect.objectContaining({ CustomOriginConfig: expect.objectContaining({ OriginProtocolPolicy: 'https-only' }) }),
    ]);
  });

  it('redirects HTTP to HTTPS, compresses, serves index.html at the root and allows only GET/HEAD', () => {
    // Act
    const config = distributionConfig(synth);

    // Assess
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior).toEqual(
      expect.objectContaining({
        ViewerProtocolPolicy: 'redirect-to-https',
        Compress: true,
        AllowedMethods: ['GET', 'HEAD'],
      }),
    );
  });

  it('caches by the object Cache-Control, keeping gzip and Brotli variants apart', () => {
    // Assess
    synth.template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        MinTTL: 0,
        DefaultTTL: 60,
        MaxTTL: 365 * 24 * 3600,
        ParametersInCacheKeyAndForwardedToOrigin: {
          EnableAcceptEncodingGzip: true,
          EnableAcceptEncodingBrotli: true,
          CookiesConfig: { CookieBehavior: 'none' },
          HeadersConfig: { HeaderBehavior: 'none' },
          QueryStringsConfig: { QueryStringBehavior: 'none' },
        },
      }),
    });
    expect(distributionConfig(synth).DefaultCacheBehavior).toEqual(
      expect.objectContaining({ CachePolicyId: ref(synth, findChild(synth, 'CachePolicy')) }),
    );
  });

  it('adds nosniff and lets any origin GET/HEAD the feeds without credentials', () => {
    // Assess
    synth.template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({ ContentTypeOptions: { Override: true } }),
        CorsConfig: Match.objectLike({
          AccessControlAllowOrigins: { Items: ['*'] },
          AccessControlAllowMethods: { Items: ['GET', 'HEAD'] },
          AccessControlAllowCredentials: false,
        }),
      }),
    });
    expect(distributionConfig(synth).DefaultCacheBehavior).toEqual(
      expect.objectContaining({ ResponseHeadersPolicyId: ref(synth, findChild(synth, 'ResponseHeadersPolicy')) }),
    );
  });

  it('writes standard logs to the logs bucket', () => {
    // Assess
    expect(distributionConfig(synth).Logging).toEqual({
      Bucket: getAtt(synth, synth.stack.feedBucket.logsBucket, 'RegionalDomainName'),
      Prefix: 'cloudfront/',
    });
  });

  it('serves from its own cloudfront.net name when no custom domain is given', () => {
    // Act
    const config = distributionConfig(synth);

    // Assess
    expect(config.Aliases).toBeUndefined();
    expect(config.ViewerCertificate).toBeUndefined();
    expect(synth.stack.resolve(synth.stack.feedDistribution.siteBaseUrl)).toEqual({
      'Fn::Join': ['', ['https://', getAtt(synth, synth.stack.feedDistribution.distribution, 'DomainName')]],
    });
  });
});

describe('Construct: FeedDistribution (custom domain)', () => {
  let synth: SynthesizedStack;

  beforeAll(() => {
    // Act
    synth = synthesizeStack({ customDomain: { domainName: 'feeds.example.org', certificateArn: CERTIFICATE_ARN } });
  }, 60_000);

  it('serves the domain with the given certificate over TLS 1.2 or later only', () => {
    // Act
    const config = distributionConfig(synth);

    // Assess
    expect(config.Aliases).toEqual(['feeds.example.org']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: CERTIFICATE_ARN,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
  });

  it('gives the functions and the outputs the custom domain as the site base URL', () => {
    // Assess
    expect(synth.stack.feedDistribution.siteBaseUrl).toBe('https://feeds.example.org');
    synth.template.hasOutput('RssFeedUrl', { Value: 'https://feeds.example.org/feed.xml' });
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SITE_BASE_URL: 'https://feeds.example.org' }) },
    });
  });
});

function findChild(synth: SynthesizedStack, id: string): { node: { defaultChild?: unknown } } {
  const child = synth.stack.feedDistribution.node.tryFindChild(id);
  if (!child) throw new Error(`FeedDistribution has no child ${id}`);
  return child;
}

type FunctionHeaders = Record<string, { value: string }>;
type FunctionEvent = {
  context: { eventType: 'viewer-request' | 'viewer-response' };
  request: { method: string; uri: string; querystring: FunctionHeaders; headers: FunctionHeaders };
  response?: { statusCode: number; headers: FunctionHeaders };
};

type FunctionResult = FunctionEvent['request'] & { statusCode?: number; headers: FunctionHeaders };

/** The function's code run as CloudFront runs it: `handler(event)`, the event shaped as CloudFront's. */
const negotiation = new Function(`${viewerFunctionCode(SITE_REDIRECTS)}; return handler;`)() as (event: FunctionEvent) => FunctionResult;

const wrap = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { value }]));

function viewerRequest(uri: string, headers: Record<string, string>, query: Record<string, string> = {}): FunctionEvent {
  return { context: { eventType: 'viewer-request' }, request: { method: 'GET', uri, querystring: wrap(query), headers: wrap(headers) } };
}

describe('Construct: FeedDistribution feed pages', () => {
  it('runs the negotiation function on viewer requests and viewer responses of the feeds', () => {
    // Act
    const config = distributionConfig(synth);
    // Assess
    const arn = { 'Fn::GetAtt': [expect.stringMatching(/FeedNegotiationFunction/), 'FunctionARN'] };
    expect((config.DefaultCacheBehavior as { FunctionAssociations: unknown[] }).FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: arn },
      { EventType: 'viewer-response', FunctionARN: arn },
    ]);
    synth.template.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionConfig: Match.objectLike({ Runtime: 'cloudfront-js-2.0' }),
      FunctionCode: viewerFunctionCode(loadSite({}).feedRedirects),
    });
  });

  it("answers old platforms' feed addresses with the same 301 as the local CDN's rule", () => {
    for (const { path, query, target } of LEGACY_FEED_REQUESTS) {
      // Act
      const result = negotiation(viewerRequest(path, {}, query));
      // Assess
      const expected = legacyFeedRedirect(path, query ?? {}, SITE_REDIRECTS);
      expect(expected, path).toBe(target);
      if (expected === undefined) {
        expect(result.statusCode, path).toBeUndefined();
        expect(result.uri, path).toBe(path);
      } else {
        expect(result.statusCode, path).toBe(301);
        expect(result.headers.location, path).toEqual({ value: expected });
        expect(result.headers['cache-control']).toEqual({ value: LEGACY_REDIRECT_CACHE_CONTROL });
      }
    }
  });

  it("refuses at synthesis a site's redirects too many for CloudFront's 10 KB of function code", () => {
    // Prepare
    const many = Object.fromEntries(Array.from({ length: 400 }, (_, index) => [`/old/feeds/section-${index}.rss`, '/feed.xml']));
    // Act and assess
    expect(() => viewerFunctionCode(many)).toThrow(/over CloudFront's 10240: content\/site.json has too many feedRedirects/);
    expect(new TextEncoder().encode(viewerFunctionCode(SITE_REDIRECTS)).length).toBeLessThan(10_240);
  });

  it("picks the same object as the local CDN's rule for every client and address", () => {
    for (const { client, headers } of VIEWER_REQUESTS) {
      for (const path of [...FEED_ADDRESSES.map((address) => address.path), ...OTHER_ADDRESSES]) {
        // Act
        const request = negotiation(viewerRequest(path, headers));
        expect(request.statusCode).toBeUndefined();
        // Assess
        expect(request.uri, `${client} at ${path}`).toBe(viewerObjectPath(path, headers));
      }
    }
  });

  it("sets the same Vary as the local CDN's rule on responses, keeping the other headers", () => {
    for (const path of [...FEED_ADDRESSES.flatMap((address) => [address.path, address.page]), ...OTHER_ADDRESSES]) {
      // Prepare
      const event: FunctionEvent = {
        ...viewerRequest(path, {}),
        context: { eventType: 'viewer-response' },
        response: { statusCode: 200, headers: { 'content-type': { value: 'text/html; charset=utf-8' } } },
      };
      // Act
      const response = negotiation(event) as unknown as { headers: FunctionHeaders };
      // Assess
      expect(response.headers.vary?.value, path).toBe(varyFor(path));
      expect(response.headers['content-type']!.value).toBe('text/html; charset=utf-8');
    }
  });

  it("sends the pages' Content-Security-Policy: no script, the one stylesheet by hash", () => {
    // Assess
    synth.template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: { ContentSecurityPolicy: PAGE_CONTENT_SECURITY_POLICY, Override: true },
        }),
      }),
    });
    expect(PAGE_CONTENT_SECURITY_POLICY).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*';/);
    expect(PAGE_CONTENT_SECURITY_POLICY).not.toMatch(/script-src|unsafe/);
  });
});
