import { parseFeed } from '@rowanmanning/feed-parser';
import { describe, expect, it } from 'vitest';
import { SITE_FEED } from '../../../functions/domain/feeds.js';
import { renderAtom } from '../../../functions/rendering/atom.js';
import { assertWellFormedXml } from '../../support/feed-checks.js';
import { atomEntries, atomFeed, plainTextOf, type XmlObject as Node } from '../../validation/support/xml-tree.js';
import { archiveDocument, categoryDocument, document, siteDocument, STORIES } from './support/stories.js';

const links = (node: Node) => (node.link as Node[]).map((link) => [link['@rel'], link['@href']]);

describe('Function: renderAtom', () => {
  it('carries language, self, alternate, hub and archive links, icon and logo', () => {
    // Act
    const xml = renderAtom(siteDocument());
    // Assess
    assertWellFormedXml(xml);
    const feed = atomFeed(xml);
    expect(feed['@xml:lang']).toBe('en');
    expect(feed.id).toBe('tag:news.example.com,2026:feed:site');
    expect(feed.updated).toBe('2026-03-10T08:15:00.000Z');
    expect(links(feed)).toEqual([
      ['alternate', 'https://news.example.com/'],
      ['self', 'https://news.example.com/atom.xml'],
      ['hub', 'https://hub.example.net/'],
      ['prev-archive', 'https://news.example.com/archive/2026-03-09/atom.xml'],
    ]);
    expect([feed.icon, feed.logo]).toEqual(['https://news.example.com/icon.png', 'https://news.example.com/logo.png']);
  });

  it('keeps published and updated apart and carries bylines, categories and the photo', () => {
    // Act
    const [first, , arabic] = atomEntries(renderAtom(siteDocument()));
    // Assess
    expect(first).toMatchObject({
      id: 'tag:news.example.com,2026:article:harbour-reopens',
      published: '2026-03-09T09:30:00+09:00',
      updated: '2026-03-10T08:15:00.000Z',
      author: [
        { name: 'Nadia Rahman', uri: 'https://news.example.com/staff/nadia-rahman' },
        { name: 'Tomás Reyes', email: 'tomas.reyes@news.example.com' },
      ],
      category: [
        { '@term': 'Local', '@scheme': 'https://news.example.com/categories/', '@label': 'Local' },
        { '@term': 'Weather Desk', '@scheme': 'https://news.example.com/categories/', '@label': 'Weather Desk' },
      ],
    });
    expect(first!.link).toEqual([
      { '@rel': 'alternate', '@type': 'text/html', '@href': 'https://news.example.com/articles/harbour-reopens' },
      { '@rel': 'enclosure', '@type': 'image/jpeg', '@href': 'https://images.example.com/2026/03/harbour.jpg', '@length': '245120' },
    ]);
    expect(first!['media:content']).toMatchObject({
      'media:description': { '#text': 'The repaired quay on Sunday.' },
      'media:credit': 'Jane Roe / Reuters',
    });
    // A story in another language than the site says so.
    expect(arabic!['@xml:lang']).toBe('ar');
  });

  it('declares text that looks like markup as escaped HTML, and keeps other text as text', () => {
    // Act
    const entries = atomEntries(renderAtom(siteDocument()));
    // Assess
    const markup = entries.find((entry) => entry.id === 'tag:news.example.com,2026:article:markup-in-text')!;
    expect((markup.title as Node)['@type']).toBe('text');
    expect(plainTextOf(markup.title)).toBe('Why "<div>" soup & ]]> still break feeds');
    expect((markup.summary as Node)['@type']).toBe('html');
    expect(plainTextOf(markup.summary)).toBe('Editors paste <b>bold</b> markup, AT&T names & "quotes" — all of it stays text.');
  });

  it('writes text an HTML decoder would change so that readers which decode text as HTML show it verbatim', () => {
    // Prepare: "&GT", "&copy" and "&#38" mean ">", "©" and "&" to HTML even without a semicolon
    const titles = ['&GT 5 &copy 2026 &#38 more', 'AT&T and R&D: Q&A'];
    const stories = titles.map((title, index) => ({
      ...STORIES[0]!,
      slug: `story-${index}`,
      title,
      authors: [{ name: `Tom &amp Jerry &copy ${index}` }],
    }));

    // Act
    const xml = renderAtom(document(SITE_FEED, stories));

    // Assess
    const entries = atomEntries(xml);
    expect(entries.map((entry) => (entry.title as Node)['@type'])).toEqual(['html', 'text']);
    expect(entries.map((entry) => plainTextOf(entry.title))).toEqual(titles);
    // @rowanmanning/feed-parser decodes such references even in type="text", and in person names,
    // which have no type: there "&" is written "&#x26;", which it reads verbatim.
    const parsed = parseFeed(xml).items;
    expect(parsed.map((item) => item.title)).toEqual(titles);
    expect(parsed.map((item) => item.authors.map((author) => author.name))).toEqual([
      ['Tom &amp Jerry &copy 0'],
      ['Tom &amp Jerry &copy 1'],
    ]);
  });

  it('announces retracted stories with RFC 6721 tombstones before the entries', () => {
    // Act
    const xml = renderAtom(categoryDocument());
    // Assess
    expect(xml).toContain('xmlns:at="http://purl.org/atompub/tombstones/1.0"');
    expect(atomFeed(xml)['at:deleted-entry']).toEqual([
      { '@ref': 'tag:news.example.com,2026:article:retracted-story', '@when': '2026-03-08T10:00:00.000Z' },
    ]);
    expect(xml.indexOf('<at:deleted-entry')).toBeLessThan(xml.indexOf('<entry'));
  });

  it('marks archive pages and links them to their neighbours and the current feed', () => {
    // Act
    const feed = atomFeed(renderAtom(archiveDocument()));
    // Assess
    expect(feed).toHaveProperty('fh:archive');
    expect(feed.id).toBe('tag:news.example.com,2026:feed:site');
    expect(links(feed)).toEqual([
      ['alternate', 'https://news.example.com/'],
      ['self', 'https://news.example.com/archive/2026-02-20/atom.xml'],
      ['current', 'https://news.example.com/atom.xml'],
      ['prev-archive', 'https://news.example.com/archive/2026-02-01/atom.xml'],
      ['next-archive', 'https://news.example.com/archive/2026-02-27/atom.xml'],
    ]);
  });

  it('matches the snapshots', async () => {
    // Act
    const site = renderAtom(siteDocument());
    const category = renderAtom(categoryDocument());
    // Assess
    await expect(site).toMatchFileSnapshot('./__snapshots__/site.atom.xml');
    await expect(category).toMatchFileSnapshot('./__snapshots__/category.atom.xml');
  });
});
