import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Article } from '../domain/article.js';
import type { StoredFragments } from '../rendering/entry-fragments.js';
import {
  NEW_PAGE,
  NO_CATALOG_WORK,
  NOTHING_PROJECTED,
  type CatalogWork,
  type FeedCatalog,
  type FeedDirectoryEntry,
  type FeedIndex,
  type FeedMembership,
  type FeedStories,
  type PageState,
  type ProjectedStory,
  type RegenerationLease,
  type RetractionRecord,
  type StoredFiles,
  type StoryProjection,
  type StoryState,
} from '../use-cases/ports.js';
import { articleFromItem } from './dynamo-article-repository.js';
import { batchGet, batchWrite, type WriteRequest } from './batch-write.js';
import { randomUUID } from 'node:crypto';
import { FeedWindows } from './feed-windows.js';
import { decodeStoredStory, encodeStoredStory, type StoredStory } from './stored-entry.js';
import { catalogKeys, keys, PAGE_STATE_SORT_KEY } from './table-keys.js';

type Item = Record<string, unknown>;

const itemId = ({ PK, SK }: { PK: string; SK: string }) => `${PK}\u0000${SK}`;

const same = (a: FeedMembership, b: FeedMembership) => a.feedKey === b.feedKey && a.sortKey === b.sortKey;

const projectionWrite = (slug: string, projected: ProjectedStory): WriteRequest => ({
  PutRequest: { Item: projectionItem(slug, projected) },
});

const projectionItem = (slug: string, { memberships, copies }: ProjectedStory): Item => ({ ...keys.projection(slug), memberships, copies });

/**
 * A feed entry: its place in the feed, and its story with the story's rendered entries
 * (`encodeStoredStory`, encoded once for all the story's entries).
 */
export function feedEntryItem(membership: FeedMembership, slug: string, story: Buffer): Item {
  return { ...keys.feedEntry(membership.feedKey, membership.sortKey), slug, story };
}

/** Every item the index holds for a story projected into `memberships` (what seeding writes). */
export function projectedItems(article: Article, memberships: FeedMembership[], fragments?: StoredFragments): Item[] {
  const story = encodeStoredStory({ article, fragments });
  return [
    projectionItem(article.slug, { memberships, copies: [] }),
    ...memberships.map((membership) => feedEntryItem(membership, article.slug, story)),
  ];
}

/** Pages' records of their files are trusted only when written in the lease's current epoch. */
interface LeaseItem {
  leaseOwner?: string;
  leaseUntil?: number;
  epoch?: number;
  /** The index (one per process) that last released the lease. */
  releasedBy?: string;
  /** String sets in the table. */
  pendingDays?: Iterable<string>;
  pendingDirectory?: Record<string, string | null>;
  pendingFeedPages?: Iterable<string>;
  newestArchiveDay?: string;
}

/** The work a lease item records for later runs (items written before feed pages could wait have none). */
function pendingWorkOf(item: LeaseItem): CatalogWork {
  return {
    days: [...(item.pendingDays ?? [])].sort(),
    directory: { ...(item.pendingDirectory ?? {}) },
    feedPages: [...(item.pendingFeedPages ?? [])].sort(),
  };
}

