import { describe, expect, it } from 'vitest';
import type { Article } from '../../functions/domain/article.js';
import { SITE_FEED } from '../../functions/domain/feeds.js';
import { renderFeedFiles } from '../../functions/rendering/render-feed.js';
import { assertWellFormedXml, jsonFeedErrors, xmlTree } from '../support/feed-checks.js';
import { document, STORIES } from '../unit/rendering/support/stories.js';
import { atomGrammarErrors } from './support/atom-grammar.js';
import { READERS, type ParserName } from './support/parsers.js';

/** Stories brought in from another platform, each with the id its old feed gave it. */
const KEPT: { feedId: string; atomId: string; isPermaLink: 'true' | 'false' }[] = [
  // WordPress: the guid is a URL that is not the story's address.
  { feedId: 'https://old.example.com/?p=1234', atomId: 'https://old.example.com/?p=1234', isPermaLink: 'false' },
  // Ghost and Blogger: the guid is the story's own address, a permalink.
  {
    feedId: 'https://news.example.com/articles/harbour-reopens',
    atomId: 'https://news.example.com/articles/harbour-reopens',
    isPermaLink: 'true',
  },
  // An Atom id that is already an IRI.
  { feedId: 'tag:blogger.com,1999:blog-42.post-7', atomId: 'tag:blogger.com,1999:blog-42.post-7', isPermaLink: 'false' },
  // Substack and Ghost JSON: a bare UUID, which Atom cannot use as it is.
  { feedId: '3F2504E0-4F89-11D3-9A0C-0305E82C3301', atomId: 'urn:uuid:3f2504e0-4f89-11d3-9a0c-0305e82c3301', isPermaLink: 'false' },
  // A number, as home-grown JSON feeds have.
  { feedId: '20260301-0042', atomId: 'tag:news.example.com,2026:id:20260301-0042', isPermaLink: 'false' },
];

const stories: Article[] = KEPT.map((kept, index) => ({
  ...STORIES[index % STORIES.length]!,
  slug: `imported-${index}`,
  url: index === 1 ? kept.feedId : `https://news.example.com/articles/imported-${index}`,
  feedId: kept.feedId,
  publishedAt: `2026-03-0${index + 1}T10:00:00Z`,
  updatedAt: `2026-03-0${index + 1}T10:00:00Z`,
}));

function renderKept() {
  const retracted = { slug: 'imported-gone', when: '2026-03-08T10:00:00.000Z', feedId: 'https://old.example.com/?p=99' };
  const [rss, atom, json] = renderFeedFiles(document(SITE_FEED, [...stories].reverse(), { tombstones: [retracted] }));
  return { rss: rss!.bytes.toString(), atom: atom!.bytes.toString(), json: json!.bytes.toString() };
}

describe('Feeds: stories keep the ids readers already have', () => {
  it('shows each kept id in RSS (with the right isPermaLink), Atom (as an IRI) and JSON Feed', () => {
    // Act
    const { rss, atom, json } = renderKept();
    // Assess
    const rssItems = (
      (xmlTree(rss).rss as Record<string, unknown>).channel as { item: { guid: { '#text': string; '@isPermaLink': string } }[] }
    ).item;
    const atomEntries = (xmlTree(atom).feed as { entry: { id: string }[] }).entry;
    const jsonItems = (JSON.parse(json) as { items: { id: string }[] }).items;
    const newestFirst = [...KEPT].reverse();
    expect(rssItems.map((item) => [item.guid['#text'], item.guid['@isPermaLink']])).toEqual(
      newestFirst.map((kept) => [kept.feedId, kept.isPermaLink]),
    );
    expect(atomEntries.map((entry) => entry.id)).toEqual(newestFirst.map((kept) => kept.atomId));
    expect(jsonItems.map((item) => item.id)).toEqual(newestFirst.map((kept) => kept.feedId));
    expect(atom).toContain('<at:deleted-entry ref="https://old.example.com/?p=99"');
  });

  it('stays valid: well-formed RSS, Atom against RFC 4287, JSON Feed 1.1 schema', async () => {
    // Act
    const { rss, atom, json } = renderKept();
    // Assess
    assertWellFormedXml(rss);
    expect(await atomGrammarErrors(atom)).toEqual([]);
    expect(jsonFeedErrors(JSON.parse(json))).toEqual([]);
  });

  for (const parser of Object.keys(READERS) as ParserName[]) {
    it(`${parser} reads the kept ids back`, async () => {
      // Act
      const { rss, atom } = renderKept();
      const fromRss = await READERS[parser](rss);
      const fromAtom = await READERS[parser](atom);
      // Assess
      const newestFirst = [...KEPT].reverse();
      expect(fromRss.map((item) => item.id)).toEqual(newestFirst.map((kept) => kept.feedId));
      expect(fromAtom.map((item) => item.id)).toEqual(newestFirst.map((kept) => kept.atomId));
    });
  }
});
