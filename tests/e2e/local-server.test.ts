import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertWellFormedXml,
  jsonFeedErrors,
  parseWithFeedParser,
  parseWithNodeFeedparser,
  parseWithRssParser,
} from '../support/feed-checks.js';
import { eventually, startLocalServerProcess, type LocalServerProcess } from '../support/local-server-process.js';
import { getWithHeaders, VIEWER_REQUESTS } from '../support/viewer-requests.js';

const TOKEN = 'e2e-test-token-0123456789abcdef';

const story = {
  title: 'Rivers rise across the delta as monsoon arrives early',
  kicker: 'Breaking News',
  summary: 'Flood warnings were issued for 12 districts.',
  bodyMarkdown: 'DHAKA, Nov 27 (Reuters) – Rivers rose sharply on Friday.\n\nOfficials opened shelters.',
  authors: [{ name: 'Nadia Rahman', url: 'https://news.example.com/staff/nadia-rahman' }],
  categories: ['Weather Desk'],
  publishedAt: '2026-11-27T09:15:00+06:00',
  image: {
    url: 'https://images.example.com/2026/11/delta-flood.jpg',
    alt: 'A flooded road with rickshaws',
    caption: 'A flooded road in the delta on Friday.',
    credit: 'Farid Ahmed / Reuters',
  },
};

const FEED_DIRS = ['', '/categories/weather-desk', '/authors/nadia-rahman'];
const FEED_TYPES: Record<string, string> = {
  'feed.xml': 'application/rss+xml; charset=utf-8',
  'atom.xml': 'application/atom+xml; charset=utf-8',
  'feed.json': 'application/feed+json; charset=utf-8',
};

