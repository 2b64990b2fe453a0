/**
 * Scenarios 1, 2, 3 and 6 on the embedded local stack: the same handlers as in Lambda, started in
 * this process by startLocalRuntime (dynalite in memory, s3rver on a temporary directory, the
 * stream and CDN stand-ins), against an archive of `--stories` stories:
 *
 *  - seed:    stories written straight to the table in the app's item shapes (lib/seed.ts), then
 *             one real regeneration (the handler) to bring the files to a steady state; the item
 *             shapes are checked on a sample by letting the handler re-project seeded stories;
 *  - growth:  the regenerate handler timed on one new story at a time (its site, category and
 *             author feeds and whatever else the regenerator keeps in step), with the SDK calls
 *             it makes counted and the files it writes listed, plus two labelled what-ifs;
 *  - latency: PUT over HTTP, then the moment all three formats of the story's site, category
 *             and author feeds hold it, read from the bucket (publish-to-origin);
 *  - reader:  what readers and WebSub hubs get through the caching CDN stand-in, with the
 *             freshness strategy of `--freshness` and invalidations that take
 *             `--invalidation-delay-ms`: PUT until a reader polling `/feed.json` through the CDN
 *             sees the story, invalidation paths per publish, and fetches by a hub (one that
 *             fetches each topic through the CDN when pinged) that lacked their story;
 *  - bytes:   feed sizes raw / gzip / brotli as the CDN stand-in serves them, and a 304 check;
 *  - burst:   publishes fired as fast as the server accepts them, regenerations counted, the time
 *             until every feed holds every story, and a check (reading every feed) that they do.
 *
 * bench/run.ts runs it once per archive size, each in a fresh process with a fresh store (the
 * runtime sets process.env and loads the handlers once per process).
 */
import '../lib/quiet-sdk.js';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { inParallel, sleep } from '../../functions/commons/concurrency.js';
import { BenchmarkBrokenError, deadline, machineLoad, numberArg, progress, scenarioArgs, writeResult } from '../lib/scenario.js';
import { closeHttpClient, loopback, request, retriedReads } from '../lib/http.js';
import { CommandStats } from '../lib/command-stats.js';
import { profileSection } from '../lib/profiler.js';
import { distribution, round } from '../lib/stats.js';
import { AUTHORS, CATEGORIES, storyInput } from '../lib/stories.js';
import { startFetchingHub } from '../../tests/support/fetching-hub.js';

process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

const args = scenarioArgs();
const stories = numberArg(args, 'stories', 1_000);
if (!Number.isInteger(stories) || stories < 100) throw new Error('--stories takes an archive size of at least 100');
const publishes = numberArg(args, 'publishes', 200);
const burstSize = numberArg(args, 'burst', 1_000);
const burstConcurrency = numberArg(args, 'burst-concurrency', 32);
/** How many categories and authors the burst's stories are spread over (default all: 20 and 50). */
const burstCategories = Math.min(CATEGORIES.length, numberArg(args, 'burst-spread', CATEGORIES.length)) || CATEGORIES.length;
const burstAuthors = Math.min(AUTHORS.length, numberArg(args, 'burst-spread', AUTHORS.length)) || AUTHORS.length;
// Every burst story must fit in its category and author feeds (50 stories each) to be checked there.
if (Math.ceil(burstSize / Math.min(burstCategories, burstAuthors)) > 50)
  throw new Error('--burst is too large for --burst-spread: at most 50 stories per feed');
const growthRuns = numberArg(args, 'growth-runs', 20);
/** The category and author of every story the growth runs and what-ifs publish. */
const GROWTH_CATEGORY = CATEGORIES[0]!;
const GROWTH_AUTHOR = AUTHORS[0]!;
/**
 * Time budgets per archive size, so that the benchmark ends in bounded time however slow the
 * product is: latency stops after `--publishes` or when its budget is spent (but never before
 * `--min-publishes`); growth likewise. The results say how many were measured.
 */
const latencyBudgetMs = numberArg(args, 'latency-budget-s', 600) * 1000;
const minPublishes = Math.min(publishes, numberArg(args, 'min-publishes', 20));
const growthBudgetMs = numberArg(args, 'growth-budget-s', 120) * 1000;
const minGrowthRuns = Math.min(growthRuns, 3);
const whatIfRuns = numberArg(args, 'what-if-runs', 10);
/** `all`: the first regeneration covers the newest story of every feed (steady state everywhere); `site`: only the site feed's (faster, for --quick). */
const warmup = args.warmup === 'site' ? 'site' : 'all';
const profileDir = args['profile-dir'];
const log = progress(`archive ${stories}`);
deadline(numberArg(args, 'deadline-s', 480) * 1000, `archive ${stories}`);

/**
 * `memory` (default): dynalite keeps the table in memory, in its worker thread's heap; s3rver
 * writes the bucket to a temporary directory, removed at the end. `disk`: the table persists too,
 * in a data directory, as `npm start` keeps `.data/`; LevelDB
 * then compacts a large archive in the background on the same two cores, at times of its own
 * choosing, and at 50,000 stories a regeneration took 147-238 ms (p50) in runs of the same code
 * against 136-197 ms at 1,000 for the same calls and bytes. (Before the stand-ins had threads of
 * their own, memory was the worse choice: a 2.7 GB heap on the handlers' thread.)
 */
const store = args.store === 'disk' ? 'disk' : 'memory';
const dataDir = store === 'disk' ? temporaryDataDir() : undefined;

function temporaryDataDir(): string {
  const parent = fileURLToPath(new URL('../.tmp/', import.meta.url));
  mkdirSync(parent, { recursive: true });
  return mkdtempSync(path.join(parent, 'archive-'));
}

