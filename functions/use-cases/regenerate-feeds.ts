import { randomUUID } from 'node:crypto';
import { isPublic, type Article } from '../domain/article.js';
import { feedFromKey, feedsOf, type FeedRef } from '../domain/feeds.js';
import type { SiteSettings } from '../domain/site.js';
import { renderFeedFiles } from '../rendering/render-feed.js';
import type { ArticleRepository, CdnInvalidator, Clock, FeedIndex, FeedMembership, FeedStore } from './ports.js';

export interface RegenerateDependencies {
  articles: ArticleRepository;
  index: FeedIndex;
  store: FeedStore;
  cdn?: CdnInvalidator | undefined;
  clock: Clock;
  site: SiteSettings;
  /** How long a feed lease lasts; must outlive one regeneration (the function timeout in AWS). */
  leaseMs?: number;
  /** How long to wait for another regeneration to finish with a feed before giving up. */
  waitForLeaseMs?: number;
  /** How many feeds are rendered at once. */
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface RegenerationReport {
  /** Feeds whose data changed in this run. */
  feedsChanged: string[];
  /** Object keys actually (re)written. */
  filesWritten: string[];
}

export class FeedBusyError extends Error {
  override readonly name = 'FeedBusyError';
}

/** Newest-first position of a story: its UTC publish time, then its slug for equal times. */
export function sortKeyOf(article: Pick<Article, 'publishedAt' | 'slug'>): string {
  return `${new Date(article.publishedAt).toISOString()}#${article.slug}`;
}

export function membershipsOf(article: Article | undefined): { memberships: FeedMembership[]; feeds: FeedRef[] } {
  if (!article || !isPublic(article)) return { memberships: [], feeds: [] };
  const feeds = feedsOf(article);
  const sortKey = sortKeyOf(article);
  return { memberships: feeds.map((feed) => ({ feedKey: feed.key, sortKey })), feeds };
}

const sleeper = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Brings every feed that the given stories are (or were) in up to date with the table.
 *
 * It reads each story's current state rather than trusting the change records, so replays,
 * duplicates and out-of-order deliveries all converge on the same result. Then each touched feed
 * is rendered under a per-feed lease; a regeneration that finds the data moved while it rendered
 * renders again, and one that finds the files already current does nothing.
 */
export async function regenerateFeeds(slugs: Iterable<string>, deps: RegenerateDependencies): Promise<RegenerationReport> {
  const changed = new Map<string, FeedRef>();
  for (const slug of new Set(slugs)) {
    const article = await deps.articles.get(slug);
    const { memberships, feeds } = membershipsOf(article);
    const previous = await deps.index.projectionOf(slug);
    await deps.index.project(slug, article, memberships, previous);
    for (const feed of feeds) changed.set(feed.key, feed);
    for (const { feedKey } of previous) if (!changed.has(feedKey)) changed.set(feedKey, feedFromKey(feedKey));
  }
  await deps.index.markChanged([...changed.keys()]);
  const filesWritten = await renderFeeds([...changed.values()], deps);
  if (filesWritten.length && deps.cdn) await deps.cdn.invalidate(filesWritten);
  return { feedsChanged: [...changed.keys()], filesWritten };
}

/** Renders feeds whether or not their data changed (the repair tool's second half). */
export async function renderFeeds(feeds: FeedRef[], deps: RegenerateDependencies): Promise<string[]> {
  const owner = randomUUID();
  const queue = [...feeds];
  const written: string[] = [];
  const worker = async () => {
    for (let feed = queue.shift(); feed; feed = queue.shift()) written.push(...(await renderOneFeed(feed, owner, deps)));
  };
  await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 4, queue.length) }, worker));
  return written;
}

async function renderOneFeed(feed: FeedRef, owner: string, deps: RegenerateDependencies): Promise<string[]> {
  const leaseMs = deps.leaseMs ?? 120_000;
  const sleep = deps.sleep ?? sleeper;
  const written: string[] = [];
  const giveUpAt = Date.now() + (deps.waitForLeaseMs ?? leaseMs + 5_000);
  for (let wait = 25; ; ) {
    const lease = await deps.index.acquire(feed.key, owner, leaseMs);
    if (!lease) {
      if (Date.now() > giveUpAt) throw new FeedBusyError(`Feed ${feed.key} is held by another regeneration`);
      await sleep(wait);
      wait = Math.min(wait * 2, 1_000);
      continue;
    }
    if (lease.renderedVersion < lease.version) {
      const articles = await deps.index.latest(feed.key, deps.site.feedSize);
      const files = renderFeedFiles({ site: deps.site, feed, articles, emptySince: deps.clock.now() });
      written.push(...(await deps.store.publish(files)));
    }
    if (await deps.index.release(feed.key, owner, lease.version)) return written;
  }
}
