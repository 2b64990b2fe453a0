import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { getAtt, ref, synthesizeStack, type SynthesizedStack } from './support/synthesize.js';

type AlarmResource = {
  Properties: {
    MetricName: string;
    Namespace: string;
    Dimensions: { Name: string; Value: unknown }[];
    Threshold: number;
    ComparisonOperator: string;
    AlarmActions: unknown[];
  };
};

describe('Construct: PublisherAlarms', () => {
  let synth: SynthesizedStack;
  let alarms: AlarmResource['Properties'][];

  beforeAll(() => {
    synth = synthesizeStack({ alarmEmail: 'desk@example.org' });
    alarms = Object.values(synth.template.findResources('AWS::CloudWatch::Alarm') as Record<string, AlarmResource>).map(
      (alarm) => alarm.Properties,
    );
  }, 60_000);

  const alarmOn = (metricName: string, dimension: unknown) =>
    alarms.filter(
      (alarm) => alarm.MetricName === metricName && alarm.Dimensions.some((d) => JSON.stringify(d.Value) === JSON.stringify(dimension)),
    );

  it('raises an alarm as soon as the dead-letter queue holds a message', () => {
    // Act
    const [alarm, ...others] = alarmOn(
      'ApproximateNumberOfMessagesVisible',
      getAtt(synth, synth.stack.regenerator.deadLetterQueue, 'QueueName'),
    );

    // Assess
    expect(others).toEqual([]);
    expect(alarm).toEqual(expect.objectContaining({ Namespace: 'AWS/SQS', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' }));
  });

  it('raises an alarm on any error of each function', () => {
    // Prepare
    const functions = [
      synth.stack.ingestApi.handler,
      synth.stack.regenerator.handler,
      synth.stack.publishDueSweep.handler,
      synth.stack.hubAnnouncer.handler,
    ];

    // Assess
    for (const fn of functions) {
      expect(alarmOn('Errors', ref(synth, fn))).toEqual([
        expect.objectContaining({ Namespace: 'AWS/Lambda', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' }),
      ]);
    }
  });

  it('raises an alarm on any 5xx from the ingest API', () => {
    // Assess
    expect(alarmOn('5xx', ref(synth, synth.stack.ingestApi.httpApi))).toEqual([
      expect.objectContaining({ Namespace: 'AWS/ApiGateway', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' }),
    ]);
  });

  it('raises an alarm when the regenerator falls five minutes behind its stream', () => {
    // Assess
    expect(alarmOn('IteratorAge', ref(synth, synth.stack.regenerator.handler))).toEqual([expect.objectContaining({ Threshold: 300_000 })]);
  });

  it('notifies the alarm topic from every alarm', () => {
    // Assess
    expect(alarms).toHaveLength(7);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([ref(synth, synth.stack.alarms.topic)]);
  });

  it('encrypts the topic with a rotated key that CloudWatch may use, and requires TLS to publish', () => {
    // Assess
    synth.template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: getAtt(synth, synth.stack.alarms.topicKey, 'Arn'),
    });
    synth.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    synth.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Principal: '*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
  });

  it('subscribes the alarm email when one is given', () => {
    // Assess
    synth.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'desk@example.org',
      TopicArn: ref(synth, synth.stack.alarms.topic),
    });
  });
});
