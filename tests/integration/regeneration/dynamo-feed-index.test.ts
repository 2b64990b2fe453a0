import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoFeedIndex, feedEntryItem } from '../../../functions/adapters/dynamo-feed-index.js';
import { encodeStoredStory, MAX_STORED_STORY_BYTES } from '../../../functions/adapters/stored-entry.js';
import { catalogKeys, keys, PAGE_STATE_SORT_KEY } from '../../../functions/adapters/table-keys.js';
import { storyDigest, type Article } from '../../../functions/domain/article.js';
import { SITE_FEED, sortKeyOf } from '../../../functions/domain/feeds.js';
import { storedFragmentsOf } from '../../../functions/rendering/entry-fragments.js';
import { membershipsOf } from '../../../functions/use-cases/regenerate-feeds.js';
import {
  NO_CATALOG_WORK,
  type FeedMembership,
  type PageState,
  type ProjectedStory,
  type StoryProjection,
} from '../../../functions/use-cases/ports.js';
import { startStandIns, type StandIns } from '../../../infra/local/aws-stand-ins.js';
import { SITE, STORIES } from '../../unit/rendering/support/stories.js';

describe('Adapter: DynamoFeedIndex', () => {
  let standIns: StandIns;
  let documents: DynamoDBDocumentClient;
  /** DynamoDB calls by command name since the last reset. */
  const calls = new Map<string, number>();
  let run = 0;

  beforeAll(async () => {
    standIns = await startStandIns();
    const client = new DynamoDBClient(standIns.clientConfig.dynamodb);
    documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    client.middlewareStack.add(
      (next, context) => (args) => {
        calls.set(String(context.commandName), (calls.get(String(context.commandName)) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
  });

  afterAll(async () => {
    documents.destroy();
    await standIns.close();
  });

  beforeEach(() => {
    calls.clear();
    run++;
  });

  /** The stories under slugs of their own for this test, in a feed of their own. */
  const storiesOfRun = (): Article[] => STORIES.map((story) => ({ ...story, slug: `${story.slug}-${run}`, categories: [`Run ${run}`] }));
  const feedOfRun = () => `category:run-${run}`;
  const fragmentsOf = (article: Article) => storedFragmentsOf(SITE, article);

  async function projectedBefore(slug: string): Promise<ProjectedStory> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: standIns.tableName, Key: keys.projection(slug), ConsistentRead: true }),
    );
    return { memberships: (Item?.memberships as FeedMembership[] | undefined) ?? [], copies: (Item?.copies as string[] | undefined) ?? [] };
  }

  async function project(index: DynamoFeedIndex, article: Article, extra: Partial<StoryProjection> = {}): Promise<void> {
    await index.project([
      {
        slug: article.slug,
        article,
        desired: membershipsOf(article).memberships,
        previous: await projectedBefore(article.slug),
        fragments: fragmentsOf(article),
        ...extra,
      },
    ]);
  }

  /** Records page states as a run under the lease does when it gives the lease up. */
  async function recordPages(index: DynamoFeedIndex, pages: Map<string, PageState>): Promise<void> {
    const lease = (await index.acquire(`owner-${run}`, 60_000))!;
    await index.release(lease, pages, { pending: NO_CATALOG_WORK });
  }

  async function partition(pk: string): Promise<Record<string, unknown>[]> {
    const { Items = [] } = await documents.send(
      new QueryCommand({
        TableName: standIns.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
      }),
    );
    return Items;
  }

  it('reads a feed, each story with its rendered entries and the feed state, in one Query', async () => {
    // Prepare
    const index = new DynamoFeedIndex(documents, standIns.tableName);
    const stories = storiesOfRun();
    for (const story of stories) await project(index, story);
    await recordPages(index, new Map([[feedOfRun(), { tombstones: { gone: '2026-03-01T00:00:00Z' }, files: { 'a.xml': 'signature' } }]]));
    calls.clear();

    // Act
    const read = await index.latest(feedOfRun(), 50);

    // Assess
    expect([...calls]).toEqual([['QueryCommand', 1]]);
    expect(read.articles).toEqual([...stories].sort((a, b) => (sortKeyOf(a) < sortKeyOf(b) ? 1 : -1)));
    for (const story of read.articles) expect(read.fragments.get(story)).toEqual(fragmentsOf(story));
    expect(read.state).toEqual({ tombstones: { gone: '2026-03-01T00:00:00Z' }, files: { 'a.xml': 'signature' } });
  });

  it('keeps the page state out of every key lookup of the entries', async () => {
    // Prepare: a feed with a state and no entry, and one with both.
    const index = new DynamoFeedIndex(documents, standIns.tableName);
    const [story] = storiesOfRun();
    const empty = `category:empty-${run}`;
    await recordPages(
      index,
      new Map([
        [empty, { tombstones: {} }],
        [feedOfRun(), { tombstones: {} }],
      ]),
    );
    await project(index, story!);

    // Act
    const emptyHasStories = await index.hasStories(empty);
    const after = await index.firstKeyFrom(feedOfRun(), sortKeyOf(story!));
    const latest = await index.latest(empty, 50);

    // Assess
    expect(emptyHasStories).toBe(false);
    expect(await index.hasStories(feedOfRun())).toBe(true);
    expect(after).toBe(sortKeyOf(story!));
    expect(await index.firstKeyFrom(feedOfRun(), `${sortKeyOf(story!)}~`)).toBeUndefined();
    expect(await index.lastKeyBefore(feedOfRun(), PAGE_STATE_SORT_KEY)).toBe(sortKeyOf(story!));
    expect(latest.articles).toEqual([]);
  });

  it('stores a story too large to keep its entries beside it without them, and reads it back', async () => {
    // Prepare: text that does not compress (random words), well past what fits in an item.
    const index = new DynamoFeedIndex(documents, standIns.tableName);
    const words = Array.from({ length: 40_000 }, (_, n) =>
      Math.random()
        .toString(36)
        .slice(2, 4 + (n % 5)),
    ).join(' ');
    const [base] = storiesOfRun();
    const large: Article = { ...base!, body: `<p>${words}</p>` };

    // Act
    await project(index, large);
    const read = await index.latest(feedOfRun(), 50);
    const [entry] = await partition(keys.feedPartition(feedOfRun()));

    // Assess
    expect((entry!.story as Uint8Array).length).toBeLessThanOrEqual(MAX_STORED_STORY_BYTES);
    expect(read.articles).toEqual([large]);
    expect(read.fragments.size).toBe(0);
  });

  it('reads entries an earlier version wrote (naming a copy, or holding the story), and replaces them when it projects the story again', async () => {
    // Prepare: three entries as earlier versions wrote them, with a projection record listing a copy.
    const index = new DynamoFeedIndex(documents, standIns.tableName);
    const [named, held, bare] = storiesOfRun();
    const put = (Item: Record<string, unknown>) => documents.send(new PutCommand({ TableName: standIns.tableName, Item }));
    await put({ ...keys.storyCopy(named!.slug, storyDigest(named!)), article: named, digest: storyDigest(named!) });
    await put({ ...keys.feedEntry(feedOfRun(), sortKeyOf(named!)), slug: named!.slug, digest: storyDigest(named!) });
    await put({
      ...keys.projection(named!.slug),
      memberships: [{ feedKey: feedOfRun(), sortKey: sortKeyOf(named!) }],
      copies: [storyDigest(named!)],
    });
    await put({ ...keys.feedEntry(feedOfRun(), sortKeyOf(held!)), article: held, digest: storyDigest(held!) });
    await put({ ...keys.feedEntry(feedOfRun(), sortKeyOf(bare!)), article: bare });

    // Act
    const before = await index.latest(feedOfRun(), 50);
    await index.project([
      {
        slug: named!.slug,
        article: named,
        desired: [{ feedKey: feedOfRun(), sortKey: sortKeyOf(named!) }],
        previous: await projectedBefore(named!.slug),
        fragments: fragmentsOf(named!),
      },
    ]);
    const after = await index.latest(feedOfRun(), 50);

    // Assess
    const order = (list: Article[]) => list.map((story) => story.slug).sort();
    expect(order(before.articles)).toEqual(order([named!, held!, bare!]));
    expect(before.fragments.size).toBe(0);
    expect(order(after.articles)).toEqual(order(before.articles));
    expect(after.fragments.get(after.articles.find((story) => story.slug === named!.slug)!)).toEqual(fragmentsOf(named!));
    expect((await partition(`ARTICLE#${named!.slug}`)).map((item) => item.SK)).toEqual(['P']);
    expect(await projectedBefore(named!.slug)).toEqual({ memberships: [{ feedKey: feedOfRun(), sortKey: sortKeyOf(named!) }], copies: [] });
  });

  it('reads the tombstones and retraction records an earlier version kept', async () => {
    // Prepare
    const index = new DynamoFeedIndex(documents, standIns.tableName);
    const feedKey = feedOfRun();
    const put = (Item: Record<string, unknown>) => documents.send(new PutCommand({ TableName: standIns.tableName, Item }));
    await put({
      PK: catalogKeys.legacyTombstonePartition(feedKey),
      SK: `2026-03-01T10:00:00.000Z#gone-${run}`,
      slug: `gone-${run}`,
      when: '2026-03-01T10:00:00.000Z',
    });
    await put({
      ...catalogKeys.storyRetraction(`gone-${run}`),
      tombstones: [
        { feedKey, SK: `2026-03-01T10:00:00.000Z#gone-${run}` },
        { feedKey: SITE_FEED.key, SK: `2026-03-01T10:00:00.000Z#gone-${run}` },
      ],
    });
    const [kept] = storiesOfRun();
    await put({ ...keys.feedEntry(feedKey, sortKeyOf(kept!)), article: kept });
    const newFeed = `category:new-${run}`;
    await put({
      PK: catalogKeys.legacyTombstonePartition(newFeed),
      SK: `2026-03-01T10:00:00.000Z#other-${run}`,
      slug: `other-${run}`,
      when: '2026-03-01T10:00:00.000Z',
    });
    await project(index, { ...kept!, slug: `new-${run}`, categories: [`New ${run}`] });
    calls.clear();

    // Act
    const { state } = await index.latest(feedKey, 50);
    const legacyReads = calls.get('QueryCommand');
    const { state: newFeedState } = await index.latest(newFeed, 50);
    const states = await index.storyStates([`gone-${run}`]);

    // Assess
    expect(state.tombstones).toEqual({ [`gone-${run}`]: '2026-03-01T10:00:00.000Z' });
    expect(legacyReads).toBe(2);
    // A feed whose entries are all in today's form is not looked for elsewhere.
    expect(newFeedState.tombstones).toEqual({});
    expect(calls.get('QueryCommand')).toBe(3);
    expect(states.get(`gone-${run}`)!.retraction).toEqual({ when: '2026-03-01T10:00:00.000Z', feedKeys: [feedKey, SITE_FEED.key] });
  });

  it('reads the stories, projections and retraction records of a whole batch, beyond one BatchGetItem call', async () => {
    // Prepare: 40 stories are 120 keys, more than the 100 one BatchGetItem takes.
    const index = new DynamoFeedIndex(documents, standIns.tableName);
    const slugs = Array.from({ length: 40 }, (_, n) => `batch-${run}-${n}`);
    for (const slug of slugs.slice(0, 30))
      await documents.send(new PutCommand({ TableName: standIns.tableName, Item: { ...keys.article(slug), slug, title: slug } }));
    calls.clear();

    // Act
    const states = await index.storyStates(slugs);

    // Assess
    expect(calls.get('BatchGetItemCommand')).toBe(2);
    expect([...states.keys()]).toEqual(slugs);
    expect(slugs.filter((slug) => states.get(slug)!.article)).toEqual(slugs.slice(0, 30));
    expect(states.get(slugs[35]!)).toEqual({ article: undefined, projection: { memberships: [], copies: [] }, retraction: undefined });
  });

  it('lets one run hold the lease; a lapsed one is taken over, and then no record of files is trusted', async () => {
    // Prepare: a fresh lease item per test is not possible (one per table): run in a table of its own.
    const tableName = `lease-${run}`;
    const { ensureArticlesTable } = await import('../../../infra/local/table-definition.js');
    await ensureArticlesTable(new DynamoDBClient(standIns.clientConfig.dynamodb), tableName);
    const index = new DynamoFeedIndex(documents, tableName);
    const first = (await index.acquire('first', 60_000))!;
    await index.release(first, new Map([['site', { tombstones: {}, files: { 'feed.xml': 'one' } }]]), {
      pending: { days: ['2026-03-01'], directory: { 'category:world': 'World' }, feedPages: ['category:world'] },
      newestArchiveDay: '2026-03-01',
    });

    // Act
    const second = (await index.acquire('second', 200))!;
    const refused = await index.acquire('third', 60_000);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const third = (await index.acquire('third', 60_000))!;
    const { state } = await index.latest('site', 50);
    const secondRenews = await index.renew(second, 60_000);

    // Assess
    expect(second.pending).toEqual({ days: ['2026-03-01'], directory: { 'category:world': 'World' }, feedPages: ['category:world'] });
    expect(second.newestArchiveDay).toBe('2026-03-01');
    expect(refused).toBeUndefined();
    expect(third.owner).toBe('third');
    expect(state.files).toBeUndefined();
    expect(secondRenews).toBe(false);
    expect(await index.renew(third, 60_000)).toBe(true);
  });

  it('stores every story as its feed entries show it, one item per feed', async () => {
    // Prepare
    const index = new DynamoFeedIndex(documents, standIns.tableName);
    const [story] = storiesOfRun();
    const withAuthor: Article = { ...story!, authors: [{ name: `Author ${run}` }] };

    // Act
    await project(index, withAuthor);
    const entry = (await partition(keys.feedPartition(feedOfRun())))[0]!;

    // Assess
    expect(entry).toEqual({
      ...feedEntryItem(
        { feedKey: feedOfRun(), sortKey: sortKeyOf(withAuthor) },
        withAuthor.slug,
        encodeStoredStory({ article: withAuthor, fragments: fragmentsOf(withAuthor) }),
      ),
      story: expect.any(Uint8Array),
    });
    expect((await index.latest(`author:author-${run}`, 50)).articles).toEqual([withAuthor]);
    expect((await index.latest(SITE_FEED.key, 500)).articles.map((read) => read.slug)).toContain(withAuthor.slug);
  });
});
