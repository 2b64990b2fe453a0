import { Duration, Fn } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import { Construct } from 'constructs';
import { DESK_CONTENT_SECURITY_POLICY, DESK_VIEWER_FUNCTION_CODE } from '../../desk/assets.js';

export interface EditorsDeskProps {
  readonly distribution: cloudfront.Distribution;
  /** The feed bucket's origin, which holds the desk's files under `desk/`. */
  readonly bucketOrigin: cloudfront.IOrigin;
  readonly httpApi: apigw.HttpApi;
}

/**
 * The editors' desk on the feeds' own distribution: its files, read from the feed bucket under
 * `desk/`, served at `/desk/` under the desk's Content-Security-Policy, and the ingest API behind the same
 * distribution at `/articles*`, never cached. One origin for the page and the API: the page's
 * requests are same-origin, so no CORS is needed and `connect-src 'self'` holds; the API keeps its
 * own address for every other client.
 */
export class EditorsDesk extends Construct {
  constructor(scope: Construct, id: string, props: EditorsDeskProps) {
    super(scope, id);

    // The HTTP API's endpoint is https://<id>.execute-api.<region>.amazonaws.com: its host is the origin.
    const apiHost = Fn.select(2, Fn.split('/', props.httpApi.apiEndpoint));
    props.distribution.addBehavior(
      '/articles*',
      new origins.HttpOrigin(apiHost, { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY }),
      {
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        // Never cached; with caching disabled this policy forwards Authorization, and every header
        // but Host (API Gateway answers only to its own host name).
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        compress: true,
      },
    );

    const responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'DeskHeaders', {
      comment: "Editors' desk: its own script and styles, requests to its own origin only",
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: DESK_CONTENT_SECURITY_POLICY, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: false, override: true },
      },
    });
    const deskPage = new cloudfront.Function(this, 'DeskPageFunction', {
      comment: '/desk/ is the desk page',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(DESK_VIEWER_FUNCTION_CODE),
    });
    props.distribution.addBehavior('/desk*', props.bucketOrigin, {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy,
      compress: true,
      functionAssociations: [{ function: deskPage, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
    });
  }
}
