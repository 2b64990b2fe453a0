import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { LeastRecentlyUsed } from '../commons/least-recently-used.js';
import { storyDigest, type Article } from '../domain/article.js';
import {
  NOTHING_PROJECTED,
  type FeedCatalog,
  type FeedDirectoryEntry,
  type FeedIndex,
  type FeedLease,
  type FeedMembership,
  type ProjectedStory,
  type StoredFiles,
  type StoryProjection,
} from '../use-cases/ports.js';
import { batchGet, batchWrite, type WriteRequest } from './batch-write.js';
import { catalogKeys, keys, slugOfKey } from './table-keys.js';

type Item = Record<string, unknown>;

/**
 * What a feed read asks for first: each entry's place, the digest of its story and whose story it
 * is (entries written before stories had copies of their own carry no slug).
 */
const ENTRY_SUMMARY = { ProjectionExpression: 'SK, #digest, #slug', ExpressionAttributeNames: { '#digest': 'digest', '#slug': 'slug' } };

const itemId = ({ PK, SK }: { PK: string; SK: string }) => `${PK}\u0000${SK}`;

const same = (a: FeedMembership, b: FeedMembership) => a.feedKey === b.feedKey && a.sortKey === b.sortKey;

const projectionWrite = (slug: string, projected: ProjectedStory): WriteRequest => ({ PutRequest: { Item: projectionItem(slug, projected) } });

const projectionItem = (slug: string, { memberships, copies }: ProjectedStory): Item => ({ ...keys.projection(slug), memberships, copies });

/**
 * How many stories an index keeps in memory by default (about 6 KB each, some 25 MB): every story
 * of 80 feeds of 50, as RenderedEntries keeps their entries.
 */
const REMEMBERED_STORIES = 4_000;

/** A feed entry: its place in the feed and which copy of which story it shows (a few dozen bytes). */
export function feedEntryItem(membership: FeedMembership, slug: string, digest: string): Item {
  return { ...keys.feedEntry(membership.feedKey, membership.sortKey), slug, digest };
}

/** One version of a story as its feed entries show it, stored once however many feeds it is in. */
export function storyCopyItem(article: Article): Item {
  const digest = storyDigest(article);
  return { ...keys.storyCopy(article.slug, digest), article, digest };
}

/** Every item the index holds for a story projected into `memberships` (what seeding writes). */
export function projectedItems(article: Article, memberships: FeedMembership[]): Item[] {
  if (!memberships.length) return [projectionItem(article.slug, NOTHING_PROJECTED)];
  const digest = storyDigest(article);
  return [
    projectionItem(article.slug, { memberships, copies: [digest] }),
    storyCopyItem(article),
    ...memberships.map((membership) => feedEntryItem(membership, article.slug, digest)),
  ];
}

