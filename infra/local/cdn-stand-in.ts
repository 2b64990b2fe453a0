import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { edgeLifetime, type EdgeLifetime } from '../../functions/domain/edge-cache.js';
import { varyFor, viewerObjectPath } from '../../functions/domain/feed-negotiation.js';
import { LEGACY_REDIRECT_CACHE_CONTROL, legacyFeedRedirect } from '../../functions/domain/legacy-feed-addresses.js';
import { DESK_CONTENT_SECURITY_POLICY, DESK_PATH } from '../../desk/assets.js';
import { PAGE_CONTENT_SECURITY_POLICY } from '../../functions/rendering/page-style.js';

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
 * Copies kept at once (a feed file is ~330 KB, so a few hundred MB at most); like an edge, the
 * stand-in drops the least recently read file early when it is full.
 */
const MAX_COPIES = 500;

/** What `X-Cache` says, as CloudFront words it. */
export type CacheResult = 'Hit' | 'RefreshHit' | 'Miss' | 'Error';

interface EdgeCopy {
  object: StoredObject;
  /** When the copy was fetched or last revalidated (ms, the stand-in's clock). */
  storedAt: number;
  lifetime: EdgeLifetime;
}

export interface CdnStandInOptions {
  /** The stand-in's clock (ms); tests pass their own. */
  now?: () => number;
  /** The site's own old feed addresses (`feedRedirects` of content/site.json), as the distribution has them. */
  feedRedirects?: Readonly<Record<string, string>> | undefined;
}

/**
 * Serves the feed bucket the way the CloudFront distribution does. It keeps a copy of each file
 * for the time the file's Cache-Control and the distribution's cache policy give an edge
 * (`edgeLifetime`, the rule the distribution is built from), answers from that copy without asking
 * the bucket until the time runs out or an invalidation of the file completes, then revalidates it
 * with a conditional GET (or, within `stale-while-revalidate`, answers with the copy at once and
 * revalidates it behind the answer). Readers get `Age` and `X-Cache` (`Hit`, `RefreshHit`, `Miss`
 * `from cloudfront`) as from CloudFront; a browser's navigation to a feed gets the feed's page
 * (the rule of the distribution's viewer-request function, functions/domain/feed-negotiation.ts)
 * and every response at a feed address says so in `Vary`; the stored Content-Type and Cache-Control, ETag and
 * 304 on If-None-Match, gzip or brotli when the client accepts it, CORS open for GET so
 * browser-based readers can fetch feeds, and index.html for directories.
 *
 * One stand-in is one edge location: CloudFront has hundreds, each with its own copy, and a
 * regional cache between them and the bucket.
 */
