import { describe, expect, it } from 'vitest';
import { XMLValidator } from 'fast-xml-parser';
import { stylesheetPath } from '../../../functions/rendering/feed-document.js';
import { FEED_STYLESHEET } from '../../../functions/rendering/feed-stylesheet.js';
import { renderFeedFiles } from '../../../functions/rendering/render-feed.js';
import { SITE, siteDocument } from './support/stories.js';

describe('Function: feed stylesheet', () => {
  it('is a well-formed XSLT 1.0 stylesheet with templates for RSS and Atom that never disables escaping', () => {
    // Act
    const valid = XMLValidator.validate(FEED_STYLESHEET);
    // Assess
    expect(valid).toBe(true);
    expect(FEED_STYLESHEET).toContain('<xsl:template match="/rss">');
    expect(FEED_STYLESHEET).toContain('<xsl:template match="/atom:feed">');
    expect(FEED_STYLESHEET).not.toContain('disable-output-escaping');
  });

  it('is referenced site-relative, under the base URL path', () => {
    // Act
    const atRoot = stylesheetPath(SITE);
    const underPath = stylesheetPath({ baseUrl: 'https://example.org/news/feeds' });
    const [rss, atom, json] = renderFeedFiles(siteDocument());
    // Assess
    expect(atRoot).toBe('/feed.xsl');
    expect(underPath).toBe('/news/feeds/feed.xsl');
    expect(rss!.bytes.toString()).toContain('<?xml-stylesheet href="/feed.xsl" type="text/xsl"?>');
    expect(atom!.bytes.toString()).toContain('<?xml-stylesheet href="/feed.xsl" type="text/xsl"?>');
    expect(json!.bytes.toString().startsWith('{')).toBe(true);
  });
});
