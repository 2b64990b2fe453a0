import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { DESK_CONTENT_SECURITY_POLICY } from '../../desk/assets.js';
import { PAGE_CONTENT_SECURITY_POLICY } from '../../functions/rendering/page-style.js';
import { CdnStandIn } from '../../infra/local/cdn-stand-in.js';

const FEED = Buffer.from('<rss version="2.0"><channel><title>News</title></channel></rss>');

type Answer = 'cut-off' | 'server-error' | 'forbidden' | 'whole';

type HttpAnswer = { statusCode: number; headers: Record<string, string>; body: Readable };

/** An S3 client whose HTTP handler gives the nth answer to the nth request (the last one from then on). */
function answeringS3<T>(script: T[], answer: (step: T) => HttpAnswer): { client: S3Client; reads: () => number } {
  let reads = 0;
  const client = new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: {
      async handle() {
        return { response: answer(script[Math.min(reads++, script.length - 1)]!) };
      },
    },
  });
  return { client, reads: () => reads };
}

/**
 * GetObject answered from a script: a body cut off mid-way (a connection reset, or given up after
 * the stand-in went silent), a 500, a 403, or the whole feed.
 */
function scriptedS3(script: Answer[]) {
  return answeringS3(script, (answer): HttpAnswer => {
    if (answer === 'server-error' || answer === 'forbidden') {
      const code = answer === 'forbidden' ? 'AccessDenied' : 'InternalError';
      return {
        statusCode: answer === 'forbidden' ? 403 : 500,
        headers: { 'content-type': 'application/xml' },
        body: Readable.from([`<Error><Code>${code}</Code></Error>`]),
      };
    }
    const body =
      answer === 'whole'
        ? Readable.from([FEED])
        : new Readable({
            read() {
              this.push(FEED.subarray(0, 10));
              this.destroy(new Error('aborted'));
            },
          });
    return { statusCode: 200, headers: { 'content-type': 'application/rss+xml', etag: '"v1"' }, body };
  });
}

let server: Server | undefined;

async function serve(cdn: CdnStandIn): Promise<string> {
  server = createServer((request, response) => {
    cdn.serve(request, response, new URL(request.url ?? '/', 'http://localhost').pathname).catch(() => {
      response.writeHead(502).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe('CdnStandIn', () => {
  it('reads a feed again when its body is cut off mid-way or the bucket answers 5xx', async () => {
    // Prepare
    const s3 = scriptedS3(['cut-off', 'server-error', 'whole']);
    const url = await serve(new CdnStandIn(s3.client, 'feeds'));

    // Act
    const response = await fetch(`${url}/feed.xml`);

    // Assess
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(FEED)).toBe(true);
    expect(s3.reads()).toBe(3);
  });

  it('does not retry an answer that will not change (403)', async () => {
    // Prepare
    const s3 = scriptedS3(['forbidden', 'whole']);
    const url = await serve(new CdnStandIn(s3.client, 'feeds'));

    // Act
    const response = await fetch(`${url}/feed.xml`);

    // Assess
    expect(response.status).toBe(502);
    expect(s3.reads()).toBe(1);
  });

  it("copies the desk's behaviour: /desk answers 301 to /desk/, and the desk's files get its own policy", async () => {
    // Prepare
    const s3 = scriptedS3(['whole']);
    const url = await serve(new CdnStandIn(s3.client, 'feeds'));
    // Act
    const bare = await fetch(`${url}/desk`, { redirect: 'manual' });
    const page = await fetch(`${url}/desk/`);
    const feed = await fetch(`${url}/feed.xml`);
    // Assess
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/desk/');
    expect(page.headers.get('content-security-policy')).toBe(DESK_CONTENT_SECURITY_POLICY);
    expect(feed.headers.get('content-security-policy')).toBe(PAGE_CONTENT_SECURITY_POLICY);
  });
});
