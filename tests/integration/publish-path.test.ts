import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/table-keys.js';
import { apiEvent, streamEvent } from '../support/api-gateway-events.js';
import { jsonFeedErrors } from '../support/feed-checks.js';
import { startHandlerFixture, type HandlerFixture } from '../support/handler-fixture.js';

const TOKEN = 'integration-token-0123456789';

describe('Function: ingest and regenerate against dynalite and s3rver', () => {
  let fixture: HandlerFixture;
  let ingest: HandlerFixture['ingest'];
  let regenerate: HandlerFixture['regenerate'];

  const call = async (method: string, path: string, body?: unknown) => {
    const result = await ingest(apiEvent(method, path, { body, token: TOKEN }));
    return {
      status: result.statusCode!,
      headers: result.headers ?? {},
      body: result.body ? (JSON.parse(result.body) as Record<string, unknown>) : {},
    };
  };
  const readObject = (key: string) => fixture.readObject(key);
  const tableSnapshot = () => fixture.scanTable();

  beforeAll(async () => {
    fixture = await startHandlerFixture(TOKEN);
    ({ ingest, regenerate } = fixture);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('stores a story durably before answering, then the stream regenerates its feeds', async () => {
    // Act
    const response = await call('PUT', '/articles/port-reopens', {
      title: 'Port reopens after storm',
      bodyMarkdown: 'The port reopened on Friday.',
      categories: ['Shipping'],
      authors: [{ name: 'Lena Ortiz' }],
      publishedAt: '2026-11-26T08:00:00+01:00',
    });
    const stored = await fixture.documents.send(
      new GetCommand({ TableName: fixture.standIns.tableName, Key: { PK: 'ARTICLE#port-reopens', SK: 'A' } }),
    );
    await regenerate(streamEvent(['port-reopens']));
    // Assess
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe('/articles/port-reopens');
    expect(stored.Item).toMatchObject({ title: 'Port reopens after storm', status: 'published', revision: 1 });
    for (const [key, type] of [
      ['feed.xml', 'application/rss+xml; charset=utf-8'],
      ['categories/shipping/atom.xml', 'application/atom+xml; charset=utf-8'],
      ['authors/lena-ortiz/feed.json', 'application/feed+json; charset=utf-8'],
    ] as const) {
      const object = await readObject(key);
      expect(object.contentType).toBe(type);
      expect(object.cacheControl).toMatch(/max-age=/);
      expect(object.text).toContain('Port reopens after storm');
    }
    expect(jsonFeedErrors(JSON.parse((await readObject('feed.json')).text))).toEqual([]);
  });

  it('changes nothing when a request is rejected', async () => {
    // Prepare
    const before = await tableSnapshot();
    // Act
    const responses = await Promise.all([
      call('PUT', '/articles/port-reopens', { title: 'Changed', bodyMarkdown: 'x', publishedAt: 'yesterday' }),
      call('PUT', '/articles/port-reopens', { title: 'Changed', body: 'x', bodyMarkdown: 'x' }),
      call('PUT', '/articles/Port_Reopens', { title: 'Changed', bodyMarkdown: 'x' }),
      ingest(apiEvent('PUT', '/articles/port-reopens', { body: '{"title":"Changed",', token: TOKEN })),
      ingest(apiEvent('PUT', '/articles/port-reopens', { body: { title: 'Changed', bodyMarkdown: 'x' } })),
      // Without a token even a broken body is refused as unauthorised: it is never parsed.
      ingest(apiEvent('PUT', '/articles/port-reopens', { body: '{"title": ', headers: { 'content-type': 'text/plain' } })),
    ]);
    // Assess
    expect(responses.map((response) => ('status' in response ? response.status : response.statusCode))).toEqual([
      400, 400, 400, 400, 401, 401,
    ]);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('keeps a feed id to one story: another slug asking for it gets 409 and nothing is stored', async () => {
    // Prepare
    const story = {
      title: 'Pier reopens',
      bodyMarkdown: 'x',
      feedId: 'https://old.example.com/?p=112',
      publishedAt: '2024-09-14T10:00:00+01:00',
    };
    expect((await call('PUT', '/articles/pier-reopens', story)).status).toBe(201);
    const before = await tableSnapshot();
    // Act
    const taken = await call('PUT', '/articles/pier-reopens-again', { ...story, title: 'Pier reopens (copy)' });
    const again = await call('PUT', '/articles/pier-reopens', story);
    // Assess
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({
      title: 'Feed id taken',
      errors: [{ pointer: '/feedId', detail: 'is already the id of the story at /articles/pier-reopens: two stories cannot share one' }],
    });
    expect(again.status).toBe(200);
    expect(await tableSnapshot()).toEqual(before);
    expect((await call('GET', '/articles/pier-reopens-again')).status).toBe(404);
  });

  it('lets a story take a feed id whose claim was left by a save that never happened', async () => {
    // Prepare: a claim naming a slug whose story was never stored (the write after the claim failed).
    const feedId = 'tag:blogger.com,1999:blog-1.post-2';
    await fixture.documents.send(
      new PutCommand({ TableName: process.env.TABLE_NAME!, Item: { ...keys.feedIdClaim(feedId), feedId, slug: 'lost-write' } }),
    );
    // Act
    const put = await call('PUT', '/articles/found-write', { title: 'Found', bodyMarkdown: 'x', feedId });
    const other = await call('PUT', '/articles/lost-write', { title: 'Lost', bodyMarkdown: 'x', feedId });
    // Assess
    expect(put.status).toBe(201);
    expect(other.status).toBe(409);
  });

  it('previews a story as a PUT would store it, in each format, and stores nothing', async () => {
    // Prepare
    const before = await tableSnapshot();
    const story = {
      title: 'Preview <me>',
      bodyMarkdown: 'Hello **there**.<script>x</script>',
      categories: ['Local'],
      publishedAt: '2026-03-09T09:30:00+09:00',
    };
    // Act
    const preview = await call('POST', '/articles/preview', story);
    const invalid = await call('POST', '/articles/preview', { bodyMarkdown: 'no title' });
    // Assess
    expect(preview.status).toBe(200);
    expect(preview.headers['cache-control']).toContain('no-store');
    const { article, items } = preview.body as {
      article: { slug: string; body: string };
      items: { rss: string; atom: string; json: { title: string } };
    };
    expect(article).toMatchObject({ slug: 'preview-me', body: '<p>Hello <strong>there</strong>.&lt;script&gt;x&lt;/script&gt;</p>' });
    expect(items.rss).toMatch(/^<item>[\s\S]*<title>Preview &#x3C;me&gt;<\/title>[\s\S]*<\/item>$/);
    expect(items.atom).toMatch(/^<entry>[\s\S]*<\/entry>$/);
    expect(items.json.title).toBe('Preview <me>');
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ errors: [{ pointer: '/title', detail: 'is required' }] });
    expect(await tableSnapshot()).toEqual(before);
  });

  it('previews a correction over the stored story: its publish time kept', async () => {
    // Prepare
    await call('PUT', '/articles/preview-correction', { title: 'First', bodyMarkdown: 'x', publishedAt: '2026-03-01T08:00:00Z' });
    // Act
    const preview = await call('POST', '/articles/preview?slug=preview-correction', { title: 'Second', bodyMarkdown: 'x' });
    const badSlug = await call('POST', '/articles/preview?slug=Not_A_Slug', { title: 'Second', bodyMarkdown: 'x' });
    // Assess
    expect(preview.body).toMatchObject({
      article: { slug: 'preview-correction', title: 'Second', publishedAt: '2026-03-01T08:00:00Z', revision: 2 },
    });
    expect((await call('GET', '/articles/preview-correction')).body).toMatchObject({ title: 'First', revision: 1 });
    expect(badSlug.status).toBe(400);
  });

  it('turns concurrent identical PUTs into one story and one feed entry', async () => {
    // Act
    const body = { title: 'Identical retries', bodyMarkdown: 'Same.', publishedAt: '2026-11-25T10:00:00Z' };
    const responses = await Promise.all(Array.from({ length: 8 }, () => call('PUT', '/articles/identical-retries', body)));
    await regenerate(streamEvent(['identical-retries']));
    // Assess
    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    expect(responses.filter((response) => response.status === 200)).toHaveLength(7);
    const stored = await call('GET', '/articles/identical-retries');
    expect(stored.body.revision).toBe(1);
    const feed = JSON.parse((await readObject('feed.json')).text) as { items: { id: string }[] };
    expect(feed.items.filter((item) => item.id.endsWith(':identical-retries'))).toHaveLength(1);
  });

  it('keeps the last acknowledged of racing updates, and the feeds match the table', async () => {
    // Prepare
    await call('PUT', '/articles/racing', { title: 'Racing v0', bodyMarkdown: 'x', categories: ['Zero'] });
    // Act
    const versions = Array.from({ length: 6 }, (_, index) => ({
      title: `Racing v${index + 1}`,
      bodyMarkdown: 'x',
      categories: [`Cat ${index + 1}`],
    }));
    const responses = await Promise.all(versions.map((version) => call('PUT', '/articles/racing', version)));
    await Promise.all([regenerate(streamEvent(['racing'])), regenerate(streamEvent(['racing']))]);
    // Assess
    expect(responses.every((response) => response.status === 200 || response.status === 409)).toBe(true);
    const final = (await call('GET', '/articles/racing')).body as { title: string; categories: string[]; revision: number };
    const acknowledged = responses.filter((response) => response.status === 200).map((response) => response.body.revision as number);
    expect(final.revision).toBe(Math.max(...acknowledged));
    const siteFeed = JSON.parse((await readObject('feed.json')).text) as { items: { id: string; title: string }[] };
    expect(siteFeed.items.filter((item) => item.id.endsWith(':racing')).map((item) => item.title)).toEqual([final.title]);
    const categoryFeed = JSON.parse(
      (await readObject(`categories/${final.categories[0]!.toLowerCase().replace(' ', '-')}/feed.json`)).text,
    ) as { items: { title: string }[] };
    expect(categoryFeed.items.map((item) => item.title)).toEqual([final.title]);
    for (const stale of ['zero', ...versions.map((_, index) => `cat-${index + 1}`)].filter(
      (slug) => slug !== final.categories[0]!.toLowerCase().replace(' ', '-'),
    )) {
      const feed = await readObject(`categories/${stale}/feed.json`).catch(() => undefined);
      if (feed) expect(JSON.parse(feed.text).items).toEqual([]);
    }
  });

  it('leaves feeds that match the table when an update races a retraction', async () => {
    for (let round = 0; round < 5; round++) {
      // Prepare
      const slug = `update-vs-retract-${round}`;
      await call('PUT', `/articles/${slug}`, { title: 'Before', bodyMarkdown: 'x', categories: ['Race'] });
      await regenerate(streamEvent([slug]));
      // Act
      await Promise.all([
        call('PUT', `/articles/${slug}`, { title: 'Updated', bodyMarkdown: 'x', categories: ['Race'] }),
        call('DELETE', `/articles/${slug}`),
      ]);
      await regenerate(streamEvent([slug]));
      // Assess
      const final = (await call('GET', `/articles/${slug}`)).body as { status: string; title: string };
      const titles = (JSON.parse((await readObject('categories/race/feed.json')).text) as { items: { id: string; title: string }[] }).items
        .filter((item) => item.id.endsWith(`:${slug}`))
        .map((item) => item.title);
      expect(titles).toEqual(final.status === 'published' ? [final.title] : []);
    }
  });

  it('writes nothing but published content into the bucket: no token, key or bookkeeping', async () => {
    // Prepare
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const { Contents = [] } = await fixture.s3.send(new ListObjectsV2Command({ Bucket: fixture.standIns.bucket }));
    // Act
    const texts = await Promise.all(Contents.map(async (object) => (await readObject(object.Key!)).text));
    // Assess
    expect(texts.length).toBeGreaterThan(5);
    for (const text of texts) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toMatch(/ARTICLE#|FEED#|FEEDSTATE#|"revision"|leaseOwner|at \S+\.(ts|js):\d+/);
    }
  });

  it('derives unique slugs for POSTed stories', async () => {
    // Act
    const first = await call('POST', '/articles', { title: 'Élection: résultats', bodyMarkdown: 'x' });
    const second = await call('POST', '/articles', { title: 'Élection: résultats', bodyMarkdown: 'y' });
    const arabic = await call('POST', '/articles', { title: 'نتائج الانتخابات', bodyMarkdown: 'z', language: 'ar' });
    // Assess
    expect(first).toMatchObject({
      status: 201,
      body: { slug: 'election-resultats' },
      headers: { location: '/articles/election-resultats' },
    });
    expect(second.body.slug).toBe('election-resultats-2');
    expect(arabic.status).toBe(201);
    expect(arabic.body.slug).toMatch(/^story-[a-z0-9]+$/);
  });

  it('answers a POST retried with the same Idempotency-Key with the first response', async () => {
    // Prepare
    const post = (body: unknown, key: string) =>
      ingest(apiEvent('POST', '/articles', { body, token: TOKEN, headers: { 'idempotency-key': key } }));
    const body = { title: 'Budget passes', bodyMarkdown: 'It passed.' };
    // Act
    const first = await post(body, 'key-0001');
    const retries = await Promise.all([post(body, 'key-0001'), post(body, 'key-0001')]);
    const reused = await post({ ...body, title: 'Another story' }, 'key-0001');
    const other = await post(body, 'key-0002');
    // Assess
    expect(first.statusCode).toBe(201);
    for (const retry of retries) {
      expect([first.statusCode, 409]).toContain(retry.statusCode);
      if (retry.statusCode === 201) expect(retry.body).toBe(first.body);
    }
    expect(reused.statusCode).toBe(422);
    expect(JSON.parse(other.body!).slug).toBe('budget-passes-2');
    const listed = (await call('GET', '/articles?limit=100')).body.articles as { slug: string }[];
    expect(listed.filter((article) => article.slug.startsWith('budget-passes'))).toHaveLength(2);
  });

  it('refuses a PUT whose If-Match no longer matches with 412 and the current story; without If-Match as before', async () => {
    // Prepare: an editor reads the story, then someone else corrects it.
    const story = { title: 'Bridge closes for repairs', bodyMarkdown: 'Closed.', publishedAt: '2026-11-26T08:00:00Z' };
    const send = (body: unknown, headers: Record<string, string> = {}) =>
      ingest(apiEvent('PUT', '/articles/bridge-closes', { body, token: TOKEN, headers }));
    const created = await send(story);
    const read = await ingest(apiEvent('GET', '/articles/bridge-closes', { token: TOKEN }));
    const readTag = read.headers!.etag as string;
    const other = await send({ ...story, title: 'Bridge closes for two weeks' }, { 'if-match': readTag });
    const before = await tableSnapshot();
    // Act
    const stale = await send({ ...story, title: 'Bridge closes for a month' }, { 'if-match': readTag });
    const weak = await send({ ...story, title: 'Bridge closes for a month' }, { 'if-match': `W/${other.headers!.etag}` });
    const missing = await ingest(apiEvent('PUT', '/articles/no-such-bridge', { body: story, token: TOKEN, headers: { 'if-match': '*' } }));
    const malformed = await send({ ...story, title: 'Bridge closes for a month' }, { 'if-match': 'r2' });
    const after = await tableSnapshot();
    const current = await send({ ...story, title: 'Bridge closes for a month' }, { 'if-match': `"r0", ${other.headers!.etag}` });
    const unconditional = await send({ ...story, title: 'Bridge reopens' });
    // Assess
    expect([created.statusCode, created.headers!.etag]).toEqual([201, '"r1"']);
    expect([read.statusCode, readTag]).toEqual([200, '"r1"']);
    expect([other.statusCode, other.headers!.etag]).toEqual([200, '"r2"']);
    expect(stale.statusCode).toBe(412);
    expect(stale.headers!.etag).toBe('"r2"');
    expect(JSON.parse(stale.body!)).toMatchObject({
      status: 412,
      title: 'Precondition Failed',
      detail: expect.stringContaining('now at revision 2'),
      current: { slug: 'bridge-closes', title: 'Bridge closes for two weeks', revision: 2 },
    });
    expect(weak.statusCode).toBe(412);
    expect([missing.statusCode, JSON.parse(missing.body!).current]).toEqual([412, null]);
    expect(malformed.statusCode).toBe(400);
    expect(JSON.parse(malformed.body!).errors).toEqual([{ pointer: '/If-Match', detail: expect.stringContaining('"r3"') }]);
    expect(after).toEqual(before);
    expect([current.statusCode, current.headers!.etag]).toEqual([200, '"r3"']);
    expect([unconditional.statusCode, JSON.parse(unconditional.body!).revision]).toEqual([200, 4]);
  });

  it('pages through every story exactly once', async () => {
    // Act
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call('GET', `/articles?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...(page.body.articles as { slug: string }[]).map((article) => article.slug));
      cursor = page.body.cursor as string | undefined;
    } while (cursor);
    // Assess
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(['port-reopens', 'identical-retries', 'racing', 'election-resultats']));
  });
});
