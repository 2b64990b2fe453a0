import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../../functions/domain/article.js';
import { SITE_FEED } from '../../../functions/domain/feeds.js';
import { renderFeedFiles, type FeedFile } from '../../../functions/rendering/render-feed.js';
import { RenderedEntries } from '../../../functions/rendering/rendered-entries.js';
import { archiveDocument, authorDocument, categoryDocument, document, SITE, siteDocument, STORIES } from './support/stories.js';

const bodies = (files: FeedFile[]) => files.map((file) => file.bytes.toString('utf8'));

describe('Class: RenderedEntries', () => {
  it('renders every document byte for byte as without it, cold and warm', () => {
    // Prepare
    const entries = new RenderedEntries();
    for (const make of [siteDocument, categoryDocument, authorDocument, archiveDocument]) {
      // Act
      const plain = bodies(renderFeedFiles(make()));
      const cold = bodies(renderFeedFiles(make(), { entries }));
      const warm = bodies(renderFeedFiles(make(), { entries }));

      // Assess
      expect(cold).toEqual(plain);
      expect(warm).toEqual(plain);
    }
    expect(entries.stats.hits).toBeGreaterThan(0);
  });

  it('renders only the new entry when a feed gains a story', () => {
    // Prepare
    const entries = new RenderedEntries();
    renderFeedFiles(document(SITE_FEED, STORIES.slice(1)), { entries });
    const before = { ...entries.stats };

    // Act
    const files = renderFeedFiles(document(SITE_FEED, STORIES), { entries });

    // Assess
    // Three feed formats and the feed's page.
    expect(entries.stats.misses - before.misses).toBe(4);
    expect(entries.stats.hits - before.hits).toBe(4 * (STORIES.length - 1));
    expect(bodies(files)).toEqual(bodies(renderFeedFiles(document(SITE_FEED, STORIES))));
  });

  it('never serves an entry of an earlier version of the story', () => {
    // Prepare
    const entries = new RenderedEntries();
    renderFeedFiles(document(SITE_FEED, STORIES), { entries });
    const corrected: Article[] = STORIES.map((story, index) => (index === 0 ? { ...story, title: 'Harbour reopens on Tuesday' } : story));

    // Act
    const [rss, atom, json] = bodies(renderFeedFiles(document(SITE_FEED, corrected), { entries }));

    // Assess
    for (const body of [rss, atom, json]) {
      expect(body).toContain('Harbour reopens on Tuesday');
      expect(body).not.toContain('Harbour reopens after storm repairs');
    }
  });

  it('keeps the entries of different site settings apart', () => {
    // Prepare
    const entries = new RenderedEntries();
    renderFeedFiles(siteDocument(), { entries });
    const otherSite = { ...SITE, baseUrl: 'https://elsewhere.example.org', tagAuthority: 'elsewhere.example.org,2026' };

    // Act
    const [rss] = bodies(renderFeedFiles({ ...siteDocument(), site: otherSite }, { entries }));

    // Assess
    expect(rss).toContain('tag:elsewhere.example.org,2026:');
    expect(rss).not.toContain('tag:news.example.com,2026:');
  });

  it('forgets the least recently used entries beyond its bound', () => {
    // Prepare
    const entries = new RenderedEntries(4);

    // Act
    renderFeedFiles(siteDocument(), { entries });

    // Assess
    expect(entries.size).toBe(4);
    expect(bodies(renderFeedFiles(siteDocument(), { entries }))).toEqual(bodies(renderFeedFiles(siteDocument())));
  });

  it('leaves story text that imitates a placeholder as text', () => {
    // Prepare
    const forged = '~splice-00000000-0000-4000-8000-000000000000-0~';
    const story: Article = { ...STORIES[0]!, title: forged, summary: `"${forged}"`, body: `<p>${forged}</p>` };
    const entries = new RenderedEntries();

    // Act
    const files = bodies(renderFeedFiles(document(SITE_FEED, [story, ...STORIES.slice(1)]), { entries }));

    // Assess
    expect(files).toEqual(bodies(renderFeedFiles(document(SITE_FEED, [story, ...STORIES.slice(1)]))));
    expect(JSON.parse(files[2]!).items[0].title).toBe(forged);
  });

  it('matches plain rendering for any stories, in any order, with a shared memory', () => {
    const entries = new RenderedEntries(12);
    const text = fc.string({ unit: 'binary', maxLength: 24 });
    const story = fc.record({ title: text, summary: fc.option(text, { nil: undefined }), body: text, index: fc.nat(STORIES.length - 1) });
    fc.assert(
      fc.property(fc.array(story, { maxLength: 6 }), (drafts) => {
        const articles = drafts.map(
          ({ index, ...fields }, position): Article => ({ ...STORIES[index]!, ...fields, slug: `story-${position}` }),
        );
        const doc = document(SITE_FEED, articles);
        expect(bodies(renderFeedFiles(doc, { entries }))).toEqual(bodies(renderFeedFiles(doc)));
      }),
    );
  });
});
