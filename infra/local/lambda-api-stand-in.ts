import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOnFreePort, readRequestBody } from './stand-in-http.js';

/** Lambda's limit on a synchronous invocation's request payload. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations(?:\?.*)?$/;

/**
 * A function's reserved concurrency: how many of its invocations run at once. A synchronous
 * invocation that finds every environment busy is refused at once, as Lambda answers it with
 * TooManyRequestsException; the invocations Lambda makes itself (an event source mapping's batch,
 * an EventBridge schedule) are retried by Lambda until they run, so here they wait their turn.
 */
export class ReservedConcurrency {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /** Runs `work` now, or returns undefined when every environment is busy. */
  tryRun<T>(work: () => Promise<T>): Promise<T> | undefined {
    if (this.running >= this.limit) return undefined;
    return this.enter(work);
  }

  /** Runs `work` as soon as an environment is free. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    while (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    return this.enter(work);
  }

  private async enter<T>(work: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

export interface StandInFunction {
  handler: (event: unknown) => Promise<unknown>;
  concurrency: ReservedConcurrency;
}

/**
 * Stands in for Lambda's Invoke API (synchronous invocations, `RequestResponse`) over HTTP, so a
 * handler's real Lambda SDK client reaches it through `AWS_ENDPOINT_URL_LAMBDA`. Each function runs
 * within its reserved concurrency; a call past it gets 429 TooManyRequestsException, a handler that
 * throws answers 200 with `X-Amz-Function-Error: Unhandled` and the error as the payload, as Lambda
 * does.
 */
export class LambdaApiStandIn {
  private readonly server: Server;
  endpoint = '';
  readonly stats = { invoked: 0, refused: 0 };

  constructor(private readonly functions: Record<string, StandInFunction>) {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) sendError(response, 500, 'ServiceException', (error as Error).message);
        else response.end();
      });
    });
  }

  async start(): Promise<this> {
    this.endpoint = await listenOnFreePort(this.server);
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const route = INVOKE_PATH.exec(request.url ?? '');
    const body = await readRequestBody(request, MAX_PAYLOAD_BYTES);
    if (!route || request.method !== 'POST') {
      return sendError(response, 404, 'ResourceNotFoundException', `No such resource: ${request.method} ${request.url}`);
    }
    const name = decodeURIComponent(route[1]!);
    const target = this.functions[name];
    if (!target) return sendError(response, 404, 'ResourceNotFoundException', `Function not found: ${name}`);
    if (!body)
      return sendError(
        response,
        413,
        'RequestTooLargeException',
        'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
      );
    const invocationType = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (invocationType !== 'RequestResponse') {
      return sendError(
        response,
        400,
        'InvalidParameterValueException',
        `This stand-in runs RequestResponse invocations only, not ${invocationType}`,
      );
    }
    let event: unknown;
    try {
      event = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      return sendError(response, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
    const running = target.concurrency.tryRun(async () => {
      try {
        return { result: await target.handler(event) };
      } catch (error) {
        return { error: error as Error };
      }
    });
    if (!running) {
      this.stats.refused++;
      return sendError(response, 429, 'TooManyRequestsException', 'Rate Exceeded.', {
        Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
      });
    }
    this.stats.invoked++;
    const outcome = await running;
    const headers = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };
    if ('error' in outcome) {
      const { name: errorType, message: errorMessage } = outcome.error ?? {};
      response
        .writeHead(200, { ...headers, 'x-amz-function-error': 'Unhandled' })
        .end(JSON.stringify({ errorType: errorType ?? 'Error', errorMessage: errorMessage ?? String(outcome.error), trace: [] }));
      return;
    }
    response.writeHead(200, headers).end(JSON.stringify(outcome.result ?? null));
  }
}

function sendError(response: ServerResponse, status: number, type: string, message: string, extra: Record<string, string> = {}): void {
  response
    .writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type })
    .end(JSON.stringify({ Type: 'User', message, ...extra }));
}
