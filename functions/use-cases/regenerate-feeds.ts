import { isPublic, type Article } from '../domain/article.js';
import { dayOfSortKey, type ArchiveDay } from '../domain/archives.js';
import { feedFromKey, feedsOf, SITE_FEED, sortKeyOf, type FeedRef } from '../domain/feeds.js';
import type { FreshnessSettings } from '../domain/edge-cache.js';
import type { SiteSettings } from '../domain/site.js';
import { storedFragmentsOf } from '../rendering/entry-fragments.js';
import { leftPages, renderFeedPages, type TombstoneChanges } from './feed-documents.js';
import { tellCdnAndHubs } from './tell-cdn-and-hubs.js';
import type { RenderedEntries } from '../rendering/rendered-entries.js';
import {
  type AnnouncementQueue,
  type CatalogWork,
  type CdnInvalidator,
  type Clock,
  type FeedCatalog,
  type FeedIndex,
  type FeedMembership,
  type FeedStore,
  type PageState,
  type RetractionRecord,
  type StoryProjection,
  type StoryState,
  NO_CATALOG_WORK,
} from './ports.js';
import type { RegeneratedStories } from './regenerated-stories.js';
import { withRegenerationLease } from './regeneration-lease.js';
import { refreshCatalog } from './refresh-catalog.js';

export { PAST_ARCHIVE_CACHE_CONTROL } from './refresh-catalog.js';

export { FEED_LEASE_MS, FEED_LEASE_WAIT_MS, FeedBusyError } from './regeneration-lease.js';