/**
 * How long a CloudFront invalidation takes here. AWS documents no completion time; its SDK's
 * waiter for one (`waitUntilInvalidationCompleted`) first looks after 20 s and gives up after
 * 600 s, and reports from users put most under a minute. So 20 s, unless told otherwise.
 */
const REALISTIC_INVALIDATION_DELAY_MS = 20_000;
const invalidationDelayMs = numberArg(args, 'invalidation-delay-ms', REALISTIC_INVALIDATION_DELAY_MS);
/**
 * `edge` (AWS's default: the feeds' edge lifetime of 5 s, no invalidation of them) or `invalidate`
 * (the strategy before it: each rewritten feed file invalidated, and the edge keeping a feed 60 s).
 */
const freshness = args.freshness === 'invalidate' ? 'invalidate' : 'edge';
if (freshness === 'invalidate') process.env.FEED_EDGE_SECONDS ??= '60';
const readerPublishes = numberArg(args, 'reader-publishes', 0);
/** A moment, at random within this, before each publish of the reader's view: longer than the feeds' edge lifetime. */
const READER_PUBLISH_SPREAD_MS = 6_000;
// Set before the runtime loads the handlers: they read it at import, as in Lambda.
process.env.INVALIDATE_FEEDS = String(freshness === 'invalidate');
const hub = await startFetchingHub();
hub.fetching = false;
process.env.WEBSUB_HUBS = hub.url;

const { startLocalRuntime } = await import('../../infra/local/local-runtime.js');
const token = randomBytes(24).toString('base64url');
const runtime = await startLocalRuntime({
  port: 0,
  dataDir,
  token,
  scheduleIntervalMs: 60_000,
  cdnInvalidationDelayMs: invalidationDelayMs,
  log: (message) => log(`runtime: ${message}`),
});
const base = loopback(runtime.url);
/** The poller's own client to the bucket, apart from the handlers' (whose calls are counted). */
const originClient = new S3Client(runtime.standIns.clientConfig.s3);

// The same module instances the runtime loaded (handlers read their configuration at import).
const { handler: regenerate } = (await import('../../functions/regenerate/handler.js')) as {
  handler: (event: DynamoDBStreamEvent) => Promise<void>;
};
const { dynamoDbClient } = await import('../../functions/commons/clients/dynamodb.js');
const { s3Client } = await import('../../functions/commons/clients/s3.js');
const { feedBucket, loadSite, tableName } = await import('../../functions/commons/config.js');
const { articleItem } = await import('../../functions/adapters/dynamo-article-repository.js');
const { keys } = await import('../../functions/adapters/table-keys.js');
const { membershipsOf } = await import('../../functions/use-cases/regenerate-feeds.js');
const { draftArticle, parseArticleInput } = await import('../../functions/domain/article-input.js');
const { authorFeed, categoryFeed, feedUrl, FEED_FORMATS, SITE_FEED } = await import('../../functions/domain/feeds.js');
const { seedArchive, storyItems, STORIES_PER_DAY } = await import('../lib/seed.js');
const { batchWrite } = await import('../../functions/adapters/batch-write.js');
const { documentClient } = await import('../../functions/commons/clients/dynamodb.js');
const { DynamoFeedIndex } = await import('../../functions/adapters/dynamo-feed-index.js');
const { S3FeedStore } = await import('../../functions/adapters/s3-feed-store.js');
const { regenerateFeeds } = await import('../../functions/use-cases/regenerate-feeds.js');
const { systemClock } = await import('../../functions/use-cases/ports.js');
const { RenderedEntries } = await import('../../functions/rendering/rendered-entries.js');
type RegenerateDependencies = import('../../functions/use-cases/regenerate-feeds.js').RegenerateDependencies;
type FeedRef = import('../../functions/domain/feeds.js').FeedRef;

const site = loadSite();
const table = tableName();
// A client of our own: its writes are not seen by the stream stand-in (no regeneration per seeded item).
const { requestHandlerSettings } = await import('../../functions/commons/clients/request-handler.js');
const seedingClient = DynamoDBDocumentClient.from(new DynamoDBClient({ requestHandler: requestHandlerSettings() }), {
  marshallOptions: { removeUndefinedValues: true },
});
// Round trips of the handlers' own clients (the CDN stand-in and the seeding client are not counted).
const calls = new CommandStats();
calls.attach(dynamoDbClient, 'dynamodb');
calls.attach(s3Client, 's3');

/** What the poller last read of each URL, so that it asks as a feed reader does: If-None-Match. */
const lastRead = new Map<string, { etag: string; body: Buffer }>();

const result: Record<string, unknown> = { scenario: 'archive', stories, loadBefore: machineLoad() };

