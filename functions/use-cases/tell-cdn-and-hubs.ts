import { FEED_FORMATS, feedObjectKey, feedPageObjectKey, feedUrl, type FeedRef } from '../domain/feeds.js';
import { DEFAULT_FRESHNESS, freshEverywhereAt } from '../domain/edge-cache.js';
import type { SiteSettings } from '../domain/site.js';
import { nextLookInSeconds } from './announce-feeds.js';
import type { RegenerateDependencies } from './regenerate-feeds.js';

/**
 * Invalidates what the CDN must not keep serving and queues the WebSub announcement. Feeds keep a
 * short edge lifetime; unless the deployment pays to invalidate them on every publish, only the
 * files caches keep long are invalidated, and the feeds a retraction changed (the most urgent
 * write a newsroom makes, and a rare one: 9 paths now and then).
 */
export async function tellCdnAndHubs(
  filesWritten: string[],
  feeds: FeedRef[],
  retracting: boolean,
  deps: RegenerateDependencies,
): Promise<void> {
  const now = deps.clock.now();
  const freshness = deps.freshness ?? DEFAULT_FRESHNESS;
  const topics = topicUrls(feeds, deps.site, filesWritten);
  // A feed's page for people keeps the feed's caching, so it is invalidated when the feed is.
  const subscriptionFiles = new Set([...topics.map((topic) => topic.key), ...feeds.map(feedPageObjectKey)]);
  const invalidateFeeds = freshness.invalidateFeeds || retracting;
  const toInvalidate = filesWritten.filter((key) => invalidateFeeds || !subscriptionFiles.has(key));
  const invalidationId = toInvalidate.length && deps.cdn ? await deps.cdn.invalidate(toInvalidate) : undefined;
  if (topics.length && deps.announcements) {
    const announcement = {
      topics: topics.map((topic) => topic.url),
      freshAt: freshEverywhereAt(now, freshness).toISOString(),
      ...(invalidationId && invalidateFeeds ? { invalidationId } : {}),
    };
    await deps.announcements.enqueue(announcement, nextLookInSeconds(announcement, now));
  }
}

/** The subscription feed files among the written ones, with their public URLs (archive pages are not topics). */
function topicUrls(feeds: FeedRef[], site: SiteSettings, written: string[]): { key: string; url: string }[] {
  const byKey = new Map(
    feeds.flatMap((feed) => FEED_FORMATS.map((format) => [feedObjectKey(feed, format), feedUrl(site.baseUrl, feed, format)] as const)),
  );
  return written.flatMap((key) => {
    const url = byKey.get(key);
    return url ? [{ key, url }] : [];
  });
}
