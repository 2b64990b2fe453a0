import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface FeedBucketProps {
  /** @default RemovalPolicy.RETAIN (a non-empty bucket cannot be deleted by CloudFormation anyway) */
  readonly removalPolicy?: RemovalPolicy;
  /** How long superseded versions of a feed file are kept. @default 30 days */
  readonly noncurrentVersionExpiration?: Duration;
  /** How long access logs are kept. @default 90 days */
  readonly logExpiration?: Duration;
}

/**
 * Where the rendered feed files live: a private, encrypted, versioned bucket that only CloudFront
 * reads (through Origin Access Control), plus the bucket that receives its server access logs and
 * the distribution's standard logs.
 */
export class FeedBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly logsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: FeedBucketProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.logsBucket = new s3.Bucket(this, 'LogsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging still delivers through a bucket ACL grant, so ACLs must stay
      // enabled on this bucket (and only this one); the bucket owner still owns every object.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [
        { id: 'expire-logs', expiration: props.logExpiration ?? Duration.days(90) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy,
    });
    // The logs bucket does not log itself (that would recurse); cdk-nag's S1 knows a log
    // destination when it sees one, so no acknowledgement is needed.

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'feed-bucket/',
      lifecycleRules: [
        {
          id: 'expire-superseded-feed-files',
          noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(30),
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy,
    });
  }
}
