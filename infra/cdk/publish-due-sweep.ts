import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { ArticleTable, TableAccess } from './article-table.js';
import { PublisherFunction, type LogLevel } from './publisher-function.js';

/** Find due stories through GSI1, flip them to published: nothing else. */
export const PUBLISH_DUE_TABLE_ACCESS: TableAccess = { items: ['UpdateItem'], queryGsi1: true };

export const SWEEP_INTERVAL = Duration.minutes(1);

export interface PublishDueSweepProps {
  readonly articleTable: ArticleTable;
  readonly logLevel?: LogLevel;
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * Publishes scheduled stories whose time has come, by sweeping once a minute.
 *
 * Why one sweep rather than one EventBridge Scheduler schedule per story: there are no per-story
 * resources to create, clean up or leak; rescheduling or retracting a story is just a write to
 * the table (nothing to cancel); and a missed or failed run is caught up by the next one. A story
 * goes out at most about a minute late, and the cost is ~43,000 tiny invocations a month.
 */
export class PublishDueSweep extends Construct {
  readonly handler: PublisherFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: PublishDueSweepProps) {
    super(scope, id);

    this.handler = new PublisherFunction(this, 'Handler', {
      entry: 'functions/publish-due/handler.ts',
      description: 'Publishes scheduled stories whose publish time has passed',
      // Shorter than the interval, so sweeps do not pile up.
      timeout: Duration.seconds(50),
      // Neither Lambda nor EventBridge retries a failed sweep: the next one, a minute later, redoes it.
      retryAttempts: 0,
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
      ...(props.logRemovalPolicy ? { logRemovalPolicy: props.logRemovalPolicy } : {}),
    });
    this.handler.bindTable(props.articleTable, PUBLISH_DUE_TABLE_ACCESS);

    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Publish scheduled stories that are due',
      schedule: events.Schedule.rate(SWEEP_INTERVAL),
      targets: [new targets.LambdaFunction(this.handler, { retryAttempts: 0 })],
    });
  }
}