export interface RegenerateDependencies {
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
  /** How long the regeneration lease lasts; must outlive one regeneration (the function timeout in AWS). */
  leaseMs?: number | undefined;
  /** How long to wait for another regeneration to give the lease up before failing. */
  waitForLeaseMs?: number | undefined;
  /**
   * Entries rendered by earlier runs in this process, for stories whose feed entries hold none
   * rendered by this process's renderers (written by an earlier version, or before a deployment).
   */
  entries?: RenderedEntries | undefined;
  /**
   * Compare every file with the store instead of trusting the signatures recorded when pages were
   * last released (the repair tool: a bucket that lost or had files changed by hand).
   */
  verifyStoredFiles?: boolean | undefined;
  /**
   * Stories whose feeds runs in this process already brought up to date: a later delivery of the
   * same change (the stream's, after a publish asked for its feeds at once) renders only the pages
   * for people that run left.
   */
  regenerated?: RegeneratedStories | undefined;
  /**
   * A publish is waiting for its feeds (`regenerateNow`): write the readers' files, and leave the
   * feeds' pages for people to the next run of any kind (the stream's delivery of the same change,
   * a moment later; with a catalog, at the latest its refresh). A story leaving a feed (retracted,
   * unpublished, moved) writes them at once.
   */
  pagesForPeopleLater?: boolean | undefined;
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

export function membershipsOf(article: Article | undefined): { memberships: FeedMembership[]; feeds: FeedRef[] } {
  if (!article || !isPublic(article)) return { memberships: [], feeds: [] };
  const feeds = feedsOf(article);
  const sortKey = sortKeyOf(article);
  return { memberships: feeds.map((feed) => ({ feedKey: feed.key, sortKey })), feeds };
}

/** What a run under the lease found and did; no plan when there was nothing to do. */
interface RunResult {
  plan: BatchPlan | undefined;
  feedFiles: string[];
  newestArchiveDay: ArchiveDay | undefined;
  states: Map<string, StoryState>;
}

/** What a batch of stories changes: worked out from their states before anything is written. */
interface BatchPlan extends TombstoneChanges {
  projections: StoryProjection[];
  /** Every feed a story of the batch is or was in. */
  feeds: Map<string, FeedRef>;
  catalog: CatalogWork;
  /** The newest day a story of the batch was published on, in the site feed. */
  newestDay?: ArchiveDay | undefined;
  /** Whether a story of the batch left feeds it was in because it was retracted. */
  retracting: boolean;
  /** Whether a story of the batch left a feed it was in (retracted, unpublished, moved). */
  leaving: boolean;
}

/**
 * Brings every feed that the given stories are (or were) in up to date with the table, with the
 * Atom tombstones of retracted stories; and, while it gives the lease up, tells the CDN and the
 * WebSub hubs which files changed. Today's archive page and the feed directory follow within a minute (`refreshCatalog`),
 * off the readers' path; a story that starts a new day renders the day's page at once, so the
 * site feed never links to a page that does not exist yet.
 *
 * It reads each story's current state rather than trusting the change records, so replays,
 * duplicates and out-of-order deliveries all converge on the same result. All of it runs under
 * the regeneration lease, so no render sees the index move under it and no older state is ever
 * published over a newer one. One story in three feeds costs eight DynamoDB calls in a cold
 * process (fewer where the index keeps feeds), and three for a change this process already did
 * (plus a read of each feed whose page for people it writes, where the index does not keep it).
 */
export async function regenerateFeeds(slugs: Iterable<string>, deps: RegenerateDependencies): Promise<RegenerationReport> {
  const unique = [...new Set(slugs)];
  const { plan, feedFiles, newestArchiveDay, states } = await withRegenerationLease<RunResult>(deps, async (lease) => {
    const states = await deps.index.storyStates(unique);
    const pages = new Map<string, PageState>();
    if (deps.regenerated && unique.every((slug) => deps.regenerated!.holds(slug, states.get(slug)!.article))) {
      // The feeds already hold every story as stored: a second delivery of a change. It renders
      // the feeds whose pages for people the first one left, page and feed files from one read, so
      // a page never shows what its feed does not (as a rule only the pages are written).
      const left = leftPages(lease.pending, !deps.pagesForPeopleLater);
      const feedFiles = await renderFeedPages(left.feeds, deps, lease, pages);
      return {
        value: { plan: undefined, feedFiles, newestArchiveDay: lease.newestArchiveDay, states },
        pages,
        next: { pending: left.pending, newestArchiveDay: lease.newestArchiveDay },
        whileReleasing: () => tellCdnAndHubs(feedFiles, left.feeds, false, deps),
      };
    }
    const plan = planBatch(unique, states, deps);
    // A story leaving a feed (retracted, unpublished, moved) leaves its pages at once too.
    const pagesLater = deps.pagesForPeopleLater === true && !plan.leaving;
    await lease.keep();
    await deps.index.project(plan.projections);
    // Readers poll the subscription feeds and people read their pages (with those of feeds an
    // earlier run left): archive pages and the directory are left to the catalog refresh.
    const left = leftPages(lease.pending, !pagesLater);
    const feeds = [...plan.feeds.values(), ...left.feeds.filter((feed) => !plan.feeds.has(feed.key))];
    const feedFiles = await renderFeedPages(feeds, deps, lease, pages, plan, !pagesLater);
    const leftNow = { ...(deps.catalog ? plan.catalog : NO_CATALOG_WORK), feedPages: pagesLater ? [...plan.feeds.keys()] : [] };
    return {
      value: { plan, feedFiles, newestArchiveDay: lease.newestArchiveDay, states },
      pages,
      next: { pending: mergeCatalogWork(left.pending, leftNow), newestArchiveDay: lease.newestArchiveDay },
      // The files are stored: the CDN and the hubs are told while the lease is given up.
      whileReleasing: () => tellCdnAndHubs(feedFiles, feeds, plan.retracting, deps),
    };
  });
  if (!plan) return { feedsChanged: [], filesWritten: feedFiles };
  // Stored, released and announced: a later delivery of the same change has nothing left to do.
  for (const slug of unique) deps.regenerated?.remember(slug, states.get(slug)!.article);
  // A new day: the site feed's prev-archive link already points at its page.
  const startsDay = plan.newestDay !== undefined && (newestArchiveDay === undefined || plan.newestDay > newestArchiveDay);
  const catalogFiles = deps.catalog && startsDay ? await refreshCatalog(deps) : [];
  return { feedsChanged: [...plan.feeds.keys()], filesWritten: [...feedFiles, ...catalogFiles] };
}

/** Renders feeds whether or not their data changed (the repair tool's second half). */
export async function renderFeeds(feeds: FeedRef[], deps: RegenerateDependencies): Promise<string[]> {
  return withRegenerationLease(deps, async (lease) => {
    const pages = new Map<string, PageState>();
    const written = await renderFeedPages(feeds, deps, lease, pages);
    const feedPages = lease.pending.feedPages.filter((feedKey) => !feeds.some((feed) => feed.key === feedKey));
    return { value: written, pages, next: { pending: { ...lease.pending, feedPages }, newestArchiveDay: lease.newestArchiveDay } };
  });
}

function planBatch(slugs: string[], states: Awaited<ReturnType<FeedIndex['storyStates']>>, deps: RegenerateDependencies): BatchPlan {
  const { catalog, site } = deps;
  const plan: BatchPlan = {
    projections: [],
    feeds: new Map(),
    tombstones: new Map(),
    tombstoneIds: new Map(),
    catalog: { days: [], directory: {}, feedPages: [] },
    retracting: false,
    leaving: false,
  };
  const days = new Set<ArchiveDay>();
  const edit = (feedKey: string, slug: string, when: string | null) => {
    plan.tombstones.set(feedKey, (plan.tombstones.get(feedKey) ?? new Map()).set(slug, when));
    if (!plan.feeds.has(feedKey)) plan.feeds.set(feedKey, feedFromKey(feedKey));
  };
  for (const slug of slugs) {
    const { article, projection, retraction } = states.get(slug)!;
    const { memberships, feeds } = membershipsOf(article);
    const previous = projection.memberships;
    let retractionChange: RetractionRecord | null | undefined;
    if (catalog && article?.status === 'retracted') {
      const leaving = previous.filter((old) => !memberships.some((wanted) => wanted.feedKey === old.feedKey)).map((old) => old.feedKey);
      const when = retraction?.when ?? article.retractedAt ?? article.updatedAt;
      const feedKeys = [...new Set([...(retraction?.feedKeys ?? []), ...leaving])];
      // Recorded before the entries go, so a crash in between still leaves the tombstones to find;
      // a replay finds the record and puts the same tombstones in place again.
      if (leaving.length) retractionChange = { when, feedKeys };
      for (const feedKey of feedKeys) edit(feedKey, slug, when);
      if (article.feedId !== undefined) plan.tombstoneIds.set(slug, article.feedId);
    } else if (catalog && memberships.length && retraction) {
      // A story back in the feeds after a retraction must not stay announced as deleted.
      retractionChange = null;
      for (const feedKey of retraction.feedKeys) edit(feedKey, slug, null);
    }
    plan.projections.push({
      slug,
      article,
      desired: memberships,
      previous: projection,
      retraction: retractionChange,
      // Rendered once here, for every feed the story is in, in this process and every later one.
      fragments: article && memberships.length ? storedFragmentsOf(site, article) : undefined,
    });
    if (article?.status === 'retracted' && previous.length) plan.retracting = true;
    if (previous.some((old) => !memberships.some((wanted) => wanted.feedKey === old.feedKey))) plan.leaving = true;
    for (const feed of feeds) {
      plan.feeds.set(feed.key, feed);
      if (feed.kind !== 'site') plan.catalog.directory[feed.key] = feed.name ?? null;
    }
    for (const { feedKey } of previous) {
      if (!plan.feeds.has(feedKey)) plan.feeds.set(feedKey, feedFromKey(feedKey));
      if (feedKey !== SITE_FEED.key && !(feedKey in plan.catalog.directory)) plan.catalog.directory[feedKey] = null;
    }
    for (const { feedKey, sortKey } of [...previous, ...memberships]) if (feedKey === SITE_FEED.key) days.add(dayOfSortKey(sortKey));
    for (const { feedKey, sortKey } of memberships) {
      const day = dayOfSortKey(sortKey);
      if (feedKey === SITE_FEED.key && (plan.newestDay === undefined || day > plan.newestDay)) plan.newestDay = day;
    }
  }
  plan.catalog.days = [...days].sort();
  return plan;
}

/** Work left by earlier runs and this one: days and feeds together; a feed's latest known name. */
export function mergeCatalogWork(earlier: CatalogWork, later: CatalogWork): CatalogWork {
  const directory = { ...earlier.directory };
  for (const [feedKey, name] of Object.entries(later.directory)) directory[feedKey] = name ?? directory[feedKey] ?? null;
  const union = (a: string[], b: string[]) => [...new Set([...a, ...b])].sort();
  return { days: union(earlier.days, later.days), directory, feedPages: union(earlier.feedPages, later.feedPages) };
}
