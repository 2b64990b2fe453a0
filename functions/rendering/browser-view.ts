/**
 * Chromium shows `application/rss+xml` and `application/atom+xml` as plain text and applies an
 * `<?xml-stylesheet?>` only to documents served as XML (`application/xml`, `text/xml`). Feed
 * readers want the registered types. So the CDN answers a browser's navigation (an Accept header
 * that asks for HTML and names no feed type) with `application/xml`, and everything else with the
 * stored type; the bytes, and so the cached object, are the same. Pure, so the local CDN stand-in
 * and a CloudFront viewer-response function can share the rule.
 */
const FEED_TYPES = /^application\/(rss|atom)\+xml\b/i;

export const BROWSER_FEED_CONTENT_TYPE = 'application/xml; charset=utf-8';

export function contentTypeForViewer(storedContentType: string, accept: string | undefined): string {
  if (!FEED_TYPES.test(storedContentType) || !accept) return storedContentType;
  const wantsHtml = /(^|,)\s*text\/html\s*(;|,|$)/i.test(accept);
  const namesFeedType = /application\/(rss|atom)\+xml/i.test(accept);
  return wantsHtml && !namesFeedType ? BROWSER_FEED_CONTENT_TYPE : storedContentType;
}
