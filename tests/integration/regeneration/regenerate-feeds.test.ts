import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStandIns, type StandIns } from '../../../infra/local/aws-stand-ins.js';
import { CloudFrontInvalidator } from '../../../functions/adapters/cloudfront-invalidator.js';
import { DynamoArticleRepository } from '../../../functions/adapters/dynamo-article-repository.js';
import { DynamoFeedIndex } from '../../../functions/adapters/dynamo-feed-index.js';
import { S3FeedStore } from '../../../functions/adapters/s3-feed-store.js';
import { WebSubHubNotifier } from '../../../functions/adapters/websub-hub-notifier.js';
import type { Article } from '../../../functions/domain/article.js';
import type { FeedFile } from '../../../functions/rendering/render-feed.js';
import { ensureArticlesTable } from '../../../infra/local/table-definition.js';
import { SITE_FEED } from '../../../functions/domain/feeds.js';
import {
  FeedBusyError,
  PAST_ARCHIVE_CACHE_CONTROL,
  regenerateFeeds,
  renderFeeds,
  type RegenerateDependencies,
  type RegenerationReport,
} from '../../../functions/use-cases/regenerate-feeds.js';
import type { FeedAnnouncement } from '../../../functions/use-cases/ports.js';
import { refreshCatalog } from '../../../functions/use-cases/refresh-catalog.js';
import { RegeneratedStories } from '../../../functions/use-cases/regenerated-stories.js';
import { SITE } from '../../unit/rendering/support/stories.js';
import { atomEntries, atomFeed, rssChannel, type XmlObject } from '../../validation/support/xml-tree.js';

let standIns: StandIns;
let dynamo: DynamoDBClient;
let s3: S3Client;
let hub: { url: string; pings: string[]; server: Server };
/** A stand-in for CloudFront's API: records each CreateInvalidation the real SDK client sends. */
let cdn: {
  client: CloudFrontClient;
  server: Server;
  invalidations: { distributionId: string; paths: string[]; callerReference: string }[];
};
/** S3 calls the feed store made (HeadObject, PutObject), since the last reset. */
const s3Calls = { head: 0, put: 0 };
/** DynamoDB calls by command name, since the last reset. */
const dynamoCalls = new Map<string, number>();
/** Reads of a feed's newest entries (FeedIndex.latest's Query), since the last reset. */
const feedReads = { count: 0 };
let tableCount = 0;
/** What the regenerations handed to the announcement queue, since the last reset. */
const announcements: FeedAnnouncement[] = [];

beforeAll(async () => {
  standIns = await startStandIns();
  dynamo = new DynamoDBClient(standIns.clientConfig.dynamodb);
  dynamo.middlewareStack.add(
    (next, context) => (args) => {
      dynamoCalls.set(String(context.commandName), (dynamoCalls.get(String(context.commandName)) ?? 0) + 1);
      // A feed's newest entries and state (FeedIndex.latest): the only Query on a feed without a key range.
      if (
        context.commandName === 'QueryCommand' &&
        (args.input as { KeyConditionExpression?: string }).KeyConditionExpression === 'PK = :feed'
      ) {
        feedReads.count++;
      }
      return next(args);
    },
    { step: 'initialize', name: 'countIndexCalls' },
  );
  s3 = new S3Client(standIns.clientConfig.s3);
  s3.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'HeadObjectCommand') s3Calls.head++;
      if (context.commandName === 'PutObjectCommand') s3Calls.put++;
      return next(args);
    },
    { step: 'initialize', name: 'countFeedStoreCalls' },
  );
  const pings: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      pings.push(new URLSearchParams(body).get('hub.url') ?? '');
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hub = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, pings, server };
  cdn = await startCloudFrontApi();
}, 60_000);

