import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

  it('invalidates the whole CloudFront distribution once, at the end, not file by file', async () => {
    // Prepare: a stand-in for CloudFront's API, answering the first invalidation and refusing the
    // second, as CloudFront does when too many are in progress.
    const paths: string[][] = [];
    const api = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        paths.push([...body.matchAll(/<Path>([^<]*)<\/Path>/g)].map((match) => match[1]!));
        if (paths.length > 1) {
          response.writeHead(400, { 'content-type': 'text/xml' });
          response.end(
            '<ErrorResponse><Error><Type>Sender</Type><Code>TooManyInvalidationsInProgress</Code><Message>Too many</Message></Error></ErrorResponse>',
          );
          return;
        }
        response.writeHead(201, { 'content-type': 'text/xml' });
        response.end('<Invalidation><Id>I1</Id><Status>InProgress</Status><CreateTime>2026-03-10T12:00:00Z</CreateTime></Invalidation>');
      });
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const rebuild = () =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'cli/rebuild-feeds.ts', '--batch', '2'], {
          cwd: path.resolve(import.meta.dirname, '../..'),
          env: {
            ...process.env,
            DATA_DIR: dataDir,
            DISTRIBUTION_ID: 'E2EXAMPLE',
            AWS_ENDPOINT_URL_CLOUDFRONT: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
          },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    try {
      // Act
      const first = await rebuild();
      const second = await rebuild();
      // Assess: several batches, one path for the whole rebuild.
      expect(first.status, first.stderr).toBe(0);
      expect(first.stdout.match(/Rebuilt feeds for/g)!.length).toBeGreaterThan(1);
      expect(first.stdout).toContain('CloudFront distribution E2EXAMPLE: every path invalidated (/*).');
      expect(paths[0]).toEqual(['/*']);
      // A refused invalidation fails the command and says what to run.
      expect(second.status).toBe(1);
      expect(second.stdout).toMatch(/Done: every feed of \d+ stories rebuilt/);
      expect(second.stderr).toContain('TooManyInvalidationsInProgress');
      expect(second.stderr).toContain("aws cloudfront create-invalidation --distribution-id E2EXAMPLE --paths '/*'");
      expect(paths).toHaveLength(2);
    } finally {
      api.closeAllConnections();
      await new Promise((resolve) => api.close(resolve));
    }
  }, 90_000);

  it('refuses a bad option with usage and exit code 2', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'cli/rebuild-feeds.ts', '--batch', 'zero'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Usage: npm run rebuild-feeds');
  });
});
