import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { getAtt, ref, synthesizeStack, type SynthesizedStack } from './support/synthesize.js';

type BucketPolicy = { Properties: { Bucket: unknown; PolicyDocument: { Statement: Record<string, unknown>[] } } };

describe('Construct: FeedBucket', () => {
  let synth: SynthesizedStack;
  let feedBucketRef: unknown;
  let logsBucketRef: unknown;

  const policyStatementsOf = (bucketRef: unknown): Record<string, unknown>[] => {
    const policies = Object.values(synth.template.findResources('AWS::S3::BucketPolicy') as Record<string, BucketPolicy>);
    const policy = policies.find((candidate) => JSON.stringify(candidate.Properties.Bucket) === JSON.stringify(bucketRef));
    if (!policy) throw new Error(`No bucket policy for ${JSON.stringify(bucketRef)}`);
    return policy.Properties.PolicyDocument.Statement;
  };

  beforeAll(() => {
    synth = synthesizeStack();
    feedBucketRef = ref(synth, synth.stack.feedBucket.bucket);
    logsBucketRef = ref(synth, synth.stack.feedBucket.logsBucket);
  }, 60_000);

  it('blocks all public access and encrypts both buckets', () => {
    // Assess
    synth.template.resourceCountIs('AWS::S3::Bucket', 2);
    synth.template.allResourcesProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
  });

  it.each([
    ['feed', () => feedBucketRef],
    ['logs', () => logsBucketRef],
  ])('denies every request to the %s bucket that is not over TLS', (_name, bucketRef) => {
    // Act
    const statements = policyStatementsOf(bucketRef());

    // Assess
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Principal: { AWS: '*' },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('lets only this distribution read feed files, through Origin Access Control', () => {
    // Act
    const allows = policyStatementsOf(feedBucketRef).filter((statement) => statement.Effect === 'Allow');

    // Assess
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [getAtt(synth, synth.stack.feedBucket.bucket, 'Arn'), '/*']] },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudfront::',
                  { Ref: 'AWS::AccountId' },
                  ':distribution/',
                  ref(synth, synth.stack.feedDistribution.distribution),
                ],
              ],
            },
          },
        },
      },
    ]);
  });

  it('versions feed files and expires superseded versions after 30 days', () => {
    // Assess
    synth.template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } })]),
      },
    });
  });

  it('sends the feed bucket access logs to the separate logs bucket, which expires them', () => {
    // Assess
    synth.template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: logsBucketRef, LogFilePrefix: 'feed-bucket/' },
    });
    synth.template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 90 })]) },
    });
  });

  it('retains both buckets by default', () => {
    // Assess
    synth.template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });
});
