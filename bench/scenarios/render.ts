/**
 * Scenario 4, render: building the RSS, Atom and JSON Feed documents of one 50-story feed of
 * ~5 KB stories with our renderers, next to the `feed` npm library (v6) building the same three
 * formats from the same stories. Pure CPU: no runtime, no I/O.
 *
 * Both sides start from the stored stories (Article objects) and end with the three files' UTF-8
 * bytes, as they are stored, so the library's side includes mapping a story to its item (the same
 * summary and content HTML our renderers put in) and encoding its strings. Runs alternate between
 * the two, after a warm-up, to share any machine noise. A third figure is ours as a warm
 * regenerator renders: the stories' entries remembered from an earlier render (RenderedEntries).
 */
import '../lib/quiet-sdk.js';
import { Feed, type Item } from 'feed';
import type { Article } from '../../functions/domain/article.js';
import { draftArticle, parseArticleInput } from '../../functions/domain/article-input.js';
import { categoryFeed, SITE_FEED } from '../../functions/domain/feeds.js';
import { loadSite } from '../../functions/commons/config.js';
import { articleId, contentHtml, feedView, imageMimeType, summaryOf, type FeedDocument } from '../../functions/rendering/feed-document.js';
import { renderAtom } from '../../functions/rendering/atom.js';
import { renderJsonFeed } from '../../functions/rendering/json-feed.js';
import { renderFeedFiles } from '../../functions/rendering/render-feed.js';
import { RenderedEntries } from '../../functions/rendering/rendered-entries.js';
import { renderRss } from '../../functions/rendering/rss.js';
import { inZone, storyInput } from '../lib/stories.js';
import { deadline, machineLoad, numberArg, progress, scenarioArgs, writeResult } from '../lib/scenario.js';
import { distribution, round } from '../lib/stats.js';

const args = scenarioArgs();
const runs = numberArg(args, 'runs', 300);
const warmup = numberArg(args, 'warmup', 40);
const log = progress('render');
deadline(numberArg(args, 'deadline-s', 300) * 1000, 'render');

const site = loadSite({ SITE_BASE_URL: 'https://news.example.com' });
const NOW = Date.parse('2026-03-01T12:00:00Z');

/** 50 stories of ~5 KB body HTML, built by the real ingest domain code. */
function stories(withSummary: boolean): Article[] {
  return Array.from({ length: 50 }, (_, index) => {
    const publishedAt = inZone(NOW - index * 3_600_000, index % 2 ? '+09:00' : 'Z');
    const input = parseArticleInput(
      storyInput({ index, publishedAt, summary: withSummary, categories: ['World', index % 3 ? 'Politics' : 'Economy'] }),
    );
    return draftArticle(input, {
      slug: `story-${index}`,
      defaultUrl: `${site.baseUrl}/articles/story-${index}`,
      defaultLanguage: site.language,
      now: new Date(NOW),
    });
  });
}

function document(articles: Article[]): FeedDocument {
  return { site, feed: categoryFeed('World'), articles, emptySince: new Date(NOW) };
}

/** The same stories through the `feed` library: feed metadata, one item per story, three formats. */
function withFeedLibrary(doc: FeedDocument): Buffer[] {
  const view = feedView(doc);
  const feed = new Feed({
    id: view.id,
    title: view.title,
    description: view.description,
    link: view.homeUrl,
    language: view.language,
    updated: new Date(view.updated),
    generator: 'newsroom-feeds',
    copyright: site.copyright ?? '',
    ...(view.logoUrl ? { image: view.logoUrl } : {}),
    ...(view.iconUrl ? { favicon: view.iconUrl } : {}),
    feedLinks: { rss: view.selfUrl('rss'), atom: view.selfUrl('atom'), json: view.selfUrl('json') },
    author: { name: site.title, link: view.homeUrl },
  });
  for (const article of doc.articles) {
    const item: Item = {
      title: article.title,
      id: articleId(site, article),
      link: article.url,
      description: summaryOf(article),
      content: contentHtml(article),
      date: new Date(article.updatedAt),
      published: new Date(article.publishedAt),
      author: article.authors.map((author) => ({
        name: author.name,
        ...(author.url ? { link: author.url } : {}),
        ...(author.email ? { email: author.email } : {}),
      })),
      category: article.categories.map((name) => ({ name, term: categoryFeed(name).slug! })),
      ...(article.image
        ? { image: { url: article.image.url, type: imageMimeType(article.image), length: article.image.length ?? 0 } }
        : {}),
    };
    feed.addItem(item);
  }
  return [feed.rss2(), feed.atom1(), feed.json1()].map((text) => Buffer.from(text, 'utf8'));
}

function ours(doc: FeedDocument, entries?: RenderedEntries): Buffer[] {
  return renderFeedFiles(doc, { entries }).map((file) => file.bytes);
}

function time(fn: () => unknown): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

interface Timings {
  wall: number[];
  /** Process CPU time (user + system): less sensitive than wall time to other processes on the machine. */
  cpu: number[];
}

