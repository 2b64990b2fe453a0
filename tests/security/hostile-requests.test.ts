import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { Parser } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiEvent, streamEvent } from '../support/api-gateway-events.js';
import { assertWellFormedXml, jsonFeedErrors } from '../support/feed-checks.js';
import { startHandlerFixture, type HandlerFixture } from '../support/handler-fixture.js';

const TOKEN = 'hostile-corpus-token-0123456789';
const SLUG = 'target-story';
const VALID = {
  title: 'A valid story',
  kicker: 'Kicker',
  summary: 'Summary',
  bodyMarkdown: 'Body paragraph.',
  authors: [{ name: 'Ana Ruiz', url: 'https://news.example.com/ana', email: 'ana@example.com' }],
  categories: ['World'],
  publishedAt: '2026-11-20T10:00:00+02:00',
  url: 'https://news.example.com/articles/target-story',
  image: {
    url: 'https://img.example.com/a.jpg',
    alt: 'Alt',
    caption: 'Caption',
    credit: 'Credit / AP',
    width: 10,
    height: 10,
    length: 10,
    type: 'image/jpeg',
  },
  language: 'en',
};

interface HostileCase {
  name: string;
  slug?: string;
  body: string;
  contentType?: string;
  /** Pointer a 400 must name (when the case is rejected for a field). */
  field?: string;
}

const json = (value: unknown) => JSON.stringify(value);
const withField = (path: string[], value: unknown): Record<string, unknown> => {
  const copy = structuredClone(VALID) as Record<string, unknown>;
  let target: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  if (value === undefined) delete target[path.at(-1)!];
  else target[path.at(-1)!] = value;
  return copy;
};

