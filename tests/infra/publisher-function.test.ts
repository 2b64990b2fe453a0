import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHER_RUNTIME, type PublisherFunction } from '../../infra/cdk/publisher-function.js';
import { environmentOf, getAtt, ref, resourceOf, synthesizeStack, type SynthesizedStack } from './support/synthesize.js';

describe('Construct: PublisherFunction', () => {
  let synth: SynthesizedStack;
  let functions: [string, PublisherFunction][];

  beforeAll(() => {
    synth = synthesizeStack();
    functions = [
      ['ingest', synth.stack.ingestApi.handler],
      ['regenerate', synth.stack.regenerator.handler],
      ['publish-due', synth.stack.publishDueSweep.handler],
      ['announce', synth.stack.hubAnnouncer.handler],
    ];
  }, 60_000);

  it('is the only kind of function in the stack (no hidden custom-resource functions)', () => {
    // Assess
    synth.template.resourceCountIs('AWS::Lambda::Function', functions.length);
  });

  it('runs the newest Node.js runtime on arm64, calling the exported handler of an ES module bundle', () => {
    // Assess
    for (const [name, fn] of functions) {
      expect(resourceOf(synth, fn).Properties, name).toEqual(
        expect.objectContaining({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' }),
      );
    }
  });

  it('sets the service name, log level and source maps for every function', () => {
    // Assess
    for (const [name, fn] of functions) {
      expect(environmentOf(synth, fn), name).toEqual(
        expect.objectContaining({
          POWERTOOLS_SERVICE_NAME: 'newsroom-feeds',
          LOG_LEVEL: 'INFO',
          NODE_OPTIONS: '--enable-source-maps',
        }),
      );
    }
  });

  it('logs to its own log group, kept for a month', () => {
    // Assess
    for (const [name, fn] of functions) {
      expect(resourceOf(synth, fn).Properties.LoggingConfig, name).toEqual({ LogGroup: ref(synth, fn.functionLogGroup) });
      expect(resourceOf(synth, fn.functionLogGroup).Properties.RetentionInDays, name).toBe(30);
    }
  });

  it('has its own role with no managed or inline policies (no AWSLambdaBasicExecutionRole)', () => {
    // Assess
    for (const [name, fn] of functions) {
      const role = fn.role!;
      const properties = resourceOf(synth, role).Properties;
      expect(properties.ManagedPolicyArns, name).toBeUndefined();
      expect(properties.Policies, name).toBeUndefined();
      expect(resourceOf(synth, fn).Properties.Role, name).toEqual(getAtt(synth, role, 'Arn'));
    }
  });

  it('runs on the Node major that CI also tests and benchmarks on (.ci/with-lambda-node)', () => {
    // Prepare
    const script = readFileSync(new URL('../../.ci/with-lambda-node', import.meta.url), 'utf8');
    // Act
    const pinned = /^LAMBDA_NODE_VERSION=(\d+)\.\d+\.\d+$/m.exec(script)?.[1];
    // Assess
    expect(pinned).toBeDefined();
    expect(PUBLISHER_RUNTIME.name).toBe(`nodejs${pinned}.x`);
  });
});
