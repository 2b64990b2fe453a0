import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { HASH_METADATA, S3FeedStore } from '../../functions/adapters/s3-feed-store.js';
import type { FeedFile } from '../../functions/rendering/render-feed.js';

interface SentRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * An S3 client whose HTTP handler records each request as signed and answers 200 (a HEAD: a stored
 * copy without our metadata, so the file is written), with the
 * checksum setting the SDK has in AWS (`WHEN_SUPPORTED`: a CRC32 of every body unless the request
 * carries a checksum already).
 */
function recordingClient(): { client: S3Client; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const client = new S3Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestChecksumCalculation: 'WHEN_SUPPORTED',
    requestHandler: {
      async handle(request: SentRequest) {
        sent.push({ method: request.method, path: request.path, headers: { ...request.headers }, body: request.body });
        return { response: { statusCode: 200, headers: { etag: '"e"' }, body: Readable.from([]) } };
      },
    },
  });
  return { client, sent };
}

const FILE: FeedFile = {
  key: 'feed.xml',
  format: 'rss',
  contentType: 'application/rss+xml; charset=utf-8',
  bytes: Buffer.from('<rss version="2.0"><channel><title>Å</title></channel></rss>'),
};

describe('S3FeedStore', () => {
  it('sends one SHA-256 of the body as the metadata, the integrity checksum and the signed payload hash', async () => {
    // Prepare
    const { client, sent } = recordingClient();
    const digest = createHash('sha256').update(FILE.bytes).digest();

    // Act
    await new S3FeedStore(client, 'feeds').publish([FILE]);

    // Assess
    const puts = sent.filter((request) => request.method === 'PUT');
    expect(puts).toHaveLength(1);
    const { headers, body } = puts[0]!;
    expect(Buffer.from(body as Uint8Array).equals(FILE.bytes)).toBe(true);
    expect(headers['x-amz-content-sha256']).toBe(digest.toString('hex'));
    expect(headers['x-amz-checksum-sha256']).toBe(digest.toString('base64'));
    expect(headers[`x-amz-meta-${HASH_METADATA}`]).toBe(digest.toString('base64'));
    expect(headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-content-sha256/);
    // No second checksum of the SDK's own.
    expect(Object.keys(headers).filter((name) => name.startsWith('x-amz-checksum-'))).toEqual(['x-amz-checksum-sha256']);
    client.destroy();
  });

  it('hashes each file on its own when several are written at once', async () => {
    // Prepare
    const { client, sent } = recordingClient();
    const files = ['a', 'b', 'c'].map((name) => ({ ...FILE, key: `${name}.xml`, bytes: Buffer.from(`<rss>${name}</rss>`) }));

    // Act
    await new S3FeedStore(client, 'feeds').publish(files);

    // Assess
    for (const file of files) {
      const request = sent.find((candidate) => candidate.method === 'PUT' && candidate.path.endsWith(`/${file.key}`));
      expect(request?.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(file.bytes).digest('hex'));
    }
    client.destroy();
  });
});
