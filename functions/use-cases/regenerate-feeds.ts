import { randomUUID } from 'node:crypto';
import { inParallel, sleep } from '../commons/concurrency.js';
import { isPublic, type Article } from '../domain/article.js';
import {
  archiveFeedKey,
  archiveDayOf,
  archiveDayOfObjectKey,
  isPastDay,
  dayOfSortKey,
  daySortKeyRange,
  type ArchiveDay,
} from '../domain/archives.js';
import { FEED_FORMATS, feedFromKey, feedObjectKey, feedsOf, feedUrl, SITE_FEED, sortKeyOf, type FeedRef } from '../domain/feeds.js';
import { DEFAULT_FRESHNESS, feedCacheControl, freshEverywhereAt, type FreshnessSettings } from '../domain/edge-cache.js';
import type { SiteSettings } from '../domain/site.js';
import type { FeedDocument, FeedPaging } from '../rendering/feed-document.js';
import { renderFeedFiles, renderFeedIndexFile, renderFeedStylesheetFile, type FeedFile } from '../rendering/render-feed.js';
import type { RenderedEntries } from '../rendering/rendered-entries.js';
import { nextLookInSeconds } from './announce-feeds.js';
import {
  NOTHING_PROJECTED,
  type AnnouncementQueue,
  type ArticleRepository,
  type CdnInvalidator,
  type Clock,
  type FeedCatalog,
  type FeedDirectoryEntry,
  type FeedIndex,
  type FeedMembership,
  type FeedStore,
  type StoredFiles,
  type StoryProjection,
} from './ports.js';

