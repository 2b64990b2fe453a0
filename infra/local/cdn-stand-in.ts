import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { contentTypeForViewer } from '../../functions/rendering/browser-view.js';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

const COMPRESSIBLE = /^(text\/|application\/(json|feed\+json|rss\+xml|atom\+xml|xml|xslt\+xml|javascript))/;

interface StoredObject {
  body: Buffer;
  contentType: string;
  cacheControl?: string | undefined;
  etag: string;
  lastModified?: Date | undefined;
  encoded: Map<string, Buffer>;
}

/** Reads of an object from the bucket before an error is passed on to the reader (502). */
const ORIGIN_ATTEMPTS = 3;

/**
 * Serves the feed bucket the way the CloudFront distribution does: the stored Content-Type (XML
 * for a browser opening an RSS or Atom file, as the distribution's viewer-response function does) and
 * Cache-Control, ETag and 304 on If-None-Match, gzip or brotli when the client accepts it, CORS
 * open for GET so browser-based readers can fetch feeds, and index.html for directories.
 */
export class CdnStandIn {
  private readonly cache = new Map<string, StoredObject>();

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async serve(request: IncomingMessage, response: ServerResponse, pathname: string): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method Not Allowed\n');
      return;
    }
    let key: string;
    try {
      key = decodeURIComponent(pathname).replace(/^\/+/, '');
    } catch {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad Request\n');
      return;
    }
    if (key === '' || key.endsWith('/')) key += 'index.html';
    const object = await this.load(key);
    if (!object) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('Not Found\n');
      return;
    }
    const viewerType = contentTypeForViewer(object.contentType, request.headers.accept);
    const headers: Record<string, string> = {
      'content-type': viewerType,
      'access-control-allow-origin': '*',
      'x-content-type-options': 'nosniff',
      vary: viewerType === object.contentType && !/^application\/(rss|atom)\+xml/.test(object.contentType) ? 'Accept-Encoding' : 'Accept, Accept-Encoding',
    };
    if (object.etag) headers.etag = object.etag;
    if (object.cacheControl) headers['cache-control'] = object.cacheControl;
    if (object.lastModified) headers['last-modified'] = object.lastModified.toUTCString();
    if (etagMatches(request.headers['if-none-match'], object.etag)) {
      response.writeHead(304, headers).end();
      return;
    }
    const encoding = COMPRESSIBLE.test(object.contentType) ? preferredEncoding(request.headers['accept-encoding']) : undefined;
    const body = encoding ? await this.encoded(object, encoding) : object.body;
    if (encoding) headers['content-encoding'] = encoding;
    headers['content-length'] = String(body.length);
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  /**
   * Reads an object from the bucket, revalidating the copy kept here (If-None-Match). The store
   * shows an object whole or not at all (whole-object-store.mjs), so what is read is one version.
   * A read that fails in transport (a stalled stand-in times out, a reset connection: no HTTP
   * status) or with a 5xx is repeated a few times, as CloudFront retries its origin.
   */
  private async load(key: string): Promise<StoredObject | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.loadOnce(key);
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if ((status !== undefined && status < 500) || attempt >= ORIGIN_ATTEMPTS) throw error;
      }
    }
  }

  private async loadOnce(key: string): Promise<StoredObject | undefined> {
    const cached = this.cache.get(key);
    try {
      const result = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, IfNoneMatch: cached?.etag }));
      const object: StoredObject = {
        body: Buffer.from(await result.Body!.transformToByteArray()),
        contentType: result.ContentType ?? 'application/octet-stream',
        cacheControl: result.CacheControl,
        etag: result.ETag ?? '',
        lastModified: result.LastModified,
        encoded: new Map(),
      };
      this.cache.set(key, object);
      if (this.cache.size > 500) this.cache.delete(this.cache.keys().next().value!);
      return object;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 304 && cached) return cached;
      if (status === 404 || (error as Error).name === 'NoSuchKey') {
        this.cache.delete(key);
        return undefined;
      }
      throw error;
    }
  }

  private async encoded(object: StoredObject, encoding: 'br' | 'gzip'): Promise<Buffer> {
    let body = object.encoded.get(encoding);
    if (!body) {
      body =
        encoding === 'br'
          ? await brotli(object.body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: object.body.length } })
          : await gzipAsync(object.body, { level: 6 });
      object.encoded.set(encoding, body);
    }
    return body;
  }
}

function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch || !etag) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

function preferredEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | undefined {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((param) => /^\s*q=([\d.]+)/.exec(param)?.[1]).find(Boolean);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  if ((accepted.get('br') ?? 0) > 0) return 'br';
  if ((accepted.get('gzip') ?? 0) > 0) return 'gzip';
  return undefined;
}
