import { inParallel } from '../commons/concurrency.js';
import { archiveDayOfObjectKey, archiveFeedKey, dayOfSortKey, daySortKeyRange, isPastDay, type ArchiveDay } from '../domain/archives.js';
import { feedFromKey, SITE_FEED } from '../domain/feeds.js';
import { StoredEntries } from '../rendering/entry-fragments.js';
import { renderFeedFiles, renderFeedIndexFile } from '../rendering/render-feed.js';
import { NEW_PAGE, NO_CATALOG_WORK, type CatalogWork, type FeedCatalog, type PageState } from './ports.js';
import type { RegenerateDependencies } from './regenerate-feeds.js';
import { leftPages, renderFeedPages } from './feed-documents.js';
import { tellCdnAndHubs } from './tell-cdn-and-hubs.js';
import { withRegenerationLease } from './regeneration-lease.js';

/** Archive pages of days that are over: their stories rarely change, so caches may keep them long. */
export const PAST_ARCHIVE_CACHE_CONTROL = 'public, max-age=2592000, stale-while-revalidate=86400';

/** The page key under which the feed directory (index.html) keeps its state. */
export const DIRECTORY_PAGE_KEY = 'directory';

/**
 * How far today's archive page, the feed directory (index.html) and any feed's page for people
 * that a publish left (when the stream's delivery that follows it did not write it) may trail the
 * subscription feeds in the bucket (today's page keeps its minute and stale-while-revalidate at the edge on top
 * of it, as it is not invalidated): the catalog refresh runs this often (EventBridge in AWS, a timer locally). Nobody
 * subscribes to them, and the stories they lack are the newest, which the feeds all carry.
 */
export const CATALOG_REFRESH_SECONDS = 60;

export function hasCatalogWork(work: CatalogWork): boolean {
  return work.days.length > 0 || Object.keys(work.directory).length > 0 || work.feedPages.length > 0;
}

/**
 * Renders what regenerations left to the catalog: the archive pages of the days their stories are
 * (or were) in, with the neighbours whose prev/next links changed, the feed directory, and any
 * feed's page for people that no run has written since a publish left it. One eventually
 * consistent read when there is nothing to do. Returns the keys it wrote.
 */
export async function refreshCatalog(deps: RegenerateDependencies): Promise<string[]> {
  const { catalog } = deps;
  if (!catalog || !hasCatalogWork(await deps.index.pendingWork())) return [];
  const written = await withRegenerationLease(deps, async (lease) => {
    const work = lease.pending;
    const pages = new Map<string, PageState>();
    const targets = await archivePagesFor(work.days, catalog, deps);
    const files: string[] = [];
    let newestArchiveDay = lease.newestArchiveDay;
    await inParallel(targets, deps.concurrency ?? 4, async ({ day, links, state }) => {
      await lease.keep();
      const now = deps.clock.now();
      const { from, to } = daySortKeyRange(day);
      const { articles, fragments } = await deps.index.between(SITE_FEED.key, from, to);
      const rendered = renderFeedFiles(
        { site: deps.site, feed: SITE_FEED, articles, emptySince: now, paging: { archiveDay: day, ...links } },
        { cacheControl: isPastDay(day, now) ? PAST_ARCHIVE_CACHE_CONTROL : undefined, entries: new StoredEntries(fragments, deps.entries) },
      );
      const result = await deps.store.publish(rendered, deps.verifyStoredFiles ? undefined : state.files);
      files.push(...result.written);
      pages.set(archiveFeedKey(day), { tombstones: {}, files: result.files, mark: linksMark(links) });
      if (articles.length && (newestArchiveDay === undefined || day > newestArchiveDay)) newestArchiveDay = day;
    });
    if (Object.keys(work.directory).length) files.push(...(await refreshDirectory(work, catalog, deps, pages)));
    // Feeds whose pages for people no run has written since a publish left them. A publish that
    // starts a day waits for this refresh: its feeds' pages stay left for later.
    const left = leftPages(work, !deps.pagesForPeopleLater);
    const feedFiles = await renderFeedPages(left.feeds, deps, lease, pages);
    const pending = { ...NO_CATALOG_WORK, feedPages: left.pending.feedPages };
    return { value: { files, leftFeeds: left.feeds, feedFiles }, pages, next: { pending, newestArchiveDay } };
  });
  const now = deps.clock.now();
  const toInvalidate = written.files.filter((key) => !isTodaysArchivePage(key, now));
  if (toInvalidate.length && deps.cdn) await deps.cdn.invalidate(toInvalidate);
  await tellCdnAndHubs(written.feedFiles, written.leftFeeds, false, deps);
  return [...written.files, ...written.feedFiles];
}