try {
  // ---- Seed, then one real regeneration ---------------------------------------------------------
  log(`seeding ${stories} stories`);
  const seeded = await seedArchive({ client: seedingClient, tableName: table, site, to: stories });
  log(`seeded ${seeded.items} items in ${(seeded.ms / 1000).toFixed(1)} s (${Math.round(seeded.itemsPerSecond)} items/s)`);
  const warmupSlugs =
    warmup === 'all'
      ? [...new Set([...seeded.newestPerFeed.values()].map((story) => story.slug))]
      : [seeded.newestPerFeed.get(SITE_FEED.key)!.slug];
  calls.start();
  const warmupStarted = performance.now();
  await regenerate(storyEvent(warmupSlugs));
  const warmupMs = performance.now() - warmupStarted;
  const warmupCalls = calls.stop();
  const warmupFiles = calls.written.length;
  log(
    `first regeneration (${warmupSlugs.length} ${warmupSlugs.length === 1 ? 'story' : 'stories'}): ${warmupFiles} files in ${Math.round(warmupMs)} ms`,
  );
  result.seed = {
    items: seeded.items,
    ms: Math.round(seeded.ms),
    itemsPerSecond: Math.round(seeded.itemsPerSecond),
    storiesPerSecond: Math.round(seeded.stories / (seeded.ms / 1000)),
    storiesPerDay: STORIES_PER_DAY,
    todayStories: seeded.todayStories,
    firstRegeneration: { scope: warmup, stories: warmupSlugs.length, files: warmupFiles, ms: Math.round(warmupMs), calls: warmupCalls },
    fidelity: await checkSeedFidelity(seeded.slugs),
    storeQuietAfterMs: await untilStoreIsQuiet(),
  };

  // ---- Growth: one story's feeds regenerated by the real handler ------------------------------
  const fillers = await fillGrowthFeeds();
  log(`growth: ${growthRuns} regenerations (${GROWTH_AUTHOR}'s feed topped up with ${fillers} stories)`);
  const growth = await profileSection(profileDir, `growth-${stories}`, () => measureGrowth(stories));
  result.growth = { ...growth.value, ...(growth.profile ? { profile: growth.profile } : {}) };

  // ---- Latency: PUT to all nine files holding the story, over HTTP ---------------------------
  if (publishes > 0) {
    log(`latency: ${publishes} publishes`);
    const latency = await profileSection(profileDir, `latency-${stories}`, () => measureLatency(stories));
    result.latency = { ...latency.value, ...(latency.profile ? { profile: latency.profile } : {}) };
    result.floor = await measureFloor(latency.value.total);
    // What was measured so far survives a deadline.
    writeResult(args.out, { ...result, partial: true });
  }

  // ---- What readers and hubs get through the caching CDN -----------------------------------
  if (readerPublishes > 0) {
    log(`reader view: ${readerPublishes} publishes, freshness ${freshness}, invalidations take ${invalidationDelayMs} ms`);
    result.readerView = await measureReaderView(readerPublishes);
    writeResult(args.out, { ...result, partial: true });
  }

  // ---- Bytes to pollers -----------------------------------------------------------------------
  if (args.bytes !== 'false') result.bytes = await measureBytes();

  // ---- Burst ----------------------------------------------------------------------------------
  if (burstSize > 0) {
    log(`burst: ${burstSize} publishes, ${burstConcurrency} in flight`);
    const burst = await profileSection(profileDir, `burst-${stories}`, () => measureBurst());
    result.burst = { ...burst.value, ...(burst.profile ? { profile: burst.profile } : {}) };
  }
  result.stream = { ...runtime.stream.stats };
  result.retriedReads = { ...retriedReads };
  if (runtime.stream.stats.deadLetters)
    throw new BenchmarkBrokenError(`${runtime.stream.stats.deadLetters} stream batch(es) were dead-lettered`);
  result.memoryMb = Math.round(process.memoryUsage().rss / 1e6);
  result.loadAfter = machineLoad();
  writeResult(args.out, result);
} finally {
  closeHttpClient();
  seedingClient.destroy();
  originClient.destroy();
  await hub.close();
  await runtime.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

// ------------------------------------------------------------------------------------------------

/**
 * After a large seeding, LevelDB goes on compacting in the background for a while (about 1 GB at
 * 50,000 stories), on the same two cores: every call measured then was 35-40% slower at 50,000
 * stories than at 1,000, S3 writes included. Waits until the process uses under a tenth of a core
 * for a second (at most 90 s) and returns how long that took.
 */
async function untilStoreIsQuiet(): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < 90_000) {
    const before = process.cpuUsage();
    await sleep(1_000);
    const used = process.cpuUsage(before);
    if ((used.user + used.system) / 1000 < 100) break;
  }
  return Math.round(performance.now() - started);
}

/** A table stream event for these stories, as the event source mapping delivers it (keys only). */
function storyEvent(slugs: string[]): DynamoDBStreamEvent {
  return { Records: slugs.map((slug) => ({ dynamodb: { Keys: { PK: { S: `ARTICLE#${slug}` }, SK: { S: 'A' } } } })) };
}

/** How a story shows in every format: its tag: URI id ends in `article:<slug>`. */
function idOf(slug: string): string {
  return `article:${slug}`;
}

function feedUrls(feeds: FeedRef[]): string[] {
  return feeds.flatMap((feed) => FEED_FORMATS.map((format) => feedUrl(base, feed, format)));
}

