import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xmlSafe } from '../../functions/domain/text.js';
import { apiEvent, streamEvent } from '../support/api-gateway-events.js';
import { assertWellFormedXml, jsonFeedErrors } from '../support/feed-checks.js';
import { startHandlerFixture, type HandlerFixture } from '../support/handler-fixture.js';

const TOKEN = 'properties-token-0123456789';

/** Text that hurts feeds: control characters, lone surrogates, CDATA ends, markup, RTL, emoji. */
const nastyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(']]>', '<b>x</b>', '&amp;', '\u0000', '\uD800', 'مرحبا بالعالم', '你好，世界', '👩🏽‍🚀🚀', '\u202Eevil', 'a\r\nb'),
);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
/** Mostly valid, sometimes not: both outcomes of the property get exercised. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: invalid, weight: 1 });
const url = mostly(fc.webUrl({ validSchemes: ['https'] }), fc.constantFrom('javascript:alert(1)', 'not a url', '/relative'));
const date = mostly(
  fc
    .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2027-12-01T00:00:00Z'), noInvalidDate: true })
    .map((value) => value.toISOString()),
  fc.constantFrom('2026-02-30T00:00:00Z', 'yesterday', '2026-11-20T10:00'),
);
const bodies = fc.oneof(
  { arbitrary: nastyText.map((text) => ({ bodyMarkdown: text })), weight: 6 },
  { arbitrary: nastyText.map((text) => ({ body: text })), weight: 6 },
  { arbitrary: fc.constant({}), weight: 1 },
  { arbitrary: nastyText.map((text) => ({ body: text, bodyMarkdown: text })), weight: 1 },
);

const storyRequest = fc
  .record(
    {
      title: mostly(
        nastyText.map((text) => `T ${text}`),
        fc.oneof(fc.integer(), nastyText),
      ),
      kicker: maybe(nastyText),
      summary: maybe(nastyText),
      bodies,
      authors: maybe(
        fc.array(fc.record({ name: nastyText.map((text) => `A ${text}`), url: maybe(url) }, { requiredKeys: ['name'] }), { maxLength: 3 }),
      ),
      categories: maybe(
        fc.array(
          nastyText.map((text) => `C ${text}`),
          { maxLength: 3 },
        ),
      ),
      publishedAt: maybe(date),
      image: maybe(
        fc.record({ url, caption: maybe(nastyText), credit: maybe(nastyText), alt: maybe(nastyText) }, { requiredKeys: ['url'] }),
      ),
      language: maybe(mostly(fc.constantFrom('en', 'ar', 'zh-Hans', 'ja'), fc.constant('not a tag'))),
    },
    { requiredKeys: ['bodies'] },
  )
  .map(({ bodies: body, ...request }) => JSON.parse(JSON.stringify({ ...request, ...body })) as Record<string, unknown>);

describe('Function: ingest, for any request', () => {
  let fixture: HandlerFixture;
  let counter = 0;

  const read = async (key: string) => (await fixture.readObject(key)).text;
  const table = () => fixture.scanTable();

  beforeAll(async () => {
    fixture = await startHandlerFixture(TOKEN, { FEED_SIZE: '500' });
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('either stores and publishes the story with valid feeds, or rejects it with a 4xx and changes nothing', async () => {
    let accepted = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(storyRequest, async (request) => {
        // Prepare
        const slug = `story-${++counter}`;
        const before = await table();
        // Act
        const response = await fixture.ingest(apiEvent('PUT', `/articles/${slug}`, { body: request, token: TOKEN }));
        // Assess
        const status = response.statusCode ?? 0;
        expect(status === 201 || (status >= 400 && status < 500), `${status} ${response.body}`).toBe(true);
        if (status !== 201) {
          rejected++;
          expect(await table()).toEqual(before);
          return;
        }
        accepted++;
        const stored = JSON.parse(response.body!) as { title: string; status: string };
        expect(stored.title).toBe(xmlSafe(String(request.title)).trim());
        await fixture.regenerate(streamEvent([slug]));
        const [rss, atom, json] = await Promise.all([read('feed.xml'), read('atom.xml'), read('feed.json')]);
        assertWellFormedXml(rss);
        assertWellFormedXml(atom);
        const feed = JSON.parse(json) as { items: { id: string; title: string }[] };
        expect(jsonFeedErrors(feed)).toEqual([]);
        const item = feed.items.find((candidate) => candidate.id.endsWith(`:${slug}`));
        if (stored.status === 'published') expect(item?.title).toBe(stored.title);
        else expect(item).toBeUndefined();
      }),
      { numRuns: 80, seed: 20261127 },
    );
    // Both branches of the property were exercised.
    expect(accepted).toBeGreaterThan(10);
    expect(rejected).toBeGreaterThan(10);
  }, 120_000);
});