export class DynamoFeedIndex implements FeedIndex, FeedCatalog {
  /**
   * Stories read before, by the digest their entries carry. A feed read first asks only for its
   * entries' sort keys and digests, then reads in full just the stories not remembered: a feed that
   * gained one story costs one story's read, not fifty. An entry's digest changes with its story,
   * so nothing stale is ever served.
   */
  private readonly remembered: LeastRecentlyUsed<Article>;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => number = Date.now,
    rememberStories = REMEMBERED_STORIES,
  ) {
    this.remembered = new LeastRecentlyUsed(rememberStories);
  }

  async projectionsOf(slugs: string[]): Promise<Map<string, ProjectedStory>> {
    const items = await batchGet(this.client, this.tableName, slugs.map((slug) => keys.projection(slug)));
    const bySlug = new Map(
      items.map((item): [string, ProjectedStory] => [
        slugOfKey(String(item.PK)),
        // Records written before stories had copies of their own list none.
        { memberships: (item.memberships as FeedMembership[] | undefined) ?? [], copies: (item.copies as string[] | undefined) ?? [] },
      ]),
    );
    return new Map(slugs.map((slug) => [slug, bySlug.get(slug) ?? NOTHING_PROJECTED]));
  }

  /**
   * A story's feed entries are small: each names the story's copy by its digest, and the copy is
   * stored once however many feeds show it (`ARTICLE#<slug>` / `V#<digest>`). Each step is taken
   * for every story before the next, so each story's own order holds: its projection record is
   * widened (with the memberships and the copy to come) before the copy and its entries are
   * written, the copies no entry names any more are deleted after them, and the record is narrowed
   * last. A crash at any point leaves the record naming every entry and copy that may exist. A
   * burst's thousand stories cost a few dozen batch writes instead of round trips each.
   */
  async project(stories: StoryProjection[]): Promise<void> {
    const plans = stories.map(({ slug, article, desired, previous }) => {
      const copy = article && desired.length ? { article, digest: storyDigest(article) } : undefined;
      const wanted: ProjectedStory = { memberships: desired, copies: copy ? [copy.digest] : [] };
      const widened: ProjectedStory = {
        memberships: [...previous.memberships, ...desired.filter((membership) => !previous.memberships.some((old) => same(old, membership)))],
        copies: [...new Set([...previous.copies, ...wanted.copies])],
      };
      const removed = previous.memberships.filter((old) => !desired.some((membership) => same(old, membership)));
      const grew = widened.memberships.length > previous.memberships.length || widened.copies.length > previous.copies.length;
      const narrows = widened.memberships.length > desired.length || widened.copies.length > wanted.copies.length;
      return {
        copy,
        widen: grew ? [projectionWrite(slug, widened)] : [],
        entries: [
          ...(copy ? [{ PutRequest: { Item: storyCopyItem(copy.article) } }, ...this.entryWrites(slug, desired, copy.digest)] : []),
          ...removed.map((membership): WriteRequest => ({ DeleteRequest: { Key: keys.feedEntry(membership.feedKey, membership.sortKey) } })),
        ],
        // No entry names these copies now: every entry left was just written with the new digest.
        dropCopies: previous.copies
          .filter((digest) => !wanted.copies.includes(digest))
          .map((digest): WriteRequest => ({ DeleteRequest: { Key: keys.storyCopy(slug, digest) } })),
        narrow: narrows ? [projectionWrite(slug, wanted)] : [],
      };
    });
    for (const step of ['widen', 'entries', 'dropCopies', 'narrow'] as const) {
      await batchWrite(this.client, this.tableName, plans.flatMap((plan) => plan[step]));
    }
    // The feeds rendered next hold these stories as just written: they need not be read back.
    for (const { copy } of plans) if (copy) this.remember(copy.digest, copy.article);
  }

  private entryWrites(slug: string, memberships: FeedMembership[], digest: string): WriteRequest[] {
    return memberships.map((membership) => ({ PutRequest: { Item: feedEntryItem(membership, slug, digest) } }));
  }

  async markChanged(feedKeys: string[]): Promise<void> {
    await Promise.all(
      feedKeys.map((feedKey) =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.feedState(feedKey),
            UpdateExpression: 'ADD version :one',
            ExpressionAttributeValues: { ':one': 1 },
          }),
        ),
      ),
    );
  }

  async acquire(feedKey: string, owner: string, leaseMs: number, markChanged = false): Promise<FeedLease | undefined> {
    const now = this.clock();
    try {
      // The item as it was: whether the last holder gave the lease up (then its record of the
      // files it stored can be trusted) or stopped holding it (expired: what it wrote is unknown).
      const { Attributes = {} } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.feedState(feedKey),
          UpdateExpression: `${markChanged ? 'ADD version :one ' : ''}SET leaseOwner = :owner, leaseUntil = :until`,
          ConditionExpression: 'attribute_not_exists(leaseOwner) OR leaseOwner = :owner OR leaseUntil < :now',
          ExpressionAttributeValues: { ':owner': owner, ':until': now + leaseMs, ':now': now, ...(markChanged ? { ':one': 1 } : {}) },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const released = Attributes.leaseOwner === undefined;
      return {
        version: Number(Attributes.version ?? 0) + (markChanged ? 1 : 0),
        renderedVersion: Number(Attributes.renderedVersion ?? -1),
        files: released ? (Attributes.files as StoredFiles | undefined) : undefined,
      };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Held by another: its release then finds the data moved on, and it renders again.
      if (markChanged) await this.markChanged([feedKey]);
      return undefined;
    }
  }

  async release(feedKey: string, owner: string, version: number, files?: StoredFiles): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.feedState(feedKey),
          UpdateExpression: `SET renderedVersion = :version${files ? ', files = :files' : ''} REMOVE leaseOwner, leaseUntil`,
          ConditionExpression: 'leaseOwner = :owner AND (version = :version OR (attribute_not_exists(version) AND :version = :zero))',
          ExpressionAttributeValues: { ':owner': owner, ':version': version, ':zero': 0, ...(files ? { ':files': files } : {}) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async latest(feedKey: string, limit: number): Promise<Article[]> {
    const entries = await this.queryAll(
      { KeyConditionExpression: 'PK = :feed', ExpressionAttributeValues: { ':feed': keys.feedPartition(feedKey) }, ...ENTRY_SUMMARY, ScanIndexForward: false },
      limit,
    );
    return this.storiesOf(feedKey, entries);
  }

  async between(feedKey: string, from: string, to: string): Promise<Article[]> {
    const entries = await this.queryAll({
      KeyConditionExpression: 'PK = :feed AND SK BETWEEN :from AND :to',
      // BETWEEN is inclusive; no sort key ends in the upper bound itself (it ends in 'T').
      ExpressionAttributeValues: { ':feed': keys.feedPartition(feedKey), ':from': from, ':to': to },
      ...ENTRY_SUMMARY,
      ScanIndexForward: false,
    });
    return this.storiesOf(
      feedKey,
      entries.filter((entry) => String(entry.SK) < to),
    );
  }

  /**
   * The stories of a feed's entries, in their order: remembered ones from memory, the others read
   * (strongly consistent) from the copy each entry names, or from the entry itself if it was
   * written before stories had copies of their own. An entry or copy gone between the two reads is
   * left out, as if the first read had come a moment later; its removal changed the feed's
   * version, so the render is repeated anyway.
   */
  private async storiesOf(feedKey: string, entries: Item[]): Promise<Article[]> {
    // Taken from memory before the read, during which other reads may make room by forgetting them.
    const wanted = entries.map((entry) => ({
      entry,
      known: this.remembered.get(String(entry.digest)),
      holder:
        typeof entry.slug === 'string' && typeof entry.digest === 'string'
          ? keys.storyCopy(entry.slug, entry.digest)
          : keys.feedEntry(feedKey, String(entry.SK)),
    }));
    const read = await this.byKey(wanted.filter(({ known }) => !known).map(({ holder }) => holder));
    const stories: Article[] = [];
    for (const { entry, known, holder } of wanted) {
      const full = known ? undefined : read.get(itemId(holder));
      const story = known ?? (full?.article as Article | undefined);
      if (!story) continue;
      // A copy's digest and story were written together, so the digest always names that story.
      this.remember(full ? full.digest : entry.digest, story);
      stories.push(story);
    }
    return stories;
  }

  private remember(digest: unknown, story: Article): void {
    // Entries written before entries carried digests are read in full every time.
    if (typeof digest === 'string') this.remembered.set(digest, story);
  }

  async lastKeyBefore(feedKey: string, before: string): Promise<string | undefined> {
    return this.oneKey({
      KeyConditionExpression: 'PK = :feed AND SK < :before',
      ExpressionAttributeValues: { ':feed': keys.feedPartition(feedKey), ':before': before },
      ScanIndexForward: false,
    });
  }

  async hasStories(feedKey: string): Promise<boolean> {
    return (await this.oneKey({ KeyConditionExpression: 'PK = :feed', ExpressionAttributeValues: { ':feed': keys.feedPartition(feedKey) } })) !== undefined;
  }

  async firstKeyFrom(feedKey: string, from: string): Promise<string | undefined> {
    return this.oneKey({
      KeyConditionExpression: 'PK = :feed AND SK >= :from',
      ExpressionAttributeValues: { ':feed': keys.feedPartition(feedKey), ':from': from },
      ScanIndexForward: true,
    });
  }

  async renderedMark(pageKey: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.feedState(pageKey), ConsistentRead: true, ProjectionExpression: 'renderedMark' }),
    );
    return Item?.renderedMark as string | undefined;
  }

  async recordRendered(pageKey: string, mark: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.feedState(pageKey),
        UpdateExpression: 'SET renderedMark = :mark',
        ExpressionAttributeValues: { ':mark': mark },
      }),
    );
  }

  async isStale(pageKey: string): Promise<boolean> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.feedState(pageKey) }));
    return Number(Item?.version ?? 0) > Number(Item?.renderedVersion ?? -1);
  }

  async abandonLease(pageKey: string, owner: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.feedState(pageKey),
          // A failed publish may have written some of the files: their record is no longer true.
          UpdateExpression: 'REMOVE leaseOwner, leaseUntil, files',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async recordTombstones(slug: string, feedKeys: string[], when: string): Promise<void> {
    if (!feedKeys.length) return;
    const recorded = await this.storyTombstones(slug);
    const wanted = feedKeys.map((feedKey) => ({ feedKey, SK: catalogKeys.tombstone(feedKey, when, slug).SK }));
    const merged = [...recorded, ...wanted.filter((entry) => !recorded.some((old) => old.feedKey === entry.feedKey && old.SK === entry.SK))];
    // The story's record is written first, so a tombstone can never exist without it being known.
    if (merged.length > recorded.length) {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...catalogKeys.storyTombstones(slug), tombstones: merged } }));
    }
    await batchWrite(
      this.client,
      this.tableName,
      wanted.map(({ feedKey }) => ({ PutRequest: { Item: { ...catalogKeys.tombstone(feedKey, when, slug), slug, when } } })),
    );
  }

  async storiesWithTombstones(slugs: string[]): Promise<Set<string>> {
    const items = await batchGet(this.client, this.tableName, slugs.map((slug) => catalogKeys.storyTombstones(slug)));
    return new Set(items.filter((item) => ((item.tombstones as unknown[] | undefined) ?? []).length).map((item) => slugOfKey(String(item.PK))));
  }

  async clearTombstones(slug: string): Promise<string[]> {
    const recorded = await this.storyTombstones(slug);
    if (!recorded.length) return [];
    await batchWrite(
      this.client,
      this.tableName,
      recorded.map(({ feedKey, SK }) => ({ DeleteRequest: { Key: { PK: catalogKeys.tombstonePartition(feedKey), SK } } })),
    );
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: catalogKeys.storyTombstones(slug) }));
    return [...new Set(recorded.map(({ feedKey }) => feedKey))];
  }

  async tombstones(feedKey: string, since: Date): Promise<{ slug: string; when: string }[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'PK = :tomb AND SK >= :since',
      ExpressionAttributeValues: { ':tomb': catalogKeys.tombstonePartition(feedKey), ':since': since.toISOString() },
      ScanIndexForward: false,
    });
    return items.map((item) => ({ slug: String(item.slug), when: String(item.when) }));
  }

  async directory(): Promise<(FeedDirectoryEntry & { name: string })[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'PK = :directory',
      ExpressionAttributeValues: { ':directory': catalogKeys.directoryPartition },
    });
    return items.map((item) => ({ feedKey: String(item.SK), name: String(item.name), hasStories: item.hasStories === true }));
  }

  async planDirectory(entries: FeedDirectoryEntry[]): Promise<{ writes: (FeedDirectoryEntry & { name: string })[]; listingChanged: boolean }> {
    const unique = [...new Map(entries.map((entry) => [entry.feedKey, entry])).values()];
    const stored = await this.byKey(unique.map((entry) => catalogKeys.directoryEntry(entry.feedKey)));
    let listingChanged = false;
    const writes: (FeedDirectoryEntry & { name: string })[] = [];
    for (const entry of unique) {
      const old = stored.get(itemId(catalogKeys.directoryEntry(entry.feedKey)));
      const name = entry.name ?? (old?.name as string | undefined) ?? entry.feedKey.slice(entry.feedKey.indexOf(':') + 1);
      const oldHasStories = old?.hasStories === true;
      if (old && old.name === name && oldHasStories === entry.hasStories) continue;
      writes.push({ feedKey: entry.feedKey, name, hasStories: entry.hasStories });
      if (entry.hasStories || oldHasStories) listingChanged = true;
    }
    return { writes, listingChanged };
  }

  async writeDirectory(entries: (FeedDirectoryEntry & { name: string })[]): Promise<void> {
    await batchWrite(
      this.client,
      this.tableName,
      entries.map((entry) => ({ PutRequest: { Item: { ...catalogKeys.directoryEntry(entry.feedKey), name: entry.name, hasStories: entry.hasStories } } })),
    );
  }

  private async storyTombstones(slug: string): Promise<{ feedKey: string; SK: string }[]> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: catalogKeys.storyTombstones(slug), ConsistentRead: true }),
    );
    return (Item?.tombstones as { feedKey: string; SK: string }[] | undefined) ?? [];
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
    const items = await batchGet(this.client, this.tableName, itemKeys);
    return new Map(items.map((item) => [itemId({ PK: String(item.PK), SK: String(item.SK) }), item]));
  }
}
