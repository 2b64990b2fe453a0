import { describe, expect, it } from 'vitest';
import { renderFeedFiles } from '../../../functions/rendering/render-feed.js';
import { archiveDocument, siteDocument } from './support/stories.js';

describe('Function: renderFeedFiles', () => {
  it('writes the feed and its page for people at their keys with their content types and the default caching', () => {
    // Act
    const files = renderFeedFiles(siteDocument());
    // Assess
    expect(files.map((file) => [file.key, file.contentType, file.cacheControl])).toEqual([
      ['feed.xml', 'application/rss+xml; charset=utf-8', undefined],
      ['atom.xml', 'application/atom+xml; charset=utf-8', undefined],
      ['feed.json', 'application/feed+json; charset=utf-8', undefined],
      ['feed.html', 'text/html; charset=utf-8', undefined],
    ]);
  });

  it('writes an archive page under archive/YYYY-MM/ with the Cache-Control it is given', () => {
    // Act
    const files = renderFeedFiles(archiveDocument(), { cacheControl: 'public, max-age=2592000' });
    // Assess
    expect(files.map((file) => [file.key, file.cacheControl])).toEqual([
      ['archive/2026-02-20/feed.xml', 'public, max-age=2592000'],
      ['archive/2026-02-20/atom.xml', 'public, max-age=2592000'],
      ['archive/2026-02-20/feed.json', 'public, max-age=2592000'],
      ['archive/2026-02-20/feed.html', 'public, max-age=2592000'],
    ]);
  });
});