export interface RegenerateDependencies {
  articles: ArticleRepository;
  index: FeedIndex;
  store: FeedStore;
  cdn?: CdnInvalidator | undefined;
  clock: Clock;
  site: SiteSettings;
  /**
   * Archives (RFC 5005), tombstones (RFC 6721) and the feed directory (index.html). Without it
   * only the feeds themselves are rendered.
   */
  catalog?: FeedCatalog | undefined;
  /**
   * Where announcements for the WebSub hubs go: every subscription feed whose files changed,
   * announced once the CDN serves them (`announceFeeds`).
   */
  announcements?: AnnouncementQueue | undefined;
  /** The feeds' edge lifetime, and whether they are invalidated too. @default DEFAULT_FRESHNESS */
  freshness?: FreshnessSettings | undefined;
  /** How long a feed lease lasts; must outlive one regeneration (the function timeout in AWS). */
  leaseMs?: number;
  /** How long to wait for another regeneration to finish with a feed before giving up. */
  waitForLeaseMs?: number;
  /**
   * Entries rendered by earlier runs in this process, reused while their story is unchanged: a
   * feed that gains one story then renders one entry per format, not the whole feed.
   */
  entries?: RenderedEntries | undefined;
  /**
   * Compare every file with the store instead of trusting the signatures recorded when pages were
   * last released (the repair tool: a bucket that lost or had files changed by hand).
   */
  verifyStoredFiles?: boolean | undefined;
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

/**
 * A feed's lease lasts longer than a regeneration may run (the Lambda timeout), so a regeneration
 * killed at its timeout can never write after another has taken the lease over.
 */
export const FEED_LEASE_MS = 120_000;

/**
 * How long a regeneration waits for a feed another one holds before failing (and being retried
 * by the stream): well inside the Lambda timeout, so the wait itself never times the function out.
 */
export const FEED_LEASE_WAIT_MS = 30_000;

export class FeedBusyError extends Error {
  override readonly name = 'FeedBusyError';
}

/** Archive pages of days that are over: their stories rarely change, so caches may keep them long. */
export const PAST_ARCHIVE_CACHE_CONTROL = 'public, max-age=2592000, stale-while-revalidate=86400';

/** The page key under which the feed directory (index.html) keeps its version and lease. */
export const DIRECTORY_PAGE_KEY = 'directory';

export function membershipsOf(article: Article | undefined): { memberships: FeedMembership[]; feeds: FeedRef[] } {
  if (!article || !isPublic(article)) return { memberships: [], feeds: [] };
  const feeds = feedsOf(article);
  const sortKey = sortKeyOf(article);
  return { memberships: feeds.map((feed) => ({ feedKey: feed.key, sortKey })), feeds };
}


/** Stores that already hold this process's stylesheet (it changes only with a deployment). */
const stylesheetPublished = new WeakSet<FeedStore>();

/**
 * Brings every feed that the given stories are (or were) in up to date with the table, and with
 * them the site feed's daily archive pages, the Atom tombstones of retracted stories and the
 * feed directory; then tells the CDN and the WebSub hubs which files changed.
 *
 * It reads each story's current state rather than trusting the change records, so replays,
 * duplicates and out-of-order deliveries all converge on the same result. Then each touched feed
 * (and archive page) is rendered under a per-page lease; a regeneration that finds the data moved
 * while it rendered renders again, and one that finds the files already current does nothing.
 */
export async function regenerateFeeds(slugs: Iterable<string>, deps: RegenerateDependencies): Promise<RegenerationReport> {
  const { catalog } = deps;
  const changed = new Map<string, FeedRef>();
  /** Feeds a story is in now, with a name for the directory. */
  const named = new Map<string, string>();
  const days = new Set<ArchiveDay>();
  const unique = [...new Set(slugs)];
  // A burst coalesced into one batch would otherwise make thousands of sequential round trips:
  // the batch's stories, projections and tombstone records are read in a few calls, and all its
  // stories are projected together in a few batch writes.
  const [stories, projections, tombstoned] = await Promise.all([
    deps.articles.getMany(unique),
    deps.index.projectionsOf(unique),
    catalog ? catalog.storiesWithTombstones(unique) : new Set<string>(),
  ]);
  const projected: StoryProjection[] = [];
  /** Whether a story of the batch left feeds it was in because it was retracted. */
  let retracting = false;
  await inParallel(unique, deps.concurrency ?? 8, async (slug) => {
    const article = stories.get(slug);
    const { memberships, feeds } = membershipsOf(article);
    const projection = projections.get(slug) ?? NOTHING_PROJECTED;
    const previous = projection.memberships;
    if (catalog) {
      const leaving = previous.filter((old) => !memberships.some((wanted) => wanted.feedKey === old.feedKey)).map((old) => old.feedKey);
      // Recorded before the entries go, so a crash in between still leaves the tombstones to find.
      if (article?.status === 'retracted') await catalog.recordTombstones(slug, leaving, article.retractedAt ?? article.updatedAt);
      // A story back in the feeds after a retraction must not stay announced as deleted.
      if (memberships.length && !previous.length && tombstoned.has(slug)) {
        for (const feedKey of await catalog.clearTombstones(slug)) changed.set(feedKey, feedFromKey(feedKey));
      }
    }
    projected.push({ slug, article, desired: memberships, previous: projection });
    if (article?.status === 'retracted' && previous.length) retracting = true;
    for (const feed of feeds) {
      changed.set(feed.key, feed);
      if (feed.name) named.set(feed.key, feed.name);
    }
    for (const { feedKey } of previous) if (!changed.has(feedKey)) changed.set(feedKey, feedFromKey(feedKey));
    for (const { feedKey, sortKey } of [...previous, ...memberships]) if (feedKey === SITE_FEED.key) days.add(dayOfSortKey(sortKey));
  });
  await deps.index.project(projected);

  const stylesheet = await publishStylesheet(deps);
  // Readers poll the subscription feeds, so they go first; the archive pages and the directory after.
  const feedFiles = await renderTargets(
    [...changed.values()].map((feed) => ({ ...feedTarget(feed, deps), changed: true })),
    deps,
  );
  const catalogFiles = catalog ? await renderCatalogPages(changed, named, days, catalog, deps) : [];
  const filesWritten = [...stylesheet, ...feedFiles, ...catalogFiles];
  const now = deps.clock.now();
  const freshness = deps.freshness ?? DEFAULT_FRESHNESS;
  const topics = topicUrls([...changed.values()], deps.site, filesWritten);
  const feedKeys = new Set(topics.map((topic) => topic.key));
  // Feeds keep a short edge lifetime; unless the deployment pays to invalidate them on every
  // publish, only the files caches keep long are invalidated, and the feeds a retraction changed
  // (the most urgent write a newsroom makes, and a rare one: 9 paths now and then).
  const invalidateFeeds = freshness.invalidateFeeds || retracting;
  const toInvalidate = filesWritten.filter((key) => !isTodaysArchivePage(key, now) && (invalidateFeeds || !feedKeys.has(key)));
  const invalidationId = toInvalidate.length && deps.cdn ? await deps.cdn.invalidate(toInvalidate) : undefined;
  if (topics.length && deps.announcements) {
    const announcement = {
      topics: topics.map((topic) => topic.url),
      freshAt: freshEverywhereAt(now, freshness).toISOString(),
      ...(invalidationId && invalidateFeeds ? { invalidationId } : {}),
    };
    await deps.announcements.enqueue(announcement, nextLookInSeconds(announcement, now));
  }
  return { feedsChanged: [...changed.keys()], filesWritten };
}

/** The archive pages of the given days (and neighbours whose links changed), and the directory. */
async function renderCatalogPages(
  changed: Map<string, FeedRef>,
  named: Map<string, string>,
  days: Set<ArchiveDay>,
  catalog: FeedCatalog,
  deps: RegenerateDependencies,
): Promise<string[]> {
  const pages = await archiveTargetsFor(days, catalog, deps);
  const directory = await planDirectory(changed, named, catalog);
  // The directory is marked before its entries are written: a crash in between is repaired by the
  // retry's compare, and one after it by the page being stale.
  if (directory.listingChanged) await deps.index.markChanged([DIRECTORY_PAGE_KEY]);
  if (directory.writes.length) await catalog.writeDirectory(directory.writes);
  if (directory.listingChanged || (await catalog.isStale(DIRECTORY_PAGE_KEY))) pages.push(directoryTarget(catalog, deps));
  return renderTargets(pages, deps);
}

/** Renders feeds whether or not their data changed (the repair tool's second half). */
export async function renderFeeds(feeds: FeedRef[], deps: RegenerateDependencies): Promise<string[]> {
  return renderTargets(
    feeds.map((feed) => feedTarget(feed, deps)),
    deps,
  );
}

/** A page rendered under the lease and version protocol: a feed, an archive page or the directory. */
interface RenderTarget {
  key: string;
  /** Whether its data changed in this run (not yet recorded): its version is bumped as its lease is taken. */
  changed?: boolean;
  render(): Promise<FeedFile[]>;
  /** Runs after the files are stored, before the lease is given up. */
  afterPublish?: () => Promise<void>;
}

function feedTarget(feed: FeedRef, deps: RegenerateDependencies): RenderTarget {
  return {
    key: feed.key,
    async render() {
      const now = deps.clock.now();
      const since = new Date(now.getTime() - deps.site.tombstoneDays * 86_400_000);
      const [articles, tombstones] = await Promise.all([
        deps.index.latest(feed.key, deps.site.feedSize),
        deps.catalog ? deps.catalog.tombstones(feed.key, since) : [],
      ]);
      const newest = articles[0];
      // The subscription feed points at the newest archive page (the day of its newest story).
      const paging: FeedPaging | undefined =
        deps.catalog && feed.key === SITE_FEED.key && newest ? { olderDay: archiveDayOf(newest.publishedAt) } : undefined;
      const cacheControl = feedCacheControl(deps.freshness ?? DEFAULT_FRESHNESS);
      return renderFeedFiles({ site: deps.site, feed, articles, emptySince: now, paging, tombstones }, { cacheControl, entries: deps.entries });
    },
  };
}

/** The days on either side of `day` that have stories. */
async function neighbours(day: ArchiveDay, catalog: FeedCatalog): Promise<{ olderDay?: ArchiveDay; newerDay?: ArchiveDay }> {
  const { from, to } = daySortKeyRange(day);
  const [older, newer] = await Promise.all([catalog.lastKeyBefore(SITE_FEED.key, from), catalog.firstKeyFrom(SITE_FEED.key, to)]);
  return { olderDay: older && dayOfSortKey(older), newerDay: newer && dayOfSortKey(newer) };
}

/** What an archive page's links depend on, recorded once it is rendered. */
function linksMark(links: { olderDay?: ArchiveDay | undefined; newerDay?: ArchiveDay | undefined }): string {
  return `${links.olderDay ?? ''}|${links.newerDay ?? ''}`;
}

function archiveTarget(day: ArchiveDay, catalog: FeedCatalog, deps: RegenerateDependencies): RenderTarget {
  let mark = '';
  return {
    key: archiveFeedKey(day),
    // Only days with a changed story or changed links are targets: marked as the lease is taken.
    changed: true,
    async render() {
      const now = deps.clock.now();
      const { from, to } = daySortKeyRange(day);
      const [articles, links] = await Promise.all([catalog.between(SITE_FEED.key, from, to), neighbours(day, catalog)]);
      mark = linksMark(links);
      const document: FeedDocument = { site: deps.site, feed: SITE_FEED, articles, emptySince: now, paging: { archiveDay: day, ...links } };
      const cacheControl = isPastDay(day, now) ? PAST_ARCHIVE_CACHE_CONTROL : undefined;
      return renderFeedFiles(document, { cacheControl, entries: deps.entries });
    },
    afterPublish: () => catalog.recordRendered(archiveFeedKey(day), mark),
  };
}

/**
 * The archive pages to render: the days the changed stories are (or were) in, and those days'
 * neighbours when a day appearing or emptying changed the neighbour's prev/next links. A
 * neighbour's links are compared with what it was last rendered with, so a crash between the two
 * steps is repaired by the next run rather than remembered. A few key lookups per day: never a
 * read of the whole archive.
 */
async function archiveTargetsFor(
  days: Set<ArchiveDay>,
  catalog: FeedCatalog,
  deps: RegenerateDependencies,
): Promise<RenderTarget[]> {
  const toRender = new Set(days);
  for (const day of days) {
    const { olderDay, newerDay } = await neighbours(day, catalog);
    for (const neighbour of [olderDay, newerDay]) {
      if (!neighbour || toRender.has(neighbour)) continue;
      const [links, rendered] = await Promise.all([neighbours(neighbour, catalog), catalog.renderedMark(archiveFeedKey(neighbour))]);
      if (linksMark(links) !== rendered) toRender.add(neighbour);
    }
  }
  return [...toRender].sort().map((day) => archiveTarget(day, catalog, deps));
}

/**
 * What the directory of category and author feeds (names, and whether they hold stories) needs for
 * the feeds this run touched, and whether what index.html lists changes.
 */
async function planDirectory(
  changed: Map<string, FeedRef>,
  named: Map<string, string>,
  catalog: FeedCatalog,
): Promise<Awaited<ReturnType<FeedCatalog['planDirectory']>>> {
  const entries: FeedDirectoryEntry[] = [];
  for (const feed of changed.values()) {
    if (feed.kind === 'site') continue;
    const name = named.get(feed.key);
    // A feed a story is in has stories; one a story left is looked at (one key read).
    const hasStories = name !== undefined || (await catalog.hasStories(feed.key));
    entries.push({ feedKey: feed.key, name, hasStories });
  }
  return entries.length ? catalog.planDirectory(entries) : { writes: [], listingChanged: false };
}

function directoryTarget(catalog: FeedCatalog, deps: RegenerateDependencies): RenderTarget {
  return {
    key: DIRECTORY_PAGE_KEY,
    async render() {
      const listings = (await catalog.directory())
        .filter((entry) => entry.hasStories)
        .map((entry) => ({ feed: { ...feedFromKey(entry.feedKey), name: entry.name }, name: entry.name }));
      return [renderFeedIndexFile(deps.site, listings)];
    },
  };
}

/** Writes the stylesheet once per process (the store skips it when the bytes are unchanged). */
async function publishStylesheet(deps: RegenerateDependencies): Promise<string[]> {
  if (stylesheetPublished.has(deps.store)) return [];
  const { written } = await deps.store.publish([renderFeedStylesheetFile()]);
  stylesheetPublished.add(deps.store);
  return written;
}

/**
 * The one file the CDN need not be told about: today's archive page, rewritten on every publish,
 * keeps a minute (60 s, and 60 s of stale-while-revalidate) and nobody subscribes to it, so a
 * stale copy is short-lived and harmless. Every invalidation path is billed: the stylesheet
 * (cached a day), past days' pages (cached a month) and index.html (rewritten only when a feed
 * appears, is renamed or empties) are invalidated, so a new category or author is listed at once;
 * the subscription feeds only when the deployment pays for it (`FreshnessSettings.invalidateFeeds`).
 */
function isTodaysArchivePage(key: string, now: Date): boolean {
  const day = archiveDayOfObjectKey(key);
  return day !== undefined && !isPastDay(day, now);
}

/** The subscription feed files among the written ones, with their public URLs (archive pages are not topics). */
function topicUrls(feeds: FeedRef[], site: SiteSettings, written: string[]): { key: string; url: string }[] {
  const byKey = new Map(feeds.flatMap((feed) => FEED_FORMATS.map((format) => [feedObjectKey(feed, format), feedUrl(site.baseUrl, feed, format)] as const)));
  return written.flatMap((key) => {
    const url = byKey.get(key);
    return url ? [{ key, url }] : [];
  });
}

async function renderTargets(targets: RenderTarget[], deps: RegenerateDependencies): Promise<string[]> {
  const owner = randomUUID();
  const written: string[] = [];
  await inParallel(targets, deps.concurrency ?? 4, async (target) => {
    written.push(...(await renderOne(target, owner, deps)));
  });
  return written;
}

async function renderOne(target: RenderTarget, owner: string, deps: RegenerateDependencies): Promise<string[]> {
  const leaseMs = deps.leaseMs ?? FEED_LEASE_MS;
  const pause = deps.sleep ?? sleep;
  const written: string[] = [];
  let stored: StoredFiles | undefined;
  const giveUpAt = Date.now() + (deps.waitForLeaseMs ?? FEED_LEASE_WAIT_MS);
  for (let wait = 25, first = true; ; first = false) {
    const lease = await deps.index.acquire(target.key, owner, leaseMs, first && target.changed);
    if (!lease) {
      if (Date.now() > giveUpAt) throw new FeedBusyError(`Feed ${target.key} is held by another regeneration`);
      await pause(wait);
      wait = Math.min(wait * 2, 1_000);
      continue;
    }
    let published: StoredFiles | undefined;
    if (lease.renderedVersion < lease.version) {
      try {
        // What the store holds, as far as known without asking it: what this run wrote if it
        // rendered the page already (its release found the data moved on), else the record the
        // last holder left when it released the lease.
        const recorded = stored ?? (deps.verifyStoredFiles ? undefined : lease.files);
        const result = await deps.store.publish(await target.render(), recorded);
        written.push(...result.written);
        published = stored = result.files;
        await target.afterPublish?.();
      } catch (error) {
        // The version stays unrendered; a retry may take the page at once. Files already written
        // came from data no older than the table's, so nothing older is ever published.
        await deps.index.abandonLease(target.key, owner).catch(() => undefined);
        throw error;
      }
    }
    if (await deps.index.release(target.key, owner, lease.version, published)) return written;
  }
}
