import path from 'node:path';
import { Duration, Stack, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letter-queue.js';
import type { FreshnessSettings } from '../../functions/domain/edge-cache.js';
import { REGENERATOR_RESERVED_CONCURRENCY } from '../../functions/regenerate/reserved-concurrency.js';
import { STORIES_PER_REGENERATION } from '../../functions/regenerate/stream-records.js';
import { CATALOG_REFRESH_SECONDS } from '../../functions/use-cases/refresh-catalog.js';
import type { ArticleTable, TableAccess } from './article-table.js';
import { LAMBDA_MB_PER_VCPU, PublisherFunction, REPO_ROOT, type LogLevel } from './publisher-function.js';

/** Where the desk's files sit in the regenerator's package (its SITE_FILES_DIR). */
export const SITE_FILES_FOLDER = 'site-files';

/**
 * The regenerator re-reads stories, projects them into per-feed index items, keeps a state per
 * page and one lease: the lease's conditional updates, batches and key-range reads, never a Scan.
 */
export const REGENERATOR_TABLE_ACCESS: TableAccess = {
  items: ['GetItem', 'BatchGetItem', 'Query', 'UpdateItem', 'BatchWriteItem'],
  // Feeds are read from their own FEED# partitions on the table; the status index is not needed.
  queryGsi1: false,
};

/**
 * The function's timeout. The application's regeneration lease must outlive it: a regeneration that
 * is killed at the timeout still holds its lease, and no other regeneration may take the lease over
 * while the first could still be writing files.
 */
export const REGENERATOR_TIMEOUT = Duration.seconds(60);

/**
 * One full vCPU. A regeneration is CPU-bound (rendering and serialising megabytes of feeds, the
 * SDK's work per call), and Lambda gives CPU in proportion to memory. With the first request held
 * to the CPU share of each size (the benchmark's `lambda-cpu` variant), the regenerator's import +
 * first request measured 1.75 s at 512 MB, 1.05 s at 1,024 MB and 0.75 s at 1,769 MB. The work
 * takes proportionally less time, so the GB-seconds billed stay about the same.
 */
export const REGENERATOR_MEMORY_MB = LAMBDA_MB_PER_VCPU;

/** Stories per regeneration at most (the local stream stand-in uses the same). */
export const REGENERATOR_BATCH_SIZE = STORIES_PER_REGENERATION;

/** The stream filter: only story items (sort key `A`) trigger a regeneration. */
export const ARTICLE_ITEM_FILTER = lambda.FilterCriteria.filter({
  dynamodb: { Keys: { SK: { S: lambda.FilterRule.isEqual('A') } } },
});

export interface RegeneratorProps {
  readonly articleTable: ArticleTable;
  readonly feedBucket: s3.Bucket;
  readonly distribution: cloudfront.IDistribution;
  readonly siteBaseUrl: string;
  /** WebSub hubs to notify after a feed changes. @default none */
  readonly websubHubs?: readonly string[];
  /** Where announcements for the hubs wait until CloudFront serves the feeds. */
  readonly announcementQueue: sqs.IQueue;
  /** The feeds' edge lifetime, and whether they are invalidated too. */
  readonly freshness: FreshnessSettings;
  readonly logLevel?: LogLevel;
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * Rebuilds the feed files when stories change. It reads the table's stream, coalescing bursts
 * into batches; a failing batch is split to isolate the bad record, retried, and finally recorded
 * in a dead-letter queue (the record's coordinates, not the story) so it can be replayed.
 */
export class Regenerator extends Construct {
  readonly handler: PublisherFunction;
  readonly deadLetterQueue: sqs.Queue;
  readonly eventSource: DynamoEventSource;
  readonly catalogRefresh: events.Rule;

  constructor(scope: Construct, id: string, props: RegeneratorProps) {
    super(scope, id);

    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue');
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter destination of the stream event source mapping.',
    });

    this.handler = new PublisherFunction(this, 'Handler', {
      entry: 'functions/regenerate/handler.ts',
      description: 'Rebuilds the RSS, Atom and JSON feeds from the articles table',
      timeout: REGENERATOR_TIMEOUT,
      memorySize: REGENERATOR_MEMORY_MB,
      // One regeneration at a time, so two cannot race on the same feeds (the app's lease makes
      // that safe anyway; this keeps runs from waiting for it in the first place). A publish's own
      // request for its feeds that finds it busy is refused at once and left to the stream.
      reservedConcurrentExecutions: REGENERATOR_RESERVED_CONCURRENCY,
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
      ...(props.logRemovalPolicy ? { logRemovalPolicy: props.logRemovalPolicy } : {}),
      environment: {
        FEED_BUCKET: props.feedBucket.bucketName,
        SITE_BASE_URL: props.siteBaseUrl,
        DISTRIBUTION_ID: props.distribution.distributionId,
        WEBSUB_HUBS: (props.websubHubs ?? []).join(','),
        ANNOUNCEMENT_QUEUE_URL: props.announcementQueue.queueUrl,
        FEED_EDGE_SECONDS: String(props.freshness.edgeSeconds),
        INVALIDATE_FEEDS: String(props.freshness.invalidateFeeds),
        SITE_FILES_DIR: SITE_FILES_FOLDER,
      },
      // The editors' desk, built by esbuild beside the bundle; the first catalog refresh of each
      // process publishes whatever of it differs from the bucket (no deploy-time custom resource).
      afterBundling: (outputDir) => [
        `"${process.execPath}" --import tsx "${path.join(REPO_ROOT, 'cli/build-desk.ts')}" "${path.join(outputDir, SITE_FILES_FOLDER, 'desk')}"`,
      ],
    });
    this.handler.bindTable(props.articleTable, REGENERATOR_TABLE_ACCESS);

    this.handler.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [props.feedBucket.arnForObjects('*')],
      }),
    );
    // Without ListBucket, S3 answers a read of a file that does not exist yet (the first render of
    // a feed) with 403 AccessDenied instead of 404 NoSuchKey. Scoped to this one bucket.
    this.handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.feedBucket.bucketArn] }));
    props.distribution.grantCreateInvalidation(this.handler);
    props.announcementQueue.grantSendMessages(this.handler);

    this.eventSource = new DynamoEventSource(props.articleTable.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      // Every story of a burst that arrives while a regeneration runs is coalesced into the next
      // one: each feed is then rendered once per batch, not once per hundred stories.
      // No batching window: Lambda keeps one batch per shard in flight and polls about four times a
      // second, so the records of a burst pile up by themselves while a regeneration runs, and a
      // lone publish is not held back for a window that coalesces nothing.
      batchSize: REGENERATOR_BATCH_SIZE,
      bisectBatchOnError: true,
      retryAttempts: 5,
      reportBatchItemFailures: true,
      onFailure: new SqsDlq(this.deadLetterQueue),
      filters: [ARTICLE_ITEM_FILTER],
    });
    this.handler.addEventSource(this.eventSource);

    // Today's archive page and index.html are left to this refresh, off the readers' path.
    this.catalogRefresh = new events.Rule(this, 'CatalogRefresh', {
      description: "Bring today's archive page and the feed directory up to date with the feeds",
      schedule: events.Schedule.rate(Duration.seconds(CATALOG_REFRESH_SECONDS)),
      // A missed or failed refresh is redone by the next one, a minute later.
      targets: [new targets.LambdaFunction(this.handler, { retryAttempts: 0 })],
    });

    const role = this.handler.role;
    if (role) {
      const bucketLogicalId = Stack.of(this).getLogicalId(props.feedBucket.node.defaultChild as s3.CfnBucket);
      Validations.of(role).acknowledge(
        {
          id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/*]`,
          reason:
            'The regenerator writes feed files whose keys (one set per feed) are not known at deploy time; scoped to the one feed bucket.',
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'dynamodb:ListStreams (added by the DynamoDB event source) supports no resource-level permissions; the stream read actions are scoped to the table stream.',
        },
      );
    }
  }
}
