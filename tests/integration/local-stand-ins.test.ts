import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { startStandIns, type StandIns } from '../../infra/local/aws-stand-ins.js';

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
      await hangUpMidRequest(standIns.dynamoEndpoint, 'POST / HTTP/1.1\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810.ListTables');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const table = await client.send(new DescribeTableCommand({ TableName: standIns.tableName }));

    // Assess
    expect(table.Table?.TableStatus).toBe('ACTIVE');
    client.destroy();
  });

  it('S3 drops that upload and serves the next', async () => {
    // Prepare
    standIns = await startStandIns();
    const client = new S3Client({ ...standIns.clientConfig.s3, maxAttempts: 1, requestHandler: { requestTimeout: 5_000 } });

    // Act
    await hangUpMidRequest(standIns.s3Endpoint, `PUT /${standIns.bucket}/feed.xml HTTP/1.1\r\nContent-Type: application/rss+xml`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await client.send(new PutObjectCommand({ Bucket: standIns.bucket, Key: 'feed.xml', Body: '<rss/>' }));

    // Assess
    const stored = await client.send(new GetObjectCommand({ Bucket: standIns.bucket, Key: 'feed.xml' }));
    expect(await stored.Body!.transformToString()).toBe('<rss/>');
    client.destroy();
  });
});

describe('Local stand-ins: a store left by a killed process', () => {
  let standIns: StandIns | undefined;
  let s3: S3Client | undefined;
  let dataDir: string;

  afterEach(async () => {
    s3?.destroy();
    await standIns?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<S3Client> {
    s3?.destroy();
    standIns = await startStandIns({ dataDir });
    s3 = new S3Client(standIns.clientConfig.s3);
    return s3;
  }

  it('removes an object whose metadata file was cut short, so it reads as missing, not as a 500', async () => {
    // Prepare: two objects stored; then one's metadata file is cut short, as a kill mid-write leaves it.
    dataDir = await mkdtemp(path.join(tmpdir(), 'feeds-stand-ins-'));
    let client = await start();
    await client.send(new PutObjectCommand({ Bucket: standIns!.bucket, Key: 'categories/world/feed.xml', Body: '<rss/>' }));
    await client.send(new PutObjectCommand({ Bucket: standIns!.bucket, Key: 'feed.xml', Body: '<rss/>' }));
    await standIns!.close();
    standIns = undefined;
    const folder = path.join(dataDir, 's3', 'feeds', 'categories', 'world');
    const metadata = (await readdir(folder)).find((name) => name.endsWith('metadata.json'))!;
    await writeFile(path.join(folder, metadata), '{"content-type": "appl');

    // Act
    client = await start();

    // Assess
    expect(standIns!.removedObjects).toEqual([path.join('feeds', 'categories', 'world', 'feed.xml')]);
    await expect(client.send(new HeadObjectCommand({ Bucket: standIns!.bucket, Key: 'categories/world/feed.xml' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    const intact = await client.send(new GetObjectCommand({ Bucket: standIns!.bucket, Key: 'feed.xml' }));
    expect(await intact.Body!.transformToString()).toBe('<rss/>');
  });
});
