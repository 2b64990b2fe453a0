import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importStories, type ImportOptions, type ImportSummary } from '../../cli/import.js';
import { loadSite } from '../../functions/commons/config.js';
import { atomEntryId } from '../../functions/rendering/feed-document.js';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/local-runtime.js';
import { IngestClient } from '../../story-publishing/ingest-client.js';
import { assertWellFormedXml, jsonFeedErrors, xmlTree } from '../support/feed-checks.js';
import { wxrWithHugeItem, writeLargeWxr } from '../support/large-wxr.js';
import { atomGrammarErrors } from '../validation/support/atom-grammar.js';
import { READERS, type ParserName } from '../validation/support/parsers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = path.join(root, 'tests/fixtures/imports');
const TOKEN = 'import-command-token-0123456789';

interface ExpectedItem {
  id: string;
  title: string;
  publishedAt: string;
  authors: string[];
  categories: string[];
  url: string;
  image: { url: string; alt?: string; caption?: string; credit?: string } | null;
}
type Expected = Record<string, { items: ExpectedItem[]; skipped?: Record<string, number>; incomplete?: string[] }>;

const PLATFORM_DOCUMENTS = [
  'wordpress-rss.xml',
  'ghost-rss.xml',
  'blogger-atom.xml',
  'substack-rss.xml',
  'microblog-feed.json',
  'micro-feed-1.1.json',
  'wordpress-export.xml',
];

interface JsonItem {
  id: string;
  title: string;
  date_published: string;
  authors?: { name: string }[];
  tags?: string[];
  image?: string;
  content_html: string;
  _newsroom?: { image?: { alt?: string; caption?: string; credit?: string } };
}

