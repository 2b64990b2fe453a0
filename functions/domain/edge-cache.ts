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
