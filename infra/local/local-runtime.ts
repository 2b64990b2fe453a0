import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  DynamoDBStreamEvent,
  ScheduledEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { writeDeskFiles } from '../../desk/assets.js';
import { loadSite } from '../../functions/commons/config.js';
import type { RegenerateNowEvent, RegenerateNowResult } from '../../functions/adapters/regenerate-now-event.js';
import { REGENERATOR_RESERVED_CONCURRENCY } from '../../functions/regenerate/reserved-concurrency.js';
import { CATALOG_REFRESH_SECONDS } from '../../functions/use-cases/refresh-catalog.js';
import { forwardToIngest, isIngestPath } from './api-gateway-stand-in.js';
import { startStandIns, type StandIns } from './aws-stand-ins.js';
import { CdnStandIn } from './cdn-stand-in.js';
import { CloudFrontApiStandIn, LOCAL_DISTRIBUTION_ID } from './cloudfront-api-stand-in.js';
import { LambdaApiStandIn, ReservedConcurrency } from './lambda-api-stand-in.js';
import { SqsStandIn } from './sqs-stand-in.js';
import { StreamEmulator } from './stream-emulator.js';

export interface LocalRuntimeOptions {
  /** 0 picks a free port. */
  port: number;
  /** Where stories and feeds persist; when undefined, the table is kept in memory and the bucket in a temporary directory, both gone at close. */
  dataDir?: string | undefined;
  /** Bearer token; generated and kept in the data directory when absent. */
  token?: string | undefined;
  /** Public base URL of the feeds; defaults to http://localhost:<port>. */
  baseUrl?: string | undefined;
  /** How often scheduled stories are checked. */
  scheduleIntervalMs?: number;
  /** How often today's archive page and index.html are brought up to date (as EventBridge does in AWS). */
  catalogRefreshIntervalMs?: number | undefined;
  /** How long the server keeps an idle kept-alive connection open. */
  keepAliveTimeoutMs?: number | undefined;
  /** How long a call to a storage stand-in may go silent before it is abandoned and retried. */
  sdkSocketTimeoutMs?: number | undefined;
  /** How long a CloudFront invalidation takes to complete (the local CDN keeps its copies until then). */
  cdnInvalidationDelayMs?: number | undefined;
  log?: (message: string) => void;
}

export interface LocalRuntime {
  url: string;
  port: number;
  token: string;
  tokenFile?: string | undefined;
  standIns: StandIns;
  stream: StreamEmulator;
  cdn: CdnStandIn;
  cloudFrontApi: CloudFrontApiStandIn;
  /** Lambda's Invoke API, through which the ingest handler asks the regenerator for a story's feeds. */
  lambdaApi: LambdaApiStandIn;
  announcementQueue: SqsStandIn;
  /** Resolves once every write so far has reached the feeds. */
  settled(): Promise<void>;
  /** Runs the scheduled-publishing sweep now. */
  publishDue(): Promise<void>;
  /** Runs the catalog refresh now: today's archive page and index.html catch up with the feeds. */
  refreshCatalog(): Promise<void>;
  /** Whether the table holds no item at all. */
  isEmpty(): Promise<boolean>;
  close(): Promise<void>;
}

type IngestHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
type RegenerateHandler = (event: DynamoDBStreamEvent | ScheduledEvent | RegenerateNowEvent) => Promise<RegenerateNowResult | undefined>;

/** The regenerator's name in the local Lambda stand-in. */
export const LOCAL_REGENERATOR_FUNCTION = 'local-regenerator';

/**
 * How long the local server keeps an idle connection open: longer than the clients that talk to it
 * keep one, so a client never sends a request on a connection the server is closing at that moment
 * (which it sees as ECONNRESET, and a PUT is not retried). Node's agent keeps an idle connection
 * 5 s, undici 4 s or what the server's `Keep-Alive: timeout` says less a second, Firefox 115 s,
 * curl 118 s, Chromium 300 s. The server announces its own timeout in that header.
 */
export const LOCAL_KEEP_ALIVE_TIMEOUT_MS = 310_000;

/**
 * How long an invalidation takes locally unless told otherwise: short enough that a story is in
 * all its feeds within a second of being acknowledged, as `npm start` promises. CloudFront's take
 * seconds; the benchmark runs with a realistic figure.
 */
export const LOCAL_CDN_INVALIDATION_DELAY_MS = 100;

