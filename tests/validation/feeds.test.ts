import { describe, expect, it } from 'vitest';
import type { Article } from '../../functions/domain/article.js';
import { articleId } from '../../functions/rendering/feed-document.js';
import { renderFeedFiles } from '../../functions/rendering/render-feed.js';
import { assertWellFormedXml, jsonFeedErrors } from '../support/feed-checks.js';
import { archiveDocument, authorDocument, categoryDocument, SITE, siteDocument, STORIES } from '../unit/rendering/support/stories.js';
import { atomGrammarErrors } from './support/atom-grammar.js';
import { READERS, type ParserName, type ReadItem } from './support/parsers.js';

const DOCUMENTS = { site: siteDocument, category: categoryDocument, author: authorDocument, archive: archiveDocument };

describe('Feeds: valid in every format', () => {
  for (const [name, build] of Object.entries(DOCUMENTS)) {
    it(`${name}: well-formed RSS, Atom valid against RFC 4287 (RELAX NG + Schematron), JSON Feed 1.1 schema`, async () => {
      // Act
      const [rss, atom, json] = renderFeedFiles(build());
      // Assess
      assertWellFormedXml(rss!.bytes.toString());
      assertWellFormedXml(atom!.bytes.toString());
      expect(await atomGrammarErrors(atom!.bytes.toString())).toEqual([]);
      expect(jsonFeedErrors(JSON.parse(json!.bytes.toString()))).toEqual([]);
    });
  }

  it('catches an invalid Atom document (the grammar check can fail)', async () => {
    // Prepare
    const [, atom] = renderFeedFiles(siteDocument());
    const broken = atom!.bytes.toString().replace(/<published>[^<]*<\/published>/, '<published>yesterday</published>');
    // Act
    const errors = await atomGrammarErrors(broken);
    // Assess
    expect(errors.join('\n')).toMatch(/published/);
  });
});

/**
 * What a parser may read differently: node feedparser strips whatever looks like a tag ("<div>")
 * from every title, even an Atom `type="text"` one (its choice; RSS 2.0 leaves it open).
 */
function expectedTitle(parser: ParserName, article: Article): string {
  return parser === 'feedparser' ? article.title.replace(/<[^>]*>/g, '') : article.title;
}

/**
 * Bylines as each parser reports them. node feedparser keeps one author per item (for an Atom
 * entry with several it falls back to the feed's author, a limitation of that parser); items
 * without a byline get the newsroom from Atom's feed-level author, or nothing in RSS.
 */
function expectedAuthors(parser: ParserName, format: 'rss' | 'atom', article: Article): string[] {
  const names = article.authors.map((author) => author.name);
  if (parser === 'feedparser') {
    if (format === 'atom' && names.length !== 1) return [SITE.title];
    return names.slice(0, 1);
  }
  if (parser === '@rowanmanning/feed-parser' && format === 'atom' && !names.length) return [SITE.title];
  return names;
}

describe('Feeds: read back by three independent parsers', () => {
  const [rssFile, atomFile] = renderFeedFiles(siteDocument());
  const bodies = { rss: rssFile!.bytes.toString(), atom: atomFile!.bytes.toString() };

  for (const parser of Object.keys(READERS) as ParserName[]) {
    for (const format of ['rss', 'atom'] as const) {
      it(`${parser} reads ${format}: ids, titles, links, dates, bylines, categories, photo, caption and credit`, async () => {
        // Act
        const items: ReadItem[] = await READERS[parser](bodies[format]);
        // Assess
        expect(items).toHaveLength(STORIES.length);
        STORIES.forEach((article, index) => {
          const item = items[index]!;
          expect(item.id).toBe(articleId(SITE, article));
          expect(item.title).toBe(expectedTitle(parser, article));
          expect(item.link).toBe(article.url);
          expect(item.published?.getTime()).toBe(Date.parse(article.publishedAt));
          expect(item.authors).toEqual(expectedAuthors(parser, format, article));
          expect(item.categories).toEqual(article.categories);
          expect(item.image).toBe(article.image?.url);
          if (parser !== '@rowanmanning/feed-parser') {
            expect(item.caption).toBe(article.image?.caption);
            expect(item.credit).toBe(article.image?.credit);
          }
        });
      });
    }
  }
});
