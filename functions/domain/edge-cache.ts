/**
 * How long the CDN in front of the feed bucket keeps a copy of a file: the distribution's cache
 * policy (infra/cdk/feed-distribution.ts builds it from these TTLs) combined with the file's own
 * Cache-Control, as CloudFront combines them ("Manage how long content stays in the cache"). Pure,
 * so that the distribution, the local CDN stand-in and the regenerator (which must know when no
 * edge can still hold an old copy) share one rule.
 */
export const FEED_CACHE_POLICY_TTLS = {
  minSeconds: 0,
  /** For a file without Cache-Control or Expires. */
  defaultSeconds: 60,
  maxSeconds: 365 * 86_400,
} as const;

export type CachePolicyTtls = { readonly minSeconds: number; readonly defaultSeconds: number; readonly maxSeconds: number };

export interface EdgeLifetime {
  /** Whether an edge keeps the file at all. */
  cacheable: boolean;
  /** How long an edge serves its copy without asking the origin. */
  ttlSeconds: number;
  /** After that, how long it may still answer with the copy at once while it revalidates it. */
  staleWhileRevalidateSeconds: number;
}

function directives(cacheControl: string | undefined): Map<string, string | undefined> {
  const found = new Map<string, string | undefined>();
  for (const part of (cacheControl ?? '').split(',')) {
    const [name, value] = part.trim().split('=', 2) as [string, string | undefined];
    if (name) found.set(name.toLowerCase(), value?.replace(/^"|"$/g, ''));
  }
  return found;
}

function seconds(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * The edge's lifetime for a file: `s-maxage`, else `max-age`, held between the policy's minimum
 * and maximum TTL; the default TTL when the file names neither. `no-store`, `no-cache` and
 * `private` keep it out of the cache while the minimum TTL is 0 (with a higher minimum, CloudFront
 * keeps such a file for the minimum).
 */
export function edgeLifetime(cacheControl: string | undefined, ttls: CachePolicyTtls = FEED_CACHE_POLICY_TTLS): EdgeLifetime {
  const found = directives(cacheControl);
  const staleWhileRevalidateSeconds = seconds(found.get('stale-while-revalidate')) ?? 0;
  if (found.has('no-store') || found.has('no-cache') || found.has('private')) {
    return { cacheable: ttls.minSeconds > 0, ttlSeconds: ttls.minSeconds, staleWhileRevalidateSeconds: 0 };
  }
  const named = seconds(found.get('s-maxage')) ?? seconds(found.get('max-age'));
  const ttlSeconds = named === undefined ? ttls.defaultSeconds : Math.min(ttls.maxSeconds, Math.max(ttls.minSeconds, named));
  // A lifetime of 0 still caches: every request then revalidates the copy with the origin.
  return { cacheable: true, ttlSeconds, staleWhileRevalidateSeconds };
}

/**
 * How readers get a new story through the CDN, chosen per deployment:
 * - the subscription feeds keep an edge lifetime of `edgeSeconds` (`s-maxage`), after which an edge
 *   revalidates its copy with the bucket (a 304 when unchanged): readers see a story at most about
 *   that long after it is written, whatever is published, and nothing is billed per publish;
 * - with `invalidateFeeds`, each regeneration also invalidates the feed files it rewrote, so
 *   readers see a story as soon as the invalidation completes, at $0.005 a path past CloudFront's
 *   first 1,000 paths a month (9 a publish).
 */
export interface FreshnessSettings {
  edgeSeconds: number;
  invalidateFeeds: boolean;
}

/** The edge lifetimes a deployment may choose, in seconds. */
export const EDGE_SECONDS_RANGE = { min: 0, max: 3_600 } as const;

/** The default in AWS: docs/architecture.md has the figures it was chosen by. */
export const DEFAULT_FRESHNESS: FreshnessSettings = { edgeSeconds: 5, invalidateFeeds: false };

/** Readers and their own caches may keep a feed a minute; the CDN's edges keep it `edgeSeconds`. */
export function feedCacheControl(freshness: FreshnessSettings): string {
  return `public, max-age=60, s-maxage=${freshness.edgeSeconds}`;
}

/**
 * Copies an edge may have taken before a write: its own, and the regional edge cache's it was
 * filled from, which may itself be up to a lifetime old (AWS does not document whether an edge
 * counts that copy's Age), so two lifetimes pass before no cache can serve an older copy.
 */
export const EDGE_CACHE_LAYERS = 2;

/** When no CDN copy older than files written at `writtenAt` can still be served, with a second to spare. */
export function freshEverywhereAt(writtenAt: Date, freshness: FreshnessSettings): Date {
  return new Date(writtenAt.getTime() + (freshness.edgeSeconds * EDGE_CACHE_LAYERS + 1) * 1000);
}
