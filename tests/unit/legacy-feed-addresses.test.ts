import { describe, expect, it } from 'vitest';
import { parseSiteSettings } from '../../functions/domain/site.js';
import { legacyFeedRedirect } from '../../functions/domain/legacy-feed-addresses.js';
import { LEGACY_FEED_REQUESTS, SITE_REDIRECTS } from '../support/legacy-feed-requests.js';

const SITE = { title: 'T', baseUrl: 'https://news.example.com', language: 'en', tagAuthority: 'news.example.com,2026' };

describe('Domain: old platforms’ feed addresses', () => {
  for (const { path, query, target } of LEGACY_FEED_REQUESTS) {
    const address = `${path}${query ? `?${new URLSearchParams(query)}` : ''}`;
    it(`${address} → ${target ?? 'served as it is'}`, () => {
      // Act
      const redirect = legacyFeedRedirect(path, query ?? {}, SITE_REDIRECTS);
      // Assess
      expect(redirect).toBe(target);
    });
  }

  it('never redirects to an address that is itself redirected', () => {
    for (const { path, query } of LEGACY_FEED_REQUESTS) {
      const target = legacyFeedRedirect(path, query ?? {}, SITE_REDIRECTS);
      if (target !== undefined) expect(legacyFeedRedirect(target, {}, SITE_REDIRECTS), `${path} → ${target}`).toBeUndefined();
    }
  });

  it('reads the site’s own redirects from its settings, and refuses ones that are not paths or loop', () => {
    // Act
    const settings = parseSiteSettings({ ...SITE, feedRedirects: { '/old/rss.php': '/feed.xml' } });
    // Assess
    expect(settings.feedRedirects).toEqual({ '/old/rss.php': '/feed.xml' });
    expect(parseSiteSettings(SITE).feedRedirects).toEqual({});
    expect(() => parseSiteSettings({ ...SITE, feedRedirects: { 'old.xml': '/feed.xml' } })).toThrow(
      /feedRedirects: every old address must be a path starting with "\/"/,
    );
    expect(() => parseSiteSettings({ ...SITE, feedRedirects: { '/a': 'https://elsewhere.example/feed' } })).toThrow(/feedRedirects\.\/a/);
    expect(() => parseSiteSettings({ ...SITE, feedRedirects: { '/a?x=1': '/feed.xml' } })).toThrow(/without query/);
    expect(() => parseSiteSettings({ ...SITE, feedRedirects: { '/feed.xml': '/feed.xml' } })).toThrow(/must not redirect to itself/);
  });
});