function measure(fn: () => unknown, into: Timings): void {
  const cpu = process.cpuUsage();
  const started = performance.now();
  fn();
  into.wall.push(performance.now() - started);
  const used = process.cpuUsage(cpu);
  into.cpu.push((used.user + used.system) / 1000);
}

/** Alternating runs of two contenders; returns each one's timings. */
function race(a: () => unknown, b: () => unknown, count: number): [Timings, Timings] {
  for (let index = 0; index < warmup; index++) {
    a();
    b();
  }
  const ta: Timings = { wall: [], cpu: [] };
  const tb: Timings = { wall: [], cpu: [] };
  for (let index = 0; index < count; index++) {
    if (index % 2) {
      measure(a, ta);
      measure(b, tb);
    } else {
      measure(b, tb);
      measure(a, ta);
    }
  }
  return [ta, tb];
}

function compare(label: string, doc: FeedDocument) {
  log(`${label}: ${runs} runs each`);
  const [oursMs, libraryMs] = race(
    () => ours(doc),
    () => withFeedLibrary(doc),
    runs,
  );
  const oursDist = distribution(oursMs.wall);
  const libraryDist = distribution(libraryMs.wall);
  const oursCpu = distribution(oursMs.cpu);
  const libraryCpu = distribution(libraryMs.cpu);
  const sizes = (bodies: Buffer[]) => bodies.map((body) => body.length);
  const entries = new RenderedEntries();
  ours(doc, entries);
  const remembered: Timings = { wall: [], cpu: [] };
  for (let index = 0; index < runs; index++) measure(() => ours(doc, entries), remembered);
  return {
    ours: oursDist,
    /** Ours with every entry remembered from an earlier render, as in a warm regenerator. */
    oursRemembered: distribution(remembered.wall),
    feedLibrary: libraryDist,
    /** Median wall time of ours over the library's, minus one. */
    overheadPercent: round((oursDist.p50 / libraryDist.p50 - 1) * 100, 1),
    cpu: { ours: oursCpu, feedLibrary: libraryCpu, overheadPercent: round((oursCpu.p50 / libraryCpu.p50 - 1) * 100, 1) },
    outputBytes: { ours: sizes(ours(doc)), feedLibrary: sizes(withFeedLibrary(doc)), order: ['rss', 'atom', 'json'] },
  };
}

function perFormat(doc: FeedDocument) {
  const count = Math.max(10, Math.floor(runs / 2));
  const median = (fn: () => unknown) => distribution(Array.from({ length: count }, () => time(fn))).p50;
  const library = () => {
    // Only the serialisation step of the library (its items already added).
    const feed = new Feed({ id: 'tag:x,2026:f', title: 't', link: `${site.baseUrl}/`, copyright: '' });
    for (const article of doc.articles) {
      feed.addItem({
        title: article.title,
        id: articleId(site, article),
        link: article.url,
        description: summaryOf(article),
        content: contentHtml(article),
        date: new Date(article.updatedAt),
      });
    }
    return feed;
  };
  const prepared = library();
  return {
    oursMs: { rss: median(() => renderRss(doc)), atom: median(() => renderAtom(doc)), json: median(() => renderJsonFeed(doc)) },
    feedLibraryMs: { rss: median(() => prepared.rss2()), atom: median(() => prepared.atom1()), json: median(() => prepared.json1()) },
    /** What our renderers spend on shared helpers, per feed (50 stories × 3 formats). */
    helpersMs: {
      summaryOf150: median(() => {
        for (let index = 0; index < 3; index++) for (const article of doc.articles) summaryOf(article);
      }),
      contentHtml150: median(() => {
        for (let index = 0; index < 3; index++) for (const article of doc.articles) contentHtml(article);
      }),
      feedView3: median(() => {
        for (let index = 0; index < 3; index++) feedView(doc);
      }),
    },
  };
}

const withSummaries = document(stories(true));
const withoutSummaries = document(stories(false));
const storyBytes = withSummaries.articles.map((article) => Buffer.byteLength(JSON.stringify(article)));
log(`50 stories, ${Math.round(storyBytes.reduce((a, b) => a + b, 0) / 50)} bytes each on average (stored JSON)`);
void SITE_FEED;

const result = {
  scenario: 'render',
  runs,
  warmup,
  loadBefore: machineLoad(),
  stories: 50,
  averageStoryBytes: Math.round(storyBytes.reduce((a, b) => a + b, 0) / storyBytes.length),
  averageBodyBytes: Math.round(withSummaries.articles.reduce((sum, article) => sum + Buffer.byteLength(article.body), 0) / 50),
  /** The headline: stories that carry an editor's summary, as both sides can use it as is. */
  withSummaries: compare('stories with summaries', withSummaries),
  /** Stories without a summary: both sides derive it from the body (ours per format, the library's mapping once). */
  withoutSummaries: compare('stories without summaries', withoutSummaries),
  perFormat: perFormat(withSummaries),
  perFormatWithoutSummaries: perFormat(withoutSummaries),
  loadAfter: machineLoad(),
};
writeResult(args.out, result);
log(
  `ours p50 ${result.withSummaries.ours.p50} ms, feed p50 ${result.withSummaries.feedLibrary.p50} ms, overhead ${result.withSummaries.overheadPercent}%`,
);
