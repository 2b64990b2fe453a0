import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { FeedRegeneration, FeedUpdate } from '../use-cases/ports.js';
import type { RegenerateNowEvent, RegenerateNowResult } from './regenerate-now-event.js';

/**
 * Asks the regenerator function for stories' feeds with a synchronous invocation. It has one
 * environment (reserved concurrency 1): while that is busy Lambda refuses the call at once
 * (TooManyRequestsException), and the running regeneration or the stream's next delivery takes
 * the story in. Nothing here ever fails a publish.
 */
export class LambdaFeedRegeneration implements FeedRegeneration {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async regenerateNow(slugs: string[]): Promise<FeedUpdate> {
    const event: RegenerateNowEvent = { regenerateNow: { slugs } };
    try {
      const { FunctionError, Payload } = await this.client.send(
        new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'RequestResponse', Payload: JSON.stringify(event) }),
      );
      const answer = Payload?.length ? (JSON.parse(Buffer.from(Payload).toString('utf8')) as unknown) : undefined;
      if (FunctionError) return { updated: false, reason: `the regenerator failed: ${errorMessageOf(answer) ?? FunctionError}` };
      const result = answer as RegenerateNowResult | undefined;
      if (result?.status === 'done') return { updated: true };
      return {
        updated: false,
        reason: result?.status === 'busy' ? 'another regeneration holds the feeds' : 'the regenerator gave no answer',
      };
    } catch (error) {
      const { name, message } = error as Error;
      return { updated: false, reason: name === 'TooManyRequestsException' ? 'the regenerator is busy' : `${name}: ${message}` };
    }
  }
}

function errorMessageOf(answer: unknown): string | undefined {
  const message = (answer as { errorMessage?: unknown } | undefined)?.errorMessage;
  return typeof message === 'string' ? message : undefined;
}
