import { describe, expect, it } from 'vitest';
import { BROWSER_FEED_CONTENT_TYPE, contentTypeForViewer } from '../../../functions/rendering/browser-view.js';

const CHROME = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const READER = 'application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.8';

describe('Function: contentTypeForViewer', () => {
  it('serves RSS and Atom to a browser navigation as XML, so the stylesheet applies', () => {
    // Act
    const rss = contentTypeForViewer('application/rss+xml; charset=utf-8', CHROME);
    const atom = contentTypeForViewer('application/atom+xml; charset=utf-8', CHROME);
    // Assess
    expect([rss, atom]).toEqual([BROWSER_FEED_CONTENT_TYPE, BROWSER_FEED_CONTENT_TYPE]);
  });

  it('keeps the registered type for feed readers, fetch() and anything that is not a feed', () => {
    // Act
    const outcomes = [
      contentTypeForViewer('application/rss+xml; charset=utf-8', READER),
      contentTypeForViewer('application/atom+xml; charset=utf-8', undefined),
      contentTypeForViewer('application/atom+xml; charset=utf-8', '*/*'),
      contentTypeForViewer('application/feed+json; charset=utf-8', CHROME),
      contentTypeForViewer('text/html; charset=utf-8', CHROME),
    ];
    // Assess
    expect(outcomes).toEqual([
      'application/rss+xml; charset=utf-8',
      'application/atom+xml; charset=utf-8',
      'application/atom+xml; charset=utf-8',
      'application/feed+json; charset=utf-8',
      'text/html; charset=utf-8',
    ]);
  });
});
