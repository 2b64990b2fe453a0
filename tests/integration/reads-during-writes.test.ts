import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { startStandIns, type StandIns } from '../../infra/local/aws-stand-ins.js';
import { CdnStandIn } from '../../infra/local/cdn-stand-in.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A feed file of about `bytes`, different for each version. */
function largeFeed(version: string, bytes: number): Buffer {
  const item = `<item><title>Story of version ${version}</title><description>${'x'.repeat(900)}</description></item>\n`;
  return Buffer.from(
    `<rss version="2.0"><channel><title>${version}</title>\n${item.repeat(Math.ceil(bytes / item.length))}</channel></rss>\n`,
  );
}

/**
 * What bounds a read here: a read that stalled on a torn object took about 6 s before the store
 * wrote objects whole. A whole read of 1 MB takes 10 to 200 ms on a 2-core machine, by the hour and
 * the load; the bound sits well above that and well below a stall, so it never fails for speed.
 */
const READ_BOUND_MS = 1_500;

describe('Local stand-ins: reads of a feed while it is being rewritten', () => {
  let standIns: StandIns | undefined;
  let server: Server | undefined;
  let s3: S3Client | undefined;

  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    s3?.destroy();
    await standIns?.close();
    server = s3 = standIns = undefined;
  });

  it('every read through the CDN stand-in answers at once with one whole version, old or new', async () => {
    // Prepare: two versions of a 1 MB feed, the CDN stand-in serving the bucket over HTTP.
    standIns = await startStandIns();
    s3 = new S3Client(standIns.clientConfig.s3);
    const versions = [largeFeed('a', 1_000_000), largeFeed('b', 1_050_000)];
    const known = new Set(versions.map(sha256));
    const put = (body: Buffer) =>
      // max-age=0: the CDN stand-in revalidates its copy with the bucket on every read.
      s3!.send(
        new PutObjectCommand({
          Bucket: standIns!.bucket,
          Key: 'feed.xml',
          Body: body,
          ContentType: 'application/rss+xml',
          CacheControl: 'max-age=0',
        }),
      );
    await put(versions[0]!);
    const cdn = new CdnStandIn(new S3Client(standIns.clientConfig.s3), standIns.bucket);
    server = createServer(
      (request, response) => void cdn.serve(request, response, new URL(request.url ?? '/', 'http://localhost').pathname),
    );
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`;

    // Act: 60 rewrites, alternating the versions, while a reader reads the feed as fast as it can.
    let writing = true;
    const writes = (async () => {
      for (let write = 1; write <= 60; write++) await put(versions[write % 2]!);
      writing = false;
    })();
    const reads: { ms: number; status: number; hash: string }[] = [];
    while (writing || reads.length < 20) {
      const started = performance.now();
      const response = await fetch(url);
      const body = new Uint8Array(await response.arrayBuffer());
      reads.push({ ms: performance.now() - started, status: response.status, hash: sha256(body) });
    }
    await writes;

    // Assess
    expect(reads.filter((read) => read.status !== 200)).toEqual([]);
    expect(reads.filter((read) => !known.has(read.hash))).toEqual([]);
    expect(reads.filter((read) => read.ms > READ_BOUND_MS).map((read) => Math.round(read.ms))).toEqual([]);
    // Both versions were seen: the reads did overlap the rewrites.
    expect(new Set(reads.map((read) => read.hash)).size).toBe(2);
  });
});
