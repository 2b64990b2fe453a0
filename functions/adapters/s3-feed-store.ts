import { createHash } from 'node:crypto';
import { HeadObjectCommand, NotFound, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { FeedFile } from '../rendering/render-feed.js';
import type { FeedStore } from '../use-cases/ports.js';

/** Feeds change on every publish; readers and the CDN may keep a copy for a minute. */
export const FEED_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=60';

const HASH_METADATA = 'content-sha256';

export class S3FeedStore implements FeedStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async publish(files: FeedFile[]): Promise<string[]> {
    const written = await Promise.all(files.map((file) => this.publishOne(file)));
    return written.filter((key): key is string => key !== undefined);
  }

  /** Writes the file unless the stored copy has the same bytes (so its ETag and CDN copy stay valid). */
  private async publishOne(file: FeedFile): Promise<string | undefined> {
    const body = Buffer.from(file.body, 'utf8');
    const cacheControl = file.cacheControl ?? FEED_CACHE_CONTROL;
    // The headers are part of what is compared: an archive page whose month has ended gets its long
    // Cache-Control even when its bytes are the same.
    const hash = createHash('sha256').update(`${file.contentType}\n${cacheControl}\n`).update(body).digest('base64');
    if ((await this.storedHash(file.key)) === hash) return undefined;
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: file.key,
        Body: body,
        ContentType: file.contentType,
        CacheControl: cacheControl,
        Metadata: { [HASH_METADATA]: hash },
      }),
    );
    return file.key;
  }

  private async storedHash(key: string): Promise<string | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.Metadata?.[HASH_METADATA];
    } catch (error) {
      if (error instanceof NotFound || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) {
        return undefined;
      }
      throw error;
    }
  }
}
