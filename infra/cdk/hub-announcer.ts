import { Duration, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letter-queue.js';
import { PublisherFunction, type LogLevel } from './publisher-function.js';

export interface HubAnnouncerProps {
  readonly distribution: cloudfront.IDistribution;
  readonly siteBaseUrl: string;
  /** WebSub hubs to tell about changed feeds. */
  readonly websubHubs: readonly string[];
  readonly logLevel?: LogLevel;
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * Tells the WebSub hubs about changed feeds once CloudFront serves the new files. The regenerator
 * puts an announcement on a queue with a message timer; this function looks at it when it
 * becomes visible: it pings the hubs once the invalidation of the files completed or every edge
 * copy has expired, and otherwise sends the announcement back with a new timer. Nothing waits in
 * a function meanwhile, and the regenerator is never held up by it.
 */
export class HubAnnouncer extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly handler: PublisherFunction;

  constructor(scope: Construct, id: string, props: HubAnnouncerProps) {
    super(scope, id);

    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue');
    const timeout = Duration.seconds(30);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the function timeout, as Lambda advises for a queue it polls.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    this.handler = new PublisherFunction(this, 'Handler', {
      entry: 'functions/announce/handler.ts',
      description: 'Pings the WebSub hubs about changed feeds once CloudFront serves them',
      timeout,
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
      ...(props.logRemovalPolicy ? { logRemovalPolicy: props.logRemovalPolicy } : {}),
      environment: {
        ANNOUNCEMENT_QUEUE_URL: this.queue.queueUrl,
        DISTRIBUTION_ID: props.distribution.distributionId,
        SITE_BASE_URL: props.siteBaseUrl,
        WEBSUB_HUBS: props.websubHubs.join(','),
      },
    });
    // Consuming (through the event source) and sending back an announcement not yet due.
    this.handler.addEventSource(new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true }));
    this.queue.grantSendMessages(this.handler);
    this.handler.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['cloudfront:GetInvalidation'],
        resources: [
          Stack.of(this).formatArn({
            service: 'cloudfront',
            region: '',
            resource: 'distribution',
            resourceName: props.distribution.distributionId,
          }),
        ],
      }),
    );
  }
}
