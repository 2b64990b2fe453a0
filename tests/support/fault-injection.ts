import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';

export interface Fault {
  /** SDK command name, e.g. 'PutItemCommand' or 'PutObjectCommand'. */
  command: string;
  /** Error name the service would answer with, e.g. 'ThrottlingException'. */
  error: string;
  httpStatusCode: number;
  /** How many matching calls fail (Infinity: all of them). */
  times: number;
  /** Let this many matching calls through before failing. */
  after?: number;
}

/**
 * Wraps a real SDK client so that chosen calls fail as the service would fail them. The
 * middleware sits inside the SDK's retry loop, so the client's own retries see the faults.
 */
export class FaultInjector {
  private faults: (Fault & { seen: number; failed: number })[] = [];
  readonly failures: string[] = [];

  constructor(client: DynamoDBClient | S3Client, name: string) {
    (client as DynamoDBClient).middlewareStack.add(
      (next, context) => async (args) => {
        const commandName = String(context.commandName ?? '');
        const fault = this.faults.find((candidate) => candidate.command === commandName && candidate.failed < candidate.times);
        if (fault) {
          fault.seen++;
          if (fault.seen > (fault.after ?? 0)) {
            fault.failed++;
            this.failures.push(commandName);
            const error = Object.assign(new Error(`Injected ${fault.error}`), {
              name: fault.error,
              $fault: fault.httpStatusCode >= 500 ? 'server' : 'client',
              $metadata: { httpStatusCode: fault.httpStatusCode, attempts: 1 },
            });
            throw error;
          }
        }
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: `faultInjection-${name}` },
    );
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault, seen: 0, failed: 0 });
  }

  clear(): void {
    this.faults = [];
  }
}
