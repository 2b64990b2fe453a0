import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { startStandIns, type StandIns } from '../../infra/local/aws-stand-ins.js';
import { CdnStandIn } from '../../infra/local/cdn-stand-in.js';
import { startStallingProxy, type StallingProxy } from '../support/stalling-proxy.js';

/** Sends a request's head and part of its body, then resets the connection, as a killed client does. */
function hangUpMidRequest(endpoint: string, head: string): Promise<void> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`${head}\r\nHost: ${hostname}:${port}\r\nContent-Length: 100000\r\n\r\n`);
      socket.write(Buffer.alloc(5_000, 'a'), () => {
        socket.resetAndDestroy();
        resolve();
      });
    });
    socket.once('error', reject);
  });
}

describe('Local stand-ins: a client that hangs up mid-request', () => {
  let standIns: StandIns | undefined;
  afterEach(async () => {
    await standIns?.close();
    standIns = undefined;
  });

  it('DynamoDB drops that request and serves the next, as DynamoDB does', async () => {
    // Prepare
    standIns = await startStandIns();
    const client = new DynamoDBClient({ ...standIns.clientConfig.dynamodb, maxAttempts: 1, requestHandler: { requestTimeout: 5_000 } });

    // Act: a request cut off twice, then an ordinary one
    for (let cut = 0; cut < 2; cut++) {
      await hangUpMidRequest(
        standIns.dynamoEndpoint,
        'POST / HTTP/1.1\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810.ListTables',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const table = await client.send(new DescribeTableCommand({ TableName: standIns.tableName }));

    // Assess
    expect(table.Table?.TableStatus).toBe('ACTIVE');
    client.destroy();
  });

  it('S3 drops that upload, keeps the object as it was, and serves the next', async () => {
    // Prepare
    standIns = await startStandIns();
    const client = new S3Client({ ...standIns.clientConfig.s3, maxAttempts: 1, requestHandler: { requestTimeout: 5_000 } });

    // Act
    await client.send(new PutObjectCommand({ Bucket: standIns.bucket, Key: 'feed.xml', Body: '<rss>old</rss>' }));
    await hangUpMidRequest(standIns.s3Endpoint, `PUT /${standIns.bucket}/feed.xml HTTP/1.1\r\nContent-Type: application/rss+xml`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const afterHangUp = await client.send(new GetObjectCommand({ Bucket: standIns.bucket, Key: 'feed.xml' }));
    const kept = await afterHangUp.Body!.transformToString();
    await client.send(new PutObjectCommand({ Bucket: standIns.bucket, Key: 'feed.xml', Body: '<rss/>' }));

    // Assess: the upload cut off never showed; the next one did.
    expect(kept).toBe('<rss>old</rss>');
    const stored = await client.send(new GetObjectCommand({ Bucket: standIns.bucket, Key: 'feed.xml' }));
    expect(await stored.Body!.transformToString()).toBe('<rss/>');
    client.destroy();
  });
});

describe('Local stand-ins: a stand-in that stalls', () => {
  let standIns: StandIns | undefined;
  let proxy: StallingProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    await standIns?.close();
    standIns = proxy = undefined;
  });

  it('a read of a feed cut off mid-body is given up after the bound and read again, not waited on', async () => {
    // Prepare: the feed stored; the first connection through the proxy stalls after part of the answer.
    standIns = await startStandIns({ socketTimeoutMs: 300 });
    const direct = new S3Client(standIns.clientConfig.s3);
    const feed = `<rss>${'x'.repeat(200_000)}</rss>`;
    await direct.send(new PutObjectCommand({ Bucket: standIns.bucket, Key: 'feed.xml', Body: feed, ContentType: 'application/rss+xml' }));
    direct.destroy();
    proxy = await startStallingProxy(standIns.s3Endpoint, { bytesBeforeStall: 20_000 });
    const cdn = new CdnStandIn(new S3Client({ ...standIns.clientConfig.s3, endpoint: proxy.endpoint }), standIns.bucket);
    const response = {
      status: 0,
      body: '',
      writeHead(status: number) {
        this.status = status;
        return this;
      },
      end(body?: Buffer) {
        this.body = body?.toString() ?? '';
      },
    };

    // Act
    await cdn.serve({ method: 'GET', headers: {} } as never, response as never, '/feed.xml');

    // Assess
    expect(response).toMatchObject({ status: 200, body: feed });
    expect(proxy.connections()).toBe(2);
  });

  it('a DynamoDB call that gets no answer is given up after the bound and retried by the SDK', async () => {
    // Prepare
    standIns = await startStandIns({ socketTimeoutMs: 300 });
    proxy = await startStallingProxy(standIns.dynamoEndpoint);
    const client = new DynamoDBClient({ ...standIns.clientConfig.dynamodb, endpoint: proxy.endpoint, maxAttempts: 3 });

    // Act
    const table = await client.send(new DescribeTableCommand({ TableName: standIns.tableName }));

    // Assess
    expect(table.Table?.TableStatus).toBe('ACTIVE');
    expect(proxy.connections()).toBe(2);
    client.destroy();
  });
});

describe('Local stand-ins: a store left by a killed process, or by an earlier version', () => {
  let standIns: StandIns | undefined;
  let s3: S3Client | undefined;
  let dataDir: string;

  afterEach(async () => {
    s3?.destroy();
    await standIns?.close();
    standIns = s3 = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<S3Client> {
    s3?.destroy();
    standIns = await startStandIns({ dataDir });
    s3 = new S3Client(standIns.clientConfig.s3);
    return s3;
  }

  async function stop(): Promise<void> {
    await standIns!.close();
    standIns = undefined;
  }

  const read = async (key: string) => {
    const object = await s3!.send(new GetObjectCommand({ Bucket: standIns!.bucket, Key: key }));
    return {
      body: await object.Body!.transformToString(),
      contentType: object.ContentType,
      cacheControl: object.CacheControl,
      metadata: object.Metadata,
    };
  };

  it('keeps the old object when a write was cut off, and removes what the write left', async () => {
    // Prepare: a stored feed, then the temporary file a process killed mid-write leaves beside it.
    dataDir = await mkdtemp(path.join(tmpdir(), 'feeds-stand-ins-'));
    const client = await start();
    await client.send(
      new PutObjectCommand({ Bucket: standIns!.bucket, Key: 'feed.xml', Body: '<rss>old</rss>', ContentType: 'application/rss+xml' }),
    );
    await stop();
    const bucketDir = path.join(dataDir, 's3', 'feeds');
    await writeFile(path.join(bucketDir, 'feed.xml._S3rver_object.0a1b2c3d4e5f.partial'), '<rss>new, cut sh');

    // Act
    await start();

    // Assess
    expect(standIns!.removedObjects).toEqual([]);
    expect(await read('feed.xml')).toMatchObject({ body: '<rss>old</rss>', contentType: 'application/rss+xml' });
    expect((await readdir(bucketDir)).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it("reads a store kept in s3rver's own three-file layout, and drops an object whose metadata a kill cut short", async () => {
    // Prepare: objects as s3rver's own store lays them out (bytes, MD5, metadata: three files).
    dataDir = await mkdtemp(path.join(tmpdir(), 'feeds-stand-ins-'));
    await start();
    await stop();
    const bucketDir = path.join(dataDir, 's3', 'feeds');
    const folder = path.join(bucketDir, 'categories', 'world');
    await mkdir(folder, { recursive: true });
    const legacy = async (dir: string, name: string, body: string, metadata: string) => {
      await writeFile(path.join(dir, `${name}._S3rver_object`), body);
      await writeFile(path.join(dir, `${name}._S3rver_object.md5`), createHash('md5').update(body).digest('hex'));
      await writeFile(path.join(dir, `${name}._S3rver_metadata.json`), metadata);
    };
    const metadata = JSON.stringify({
      'content-type': 'application/rss+xml',
      'cache-control': 'public, max-age=60',
      'x-amz-meta-content-sha256': 'abc=',
    });
    await legacy(bucketDir, 'feed.xml', '<rss>site</rss>', metadata);
    await legacy(folder, 'feed.xml', '<rss>world</rss>', '{"content-type": "appl');

    // Act
    await start();

    // Assess
    expect(standIns!.removedObjects).toEqual([path.join('feeds', 'categories', 'world', 'feed.xml')]);
    expect(await read('feed.xml')).toEqual({
      body: '<rss>site</rss>',
      contentType: 'application/rss+xml',
      cacheControl: 'public, max-age=60',
      metadata: { 'content-sha256': 'abc=' },
    });
    await expect(s3!.send(new HeadObjectCommand({ Bucket: standIns!.bucket, Key: 'categories/world/feed.xml' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    expect((await readdir(bucketDir)).filter((name) => name.includes('feed.xml'))).toEqual(['feed.xml._S3rver_object']);
  });
});