export class DynamoFeedIndex implements FeedIndex, FeedCatalog {
  /**
   * The lease's epoch as this process last saw it: it moves on whenever a holder stops without
   * releasing, and a page's record of its files counts only if written in the current one.
   */
  private epoch = 0;
  /** Names this index (this process) in the lease item as the one that last released it. */
  private readonly instance = randomUUID();
  /** The epoch this index last released the lease in; undefined after a failure. */
  private releasedEpoch: number | undefined;
  /** Feeds as this process last read and wrote them (`keepFeedWindows`). */
  private readonly windows: FeedWindows | undefined;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => number = Date.now,
    options: {
      /**
       * Keep each feed's newest entries between regenerations of this process, so that a warm
       * regenerator reads a feed only when another run has held the lease since (the regenerator
       * function: one environment at a time).
       */
      keepFeedWindows?: boolean;
    } = {},
  ) {
    this.windows = options.keepFeedWindows ? new FeedWindows() : undefined;
  }

  async acquire(owner: string, leaseMs: number): Promise<RegenerationLease | undefined> {
    const now = this.clock();
    const take = async (condition: string, takeOver: boolean) => {
      const until = now + leaseMs;
      const { Attributes = {} } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.regenerationLease,
          // A lease taken over from a holder that stopped: what it wrote is unknown, so every
          // page's record of its files is set aside by moving to a new epoch.
          UpdateExpression: `SET leaseOwner = :owner, leaseUntil = :until${takeOver ? ' ADD epoch :one' : ''}`,
          ConditionExpression: condition,
          ExpressionAttributeValues: { ':owner': owner, ':until': until, ...(takeOver ? { ':one': 1, ':now': now } : {}) },
          // The item as it was: who released it last tells whether this process's feed windows hold.
          ReturnValues: takeOver ? 'ALL_NEW' : 'ALL_OLD',
        }),
      );
      const before = Attributes as LeaseItem;
      const continues = !takeOver && before.releasedBy === this.instance && Number(before.epoch ?? 0) === this.releasedEpoch;
      if (!continues) this.windows?.forget();
      return this.leaseFrom(owner, { ...before, leaseOwner: owner, leaseUntil: until });
    };
    try {
      return await take('attribute_not_exists(leaseOwner) OR leaseOwner = :owner', false);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    try {
      return await take('leaseUntil < :now', true);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  private leaseFrom(owner: string, item: LeaseItem): RegenerationLease {
    this.epoch = Number(item.epoch ?? 0);
    return {
      owner,
      until: Number(item.leaseUntil),
      pending: pendingWorkOf(item),
      newestArchiveDay: item.newestArchiveDay,
    };
  }

  async renew(lease: RegenerationLease, leaseMs: number): Promise<boolean> {
    const until = this.clock() + leaseMs;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.regenerationLease,
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': lease.owner, ':until': until },
        }),
      );
      lease.until = until;
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * One batch write: the pages' states, and the lease item without its holder. Unconditional, so
   * the caller releases only a lease it still holds by its own clock (see `withRegenerationLease`);
   * the put leaves no holder, so the lease itself needs no field of its own here.
   */
  async release(
    _lease: RegenerationLease,
    pages: Map<string, PageState>,
    next: { pending: CatalogWork; newestArchiveDay?: string | undefined },
  ): Promise<void> {
    const leaseItem: Item = {
      ...keys.regenerationLease,
      epoch: this.epoch,
      releasedBy: this.instance,
      pendingDirectory: next.pending.directory,
      ...(next.pending.days.length ? { pendingDays: new Set(next.pending.days) } : {}),
      ...(next.pending.feedPages.length ? { pendingFeedPages: new Set(next.pending.feedPages) } : {}),
      ...(next.newestArchiveDay ? { newestArchiveDay: next.newestArchiveDay } : {}),
    };
    const pageItems = [...pages].map(
      ([pageKey, state]): WriteRequest => ({
        PutRequest: {
          Item: {
            ...keys.pageState(pageKey),
            tombstones: state.tombstones,
            ...(state.tombstoneIds && Object.keys(state.tombstoneIds).length ? { tombstoneIds: state.tombstoneIds } : {}),
            ...(state.files ? { files: state.files, epoch: this.epoch } : {}),
            ...(state.mark !== undefined ? { mark: state.mark } : {}),
          },
        },
      }),
    );
    this.releasedEpoch = undefined;
    try {
      await batchWrite(this.client, this.tableName, [...pageItems, { PutRequest: { Item: leaseItem } }]);
    } catch (error) {
      this.windows?.forget();
      throw error;
    }
    for (const [pageKey, state] of pages) this.windows?.state(pageKey, state);
    this.releasedEpoch = this.epoch;
  }

  async abandon(lease: RegenerationLease): Promise<void> {
    this.windows?.forget();
    this.releasedEpoch = undefined;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.regenerationLease,
          UpdateExpression: 'REMOVE leaseOwner, leaseUntil ADD epoch :one',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': lease.owner, ':one': 1 },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async pendingWork(): Promise<CatalogWork> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.regenerationLease }));
    return Item ? pendingWorkOf(Item as LeaseItem) : NO_CATALOG_WORK;
  }

  async storyStates(slugs: string[]): Promise<Map<string, StoryState>> {
    const items = await this.byKey(slugs.flatMap((slug) => [keys.article(slug), keys.projection(slug), catalogKeys.storyRetraction(slug)]));
    return new Map(
      slugs.map((slug): [string, StoryState] => {
        const story = items.get(itemId(keys.article(slug)));
        const projection = items.get(itemId(keys.projection(slug)));
        const retraction = items.get(itemId(catalogKeys.storyRetraction(slug)));
        return [
          slug,
          {
            article: story ? articleFromItem(story) : undefined,
            // Records written before stories had copies of their own list none.
            projection: projection
              ? {
                  memberships: (projection.memberships as FeedMembership[] | undefined) ?? [],
                  copies: (projection.copies as string[] | undefined) ?? [],
                }
              : NOTHING_PROJECTED,
            retraction: retraction ? retractionRecord(retraction) : undefined,
          },
        ];
      }),
    );
  }

  /**
   * Each step is taken for every story before the next, so each story's own order holds: its
   * projection record is widened (with the memberships to come) and its retraction recorded
   * before its entries are written or deleted, and the record is narrowed last. A crash at any
   * point leaves the record naming every entry that may exist. A story whose memberships stay the
   * same (a correction) costs one batch write; a new one two.
   */
  async project(stories: StoryProjection[]): Promise<void> {
    const plans = stories.map(({ slug, article, desired, previous, fragments, retraction }) => {
      const stored = article && desired.length ? article : undefined;
      const wanted: ProjectedStory = { memberships: desired, copies: [] };
      const widened: ProjectedStory = {
        memberships: [
          ...previous.memberships,
          ...desired.filter((membership) => !previous.memberships.some((old) => same(old, membership))),
        ],
        copies: previous.copies,
      };
      const removed = previous.memberships.filter((old) => !desired.some((membership) => same(old, membership)));
      const grew = widened.memberships.length > previous.memberships.length;
      const narrows = widened.memberships.length > desired.length || widened.copies.length > 0;
      return {
        widen: [
          ...(grew ? [projectionWrite(slug, widened)] : []),
          ...(retraction ? [{ PutRequest: { Item: { ...catalogKeys.storyRetraction(slug), ...retraction } } }] : []),
        ],
        entries: [
          ...(stored ? this.entryWrites(stored, desired, fragments) : []),
          ...removed.map(
            (membership): WriteRequest => ({ DeleteRequest: { Key: keys.feedEntry(membership.feedKey, membership.sortKey) } }),
          ),
          ...(retraction === null ? [{ DeleteRequest: { Key: catalogKeys.storyRetraction(slug) } }] : []),
        ],
        // Copies an earlier version stored for its entries: every entry left now holds its story.
        dropCopies: previous.copies.map((digest): WriteRequest => ({ DeleteRequest: { Key: keys.storyCopy(slug, digest) } })),
        narrow: narrows ? [projectionWrite(slug, wanted)] : [],
      };
    });
    try {
      for (const step of ['widen', 'entries', 'dropCopies', 'narrow'] as const) {
        const writes = plans.flatMap((plan) => plan[step]);
        if (writes.length) await batchWrite(this.client, this.tableName, writes);
      }
    } catch (error) {
      this.windows?.forget();
      throw error;
    }
    if (this.windows) for (const plan of plans) this.keepWindowsUpTo(plan.entries);
  }

  /** One entry per membership, the story encoded once (compressing it is most of a projection's CPU). */
  private entryWrites(article: Article, memberships: FeedMembership[], fragments: StoredFragments | undefined): WriteRequest[] {
    const story = encodeStoredStory({ article, fragments });
    return memberships.map((membership) => ({ PutRequest: { Item: feedEntryItem(membership, article.slug, story) } }));
  }

  /** Applies written entries to the feed windows: each story as a read of its item would decode it. */
  private keepWindowsUpTo(writes: WriteRequest[]): void {
    const decoded = new Map<Uint8Array, StoredStory>();
    for (const write of writes) {
      const item = 'PutRequest' in write ? write.PutRequest.Item : write.DeleteRequest.Key;
      const feedKey = typeof item.PK === 'string' ? keys.feedKeyOfPartition(item.PK) : undefined;
      if (feedKey === undefined) continue;
      const sortKey = String(item.SK);
      if ('DeleteRequest' in write) {
        this.windows!.delete(feedKey, sortKey);
        continue;
      }
      const bytes = item.story as Uint8Array;
      this.windows!.put(feedKey, sortKey, () => {
        const story = decoded.get(bytes) ?? decodeStoredStory(bytes);
        decoded.set(bytes, story);
        return story;
      });
    }
  }

  async latest(feedKey: string, limit: number): Promise<FeedStories & { state: PageState }> {
    const kept = this.windows?.latest(feedKey, limit);
    if (kept) return kept;
    // The page state sorts above every entry: the first item of the descending read.
    const items = await this.queryAll(
      {
        KeyConditionExpression: 'PK = :feed',
        ExpressionAttributeValues: { ':feed': keys.feedPartition(feedKey) },
        ScanIndexForward: false,
      },
      limit + 1,
    );
    const stateItem = items[0]?.SK === PAGE_STATE_SORT_KEY ? items.shift() : undefined;
    // A feed with no state yet whose entries an earlier version wrote may have tombstones where
    // that version kept them; a new feed has none to look for.
    const writtenBefore = items.some((item) => !(item.story instanceof Uint8Array));
    const state = stateItem
      ? this.pageStateFrom(stateItem)
      : { ...NEW_PAGE, tombstones: writtenBefore ? await this.legacyTombstones(feedKey) : {} };
    const entries = items.slice(0, limit);
    const stories = await this.storiesOf(entries);
    // Only feeds whose every entry holds its story (as this version writes them) are kept: then
    // each entry is one story, in the same order.
    if (this.windows && !writtenBefore) {
      const kept = stories.articles.map((article, index) => ({
        sortKey: String(entries[index]!.SK),
        story: { article, fragments: stories.fragments.get(article) },
      }));
      this.windows.keep(feedKey, limit, kept, state);
    }
    return { ...stories, state };
  }

  async between(feedKey: string, from: string, to: string): Promise<FeedStories> {
    const entries = await this.queryAll({
      KeyConditionExpression: 'PK = :feed AND SK BETWEEN :from AND :to',
      // BETWEEN is inclusive; no sort key ends in the upper bound itself (it ends in 'T').
      ExpressionAttributeValues: { ':feed': keys.feedPartition(feedKey), ':from': from, ':to': to },
      ScanIndexForward: false,
    });
    return this.storiesOf(entries.filter((entry) => String(entry.SK) < to));
  }

  async pageStates(pageKeys: string[]): Promise<Map<string, PageState>> {
    const items = await this.byKey(pageKeys.map((pageKey) => keys.pageState(pageKey)));
    return new Map(
      pageKeys.map((pageKey) => {
        const item = items.get(itemId(keys.pageState(pageKey)));
        return [pageKey, item ? this.pageStateFrom(item) : NEW_PAGE];
      }),
    );
  }

  private pageStateFrom(item: Item): PageState {
    const trusted = item.files !== undefined && Number(item.epoch) === this.epoch;
    return {
      tombstones: { ...((item.tombstones as Record<string, string> | undefined) ?? {}) },
      ...(item.tombstoneIds ? { tombstoneIds: { ...(item.tombstoneIds as Record<string, string>) } } : {}),
      ...(trusted ? { files: item.files as StoredFiles } : {}),
      ...(typeof item.mark === 'string' ? { mark: item.mark } : {}),
    };
  }

  /** A feed whose state an earlier version kept elsewhere: its tombstones, read once. */
  private async legacyTombstones(feedKey: string): Promise<Record<string, string>> {
    const items = await this.queryAll({
      KeyConditionExpression: 'PK = :tomb',
      ExpressionAttributeValues: { ':tomb': catalogKeys.legacyTombstonePartition(feedKey) },
    });
    return Object.fromEntries(items.map((item) => [String(item.slug), String(item.when)]));
  }

  /**
   * The stories of a feed's entries, in their order, with their stored entries. Entries an earlier
   * version wrote name a copy of the story (read in one batch) or hold the story itself. An entry
   * or copy gone between the two reads is left out, as if the first read had come a moment later.
   */
  private async storiesOf(entries: Item[]): Promise<FeedStories> {
    const legacy = entries.filter(
      (entry) =>
        !(entry.story instanceof Uint8Array) &&
        entry.article === undefined &&
        typeof entry.slug === 'string' &&
        typeof entry.digest === 'string',
    );
    const copies = legacy.length
      ? await this.byKey(legacy.map((entry) => keys.storyCopy(String(entry.slug), String(entry.digest))))
      : new Map<string, Item>();
    const articles: Article[] = [];
    const fragments = new Map<Article, StoredFragments>();
    for (const entry of entries) {
      if (entry.story instanceof Uint8Array) {
        const stored = decodeStoredStory(entry.story);
        articles.push(stored.article);
        if (stored.fragments) fragments.set(stored.article, stored.fragments);
        continue;
      }
      const holder = entry.article !== undefined ? entry : copies.get(itemId(keys.storyCopy(String(entry.slug), String(entry.digest))));
      const article = holder?.article as Article | undefined;
      if (article) articles.push(article);
    }
    return { articles, fragments };
  }

  async lastKeyBefore(feedKey: string, before: string): Promise<string | undefined> {
    return this.oneKey({
      KeyConditionExpression: 'PK = :feed AND SK < :before',
      ExpressionAttributeValues: { ':feed': keys.feedPartition(feedKey), ':before': before },
      ScanIndexForward: false,
    });
  }

  async hasStories(feedKey: string): Promise<boolean> {
    return (
      (await this.oneKey({
        KeyConditionExpression: 'PK = :feed AND SK < :state',
        ExpressionAttributeValues: { ':feed': keys.feedPartition(feedKey), ':state': PAGE_STATE_SORT_KEY },
      })) !== undefined
    );
  }

  async firstKeyFrom(feedKey: string, from: string): Promise<string | undefined> {
    return this.oneKey({
      // '~' is above every entry's sort key and below the page state's.
      KeyConditionExpression: 'PK = :feed AND SK BETWEEN :from AND :entriesEnd',
      ExpressionAttributeValues: { ':feed': keys.feedPartition(feedKey), ':from': from, ':entriesEnd': '~' },
      ScanIndexForward: true,
    });
  }

  async directory(): Promise<(FeedDirectoryEntry & { name: string })[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'PK = :directory',
      ExpressionAttributeValues: { ':directory': catalogKeys.directoryPartition },
    });
    return items.map((item) => ({ feedKey: String(item.SK), name: String(item.name), hasStories: item.hasStories === true }));
  }

  async planDirectory(entries: FeedDirectoryEntry[]): Promise<(FeedDirectoryEntry & { name: string })[]> {
    const unique = [...new Map(entries.map((entry) => [entry.feedKey, entry])).values()];
    const stored = await this.byKey(unique.map((entry) => catalogKeys.directoryEntry(entry.feedKey)));
    const writes: (FeedDirectoryEntry & { name: string })[] = [];
    for (const entry of unique) {
      const old = stored.get(itemId(catalogKeys.directoryEntry(entry.feedKey)));
      const name = entry.name ?? (old?.name as string | undefined) ?? entry.feedKey.slice(entry.feedKey.indexOf(':') + 1);
      if (old && old.name === name && (old.hasStories === true) === entry.hasStories) continue;
      writes.push({ feedKey: entry.feedKey, name, hasStories: entry.hasStories });
    }
    return writes;
  }

  async writeDirectory(entries: (FeedDirectoryEntry & { name: string })[]): Promise<void> {
    await batchWrite(
      this.client,
      this.tableName,
      entries.map((entry) => ({
        PutRequest: { Item: { ...catalogKeys.directoryEntry(entry.feedKey), name: entry.name, hasStories: entry.hasStories } },
      })),
    );
  }

  private async oneKey(query: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>): Promise<string | undefined> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({ ...query, TableName: this.tableName, ConsistentRead: true, Limit: 1, ProjectionExpression: 'SK' }),
    );
    return Items[0]?.SK as string | undefined;
  }

  /** Every item the query matches (strongly consistent), or the first `limit`. */
  private async queryAll(query: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>, limit = Infinity): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          ...query,
          TableName: this.tableName,
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
          ...(limit < Infinity ? { Limit: limit - items.length } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length < limit);
    return items;
  }

  /** Items by their key (`itemId`). */
  private async byKey(itemKeys: { PK: string; SK: string }[]): Promise<Map<string, Item>> {
    if (!itemKeys.length) return new Map();
    const items = await batchGet(this.client, this.tableName, itemKeys);
    return new Map(items.map((item) => [itemId({ PK: String(item.PK), SK: String(item.SK) }), item]));
  }
}

/** A story's retraction record, also as an earlier version wrote it (a list of tombstone keys). */
function retractionRecord(item: Item): RetractionRecord | undefined {
  if (typeof item.when === 'string' && Array.isArray(item.feedKeys)) return { when: item.when, feedKeys: item.feedKeys as string[] };
  const legacy = (item.tombstones as { feedKey: string; SK: string }[] | undefined) ?? [];
  if (!legacy.length) return undefined;
  return { when: legacy[0]!.SK.split('#')[0]!, feedKeys: [...new Set(legacy.map((entry) => entry.feedKey))] };
}
