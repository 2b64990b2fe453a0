import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { feedSlug, isStorySlug, storySlugFromTitle, xmlSafe } from '../../functions/domain/text.js';
import { feedsOf, feedObjectKey, feedUrl, categoryFeed } from '../../functions/domain/feeds.js';
import { rfc822 } from '../../functions/rendering/dates.js';

describe('Domain: text, slugs and feed membership', () => {
  it('keeps every character XML allows and drops the rest', () => {
    expect(xmlSafe('a\tb\nc\rd')).toBe('a\tb\nc\rd');
    expect(xmlSafe('\u0000\u001f\u007f\u0085\uFFFE\uFFFF\uFDD0')).toBe('');
    expect(xmlSafe('\uD83D')).toBe('');
    expect(xmlSafe('😀 مرحبا 你好')).toBe('😀 مرحبا 你好');
  });

  it('drops exactly the characters outside the XML 1.0 Char production (and the discouraged ones)', () => {
    const allowed = (code: number) =>
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0x7e) ||
      (code >= 0xa0 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd && !(code >= 0xfdd0 && code <= 0xfdef)) ||
      code >= 0x10000;
    // Code point by code point: a lone surrogate is one code point of its own, and not allowed.
    const reference = (text: string) => [...text].filter((char) => allowed(char.codePointAt(0)!)).join('');
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.oneof(
            fc.constantFrom('a', ' ', '\n', '\u0085', '\uD83D', '\uDE00', '\uFFFE', '\uFDD5', '\u0000'),
            fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
          ),
        }),
        (text) => {
          expect(xmlSafe(text)).toBe(reference(text));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('derives slugs from titles and names', () => {
    expect(storySlugFromTitle('Crème brûlée: a “history” in 10 spoons!')).toBe('creme-brulee-a-history-in-10-spoons');
    expect(storySlugFromTitle('مرحبا بالعالم')).toBe('');
    expect(feedSlug('North Korea and Russia')).toBe('north-korea-and-russia');
    expect(feedSlug('الشرق الأوسط')).toBe('الشرق-الأوسط');
    expect(feedSlug('Technology & Data')).toBe('technology-data');
    expect(isStorySlug('a-b-1')).toBe(true);
    for (const bad of ['', 'A', 'a--b', '-a', 'a/b', '..', 'a.b', 'ａ', 'x'.repeat(121)]) expect(isStorySlug(bad)).toBe(false);
  });

  it('puts a story in the site feed and one feed per category and author', () => {
    const feeds = feedsOf({ categories: ['World', 'Economy'], authors: [{ name: 'Ana Ruiz' }, { name: 'Reuters' }] });
    expect(feeds.map((feed) => feed.key)).toEqual(['site', 'category:world', 'category:economy', 'author:ana-ruiz', 'author:reuters']);
  });

  it('maps feeds to object keys and percent-encoded URLs', () => {
    const feed = categoryFeed('الشرق الأوسط');
    expect(feedObjectKey(feed, 'rss')).toBe('categories/الشرق-الأوسط/feed.xml');
    expect(feedUrl('https://news.example.com', feed, 'json')).toBe(
      `https://news.example.com/categories/${encodeURIComponent('الشرق-الأوسط')}/feed.json`,
    );
  });

  it('writes RFC 822 dates in the zone the editor gave', () => {
    expect(rfc822('2026-03-01T09:30:00+09:00')).toBe('Sun, 01 Mar 2026 09:30:00 +0900');
    expect(rfc822('2026-11-24T23:15:00-05:00')).toBe('Tue, 24 Nov 2026 23:15:00 -0500');
    expect(rfc822('2026-11-24T23:15:00Z')).toBe('Tue, 24 Nov 2026 23:15:00 +0000');
  });
});
