import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoArticleRepository } from '../../../functions/adapters/dynamo-article-repository.js';
import { DynamoFeedIndex } from '../../../functions/adapters/dynamo-feed-index.js';
import { keys } from '../../../functions/adapters/table-keys.js';
import { storyDigest, type Article } from '../../../functions/domain/article.js';
import { SITE_FEED, sortKeyOf } from '../../../functions/domain/feeds.js';
import { membershipsOf } from '../../../functions/use-cases/regenerate-feeds.js';
import type { FeedMembership, ProjectedStory } from '../../../functions/use-cases/ports.js';
import { startStandIns, type StandIns } from '../../../infra/local/aws-stand-ins.js';
import { STORIES } from '../../unit/rendering/support/stories.js';

describe('Adapter: DynamoFeedIndex (stories remembered between reads)', () => {
  let standIns: StandIns;
  let documents: DynamoDBDocumentClient;
  /** Stories read in full (BatchGetItem results) since the last reset. */
  let fullReads = 0;
  let run = 0;

  beforeAll(async () => {
    standIns = await startStandIns();
    const client = new DynamoDBClient(standIns.clientConfig.dynamodb);
    documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'BatchGetItemCommand') {
          const responses = (result.output as { Responses?: Record<string, unknown[]> } | undefined)?.Responses ?? {};
          fullReads += Object.values(responses).reduce((sum, items) => sum + items.length, 0);
        }
        return result;
      },
      { step: 'initialize', name: 'countFullReads' },
    );
  });

  afterAll(async () => {
    documents.destroy();
    await standIns.close();
  });

  beforeEach(() => {
    fullReads = 0;
    run++;
  });

  /** The stories under slugs of their own for this test, in a feed of their own. */
  const storiesOfRun = (): Article[] => STORIES.map((story) => ({ ...story, slug: `${story.slug}-${run}`, categories: [`Run ${run}`] }));
  const feedOfRun = () => `category:run-${run}`;

  /** What was last projected for a story, read with GetItem so that the BatchGetItems counted above are the index's story reads only. */
  async function projectedBefore(slug: string): Promise<ProjectedStory> {
    const { Item } = await documents.send(new GetCommand({ TableName: standIns.tableName, Key: keys.projection(slug), ConsistentRead: true }));
    return { memberships: (Item?.memberships as FeedMembership[] | undefined) ?? [], copies: (Item?.copies as string[] | undefined) ?? [] };
  }

  async function project(index: DynamoFeedIndex, article: Article): Promise<void> {
    await index.project([{ slug: article.slug, article, desired: membershipsOf(article).memberships, previous: await projectedBefore(article.slug) }]);
  }

  it('reads in full only the stories it does not remember yet', async () => {
    // Prepare: projected by another process, so nothing is remembered yet.
    const index = new DynamoFeedIndex(documents, standIns.tableName);
    const writer = new DynamoFeedIndex(documents, standIns.tableName);
    const [newest, ...older] = storiesOfRun();
    for (const story of older) await project(writer, story);

    // Act
    const first = await index.latest(feedOfRun(), 50);
    const readsFirst = fullReads;
    const again = await index.latest(feedOfRun(), 50);
    const readsAgain = fullReads - readsFirst;
    await project(writer, newest!);
    const afterPublish = await index.latest(feedOfRun(), 50);
    const readsAfterPublish = fullReads - readsFirst - readsAgain;

    // Assess
    expect(first.map((story) => story.slug)).toEqual(older.map((story) => story.slug));
    expect(readsFirst).toBe(older.length);
    expect(again).toEqual(first);
    expect(readsAgain).toBe(0);
    expect(afterPublish.map((story) => story.slug)).toEqual([newest!.slug, ...older.map((story) => story.slug)]);
    expect(readsAfterPublish).toBe(1);
  });

  it('serves a corrected story as corrected, never as remembered', async () => {
    // Prepare
    const index = new DynamoFeedIndex(documents, standIns.tableName);
    const [story] = storiesOfRun();
    await project(index, story!);
    await index.latest(feedOfRun(), 50);

    // Act
    await project(index, { ...story!, title: 'Harbour reopens on Tuesday', revision: story!.revision + 1 });
    const [read] = await index.latest(feedOfRun(), 50);

    // Assess
    expect(read!.title).toBe('Harbour reopens on Tuesday');
  });

  it('recognises a story whichever order its attributes come back in', async () => {
    // Prepare: written by one index, read by another process's (nothing remembered yet).
    const [story] = storiesOfRun();
    await project(new DynamoFeedIndex(documents, standIns.tableName), story!);
    const reader = new DynamoFeedIndex(documents, standIns.tableName);
    await reader.latest(feedOfRun(), 50);
    const readsBefore = fullReads;

    // Act: the same story written again with its attributes in reverse order.
    const reversed = Object.fromEntries(Object.entries(story!).reverse()) as unknown as Article;
    await project(new DynamoFeedIndex(documents, standIns.tableName), reversed);
    await reader.latest(feedOfRun(), 50);

    // Assess
    expect(fullReads - readsBefore).toBe(0);
  });

  /** Every item of a partition (strongly consistent). */
  async function partition(PK: string): Promise<Record<string, unknown>[]> {
    const { Items = [] } = await documents.send(
      new QueryCommand({ TableName: standIns.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': PK }, ConsistentRead: true }),
    );
    return Items;
  }

  const copiesOf = async (slug: string) => (await partition(keys.article(slug).PK)).filter((item) => String(item.SK).startsWith('V#'));
  const projectionOf = async (slug: string) =>
    (await documents.send(new GetCommand({ TableName: standIns.tableName, Key: keys.projection(slug), ConsistentRead: true }))).Item;

  it('stores each version of a story once, however many feeds show it, with entries that only name it', async () => {
    // Prepare: a story in four feeds (site, two categories, an author).
    const index = new DynamoFeedIndex(documents, standIns.tableName);
    const story: Article = { ...storiesOfRun()[0]!, categories: [`Run ${run}`, `Run ${run} extra`], authors: [{ name: `Writer ${run}` }] };
    const { memberships } = membershipsOf(story);
    const corrected: Article = { ...story, title: 'Harbour reopens on Tuesday', revision: story.revision + 1 };

    // Act
    await project(index, story);
    const copiesFirst = await copiesOf(story.slug);
    await project(index, corrected);
    const copiesCorrected = await copiesOf(story.slug);
    const entries = (await partition(keys.feedPartition(feedOfRun()))).filter((item) => item.slug === story.slug);
    const projection = await projectionOf(story.slug);

    // Assess
    expect(memberships).toHaveLength(4);
    expect(copiesFirst).toEqual([{ ...keys.storyCopy(story.slug, storyDigest(story)), article: story, digest: storyDigest(story) }]);
    expect(copiesCorrected).toEqual([{ ...keys.storyCopy(story.slug, storyDigest(corrected)), article: corrected, digest: storyDigest(corrected) }]);
    expect(entries).toEqual([{ ...keys.feedEntry(feedOfRun(), sortKeyOf(story)), slug: story.slug, digest: storyDigest(corrected) }]);
    expect(projection).toEqual({ ...keys.projection(story.slug), memberships, copies: [storyDigest(corrected)] });
    expect((await new DynamoFeedIndex(documents, standIns.tableName).latest(feedOfRun(), 50))[0]).toEqual(corrected);
  });

  it('deletes the copies and entries of a story that leaves every feed', async () => {
    // Prepare
    const index = new DynamoFeedIndex(documents, standIns.tableName);
    const [story] = storiesOfRun();
    await project(index, story!);

    // Act
    await index.project([{ slug: story!.slug, article: { ...story!, status: 'retracted' }, desired: [], previous: await projectedBefore(story!.slug) }]);

    // Assess
    expect(await copiesOf(story!.slug)).toEqual([]);
    expect(await partition(keys.feedPartition(feedOfRun()))).toEqual([]);
    expect(await projectionOf(story!.slug)).toEqual({ ...keys.projection(story!.slug), memberships: [], copies: [] });
    expect(await index.latest(feedOfRun(), 50)).toEqual([]);
  });

  it('leaves a copy it could not delete listed, and deletes it on the next projection', async () => {
    // Prepare: a client whose deletes of story copies fail, as if the function stopped there.
    const failing = new DynamoDBClient(standIns.clientConfig.dynamodb);
    failing.middlewareStack.add(
      (next, context) => async (args) => {
        const input = JSON.stringify(args.input);
        if (context.commandName === 'BatchWriteItemCommand' && input.includes('DeleteRequest') && input.includes('V#')) throw new Error('stopped');
        return next(args);
      },
      { step: 'initialize', name: 'stopBeforeDroppingCopies' },
    );
    const interrupted = new DynamoFeedIndex(DynamoDBDocumentClient.from(failing), standIns.tableName);
    const [story] = storiesOfRun();
    const corrected: Article = { ...story!, title: 'Harbour reopens on Tuesday', revision: story!.revision + 1 };
    await project(interrupted, story!);

    // Act
    const stopped = await project(interrupted, corrected).catch((error: unknown) => error);
    const listedAfterStop = (await projectionOf(story!.slug))?.copies;
    const servedAfterStop = await new DynamoFeedIndex(documents, standIns.tableName).latest(feedOfRun(), 50);
    await project(new DynamoFeedIndex(documents, standIns.tableName), corrected);
    failing.destroy();

    // Assess
    expect(stopped).toEqual(new Error('stopped'));
    expect(listedAfterStop).toEqual([storyDigest(story!), storyDigest(corrected)]);
    expect(servedAfterStop).toEqual([corrected]);
    expect((await copiesOf(story!.slug)).map((item) => item.digest)).toEqual([storyDigest(corrected)]);
    expect((await projectionOf(story!.slug))?.copies).toEqual([storyDigest(corrected)]);
  });

  it('reads entries that hold their story (written before stories had copies) beside small ones, and makes them small when it projects the story again', async () => {
    // Prepare: an entry and a projection record as an earlier version wrote them, and a newer
    // story in the same feed projected as now.
    const index = new DynamoFeedIndex(documents, standIns.tableName);
    const [newer, story] = storiesOfRun();
    const { memberships } = membershipsOf(story!);
    for (const { feedKey, sortKey } of memberships) {
      await documents.send(new PutCommand({ TableName: standIns.tableName, Item: { ...keys.feedEntry(feedKey, sortKey), article: story, digest: storyDigest(story!) } }));
    }
    await documents.send(new PutCommand({ TableName: standIns.tableName, Item: { ...keys.projection(story!.slug), memberships } }));
    await project(new DynamoFeedIndex(documents, standIns.tableName), newer!);

    // Act
    const first = await index.latest(feedOfRun(), 50);
    const readsFirst = fullReads;
    const second = await index.latest(feedOfRun(), 50);
    const readsSecond = fullReads - readsFirst;
    await project(new DynamoFeedIndex(documents, standIns.tableName), story!);
    const entries = await partition(keys.feedPartition(feedOfRun()));
    const afterProjection = await new DynamoFeedIndex(documents, standIns.tableName).latest(feedOfRun(), 50);

    // Assess
    expect(first).toEqual([newer, story]);
    expect(readsFirst).toBe(2);
    expect(second).toEqual(first);
    expect(readsSecond).toBe(0);
    expect(entries.map(({ article, ...entry }) => ({ entry, holdsStory: article !== undefined }))).toEqual(
      [story!, newer!].map((each) => ({ entry: { ...keys.feedEntry(feedOfRun(), sortKeyOf(each)), slug: each.slug, digest: storyDigest(each) }, holdsStory: false })),
    );
    expect(afterProjection).toEqual([newer, story]);
  });

  it('reads entries written without a digest (by an earlier version) in full, every time', async () => {
    // Prepare
    const index = new DynamoFeedIndex(documents, standIns.tableName);
    const [story] = storiesOfRun();
    await documents.send(new PutCommand({ TableName: standIns.tableName, Item: { ...keys.feedEntry(feedOfRun(), sortKeyOf(story!)), article: story } }));

    // Act
    const first = await index.latest(feedOfRun(), 50);
    const second = await index.latest(feedOfRun(), 50);

    // Assess
    expect(first.map((read) => read.slug)).toEqual([story!.slug]);
    expect(second).toEqual(first);
    expect(fullReads).toBe(2);
  });

  it('remembers the stories it projects, so the feeds rendered next read none of them back', async () => {
    // Prepare
    const index = new DynamoFeedIndex(documents, standIns.tableName);
    const [newest, ...older] = storiesOfRun();
    for (const story of older) await project(new DynamoFeedIndex(documents, standIns.tableName), story);
    await index.latest(feedOfRun(), 50);
    const readsBefore = fullReads;

    // Act
    await project(index, newest!);
    const afterPublish = await index.latest(feedOfRun(), 50);

    // Assess
    expect(afterPublish.map((story) => story.slug)).toEqual([newest!.slug, ...older.map((story) => story.slug)]);
    expect(afterPublish[0]).toEqual(newest);
    expect(fullReads - readsBefore).toBe(0);
  });

  it('forgets the least recently used stories beyond its bound', async () => {
    // Prepare
    const index = new DynamoFeedIndex(documents, standIns.tableName, Date.now, 2);
    const stories = storiesOfRun();
    for (const story of stories) await project(new DynamoFeedIndex(documents, standIns.tableName), story);

    // Act
    await index.latest(feedOfRun(), 50);
    const readsFirst = fullReads;
    const again = await index.latest(feedOfRun(), 50);

    // Assess
    expect(readsFirst).toBe(stories.length);
    // The two read last (the oldest) are still remembered.
    expect(fullReads - readsFirst).toBe(stories.length - 2);
    expect(again.map((story) => story.slug)).toEqual(stories.map((story) => story.slug));
  });

  it('gives the same stories for a day of the site feed as the feed itself', async () => {
    // Prepare
    const index = new DynamoFeedIndex(documents, standIns.tableName);
    const day = `2031-01-0${(run % 9) + 1}`;
    const stories = storiesOfRun().map((story, hour) => ({ ...story, publishedAt: `${day}T0${hour}:00:00Z` }));
    for (const story of stories) await project(index, story);

    // Act
    const archived = await index.between(SITE_FEED.key, `${day}T00:00:00.000Z`, `${day}T99`);

    // Assess
    expect(archived.map((story) => story.slug)).toEqual([...stories].reverse().map((story) => story.slug));
  });

  it('reads the stories and projections of a whole batch, beyond one BatchGetItem call', async () => {
    // Prepare: 130 stories stored and projected, 20 slugs that have neither.
    const index = new DynamoFeedIndex(documents, standIns.tableName);
    const repository = new DynamoArticleRepository(documents, standIns.tableName);
    const [template] = storiesOfRun();
    const stored = Array.from({ length: 130 }, (_, n): Article => ({ ...template!, slug: `batch-${run}-${n}` }));
    for (const story of stored) {
      await repository.save(story, undefined);
      await project(index, story);
    }
    const slugs = [...stored.map((story) => story.slug), ...Array.from({ length: 20 }, (_, n) => `absent-${run}-${n}`)];

    // Act
    const [stories, projections] = await Promise.all([repository.getMany(slugs), index.projectionsOf(slugs)]);

    // Assess
    expect([...stories.keys()].sort()).toEqual(stored.map((story) => story.slug).sort());
    expect(stories.get(stored[7]!.slug)).toEqual(stored[7]);
    expect(projections.size).toBe(slugs.length);
    for (const story of stored) expect(projections.get(story.slug)?.memberships).toEqual(membershipsOf(story).memberships);
    expect(projections.get(`absent-${run}-3`)).toEqual({ memberships: [], copies: [] });
  });
});