async function startCloudFrontApi(): Promise<typeof cdn> {
  const invalidations: (typeof cdn)['invalidations'] = [];
  const parser = new XMLParser({ isArray: (name) => name === 'Path' });
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const route = /^\/2020-05-31\/distribution\/([^/]+)\/invalidation$/.exec(request.url ?? '');
      if (request.method !== 'POST' || !route) return void response.writeHead(404).end();
      const batch = parser.parse(body).InvalidationBatch;
      invalidations.push({ distributionId: route[1]!, paths: batch.Paths.Items.Path, callerReference: String(batch.CallerReference) });
      expect(batch.Paths.Quantity).toBe(batch.Paths.Items.Path.length);
      response
        .writeHead(201, { 'content-type': 'text/xml', location: `${request.url}/I${invalidations.length}` })
        .end(
          `<?xml version="1.0"?><Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>I${invalidations.length}</Id><Status>InProgress</Status><CreateTime>2026-03-10T12:00:00Z</CreateTime></Invalidation>`,
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new CloudFrontClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return { client, server, invalidations };
}

afterAll(async () => {
  hub?.server.closeAllConnections();
  await new Promise((resolve) => hub?.server.close(resolve));
  cdn?.client.destroy();
  cdn?.server.closeAllConnections();
  await new Promise((resolve) => cdn?.server.close(resolve));
  dynamo?.destroy();
  s3?.destroy();
  await standIns?.close();
});

/** A fresh table and key prefix-free bucket state per test: each test gets its own table. */
interface World {
  deps: RegenerateDependencies;
  articles: DynamoArticleRepository;
  clock: { now: Date };
  read(key: string): Promise<string>;
  /** Deletes a stored file behind the product's back (an operator's mistake). */
  remove(key: string): Promise<void>;
  cacheControl(key: string): Promise<string | undefined>;
  publish(slug: string, fields: Partial<Article> & Pick<Article, 'publishedAt'>): Promise<Article>;
  retract(slug: string, at: string): Promise<void>;
  /** Another index on the same table: another process's (`keepFeedWindows` as the regenerator has it). */
  anotherIndex(options?: { keepFeedWindows?: boolean }): DynamoFeedIndex;
}

async function world(): Promise<World> {
  const tableName = `articles-${++tableCount}`;
  await ensureArticlesTable(dynamo, tableName);
  const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const articles = new DynamoArticleRepository(documents, tableName);
  const index = new DynamoFeedIndex(documents, tableName);
  // One bucket for all tests: each test uses its own site base path, so keys never collide.
  const base = `t${tableCount}`;
  const clock = { now: new Date('2026-03-10T12:00:00Z') };
  const store = new S3FeedStore(s3, standIns.bucket);
  const unprefixed = (key: string) => key.slice(base.length + 1);
  const prefixed: RegenerateDependencies['store'] = {
    publish: async (files, stored = {}) => {
      const result = await store.publish(
        files.map((file) => ({ ...file, key: `${base}/${file.key}` })),
        Object.fromEntries(Object.entries(stored).map(([key, signature]) => [`${base}/${key}`, signature])),
      );
      return {
        written: result.written.map(unprefixed),
        files: Object.fromEntries(Object.entries(result.files).map(([key, signature]) => [unprefixed(key), signature])),
      };
    },
  };
  const notifier = new WebSubHubNotifier([hub.url], { timeoutMs: 1_000, backoffMs: 10 });
  const deps: RegenerateDependencies = {
    index,
    catalog: index,
    store: prefixed,
    clock: { now: () => clock.now },
    site: { ...SITE, baseUrl: `https://news.example.com/${base}`, hubs: [hub.url] },
    // Each announcement is passed to the real notifier at once: what is announced is under test
    // here, not when (tests/unit/announce-feeds.test.ts and the local runtime's hub test).
    announcements: {
      async enqueue(announcement) {
        announcements.push(announcement);
        await notifier.notify(announcement.topics);
      },
    },
    freshness: { edgeSeconds: 5, invalidateFeeds: true },
    cdn: new CloudFrontInvalidator(cdn.client, `E${tableCount}`),
  };
  const read = async (key: string) => {
    const result = await s3.send(new GetObjectCommand({ Bucket: standIns.bucket, Key: `${base}/${key}` }));
    return result.Body!.transformToString('utf8');
  };
  const remove = async (key: string) => {
    await s3.send(new DeleteObjectCommand({ Bucket: standIns.bucket, Key: `${base}/${key}` }));
  };
  const cacheControl = async (key: string) =>
    (await s3.send(new HeadObjectCommand({ Bucket: standIns.bucket, Key: `${base}/${key}` }))).CacheControl;
  const publish = async (slug: string, fields: Partial<Article> & Pick<Article, 'publishedAt'>) => {
    const existing = await articles.get(slug);
    const article: Article = {
      slug,
      title: `Story ${slug}`,
      body: '<p>Text.</p>',
      authors: [{ name: 'Nadia Rahman' }],
      categories: ['World'],
      updatedAt: fields.publishedAt,
      url: `https://news.example.com/articles/${slug}`,
      language: 'en',
      status: 'published',
      revision: (existing?.revision ?? 0) + 1,
      ...(existing ?? {}),
      ...fields,
    };
    await articles.save({ ...article, revision: (existing?.revision ?? 0) + 1 }, existing?.revision);
    return article;
  };
  const retract = async (slug: string, at: string) => {
    const existing = (await articles.get(slug))!;
    await articles.save(
      { ...existing, status: 'retracted', retractedAt: at, updatedAt: at, revision: existing.revision + 1 },
      existing.revision,
    );
  };
  const anotherIndex = (options = {}) => new DynamoFeedIndex(documents, tableName, undefined, options);
  return { deps, articles, clock, read, remove, cacheControl, publish, retract, anotherIndex };
}

/** A regeneration, then the catalog refresh that follows it within a minute: every page up to date. */
async function regenerateAll(slugs: string[], deps: RegenerateDependencies): Promise<RegenerationReport> {
  const report = await regenerateFeeds(slugs, deps);
  return { ...report, filesWritten: [...report.filesWritten, ...(await refreshCatalog(deps))] };
}

const linkHrefs = (feed: XmlObject) => Object.fromEntries((feed.link as XmlObject[]).map((link) => [link['@rel'], link['@href']]));

describe('Use case: regenerateFeeds with archives, tombstones, the directory and WebSub', () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
    hub.pings.length = 0;
    announcements.length = 0;
  });

  it('builds daily archive pages linked to each other and to the current feed', async () => {
    // Prepare
    await w.publish('january', { publishedAt: '2026-01-15T10:00:00+01:00' });
    await w.publish('march', { publishedAt: '2026-03-10T09:00:00Z' });
    // Act
    await regenerateAll(['january', 'march'], w.deps);
    // Assess
    const base = w.deps.site.baseUrl;
    expect(linkHrefs(atomFeed(await w.read('atom.xml')))['prev-archive']).toBe(`${base}/archive/2026-03-10/atom.xml`);
    expect(JSON.parse(await w.read('feed.json')).next_url).toBe(`${base}/archive/2026-03-10/feed.json`);
    const january = atomFeed(await w.read('archive/2026-01-15/atom.xml'));
    expect(linkHrefs(january)).toMatchObject({ current: `${base}/atom.xml`, 'next-archive': `${base}/archive/2026-03-10/atom.xml` });
    expect(linkHrefs(january)).not.toHaveProperty('prev-archive');
    expect(atomEntries(await w.read('archive/2026-01-15/atom.xml')).map((entry) => entry.id)).toEqual([
      'tag:news.example.com,2026:article:january',
    ]);
    expect(linkHrefs(atomFeed(await w.read('archive/2026-03-10/atom.xml')))['prev-archive']).toBe(`${base}/archive/2026-01-15/atom.xml`);
    // Past days may be cached for long; the current day only briefly (the clock is at 2026-03-10).
    expect(await w.cacheControl('archive/2026-01-15/feed.xml')).toBe(PAST_ARCHIVE_CACHE_CONTROL);
    expect(await w.cacheControl('archive/2026-03-10/feed.xml')).toMatch(/max-age=60\b/);
    expect(JSON.parse(await w.read('archive/2026-01-15/feed.json')).next_url).toBeUndefined();
    expect(JSON.parse(await w.read('archive/2026-03-10/feed.json')).next_url).toBe(`${base}/archive/2026-01-15/feed.json`);
  });

  it("writes each feed's three files before its page for people", async () => {
    // Prepare: a store that numbers its writes in the order they finish.
    await w.publish('first', { publishedAt: '2026-03-01T10:00:00Z' });
    const finishedAs = new Map<string, number>();
    const store = w.deps.store;
    const recording: RegenerateDependencies['store'] = {
      publish: async (files, stored) => {
        const result = await store.publish(files, stored);
        const order = finishedAs.size;
        for (const file of files) finishedAs.set(file.key, order);
        return result;
      },
    };
    // Act
    await regenerateFeeds(['first'], { ...w.deps, store: recording });
    // Assess: no page is written with its feed's files, nor before them.
    for (const directory of ['', 'categories/world/', 'authors/nadia-rahman/']) {
      const page = finishedAs.get(`${directory}feed.html`);
      expect(page, directory).toBeDefined();
      for (const file of ['feed.xml', 'atom.xml', 'feed.json']) {
        expect(finishedAs.get(`${directory}${file}`), `${directory}${file}`).toBeLessThan(page!);
      }
    }
  });

  it('re-renders only the day a story lands in and the neighbours whose links change', async () => {
    // Prepare
    await w.publish('january', { publishedAt: '2026-01-15T10:00:00Z' });
    await w.publish('march', { publishedAt: '2026-03-01T10:00:00Z' });
    await regenerateAll(['january', 'march'], w.deps);
    await w.publish('another-march', { publishedAt: '2026-03-01T18:00:00Z' });
    // Act: one more story on 1 March touches no other day.
    const sameDay = await regenerateAll(['another-march'], w.deps);
    // A backdated story opens 10 February between them.
    await w.publish('february', { publishedAt: '2026-02-10T10:00:00Z' });
    const newDay = await regenerateAll(['february'], w.deps);
    // Assess
    const archives = (keys: string[]) =>
      [...new Set(keys.filter((key) => key.startsWith('archive/')).map((key) => key.split('/')[1]))].sort();
    expect(archives(sameDay.filesWritten)).toEqual(['2026-03-01']);
    expect(archives(newDay.filesWritten)).toEqual(['2026-01-15', '2026-02-10', '2026-03-01']);
    const base = w.deps.site.baseUrl;
    expect(linkHrefs(atomFeed(await w.read('archive/2026-01-15/atom.xml')))['next-archive']).toBe(`${base}/archive/2026-02-10/atom.xml`);
    expect(linkHrefs(atomFeed(await w.read('archive/2026-03-01/atom.xml')))['prev-archive']).toBe(`${base}/archive/2026-02-10/atom.xml`);
  });

  it('moves only the update time on a correction, never the publish time or the order', async () => {
    // Prepare
    await w.publish('older', { publishedAt: '2026-03-01T10:00:00Z' });
    await w.publish('newer', { publishedAt: '2026-03-05T10:00:00Z' });
    await regenerateAll(['older', 'newer'], w.deps);
    await w.publish('older', { publishedAt: '2026-03-01T10:00:00Z', title: 'Older, corrected', updatedAt: '2026-03-10T11:00:00.000Z' });
    // Act
    await regenerateAll(['older'], w.deps);
    // Assess
    const entries = atomEntries(await w.read('atom.xml'));
    expect(entries.map((entry) => [entry.id, entry.published, entry.updated])).toEqual([
      ['tag:news.example.com,2026:article:newer', '2026-03-05T10:00:00Z', '2026-03-05T10:00:00Z'],
      ['tag:news.example.com,2026:article:older', '2026-03-01T10:00:00Z', '2026-03-10T11:00:00.000Z'],
    ]);
  });

  it('announces a retraction with a tombstone in every Atom feed the story left, for tombstoneDays', async () => {
    // Prepare
    await w.publish('kept', { publishedAt: '2026-03-01T10:00:00Z' });
    await w.publish('withdrawn', { publishedAt: '2026-03-02T10:00:00Z', categories: ['Politics'], authors: [{ name: 'Ana Lima' }] });
    await regenerateAll(['kept', 'withdrawn'], w.deps);
    await w.retract('withdrawn', '2026-03-10T12:00:00.000Z');
    // Act
    await regenerateAll(['withdrawn'], w.deps);
    // Assess
    const tombstone = { '@ref': 'tag:news.example.com,2026:article:withdrawn', '@when': '2026-03-10T12:00:00.000Z' };
    for (const key of ['atom.xml', 'categories/politics/atom.xml', 'authors/ana-lima/atom.xml']) {
      const xml = await w.read(key);
      expect(atomFeed(xml)['at:deleted-entry']).toEqual([tombstone]);
      expect(atomEntries(xml).map((entry) => entry.id)).not.toContain(tombstone['@ref']);
    }
    expect(await w.read('feed.xml')).not.toContain('withdrawn');
    // After tombstoneDays the next regeneration of the feed drops it.
    w.clock.now = new Date('2026-04-10T12:00:01Z');
    await w.publish('later', { publishedAt: '2026-04-10T12:00:00Z' });
    await regenerateAll(['later'], w.deps);
    expect(atomFeed(await w.read('atom.xml'))).not.toHaveProperty('at:deleted-entry');
  });

  it("names a retracted story's kept id in its tombstone, in this run and the ones after", async () => {
    // Prepare: a story imported with the id its old feed gave it.
    const feedId = 'https://old.example.com/?p=1234';
    await w.publish('kept', { publishedAt: '2026-03-01T10:00:00Z' });
    await w.publish('imported', { publishedAt: '2026-03-02T10:00:00Z', feedId });
    await regenerateAll(['kept', 'imported'], w.deps);
    expect(atomEntries(await w.read('atom.xml')).map((entry) => entry.id)).toContain(feedId);
    await w.retract('imported', '2026-03-10T12:00:00.000Z');
    // Act: the retraction, then a later publish that renders the feed again from its stored state.
    await regenerateAll(['imported'], w.deps);
    const first = atomFeed(await w.read('atom.xml'))['at:deleted-entry'];
    await w.publish('later', { publishedAt: '2026-03-11T10:00:00Z' });
    await regenerateAll(['later'], w.deps);
    // Assess
    const tombstone = { '@ref': feedId, '@when': '2026-03-10T12:00:00.000Z' };
    expect(first).toEqual([tombstone]);
    expect(atomFeed(await w.read('atom.xml'))['at:deleted-entry']).toEqual([tombstone]);
  });

  it('withdraws the tombstone when a retracted story is published again', async () => {
    // Prepare
    await w.publish('back', { publishedAt: '2026-03-02T10:00:00Z' });
    await regenerateAll(['back'], w.deps);
    await w.retract('back', '2026-03-10T10:00:00.000Z');
    await regenerateAll(['back'], w.deps);
    await w.publish('back', { publishedAt: '2026-03-02T10:00:00Z', status: 'published', updatedAt: '2026-03-10T11:00:00.000Z' });
    // Act
    await regenerateAll(['back'], w.deps);
    // Assess
    const xml = await w.read('categories/world/atom.xml');
    expect(atomFeed(xml)).not.toHaveProperty('at:deleted-entry');
    expect(atomEntries(xml).map((entry) => entry.id)).toEqual(['tag:news.example.com,2026:article:back']);
  });

  it('keeps index.html listing every category and author feed that has stories', async () => {
    // Prepare
    await w.publish('one', { publishedAt: '2026-03-01T10:00:00Z', categories: ['Tech & Data'], authors: [{ name: 'محمد علي' }] });
    await regenerateAll(['one'], w.deps);
    const before = await w.read('index.html');
    await w.publish('one', { publishedAt: '2026-03-01T10:00:00Z', categories: ['Science'], authors: [{ name: 'محمد علي' }] });
    // Act
    await regenerateAll(['one'], w.deps);
    // Assess
    const base = w.deps.site.baseUrl;
    expect(before).toContain(
      `<link rel="alternate" type="application/rss+xml" title="The Daily Meridian: Tech &amp; Data (RSS)" href="${base}/categories/tech-data/feed.xml">`,
    );
    const after = await w.read('index.html');
    expect(after).toContain(`href="${base}/categories/science/atom.xml"`);
    expect(after).toContain('محمد علي');
    expect(after).not.toContain('tech-data');
  });

  it('projects a batch of stories in a few batch calls, not round trips per story', async () => {
    // Prepare
    const slugs = Array.from({ length: 60 }, (_, index) => `burst-${index}`);
    for (const [index, slug] of slugs.entries())
      await w.publish(slug, { publishedAt: `2026-03-10T0${index % 10}:${String(index).padStart(2, '0')}:00Z` });
    // The day has its page already (a day's first story renders it at once).
    await w.publish('earlier', { publishedAt: '2026-03-10T00:00:00Z' });
    await regenerateFeeds(['earlier'], w.deps);
    dynamoCalls.clear();
    // Act
    await regenerateFeeds(slugs, w.deps);
    // Assess: 60 stories in 3 feeds each (site, World, Nadia Rahman): 60 projections, 180 entries,
    // then the 3 feeds' states and the lease in one more; the archive page is the catalog's.
    expect(dynamoCalls.get('BatchGetItemCommand')).toBe(Math.ceil((3 * 60) / 100));
    expect(dynamoCalls.get('GetItemCommand') ?? 0).toBe(0);
    expect(dynamoCalls.get('PutItemCommand') ?? 0).toBe(0);
    expect(dynamoCalls.get('QueryCommand')).toBe(3);
    expect(dynamoCalls.get('UpdateItemCommand')).toBe(1);
    expect(dynamoCalls.get('BatchWriteItemCommand')).toBe(Math.ceil(60 / 25) + Math.ceil(180 / 25) + 1);
    expect(JSON.parse(await w.read('feed.json')).items).toHaveLength(50);
    expect(JSON.parse(await w.read('categories/world/feed.json')).items).toHaveLength(50);
    expect(atomEntries(await w.read('authors/nadia-rahman/atom.xml'))).toHaveLength(50);
  });

  it('waits while another regeneration holds the lease, then renders with what that one stored', async () => {
    // Prepare
    await w.publish('one', { publishedAt: '2026-03-01T10:00:00Z' });
    await regenerateFeeds(['one'], w.deps);
    const held = (await w.deps.index.acquire('another regeneration', 60_000))!;
    await w.publish('two', { publishedAt: '2026-03-01T11:00:00Z' });
    let waiting!: () => void;
    const foundItHeld = new Promise<void>((resolve) => (waiting = resolve));
    let written = false;
    // Act
    const regeneration = regenerateFeeds(['two'], {
      ...w.deps,
      sleep: (ms) => {
        waiting();
        return new Promise((resolve) => setTimeout(resolve, ms));
      },
    }).then((report) => {
      written = true;
      return report;
    });
    await foundItHeld;
    const whileHeld = written;
    await w.deps.index.release(held, new Map(), { pending: held.pending, newestArchiveDay: held.newestArchiveDay });
    await regeneration;
    // Assess
    expect(whileHeld).toBe(false);
    expect(atomEntries(await w.read('atom.xml')).map((entry) => entry.id)).toEqual([
      'tag:news.example.com,2026:article:two',
      'tag:news.example.com,2026:article:one',
    ]);
  });

  it('fails with FeedBusyError when the lease stays held past the wait, and changes nothing', async () => {
    // Prepare
    await w.publish('one', { publishedAt: '2026-03-01T10:00:00Z' });
    await regenerateFeeds(['one'], w.deps);
    const before = await w.read('feed.json');
    await w.deps.index.acquire('a long regeneration', 60_000);
    await w.publish('two', { publishedAt: '2026-03-01T11:00:00Z' });
    // Act
    const attempt = regenerateFeeds(['two'], { ...w.deps, waitForLeaseMs: 100 });
    // Assess
    await expect(attempt).rejects.toThrow(FeedBusyError);
    expect(await w.read('feed.json')).toBe(before);
  });

  it('refuses at once, without waiting, when told not to wait for a held lease', async () => {
    // Prepare
    await w.publish('one', { publishedAt: '2026-03-01T10:00:00Z' });
    await w.deps.index.acquire('a long regeneration', 60_000);
    const pauses: number[] = [];
    // Act
    const attempt = regenerateFeeds(['one'], { ...w.deps, waitForLeaseMs: 0, sleep: async (ms) => void pauses.push(ms) });
    // Assess
    await expect(attempt).rejects.toThrow(FeedBusyError);
    expect(pauses).toEqual([]);
  });

  it('renders nothing for a second delivery of a change this process already brought to the feeds: the lease, one read, the release', async () => {
    // Prepare
    const deps = { ...w.deps, regenerated: new RegeneratedStories() };
    await w.publish('first', { publishedAt: '2026-03-10T08:00:00Z' });
    await regenerateFeeds(['first'], deps);
    await w.publish('second', { publishedAt: '2026-03-10T09:00:00Z' });
    await regenerateFeeds(['second'], deps);
    const before = await w.read('feed.json');
    dynamoCalls.clear();
    s3Calls.put = 0;
    // Act
    const again = await regenerateFeeds(['second', 'first'], deps);
    const callsAgain = new Map(dynamoCalls);
    const putsAgain = s3Calls.put;
    const afterAgain = await w.read('feed.json');
    await w.publish('second', { publishedAt: '2026-03-10T09:00:00Z', title: 'Second, corrected' });
    dynamoCalls.clear();
    const corrected = await regenerateFeeds(['second'], deps);
    // Assess
    expect(again).toEqual({ feedsChanged: [], filesWritten: [] });
    expect(Object.fromEntries(callsAgain)).toEqual({ UpdateItemCommand: 1, BatchGetItemCommand: 1, BatchWriteItemCommand: 1 });
    expect(putsAgain).toBe(0);
    expect(afterAgain).toBe(before);
    // A story changed since is rendered again, in full.
    expect(dynamoCalls.get('QueryCommand')).toBe(3);
    expect(corrected.filesWritten).toContain('feed.json');
    expect(await w.read('feed.json')).toContain('Second, corrected');
  });

  describe('when a publish waits for its feeds (pagesForPeopleLater)', () => {
    const FEED_DIRECTORIES = ['', 'categories/world/', 'authors/nadia-rahman/'];
    const SUBSCRIPTION_FILES = FEED_DIRECTORIES.flatMap((directory) =>
      ['feed.xml', 'atom.xml', 'feed.json'].map((file) => directory + file),
    );
    const PAGES = FEED_DIRECTORIES.map((directory) => `${directory}feed.html`);
    /** One story in the feeds, then a second one published by a run a publish waits for. */
    const publishWaitedFor = async (deps: RegenerateDependencies) => {
      await w.publish('first', { publishedAt: '2026-03-10T08:00:00Z' });
      await regenerateFeeds(['first'], deps);
      await w.publish('second', { publishedAt: '2026-03-10T09:00:00Z' });
      return regenerateFeeds(['second'], { ...deps, pagesForPeopleLater: true });
    };

    it("writes only the readers' files, and the stream's delivery of the same change writes the pages", async () => {
      // Prepare
      const deps = { ...w.deps, regenerated: new RegeneratedStories() };

      // Act
      const waitedFor = await publishWaitedFor(deps);
      const meanwhile = { feeds: await Promise.all(SUBSCRIPTION_FILES.map(w.read)), pages: await Promise.all(PAGES.map(w.read)) };
      const pendingMeanwhile = await w.deps.index.pendingWork();
      const invalidationsBefore = cdn.invalidations.length;
      s3Calls.put = 0;
      const delivered = await regenerateFeeds(['second'], deps);

      // Assess
      expect(waitedFor.filesWritten.sort()).toEqual([...SUBSCRIPTION_FILES].sort());
      for (const feed of meanwhile.feeds) expect(feed).toContain('Story second');
      for (const page of meanwhile.pages) expect(page).not.toContain('Story second');
      expect(pendingMeanwhile.feedPages).toEqual(['author:nadia-rahman', 'category:world', 'site']);
      expect(delivered.filesWritten.sort()).toEqual([...PAGES].sort());
      expect(s3Calls.put).toBe(3);
      for (const page of PAGES) expect(await w.read(page)).toContain('Story second');
      expect(await Promise.all(SUBSCRIPTION_FILES.map(w.read))).toEqual(meanwhile.feeds);
      expect((await w.deps.index.pendingWork()).feedPages).toEqual([]);
      // This deployment invalidates feeds on every publish, and so their pages.
      expect(
        cdn.invalidations
          .slice(invalidationsBefore)
          .flatMap((invalidation) => invalidation.paths)
          .sort(),
      ).toEqual(PAGES.map((page) => `/${page}`).sort());
    });

    it('leaves the pages to a process that never saw the publish, which writes them and no feed file', async () => {
      // Prepare
      await publishWaitedFor(w.deps);
      const other = w.anotherIndex();

      // Act
      const delivered = await regenerateFeeds(['second'], {
        ...w.deps,
        index: other,
        catalog: other,
        regenerated: new RegeneratedStories(),
      });

      // Assess
      expect(delivered.filesWritten.sort()).toEqual([...PAGES].sort());
      for (const page of PAGES) expect(await w.read(page)).toContain('Story second');
      expect((await w.deps.index.pendingWork()).feedPages).toEqual([]);
    });

    it('leaves them to the catalog refresh at the latest', async () => {
      // Prepare
      await publishWaitedFor(w.deps);

      // Act
      const refreshed = await refreshCatalog(w.deps);

      // Assess
      expect(refreshed).toEqual(expect.arrayContaining(PAGES));
      for (const page of PAGES) expect(await w.read(page)).toContain('Story second');
      expect(await w.deps.index.pendingWork()).toEqual({ days: [], directory: {}, feedPages: [] });
    });

    it('leaves them for later also when the story starts a day and the archive page is written at once', async () => {
      // Prepare
      await w.publish('first', { publishedAt: '2026-03-09T08:00:00Z' });
      await regenerateAll(['first'], w.deps);
      await w.publish('second', { publishedAt: '2026-03-10T09:00:00Z' });

      // Act
      const report = await regenerateFeeds(['second'], { ...w.deps, pagesForPeopleLater: true });

      // Assess
      expect(report.filesWritten).toEqual(expect.arrayContaining(['archive/2026-03-10/feed.json', ...SUBSCRIPTION_FILES]));
      for (const page of PAGES) expect(report.filesWritten).not.toContain(page);
      expect((await w.deps.index.pendingWork()).feedPages).toEqual(['author:nadia-rahman', 'category:world', 'site']);
    });

    it("lets a run for another story's feeds write them", async () => {
      // Prepare
      await publishWaitedFor(w.deps);
      await w.publish('elsewhere', { publishedAt: '2026-03-10T10:00:00Z', categories: ['Sport'], authors: [{ name: 'Lee Park' }] });

      // Act
      const report = await regenerateFeeds(['elsewhere'], w.deps);

      // Assess
      expect(report.filesWritten).toEqual(expect.arrayContaining(['categories/world/feed.html', 'authors/nadia-rahman/feed.html']));
      expect(report.filesWritten).not.toContain('categories/world/feed.xml');
      expect(await w.read('categories/world/feed.html')).toContain('Story second');
      expect((await w.deps.index.pendingWork()).feedPages).toEqual([]);
    });

    it('keeps them through a failed run, and never shows on a page what its feed does not', async () => {
      // Prepare: a later run stores a third story in the table, then fails writing its files.
      await publishWaitedFor(w.deps);
      await w.publish('third', { publishedAt: '2026-03-10T10:00:00Z' });
      const failing: RegenerateDependencies['store'] = {
        publish: async () => {
          throw new Error('S3 is down');
        },
      };
      await expect(regenerateFeeds(['third'], { ...w.deps, store: failing, pagesForPeopleLater: true })).rejects.toThrow('S3 is down');
      const pendingAfterTheFailure = (await w.deps.index.pendingWork()).feedPages;

      // Act: the catalog refresh comes before the stream's retry.
      await refreshCatalog(w.deps);

      // Assess: each page and its feed hold the same stories.
      expect(pendingAfterTheFailure).toEqual(['author:nadia-rahman', 'category:world', 'site']);
      for (const directory of FEED_DIRECTORIES) {
        const [page, feed] = [await w.read(`${directory}feed.html`), await w.read(`${directory}feed.xml`)];
        expect(page, directory).toContain('Story third');
        expect(feed, directory).toContain('Story third');
      }
    });

    it('writes them at once when a story leaves a feed without a retraction', async () => {
      // Prepare
      await w.publish('first', { publishedAt: '2026-03-10T08:00:00Z' });
      await regenerateFeeds(['first'], w.deps);
      await w.publish('first', { publishedAt: '2026-03-10T08:00:00Z', categories: ['Sport'] });

      // Act
      const report = await regenerateFeeds(['first'], { ...w.deps, pagesForPeopleLater: true });

      // Assess
      expect(report.filesWritten).toEqual(expect.arrayContaining(['categories/world/feed.html', 'categories/sport/feed.html']));
      expect(await w.read('categories/world/feed.html')).not.toContain('Story first');
      expect((await w.deps.index.pendingWork()).feedPages).toEqual([]);
    });

    it('writes the pages at once for a retraction', async () => {
      // Prepare
      await w.publish('first', { publishedAt: '2026-03-10T08:00:00Z' });
      await regenerateFeeds(['first'], w.deps);
      await w.retract('first', '2026-03-10T10:00:00Z');

      // Act
      const report = await regenerateFeeds(['first'], { ...w.deps, pagesForPeopleLater: true });

      // Assess
      expect(report.filesWritten).toEqual(expect.arrayContaining(PAGES));
      for (const page of PAGES) expect(await w.read(page)).not.toContain('Story first');
      expect((await w.deps.index.pendingWork()).feedPages).toEqual([]);
    });
  });

  it("keeps each feed's newest entries in a warm process exactly as a read of the table finds them, and reads a feed only when it must", async () => {
    // Prepare: feeds of three entries, so that stories fall below them and retractions open gaps.
    const warm = w.anotherIndex({ keepFeedWindows: true });
    const deps: RegenerateDependencies = { ...w.deps, index: warm, catalog: warm, site: { ...w.deps.site, feedSize: 3 } };
    const FEEDS = ['site', 'category:world', 'author:nadia-rahman', 'category:sport'];
    const queriesFor = async (step: () => Promise<unknown>) => {
      feedReads.count = 0;
      await step();
      return feedReads.count;
    };
    /** Each feed as the warm index holds it, and as a fresh index reads it from the table. */
    const bothViews = async () => {
      const cold = w.anotherIndex();
      const view = async (index: DynamoFeedIndex) =>
        Promise.all(
          FEEDS.map(async (feedKey) => {
            const { articles, fragments, state } = await index.latest(feedKey, 3);
            return { feedKey, entries: articles.map((article) => ({ article, fragments: fragments.get(article) })), state };
          }),
        );
      return { warm: await view(warm), cold: await view(cold) };
    };
    const steps: [string, () => Promise<unknown>][] = [
      [
        'four stories, one below the feed',
        async () => {
          for (const [slug, hour] of [
            ['a', '08'],
            ['b', '09'],
            ['c', '10'],
            ['d', '11'],
          ] as const) {
            await w.publish(slug, { publishedAt: `2026-03-10T${hour}:00:00Z` });
            await regenerateFeeds([slug], deps);
          }
        },
      ],
      [
        'a correction inside the feed',
        () => w.publish('c', { publishedAt: '2026-03-10T10:00:00Z', title: 'C, corrected' }).then(() => regenerateFeeds(['c'], deps)),
      ],
      [
        'a story published below the feed',
        () => w.publish('e', { publishedAt: '2026-03-10T07:00:00Z' }).then(() => regenerateFeeds(['e'], deps)),
      ],
      [
        'a story moved to another category',
        () => w.publish('d', { publishedAt: '2026-03-10T11:00:00Z', categories: ['Sport'] }).then(() => regenerateFeeds(['d'], deps)),
      ],
      ['a retraction that opens a gap', () => w.retract('c', '2026-03-10T12:00:00Z').then(() => regenerateFeeds(['c'], deps))],
      [
        'a publish time moved earlier',
        () => w.publish('b', { publishedAt: '2026-03-10T06:00:00Z' }).then(() => regenerateFeeds(['b'], deps)),
      ],
    ];
    // Act
    const views: { step: string; queries: number; views: Awaited<ReturnType<typeof bothViews>> }[] = [];
    for (const [step, run] of steps) views.push({ step, queries: await queriesFor(run), views: await bothViews() });
    // Another process regenerates (it takes the lease): the warm index can no longer trust what it kept.
    await w.publish('f', { publishedAt: '2026-03-10T13:00:00Z' });
    await regenerateFeeds(['f'], { ...deps, index: w.anotherIndex(), catalog: w.anotherIndex() });
    await w.publish('g', { publishedAt: '2026-03-10T14:00:00Z' });
    const queriesAfterAnother = await queriesFor(() => regenerateFeeds(['g'], deps));
    const afterAnother = await bothViews();
    // Assess
    for (const { step, views: both } of views) expect(both.warm, step).toEqual(both.cold);
    expect(afterAnother.warm).toEqual(afterAnother.cold);
    expect(afterAnother.cold[0]!.entries.map((entry) => entry.article.slug)).toEqual(['g', 'f', 'd']);
    // Each feed is read once; then a correction and a story below the feed read nothing. A story
    // leaving a full feed opens a gap that only a read can fill: World when d moves to Sport (whose
    // empty feed was already kept), all three when c is retracted and when b moves down out of its place.
    expect(views.map(({ step, queries }) => [step, queries])).toEqual([
      ['four stories, one below the feed', 3],
      ['a correction inside the feed', 0],
      ['a story published below the feed', 0],
      ['a story moved to another category', 1],
      ['a retraction that opens a gap', 3],
      ['a publish time moved earlier', 3],
    ]);
    expect(queriesAfterAnother).toBe(3);
  });

  it('leaves a story of a day that has its page to the catalog refresh, and the refresh adds it', async () => {
    // Prepare
    await w.publish('first', { publishedAt: '2026-03-10T08:00:00Z' });
    await regenerateFeeds(['first'], w.deps);
    await w.publish('second', { publishedAt: '2026-03-10T09:00:00Z' });
    // Act
    const report = await regenerateFeeds(['second'], w.deps);
    const pageBefore = await w.read('archive/2026-03-10/feed.json');
    const pending = await w.deps.index.pendingWork();
    const refreshed = await refreshCatalog(w.deps);
    // Assess
    expect(report.filesWritten.sort()).toEqual([
      'atom.xml',
      'authors/nadia-rahman/atom.xml',
      'authors/nadia-rahman/feed.html',
      'authors/nadia-rahman/feed.json',
      'authors/nadia-rahman/feed.xml',
      'categories/world/atom.xml',
      'categories/world/feed.html',
      'categories/world/feed.json',
      'categories/world/feed.xml',
      'feed.html',
      'feed.json',
      'feed.xml',
    ]);
    expect(JSON.parse(pageBefore).items.map((item: { id: string }) => item.id)).toEqual(['tag:news.example.com,2026:article:first']);
    expect(pending.days).toEqual(['2026-03-10']);
    expect(refreshed).toEqual(expect.arrayContaining(['archive/2026-03-10/feed.json']));
    expect(JSON.parse(await w.read('archive/2026-03-10/feed.json')).items).toHaveLength(2);
    expect(await w.deps.index.pendingWork()).toEqual({ days: [], directory: {}, feedPages: [] });
    // Nothing left: the next refresh reads one item and writes nothing.
    dynamoCalls.clear();
    expect(await refreshCatalog(w.deps)).toEqual([]);
    expect([...dynamoCalls]).toEqual([['GetItemCommand', 1]]);
  });

  it('stores the subscription feeds before the archive pages and the directory when a story starts a day', async () => {
    // Prepare
    await w.publish('first', { publishedAt: '2026-03-01T10:00:00Z' });
    await regenerateAll(['first'], w.deps);
    await w.publish('second', { publishedAt: '2026-03-10T09:00:00Z', categories: ['Science'] });
    const stored: string[] = [];
    const store = w.deps.store;
    const deps: RegenerateDependencies = {
      ...w.deps,
      store: {
        publish: async (files, recorded) => {
          const result = await store.publish(files, recorded);
          stored.push(...files.map((file) => file.key));
          return result;
        },
      },
    };
    // Act
    await regenerateFeeds(['second'], deps);
    // Assess
    const catalogPage = (key: string) => key.startsWith('archive/') || key === 'index.html';
    const firstCatalogPage = stored.findIndex(catalogPage);
    expect(stored.filter(catalogPage)).toEqual(
      expect.arrayContaining(['archive/2026-03-10/feed.xml', 'archive/2026-03-01/feed.xml', 'index.html']),
    );
    expect(stored.slice(0, firstCatalogPage).sort()).toEqual(
      [
        'feed.xml',
        'atom.xml',
        'feed.json',
        'feed.html',
        'categories/science/feed.xml',
        'categories/science/atom.xml',
        'categories/science/feed.json',
        'categories/science/feed.html',
        'authors/nadia-rahman/feed.xml',
        'authors/nadia-rahman/atom.xml',
        'authors/nadia-rahman/feed.json',
        'authors/nadia-rahman/feed.html',
      ].sort(),
    );
  });

  it('gives up the lease of a failed render, so the retry renders at once', async () => {
    // Prepare
    await w.publish('during-outage', { publishedAt: '2026-03-01T10:00:00Z' });
    // Every feed file fails after the lease was taken.
    const store = { publish: (_files: FeedFile[]) => Promise.reject(new Error('S3 is down')) };
    const failing = { ...w.deps, waitForLeaseMs: 200, store };
    await expect(regenerateAll(['during-outage'], failing)).rejects.toThrow('S3 is down');
    // Act
    const retry = await regenerateAll(['during-outage'], { ...w.deps, waitForLeaseMs: 200 });
    // Assess
    expect(retry.filesWritten).toEqual(expect.arrayContaining(['feed.xml', 'atom.xml', 'feed.json', 'archive/2026-03-01/atom.xml']));
    expect(atomEntries(await w.read('atom.xml')).map((entry) => entry.id)).toEqual(['tag:news.example.com,2026:article:during-outage']);
  });

  it('pings the hub for exactly the subscription feeds whose files changed', async () => {
    // Prepare
    await w.publish('first', { publishedAt: '2026-03-01T10:00:00Z', categories: ['World'], authors: [{ name: 'Ana Lima' }] });
    await regenerateAll(['first'], w.deps);
    hub.pings.length = 0;
    await w.publish('second', { publishedAt: '2026-03-02T10:00:00Z', categories: ['Science'], authors: [{ name: 'Ana Lima' }] });
    // Act
    await regenerateAll(['second'], w.deps);
    const again = hub.pings.length;
    await regenerateAll(['second'], w.deps);
    // Assess
    const base = w.deps.site.baseUrl;
    const expected = ['', 'categories/science/', 'authors/ana-lima/'].flatMap((dir) =>
      ['feed.xml', 'atom.xml', 'feed.json'].map((file) => `${base}/${dir}${file}`),
    );
    expect(hub.pings.slice(0, again).sort()).toEqual(expected.sort());
    // A replay that changes no file pings nobody.
    expect(hub.pings).toHaveLength(again);
    expect(rssChannel(await w.read('categories/world/feed.xml')).title).toBe('The Daily Meridian: World');
  });

  it('asks CloudFront to drop the files it rewrote that caches keep, list feeds or readers subscribe to', async () => {
    // Prepare: the clock says 2026-03-10; one story of a past day, then one of today.
    await w.publish('first', { publishedAt: '2026-03-01T10:00:00Z', categories: ['World'], authors: [{ name: 'Ana Lima' }] });
    await regenerateAll(['first'], w.deps);
    await w.publish('second', { publishedAt: '2026-03-02T10:00:00Z', categories: ['Science'], authors: [{ name: 'Ana Lima' }] });
    await w.publish('today', { publishedAt: '2026-03-10T09:00:00Z', categories: ['World'], authors: [{ name: 'Ana Lima' }] });
    const mine = () => cdn.invalidations.filter((invalidation) => invalidation.distributionId === `E${tableCount}`);
    const invalidatedBy = async (slug: string) => {
      const before = mine().length;
      const report = await regenerateAll([slug], w.deps);
      const made = mine().slice(before);
      return { report, made, paths: made.flatMap((invalidation) => invalidation.paths).sort() };
    };
    // Act
    const pastDay = await invalidatedBy('second');
    const today = await invalidatedBy('today');
    const replay = await invalidatedBy('today');
    // Assess
    // A past day's page is cached for a month: invalidated with the feeds, and so is index.html,
    // which lists the new Science feed. The feeds in one invalidation, the catalog pages in another.
    expect(pastDay.report.filesWritten).toContain('index.html');
    expect(pastDay.made).toHaveLength(2);
    expect(pastDay.paths).toEqual(pastDay.report.filesWritten.map((key) => `/${key}`).sort());
    expect(pastDay.paths).toEqual(
      expect.arrayContaining(['/feed.xml', '/categories/science/feed.json', '/authors/ana-lima/atom.xml', '/archive/2026-03-02/feed.xml']),
    );
    expect(pastDay.paths).not.toContain('/categories/world/feed.xml');
    // Today's page keeps the feeds' minute.
    expect(today.report.filesWritten).toEqual(expect.arrayContaining(['archive/2026-03-10/feed.xml', 'archive/2026-03-02/feed.xml']));
    expect(today.paths).toEqual(
      today.report.filesWritten
        .filter((key) => !key.startsWith('archive/2026-03-10/'))
        .map((key) => `/${key}`)
        .sort(),
    );
    expect(today.paths).toEqual(expect.arrayContaining(['/categories/world/atom.xml', '/archive/2026-03-02/atom.xml']));
    expect(new Set(mine().map((invalidation) => invalidation.callerReference)).size).toBe(mine().length);
    // A replay that rewrites nothing invalidates nothing.
    expect(replay.made).toEqual([]);
  });

  it('by default invalidates only the files caches keep long, and announces the feeds once every edge copy has expired', async () => {
    // Prepare: the default freshness (an edge lifetime, no invalidation of the feeds).
    w.deps.freshness = { edgeSeconds: 5, invalidateFeeds: false };
    await w.publish('first', { publishedAt: '2026-03-01T10:00:00Z', categories: ['World'], authors: [{ name: 'Ana Lima' }] });
    await regenerateAll(['first'], w.deps);
    const before = cdn.invalidations.length;
    announcements.length = 0;
    await w.publish('second', { publishedAt: '2026-03-02T10:00:00Z', categories: ['World'], authors: [{ name: 'Ana Lima' }] });
    // Act
    const report = await regenerateAll(['second'], w.deps);
    // Assess: the past day's page (cached a month) is invalidated, none of the nine feeds.
    const paths = cdn.invalidations.slice(before).flatMap((invalidation) => invalidation.paths);
    expect(report.filesWritten).toEqual(expect.arrayContaining(['feed.xml', 'categories/world/atom.xml', 'archive/2026-03-02/feed.xml']));
    expect(paths).toEqual(expect.arrayContaining(['/archive/2026-03-02/feed.xml']));
    expect(paths.filter((path) => !path.startsWith('/archive/'))).toEqual([]);
    expect(await w.cacheControl('feed.xml')).toBe('public, max-age=60, s-maxage=5');
    // Announced for when two edge lifetimes and a second have passed, with no invalidation to wait for.
    expect(announcements).toEqual([
      {
        topics: expect.arrayContaining([`${w.deps.site.baseUrl}/feed.xml`]),
        freshAt: new Date(w.clock.now.getTime() + 11_000).toISOString(),
      },
    ]);
    expect(announcements[0]!.topics).toHaveLength(9);
  });

  it('invalidates the feeds a retraction changed even by default, and announces them once the invalidation completes', async () => {
    // Prepare
    w.deps.freshness = { edgeSeconds: 5, invalidateFeeds: false };
    await w.publish('first', { publishedAt: '2026-03-10T08:00:00Z', categories: ['World'], authors: [{ name: 'Ana Lima' }] });
    await w.publish('second', { publishedAt: '2026-03-10T09:00:00Z', categories: ['World'], authors: [{ name: 'Ana Lima' }] });
    await regenerateAll(['first', 'second'], w.deps);
    const before = cdn.invalidations.length;
    announcements.length = 0;
    await w.retract('second', '2026-03-10T11:00:00Z');
    // Act
    await regenerateAll(['second'], w.deps);
    // Assess
    const paths = cdn.invalidations.slice(before).flatMap((invalidation) => invalidation.paths);
    expect(paths).toEqual(expect.arrayContaining(['/feed.xml', '/categories/world/atom.xml', '/authors/ana-lima/feed.json']));
    expect(announcements).toHaveLength(1);
    expect(announcements[0]!.invalidationId).toEqual(expect.any(String));
  });

  it('asks S3 nothing about files whose signatures the last release recorded', async () => {
    // Prepare
    await w.publish('first', { publishedAt: '2026-03-01T10:00:00Z' });
    await regenerateAll(['first'], w.deps);
    await w.publish('second', { publishedAt: '2026-03-02T10:00:00Z' });
    s3Calls.head = s3Calls.put = 0;
    // Act
    const report = await regenerateAll(['second'], w.deps);
    const afterPublish = { ...s3Calls };
    await regenerateAll(['second'], w.deps);
    // Assess
    expect(afterPublish.head).toBe(report.filesWritten.filter((key) => key.includes('2026-03-02')).length);
    expect(afterPublish.put).toBe(report.filesWritten.length);
    expect(atomEntries(await w.read('atom.xml')).map((entry) => entry.id)).toEqual([
      'tag:news.example.com,2026:article:second',
      'tag:news.example.com,2026:article:first',
    ]);
    // The replay finds every file as recorded: no HEAD, no PUT.
    expect(s3Calls).toEqual(afterPublish);
  });

  it('compares with S3 again after a holder that stopped without releasing the lease', async () => {
    // Prepare: the feeds are published, then a regeneration dies holding the site feed's lease
    // after (for all anyone knows) writing some of its files.
    await w.publish('story', { publishedAt: '2026-03-01T10:00:00Z' });
    await regenerateAll(['story'], w.deps);
    await w.remove('feed.xml');
    await w.deps.index.acquire('a regeneration that was killed', 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Act
    const written = await renderFeeds([SITE_FEED], w.deps);
    // Assess
    expect(written).toEqual(['feed.xml']);
    expect(rssChannel(await w.read('feed.xml')).title).toBe('The Daily Meridian');
  });

  it('forgets the record when a publish fails, as some files may have been written', async () => {
    // Prepare
    await w.publish('story', { publishedAt: '2026-03-01T10:00:00Z' });
    await regenerateAll(['story'], w.deps);
    await w.remove('feed.xml');
    const failing = { ...w.deps, store: { publish: () => Promise.reject(new Error('S3 is down')) } };
    await expect(renderFeeds([SITE_FEED], failing)).rejects.toThrow('S3 is down');
    // Act
    const written = await renderFeeds([SITE_FEED], w.deps);
    // Assess
    expect(written).toEqual(['feed.xml']);
  });

  it('compares every file with S3 in repair mode, whatever the records say', async () => {
    // Prepare
    await w.publish('story', { publishedAt: '2026-03-01T10:00:00Z' });
    await regenerateAll(['story'], w.deps);
    await w.remove('atom.xml');
    // Act: trusting the record misses the file lost behind the product's back; repair does not.
    const trusting = await renderFeeds([SITE_FEED], w.deps);
    const repairing = await renderFeeds([SITE_FEED], { ...w.deps, verifyStoredFiles: true });
    // Assess
    expect(trusting).toEqual([]);
    expect(repairing).toEqual(['atom.xml']);
    expect(atomFeed(await w.read('atom.xml')).title).toBeDefined();
  });
});
