import { inParallel } from '../commons/concurrency.js';
import { archiveDayOf } from '../domain/archives.js';
import type { Article } from '../domain/article.js';
import { DEFAULT_FRESHNESS, feedCacheControl } from '../domain/edge-cache.js';
import { feedFromKey, feedPageObjectKey, SITE_FEED, type FeedRef } from '../domain/feeds.js';
import type { SiteSettings } from '../domain/site.js';
import { StoredEntries } from '../rendering/entry-fragments.js';
import type { FeedDocument, FeedPaging, Tombstone } from '../rendering/feed-document.js';
import { renderPageForPeople, renderSubscriptionFiles } from '../rendering/render-feed.js';
import type { EntrySource } from '../rendering/rendered-entries.js';
import type { CatalogWork, PageState } from './ports.js';
import type { RegenerateDependencies } from './regenerate-feeds.js';
import type { HeldLease } from './regeneration-lease.js';

/** What a run changes in feeds' tombstones: per feed, slug → when retracted, or `null` to take it off. */
export interface TombstoneChanges {
  tombstones: Map<string, Map<string, string | null>>;
  /** The kept feed ids of the stories this run tombstones (slug → feedId). */
  tombstoneIds: Map<string, string>;
}

const NO_TOMBSTONE_CHANGES: TombstoneChanges = { tombstones: new Map(), tombstoneIds: new Map() };

/**
 * The feeds whose pages for people earlier runs left, for this run to render with their feeds
 * (`writeNow`), and the work it leaves after: with `writeNow` false they stay left.
 */
export function leftPages(pending: CatalogWork, writeNow: boolean): { feeds: FeedRef[]; pending: CatalogWork } {
  return writeNow ? { feeds: pending.feedPages.map(feedFromKey), pending: { ...pending, feedPages: [] } } : { feeds: [], pending };
}

/** One feed as its files are rendered now, with the state the index keeps for it. */
interface CurrentFeed {
  document: FeedDocument;
  options: { cacheControl: string; entries: EntrySource };
  state: PageState;
  /** The feed's tombstones after this run's changes, to record with its files. */
  tombstones: Record<string, string>;
  tombstoneIds: Record<string, string> | undefined;
}

/** A feed's newest stories, tombstones and paging, read from the index, with this run's tombstone changes. */
async function currentFeed(feed: FeedRef, deps: RegenerateDependencies, changes: TombstoneChanges): Promise<CurrentFeed> {
  const now = deps.clock.now();
  const { articles, fragments, state } = await deps.index.latest(feed.key, deps.site.feedSize);
  const tombstones = deps.catalog
    ? currentTombstones(state.tombstones, changes.tombstones.get(feed.key), articles, now, deps.site)
    : state.tombstones;
  const tombstoneIds = idsOfTombstoned(tombstones, state.tombstoneIds, changes.tombstoneIds);
  const newest = articles[0];
  // The subscription feed points at the newest archive page (the day of its newest story).
  const paging: FeedPaging | undefined =
    deps.catalog && feed.key === SITE_FEED.key && newest ? { olderDay: archiveDayOf(newest.publishedAt) } : undefined;
  return {
    document: {
      site: deps.site,
      feed,
      articles,
      emptySince: now,
      paging,
      tombstones: deps.catalog ? tombstoneList(tombstones, tombstoneIds) : [],
    },
    options: { cacheControl: feedCacheControl(deps.freshness ?? DEFAULT_FRESHNESS), entries: new StoredEntries(fragments, deps.entries) },
    state,
    tombstones,
    tombstoneIds,
  };
}

/**
 * Renders and stores each feed, recording its new state in `pages`: the readers' three files, then
 * (unless `withPagesForPeople` is false) its page for people. A page left for later keeps the
 * signature it was last stored with, so the run that renders it sees it changed.
 */
export async function renderFeedPages(
  feeds: FeedRef[],
  deps: RegenerateDependencies,
  lease: HeldLease,
  pages: Map<string, PageState>,
  changes: TombstoneChanges = NO_TOMBSTONE_CHANGES,
  withPagesForPeople = true,
): Promise<string[]> {
  const written: string[] = [];
  await inParallel(feeds, deps.concurrency ?? 4, async (feed) => {
    await lease.keep();
    const { document, options, state, tombstones, tombstoneIds } = await currentFeed(feed, deps, changes);
    const stored = deps.verifyStoredFiles ? undefined : state.files;
    const feedsResult = await deps.store.publish(renderSubscriptionFiles(document, options), stored);
    // The readers' three files first; the page for people follows them.
    const page = feedPageObjectKey(feed);
    const pageResult = withPagesForPeople
      ? await deps.store.publish([renderPageForPeople(document, options)], stored)
      : { written: [], files: state.files && Object.hasOwn(state.files, page) ? { [page]: state.files[page]! } : {} };
    written.push(...feedsResult.written, ...pageResult.written);
    pages.set(feed.key, { tombstones, tombstoneIds, files: { ...feedsResult.files, ...pageResult.files } });
  });
  return written;
}

/** The kept feed ids of a feed's tombstoned stories: those recorded, and this run's, for the stories still tombstoned. */
function idsOfTombstoned(
  tombstones: Record<string, string>,
  recorded: Record<string, string> | undefined,
  fromThisRun: Map<string, string>,
): Record<string, string> | undefined {
  const ids: Record<string, string> = {};
  for (const slug of Object.keys(tombstones)) {
    const id = fromThisRun.get(slug) ?? (recorded && Object.hasOwn(recorded, slug) ? recorded[slug] : undefined);
    if (id !== undefined) ids[slug] = id;
  }
  return Object.keys(ids).length ? ids : undefined;
}

/**
 * A feed's tombstones after this run: this run's retractions added, stories published again
 * taken off (and any story back in the feed), and those older than `tombstoneDays` forgotten.
 */
function currentTombstones(
  recorded: Record<string, string>,
  edits: Map<string, string | null> | undefined,
  articles: Article[],
  now: Date,
  site: SiteSettings,
): Record<string, string> {
  const since = now.getTime() - site.tombstoneDays * 86_400_000;
  const tombstones = { ...recorded };
  for (const [slug, when] of edits ?? []) {
    if (when === null) delete tombstones[slug];
    else tombstones[slug] = when;
  }
  for (const article of articles) delete tombstones[article.slug];
  for (const [slug, when] of Object.entries(tombstones)) if (Date.parse(when) < since) delete tombstones[slug];
  return tombstones;
}

/** Newest first, as feeds list them. */
function tombstoneList(tombstones: Record<string, string>, ids: Record<string, string> = {}): Tombstone[] {
  return Object.entries(tombstones)
    .map(([slug, when]) => (Object.hasOwn(ids, slug) ? { slug, when, feedId: ids[slug] } : { slug, when }))
    .sort((a, b) => Date.parse(b.when) - Date.parse(a.when) || (a.slug < b.slug ? -1 : 1));
}