export class CdnStandIn {
  private readonly copies = new Map<string, EdgeCopy>();
  /** One origin fetch per file at a time; readers that ask meanwhile wait for it (request collapsing). */
  private readonly fetching = new Map<string, Promise<EdgeCopy | undefined>>();
  /** When each file's copies were last invalidated: a fetch that started before must not be kept. */
  private readonly invalidatedAt = new Map<string, number>();
  private wildcardInvalidations: { prefix: string; at: number }[] = [];
  private readonly now: () => number;
  private readonly feedRedirects: Readonly<Record<string, string>>;
  readonly stats = { hits: 0, refreshHits: 0, misses: 0, originFetches: 0 };

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    options: CdnStandInOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.feedRedirects = options.feedRedirects ?? {};
  }

  /**
   * Drops the copies an invalidation names, as its completion does at every edge: paths as given
   * to CreateInvalidation (`/feed.xml`, URL-encoded), or a prefix ending in `*`.
   */
  invalidate(paths: string[]): void {
    const at = this.now();
    for (const path of paths) {
      const key = decodedKey(path);
      if (key === undefined) continue;
      if (key.endsWith('*')) {
        const prefix = key.slice(0, -1);
        this.wildcardInvalidations.push({ prefix, at });
        for (const cached of [...this.copies.keys()]) if (cached.startsWith(prefix)) this.copies.delete(cached);
      } else {
        this.invalidatedAt.set(key, at);
        this.copies.delete(key);
      }
    }
  }

  async serve(request: IncomingMessage, response: ServerResponse, pathname: string): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method Not Allowed\n');
      return;
    }
    // What the distribution's viewer-request function does: an old platform's feed address gets a
    // 301 to ours, then a browser's navigation to a feed gets its page.
    const query = Object.fromEntries(new URL(request.url ?? '/', 'http://cdn.invalid').searchParams);
    const redirect = legacyFeedRedirect(pathname, query, this.feedRedirects);
    if (redirect !== undefined) {
      response.writeHead(301, { location: redirect, 'cache-control': LEGACY_REDIRECT_CACHE_CONTROL, 'content-length': '0' }).end();
      return;
    }
    // The desk's behaviour (desk/assets.ts, DESK_VIEWER_FUNCTION_CODE): its address without the slash.
    if (pathname === DESK_PATH.slice(0, -1)) {
      response.writeHead(301, { location: DESK_PATH, 'content-length': '0' }).end();
      return;
    }
    const objectPath = viewerObjectPath(pathname, request.headers);
    let key = decodedKey(objectPath);
    if (key === undefined) {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad Request\n');
      return;
    }
    if (key === '' || key.endsWith('/')) key += 'index.html';
    const { copy, result } = await this.fromEdge(key);
    if (!copy) {
      response
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-cache': 'Error from cloudfront' })
        .end('Not Found\n');
      return;
    }
    const { object } = copy;
    const headers: Record<string, string> = {
      'content-type': object.contentType,
      'access-control-allow-origin': '*',
      'x-content-type-options': 'nosniff',
      // The distribution's response headers policy, and its viewer-response function's Vary.
      // The distribution's response headers policies: the desk's behaviour has its own.
      'content-security-policy': key.startsWith(DESK_PATH.slice(1)) ? DESK_CONTENT_SECURITY_POLICY : PAGE_CONTENT_SECURITY_POLICY,
      vary: varyFor(objectPath) ?? 'Accept-Encoding',
      'x-cache': `${result} from cloudfront`,
    };
    if (result !== 'Miss') headers.age = String(Math.max(0, Math.floor((this.now() - copy.storedAt) / 1000)));
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

  /** The copy to answer with, and how it was had. */
  private async fromEdge(key: string): Promise<{ copy: EdgeCopy | undefined; result: CacheResult }> {
    const copy = this.copies.get(key);
    if (copy) {
      const ageMs = this.now() - copy.storedAt;
      const { ttlSeconds, staleWhileRevalidateSeconds } = copy.lifetime;
      if (ageMs < ttlSeconds * 1000) return this.hit(key, copy);
      if (ageMs < (ttlSeconds + staleWhileRevalidateSeconds) * 1000) {
        // Stale, within stale-while-revalidate: answered at once, revalidated behind the answer.
        this.fetch(key, copy).catch(() => undefined);
        return this.hit(key, copy);
      }
    }
    const fetched = await this.fetch(key, copy);
    if (!fetched) return { copy: undefined, result: 'Error' };
    const revalidated = copy !== undefined && fetched.object === copy.object;
    if (revalidated) this.stats.refreshHits++;
    else this.stats.misses++;
    return { copy: fetched, result: revalidated ? 'RefreshHit' : 'Miss' };
  }

  private hit(key: string, copy: EdgeCopy): { copy: EdgeCopy; result: CacheResult } {
    this.stats.hits++;
    // Most recently read last, so the least recently read goes first when the stand-in is full.
    this.copies.delete(key);
    this.copies.set(key, copy);
    return { copy, result: 'Hit' };
  }

  /** Fetches a file from the bucket (conditionally, when there is a copy), once at a time per file. */
  private fetch(key: string, copy: EdgeCopy | undefined): Promise<EdgeCopy | undefined> {
    let fetching = this.fetching.get(key);
    if (!fetching) {
      fetching = this.fetchFromOrigin(key, copy).finally(() => this.fetching.delete(key));
      this.fetching.set(key, fetching);
    }
    return fetching;
  }

  private async fetchFromOrigin(key: string, copy: EdgeCopy | undefined): Promise<EdgeCopy | undefined> {
    const startedAt = this.now();
    const object = await this.load(key, copy?.object);
    if (!object) {
      this.copies.delete(key);
      return undefined;
    }
    const fetched: EdgeCopy = { object, storedAt: this.now(), lifetime: edgeLifetime(object.cacheControl) };
    // A fetch that an invalidation overtook may carry what the invalidation removed: not kept.
    if (fetched.lifetime.cacheable && !this.invalidatedSince(key, startedAt)) {
      this.copies.delete(key);
      this.copies.set(key, fetched);
      if (this.copies.size > MAX_COPIES) this.copies.delete(this.copies.keys().next().value!);
    }
    return fetched;
  }

  private invalidatedSince(key: string, since: number): boolean {
    if ((this.invalidatedAt.get(key) ?? -Infinity) >= since) return true;
    return this.wildcardInvalidations.some((wildcard) => wildcard.at >= since && key.startsWith(wildcard.prefix));
  }

  /**
   * Reads an object from the bucket, revalidating `known` (If-None-Match) when there is one. The
   * store shows an object whole or not at all (whole-object-store.mjs), so what is read is one
   * version. A read that fails in transport (a stalled stand-in times out, a reset connection: no
   * HTTP status) or with a 5xx is repeated a few times, as CloudFront retries its origin.
   */
  private async load(key: string, known: StoredObject | undefined): Promise<StoredObject | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.loadOnce(key, known);
      } catch (error) {
        const status = httpStatusOf(error);
        if ((status !== undefined && status < 500) || attempt >= ORIGIN_ATTEMPTS) throw error;
      }
    }
  }

  private async loadOnce(key: string, known: StoredObject | undefined): Promise<StoredObject | undefined> {
    this.stats.originFetches++;
    try {
      const result = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, IfNoneMatch: known?.etag || undefined }));
      return {
        body: Buffer.from(await result.Body!.transformToByteArray()),
        contentType: result.ContentType ?? 'application/octet-stream',
        cacheControl: result.CacheControl,
        etag: result.ETag ?? '',
        lastModified: result.LastModified,
        encoded: new Map(),
      };
    } catch (error) {
      const status = httpStatusOf(error);
      if (status === 304 && known) return known;
      if (status === 404 || (error as Error).name === 'NoSuchKey') return undefined;
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

/** The HTTP status an SDK error carries; undefined when the call got no answer (a reset, a timeout). */
function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** The object key a request path or an invalidation path names; undefined when it is not valid URL encoding. */
function decodedKey(path: string): string | undefined {
  try {
    return decodeURIComponent(path).replace(/^\/+/, '');
  } catch {
    return undefined;
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
