import { describe, expect, it } from 'vitest';
import { authorFeed, categoryFeed } from '../../../functions/domain/feeds.js';
import { renderFeedIndex } from '../../../functions/rendering/feed-index.js';
import { SITE } from './support/stories.js';

describe('Function: renderFeedIndex', () => {
  it('lists every feed in every format as alternate links and as visible links, escaped', () => {
    // Prepare
    const listings = [
      { feed: categoryFeed('Tech & <Data>'), name: 'Tech & <Data>' },
      { feed: authorFeed('محمد علي'), name: 'محمد علي' },
      { feed: categoryFeed('Economy'), name: 'Economy' },
    ];
    // Act
    const html = renderFeedIndex(SITE, listings);
    // Assess
    const alternates = [...html.matchAll(/<link rel="alternate" type="([^"]+)" title="([^"]+)" href="([^"]+)">/g)].map((match) => [
      match[1],
      match[3],
    ]);
    expect(alternates).toHaveLength(12);
    expect(alternates.slice(0, 3)).toEqual([
      ['application/rss+xml', 'https://news.example.com/feed.xml'],
      ['application/atom+xml', 'https://news.example.com/atom.xml'],
      ['application/feed+json', 'https://news.example.com/feed.json'],
    ]);
    expect(alternates).toContainEqual([
      'application/atom+xml',
      'https://news.example.com/authors/%D9%85%D8%AD%D9%85%D8%AF-%D8%B9%D9%84%D9%8A/atom.xml',
    ]);
    // Categories sorted by name; names escaped.
    expect(html.indexOf('Economy</a>')).toBeLessThan(html.indexOf('Tech &amp; &lt;Data&gt;</a>'));
    // Each feed's name opens its page: the feed's address, which a browser's navigation gets as HTML.
    expect(html).toContain('<a href="https://news.example.com/categories/tech-data/feed.xml" dir="auto">Tech &amp; &lt;Data&gt;</a>');
    expect(html).not.toContain('<Data>');
    expect(html).toContain('<a href="https://news.example.com/categories/tech-data/feed.json" type="application/feed+json">JSON Feed</a>');
  });

  it('gives the same bytes for the same feeds in any order', () => {
    // Prepare
    const listings = [
      { feed: categoryFeed('B'), name: 'B' },
      { feed: categoryFeed('A'), name: 'A' },
    ];
    // Act
    const forwards = renderFeedIndex(SITE, listings);
    const backwards = renderFeedIndex(SITE, [...listings].reverse());
    // Assess
    expect(forwards).toBe(backwards);
  });
});
