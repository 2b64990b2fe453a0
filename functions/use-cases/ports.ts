import type { Article, ArticleStatus } from '../domain/article.js';
import type { FeedFile } from '../rendering/render-feed.js';

/** Ports: what the use cases need from the outside world, named for the domain. */

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

export interface FeedLease {
  /** Version of the feed's data when the lease was taken. */
  version: number;
  /** Version the stored files were last rendered from. */
  renderedVersion: number;
  /**
   * Signatures of the page's files as the last holder stored them (see FeedStore), when it gave
   * the lease up by releasing it; absent when a holder stopped without doing so (its writes are
   * unknown) or when this owner renews its own lease.
   */
  files?: StoredFiles | undefined;
}

/** Object key → signature (the bytes' SHA-256 and the headers they are served with). */
export type StoredFiles = Record<string, string>;

/** What the index recorded when it last projected a story. */
export interface ProjectedStory {
  /** The feed entries that may exist for it (a superset of what is stored, never less). */
  memberships: FeedMembership[];
  /** The index's own bookkeeping: digests of the stored copies of the story its entries may name. */
  copies: string[];
}

/** What a story never projected has. */
export const NOTHING_PROJECTED: ProjectedStory = { memberships: [], copies: [] };

/** What the index should hold for one story: its feed memberships now, and what it last projected. */
export interface StoryProjection {
  slug: string;
  article: Article | undefined;
  desired: FeedMembership[];
  previous: ProjectedStory;
}

/**
 * The per-feed index the regenerator keeps: which stories are in which feed, newest first, and a
 * version number and lease per feed so that concurrent or retried regenerations never publish an
 * older state over a newer one.
 */
export interface FeedIndex {
  /** What was last projected for each story; every slug is in the result. */
  projectionsOf(slugs: string[]): Promise<Map<string, ProjectedStory>>;
  /** Makes the index hold exactly `desired` for each story (with its current content). */
  project(stories: StoryProjection[]): Promise<void>;
  /** Records that these feeds' data changed (increments their versions). */
  markChanged(feedKeys: string[]): Promise<void>;
  /**
   * Takes (or renews) the feed's lease; `undefined` if another regeneration holds it. With
   * `markChanged`, also records that the feed's data changed, in the same write when the lease is
   * free, and in any case before it returns.
   */
  acquire(feedKey: string, owner: string, leaseMs: number, markChanged?: boolean): Promise<FeedLease | undefined>;
  /**
   * Records the rendered version (and the signatures of the files it stored, if it stored any)
   * and gives the lease up, unless the data changed since `version` was read: then it returns
   * false and keeps the lease, and the caller renders again.
   */
  release(feedKey: string, owner: string, version: number, files?: StoredFiles): Promise<boolean>;
  /**
   * Gives up a lease this owner holds without recording a render (the render failed, and may have
   * written some files), so that a retry can take the page at once instead of waiting for the
   * lease to expire.
   */
  abandonLease(pageKey: string, owner: string): Promise<void>;
  /** The newest `limit` stories of a feed (strongly consistent). */
  latest(feedKey: string, limit: number): Promise<Article[]>;
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
 * What the regenerator keeps beside the feed index for archives, tombstones and the feed directory
 * (added for RFC 5005 archives, RFC 6721 tombstones and index.html). Every read is a key lookup or
 * a key-range Query: nothing here is proportional to the whole archive.
 */
export interface FeedCatalog {
  /** Stories of a feed whose sort keys are in [from, to), newest first (strongly consistent). */
  between(feedKey: string, from: string, to: string): Promise<Article[]>;
  /** The largest sort key of a feed below `before`, if any. */
  lastKeyBefore(feedKey: string, before: string): Promise<string | undefined>;
  /** The smallest sort key of a feed at or after `from`, if any. */
  firstKeyFrom(feedKey: string, from: string): Promise<string | undefined>;
  /** Whether a feed holds any story (one key read). */
  hasStories(feedKey: string): Promise<boolean>;
  /** What `recordRendered` last stored for a page (e.g. the neighbours its links point at). */
  renderedMark(pageKey: string): Promise<string | undefined>;
  recordRendered(pageKey: string, mark: string): Promise<void>;
  /** Whether a page's data changed since it was last rendered (a cheap, eventually consistent check). */
  isStale(pageKey: string): Promise<boolean>;
  /** Remembers that a retracted story left these feeds at `when` (RFC 3339). Idempotent. */
  recordTombstones(slug: string, feedKeys: string[], when: string): Promise<void>;
  /** Which of these stories have tombstones recorded (read in a few calls, whatever the count). */
  storiesWithTombstones(slugs: string[]): Promise<Set<string>>;
  /** Forgets a story's tombstones (it is published again); returns the feeds that carried them. */
  clearTombstones(slug: string): Promise<string[]>;
  /** A feed's tombstones from `since` on, newest first. */
  tombstones(feedKey: string, since: Date): Promise<{ slug: string; when: string }[]>;
  /** Every category and author feed recorded, with its name. */
  directory(): Promise<(FeedDirectoryEntry & { name: string })[]>;
  /**
   * Compares names and emptiness with the recorded ones: the entries to write, and whether what
   * the directory lists changes. Nothing is written, so the caller can first mark the page changed.
   */
  planDirectory(entries: FeedDirectoryEntry[]): Promise<{ writes: (FeedDirectoryEntry & { name: string })[]; listingChanged: boolean }>;
  writeDirectory(entries: (FeedDirectoryEntry & { name: string })[]): Promise<void>;
}

/** Tells WebSub hubs which feeds changed. Never throws: a hub outage must not fail a publish. */
export interface HubNotifier {
  notify(feedUrls: string[]): Promise<void>;
}
