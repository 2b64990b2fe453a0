import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaFeedRegeneration } from '../../functions/adapters/lambda-feed-regeneration.js';
import type { RegenerateNowResult } from '../../functions/adapters/regenerate-now-event.js';
import { LambdaApiStandIn, ReservedConcurrency } from '../../infra/local/lambda-api-stand-in.js';

describe('Adapter: LambdaFeedRegeneration through the real Lambda client to the Lambda API stand-in', () => {
  let standIn: LambdaApiStandIn;
  let client: LambdaClient;
  /** What the stand-in's regenerator does with the next invocation. */
  let next: (slugs: string[]) => Promise<RegenerateNowResult>;
  const received: unknown[] = [];

  beforeAll(async () => {
    standIn = await new LambdaApiStandIn({
      regenerator: {
        concurrency: new ReservedConcurrency(1),
        handler: async (event) => {
          received.push(event);
          return next((event as { regenerateNow: { slugs: string[] } }).regenerateNow.slugs);
        },
      },
    }).start();
    client = new LambdaClient({
      region: 'us-east-1',
      endpoint: standIn.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    client?.destroy();
    await standIn?.close();
  });

  const regeneration = () => new LambdaFeedRegeneration(client, 'regenerator');

  it('reports the feeds updated when the regenerator did it, having sent it the slugs', async () => {
    // Prepare
    next = async () => ({ status: 'done', filesWritten: 9 });
    // Act
    const update = await regeneration().regenerateNow(['harbour-reopens']);
    // Assess
    expect(update).toEqual({ updated: true });
    expect(received.at(-1)).toEqual({ regenerateNow: { slugs: ['harbour-reopens'] } });
  });

  it('leaves the feeds to the stream when another regeneration holds the lease', async () => {
    next = async () => ({ status: 'busy' });
    expect(await regeneration().regenerateNow(['a'])).toEqual({ updated: false, reason: 'another regeneration holds the feeds' });
  });

  it('is refused at once while the one environment runs, as Lambda throttles a function at its reserved concurrency', async () => {
    // Prepare: the first invocation is held until released.
    let release!: () => void;
    next = () => new Promise((resolve) => (release = () => resolve({ status: 'done', filesWritten: 0 })));
    const first = regeneration().regenerateNow(['first']);
    await expect.poll(() => received.length).toBeGreaterThan(2);
    // Act
    const second = await regeneration().regenerateNow(['second']);
    const refusedByTheApi = await client
      .send(new InvokeCommand({ FunctionName: 'regenerator', Payload: JSON.stringify({ regenerateNow: { slugs: ['third'] } }) }))
      .catch((error: Error & { Reason?: string; $metadata?: { httpStatusCode?: number } }) => error);
    release();
    // Assess
    expect(second).toEqual({ updated: false, reason: 'the regenerator is busy' });
    expect(refusedByTheApi).toMatchObject({
      name: 'TooManyRequestsException',
      Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
      $metadata: { httpStatusCode: 429 },
    });
    expect(await first).toEqual({ updated: true });
    expect(received.map((event) => (event as { regenerateNow: { slugs: string[] } }).regenerateNow.slugs[0])).not.toContain('second');
  });

  it('reports a regenerator that failed with its error message, and a function that does not exist by name', async () => {
    // Prepare
    next = async () => {
      throw new Error('S3 is unavailable');
    };
    // Act
    const failed = await regeneration().regenerateNow(['a']);
    const missing = await new LambdaFeedRegeneration(client, 'no-such-function').regenerateNow(['a']);
    // Assess
    expect(failed).toEqual({ updated: false, reason: 'the regenerator failed: S3 is unavailable' });
    expect(missing).toMatchObject({ updated: false, reason: expect.stringMatching(/^ResourceNotFoundException: Function not found/) });
  });
});
