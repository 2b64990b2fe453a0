import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CreateBucketCommand, HeadBucketCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { DynaliteOptions } from 'dynalite';
import type { S3rverOptions } from 's3rver';
import { ensureArticlesTable } from './table-definition.js';

export interface StandIns {
  dynamoEndpoint: string;
  s3Endpoint: string;
  tableName: string;
  bucket: string;
  /** The environment that points unchanged handler code at the stand-ins. */
  env: Record<string, string>;
  /**
   * SDK client settings for code of our own (tests, the CDN stand-in, the benchmark) to reach them,
   * with the same bound on a silent call as the handlers get.
   */
  clientConfig: { dynamodb: DynamoDBClientConfig; s3: S3ClientConfig };
  /**
   * Objects a process killed mid-write had left unreadable, found at start and removed (only in a
   * store written before writes became whole: see whole-object-store.mjs). Paths are bucket/key.
   */
  removedObjects: string[];
  close(): Promise<void>;
}

export interface StandInOptions {
  /** Persist under this directory; when absent, the table is kept in memory and the bucket in a temporary directory removed at close. */
  dataDir?: string | undefined;
  tableName?: string;
  bucket?: string;
  /** How long a call to a stand-in may go silent before it is abandoned and retried. */
  socketTimeoutMs?: number;
}

/**
 * A stand-in answers on loopback within milliseconds, so one second of silence means a fault
 * (a stalled or dropped connection), never a slow answer: the call is abandoned and retried, and
 * no reader or regeneration waits on it for seconds.
 */
export const LOCAL_SDK_SOCKET_TIMEOUT_MS = 1_000;

/**
 * Starts dynalite (DynamoDB) and s3rver (S3) in this process, each in its own worker thread, on
 * free loopback ports, and creates the table and bucket if they are missing. In the same thread as
 * the handlers they took about a third of its time (storage, hashing and LevelDB work that AWS
 * does on its own machines), and ingestion and regeneration waited behind them.
 */
export async function startStandIns(options: StandInOptions = {}): Promise<StandIns> {
  const tableName = options.tableName ?? 'articles';
  const socketTimeoutMs = options.socketTimeoutMs ?? LOCAL_SDK_SOCKET_TIMEOUT_MS;
  const bucket = options.bucket ?? 'feeds';
  const dynamoDir = options.dataDir ? path.join(options.dataDir, 'dynamodb') : undefined;
  const s3Dir = options.dataDir ? path.join(options.dataDir, 's3') : undefined;
  if (dynamoDir) await mkdir(dynamoDir, { recursive: true });
  if (s3Dir) await mkdir(s3Dir, { recursive: true });

  const [dynamo, s3] = await Promise.all([
    startStorageThread('dynamodb', { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(dynamoDir ? { path: dynamoDir } : {}) }),
    startStorageThread('s3', s3Dir ? { directory: s3Dir } : { directory: path.join(await tempDir(), 's3'), resetOnClose: true }),
  ]);
  const dynamoEndpoint = `http://127.0.0.1:${dynamo.port}`;
  const s3Endpoint = `http://127.0.0.1:${s3.port}`;

  const env = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    AWS_S3_FORCE_PATH_STYLE: 'true',
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TABLE_NAME: tableName,
    FEED_BUCKET: bucket,
    SDK_SOCKET_TIMEOUT_MS: String(socketTimeoutMs),
  };

  const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
  const requestHandler = { connectionTimeout: socketTimeoutMs, socketTimeout: socketTimeoutMs };
  const clientConfig = {
    dynamodb: { region: env.AWS_REGION, endpoint: dynamoEndpoint, credentials, requestHandler },
    s3: { region: env.AWS_REGION, endpoint: s3Endpoint, credentials, forcePathStyle: true, requestHandler },
  };
  const dynamoClient = new DynamoDBClient(clientConfig.dynamodb);
  const s3Client = new S3Client(clientConfig.s3);
  const close = async () => {
    await Promise.all([s3.close(), dynamo.close()]);
  };
  try {
    await ensureArticlesTable(dynamoClient, tableName);
    await ensureBucket(s3Client, bucket);
  } catch (error) {
    await close();
    throw error;
  } finally {
    dynamoClient.destroy();
    s3Client.destroy();
  }

  return {
    removedObjects: s3.removed,
    dynamoEndpoint,
    s3Endpoint,
    tableName,
    bucket,
    env,
    clientConfig,
    close,
  };
}

interface StorageThread {
  port: number;
  removed: string[];
  close(): Promise<void>;
}

/**
 * Runs storage-thread.mjs for one stand-in and resolves once it listens. A stand-in that fails
 * later (it should not) ends its thread; that error is rethrown here rather than lost, as it was
 * when the stand-ins ran on the main thread.
 */
function startStorageThread(kind: 'dynamodb', options: DynaliteOptions): Promise<StorageThread>;
function startStorageThread(kind: 's3', options: Omit<S3rverOptions, 'address' | 'port' | 'silent'>): Promise<StorageThread>;
function startStorageThread(kind: 'dynamodb' | 's3', options: DynaliteOptions | S3rverOptions): Promise<StorageThread> {
  const worker = new Worker(new URL('./storage-thread.mjs', import.meta.url), { workerData: { kind, options } });
  const name = kind === 's3' ? 'S3' : 'DynamoDB';
  return new Promise((resolve, reject) => {
    const failedToStart = (error: Error) => reject(new Error(`The local ${name} stand-in did not start: ${error.message}`));
    const exitedEarly = (code: number) => failedToStart(new Error(`its thread exited with code ${code}`));
    worker.once('error', failedToStart);
    worker.once('exit', exitedEarly);
    worker.once('message', ({ port, removed }: { port: number; removed: string[] }) => {
      worker.off('error', failedToStart);
      worker.off('exit', exitedEarly);
      worker.on('error', (error) => {
        throw new Error(`The local ${name} stand-in stopped: ${error.message}`, { cause: error });
      });
      // The servers in front keep the process alive; a forgotten close() must not.
      worker.unref();
      const exited = new Promise<void>((done) => worker.once('exit', () => done()));
      resolve({
        port,
        removed,
        async close() {
          worker.ref(); // until it has stopped
          worker.postMessage('close');
          await exited;
        },
      });
    });
  });
}

async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (error) {
      // A HEAD that failed for another reason (s3rver just restarted after a kill) on a bucket that exists.
      if (!['BucketAlreadyExists', 'BucketAlreadyOwnedByYou'].includes((error as Error).name)) throw error;
    }
  }
}

async function tempDir(): Promise<string> {
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  return mkdtemp(path.join(tmpdir(), 'feeds-s3-'));
}
