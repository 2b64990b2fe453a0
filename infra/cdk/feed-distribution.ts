import { Duration, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import { Construct } from 'constructs';
import { FEED_CACHE_POLICY_TTLS } from '../../functions/domain/edge-cache.js';
import { loadSite } from '../../functions/commons/config.js';
import { viewerFunctionCode } from '../../functions/domain/feed-negotiation.js';
import { PAGE_CONTENT_SECURITY_POLICY } from '../../functions/rendering/page-style.js';
import type { FeedBucket } from './feed-bucket.js';

/** A custom domain for the feeds; the certificate must be an ACM certificate in us-east-1. */
export interface CustomDomain {
  readonly domainName: string;
  readonly certificateArn: string;
}

export interface FeedDistributionProps {
  readonly feedBucket: FeedBucket;
  /** @default the distribution's own `*.cloudfront.net` name */
  readonly customDomain?: CustomDomain;
  /** Old feed addresses of the site sent on with a 301. @default `feedRedirects` of content/site.json */
  readonly feedRedirects?: Readonly<Record<string, string>>;
}

/**
 * CloudFront in front of the feed bucket. The bucket stays private: CloudFront reads it through
 * Origin Access Control. Caching follows each file's own Cache-Control (set by the regenerator),
 * responses are compressed (gzip and Brotli), and any origin may fetch the feeds with GET/HEAD so
 * that browser-based feed readers work.
 */
export class FeedDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;
  /** The feed bucket as CloudFront reads it (Origin Access Control), for other behaviours on it. */
  readonly bucketOrigin: cloudfront.IOrigin;
  /** `https://<domain>` without a trailing slash: what the feeds use as their base URL. */
  readonly siteBaseUrl: string;

  constructor(scope: Construct, id: string, props: FeedDistributionProps) {
    super(scope, id);

    const cachePolicy = new cloudfront.CachePolicy(this, 'CachePolicy', {
      comment: 'Feeds: honour the object Cache-Control; compressed variants cached separately',
      // The same TTLs the local CDN stand-in and the regenerator use (functions/domain/edge-cache.ts).
      minTtl: Duration.seconds(FEED_CACHE_POLICY_TTLS.minSeconds),
      defaultTtl: Duration.seconds(FEED_CACHE_POLICY_TTLS.defaultSeconds),
      maxTtl: Duration.seconds(FEED_CACHE_POLICY_TTLS.maxSeconds),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
    });

    const responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'ResponseHeadersPolicy', {
      comment: 'Feeds: nosniff, HSTS, a script-free CSP for the pages, CORS for browser-based readers',
      securityHeadersBehavior: {
        // The one policy of the pages for people (functions/rendering/page-style.ts), the local CDN's too.
        contentSecurityPolicy: { contentSecurityPolicy: PAGE_CONTENT_SECURITY_POLICY, override: true },
        contentTypeOptions: { override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: false, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
      corsBehavior: {
        accessControlAllowOrigins: ['*'],
        accessControlAllowMethods: ['GET', 'HEAD'],
        accessControlAllowHeaders: ['*'],
        accessControlAllowCredentials: false,
        // Readers doing conditional GETs from a browser need to see these.
        accessControlExposeHeaders: ['ETag', 'Last-Modified'],
        originOverride: true,
      },
    });

    // Before the cache: an old platform's feed address gets a 301 to ours, and a browser's
    // navigation to a feed is sent to the feed's page (so both are cached); after it, responses at
    // feed addresses get Vary.
    const feedNegotiation = new cloudfront.Function(this, 'FeedNegotiationFunction', {
      comment: "Old feed addresses redirected; a browser's navigation to a feed gets its page; Vary",
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(viewerFunctionCode(props.feedRedirects ?? loadSite({}).feedRedirects ?? {})),
    });

    const domain = props.customDomain;
    this.bucketOrigin = origins.S3BucketOrigin.withOriginAccessControl(props.feedBucket.bucket);
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Newsroom feeds',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: this.bucketOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
        compress: true,
        cachePolicy,
        responseHeadersPolicy,
        functionAssociations: [
          { function: feedNegotiation, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
          { function: feedNegotiation, eventType: cloudfront.FunctionEventType.VIEWER_RESPONSE },
        ],
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: props.feedBucket.logsBucket,
      logFilePrefix: 'cloudfront/',
      ...(domain
        ? {
            domainNames: [domain.domainName],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Feeds are public news content meant to be read worldwide; there is no market to geo-restrict.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason: 'Static, cache-friendly public files behind a read-only origin; WAF adds fixed monthly cost with nothing to inspect.',
      },
    );
    if (!domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose TLS policy cannot be set; pass domainName/certificateArn to get TLSv1.2_2021.',
      });
    }

    this.siteBaseUrl = `https://${domain ? domain.domainName : this.distribution.distributionDomainName}`;
  }
}