function hostileCorpus(): HostileCase[] {
  const cases: HostileCase[] = [];
  // Malformed and truncated JSON.
  const valid = json(VALID);
  for (let cut = 1; cut < valid.length; cut += Math.ceil(valid.length / 40))
    cases.push({ name: `truncated at ${cut}`, body: valid.slice(0, cut), field: '/' });
  for (const body of [
    '',
    'null',
    '[]',
    '"title"',
    '42',
    'true',
    '{',
    '{"title":}',
    "{'title':'x'}",
    '{"title":"x",}',
    '\u0000',
    'NaN',
    '{"title":"x"}{"title":"y"}',
  ]) {
    cases.push({ name: `malformed ${JSON.stringify(body)}`, body, field: '/' });
  }
  // Wrong types in every field.
  const wrongTypes: [string[], unknown[]][] = [
    [['title'], [42, true, null, [], {}]],
    [['kicker'], [1, false, [], {}]],
    [['summary'], [1, [], {}]],
    [['bodyMarkdown'], [1, [], {}, true]],
    [
      ['authors'],
      [
        'Ana',
        1,
        {},
        [1],
        [null],
        [{}],
        [{ name: 1 }],
        [{ name: 'A', url: 5 }],
        [{ name: 'A', email: 'not-an-email' }],
        [{ name: 'A', role: 'x' }],
      ],
    ],
    [['categories'], ['World', 1, {}, [1], [null], [[]], ['']]],
    [['publishedAt'], [1732000000, true, {}, []]],
    [['url'], [1, {}, []]],
    [['image'], ['https://img.example.com/a.jpg', 1, [], {}]],
    [
      ['image', 'width'],
      ['10', -1, 0, 1.5, 1e9],
    ],
    [
      ['image', 'height'],
      ['10', -5],
    ],
    [
      ['image', 'length'],
      ['10', -1, 1.5],
    ],
    [
      ['image', 'type'],
      ['text/html', 'jpeg', 1],
    ],
    [['language'], [1, '', 'english language', 'x-', '12']],
  ];
  for (const [path, values] of wrongTypes) {
    for (const value of values)
      cases.push({ name: `${path.join('.')} = ${JSON.stringify(value)}`, body: json(withField(path, value)), field: `/${path.join('/')}` });
  }
  // Missing required fields.
  cases.push({ name: 'no title', body: json(withField(['title'], undefined)), field: '/title' });
  cases.push({ name: 'no body', body: json(withField(['bodyMarkdown'], undefined)), field: '/body' });
  cases.push({ name: 'both bodies', body: json({ ...VALID, body: '<p>x</p>' }), field: '/bodyMarkdown' });
  cases.push({ name: 'image without url', body: json(withField(['image', 'url'], undefined)), field: '/image/url' });
  cases.push({
    name: 'author without name',
    body: json({ ...VALID, authors: [{ url: 'https://a.example.com' }] }),
    field: '/authors/0/name',
  });
  // Huge fields.
  for (const [field, size] of [
    ['title', 301],
    ['kicker', 121],
    ['summary', 2001],
  ] as const) {
    cases.push({ name: `${field} of ${size} characters`, body: json({ ...VALID, [field]: 'x'.repeat(size) }), field: `/${field}` });
  }
  cases.push({
    name: '21 authors',
    body: json({ ...VALID, authors: Array.from({ length: 21 }, (_, i) => ({ name: `A${i}` })) }),
    field: '/authors',
  });
  cases.push({
    name: '1000 categories',
    body: json({ ...VALID, categories: Array.from({ length: 1000 }, (_, i) => `C${i}`) }),
    field: '/categories',
  });
  cases.push({ name: 'body of 200 KB', body: json({ ...VALID, bodyMarkdown: 'word '.repeat(40_000) }), field: '/bodyMarkdown' });
  cases.push({
    name: 'url of 3000 characters',
    body: json({ ...VALID, url: `https://news.example.com/${'a'.repeat(3000)}` }),
    field: '/url',
  });
  // Deep nesting.
  for (const depth of [100, 10_000]) {
    cases.push({
      name: `title nested ${depth} deep`,
      body: `{"title":${'['.repeat(depth)}${']'.repeat(depth)},"bodyMarkdown":"x"}`,
      field: '/title',
    });
    cases.push({
      name: `unknown field nested ${depth} deep`,
      body: `{"title":"x","bodyMarkdown":"x","extra":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
      field: '/extra',
    });
  }
  // Invalid dates and time zones.
  for (const date of [
    '2026-02-30T10:00:00Z',
    '2026-13-01T10:00:00Z',
    '2026-11-20T25:00:00Z',
    '2026-11-20T10:60:00Z',
    '2026-11-20T10:00:00',
    '2026-11-20',
    '20 Nov 2026',
    '2026-11-20T10:00:00+24:00',
    '2026-11-20T10:00:00+05:60',
    '2026-11-20T10:00:00 CET',
    '2026-11-20T10:00:00+0500',
    '0000-01-01T00:00:00Z',
    '+202026-11-20T10:00:00Z',
    'now',
    '',
  ]) {
    cases.push({ name: `publishedAt ${date}`, body: json({ ...VALID, publishedAt: date }), field: '/publishedAt' });
  }
  // Invalid and dangerous URLs, in every URL field.
  for (const url of [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    '/relative/path',
    '//evil.example.com/x',
    'ftp://example.com/x',
    'http://',
    'not a url',
    'file:///etc/passwd',
  ]) {
    cases.push({ name: `url ${url}`, body: json({ ...VALID, url }), field: '/url' });
    cases.push({ name: `image.url ${url}`, body: json(withField(['image', 'url'], url)), field: '/image/url' });
    cases.push({ name: `authors.url ${url}`, body: json({ ...VALID, authors: [{ name: 'A', url }] }), field: '/authors/0/url' });
  }
  // Slugs with path tricks.
  cases.push({ name: 'slug of an emoji', slug: '%F0%9F%98%80', body: json(VALID), field: '/slug' });
  cases.push({ name: 'slug with a zero-width space', slug: 'target%E2%80%8Bstory', body: json(VALID), field: '/slug' });
  cases.push({ name: 'slug with a backslash', slug: 'a%5Cb', body: json(VALID), field: '/slug' });
  for (const slug of [
    '..',
    '.',
    '..%2F..%2Fetc',
    'a%2Fb',
    '%2E%2E',
    'a/../b',
    'Target-Story',
    'target_story',
    'target story',
    'ｔａｒｇｅｔ',
    'tаrget' /* Cyrillic а */,
    'target-story%00',
    '%E2%80%AEtarget',
    '-target',
    'target-',
    'a--b',
    'x'.repeat(121),
    '%',
    '%zz',
  ]) {
    cases.push({ name: `slug ${slug}`, slug, body: json(VALID), field: '/slug' });
  }
  // Not JSON at all.
  cases.push({ name: 'form body', body: 'title=x', contentType: 'application/x-www-form-urlencoded' });
  cases.push({ name: 'xml body', body: '<story/>', contentType: 'application/xml' });
  cases.push({ name: 'no content type', body: json(VALID), contentType: '' });
  cases.push({ name: 'over 256 KB', body: json({ ...VALID, summary: 'x'.repeat(300 * 1024) }) });
  return cases;
}

/** Requests that are accepted, but only after cleaning: none of this may reach a stored story or a feed. */
const XSS_VECTORS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JAVASCRIPT:alert(1)">x</a>',
  '<a href="&#106;avascript:alert(1)">x</a>',
  '<iframe src="https://evil.example.com"></iframe>',
  '<object data="x.swf"></object>',
  '<embed src="x">',
  '<form action="https://evil.example.com"><input name=x></form>',
  '<style>body{background:url(javascript:alert(1))}</style>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  '<body onload=alert(1)>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '"><script>alert(1)</script>',
  '<scr<script>ipt>alert(1)</script>',
  '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
  '<details open ontoggle=alert(1)>',
  ']]><script>alert(1)</script>',
  '<![CDATA[<script>alert(1)</script>]]>',
];
const FORBIDDEN_TEXT = 'A\u0000B\u0001C\u0008D\u000BE\u001FF\u007FG\uFFFEH\uFFFFI\uD800J\uDFFFK';

const ALLOWED_SCHEMES = /^(https?:|mailto:)/i;
const ACTIVE_TAGS = new Set([
  'script',
  'iframe',
  'object',
  'embed',
  'form',
  'input',
  'style',
  'meta',
  'base',
  'svg',
  'math',
  'details',
  'link',
  'frame',
  'frameset',
  'applet',
  'template',
]);

/** Markup in an HTML fragment that could run or embed something (parsed, so escaped text is not flagged). */
function activeMarkup(html: string): string[] {
  const found: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (ACTIVE_TAGS.has(name)) found.push(`<${name}>`);
        for (const [attribute, value] of Object.entries(attributes)) {
          if (/^on/i.test(attribute) || attribute === 'style') found.push(`${name}@${attribute}`);
          if (
            ['href', 'src', 'cite', 'action', 'formaction', 'xlink:href'].includes(attribute) &&
            value.trim() &&
            !ALLOWED_SCHEMES.test(value.trim()) &&
            /^[a-z][a-z0-9+.-]*:/i.test(value.trim())
          ) {
            found.push(`${name}@${attribute}=${value}`);
          }
        }
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return found;
}

describe('Function: ingest under a corpus of hostile requests', () => {
  let fixture: HandlerFixture;

  /** The event API Gateway sends for PUT /articles/{slug}, with the path parameter exactly as given. */
  const send = (slug: string, body: string, contentType = 'application/json') => {
    const event = apiEvent('PUT', '/articles/placeholder', { body, token: TOKEN, headers: { 'content-type': contentType } });
    return fixture.ingest({ ...event, rawPath: `/articles/${slug}`, pathParameters: { slug } });
  };
  const target = async () =>
    (await fixture.documents.send(new GetCommand({ TableName: fixture.standIns.tableName, Key: { PK: `ARTICLE#${SLUG}`, SK: 'A' } }))).Item;
  const itemCount = async () => (await fixture.scanTable()).length;
  const feed = async (key: string) => (await fixture.readObject(key)).text;

  beforeAll(async () => {
    fixture = await startHandlerFixture(TOKEN);
    expect((await send(SLUG, json(VALID))).statusCode).toBe(201);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('rejects each of 200+ hostile requests with a 4xx problem naming the field, and changes nothing', async () => {
    // Prepare
    const corpus = hostileCorpus();
    const before = await target();
    const countBefore = await itemCount();
    const unexpected: string[] = [];
    // Act
    for (const hostile of corpus) {
      const response = await send(hostile.slug ?? SLUG, hostile.body, hostile.contentType ?? 'application/json');
      const status = response.statusCode ?? 0;
      const problem = JSON.parse(response.body ?? '{}') as { status?: number; errors?: { pointer: string }[] };
      const named =
        hostile.field === undefined ||
        (problem.errors ?? []).some((error) => error.pointer === hostile.field || error.pointer.startsWith(`${hostile.field}/`));
      if (
        status < 400 ||
        status >= 500 ||
        !/^application\/problem\+json/.test(String(response.headers?.['content-type'])) ||
        problem.status !== status ||
        !named
      ) {
        unexpected.push(`${hostile.name}: ${status} ${response.body?.slice(0, 200)}`);
      }
    }
    // Assess
    expect(unexpected, unexpected.join('\n')).toEqual([]);
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    expect(await target()).toEqual(before);
    expect(await itemCount()).toBe(countBefore);
  });

  it('accepts XSS vectors in HTML and Markdown bodies only after sanitising them', async () => {
    for (const [index, vector] of XSS_VECTORS.entries()) {
      // Act
      const html = await send(`xss-html-${index}`, json({ ...VALID, body: `<p>before</p>${vector}<p>after</p>`, bodyMarkdown: undefined }));
      const markdown = await send(
        `xss-md-${index}`,
        json({ ...VALID, bodyMarkdown: `before\n\n${vector}\n\n[link](javascript:alert(1)) after` }),
      );
      // Assess
      for (const response of [html, markdown]) {
        expect(response.statusCode).toBe(201);
        const stored = JSON.parse(response.body!) as { body: string };
        expect(activeMarkup(stored.body), `${vector} → ${stored.body}`).toEqual([]);
        expect(stored.body).toContain('after');
      }
    }
  });

  it('strips characters XML forbids and lone surrogates from every text field, and the feeds stay valid', async () => {
    // Act
    const response = await send(
      'forbidden-characters',
      json({
        ...VALID,
        title: `Title ${FORBIDDEN_TEXT}`,
        kicker: FORBIDDEN_TEXT,
        summary: FORBIDDEN_TEXT,
        bodyMarkdown: `Body ${FORBIDDEN_TEXT} ]]> <![CDATA[ x ]]>`,
        authors: [{ name: `Author ${FORBIDDEN_TEXT}` }],
        categories: [`Category ${FORBIDDEN_TEXT}`],
        image: { url: 'https://img.example.com/a.jpg', alt: FORBIDDEN_TEXT, caption: FORBIDDEN_TEXT, credit: FORBIDDEN_TEXT },
      }),
    );
    const slugs = ['forbidden-characters', ...XSS_VECTORS.flatMap((_, index) => [`xss-html-${index}`, `xss-md-${index}`]), SLUG];
    await fixture.regenerate(streamEvent(slugs));
    // Assess
    expect(response.statusCode).toBe(201);
    const stored = JSON.parse(response.body!) as Record<string, unknown>;
    expect(stored.title).toBe('Title ABCDEFGHIJK');
    expect(JSON.stringify(stored)).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    for (const key of ['feed.xml', 'atom.xml', 'categories/category-abcdefghijk/feed.xml', 'authors/author-abcdefghijk/atom.xml']) {
      const xml = await feed(key);
      assertWellFormedXml(xml);
      expect(xml).toContain('ABCDEFGHIJK');
    }
    const jsonFeed = JSON.parse(await feed('feed.json')) as { items: { content_html: string }[] };
    expect(jsonFeedErrors(jsonFeed)).toEqual([]);
    for (const item of jsonFeed.items) expect(activeMarkup(item.content_html)).toEqual([]);
  });

  it('never answers 500 to a client, nor leaks internals when something breaks inside', async () => {
    // Prepare: a story whose stored item is not a story any more.
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    await fixture.documents.send(
      new PutCommand({ TableName: fixture.standIns.tableName, Item: { PK: 'ARTICLE#broken', SK: 'A', revision: 'not-a-number' } }),
    );
    // Act
    const response = await send('broken', json(VALID));
    // Assess
    expect(response.statusCode).toBeLessThan(600);
    expect(response.body).not.toMatch(/at .*\.ts:\d+|Error:|ARTICLE#|dynamodb|TOKEN|hostile-corpus-token/i);
  });
});
