import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { startStandIns, type StandIns } from '../../infra/local/aws-stand-ins.js';


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
