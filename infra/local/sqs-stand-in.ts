import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { listenOnFreePort, readRequestBody } from './stand-in-http.js';

export interface SqsStandInOptions {
  /** The function the queue's event source mapping invokes (the announce handler). */
  deliver: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
  /** Messages sent but not yet handled survive a stop or a crash here (one JSON line each). */
  journalFile?: string | undefined;
  /** Messages that failed every delivery are appended here, as the queue's dead-letter queue. */
  deadLetterFile?: string | undefined;
  /** Deliveries of a message before it goes to the dead-letter file (the redrive policy's maxReceiveCount). */
  maxReceives?: number;
  /** How long a failed message stays invisible before it is delivered again. */
  visibilityTimeoutMs?: number;
  onError?: (error: unknown) => void;
}

interface QueuedMessage {
  id: string;
  body: string;
  /** When it becomes visible (ms since the epoch). */
  dueAt: number;
  receives: number;
}

const QUEUE_NAME = 'feed-announcements';

/**
 * Stands in for the announcement queue (SQS) and its Lambda event source mapping: SendMessage over
 * HTTP, as the SDK's SQS client sends it (JSON protocol), with a message timer (`DelaySeconds`,
 * 0 to 900), then delivery of each message, once visible, to the announce handler; a message the
 * handler reports failed is delivered again after the visibility timeout, and after
 * `maxReceives` deliveries it goes to the dead-letter file. Messages are journaled as they are
 * sent, so a stop or a crash before they are handled replays them at the next start.
 */
export class SqsStandIn {
  private readonly server: Server;
  private readonly pending = new Map<string, { message: QueuedMessage; timer: NodeJS.Timeout }>();
  private readonly delivering = new Set<Promise<void>>();
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  endpoint = '';
  queueUrl = '';
  readonly stats = { sent: 0, delivered: 0, deadLetters: 0 };

  constructor(private readonly options: SqsStandInOptions) {
    this.server = createServer((request, response) => void this.handle(request, response));
  }

  async start(): Promise<this> {
    this.endpoint = await listenOnFreePort(this.server);
    this.queueUrl = `${this.endpoint}/000000000000/${QUEUE_NAME}`;
    return this;
  }

  /** Schedules the messages an earlier run sent and did not handle; returns how many. */
  recover(): number {
    const file = this.options.journalFile;
    if (!file || !existsSync(file)) return 0;
    const sent = new Map<string, QueuedMessage>();
    for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
      try {
        const entry = JSON.parse(line) as { done?: string } & Partial<QueuedMessage>;
        if (entry.done) sent.delete(entry.done);
        else if (entry.id && typeof entry.body === 'string')
          sent.set(entry.id, { id: entry.id, body: entry.body, dueAt: entry.dueAt ?? 0, receives: 0 });
      } catch {
        // A line cut short by a crash: the message it began was never acknowledged to the sender.
      }
    }
    writeFileSync(file, [...sent.values()].map((message) => `${JSON.stringify(message)}\n`).join(''));
    for (const message of sent.values()) this.schedule(message);
    return sent.size;
  }

  /** Resolves once no message is waiting or being delivered. */
  idle(): Promise<void> {
    if (!this.pending.size && !this.delivering.size) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops delivering; messages not yet handled stay in the journal for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    await Promise.all(this.delivering);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = (await readRequestBody(request))!;
    const reply = (status: number, body: object) =>
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
    const fault = (type: string, message: string) => reply(400, { __type: `com.amazonaws.sqs#${type}`, message });
    if (request.headers['x-amz-target'] !== 'AmazonSQS.SendMessage') {
      return void fault('UnsupportedOperation', `${String(request.headers['x-amz-target'])} is not supported by the local queue`);
    }
    let input: { QueueUrl?: string; MessageBody?: string; DelaySeconds?: number };
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      return void fault('InvalidParameterValue', 'The request body is not JSON');
    }
    if (!input.QueueUrl?.endsWith(`/${QUEUE_NAME}`))
      return void fault('QueueDoesNotExist', `The specified queue does not exist: ${input.QueueUrl}`);
    if (typeof input.MessageBody !== 'string' || !input.MessageBody) return void fault('MissingParameter', 'MessageBody is required');
    const delaySeconds = input.DelaySeconds ?? 0;
    if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 900) {
      return void fault('InvalidParameterValue', 'DelaySeconds must be a whole number from 0 to 900');
    }
    const message: QueuedMessage = { id: randomUUID(), body: input.MessageBody, dueAt: Date.now() + delaySeconds * 1000, receives: 0 };
    this.journal(message);
    this.stats.sent++;
    this.schedule(message);
    reply(200, { MessageId: message.id, MD5OfMessageBody: createHash('md5').update(message.body).digest('hex') });
  }

  private journal(entry: QueuedMessage | { done: string }): void {
    if (this.options.journalFile) appendFileSync(this.options.journalFile, `${JSON.stringify(entry)}\n`);
  }

  private schedule(message: QueuedMessage): void {
    if (this.closed) return;
    const timer = setTimeout(
      () => {
        this.pending.delete(message.id);
        const delivery = this.deliver(message).finally(() => {
          this.delivering.delete(delivery);
          this.settleIfIdle();
        });
        this.delivering.add(delivery);
      },
      Math.max(0, message.dueAt - Date.now()),
    );
    this.pending.set(message.id, { message, timer });
  }

  private async deliver(message: QueuedMessage): Promise<void> {
    message.receives++;
    const record: SQSRecord = {
      messageId: message.id,
      receiptHandle: message.id,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receives),
        SentTimestamp: String(message.dueAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(message.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:000000000000:${QUEUE_NAME}`,
      awsRegion: 'local',
    };
    let failed: unknown;
    try {
      const result = await this.options.deliver({ Records: [record] });
      if (result?.batchItemFailures.some((failure) => failure.itemIdentifier === message.id))
        failed = new Error('the handler reported the message failed');
    } catch (error) {
      failed = error;
    }
    if (!failed) {
      this.stats.delivered++;
      this.journal({ done: message.id });
      return;
    }
    this.options.onError?.(failed);
    if (message.receives >= (this.options.maxReceives ?? 5)) {
      this.stats.deadLetters++;
      this.journal({ done: message.id });
      if (this.options.deadLetterFile)
        appendFileSync(
          this.options.deadLetterFile,
          `${JSON.stringify({ at: new Date().toISOString(), error: (failed as Error).message, body: message.body })}\n`,
        );
      return;
    }
    this.schedule({ ...message, dueAt: Date.now() + (this.options.visibilityTimeoutMs ?? 2_000) });
  }

  private settleIfIdle(): void {
    if (this.pending.size || this.delivering.size) return;
    if (this.options.journalFile && existsSync(this.options.journalFile)) writeFileSync(this.options.journalFile, '');
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
