import { beforeAll, describe, expect, it } from 'vitest';
import { FEED_LEASE_MS, FEED_LEASE_WAIT_MS } from '../../functions/use-cases/regenerate-feeds.js';
import { CATALOG_REFRESH_SECONDS } from '../../functions/use-cases/refresh-catalog.js';
import { REGENERATOR_BATCH_SIZE } from '../../infra/cdk/regenerator.js';
import { STREAM_BATCH_SIZE } from '../../infra/local/stream-emulator.js';
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

describe('Construct: Regenerator', () => {
  let synth: SynthesizedStack;

  beforeAll(() => {
    synth = synthesizeStack({ websubHubs: ['https://pubsubhubbub.appspot.com/', 'https://hub.example.org/'] });
  }, 60_000);

  /** The mapping from the table stream to the regenerator (the announcer has one from its queue). */
  const streamMapping = () =>
    Object.values(synth.template.findResources('AWS::Lambda::EventSourceMapping')).find(
      (mapping) =>
        JSON.stringify((mapping as { Properties: { FunctionName: unknown } }).Properties.FunctionName) ===
        JSON.stringify(ref(synth, synth.stack.regenerator.handler)),
    ) as { Properties: Record<string, unknown> & { FilterCriteria: { Filters: { Pattern: string }[] } } };

  it('reads the table stream from the oldest record, in batches that pile up while one runs, with no batching window', () => {
    // Assess
    synth.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    expect(streamMapping().Properties).toMatchObject({
      EventSourceArn: getAtt(synth, synth.stack.articleTable.table, 'StreamArn'),
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 1000,
    });
    // No window over a second: Lambda's default of none (a burst coalesces while a batch is in flight).
    expect(streamMapping().Properties.MaximumBatchingWindowInSeconds ?? 0).toBeLessThanOrEqual(1);
    // The local stand-in for the stream batches the same way.
    expect(STREAM_BATCH_SIZE).toBe(REGENERATOR_BATCH_SIZE);
  });

  it('gets one full vCPU, as rendering the feeds is CPU-bound, while the other functions keep 512 MB', () => {
    // Assess
    expect(resourceOf(synth, synth.stack.regenerator.handler).Properties.MemorySize).toBe(1769);
    const others = [synth.stack.ingestApi.handler, synth.stack.publishDueSweep.handler].map((handler) => resourceOf(synth, handler));
    for (const other of others) expect(other.Properties.MemorySize).toBe(512);
  });

  it('isolates a failing record, retries, reports partial failures, then dead-letters', () => {
    // Assess
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: getAtt(synth, synth.stack.regenerator.deadLetterQueue, 'Arn') } },
    });
  });

  it('is only triggered by story items (sort key A)', () => {
    // Act
    const mapping = streamMapping();

    // Assess
    expect(mapping.Properties.FilterCriteria.Filters.map((filter) => JSON.parse(filter.Pattern))).toEqual([
      { dynamodb: { Keys: { SK: { S: ['A'] } } } },
    ]);
  });

  it('keeps dead letters encrypted, for the longest retention, and refuses non-TLS access', () => {
    // Assess
    // The regenerator's dead letters, and the announcement queue with its own.
    synth.template.resourceCountIs('AWS::SQS::Queue', 3);
    synth.template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [ref(synth, synth.stack.regenerator.deadLetterQueue)],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Deny',
            Action: 'sqs:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: getAtt(synth, synth.stack.regenerator.deadLetterQueue, 'Arn'),
          },
        ],
      },
    });
  });

  it('runs one at a time, with a timeout the feed lease outlives', () => {
    // Act
    const properties = resourceOf(synth, synth.stack.regenerator.handler).Properties;

    // Assess
    expect(properties.ReservedConcurrentExecutions).toBe(1);
    expect(properties.Timeout).toBe(60);
    // A killed regeneration's lease outlives it; waiting for a lease never outlives the function.
    expect(FEED_LEASE_MS).toBeGreaterThan(Number(properties.Timeout) * 1000);
    expect(FEED_LEASE_WAIT_MS).toBeLessThan(Number(properties.Timeout) * 1000);
  });

  it('refreshes the catalog pages once a minute, with no retry (the next refresh redoes a failed one)', () => {
    // Act
    const rules = synth.template.findResources('AWS::Events::Rule');
    const refresh = Object.values(rules).filter((rule) =>
      (rule.Properties.Targets as { Arn: unknown }[]).some(
        (target) => JSON.stringify(target.Arn) === JSON.stringify(getAtt(synth, synth.stack.regenerator.handler, 'Arn')),
      ),
    );

    // Assess
    expect(refresh).toHaveLength(1);
    expect(refresh[0]!.Properties.ScheduleExpression).toBe(`rate(${CATALOG_REFRESH_SECONDS / 60} minute)`);
    expect(refresh[0]!.Properties.Targets[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 0 });
  });

  it('knows the table, bucket, distribution, site and WebSub hubs', () => {
    // Assess
    expect(environmentOf(synth, synth.stack.regenerator.handler)).toEqual(
      expect.objectContaining({
        TABLE_NAME: ref(synth, synth.stack.articleTable.table),
        FEED_BUCKET: ref(synth, synth.stack.feedBucket.bucket),
        DISTRIBUTION_ID: ref(synth, synth.stack.feedDistribution.distribution),
        SITE_BASE_URL: {
          'Fn::Join': ['', ['https://', getAtt(synth, synth.stack.feedDistribution.distribution, 'DomainName')]],
        },
        WEBSUB_HUBS: 'https://pubsubhubbub.appspot.com/,https://hub.example.org/',
      }),
    );
  });

  it('may read and write the table (never Scan), feed files, its own invalidations and its stream', () => {
    // Act
    const role = synth.stack.regenerator.handler.role!;

    // Assess
    expect(allowedActions(synth, role)).toEqual([
      'cloudfront:CreateInvalidation',
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      // Stream reading, added by the event source mapping:
      'dynamodb:DescribeStream',
      'dynamodb:GetItem',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
      // Dead-lettering, added by the on-failure destination:
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
  });

  it('scopes every grant to its own table, bucket, distribution and queue', () => {
    // Prepare
    const role = synth.stack.regenerator.handler.role!;
    const tableArn = getAtt(synth, synth.stack.articleTable.table, 'Arn');
    const bucketArn = getAtt(synth, synth.stack.feedBucket.bucket, 'Arn');

    // Act
    const resources = (action: string) => resourcesFor(synth, role, action);

    // Assess
    for (const action of ['GetItem', 'BatchGetItem', 'Query', 'UpdateItem', 'BatchWriteItem']) {
      expect(resources(`dynamodb:${action}`), action).toEqual([tableArn]);
    }
    expect(resources('dynamodb:GetRecords')).toEqual([getAtt(synth, synth.stack.articleTable.table, 'StreamArn')]);
    // ListStreams supports no resource-level permissions (acknowledged for cdk-nag).
    expect(resources('dynamodb:ListStreams')).toEqual(['*']);
    expect(resources('s3:PutObject')).toEqual([{ 'Fn::Join': ['', [bucketArn, '/*']] }]);
    expect(resources('s3:GetObject')).toEqual([{ 'Fn::Join': ['', [bucketArn, '/*']] }]);
    expect(resources('s3:ListBucket')).toEqual([bucketArn]);
    expect(resources('cloudfront:CreateInvalidation')).toEqual([
      {
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
    ]);
    expect(resources('sqs:SendMessage')).toEqual(
      expect.arrayContaining([
        getAtt(synth, synth.stack.regenerator.deadLetterQueue, 'Arn'),
        getAtt(synth, synth.stack.hubAnnouncer.queue, 'Arn'),
      ]),
    );
    expect(resources('sqs:SendMessage')).toHaveLength(2);
  });

  it("sets the feeds' edge lifetime and invalidation from the deployment options, and where announcements go", () => {
    // Assess
    expect(environmentOf(synth, synth.stack.regenerator.handler)).toMatchObject({
      FEED_EDGE_SECONDS: '5',
      INVALIDATE_FEEDS: 'false',
      ANNOUNCEMENT_QUEUE_URL: ref(synth, synth.stack.hubAnnouncer.queue),
    });
  });
});

describe('Construct: HubAnnouncer', () => {
  let synth: SynthesizedStack;

  beforeAll(() => {
    synth = synthesizeStack({ websubHubs: ['https://hub.example.org/'] });
  }, 60_000);

  it('reads its queue, may only send back to it and ask the distribution about invalidations, and dead-letters after 5 tries', () => {
    // Prepare
    const role = synth.stack.hubAnnouncer.handler.role!;
    const resources = (action: string) => resourcesFor(synth, role, action);
    const queueArn = getAtt(synth, synth.stack.hubAnnouncer.queue, 'Arn');

    // Assess
    expect(resources('sqs:ReceiveMessage')).toEqual([queueArn]);
    expect(resources('sqs:DeleteMessage')).toEqual([queueArn]);
    expect(resources('sqs:SendMessage')).toEqual([queueArn]);
    expect(JSON.stringify(resources('cloudfront:GetInvalidation'))).toContain(
      JSON.stringify(ref(synth, synth.stack.feedDistribution.distribution)),
    );
    expect(resources('cloudfront:CreateInvalidation')).toEqual([]);
    expect(resources('dynamodb:GetItem')).toEqual([]);
    synth.template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: getAtt(synth, synth.stack.hubAnnouncer.deadLetterQueue, 'Arn'), maxReceiveCount: 5 },
      SqsManagedSseEnabled: true,
    });
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: queueArn,
      FunctionName: ref(synth, synth.stack.hubAnnouncer.handler),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(environmentOf(synth, synth.stack.hubAnnouncer.handler)).toMatchObject({ WEBSUB_HUBS: 'https://hub.example.org/' });
  });
});
