import fc from 'fast-check';
import { parseFeed } from '@rowanmanning/feed-parser';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../functions/domain/article.js';
import { draftArticle, parseArticleInput } from '../../functions/domain/article-input.js';
import { categoryFeed, SITE_FEED } from '../../functions/domain/feeds.js';
import { decodeStoredStory, encodeStoredStory } from '../../functions/adapters/stored-entry.js';
import { StoredEntries, storedFragmentsOf } from '../../functions/rendering/entry-fragments.js';
import { renderFeedFiles } from '../../functions/rendering/render-feed.js';
import { RenderedEntries } from '../../functions/rendering/rendered-entries.js';
import { assertWellFormedXml, jsonFeedErrors } from '../support/feed-checks.js';
import { document, NOW, SITE } from '../unit/rendering/support/stories.js';
import { atomGrammarErrors } from './support/atom-grammar.js';
import { atomEntries, plainTextOf, rssItems, textOf, unescapeHtml, type XmlObject } from './support/xml-tree.js';

/** Pieces that have broken feeds: markup, CDATA ends, references, controls, lone surrogates, RTL, emoji. */
const NASTY = [
  ']]>',
  '<![CDATA[',
  '<b>',
  '</b>',
  '<script>alert(1)</script>',
  '&',
  '&amp;',
  '&#x26;',
  '&lt;',
  '"',
  "'",
  '\u0000',
  '\u0001',
  '\u0008',
  '\u000B',
  '\u001F',
  '\u007F',
  '\u0085',
  '\uD800',
  '\uDFFF',
  '\uFFFE',
  '\uFFFF',
  '\uFDD0',
  '\r\n',
  '\r',
  '\t',
  '\u2028',
  'مرحبا بالعالم',
  '\u202E',
  '\u200F',
  'שלום',
  '🎉',
  '👩🏽‍💻',
  '中文',
  '\u0301',
  ' ',
];

const fragment = fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ maxLength: 12 }));
const text = (maxParts: number) => fc.array(fragment, { maxLength: maxParts }).map((parts) => parts.join(''));

/** Story requests as an editor could send them; every field has room for trouble. */
const storyRequest = fc.record({
  title: text(8).map((value) => `${value} T`),
  summary: fc.option(text(8), { nil: undefined }),
  kicker: fc.option(text(4), { nil: undefined }),
  bodyMarkdown: text(10),
  authors: fc.array(fc.record({ name: text(4).map((value) => `${value} A`) }), { maxLength: 3 }),
  categories: fc.array(
    text(3).map((value) => `${value} c`),
    { maxLength: 3 },
  ),
  image: fc.option(
    fc.record({
      url: fc.constant('https://images.example.com/photo.jpg'),
      alt: fc.option(text(4), { nil: undefined }),
      caption: fc.option(
        text(6).map((value) => `${value} cap`),
        { nil: undefined },
      ),
      credit: fc.option(
        text(3).map((value) => `${value} cr`),
        { nil: undefined },
      ),
    }),
    { nil: undefined },
  ),
});

/** The story the domain stores for a request (its cleaning applied), as the renderers get it. */
function stored(request: unknown, slug: string, index: number): Article {
  return draftArticle(parseArticleInput(request), {
    slug,
    defaultUrl: `https://news.example.com/articles/${slug}`,
    defaultLanguage: 'en',
    now: new Date(NOW.getTime() - index * 60_000),
  });
}

const isXmlSafe = (value: string) =>
  !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(
    value,
  );

/** XML parsers report text with trimmed ends and CR-LF as LF; compare like with like. */
const asRead = (value: string | undefined) => value?.trim();

