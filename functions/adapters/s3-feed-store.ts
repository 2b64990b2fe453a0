import { createHash } from 'node:crypto';
import { HeadObjectCommand, NotFound, PutObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import { allSettledOrFirstFailure } from '../commons/concurrency.js';
import type { FeedFile } from '../rendering/render-feed.js';
import type { FeedStore, PublishedFiles, StoredFiles } from '../use-cases/ports.js';

/** Feeds change on every publish; readers and the CDN may keep a copy for a minute. */
export const FEED_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=60';

/** SHA-256 of the body alone (base64), kept with the object: part of the signature a stored file is compared by. */
export const HASH_METADATA = 'content-sha256';

const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

/** The value kept under HASH_METADATA: SHA-256 of the bytes, base64. */
export function contentHash(bytes: Uint8Array): string {
  return sha256(bytes).toString('base64');
}

/**
 * The SigV4 header that carries the body's SHA-256 (hex). When a request already has it, the
 * signer uses it instead of hashing the body again.
 */
const PAYLOAD_HASH_HEADER = 'x-amz-content-sha256';

/**
 * A PutObject of bytes whose SHA-256 we already have, so that they are hashed once, not three
 * times: the same digest is the stored metadata, S3's integrity check (`ChecksumSHA256`: S3
 * refuses a body that does not match, and the SDK then computes no CRC32 of its own) and the
 * signature's payload hash.
 */
function putWithKnownHash(input: PutObjectCommandInput & { Body: Uint8Array }, digest: Buffer): PutObjectCommand {
  const command = new PutObjectCommand({ ...input, ChecksumSHA256: digest.toString('base64') });
  const payloadHash = digest.toString('hex');
  command.middlewareStack.add(
    (next) => async (args) => {
      const { headers } = args.request as { headers?: Record<string, string> };
      if (headers) headers[PAYLOAD_HASH_HEADER] = payloadHash;
      return next(args);
    },
    { step: 'build', name: 'knownPayloadHash' },
  );
  return command;
}

/** What decides whether a stored file must be written again: its bytes and its headers. */
function signatureOf(hash: string, contentType: string | undefined, cacheControl: string | undefined): string {
  return [hash, contentType, cacheControl].join('\n');
}

export class S3FeedStore implements FeedStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async publish(files: FeedFile[], stored: StoredFiles = {}): Promise<PublishedFiles> {
    // Every write settles before a failure is reported: a PUT still being retried when its run
    // has failed would land later, over the next run's newer bytes.
    const results = await allSettledOrFirstFailure(files.map((file) => this.publishOne(file, stored[file.key])));
    return {
      written: results.filter((result) => result.written).map((result) => result.key),
      files: Object.fromEntries(results.map((result) => [result.key, result.signature])),
    };
  }

  /**
   * Writes the file unless the stored copy has the same bytes and headers (so its ETag and the CDN's
   * copy stay valid). Headers count too: an archive page whose period has ended gets its long
   * Cache-Control even when its bytes are the same. With a recorded signature S3 is not asked.
   */
  private async publishOne(file: FeedFile, recorded: string | undefined): Promise<{ key: string; signature: string; written: boolean }> {
    const body = file.bytes;
    const cacheControl = file.cacheControl ?? FEED_CACHE_CONTROL;
    const digest = sha256(body);
    const hash = digest.toString('base64');
    const signature = signatureOf(hash, file.contentType, cacheControl);
    const storedSignature = recorded ?? (await this.storedSignature(file.key));
    if (storedSignature === signature) return { key: file.key, signature, written: false };
    await this.client.send(
      putWithKnownHash(
        {
          Bucket: this.bucket,
          Key: file.key,
          Body: body,
          ContentType: file.contentType,
          CacheControl: cacheControl,
          Metadata: { [HASH_METADATA]: hash },
        },
        digest,
      ),
    );
    return { key: file.key, signature, written: true };
  }

  /** The signature of the stored copy, asked of S3 (a HEAD); undefined when there is none. */
  private async storedSignature(key: string): Promise<string | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      const hash = head.Metadata?.[HASH_METADATA];
      return hash === undefined ? undefined : signatureOf(hash, head.ContentType, head.CacheControl);
    } catch (error) {
      if (error instanceof NotFound || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) {
        return undefined;
      }
      throw error;
    }
  }
}