describe('Command: import', () => {
  let runtime: LocalRuntime;
  let s3: S3Client;
  let scratch: string;
  let expected: Expected;

  beforeAll(async () => {
    runtime = await startLocalRuntime({ port: 0, dataDir: undefined, token: TOKEN });
    s3 = new S3Client(runtime.standIns.clientConfig.s3);
    scratch = await mkdtemp(path.join(tmpdir(), 'import-command-'));
    expected = JSON.parse(await readFile(path.join(FIXTURES, 'expected.json'), 'utf8')) as Expected;
  });

  afterAll(async () => {
    s3?.destroy();
    await runtime?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  function options(inputs: string[], overrides: Partial<ImportOptions> = {}): ImportOptions {
    return {
      inputs,
      endpoint: runtime.url,
      token: { value: TOKEN, from: 'INGEST_TOKEN' },
      localTokenFile: path.join(scratch, 'ingest-token'),
      dryRun: false,
      strict: false,
      tagsAsCategories: false,
      verbose: false,
      siteUrl: 'https://news.example.com',
      siteRedirects: {},
      cwd: FIXTURES,
      ...overrides,
    };
  }

  async function run(inputs: string[], overrides: Partial<ImportOptions> = {}, token = TOKEN) {
    const lines: string[] = [];
    const errors: string[] = [];
    const summary: ImportSummary = await importStories(options(inputs, overrides), {
      client: new IngestClient(runtime.url, token),
      output: { log: (line) => lines.push(line), error: (line) => errors.push(line) },
      progress: { isTTY: false, write: () => {} },
    });
    await runtime.settled();
    return { summary, lines, errors };
  }

  /**
   * A feed file as the bucket holds it: what readers get once the CDN's invalidation completes
   * (the CDN stand-in keeps its copy until then, as CloudFront does). Undefined: never written.
   */
  async function feedFile(feedPath: string): Promise<string | undefined> {
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: runtime.standIns.bucket, Key: feedPath.slice(1) }));
      return await object.Body!.transformToString();
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  async function text(feedPath: string): Promise<string> {
    const body = await feedFile(feedPath);
    expect(body, feedPath).toBeDefined();
    return body!;
  }

  /** The items of a JSON Feed; none while the feed has never been written. */
  async function jsonItems(feedPath = '/feed.json'): Promise<JsonItem[]> {
    const body = await feedFile(feedPath);
    return body === undefined ? [] : (JSON.parse(body) as { items: JsonItem[] }).items;
  }

  /** Every file of the bucket and its ETag: what a run changed, if anything. */
  async function bucketState(): Promise<Record<string, string>> {
    const state: Record<string, string> = {};
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: runtime.standIns.bucket, ContinuationToken: token }));
      for (const object of page.Contents ?? []) state[object.Key!] = `${object.ETag} ${object.LastModified?.toISOString()}`;
      token = page.NextContinuationToken;
    } while (token);
    return state;
  }

  async function stored(slug: string): Promise<{ status: number; feedId?: string; title?: string; body?: string }> {
    const response = await fetch(`${runtime.url}/articles/${slug}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return response.ok ? { status: 200, ...((await response.json()) as object) } : { status: response.status };
  }

  const allExpected = () => PLATFORM_DOCUMENTS.flatMap((name) => expected[name]!.items);
  /** Each id's item as first met in import order: later items with the same id are duplicates. */
  const firstById = () => {
    const byId = new Map<string, ExpectedItem>();
    for (const item of allExpected()) if (!byId.has(item.id)) byId.set(item.id, item);
    return byId;
  };

  it('fails on a broken document with its name, and sends nothing from any document', async () => {
    // Act
    const { summary, errors } = await run(['ghost-rss.xml', 'truncated.xml']);
    // Assess
    expect(summary.exitCode).toBe(2);
    expect(errors).toEqual([
      expect.stringMatching(/^truncated\.xml: not well-formed XML: .* \(line \d+, column \d+\)$/),
      '1 document cannot be imported; nothing was sent.',
    ]);
    const ids = new Set((await jsonItems()).map((item) => item.id));
    for (const item of expected['ghost-rss.xml']!.items) expect(ids.has(item.id)).toBe(false);
  });

  it('refuses entity declarations: an XML bomb and an external entity are never expanded', async () => {
    // Act
    const { summary, errors } = await run(['xml-bomb.xml', 'external-entity.xml']);
    // Assess
    expect(summary.exitCode).toBe(2);
    expect(errors.filter((line) => line.includes('declares XML entities in its DOCTYPE'))).toHaveLength(2);
    expect(JSON.stringify(await jsonItems())).not.toContain('root:');
  });

  it('sends nothing with --dry-run, and lists what it would send', async () => {
    // Act
    const { summary, lines } = await run(['wordpress-export.xml'], { dryRun: true, verbose: true });
    // Assess
    expect(summary.exitCode).toBe(0);
    expect(lines.filter((line) => line.includes('would PUT /articles/'))).toHaveLength(5);
    expect((await stored('harbour-news')).status).toBe(404);
  });

  it('stops at a refused token and says where the token came from', async () => {
    // Act
    const { summary, errors } = await run(['ghost-rss.xml'], {}, 'not-the-token-0000000000');
    // Assess
    expect(summary.exitCode).toBe(1);
    expect(errors.join('\n')).toContain('The endpoint refused the token (401 Unauthorized); the token came from INGEST_TOKEN.');
  });

  it('imports each platform’s published items once under their original ids, valid in every format', async () => {
    // Prepare: a story of the newsroom's own already holds a slug an imported item asks for.
    const native = await fetch(`${runtime.url}/articles/ferry-timetable-changes`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Our own ferry story', bodyMarkdown: 'Written here.', publishedAt: '2025-01-10T09:00:00Z' }),
    });
    expect(native.status).toBe(201);
    // Act
    const { summary, errors } = await run(PLATFORM_DOCUMENTS);
    // Assess: what was read and sent.
    expect(summary).toMatchObject({ exitCode: 0, failed: 0, notSent: 0, skipped: 1 });
    expect(summary.leftOut).toMatchObject({ draft: 1, pending: 1, private: 1, page: 1, attachment: 2, revision: 1, other: 1 });
    expect(errors).toContain('microblog-feed.json item 3: has no title; a story needs one; skipped');
    const ids = allExpected().map((item) => item.id);
    const unique = new Set(ids);
    // The WordPress feed and the export hold the same posts: each is imported once.
    expect(summary.created).toBe(unique.size);
    expect(summary.duplicates).toBe(ids.length - unique.size);
    expect(await stored('ferry-timetable-changes')).toMatchObject({ title: 'Our own ferry story' });
    expect(await stored('ferry-timetable-changes-2')).toMatchObject({ feedId: 'https://harbour.example/?p=123' });

    // Assess: the JSON Feed carries each once, with what the source gave.
    const items = await jsonItems();
    for (const want of firstById().values()) {
      const found = items.filter((item) => item.id === want.id);
      expect(found, want.id).toHaveLength(1);
      const [item] = found as [JsonItem];
      expect(item.title, want.id).toBe(want.title);
      expect(Date.parse(item.date_published), want.id).toBe(Date.parse(want.publishedAt));
      expect(item.authors?.map((author) => author.name) ?? [], want.id).toEqual(want.authors);
      expect(item.tags ?? [], want.id).toEqual(want.categories);
      expect(item.image, want.id).toBe(want.image?.url);
      if (want.image) {
        const { url: _, ...details } = want.image;
        expect(item._newsroom?.image, want.id).toMatchObject(details);
      }
    }
    // Drafts, pages, attachments and revisions stay out: no other guid of the export is in a feed.
    const exportGuids = [
      ...(await readFile(path.join(FIXTURES, 'wordpress-export.xml'), 'utf8')).matchAll(/<guid[^>]*>([^<]+)<\/guid>/g),
    ].map((match) => match[1]!);
    const left = exportGuids.filter((guid) => !unique.has(guid));
    expect(left.length).toBeGreaterThanOrEqual(8);
    for (const guid of left)
      expect(
        items.some((item) => item.id === guid),
        guid,
      ).toBe(false);

    // Assess: RSS guids and Atom ids, read back by independent parsers; the documents are valid.
    const rss = await text('/feed.xml');
    const atom = await text('/atom.xml');
    const json = JSON.parse(await text('/feed.json')) as unknown;
    assertWellFormedXml(rss);
    expect(await atomGrammarErrors(atom)).toEqual([]);
    expect(jsonFeedErrors(json)).toEqual([]);
    const site = loadSite({});
    const guids = ((xmlTree(rss).rss as { channel: { item: { guid: { '#text': string } }[] } }).channel.item ?? []).map(
      (entry) => entry.guid['#text'],
    );
    for (const id of unique)
      expect(
        guids.filter((guid) => guid === id),
        id,
      ).toHaveLength(1);
    for (const parser of Object.keys(READERS) as ParserName[]) {
      const fromRss = new Set((await READERS[parser](rss)).map((entry) => entry.id));
      const fromAtom = new Set((await READERS[parser](atom)).map((entry) => entry.id));
      for (const id of unique) {
        expect(fromRss.has(id), `${parser} RSS ${id}`).toBe(true);
        expect(fromAtom.has(atomEntryId(site, { slug: 'unused', feedId: id })), `${parser} Atom ${id}`).toBe(true);
      }
    }
  });

  it('changes nothing when run again', async () => {
    // Prepare
    const before = await bucketState();
    // Act
    const { summary } = await run(PLATFORM_DOCUMENTS);
    // Assess
    const unique = new Set(allExpected().map((item) => item.id)).size;
    expect(summary).toMatchObject({ exitCode: 0, created: 0, updated: 0, unchanged: unique, failed: 0 });
    expect(Object.keys(before).length).toBeGreaterThan(30);
    expect(await bucketState()).toEqual(before);
    expect(await stored('ferry-timetable-changes-2')).toMatchObject({ feedId: 'https://harbour.example/?p=123' });
  });

  it('finds a story an earlier run stored under another slug by its id, instead of making a second', async () => {
    // Prepare: the same post, now at another address (so another slug), with a corrected title.
    const moved = path.join(scratch, 'moved.xml');
    await writeFile(
      moved,
      `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>The Harbour Gazette</title><link>https://harbour.example/</link><description>d</description>
<item><title>Ferry timetable changes: the full list</title><link>https://harbour.example/ferries/timetable-2025/</link>
<guid isPermaLink="false">https://harbour.example/?p=123</guid><pubDate>Tue, 04 Mar 2025 17:15:00 +0000</pubDate><description>New times.</description></item>
</channel></rss>`,
    );
    // Act
    const { summary } = await run([moved]);
    // Assess
    expect(summary).toMatchObject({ exitCode: 0, created: 0, updated: 1, failed: 0 });
    expect(await stored('ferry-timetable-changes-2')).toMatchObject({ title: 'Ferry timetable changes: the full list' });
    expect((await stored('timetable-2025')).status).toBe(404);
  });

  it('cleans script out of imported content and keeps markup-like titles as text', async () => {
    // Act
    const { summary } = await run(['script-content.xml']);
    // Assess
    expect(summary).toMatchObject({ exitCode: 0, created: 2 });
    const items = (await jsonItems()).filter((item) => /\?p=91[12]$/.test(item.id));
    expect(items.map((item) => item.title).sort()).toEqual([
      'Lifeboat station open day',
      'Regatta programme <script>alert(1)</script> published',
    ]);
    for (const item of items) expect(item.content_html).not.toMatch(/<script|alert|onerror|javascript:|<iframe|style=/i);
    const rss = await text('/feed.xml');
    expect(rss).toContain('<title>Regatta programme &#x3C;script&gt;alert(1)&#x3C;/script&gt; published</title>');
    expect(rss).not.toMatch(/<script/i);
  });

  it('skips what cannot be a story, says why, and with --strict sends nothing', async () => {
    // Prepare
    const huge = path.join(scratch, 'huge-item.xml');
    await writeFile(huge, wxrWithHugeItem(5 * 1024 * 1024));
    // Act
    const strict = await run(['missing-fields.xml'], { strict: true });
    const lenient = await run(['missing-fields.xml', huge, 'colliding-guid.xml']);
    // Assess
    expect(strict.summary.exitCode).toBe(2);
    expect(strict.errors.at(-1)).toBe('3 items cannot be imported and --strict is set; nothing was sent.');
    expect(strict.summary.created).toBe(0);
    expect(lenient.summary).toMatchObject({ exitCode: 0, created: 1 + 1 + 2, skipped: 3 + 1, duplicates: 1 });
    expect(lenient.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^missing-fields\.xml item 1: has no title/),
        expect.stringMatching(/^missing-fields\.xml item 2: ".+" has no publish date/),
        expect.stringMatching(/^missing-fields\.xml item 3: ".+" has a publish date that cannot be read .*\("yesterday"\)/),
        expect.stringMatching(/huge-item\.xml item 1: ".+" is \d+ KB as a story, over the 256 KB a story may be; skipped$/),
        expect.stringMatching(/^colliding-guid\.xml item 2: has the same id as colliding-guid\.xml item 1/),
      ]),
    );
  });

  it('puts older stories in the daily archives, not the subscription feed', async () => {
    // Prepare: 60 posts two hours apart, ending a week before the oldest sample.
    const file = path.join(scratch, 'archive-export.xml');
    await writeLargeWxr(file, { posts: 60, startAt: new Date('2025-01-20T12:00:00Z') });
    // Act
    const { summary } = await run([file]);
    // Assess
    // Two of these posts' ids were imported by an earlier case: they are the same stories.
    expect(summary).toMatchObject({ exitCode: 0, failed: 0 });
    expect(summary.created + summary.updated + summary.unchanged).toBe(60);
    const siteIds = new Set((await jsonItems()).map((item) => item.id));
    expect(siteIds.size).toBe(50);
    const oldest = 'https://harbour.example/?p=60';
    expect(siteIds.has(oldest)).toBe(false);
    const day = new Date(Date.parse('2025-01-20T12:00:00Z') - 59 * 2 * 3_600_000).toISOString().slice(0, 10);
    // Archive pages follow off the readers' path, within a minute (the catalog refresh).
    await runtime.refreshCatalog();
    const archived = await jsonItems(`/archive/${day}/feed.json`);
    expect(archived.map((item) => item.id)).toContain(oldest);
  });
});
