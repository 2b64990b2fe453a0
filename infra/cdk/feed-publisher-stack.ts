import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEFAULT_FRESHNESS, type FreshnessSettings } from '../../functions/domain/edge-cache.js';
import { ArticleTable } from './article-table.js';
import { FeedBucket } from './feed-bucket.js';
import { EditorsDesk } from './editors-desk.js';
import { FeedDistribution, type CustomDomain } from './feed-distribution.js';
import { HubAnnouncer } from './hub-announcer.js';
import { IngestApi } from './ingest-api.js';
import { PublishDueSweep } from './publish-due-sweep.js';
import { PublisherAlarms } from './publisher-alarms.js';
import type { LogLevel } from './publisher-function.js';
import { Regenerator } from './regenerator.js';

export interface FeedPublisherStackProps extends StackProps {
  /** Serve the feeds from this domain (ACM certificate in us-east-1). */
  readonly customDomain?: CustomDomain;
  /** Email address that receives alarm notifications. */
  readonly alarmEmail?: string;
  /** WebSub hubs the feeds advertise and notify. */
  readonly websubHubs?: readonly string[];
  /** @default true; false only for throwaway test stacks */
  readonly deletionProtection?: boolean;
  /** Applied to the table, the buckets and the log groups. @default RemovalPolicy.RETAIN */
  readonly dataRemovalPolicy?: RemovalPolicy;
  /** @default 'INFO' */
  readonly logLevel?: LogLevel;
  /** How readers get new stories through CloudFront. @default DEFAULT_FRESHNESS */
  readonly freshness?: FreshnessSettings;
}

/** The deployable feed publisher. It only composes the constructs, one per concern. */
export class FeedPublisherStack extends Stack {
  readonly articleTable: ArticleTable;
  readonly feedBucket: FeedBucket;
  readonly feedDistribution: FeedDistribution;
  readonly ingestApi: IngestApi;
  readonly regenerator: Regenerator;
  readonly hubAnnouncer: HubAnnouncer;
  readonly publishDueSweep: PublishDueSweep;
  readonly alarms: PublisherAlarms;

  constructor(scope: Construct, id: string, props: FeedPublisherStackProps = {}) {
    super(scope, id, {
      description: 'Newsroom feed publisher: ingest API, stories table, feed regenerator, CloudFront',
      ...props,
    });
    const removalPolicy = props.dataRemovalPolicy ?? RemovalPolicy.RETAIN;
    const common = { logRemovalPolicy: removalPolicy, ...(props.logLevel ? { logLevel: props.logLevel } : {}) };

    this.articleTable = new ArticleTable(this, 'ArticleTable', {
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy,
    });
    this.feedBucket = new FeedBucket(this, 'FeedBucket', { removalPolicy });
    this.feedDistribution = new FeedDistribution(this, 'FeedDistribution', {
      feedBucket: this.feedBucket,
      ...(props.customDomain ? { customDomain: props.customDomain } : {}),
    });
    const siteBaseUrl = this.feedDistribution.siteBaseUrl;

    this.ingestApi = new IngestApi(this, 'IngestApi', { articleTable: this.articleTable, siteBaseUrl, ...common });
    new EditorsDesk(this, 'EditorsDesk', {
      distribution: this.feedDistribution.distribution,
      bucketOrigin: this.feedDistribution.bucketOrigin,
      httpApi: this.ingestApi.httpApi,
    });
    this.hubAnnouncer = new HubAnnouncer(this, 'HubAnnouncer', {
      distribution: this.feedDistribution.distribution,
      siteBaseUrl,
      websubHubs: props.websubHubs ?? [],
      ...common,
    });
    this.regenerator = new Regenerator(this, 'Regenerator', {
      articleTable: this.articleTable,
      feedBucket: this.feedBucket.bucket,
      distribution: this.feedDistribution.distribution,
      siteBaseUrl,
      websubHubs: props.websubHubs ?? [],
      announcementQueue: this.hubAnnouncer.queue,
      freshness: props.freshness ?? DEFAULT_FRESHNESS,
      ...common,
    });
    // A publish asks for its feeds at once; the stream is the guarantee behind it.
    this.ingestApi.regenerateFeedsWith(this.regenerator.handler);
    this.publishDueSweep = new PublishDueSweep(this, 'PublishDueSweep', { articleTable: this.articleTable, ...common });

    this.alarms = new PublisherAlarms(this, 'Alarms', {
      functions: {
        Ingest: this.ingestApi.handler,
        Regenerator: this.regenerator.handler,
        PublishDue: this.publishDueSweep.handler,
        HubAnnouncer: this.hubAnnouncer.handler,
      },
      deadLetterQueue: this.regenerator.deadLetterQueue,
      httpApi: this.ingestApi.httpApi,
      streamConsumer: this.regenerator.handler,
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });

    new CfnOutput(this, 'SiteBaseUrl', { value: siteBaseUrl, description: 'Where the feeds are served' });
    new CfnOutput(this, 'RssFeedUrl', { value: `${siteBaseUrl}/feed.xml`, description: 'RSS 2.0 feed' });
    new CfnOutput(this, 'AtomFeedUrl', { value: `${siteBaseUrl}/atom.xml`, description: 'Atom 1.0 feed' });
    new CfnOutput(this, 'JsonFeedUrl', { value: `${siteBaseUrl}/feed.json`, description: 'JSON Feed 1.1' });
    new CfnOutput(this, 'IngestApiUrl', {
      value: this.ingestApi.url,
      description: 'Ingest API base URL: PUT/GET/DELETE /articles/{slug}, POST/GET /articles',
    });
    new CfnOutput(this, 'IngestTokensSecretName', {
      value: this.ingestApi.tokensSecret.secretName,
      description: 'Secrets Manager secret holding the ingest bearer tokens',
    });
    new CfnOutput(this, 'DistributionDomainName', {
      value: this.feedDistribution.distribution.distributionDomainName,
      description: 'Point a custom domain (CNAME/alias) here',
    });
    new CfnOutput(this, 'DistributionId', { value: this.feedDistribution.distribution.distributionId });
    new CfnOutput(this, 'FeedBucketName', { value: this.feedBucket.bucket.bucketName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.regenerator.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
  }
}
