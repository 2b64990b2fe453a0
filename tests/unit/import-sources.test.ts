import { describe, expect, it } from 'vitest';
import { excerptText } from '../../story-publishing/feed-document-items.js';
import {
  baseSlug,
  freeSlug,
  type ImportEvent,
  importedStories,
  storyRequest,
  textSource,
} from '../../story-publishing/imported-stories.js';
import { firstFigureImage, type SourceItem, sourceInstant } from '../../story-publishing/source-items.js';

function item(fields: Partial<SourceItem>): SourceItem {
  return { position: 1, authors: [], categories: [], tags: [], ...fields };
}

async function events(label: string, text: string): Promise<ImportEvent[]> {
  const all: ImportEvent[] = [];
  for await (const event of importedStories([textSource(label, text)], { tagsAsCategories: false })) all.push(event);
  return all;
}

describe('Import: reading the source', () => {
  it('keeps the zone an RSS date was written in', () => {
    // Act / Assess
    expect(sourceInstant('Tue, 04 Mar 2025 09:15:00 +0100')).toBe('2025-03-04T09:15:00+01:00');
    expect(sourceInstant('Tue, 04 Mar 2025 09:15:00 +0000')).toBe('2025-03-04T09:15:00Z');
    expect(sourceInstant('4 Mar 2025 09:15 GMT')).toBe('2025-03-04T09:15:00Z');
    expect(sourceInstant('Tue, 04 Mar 25 09:15:00 PST')).toBe('2025-03-04T09:15:00-08:00');
    expect(sourceInstant('2025-03-04T09:15:00.001-08:00')).toBe('2025-03-04T09:15:00.001-08:00');
    expect(sourceInstant('Tue, 31 Feb 2025 09:15:00 +0000')).toBeUndefined();
    expect(sourceInstant('yesterday')).toBeUndefined();
    expect(sourceInstant('2025-03-04')).toBeUndefined();
  });

  it('derives a slug from the platform, the link or the title, and resolves collisions the same way each time', () => {
    // Act / Assess
    expect(baseSlug(item({ slug: 'pier-reopens', link: 'https://old.example/x/' }))).toBe('pier-reopens');
    expect(baseSlug(item({ link: 'https://old.example/2024/05/01/harbour-news/' }))).toBe('harbour-news');
    expect(baseSlug(item({ link: 'https://blog.example/2025/03/regatta-week.html' }))).toBe('regatta-week');
    expect(baseSlug(item({ link: 'https://old.example/?p=12', title: 'Café opens on the quay' }))).toBe('cafe-opens-on-the-quay');
    expect(baseSlug(item({ slug: '%d8%ab%d9%82%d8%a7%d9%81%d8%a9', title: 'ثقافة', id: 'x-1' }))).toMatch(/^story-[0-9a-f]{12}$/);
    const taken = new Set(['harbour-news', 'harbour-news-2']);
    expect(freeSlug('harbour-news', (slug) => taken.has(slug))).toBe('harbour-news-3');
    expect(freeSlug('harbour-news', () => false, 2)).toBe('harbour-news-2');
  });

  it('takes the first figure as the lead image, with its caption', () => {
    // Act
    const image = firstFigureImage(
      '<p>Intro</p><figure class="wp-block-image"><img src="https://old.example/a.jpg" alt="The pier"><figcaption>Walkers on the <em>new</em> pier.</figcaption></figure><figure><img src="https://old.example/b.jpg"></figure>',
    );
    // Assess
    expect(image).toEqual({ url: 'https://old.example/a.jpg', alt: 'The pier', caption: 'Walkers on the new pier.' });
    expect(firstFigureImage('<p><img src="https://old.example/a.jpg"></p>')).toBeUndefined();
  });

  it("drops WordPress's excerpt ellipsis and decodes entities", () => {
    expect(excerptText('The ferry&#8217;s new times [&#8230;]')).toBe('The ferry’s new times');
  });

  it('turns an item into the ingest request, or says why it cannot be a story', () => {
    // Act
    const ok = storyRequest(
      item({
        id: 'https://old.example/?p=7',
        title: 'Pier reopens',
        published: 'Sat, 14 Sep 2024 10:00:00 +0100',
        updated: 'Sun, 15 Sep 2024 08:00:00 +0000',
        contentHtml: '<p>Open again.</p>',
        authors: ['Ines Valdecourt', 'Ines Valdecourt'],
        categories: ['Harbour'],
        tags: ['piers'],
        link: 'https://old.example/pier-reopens/',
        image: { url: 'https://old.example/p.jpg', caption: 'The pier', credit: 'Mara Wren' },
        language: 'en-GB',
      }),
      { tagsAsCategories: true },
    );
    // Assess
    expect(ok).toEqual({
      request: {
        title: 'Pier reopens',
        body: '<p>Open again.</p>',
        authors: [{ name: 'Ines Valdecourt' }],
        categories: ['Harbour', 'piers'],
        publishedAt: '2024-09-14T10:00:00+01:00',
        updatedAt: '2024-09-15T08:00:00Z',
        url: 'https://old.example/pier-reopens/',
        image: { url: 'https://old.example/p.jpg', caption: 'The pier', credit: 'Mara Wren' },
        language: 'en-GB',
        feedId: 'https://old.example/?p=7',
      },
    });
    expect(storyRequest(item({ published: '2024-09-14T10:00:00Z' }), { tagsAsCategories: false })).toEqual({
      problem: 'has no title; a story needs one',
    });
    expect(storyRequest(item({ title: 'x', published: '2024-09-14T10:00:00Z', id: 'has space' }), { tagsAsCategories: false })).toEqual({
      problem: expect.stringContaining('feedId must not contain spaces'),
    });
  });

  it('refuses a document with entity declarations, before anything is expanded or read', async () => {
    // Prepare
    const bomb = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<rss version="2.0"><channel><title>t</title><item><title>&b;</title><pubDate>Tue, 04 Mar 2025 09:15:00 +0000</pubDate></item></channel></rss>`;
    // Act / Assess
    expect(await events('bomb.xml', bomb)).toEqual([
      { kind: 'broken', source: 'bomb.xml', detail: expect.stringMatching(/declares XML entities in its DOCTYPE .*refused/) },
    ]);
  });

  it('names the line where a truncated document ends, and what is not a feed', async () => {
    // Act
    const truncated = await events('cut.xml', '<rss version="2.0"><channel><title>t</title><item><title>One</title>');
    const notFeed = await events('page.html', '<html><body><p>Hello</p></body></html>');
    const badJson = await events('feed.json', '{"version": "https://jsonfeed.org/version/1.1", "items": [');
    const empty = await events('empty.xml', '  \n');
    // Assess
    expect(truncated).toEqual([{ kind: 'broken', source: 'cut.xml', detail: expect.stringMatching(/not well-formed XML: .*line 1/) }]);
    expect(notFeed).toEqual([
      { kind: 'broken', source: 'page.html', detail: expect.stringContaining('is not an RSS 2.0, Atom 1.0 or JSON Feed document') },
    ]);
    expect(badJson).toEqual([{ kind: 'broken', source: 'feed.json', detail: expect.stringContaining('is not valid JSON') }]);
    expect(empty).toEqual([{ kind: 'broken', source: 'empty.xml', detail: 'is empty' }]);
  });
});
