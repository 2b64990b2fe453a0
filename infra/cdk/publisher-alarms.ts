import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface PublisherAlarmsProps {
  /** Functions whose errors raise an alarm, by a short name used in the alarm's name. */
  readonly functions: Record<string, lambda.IFunction>;
  readonly deadLetterQueue: sqs.IQueue;
  readonly httpApi: apigw.IHttpApi;
  /** The stream-triggered function, whose iterator age shows it falling behind. */
  readonly streamConsumer: lambda.IFunction;
  /** Where notifications go by email (a subscription the recipient must confirm). */
  readonly alarmEmail?: string;
}

const PERIOD = Duration.minutes(5);

/**
 * The alarms that need a human: a stream record given up on (dead-letter queue not empty), any
 * function error, any 5xx from the ingest API, and the regenerator falling behind its stream.
 * They notify an encrypted SNS topic; CloudWatch may use the topic's key and nothing else may.
 */
export class PublisherAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly topicKey: kms.Key;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: PublisherAlarmsProps) {
    super(scope, id);

    // An AWS managed key cannot be used: CloudWatch must be allowed in the key policy to publish.
    this.topicKey = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the feed publisher alarm topic',
      enableKeyRotation: true,
      // Holds no data at rest worth keeping once the stack is gone.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.topicKey.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Newsroom feeds alarms',
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    // Only this account's alarms may publish (the confused-deputy guard AWS recommends).
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisAccountsAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    if (props.alarmEmail) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }

    this.add(
      'DeadLetterQueueNotEmpty',
      'A stream batch was given up on: replay it from the dead-letter queue',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      this.add(`${name}Errors`, `The ${name} function failed`, fn.metricErrors({ period: PERIOD, statistic: 'Sum' }));
    }
    this.add(
      'IngestApi5xx',
      'The ingest API answered with a server error',
      props.httpApi.metricServerError({ period: PERIOD, statistic: 'Sum' }),
    );
    this.add(
      'RegeneratorFallingBehind',
      'The oldest unprocessed stream record is over 5 minutes old: feeds are stale',
      new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName: 'IteratorAge',
        dimensionsMap: { FunctionName: props.streamConsumer.functionName },
        period: PERIOD,
        statistic: 'Maximum',
      }),
      Duration.minutes(5).toMilliseconds(),
    );
  }

  private add(id: string, description: string, metric: cloudwatch.IMetric, threshold = 0): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
