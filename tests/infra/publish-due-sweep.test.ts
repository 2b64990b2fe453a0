import { beforeAll, describe, expect, it } from 'vitest';
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

describe('Construct: PublishDueSweep', () => {
  let synth: SynthesizedStack;

  beforeAll(() => {
    synth = synthesizeStack();
  }, 60_000);

  it('runs the sweep every minute, without retries (the next sweep catches up)', () => {
    // Assess
    // The other rule is the regenerator's catalog refresh.
    synth.template.resourceCountIs('AWS::Events::Rule', 2);
    synth.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        {
          Arn: getAtt(synth, synth.stack.publishDueSweep.handler, 'Arn'),
          Id: 'Target0',
          RetryPolicy: { MaximumRetryAttempts: 0 },
        },
      ],
    });
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: ref(synth, synth.stack.publishDueSweep.handler),
      MaximumRetryAttempts: 0,
    });
  });

  it('finishes before the next sweep starts', () => {
    // Assess
    expect(resourceOf(synth, synth.stack.publishDueSweep.handler).Properties.Timeout).toBeLessThan(60);
  });

  it('knows only the table', () => {
    // Assess
    expect(environmentOf(synth, synth.stack.publishDueSweep.handler)).toEqual(
      expect.objectContaining({ TABLE_NAME: ref(synth, synth.stack.articleTable.table) }),
    );
    expect(Object.keys(environmentOf(synth, synth.stack.publishDueSweep.handler)).sort()).toEqual([
      'LOG_LEVEL',
      'NODE_OPTIONS',
      'POWERTOOLS_SERVICE_NAME',
      'TABLE_NAME',
    ]);
  });

  it('may only query the status index and update items', () => {
    // Prepare
    const role = synth.stack.publishDueSweep.handler.role!;
    const tableArn = getAtt(synth, synth.stack.articleTable.table, 'Arn');

    // Assess
    expect(allowedActions(synth, role)).toEqual(['dynamodb:Query', 'dynamodb:UpdateItem', 'logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(resourcesFor(synth, role, 'dynamodb:Query')).toEqual([{ 'Fn::Join': ['', [tableArn, '/index/GSI1']] }]);
    expect(resourcesFor(synth, role, 'dynamodb:UpdateItem')).toEqual([tableArn]);
  });
});