describe('Feeds: any story an editor can submit', () => {
  it('stays well-formed, schema-valid and carries the text in RSS, Atom and JSON Feed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(storyRequest, { minLength: 1, maxLength: 3 }), async (requests) => {
        // Prepare
        const articles = requests.map((request, index) => stored(request, `story-${index}`, index));
        const feed = articles[0]!.categories[0] ? categoryFeed(articles[0]!.categories[0]) : SITE_FEED;
        // Act
        const [rss, atom, json] = renderFeedFiles(document(feed, articles, { tombstones: [{ slug: 'gone', when: NOW.toISOString() }] }));
        // Assess
        for (const body of [rss!.bytes.toString(), atom!.bytes.toString(), json!.bytes.toString()]) expect(isXmlSafe(body)).toBe(true);
        assertWellFormedXml(rss!.bytes.toString());
        assertWellFormedXml(atom!.bytes.toString());
        expect(jsonFeedErrors(JSON.parse(json!.bytes.toString()))).toEqual([]);

        const rssRead = rssItems(rss!.bytes.toString());
        const atomRead = atomEntries(atom!.bytes.toString());
        const jsonRead = (JSON.parse(json!.bytes.toString()) as { items: Record<string, unknown>[] }).items;
        articles.forEach((article, index) => {
          const item = rssRead[index]!;
          const entry = atomRead[index]!;
          const jsonItem = jsonRead[index]!;
          expect(textOf(item.title)).toBe(asRead(article.title));
          expect(plainTextOf(entry.title)).toBe(asRead(article.title));
          expect(jsonItem.title).toBe(article.title);
          expect(((item['dc:creator'] as string[] | undefined) ?? []).map(asRead)).toEqual(
            article.authors.map((author) => asRead(author.name)),
          );
          expect(((entry.author as XmlObject[] | undefined) ?? []).map((author) => textOf(author.name))).toEqual(
            article.authors.map((author) => asRead(author.name)),
          );
          expect(((item.category as unknown[] | undefined) ?? []).map(textOf)).toEqual(article.categories.map(asRead));
          expect(((entry.category as XmlObject[] | undefined) ?? []).map((category) => category['@label'])).toEqual(article.categories);
          expect(jsonItem.tags ?? []).toEqual(article.categories);
          const summary = unescapeHtml(textOf(item.description) ?? '');
          expect(summary).toBe(asRead(plainTextOf(entry.summary)) ?? '');
          const media = item['media:content'] as XmlObject | undefined;
          expect(asRead(plainTextOf(media?.['media:description']))).toBe(asRead(article.image?.caption));
          expect(asRead(textOf(media?.['media:credit']))).toBe(asRead(article.image?.credit));
          expect((jsonItem._newsroom as { image?: { caption?: string; credit?: string } }).image?.caption).toBe(article.image?.caption);
        });
        // An independent parser reads the same titles and categories back from RSS, and titles and
        // bylines from Atom (entries without a byline inherit the newsroom's). Not RSS bylines: it
        // rewrites some dc:creator values by itself ("@ A" reads as "A").
        const rssParsed = parseFeed(rss!.bytes.toString()).items;
        expect(rssParsed.map((item) => item.title)).toEqual(articles.map((article) => asRead(article.title)));
        expect(rssParsed.map((item) => item.categories.map((category) => category.label))).toEqual(
          articles.map((article) => article.categories.map(asRead)),
        );
        const parsed = parseFeed(atom!.bytes.toString()).items;
        expect(parsed.map((item) => item.title)).toEqual(articles.map((article) => asRead(article.title)));
        expect(parsed.map((item) => item.authors.map((author) => author.name))).toEqual(
          articles.map((article) => (article.authors.length ? article.authors.map((author) => asRead(author.name)) : [SITE.title])),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('stays valid against the Atom grammar of RFC 4287', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(storyRequest, { minLength: 1, maxLength: 3 }), async (requests) => {
        // Prepare
        const articles = requests.map((request, index) => stored(request, `story-${index}`, index));
        // Act
        const [, atom] = renderFeedFiles(document(SITE_FEED, articles, { tombstones: [{ slug: 'gone', when: NOW.toISOString() }] }));
        // Assess
        expect(await atomGrammarErrors(atom!.bytes.toString())).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });

  it('assembles every feed from the entries stored with its stories byte for byte as rendered whole', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(storyRequest, fc.boolean()), { minLength: 1, maxLength: 4 }), async (requests) => {
        const articles = requests.map(([request], index) => stored(request, `story-${index}`, index));
        // What a feed read returns: the stories as stored, through the entry's own encoding, some
        // with their rendered entries and some without (written by an earlier version).
        const read = articles.map((article, index) => {
          const fragments = requests[index]![1] ? storedFragmentsOf(SITE, article) : undefined;
          return decodeStoredStory(encodeStoredStory({ article, fragments }));
        });
        const fromStore = new Map(read.flatMap((story) => (story.fragments ? [[story.article, story.fragments] as const] : [])));
        const documents = [
          document(
            SITE_FEED,
            read.map((story) => story.article),
            { paging: { olderDay: '2026-03-09' }, tombstones: [{ slug: 'gone', when: '2026-03-08T10:00:00.000Z' }] },
          ),
          document(
            categoryFeed('Weather Desk'),
            read.map((story) => story.article),
          ),
          document(
            SITE_FEED,
            read.map((story) => story.article),
            { paging: { archiveDay: '2026-03-10', olderDay: '2026-03-09', newerDay: '2026-03-11' } },
          ),
        ];
        for (const assembled of documents) {
          const whole = renderFeedFiles({ ...assembled, articles });
          const fromEntries = renderFeedFiles(assembled, { entries: new StoredEntries(fromStore, new RenderedEntries()) });
          expect(fromEntries.map((file) => file.bytes.toString('base64'))).toEqual(whole.map((file) => file.bytes.toString('base64')));
        }
      }),
      { numRuns: 150 },
    );
  });
});