async function resolveToken(options: LocalRuntimeOptions): Promise<{ token: string; tokenFile?: string }> {
  if (options.token) return { token: options.token };
  if (!options.dataDir) return { token: randomBytes(32).toString('base64url') };
  const tokenFile = path.join(options.dataDir, 'ingest-token');
  if (existsSync(tokenFile)) return { token: (await readFile(tokenFile, 'utf8')).trim(), tokenFile };
  const token = randomBytes(32).toString('base64url');
  await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  await chmod(tokenFile, 0o600);
  return { token, tokenFile };
}

/**
 * The whole system in one process: DynamoDB and S3 stand-ins, the real ingest, regenerate and
 * publish-due handlers, and one HTTP server in front standing in for API Gateway and CloudFront.
 * Handlers are configured purely through the environment, exactly as in Lambda.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const log = options.log ?? (() => {});
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const { token, tokenFile } = await resolveToken(options);
  const standIns = await startStandIns({ dataDir: options.dataDir, socketTimeoutMs: options.sdkSocketTimeoutMs });

  // Requests that arrive before the handlers are loaded get 503 rather than waiting.
  let handle: RequestListener = (_request, response) => {
    response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"status":"starting"}');
  };
  const server = createServer((request, response) => handle(request, response));
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? LOCAL_KEEP_ALIVE_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;

  const s3 = new S3Client(standIns.clientConfig.s3);
  // The distribution's viewer function is built from the same content/site.json.
  const cdn = new CdnStandIn(s3, standIns.bucket, { feedRedirects: loadSite({}).feedRedirects });
  const cloudFrontApi = await new CloudFrontApiStandIn({
    completionDelayMs: options.cdnInvalidationDelayMs ?? LOCAL_CDN_INVALIDATION_DELAY_MS,
    onCompleted: (paths) => cdn.invalidate(paths),
  }).start();

  let announce: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;
  const announcementQueue = await new SqsStandIn({
    deliver: (event) => announce!(event),
    journalFile: options.dataDir ? path.join(options.dataDir, 'announcement-journal.jsonl') : undefined,
    deadLetterFile: options.dataDir ? path.join(options.dataDir, 'announcement-dead-letters.jsonl') : undefined,
    onError: (error) => log(`WebSub announcement failed: ${(error as Error).message}`),
  }).start();

  // The regenerator runs in its reserved concurrency, whoever invokes it: the stream, the schedule,
  // or a publish asking for its feeds at once (refused while it is busy, as Lambda does).
  const regeneratorConcurrency = new ReservedConcurrency(REGENERATOR_RESERVED_CONCURRENCY);
  let regenerate: RegenerateHandler | undefined;
  const lambdaApi = await new LambdaApiStandIn({
    [LOCAL_REGENERATOR_FUNCTION]: { handler: (event) => regenerate!(event as RegenerateNowEvent), concurrency: regeneratorConcurrency },
  }).start();
  const regenerateInTurn = (event: DynamoDBStreamEvent | ScheduledEvent) => regeneratorConcurrency.run(() => regenerate!(event));

  const siteFilesDir = await mkdtemp(path.join(tmpdir(), 'newsroom-site-files-'));
  await writeDeskFiles(path.join(siteFilesDir, 'desk'));
  Object.assign(process.env, standIns.env, {
    // The regenerator invalidates the local CDN through the real CloudFront client, as in AWS.
    DISTRIBUTION_ID: LOCAL_DISTRIBUTION_ID,
    AWS_ENDPOINT_URL_CLOUDFRONT: cloudFrontApi.endpoint,
    // Locally an invalidation costs nothing, so the feeds are invalidated too: a story is in them
    // within a second. AWS defaults to their edge lifetime alone (see docs/architecture.md).
    INVALIDATE_FEEDS: process.env.INVALIDATE_FEEDS ?? 'true',
    // The ingest handler asks the regenerator for a story's feeds through the real Lambda client.
    REGENERATOR_FUNCTION_NAME: LOCAL_REGENERATOR_FUNCTION,
    AWS_ENDPOINT_URL_LAMBDA: lambdaApi.endpoint,
    ANNOUNCEMENT_QUEUE_URL: announcementQueue.queueUrl,
    AWS_ENDPOINT_URL_SQS: announcementQueue.endpoint,
    INGEST_TOKENS: token,
    SITE_BASE_URL: options.baseUrl ?? process.env.SITE_BASE_URL ?? url,
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    // Deliveries to the regenerator are serialised in this process, so a lease can only be held by
    // a process that was killed mid-regeneration; a short lease lets the restart take it over.
    FEED_LEASE_MS: process.env.FEED_LEASE_MS ?? '5000',
    // The editors' desk, shipped with the regenerator as in its Lambda bundle; it publishes it.
    SITE_FILES_DIR: siteFilesDir,
  });
  // Imported only now: handlers read their configuration from the environment at load, as in Lambda.
  const ingest = (await import('../../functions/ingest/handler.js')).handler as IngestHandler;
  regenerate = (await import('../../functions/regenerate/handler.js')).handler;
  const publishDueHandler = (await import('../../functions/publish-due/handler.js')).handler;
  announce = (await import('../../functions/announce/handler.js')).handler;
  const { dynamoDbClient } = await import('../../functions/commons/clients/dynamodb.js');

  const stream = new StreamEmulator({
    tableName: standIns.tableName,
    deliver: regenerateInTurn,
    journalFile: options.dataDir ? path.join(options.dataDir, 'stream-journal.jsonl') : undefined,
    deadLetterFile: options.dataDir ? path.join(options.dataDir, 'dead-letters.jsonl') : undefined,
    onError: (error, attempt) => log(`Regeneration failed (attempt ${attempt}): ${(error as Error).message}`),
  });
  stream.attach(dynamoDbClient);
  if (standIns.removedObjects.length) {
    log(
      `Removed ${standIns.removedObjects.length} feed file(s) half-written when the last run stopped: ${standIns.removedObjects.join(', ')}`,
    );
  }
  const recovered = stream.recover();
  if (recovered) log(`Replaying ${recovered} change(s) not yet in the feeds when the last run stopped`);
  const unannounced = announcementQueue.recover();
  if (unannounced) log(`Sending ${unannounced} WebSub announcement(s) not yet sent when the last run stopped`);

  let ready = false;

  handle = (request, response) => {
    const requestUrl = new URL(request.url ?? '/', url);
    const work = async () => {
      if (requestUrl.pathname === '/healthz') {
        response.writeHead(ready ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        response.end(JSON.stringify({ status: ready ? 'ok' : 'starting' }));
      } else if (isIngestPath(requestUrl.pathname)) {
        await forwardToIngest(request, response, requestUrl, ingest);
      } else {
        await cdn.serve(request, response, requestUrl.pathname);
      }
    };
    work().catch((error: unknown) => {
      log(`Request failed: ${(error as Error).stack ?? String(error)}`);
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Bad Gateway\n');
    });
  };

  let sweeping: Promise<void> | undefined;
  const publishDue = async () => {
    sweeping ??= publishDueHandler()
      .then(() => undefined)
      .finally(() => (sweeping = undefined));
    await sweeping;
  };
  const sweepTimer = setInterval(() => {
    publishDue().catch((error: unknown) => log(`Scheduled publishing failed: ${(error as Error).message}`));
  }, options.scheduleIntervalMs ?? 1_000);
  sweepTimer.unref();

  let refreshing: Promise<void> | undefined;
  const refreshCatalog = async () => {
    refreshing ??= regenerateInTurn(scheduledEvent())
      .then(() => undefined)
      .finally(() => (refreshing = undefined));
    await refreshing;
  };
  const refreshTimer = setInterval(
    () => {
      refreshCatalog().catch((error: unknown) => log(`Catalog refresh failed: ${(error as Error).message}`));
    },
    options.catalogRefreshIntervalMs ?? CATALOG_REFRESH_SECONDS * 1_000,
  );
  refreshTimer.unref();
  // What the first scheduled tick does in AWS, at once: the desk is there when the banner is.
  await refreshCatalog();

  ready = true;
  const rawDynamo = dynamoDbClient as DynamoDBClient;
  return {
    url,
    port,
    token,
    tokenFile,
    standIns,
    stream,
    cdn,
    cloudFrontApi,
    lambdaApi,
    announcementQueue,
    settled: () => stream.idle(),
    publishDue,
    refreshCatalog,
    async isEmpty() {
      const { Count } = await rawDynamo.send(new ScanCommand({ TableName: standIns.tableName, Limit: 1, Select: 'COUNT' }));
      return !Count;
    },
    async close() {
      clearInterval(sweepTimer);
      clearInterval(refreshTimer);
      await refreshing?.catch(() => undefined);
      await closeServer(server);
      await stream.idle();
      // Announcements still waiting for the CDN stay in their journal for the next start.
      await announcementQueue.close();
      await cloudFrontApi.close();
      await lambdaApi.close();
      s3.destroy();
      await standIns.close();
      await rm(siteFilesDir, { recursive: true, force: true });
    },
  };
}

/** What EventBridge sends a function on a schedule. */
function scheduledEvent(): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: {},
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