describe('Local server: publish, update, retract over HTTP', () => {
  let server: LocalServerProcess;
  let dataDir: string;

  const api = (method: string, pathName: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${pathName}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });

  const feedText = async (pathName: string) => {
    const response = await fetch(`${server.url}${pathName}`);
    expect(response.status).toBe(200);
    return response.text();
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'feeds-e2e-'));
    server = await startLocalServerProcess({ DATA_DIR: dataDir, INGEST_TOKEN: TOKEN });
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('loads the sample stories into an empty store and serves the site feeds', async () => {
    // Act
    const json = JSON.parse(await feedText('/feed.json')) as { items: unknown[] };
    // Assess
    expect(server.output()).toMatch(/Loaded \d+ sample stories/);
    expect(json.items.length).toBeGreaterThanOrEqual(8);
    expect(jsonFeedErrors(json)).toEqual([]);
  });

  it('refuses requests without a valid token', async () => {
    // Act
    const missing = await fetch(`${server.url}/articles`);
    const wrong = await api('GET', '/articles', undefined, { authorization: 'Bearer not-the-token' });
    // Assess
    for (const response of [missing, wrong]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('publishes a story into all three formats of its site, category and author feeds', async () => {
    // Act
    const response = await api('PUT', '/articles/delta-floods', story);
    // Assess
    expect(response.status).toBe(201);
    const stored = (await response.json()) as Record<string, unknown>;
    expect(stored).toMatchObject({ slug: 'delta-floods', publishedAt: story.publishedAt, url: `${server.url}/articles/delta-floods` });
    for (const dir of FEED_DIRS) {
      await eventually(async () => {
        const rss = await feedText(`${dir}/feed.xml`);
        const atom = await feedText(`${dir}/atom.xml`);
        const json = await feedText(`${dir}/feed.json`);
        for (const xml of [rss, atom]) {
          assertWellFormedXml(xml);
          expect((await parseWithRssParser(xml)).items.map((item) => item.title)).toContain(story.title);
          expect(parseWithFeedParser(xml).items.map((item) => item.title)).toContain(story.title);
          expect((await parseWithNodeFeedparser(xml)).items.map((item) => item.title)).toContain(story.title);
        }
        const jsonFeed = JSON.parse(json) as { items: { title: string }[] };
        expect(jsonFeedErrors(jsonFeed)).toEqual([]);
        expect(jsonFeed.items.map((item) => item.title)).toContain(story.title);
      });
    }
  });

  it('serves feeds with their content type, cache headers, ETag, 304 and compression', async () => {
    // Act
    const first = await fetch(`${server.url}/feed.xml`, { headers: { 'accept-encoding': 'br' } });
    const etag = first.headers.get('etag')!;
    const again = await fetch(`${server.url}/feed.xml`, { headers: { 'if-none-match': etag } });
    const json = await fetch(`${server.url}/feed.json`);
    const atom = await fetch(`${server.url}/atom.xml`, { headers: { 'accept-encoding': 'gzip' } });
    // Assess
    expect(first.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    expect(first.headers.get('content-encoding')).toBe('br');
    expect(first.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(etag).toBeTruthy();
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(json.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    expect(atom.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(atom.headers.get('content-encoding')).toBe('gzip');
  });

  it("answers a browser's navigation to a feed address with the feed's page, everything else with the feed", async () => {
    for (const dir of FEED_DIRS) {
      for (const file of ['feed.xml', 'atom.xml', 'feed.json']) {
        for (const client of VIEWER_REQUESTS) {
          // Act
          const response = await getWithHeaders(`${server.url}${dir}/${file}`, client.headers);
          const { body } = response;
          // Assess
          const where = `${client.client} at ${dir}/${file}`;
          expect(response.status, where).toBe(200);
          expect(response.headers.vary, where).toBe('Accept-Encoding, Sec-Fetch-Dest, Sec-Fetch-Mode');
          expect(response.headers['cache-control'], where).toMatch(/max-age=\d+/);
          if (client.page) {
            expect(response.headers['content-type'], where).toBe('text/html; charset=utf-8');
            expect(response.headers['content-security-policy'], where).toContain("default-src 'none'");
            expect(body, where).toMatch(/^<!DOCTYPE html>/);
            expect(body, where).toContain(story.image.credit);
            expect(body, where).not.toContain('<script');
          } else {
            expect(response.headers['content-type'], where).toBe(FEED_TYPES[file]);
            expect(body, where).toBe(await feedText(`${dir}/${file}`));
          }
        }
      }
    }
  });

  it('sends readers of a WordPress, Ghost or Blogger feed address on to the same feed here (301)', async () => {
    for (const [old, target] of [
      ['/feed/', '/feed.xml'],
      ['/feed/atom/', '/atom.xml'],
      ['/?feed=rss2', '/feed.xml'],
      ['/category/weather-desk/feed/', '/categories/weather-desk/feed.xml'],
      ['/author/nadia-rahman/feed/', '/authors/nadia-rahman/feed.xml'],
      ['/tag/weather-desk/rss/', '/categories/weather-desk/feed.xml'],
    ] as const) {
      // Act
      const moved = await fetch(`${server.url}${old}`, { redirect: 'manual' });
      const followed = await fetch(`${server.url}${old}`);
      // Assess
      expect(moved.status, old).toBe(301);
      expect(moved.headers.get('location'), old).toBe(target);
      expect(moved.headers.get('cache-control'), old).toBe('public, max-age=86400');
      expect(followed.status, old).toBe(200);
      expect(await followed.text(), old).toContain(story.title);
    }
  });

  it('treats the same PUT twice as one story with one feed entry', async () => {
    // Act
    const first = (await (await api('GET', '/articles/delta-floods')).json()) as { updatedAt: string };
    const retry = await api('PUT', '/articles/delta-floods', story);
    // Assess
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as { updatedAt: string }).updatedAt).toBe(first.updatedAt);
    const json = JSON.parse(await feedText('/feed.json')) as { items: { id: string }[] };
    expect(json.items.filter((item) => item.id.endsWith(':delta-floods'))).toHaveLength(1);
  });

  it('shows a correction with a new update time and the original publish time', async () => {
    // Act
    const response = await api('PUT', '/articles/delta-floods', {
      ...story,
      title: 'Rivers rise across the delta (corrected)',
      publishedAt: undefined,
    });
    // Assess
    expect(response.status).toBe(200);
    const stored = (await response.json()) as { publishedAt: string; updatedAt: string };
    expect(stored.publishedAt).toBe(story.publishedAt);
    await eventually(async () => {
      const json = JSON.parse(await feedText('/categories/weather-desk/feed.json')) as {
        items: { title: string; date_published: string; date_modified: string }[];
      };
      expect(json.items[0]).toMatchObject({
        title: 'Rivers rise across the delta (corrected)',
        date_published: story.publishedAt,
        date_modified: stored.updatedAt,
      });
    });
  });

  it('rejects bad input with problem details and changes nothing', async () => {
    // Act
    const invalid = await api('PUT', '/articles/delta-floods', {
      title: '',
      bodyMarkdown: 'x',
      publishedAt: '2026-02-30T10:00:00Z',
      image: { url: 'javascript:alert(1)' },
    });
    const malformed = await api('PUT', '/articles/delta-floods', '{"title": ');
    const notJson = await api('PUT', '/articles/delta-floods', undefined, { 'content-type': 'text/plain' });
    const tooLarge = await api('PUT', '/articles/delta-floods', { title: 'Big', body: 'x'.repeat(300 * 1024) });
    const badSlug = await api('PUT', '/articles/..%2Fetc', story);
    // Assess
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await invalid.json()) as { errors: { pointer: string }[] };
    expect(problem.errors.map((error) => error.pointer).sort()).toEqual(['/image/url', '/publishedAt', '/title']);
    expect(malformed.status).toBe(400);
    expect(notJson.status).toBe(415);
    expect(tooLarge.status).toBe(413);
    expect(badSlug.status).toBe(400);
    const stored = (await (await api('GET', '/articles/delta-floods')).json()) as { title: string };
    expect(stored.title).toBe('Rivers rise across the delta (corrected)');
  });

  it('lists stories newest first with an opaque cursor', async () => {
    // Act
    const first = (await (await api('GET', '/articles?limit=2')).json()) as {
      articles: { slug: string; publishedAt: string }[];
      cursor: string;
    };
    const second = (await (await api('GET', `/articles?limit=2&cursor=${encodeURIComponent(first.cursor)}`)).json()) as {
      articles: { publishedAt: string }[];
    };
    const badCursor = await api('GET', '/articles?cursor=bm90LWEtY3Vyc29y');
    // Assess
    expect(first.articles).toHaveLength(2);
    const times = [...first.articles, ...second.articles].map((article) => Date.parse(article.publishedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(badCursor.status).toBe(400);
    expect((await api('GET', '/articles/no-such-story')).status).toBe(404);
  });

  it('retracts a story from every feed it was in', async () => {
    // Act
    const response = await api('DELETE', '/articles/delta-floods');
    // Assess
    expect(response.status).toBe(204);
    expect((await api('DELETE', '/articles/never-published')).status).toBe(404);
    for (const dir of FEED_DIRS) {
      await eventually(async () => {
        for (const file of ['feed.xml', 'atom.xml', 'feed.json']) {
          expect(await feedText(`${dir}/${file}`)).not.toContain('Rivers rise across the delta');
        }
      });
    }
  });

  it('keeps every story and feed across a restart', async () => {
    // Prepare
    await api('PUT', '/articles/survives-restart', { title: 'Survives a restart', bodyMarkdown: 'Still here.' });
    await eventually(async () => expect(await feedText('/feed.xml')).toContain('Survives a restart'));
    // Act
    await server.stop();
    server = await startLocalServerProcess({ DATA_DIR: dataDir, INGEST_TOKEN: TOKEN });
    // Assess
    expect(server.output()).not.toMatch(/Loaded \d+ sample stories/);
    expect(await feedText('/feed.xml')).toContain('Survives a restart');
    expect((await api('GET', '/articles/survives-restart')).status).toBe(200);
  }, 90_000);

  it('never writes the token to its output', () => {
    expect(server.output()).not.toContain(TOKEN);
  });
});
