import { describe, expect, it } from 'vitest';
import { edgeLifetime, FEED_CACHE_POLICY_TTLS } from '../../functions/domain/edge-cache.js';

describe('Edge cache: how long CloudFront keeps a copy', () => {
  it.each([
    ['public, max-age=60, s-maxage=5', 5, 0],
    ['public, max-age=60, stale-while-revalidate=60', 60, 60],
    ['max-age=0', 0, 0],
    ['', FEED_CACHE_POLICY_TTLS.defaultSeconds, 0],
    [`max-age=${400 * 86_400}`, FEED_CACHE_POLICY_TTLS.maxSeconds, 0],
  ])('%j: %i s, then %i s of stale-while-revalidate', (cacheControl, ttlSeconds, staleWhileRevalidateSeconds) => {
    expect(edgeLifetime(cacheControl)).toEqual({ cacheable: true, ttlSeconds, staleWhileRevalidateSeconds });
  });

  it.each(['no-store', 'no-cache', 'private, max-age=60'])(
    '%j is not kept while the minimum TTL is 0, and is kept for a higher minimum',
    (cacheControl) => {
      expect(edgeLifetime(cacheControl).cacheable).toBe(false);
      expect(edgeLifetime(cacheControl, { minSeconds: 30, defaultSeconds: 60, maxSeconds: 600 })).toMatchObject({
        cacheable: true,
        ttlSeconds: 30,
      });
    },
  );

  it('raises a lifetime below the policy minimum to it', () => {
    expect(edgeLifetime('s-maxage=5', { minSeconds: 30, defaultSeconds: 60, maxSeconds: 600 }).ttlSeconds).toBe(30);
  });
});
