import type { Article, ArticleStatus } from '../domain/article.js';
import type { ArchiveDay } from '../domain/archives.js';
import type { StoredFragments } from '../rendering/entry-fragments.js';
import type { FeedFile } from '../rendering/render-feed.js';

/** Ports: what the use cases need from the outside world, named for the domain. */

/** Where the valid bearer tokens of the ingest API come from; several may be valid at once (rotation). */
export interface TokenSource {
  tokens(): Promise<string[]>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class RevisionConflictError extends Error {
  override readonly name = 'RevisionConflictError';
  constructor(
    readonly slug: string,
    /** The story as stored when the write was refused, if the store said (DynamoDB does; dynalite does not). */
    readonly current?: Article,
  ) {
    super(`Story "${slug}" was changed by another request`);
  }

  /** The story as it is now: as the refused write returned it, or read again. */
  async storedStory(articles: Pick<ArticleRepository, 'get'>): Promise<Article | undefined> {
    return this.current ?? (await articles.get(this.slug));
  }
}

/** Whether a story's feeds were brought up to date before its write was acknowledged. */
export type FeedUpdate = { updated: true } | { updated: false; reason: string };

/**
 * Brings stories' feeds up to date at once, as they are written, instead of leaving them to the
 * table stream's next poll. Best effort: the stream delivers every change whatever this answers.
 */
export interface FeedRegeneration {
  regenerateNow(slugs: string[]): Promise<FeedUpdate>;
}

export interface ArticlePage {
  articles: Article[];
  /** Opaque; absent on the last page. */
  cursor?: string;
}

export interface ArticleRepository {
  /** Strongly consistent read. */
  get(slug: string): Promise<Article | undefined>;
  /** Strongly consistent reads of many stories at once; slugs with no story are absent. */
  getMany(slugs: string[]): Promise<Map<string, Article>>;
  /**
   * Stores the story if the stored revision is still `expectedRevision` (`undefined`: the slug
   * must be free). Throws RevisionConflictError otherwise, with the stored story when known.
   */
  save(article: Article, expectedRevision: number | undefined): Promise<void>;
  /**
   * Reserves `feedId` for the story at `slug`, so that no other story can carry it. Repeating it
   * for the same slug changes nothing; a reservation whose story does not carry the id (its save
   * never happened) is taken over. Throws FeedIdTakenError when another story has it.
   */
  claimFeedId(feedId: string, slug: string): Promise<void>;
  /** Newest first. Throws InvalidCursorError for a cursor it did not issue. */
  list(query: { status: ArticleStatus; limit: number; cursor?: string | undefined }): Promise<ArticlePage>;
  /** Scheduled stories whose publish time is at or before `until`, oldest first. */
  due(until: Date, limit: number): Promise<Article[]>;
  /** Every slug in the store, for the repair tool (a full read; never on a request path). */
  allSlugs(): AsyncIterable<string[]>;
}

export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

/** Where a story sits in one feed: the feed and the story's place in its newest-first order. */
export interface FeedMembership {
  feedKey: string;
  sortKey: string;
}

/** Object key → signature (the bytes' SHA-256 and the headers they are served with). */
export type StoredFiles = Record<string, string>;

/** What the index recorded when it last projected a story. */
export interface ProjectedStory {
  /** The feed entries that may exist for it (a superset of what is stored, never less). */
  memberships: FeedMembership[];
  /** Digests of stored copies of the story that entries of an earlier version named (to delete). */
  copies: string[];
}

/** What a story never projected has. */
export const NOTHING_PROJECTED: ProjectedStory = { memberships: [], copies: [] };

/** The feeds a retraction took a story out of, kept until it is published again. */
export interface RetractionRecord {
  /** RFC 3339. */
  when: string;
  feedKeys: string[];
}

/** What a regeneration starts from for one story, read for a whole batch in one call. */
export interface StoryState {
  article: Article | undefined;
  projection: ProjectedStory;
  retraction?: RetractionRecord | undefined;
}

/** What the index should hold for one story: its feed memberships now, and what it last projected. */
export interface StoryProjection {
  slug: string;
  article: Article | undefined;
  desired: FeedMembership[];
  previous: ProjectedStory;
  /** The story's entries, rendered once for all its feeds; stored with each entry. */
  fragments?: StoredFragments | undefined;
  /**
   * The retraction record to store before the entries go (a crash in between still leaves it to
   * find), or `null` to forget it (the story is published again); absent: leave it as it is.
   */
  retraction?: RetractionRecord | null | undefined;
}

/**
 * The pages for people a regeneration leaves to a later run: archive pages and index.html to the
 * catalog refresh, and the pages of feeds a publish waited for to the next run of any kind.
 */
export interface CatalogWork {
  /** Days of the site feed whose archive pages are to be rendered. */
  days: ArchiveDay[];
  /** Category and author feeds the directory may list differently: feed key → name, or `null` when a story left it. */
  directory: Record<string, string | null>;
  /** Feeds (keys) whose page for people is older than their subscription files. */
  feedPages: string[];
}

export const NO_CATALOG_WORK: CatalogWork = { days: [], directory: {}, feedPages: [] };

/**
 * The regeneration lease: one run at a time projects stories and renders pages, so a render never
 * sees data move under it and no older state is ever published over a newer one.
 */
export interface RegenerationLease {
  owner: string;
  /** When it lapses unless renewed (ms since the epoch). */
  until: number;
  /** Catalog work runs before this one left. */
  pending: CatalogWork;
  /** The newest day whose archive page has been rendered. */
  newestArchiveDay?: ArchiveDay | undefined;
}

/** What the index keeps about one page (a feed or an archive page) besides its entries. */
export interface PageState {
  /**
   * Signatures of the page's files as last stored (see FeedStore), when they can be trusted:
   * absent when a holder of the lease stopped without releasing it (what it wrote is unknown).
   */
  files?: StoredFiles | undefined;
  /** RFC 6721: stories retracted from the feed (slug → when, RFC 3339). */
  tombstones: Record<string, string>;
  /** The kept feed ids (`feedId`) of tombstoned stories that had one (slug → id), so the tombstone names the id readers know. */
  tombstoneIds?: Record<string, string> | undefined;
  /** An archive page: the neighbours its links pointed at when it was rendered. */
  mark?: string | undefined;
}

export const NEW_PAGE: PageState = { tombstones: {} };

/** Stories of a feed as the index holds them: newest first, with the entries stored for them. */
export interface FeedStories {
  articles: Article[];
  fragments: Map<Article, StoredFragments>;
}

/**
 * The per-feed index the regenerator keeps: which stories are in which feed, newest first, each
 * with its rendered entries; every page's state; and the lease that lets one run at a time change
 * them. A regeneration of one story in three feeds costs eight calls: the lease, the stories'
 * state, two writes, one read per feed, and one batch write that records the pages and gives the
 * lease up.
 */
export interface FeedIndex {
  /** Takes the lease; `undefined` if another run holds it. */
  acquire(owner: string, leaseMs: number): Promise<RegenerationLease | undefined>;
  /** Extends a lease this run holds; false if it lapsed and another took it. */
  renew(lease: RegenerationLease, leaseMs: number): Promise<boolean>;
  /** Records the pages' states and the catalog work left, and gives the lease up (one batch write). */
  release(
    lease: RegenerationLease,
    pages: Map<string, PageState>,
    next: { pending: CatalogWork; newestArchiveDay?: ArchiveDay | undefined },
  ): Promise<void>;
  /**
   * Gives up the lease without recording a render (one failed, and may have written some files):
   * no page's record of its files is trusted after this.
   */
  abandon(lease: RegenerationLease): Promise<void>;
  /** Catalog work waiting, without taking the lease (an eventually consistent read). */
  pendingWork(): Promise<CatalogWork>;
  /** Each story, what was last projected for it and its retraction record; every slug is in the result. */
  storyStates(slugs: string[]): Promise<Map<string, StoryState>>;
  /** Makes the index hold exactly `desired` for each story (with its current content). */
  project(stories: StoryProjection[]): Promise<void>;
  /** The newest `limit` stories of a feed and the feed's state (one Query). */
  latest(feedKey: string, limit: number): Promise<FeedStories & { state: PageState }>;
  /** Stories of a feed whose sort keys are in [from, to), newest first (strongly consistent). */
  between(feedKey: string, from: string, to: string): Promise<FeedStories>;
  /** The states of pages without entries of their own (archive pages, the directory). */
  pageStates(pageKeys: string[]): Promise<Map<string, PageState>>;
}

export interface PublishedFiles {
  /** Keys actually (re)written. */
  written: string[];
  /** The signature of every file given, as now stored. */
  files: StoredFiles;
}

export interface FeedStore {
  /**
   * Writes the files, skipping a file whose bytes and headers are already stored: known from
   * `stored` (signatures recorded when they were written), or else by asking the store.
   */
  publish(files: FeedFile[], stored?: StoredFiles): Promise<PublishedFiles>;
}

/** Tells the CDN which stored files changed. */
export interface CdnInvalidator {
  /** Returns the invalidation's id, to ask later whether it has completed. */
  invalidate(keys: string[]): Promise<string>;
}

/** Whether an invalidation has reached every edge. */
export interface InvalidationStatus {
  isCompleted(invalidationId: string): Promise<boolean>;
}

/** Subscription feeds whose new files WebSub hubs are to be told about once the CDN serves them. */
export interface FeedAnnouncement {
  /** The feeds' public URLs. */
  topics: string[];
  /** When no CDN copy older than the new files can still be served (ISO 8601). */
  freshAt: string;
  /** An invalidation of those files; once it has completed they are served sooner than `freshAt`. */
  invalidationId?: string | undefined;
}

/** Holds announcements until it is time to look at them again (SQS with a message delay in AWS). */
export interface AnnouncementQueue {
  enqueue(announcement: FeedAnnouncement, delaySeconds: number): Promise<void>;
}

/** A category or author feed as the feed directory (index.html) lists it. */
export interface FeedDirectoryEntry {
  feedKey: string;
  /** Display name; `undefined` keeps the recorded one (a story left the feed). */
  name: string | undefined;
  /** Whether the feed holds any story; empty feeds are kept but not listed. */
  hasStories: boolean;
}

/**
 * What the catalog refresh reads beside the feed index for archive pages and the feed directory.
 * Every read is a key lookup or a key-range Query: nothing here is proportional to the archive.
 */
export interface FeedCatalog {
  /** The largest sort key of a feed below `before`, if any. */
  lastKeyBefore(feedKey: string, before: string): Promise<string | undefined>;
  /** The smallest sort key of a feed at or after `from`, if any. */
  firstKeyFrom(feedKey: string, from: string): Promise<string | undefined>;
  /** Whether a feed holds any story (one key read). */
  hasStories(feedKey: string): Promise<boolean>;
  /** Every category and author feed recorded, with its name. */
  directory(): Promise<(FeedDirectoryEntry & { name: string })[]>;
  /** Compares names and emptiness with the recorded ones: the entries to write. */
  planDirectory(entries: FeedDirectoryEntry[]): Promise<(FeedDirectoryEntry & { name: string })[]>;
  writeDirectory(entries: (FeedDirectoryEntry & { name: string })[]): Promise<void>;
}

/** Tells WebSub hubs which feeds changed. Never throws: a hub outage must not fail a publish. */
export interface HubNotifier {
  notify(feedUrls: string[]): Promise<void>;
}