/** The bucket key a feed URL names (`/authors/tom%C3%A1s-haddad/feed.xml` is `authors/tomás-haddad/feed.xml`). */
function objectKey(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** A feed file's bytes from the bucket (searched as bytes: decoding 300 KB per file made the reader a bottleneck). */
async function read(url: string): Promise<Buffer> {
  const object = await originClient.send(new GetObjectCommand({ Bucket: feedBucket(), Key: objectKey(url) }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

/**
 * A feed file's bytes in the bucket (the origin), by a conditional GET when it was read before;
 * empty while the file does not exist yet (a feed's first story is being published). What readers
 * get through the CDN is measured on its own (`measureReaderView`).
 */
async function poll(url: string): Promise<Buffer> {
  const known = lastRead.get(url);
  try {
    const object = await originClient.send(new GetObjectCommand({ Bucket: feedBucket(), Key: objectKey(url), IfNoneMatch: known?.etag }));
    const body = Buffer.from(await object.Body!.transformToByteArray());
    if (object.ETag) lastRead.set(url, { etag: object.ETag, body });
    return body;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 304 && known) return known.body;
    if (status === 404) return Buffer.alloc(0);
    throw new BenchmarkBrokenError(`GET ${url} from the bucket failed: ${(error as Error).message}`);
  }
}

/** Waits until the stream stand-in has delivered every record so far; a benchmark failure after `timeoutMs`. */
async function waitUntilSettled(timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BenchmarkBrokenError(`The regenerations were not done ${timeoutMs / 1000} s after the last publish`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([runtime.settled(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Like Promise.all(items.map(fn)) with at most `limit` calls at a time. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  await inParallel([...items.keys()], limit, async (index) => {
    results[index] = await fn(items[index]!);
  });
  return results;
}

/** Where a file polled in vain misses stories: in what the poller kept, a fresh read, the bucket. */
async function whereMissing(url: string, ids: string[]): Promise<string> {
  const holds = (body: Buffer) => (ids.every((id) => body.includes(id)) ? 'holds them' : 'misses them');
  const fresh = await request(url);
  const stored = await s3Client.send(new GetObjectCommand({ Bucket: feedBucket(), Key: objectKey(url) }));
  const storedBody = Buffer.from(await stored.Body!.transformToByteArray());
  const kept = lastRead.get(url);
  return [
    `the poller's copy (ETag ${kept?.etag}) ${kept ? holds(kept.body) : 'is missing'}`,
    `a fresh read (${fresh.status}, ETag ${fresh.headers.etag}) ${holds(fresh.body)}`,
    `the bucket's object (ETag ${stored.ETag}) ${holds(storedBody)}`,
  ].join('; ');
}

/** Polls every URL until each holds every expected id; gives up after `timeoutMs`. */
async function readUntilPresent(urls: string[], ids: (url: string) => string[], timeoutMs: number): Promise<{ polls: number }> {
  const giveUpAt = performance.now() + timeoutMs;
  let missing = urls;
  for (let polls = 1; ; polls++) {
    const bodies = await mapLimit(missing, 9, poll);
    missing = missing.filter((url, index) => !ids(url).every((id) => bodies[index]!.includes(id)));
    if (!missing.length) return { polls };
    if (performance.now() > giveUpAt) {
      const url = missing[0]!;
      throw new BenchmarkBrokenError(
        `After ${timeoutMs} ms ${missing.length} feed file(s) still miss stories, e.g. ${url}: ${await whereMissing(url, ids(url))}`,
      );
    }
    await sleep(5);
  }
}

/** Stores a story; answers its `Feeds` header (`updated`: its feeds held it when the PUT was answered). */
async function putStory(slug: string, body: string): Promise<string | undefined> {
  const response = await request(`${base}/articles/${slug}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  if (response.status !== 201 && response.status !== 200) {
    throw new BenchmarkBrokenError(`PUT /articles/${slug} answered ${response.status}: ${response.body.toString('utf8').slice(0, 300)}`);
  }
  const feeds = response.headers.feeds;
  return Array.isArray(feeds) ? feeds[0] : feeds;
}

/**
 * Seeding writes items without the app; this checks on a sample that they are exactly what the
 * app writes: the real regenerator re-projects each sampled story, and every item it touches
 * must come out byte-for-byte as seeded.
 */
async function checkSeedFidelity(slugs: string[]): Promise<{ sampled: number; identical: boolean }> {
  const sample = [slugs[Math.floor(slugs.length / 3)]!, slugs.at(-1)!];
  const snapshot = async (slug: string) => {
    // The story's whole partition: the story, its projection record and its copies.
    const storyKey = keys.article(slug);
    const { Items: story = [] } = await seedingClient.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': storyKey.PK },
        ConsistentRead: true,
      }),
    );
    const article = story.find((item) => item.SK === storyKey.SK);
    const { memberships } = membershipsOf(article as Parameters<typeof membershipsOf>[0]);
    const entries = await Promise.all(
      memberships.map(
        async (m) =>
          (await seedingClient.send(new GetCommand({ TableName: table, Key: keys.feedEntry(m.feedKey, m.sortKey), ConsistentRead: true })))
            .Item,
      ),
    );
    return canonical({ story, entries });
  };
  const before = await Promise.all(sample.map(snapshot));
  await regenerate(storyEvent(sample));
  const after = await Promise.all(sample.map(snapshot));
  const identical = before.every((value, index) => value === after[index]);
  if (!identical) throw new BenchmarkBrokenError('Seeded items differ from what the regenerator writes; fix bench/lib/seed.ts');
  return { sampled: sample.length, identical };
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) =>
    member && typeof member === 'object' && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member).sort(([a], [b]) => (a < b ? -1 : 1)))
      : member,
  );
}

function newStory(slug: string, index: number, publishedAt?: string) {
  const input = parseArticleInput(
    storyInput({ index: 500_000 + index, categories: [GROWTH_CATEGORY], authors: [GROWTH_AUTHOR], publishedAt }),
  );
  return draftArticle(input, { slug, defaultUrl: `${site.baseUrl}/articles/${slug}`, defaultLanguage: site.language, now: new Date() });
}

/**
 * At 1,000 stories an author's feed holds about 30 stories, at 50,000 the full 50, so a
 * regeneration at the small size would write and render less for that reason alone (a 14% smaller
 * regeneration in the runs before this). The growth author's feed is topped up to the feed size
 * with stories from three days ago (outside today's archive page and the site feed's newest 50),
 * seeded like the archive, then rendered once, untimed: both sizes then regenerate full feeds.
 */
async function fillGrowthFeeds(): Promise<number> {
  const feed = authorFeed(GROWTH_AUTHOR);
  const { Count = 0 } = await seedingClient.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'PK = :feed',
      ExpressionAttributeValues: { ':feed': keys.feedPartition(feed.key) },
      Select: 'COUNT',
      Limit: site.feedSize,
      ConsistentRead: true,
    }),
  );
  const missing = site.feedSize - Count;
  if (missing <= 0) return 0;
  const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const fillers = Array.from({ length: missing }, (_, index) => newStory(`growth-filler-${index}`, 700_000 + index, threeDaysAgo));
  await batchWrite(
    seedingClient,
    table,
    fillers.flatMap((filler) => storyItems(filler, site)).map((Item) => ({ PutRequest: { Item } })),
  );
  await regenerate(storyEvent([fillers[0]!.slug]));
  return missing;
}

/**
 * The regenerate handler on one new story at a time (one category, one author: the site,
 * category and author feeds, plus whatever else the regenerator keeps in step). The story is
 * written with our own client, so the stream stand-in does not regenerate it first.
 */
async function measureGrowth(size: number) {
  const handlerMs: number[] = [];
  let cpuMs = 0;
  calls.start();
  const giveUpAt = performance.now() + growthBudgetMs;
  let runs = 0;
  for (let run = 0; run < growthRuns && (run < minGrowthRuns || performance.now() < giveUpAt); run++, runs++) {
    const slug = `growth-${size}-${run}`;
    await seedingClient.send(new PutCommand({ TableName: table, Item: articleItem(newStory(slug, size + run)) }));
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await regenerate(storyEvent([slug]));
    handlerMs.push(performance.now() - started);
    const used = process.cpuUsage(cpuBefore);
    cpuMs += (used.user + used.system) / 1000;
  }
  const perRegeneration = calls.stop(runs);
  // One more, to list the files a regeneration writes.
  calls.start();
  await seedingClient.send(new PutCommand({ TableName: table, Item: articleItem(newStory(`growth-${size}-sample`, size + growthRuns)) }));
  await regenerate(storyEvent([`growth-${size}-sample`]));
  calls.stop();
  const files = calls.written.map((file) => ({ key: file.key, bytes: file.bytes }));
  const summary = {
    runs,
    asked: growthRuns,
    handler: distribution(handlerMs),
    /** CPU of this whole process per regeneration: the handler and the in-process DynamoDB and S3 stand-ins. */
    cpuMsPerRegeneration: round(cpuMs / runs, 1),
    callsPerRegeneration: perRegeneration,
    filesWritten: files,
    bytesWritten: files.reduce((sum, file) => sum + file.bytes, 0),
  };
  log(
    `growth: handler p50 ${summary.handler.p50} ms; ${files.length} files, ${Math.round(summary.bytesWritten / 1024)} KB written per regeneration`,
  );
  const whatIf = await measureWhatIfs(size);
  return { ...summary, whatIf };
}

/**
 * What-ifs run through the unchanged use case with other dependencies (nothing in functions/
 * changes): the regeneration without the catalog (no daily archive page, tombstones or
 * directory: the use case's documented mode "only the feeds themselves"), and the same comparing
 * every file with S3 (a HEAD each, as before signatures were recorded with the leases, and as the
 * repair tool still does). Labelled what-ifs, not the product's figures.
 */
async function measureWhatIfs(size: number) {
  const feedsOnly: RegenerateDependencies = {
    index: new DynamoFeedIndex(documentClient, table),
    store: new S3FeedStore(s3Client, feedBucket()),
    clock: systemClock,
    site,
    entries: new RenderedEntries(),
  };
  const variants: [string, RegenerateDependencies][] = [
    ['feedsOnly', feedsOnly],
    ['feedsOnlyComparingWithS3', { ...feedsOnly, verifyStoredFiles: true }],
  ];
  // One untimed run of each first, as the handler's timed runs follow earlier ones: the memories
  // of rendered entries and read stories are as warm as in a running function. Then the variants
  // take turns, so that neither gains from running later (an earlier version ran one after the
  // other, and the second came out faster whichever it was).
  for (const [name, deps] of variants) {
    const warmup = `whatif-${name}-${size}-warmup`;
    await seedingClient.send(new PutCommand({ TableName: table, Item: articleItem(newStory(warmup, size + 999)) }));
    await regenerateFeeds([warmup], deps);
  }
  const times = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  const giveUpAt = performance.now() + (growthBudgetMs * 2) / 3;
  for (let run = 0; run < whatIfRuns && (run < Math.min(whatIfRuns, minGrowthRuns) || performance.now() < giveUpAt); run++) {
    for (const [name, deps] of run % 2 ? [...variants].reverse() : variants) {
      const slug = `whatif-${name}-${size}-${run}`;
      await seedingClient.send(new PutCommand({ TableName: table, Item: articleItem(newStory(slug, size + 1_000 + run)) }));
      const started = performance.now();
      await regenerateFeeds([slug], deps);
      times.get(name)!.push(performance.now() - started);
    }
  }
  const results: Record<string, unknown> = Object.fromEntries([...times].map(([name, list]) => [name, distribution(list)]));
  log(
    `what-if: feeds only p50 ${(results.feedsOnly as { p50: number }).p50} ms, comparing each file with S3 ${(results.feedsOnlyComparingWithS3 as { p50: number }).p50} ms`,
  );
  return results;
}

async function measureLatency(size: number) {
  const total: number[] = [];
  const ack: number[] = [];
  const inFeeds: number[] = [];
  const allPages: number[] = [];
  const toPoller: number[] = [];
  let polls = 0;
  /** Publishes answered `Feeds: updated`; the others waited for the stream's poll. */
  let updatedAtTheAnswer = 0;
  const batchesBefore = runtime.stream.stats.batchesDelivered;
  calls.start();
  const giveUpAt = performance.now() + latencyBudgetMs;
  let measured = 0;
  for (let index = 0; index < publishes && (index < minPublishes || performance.now() < giveUpAt); index++, measured++) {
    const slug = `publish-${size}-${index}`;
    const input = storyInput({
      index: 100_000 + size + index,
      categories: [CATEGORIES[index % CATEGORIES.length]!],
      authors: [AUTHORS[(index * 7) % AUTHORS.length]!],
    });
    const body = JSON.stringify(input);
    const urls = feedUrls([SITE_FEED, categoryFeed(input.categories[0]!), authorFeed(input.authors[0]!.name)]);
    const started = performance.now();
    const feeds = await putStory(slug, body);
    const acknowledged = performance.now();
    if (feeds === 'updated') updatedAtTheAnswer++;
    const acknowledgedAt = Date.now();
    // As a feed reader sees it: the nine files polled (conditional GETs) while the regeneration
    // runs. The archive page and the directory may still be in progress; the next publish waits for
    // them, so each is measured on its own.
    const allPagesWritten = waitUntilSettled(60_000).then(() => performance.now());
    const reading = await readUntilPresent(urls, () => [idOf(slug)], 10_000);
    const done = performance.now();
    const settled = await allPagesWritten;
    polls += reading.polls;
    toPoller.push(Math.max(0, runtime.stream.stats.lastDeliveryAt - acknowledgedAt));
    total.push(done - started);
    ack.push(acknowledged - started);
    inFeeds.push(done - acknowledged);
    allPages.push(settled - acknowledged);
  }
  const callsPerPublish = calls.stop(measured);
  const summary = {
    publishes: measured,
    asked: publishes,
    budgetSpent: measured < publishes,
    filesChecked: 9,
    /** Publishes whose feeds held them when the PUT was answered (`Feeds: updated`). */
    feedsUpdatedAtTheAnswer: updatedAtTheAnswer,
    total: distribution(total),
    phases: {
      ingestAck: distribution(ack),
      ackToPoller: distribution(toPoller),
      ackToAllNineRead: distribution(inFeeds),
      ackToEveryPageWritten: distribution(allPages),
    },
    /** Rounds of conditional GETs per publish (each round asks for the files still missing the story). */
    pollsPerPublish: round(polls / Math.max(1, measured), 1),
    regenerations: runtime.stream.stats.batchesDelivered - batchesBefore,
    /** Ingest and regenerate handlers together. */
    callsPerPublish,
  };
  log(
    `latency: p50 ${summary.total.p50} ms, p95 ${summary.total.p95} ms over ${measured} publishes${measured < publishes ? ` (time budget spent; ${publishes} asked)` : ''}; ${updatedAtTheAnswer} answered "Feeds: updated"`,
  );
  return summary;
}

/**
 * The floor of a publish on this machine: the nine feed files of one story (site, category and
 * author feeds, three formats each, as the bucket holds them), written one after another with the
 * handlers' own S3 client to the same stand-in, and nothing else: no DynamoDB call, no render, no
 * read. Publish-to-origin is reported as a multiple of it, which holds from one hour to the next
 * where absolute times on a shared 2-core machine do not.
 */
async function measureFloor(latency: { p50: number; p95: number }) {
  const input = storyInput({ index: 100_000 + stories, categories: [CATEGORIES[0]!], authors: [AUTHORS[0]!] });
  const urls = feedUrls([SITE_FEED, categoryFeed(input.categories[0]!), authorFeed(input.authors[0]!.name)]);
  const files = await Promise.all(
    urls.map(async (url) => {
      const object = await originClient.send(new GetObjectCommand({ Bucket: feedBucket(), Key: objectKey(url) }));
      return {
        key: objectKey(url),
        body: Buffer.from(await object.Body!.transformToByteArray()),
        contentType: object.ContentType,
        cacheControl: object.CacheControl,
        metadata: object.Metadata,
      };
    }),
  );
  const runs = Math.max(5, Math.min(20, publishes));
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    for (const file of files) {
      await s3Client.send(
        new PutObjectCommand({
          Bucket: feedBucket(),
          Key: file.key,
          Body: file.body,
          ContentType: file.contentType,
          CacheControl: file.cacheControl,
          Metadata: file.metadata,
        }),
      );
    }
    times.push(performance.now() - started);
  }
  const floor = distribution(times);
  const summary = {
    files: files.length,
    bytes: files.reduce((sum, file) => sum + file.body.length, 0),
    runs,
    nineFilesWritten: floor,
    publishToOriginP50Multiple: round(latency.p50 / floor.p50, 2),
    publishToOriginP95Multiple: round(latency.p95 / floor.p50, 2),
  };
  log(
    `floor: 9 files (${Math.round(summary.bytes / 1024)} KB) written one after another in ${floor.p50} ms (p50); publish-to-origin is ${summary.publishToOriginP50Multiple}× that (p50), ${summary.publishToOriginP95Multiple}× (p95)`,
  );
  return summary;
}

/**
 * One publish at a time, each once the one before is visible: from the acknowledgement until a
 * reader polling `/feed.json` through the CDN stand-in (every 250 ms, from a random moment, as
 * readers poll on schedules of their own) gets the story. A second reader keeps the CDN's copy
 * warm all along, as the many readers of a real feed do. The hub fetches each topic through the
 * CDN when pinged; its n-th fetch of `/feed.json` must hold the n-th story.
 */
async function untilNoInvalidationInProgress(): Promise<void> {
  const giveUpAt = performance.now() + invalidationDelayMs + 30_000;
  while (runtime.cloudFrontApi.inProgress().length) {
    if (performance.now() > giveUpAt) throw new BenchmarkBrokenError('An invalidation was still in progress long after its delay');
    await sleep(50);
  }
}

async function measureReaderView(count: number) {
  await runtime.announcementQueue.idle();
  hub.fetched.clear();
  hub.fetching = true;
  const topic = `${runtime.url}/feed.json`;
  const viaCdn = `${base}/feed.json`;
  let warming = true;
  const warmerErrors: string[] = [];
  const warmer = (async () => {
    while (warming) {
      await request(viaCdn).catch((error: unknown) => warmerErrors.push((error as Error).message));
      await sleep(100);
    }
  })();
  const phaseStarted = new Date();
  const visible: number[] = [];
  const slugs: string[] = [];
  for (let index = 0; index < count; index++) {
    const slug = `reader-${stories}-${index}`;
    slugs.push(slug);
    const input = storyInput({
      index: 300_000 + stories + index,
      categories: [CATEGORIES[index % CATEGORIES.length]!],
      authors: [AUTHORS[(index * 5) % AUTHORS.length]!],
    });
    // Newsrooms publish when they publish: at any moment of the CDN copy's lifetime, not just
    // after the reader saw the last story (which would always land right after a revalidation).
    await sleep(Math.random() * READER_PUBLISH_SPREAD_MS);
    // Each publish measured on its own: an earlier invalidation completing meanwhile would drop
    // the CDN's copy early and flatter the figure.
    await untilNoInvalidationInProgress();
    await putStory(slug, JSON.stringify(input));
    const acknowledged = performance.now();
    await sleep(Math.random() * 250);
    for (;;) {
      const response = await request(viaCdn);
      if (response.body.includes(idOf(slug))) break;
      if (performance.now() - acknowledged > 120_000)
        throw new BenchmarkBrokenError(`A reader did not see ${slug} through the CDN within 120 s`);
      await sleep(250);
    }
    visible.push(performance.now() - acknowledged);
  }
  // The last announcement is due two edge lifetimes and a second after its regeneration, or once its invalidation completes.
  const giveUpAt = performance.now() + invalidationDelayMs + 60_000;
  while ((hub.fetched.get(topic) ?? []).filter(Boolean).length < count && performance.now() < giveUpAt) await sleep(100);
  warming = false;
  await warmer;
  hub.fetching = false;
  const fetches = hub.fetched.get(topic) ?? [];
  const stale = slugs.filter((slug, index) => fetches[index] === undefined || !fetches[index]!.includes(idOf(slug))).length;
  const paths = runtime.cloudFrontApi.invalidations
    .filter((invalidation) => invalidation.createdAt >= phaseStarted)
    .flatMap((invalidation) => invalidation.paths);
  const summary = {
    freshness,
    edgeSeconds: Number(process.env.FEED_EDGE_SECONDS ?? 5),
    invalidationDelayMs,
    publishes: count,
    ackToVisibleThroughCdn: distribution(visible),
    invalidationPathsPerPublish: round(paths.length / count, 1),
    hubFetches: fetches.length,
    staleHubFetches: stale,
    /** Reads by the reader keeping the CDN's copy warm that failed (a reset connection, say). */
    warmerErrors,
    cdn: { ...runtime.cdn.stats },
  };
  log(
    `reader view: p50 ${summary.ackToVisibleThroughCdn.p50} ms, p95 ${summary.ackToVisibleThroughCdn.p95} ms; ${summary.invalidationPathsPerPublish} invalidation paths a publish; ${stale} of ${count} hub fetches stale`,
  );
  return summary;
}

async function measureBytes() {
  const feeds: [string, FeedRef][] = [
    ['site', SITE_FEED],
    ['category', categoryFeed(CATEGORIES[0]!)],
    ['author', authorFeed(AUTHORS[0]!)],
  ];
  const rows = [];
  for (const [kind, feed] of feeds) {
    for (const format of FEED_FORMATS) {
      const url = feedUrl(base, feed, format);
      const raw = await request(url, { headers: { 'accept-encoding': 'identity' } });
      const gzip = await request(url, { headers: { 'accept-encoding': 'gzip' } });
      const brotli = await request(url, { headers: { 'accept-encoding': 'br' } });
      const etag = String(raw.headers.etag ?? '');
      const conditional = await request(url, { headers: { 'if-none-match': etag, 'accept-encoding': 'br, gzip' } });
      if (gzip.headers['content-encoding'] !== 'gzip' || brotli.headers['content-encoding'] !== 'br') {
        throw new BenchmarkBrokenError(
          `${url} was not served compressed (gzip: ${gzip.headers['content-encoding']}, br: ${brotli.headers['content-encoding']})`,
        );
      }
      const items = (raw.body.toString('utf8').match(/article:/g) ?? []).length;
      rows.push({
        feed: kind,
        format,
        path: new URL(url).pathname,
        items,
        raw: raw.body.length,
        gzip: gzip.body.length,
        brotli: brotli.body.length,
        brotliShare: round(brotli.body.length / raw.body.length, 3),
        notModified: { status: conditional.status, bodyBytes: conditional.body.length },
      });
    }
  }
  const worst = rows.reduce((max, row) => Math.max(max, row.brotliShare), 0);
  // One unchanged file read five times: what a poller waits for (TTFB and body).
  const unchangedReads: number[] = [];
  for (let index = 0; index < 5; index++) {
    const started = performance.now();
    await request(feedUrl(base, SITE_FEED, 'rss'), { headers: { 'accept-encoding': 'identity' } });
    unchangedReads.push(performance.now() - started);
  }
  const all304 = rows.every((row) => row.notModified.status === 304 && row.notModified.bodyBytes === 0);
  if (!all304) throw new BenchmarkBrokenError('A conditional GET of an unchanged feed did not answer 304 with an empty body');
  log(`bytes: worst brotli share ${worst}; conditional GETs all 304`);
  return { files: rows, worstBrotliShare: worst, conditionalGet304: all304, unchangedReadMs: distribution(unchangedReads) };
}

/**
 * The ingest path on its own: the same PUTs, but of stories scheduled for tomorrow, whose
 * regenerations are near no-ops (a scheduled story is in no feed). The difference from the real
 * burst is what the regenerations running in the same process take from ingestion.
 */
async function measureIngestOnly(count: number) {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const bodies = Array.from({ length: count }, (_, index) =>
    JSON.stringify(
      storyInput({
        index: 250_000 + index,
        publishedAt: tomorrow,
        categories: [CATEGORIES[index % CATEGORIES.length]!],
        authors: [AUTHORS[index % AUTHORS.length]!],
      }),
    ),
  );
  const before = runtime.stream.stats.batchesDelivered;
  const started = performance.now();
  await inParallel([...bodies.keys()], burstConcurrency, async (index) => {
    await putStory(`scheduled-${index}`, bodies[index]!);
  });
  const acceptMs = performance.now() - started;
  await waitUntilSettled(120_000);
  return {
    publishes: count,
    acceptMs: round(acceptMs, 1),
    acceptedPerSecond: round(count / (acceptMs / 1000), 1),
    regenerations: runtime.stream.stats.batchesDelivered - before,
  };
}

async function measureBurst() {
  const ingestOnly = await measureIngestOnly(Math.min(burstSize, 300));
  log(`ingest alone (scheduled stories, no feed to render): ${ingestOnly.acceptedPerSecond}/s accepted`);
  const inputs = Array.from({ length: burstSize }, (_, index) => ({
    slug: `burst-${index}`,
    category: CATEGORIES[index % burstCategories]!,
    author: AUTHORS[index % burstAuthors]!,
    body: JSON.stringify(
      storyInput({ index: 200_000 + index, categories: [CATEGORIES[index % burstCategories]!], authors: [AUTHORS[index % burstAuthors]!] }),
    ),
  }));
  const before = { ...runtime.stream.stats };
  calls.start();
  const ackTimes: number[] = [];
  const started = performance.now();
  await inParallel(inputs, burstConcurrency, async (input) => {
    await putStory(input.slug, input.body);
    ackTimes.push(performance.now());
  });
  const lastAck = performance.now();
  await waitUntilSettled(300_000);
  const settled = performance.now();
  const batchesSoFar = runtime.stream.stats.batchesDelivered - before.batchesDelivered;
  const burstCalls = calls.stop(1);

  // Every story must be in its category and author feeds (all three formats); the site feed
  // must hold only burst stories (the newest 50).
  const expected = new Map<string, string[]>();
  for (const input of inputs) {
    for (const feed of [categoryFeed(input.category), authorFeed(input.author)]) {
      for (const url of feedUrls([feed])) expected.set(url, [...(expected.get(url) ?? []), idOf(input.slug)]);
    }
  }
  const siteExpects = Math.min(site.feedSize, burstSize);
  const { polls } = await readUntilPresent([...expected.keys()], (url) => expected.get(url)!, 30_000);
  const siteBodies = await mapLimit(feedUrls([SITE_FEED]), 3, read);
  for (const body of siteBodies) {
    const ids = body.toString('utf8').match(/article:[a-z0-9-]+/g) ?? [];
    const burstIds = ids.filter((id) => id.startsWith('article:burst-'));
    if (new Set(burstIds).size < siteExpects) {
      throw new BenchmarkBrokenError(`The site feed holds ${new Set(burstIds).size} of the newest ${siteExpects} burst stories`);
    }
  }
  const verified = performance.now();
  const batches = runtime.stream.stats.batchesDelivered - before.batchesDelivered;
  const summary = {
    publishes: burstSize,
    concurrency: burstConcurrency,
    spread: { categories: burstCategories, authors: burstAuthors },
    ingestOnly,
    acceptMs: round(lastAck - started, 1),
    acceptedPerSecond: round(burstSize / ((lastAck - started) / 1000), 1),
    regenerations: batches,
    publishesPerRegeneration: round(burstSize / Math.max(1, batches), 1),
    recordsSeen: runtime.stream.stats.recordsSeen - before.recordsSeen,
    deadLetters: runtime.stream.stats.deadLetters - before.deadLetters,
    /** Every regeneration finished (the stream stand-in idle) this long after the last acknowledgement. */
    feedsCompleteAfterLastAckMs: round(settled - lastAck, 1),
    /** …and reading back every category and author feed (all formats) confirmed it this long after. */
    verifiedAfterLastAckMs: round(verified - lastAck, 1),
    filesVerified: expected.size + 3,
    allInFeeds: true,
    extraPolls: polls - 1,
    /** Ingest (one GetItem and one PutItem per publish) and every regeneration of the burst together. */
    calls: burstCalls,
    callsPerRegeneration: Object.fromEntries(
      Object.entries(burstCalls)
        .filter(([name]) => !['dynamodb PutItem'].includes(name))
        .map(([name, totals]) => [
          name,
          { count: round(totals.count / Math.max(1, batchesSoFar), 1), ms: round(totals.ms / Math.max(1, batchesSoFar), 1) },
        ]),
    ),
  };
  log(
    `burst: ${summary.acceptedPerSecond}/s accepted, ${batches} regenerations, complete ${summary.feedsCompleteAfterLastAckMs} ms after the last ack`,
  );
  return summary;
}
