import { describe, expect, it } from 'vitest';
import { renderRss } from '../../../functions/rendering/rss.js';
import { assertWellFormedXml } from '../../support/feed-checks.js';
import { rssChannel as channel, rssItems as items, type XmlObject as Node } from '../../validation/support/xml-tree.js';
import { archiveDocument, authorDocument, siteDocument, STORIES } from './support/stories.js';

describe('Function: renderRss', () => {
  it('carries self, hub and archive links, language and logo, and no stylesheet instruction', () => {
    // Act
    const xml = renderRss(siteDocument());
    // Assess
    assertWellFormedXml(xml);
    expect(xml).not.toContain('<?xml-stylesheet');
    const head = channel(xml);
    expect(head.language).toBe('en');
    expect(head['atom:link']).toEqual([
      { '@href': 'https://news.example.com/feed.xml', '@rel': 'self', '@type': 'application/rss+xml' },
      { '@href': 'https://hub.example.net/', '@rel': 'hub' },
      { '@href': 'https://news.example.com/archive/2026-03-09/feed.xml', '@rel': 'prev-archive', '@type': 'application/rss+xml' },
    ]);
    expect(head.image).toEqual({
      url: 'https://news.example.com/logo.png',
      title: 'The Daily Meridian',
      link: 'https://news.example.com/',
    });
  });

  it('keeps ids, publish and update times apart, bylines, categories and the lead photo', () => {
    // Act
    const [first, second] = items(renderRss(siteDocument()));
    // Assess
    expect(first).toMatchObject({
      guid: { '@isPermaLink': 'false', '#text': 'tag:news.example.com,2026:article:harbour-reopens' },
      pubDate: 'Mon, 09 Mar 2026 09:30:00 +0900',
      'atom:updated': '2026-03-10T08:15:00.000Z',
      'dc:creator': ['Nadia Rahman', 'Tomás Reyes'],
      category: ['Local', 'Weather Desk'],
      enclosure: { '@url': 'https://images.example.com/2026/03/harbour.jpg', '@length': '245120', '@type': 'image/jpeg' },
      'media:content': {
        '@url': 'https://images.example.com/2026/03/harbour.jpg',
        '@medium': 'image',
        'media:title': { '@type': 'plain', '#text': 'Cranes over the harbour at dawn' },
        'media:description': { '@type': 'plain', '#text': 'The repaired quay on Sunday.' },
        'media:credit': 'Jane Roe / Reuters',
      },
    });
    // Several bylines: names only (RSS allows one <author>, and not beside dc:creator).
    expect(first).not.toHaveProperty('author');
    // A sole byline with an email: <author> only.
    expect(second).toMatchObject({ author: ['priya.nair@news.example.com (Priya Nair)'] });
    expect(second).not.toHaveProperty('dc:creator');
    expect(second!.enclosure).toEqual({ '@url': 'https://images.example.com/2026/03/rice.png', '@length': '0', '@type': 'image/png' });
  });

  it('writes & and < in plain text as hexadecimal references and never uses CDATA', () => {
    // Act
    const xml = renderRss(siteDocument());
    // Assess
    expect(xml).toContain('<title>Why &quot;&#x3C;div&gt;&quot; soup &#x26; ]]&gt; still break feeds</title>'.replace(/&quot;/g, '"'));
    expect(xml).toContain('<category>Tech &#x26; Data</category>');
    expect(xml).not.toContain('CDATA');
    expect(xml).not.toMatch(/]]>(?!)/);
    const markup = items(xml).find((item) => item.link === 'https://news.example.com/articles/markup-in-text')!;
    // The caption looks like markup, so it is declared HTML and escaped.
    expect((markup['media:content'] as Node)['media:description']).toEqual({
      '@type': 'html',
      '#text': 'A &lt;em&gt;screenshot&lt;/em&gt; &amp; a &quot;caption&quot;',
    });
    // RSS descriptions are HTML: the plain-text summary is escaped.
    expect(markup.description).toBe(
      'Editors paste &lt;b&gt;bold&lt;/b&gt; markup, AT&amp;T names &amp; &quot;quotes&quot; — all of it stays text.',
    );
  });

  it('marks archive pages with fh:archive and links current, prev-archive and next-archive, not hubs', () => {
    // Act
    const head = channel(renderRss(archiveDocument()));
    // Assess
    expect(head).toHaveProperty('fh:archive');
    expect(head.title).toBe('The Daily Meridian (archive 2026-02-20)');
    expect((head['atom:link'] as Node[]).map((link) => [link['@rel'], link['@href']])).toEqual([
      ['self', 'https://news.example.com/archive/2026-02-20/feed.xml'],
      ['current', 'https://news.example.com/feed.xml'],
      ['prev-archive', 'https://news.example.com/archive/2026-02-01/feed.xml'],
      ['next-archive', 'https://news.example.com/archive/2026-02-27/feed.xml'],
    ]);
  });

  it('matches the snapshots', async () => {
    // Act
    const site = renderRss(siteDocument());
    const author = renderRss(authorDocument());
    const archive = renderRss(archiveDocument());
    // Assess
    expect(STORIES).toHaveLength(5);
    await expect(site).toMatchFileSnapshot('./__snapshots__/site.rss.xml');
    await expect(author).toMatchFileSnapshot('./__snapshots__/author.rss.xml');
    await expect(archive).toMatchFileSnapshot('./__snapshots__/archive.rss.xml');
  });
});
