import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchWrite } from '../../functions/adapters/batch-write.js';
import { articleItem } from '../../functions/adapters/dynamo-article-repository.js';
import { projectedItems } from '../../functions/adapters/dynamo-feed-index.js';
import type { Article } from '../../functions/domain/article.js';
import { draftArticle, parseArticleInput } from '../../functions/domain/article-input.js';
import type { SiteSettings } from '../../functions/domain/site.js';
import { storedFragmentsOf } from '../../functions/rendering/entry-fragments.js';
import { membershipsOf } from '../../functions/use-cases/regenerate-feeds.js';
import { AUTHORS, CATEGORIES, pastPublishTime, random, storyInput, storySlug } from './stories.js';

/**
 * Seeds an archive straight into the table, in the exact item shapes the app writes:
 *  - the story item (`articleItem`, as DynamoArticleRepository.save writes it),
 *  - its projection record and one entry per feed (as DynamoFeedIndex.project writes them, with
 *    the memberships computed by the regenerator's own `membershipsOf`, and the story's entries
 *    rendered by the regenerator's own renderers).
 * Everything else the regenerator keeps (page states and the lease, the directory, archive marks)
 * and every file comes from the real regenerate handler, which the caller runs once over the
 * newest story of each feed (`newestPerFeed`), and the caller checks the shapes on a sample by
 * letting the handler re-project seeded stories (nothing may change).
 *
 * Going through the handler for each story instead would cost several sequential round trips
 * per story plus a render of each of its feeds (tens of minutes for 50,000 stories).
 */

const TEMPLATES = 24;
/**
 * The newsroom's output: an archive of N stories covers the last N / STORIES_PER_DAY days (50,000
 * stories: three years; 1,000: three weeks). A fixed rate keeps what depends on the publishing
 * rate (a day's archive page) the same at every archive size, so that comparing sizes measures
 * the archive's size and nothing else.
 */
export const STORIES_PER_DAY = 45;
const DAY_MS = 86_400_000;
const BATCH = 25;
const IN_FLIGHT = 4;

export interface SeedResult {
  stories: number;
  items: number;
  slugs: string[];
  /** For each feed, its newest seeded story (what one warm-up regeneration needs). */
  newestPerFeed: Map<string, { slug: string; sortKey: string }>;
  /** Stories published so far today (UTC): what the site's newest daily archive page holds. */
  todayStories: number;
  ms: number;
  itemsPerSecond: number;
}

type Item = Record<string, unknown>;

/**
 * Stories built by the real domain code (validation, sanitising, drafting) from a few templates,
 * then varied in slug, title, categories, bylines and publish time: sanitising 50,000 bodies
 * would cost more than the seeding itself and measure nothing the benchmark is about.
 */
function templates(site: SiteSettings, now: Date, bodyBytes: number): Article[] {
  return Array.from({ length: TEMPLATES }, (_, index) => {
    const input = parseArticleInput(storyInput({ index: 1_000_000 + index, summary: index % 3 !== 0, bodyBytes }));
    return draftArticle(input, {
      slug: `template-${index}`,
      defaultUrl: `${site.baseUrl}/articles/template-${index}`,
      defaultLanguage: site.language,
      now,
    });
  });
}

interface StoryMeta {
  categories: string[];
  authors: string[];
  publishedAt: string;
}

/** Categories, bylines and publish time of seeded story `index` (cheap: no body). */
function storyMeta(index: number, now: number, spanMs: number): StoryMeta {
  const next = random(index * 31 + 11);
  const categories = [
    ...new Set([CATEGORIES[index % CATEGORIES.length]!, ...(next() < 0.3 ? [CATEGORIES[Math.floor(next() * CATEGORIES.length)]!] : [])]),
  ];
  const authors = [
    ...new Set([AUTHORS[Math.floor(next() * AUTHORS.length)]!, ...(next() < 0.2 ? [AUTHORS[Math.floor(next() * AUTHORS.length)]!] : [])]),
  ];
  return { categories, authors, publishedAt: pastPublishTime(index, now, spanMs).toUpperCase() };
}

export function seededArticle(index: number, site: SiteSettings, base: Article[], now: number, spanMs: number): Article {
  const template = base[index % base.length]!;
  const slug = storySlug('archive', index);
  const { categories, authors, publishedAt } = storyMeta(index, now, spanMs);
  return {
    ...template,
    slug,
    title: `${template.title} (${index})`,
    url: `${site.baseUrl}/articles/${slug}`,
    categories,
    authors: authors.map((name) => ({ name })),
    publishedAt,
    updatedAt: new Date(Date.parse(publishedAt)).toISOString(),
    status: 'published',
    revision: 1,
  };
}

/** The items the app holds for one published story. */
export function storyItems(article: Article, site: SiteSettings): Item[] {
  const { memberships } = membershipsOf(article);
  const fragments = memberships.length ? storedFragmentsOf(site, article) : undefined;
  return [articleItem(article), ...projectedItems(article, memberships, fragments)];
}

/** BatchWriteItem, 25 items a call, IN_FLIGHT calls at a time, unprocessed items re-sent. */
async function writeAll(client: DynamoDBDocumentClient, tableName: string, items: Iterable<Item>): Promise<number> {
  let written = 0;
  let failure: unknown;
  const inFlight = new Set<Promise<void>>();
  const send = async (requests: Item[]) => {
    await batchWrite(
      client,
      tableName,
      requests.map((Item) => ({ PutRequest: { Item } })),
    );
    written += requests.length;
  };
  const start = (requests: Item[]) => {
    const promise: Promise<void> = send(requests)
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(promise));
    inFlight.add(promise);
  };
  let batch: Item[] = [];
  for (const item of items) {
    if (failure) break;
    batch.push(item);
    if (batch.length === BATCH) {
      start(batch);
      batch = [];
      if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    }
  }
  if (batch.length && !failure) start(batch);
  await Promise.all(inFlight);
  if (failure) throw failure;
  return written;
}

export async function seedArchive(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
  site: SiteSettings;
  /**
   * Stories `from` (default 0) up to, not including, `to`. The publish times are spread over
   * `to / STORIES_PER_DAY` days before `now`: grow an archive in steps only with the same `to`.
   */
  from?: number;
  to: number;
  now?: number;
}): Promise<SeedResult> {
  const started = performance.now();
  const now = options.now ?? Date.now();
  const base = templates(options.site, new Date(now), 5_000);
  const slugs: string[] = [];
  const newest = new Map<string, { slug: string; sortKey: string }>();
  const from = options.from ?? 0;
  const today = new Date(now).toISOString().slice(0, 10);
  const spanMs = (options.to / STORIES_PER_DAY) * DAY_MS;
  let todayStories = 0;
  function* items(): Iterable<Item> {
    for (let index = from; index < options.to; index++) {
      const article = seededArticle(index, options.site, base, now, spanMs);
      slugs.push(article.slug);
      const { memberships } = membershipsOf(article);
      for (const { feedKey, sortKey } of memberships) {
        if ((newest.get(feedKey)?.sortKey ?? '') < sortKey) newest.set(feedKey, { slug: article.slug, sortKey });
      }
      if (memberships[0]?.sortKey.startsWith(today)) todayStories++;
      yield* storyItems(article, options.site);
    }
  }
  const written = await writeAll(options.client, options.tableName, items());
  const ms = performance.now() - started;
  return {
    stories: options.to - from,
    items: written,
    slugs,
    newestPerFeed: newest,
    todayStories,
    ms,
    itemsPerSecond: written / (ms / 1000),
  };
}