/** Records the directory entries of the feeds the work names and renders index.html from them. */
async function refreshDirectory(
  work: CatalogWork,
  catalog: FeedCatalog,
  deps: RegenerateDependencies,
  pages: Map<string, PageState>,
): Promise<string[]> {
  const entries = await Promise.all(
    Object.entries(work.directory).map(async ([feedKey, name]) => ({
      feedKey,
      name: name ?? undefined,
      hasStories: await catalog.hasStories(feedKey),
    })),
  );
  const writes = await catalog.planDirectory(entries);
  if (writes.length) await catalog.writeDirectory(writes);
  const [listings, states] = await Promise.all([catalog.directory(), deps.index.pageStates([DIRECTORY_PAGE_KEY])]);
  const state = states.get(DIRECTORY_PAGE_KEY) ?? NEW_PAGE;
  const file = renderFeedIndexFile(
    deps.site,
    listings
      .filter((entry) => entry.hasStories)
      .map((entry) => ({ feed: { ...feedFromKey(entry.feedKey), name: entry.name }, name: entry.name })),
  );
  const result = await deps.store.publish([file], deps.verifyStoredFiles ? undefined : state.files);
  pages.set(DIRECTORY_PAGE_KEY, { tombstones: {}, files: result.files });
  return result.written;
}

interface ArchiveLinks {
  olderDay?: ArchiveDay | undefined;
  newerDay?: ArchiveDay | undefined;
}

/** The days on either side of `day` that have stories. */
async function neighbours(day: ArchiveDay, catalog: FeedCatalog): Promise<ArchiveLinks> {
  const { from, to } = daySortKeyRange(day);
  const [older, newer] = await Promise.all([catalog.lastKeyBefore(SITE_FEED.key, from), catalog.firstKeyFrom(SITE_FEED.key, to)]);
  return { olderDay: older && dayOfSortKey(older), newerDay: newer && dayOfSortKey(newer) };
}

/** What an archive page's links depend on, recorded once it is rendered. */
function linksMark(links: ArchiveLinks): string {
  return `${links.olderDay ?? ''}|${links.newerDay ?? ''}`;
}

/**
 * The archive pages to render: the given days, and those days' neighbours when a day appearing
 * or emptying changed the neighbour's prev/next links. A neighbour's links are compared with what
 * it was last rendered with, so a crash between the two steps is repaired by the next run rather
 * than remembered. A few key lookups per day: never a read of the whole archive.
 */
async function archivePagesFor(
  days: ArchiveDay[],
  catalog: FeedCatalog,
  deps: RegenerateDependencies,
): Promise<{ day: ArchiveDay; links: ArchiveLinks; state: PageState }[]> {
  const links = new Map<ArchiveDay, ArchiveLinks>();
  await inParallel(days, 4, async (day) => void links.set(day, await neighbours(day, catalog)));
  const candidates = new Set<ArchiveDay>();
  for (const { olderDay, newerDay } of links.values())
    for (const day of [olderDay, newerDay]) if (day && !links.has(day)) candidates.add(day);
  const states = await deps.index.pageStates([...days, ...candidates].map(archiveFeedKey));
  await inParallel([...candidates], 4, async (day) => {
    const around = await neighbours(day, catalog);
    if (linksMark(around) !== states.get(archiveFeedKey(day))?.mark) links.set(day, around);
  });
  return [...links.keys()].sort().map((day) => ({ day, links: links.get(day)!, state: states.get(archiveFeedKey(day)) ?? NEW_PAGE }));
}

/**
 * The one file the CDN need not be told about: today's archive page keeps a minute (60 s, and
 * 60 s of stale-while-revalidate) and nobody subscribes to it, so a stale copy is short-lived and
 * harmless. Every invalidation path is billed: past days' pages (cached a month) and index.html
 * (rewritten only when a feed appears, is renamed or empties) are invalidated, so a new category
 * or author is listed at once.
 */
export function isTodaysArchivePage(key: string, now: Date): boolean {
  const day = archiveDayOfObjectKey(key);
  return day !== undefined && !isPastDay(day, now);
}
