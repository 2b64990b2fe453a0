import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandIns } from '../../infra/local/aws-stand-ins.js';
import { startLocalServerProcess } from '../support/local-server-process.js';

async function withBucket<T>(dataDir: string, work: (s3: S3Client, bucket: string) => Promise<T>): Promise<T> {
  const standIns = await startStandIns({ dataDir });
  const s3 = new S3Client(standIns.clientConfig.s3);
  try {
    return await work(s3, standIns.bucket);
  } finally {
    s3.destroy();
    await standIns.close();
  }
}

describe('Command: npm run rebuild-feeds', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'feeds-rebuild-'));
    const server = await startLocalServerProcess({ DATA_DIR: dataDir, INGEST_TOKEN: 'rebuild-token-0123456789' });
    await server.stop();
  }, 90_000);

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('rebuilds every feed from the table after the feed files were lost', async () => {
    // Prepare: lose every feed file.
    const before = await withBucket(dataDir, async (s3, bucket) => {
      const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      for (const object of Contents) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key! }));
      return Contents.map((object) => object.Key!).sort();
    });
    // Act
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'cli/rebuild-feeds.ts'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...process.env, DATA_DIR: dataDir },
      encoding: 'utf8',
      timeout: 60_000,
    });
    // Assess
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Done: every feed of \d+ stories rebuilt/);
    const after = await withBucket(dataDir, async (s3, bucket) => {
      const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      const site = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'feed.xml' }));
      expect(await site.Body!.transformToString()).toContain('<item>');
      return Contents.map((object) => object.Key!).sort();
    });
    expect(before.length).toBeGreaterThan(10);
    expect(after).toEqual(expect.arrayContaining(before.filter((key) => /(feed\.xml|atom\.xml|feed\.json)$/.test(key))));
  });

  it('refuses a bad option with usage and exit code 2', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'cli/rebuild-feeds.ts', '--batch', 'zero'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Usage: npm run rebuild-feeds');
  });
});
