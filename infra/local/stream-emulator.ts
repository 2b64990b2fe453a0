import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { STORIES_PER_REGENERATION } from '../../functions/regenerate/stream-records.js';

export interface StreamEmulatorOptions {
  tableName: string;
  /** The regenerate handler (or anything that takes a stream event). */
  deliver: (event: DynamoDBStreamEvent) => Promise<unknown>;
  /** Records per event, as the event source mapping's BatchSize. */
  batchSize?: number;
  /** How often the poller looks for new records while no batch is in flight. @default STREAM_POLL_INTERVAL_MS */
  pollIntervalMs?: number;
  /** Deliveries of one batch before it goes to the dead-letter file. */
  maxAttempts?: number;
  /** Keys written but not yet delivered survive a crash here (one JSON key per line). */
  journalFile?: string | undefined;
  /** Batches that failed every attempt are appended here, as the on-failure destination. */
  deadLetterFile?: string | undefined;
  /** Only changes to items with this sort key are delivered, as the mapping's filter. */
  sortKey?: string;
  onError?: (error: unknown, attempt: number) => void;
}

type Key = { PK: string; SK: string };

/** Records per delivery unless told otherwise: as the regenerator's event source mapping in AWS. */
export const STREAM_BATCH_SIZE = STORIES_PER_REGENERATION;

/** Lambda polls a stream's shards "at a base rate of 4 times per second". */
export const STREAM_POLL_INTERVAL_MS = 250;

/** Reads a key attribute whether it is still native (document client) or already marshalled. */
function stringAttribute(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { S?: unknown }).S === 'string') return (value as { S: string }).S;
  return undefined;
}

function keyOf(item: unknown): Key | undefined {
  if (!item || typeof item !== 'object') return undefined;
  const record = item as Record<string, unknown>;
  const PK = stringAttribute(record.PK);
  const SK = stringAttribute(record.SK);
  return PK !== undefined && SK !== undefined ? { PK, SK } : undefined;
}

/** Keys of the items a write command changes. */
function writtenKeys(commandName: string, input: Record<string, unknown>, tableName: string): Key[] {
  if (commandName.startsWith('BatchWrite')) {
    const requests = ((input.RequestItems as Record<string, unknown[]> | undefined)?.[tableName] ?? []) as {
      PutRequest?: { Item: unknown };
      DeleteRequest?: { Key: unknown };
    }[];
    return requests.map((request) => keyOf(request.PutRequest?.Item ?? request.DeleteRequest?.Key)).filter((key): key is Key => !!key);
  }
  if (input.TableName !== tableName) return [];
  if (commandName.startsWith('Put')) return [keyOf(input.Item)].filter((key): key is Key => !!key);
  if (commandName.startsWith('Update') || commandName.startsWith('Delete')) return [keyOf(input.Key)].filter((key): key is Key => !!key);
  return [];
}

/**
 * Stands in for the table's stream and its event source mapping: a client middleware notices
 * every successful write to a story item and the records are delivered, batched and in order, to
 * the regenerate handler, with retries and a dead-letter file. As Lambda's poller does with a
 * shard and no batching window: one batch in flight at a time; while it runs new records gather
 * (so a burst of publishes becomes a few regenerations) and go as the next batch as soon as it
 * ends; a record that arrives while nothing is in flight goes at the next poll, four times a
 * second.
 */
export class StreamEmulator {
  private pending: DynamoDBRecord[] = [];
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private sequence = 0;
  /** Writes journaled but not yet finished; the journal is only cleared when there are none. */
  private inFlight = 0;
  /** `lastDeliveryAt`: when the latest batch was handed to the handler (ms since the epoch). */
  readonly stats = { recordsSeen: 0, batchesDelivered: 0, deadLetters: 0, lastDeliveryAt: 0 };

  constructor(private readonly options: StreamEmulatorOptions) {}

  /** Starts watching writes made through this client (the one the handlers use). */
  attach(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const commandName = String(context.commandName ?? '');
        const keys = writtenKeys(commandName, args.input as Record<string, unknown>, this.options.tableName).filter(
          (key) => key.SK === (this.options.sortKey ?? 'A'),
        );
        // Journal first: a crash after the write but before delivery is replayed on restart.
        if (!keys.length) return next(args);
        this.inFlight++;
        this.journal(keys);
        try {
          const result = await next(args);
          this.push(keys);
          return result;
        } finally {
          this.inFlight--;
          this.wakeIdleWaiters();
        }
      },
      { step: 'initialize', name: 'localTableStream', priority: 'low' },
    );
  }

  /** Replays keys journaled by an earlier process that stopped before delivering them. */
  recover(): number {
    const file = this.options.journalFile;
    if (!file || !existsSync(file)) return 0;
    const keys = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Key];
        } catch {
          return [];
        }
      });
    if (keys.length) this.push(keys);
    return keys.length;
  }

  /** Queues records for keys as the stream would (also used to request a rebuild). */
  push(keys: Key[]): void {
    for (const key of keys) {
      this.stats.recordsSeen++;
      this.pending.push({
        eventID: String(++this.sequence),
        eventName: 'MODIFY',
        eventSource: 'aws:dynamodb',
        awsRegion: 'local',
        dynamodb: {
          Keys: { PK: { S: key.PK }, SK: { S: key.SK } },
          SequenceNumber: String(this.sequence).padStart(21, '0'),
          StreamViewType: 'KEYS_ONLY',
          ApproximateCreationDateTime: Date.now() / 1000,
        },
      });
    }
    this.schedule();
  }

  /**
   * Resolves once every record queued so far has been delivered (or dead-lettered), and no write
   * to a story is still on its way (its record would be queued as it lands).
   */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return !this.running && !this.pending.length && !this.timer && this.inFlight === 0;
  }

  private wakeIdleWaiters(): void {
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private journal(keys: Key[]): void {
    if (this.options.journalFile) appendFileSync(this.options.journalFile, keys.map((key) => `${JSON.stringify(key)}\n`).join(''));
  }

  private schedule(): void {
    if (this.running || this.timer) return;
    const interval = this.options.pollIntervalMs ?? STREAM_POLL_INTERVAL_MS;
    // Polls run on their own clock, not from the write: the wait is whatever is left until the next.
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.drain();
      },
      interval ? interval - (Date.now() % interval) : 0,
    );
  }

  private async drain(): Promise<void> {
    this.running = true;
    const batchSize = this.options.batchSize ?? STREAM_BATCH_SIZE;
    while (this.pending.length) {
      const batch = this.pending.splice(0, batchSize);
      await this.deliver(batch);
    }
    this.running = false;
    if (this.options.journalFile && this.inFlight === 0 && !this.pending.length && existsSync(this.options.journalFile)) {
      writeFileSync(this.options.journalFile, '');
    }
    if (this.pending.length) this.schedule();
    else this.wakeIdleWaiters();
  }

  private async deliver(records: DynamoDBRecord[]): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        if (attempt === 1) this.stats.lastDeliveryAt = Date.now();
        await this.options.deliver({ Records: records });
        this.stats.batchesDelivered++;
        return;
      } catch (error) {
        this.options.onError?.(error, attempt);
        if (attempt < maxAttempts) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
        else this.deadLetter(records, error);
      }
    }
  }

  private deadLetter(records: DynamoDBRecord[], error: unknown): void {
    this.stats.deadLetters++;
    if (!this.options.deadLetterFile) return;
    const entry = { at: new Date().toISOString(), error: (error as Error).message, keys: records.map((record) => record.dynamodb?.Keys) };
    appendFileSync(this.options.deadLetterFile, `${JSON.stringify(entry)}\n`);
  }
}
