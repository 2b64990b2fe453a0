/**
 * The feed addresses a newsroom's readers subscribed to on the platform it moved from, answered
 * with a permanent redirect (301) to the product's own feeds, so that no subscription breaks and
 * readers that honour 301 update it. WordPress, Ghost, Substack, Blogger and Hugo addresses are
 * known; `content/site.json` adds exact paths of its own (`feedRedirects`), which win.
 *
 * The CDN applies this before anything else: a CloudFront Function on viewer requests (built by
 * `legacyRedirectFunctionCode` from the same table) and the local CDN stand-in, which calls
 * `legacyFeedRedirect`.
 */

/** A platform's feed address, and where its feed is now (`$1`: the captured slug). */
export interface LegacyFeedAddress {
  platform: string;
  pattern: RegExp;
  target: string;
}

export const LEGACY_FEED_ADDRESSES: readonly LegacyFeedAddress[] = [
  { platform: 'WordPress, Ghost, Substack', pattern: /^\/(?:feed|feed\/rss2|feed\/rss|feed\/rdf|rss|rss2)\/?$/, target: '/feed.xml' },
  { platform: 'Hugo, Jekyll', pattern: /^\/(?:index\.xml|rss\.xml)$/, target: '/feed.xml' },
  { platform: 'WordPress', pattern: /^\/(?:feed\/atom|atom)\/?$/, target: '/atom.xml' },
  { platform: 'Blogger', pattern: /^\/feeds\/posts\/default\/?$/, target: '/atom.xml' },
  // WordPress nests child categories under their parents: the feed is the last one's.
  { platform: 'WordPress', pattern: /^\/category\/(?:[^/]+\/)*([^/]+)\/feed\/?$/, target: '/categories/$1/feed.xml' },
  { platform: 'WordPress', pattern: /^\/category\/(?:[^/]+\/)*([^/]+)\/feed\/atom\/?$/, target: '/categories/$1/atom.xml' },
  { platform: 'Ghost', pattern: /^\/tag\/([^/]+)\/rss\/?$/, target: '/categories/$1/feed.xml' },
  { platform: 'Hugo', pattern: /^\/(?:categories|tags)\/([^/]+)\/index\.xml$/, target: '/categories/$1/feed.xml' },
  { platform: 'WordPress, Ghost', pattern: /^\/author\/([^/]+)\/(?:feed|rss)\/?$/, target: '/authors/$1/feed.xml' },
  { platform: 'WordPress', pattern: /^\/author\/([^/]+)\/feed\/atom\/?$/, target: '/authors/$1/atom.xml' },
];

/** WordPress's feeds by query (`/?feed=rss2`), and Blogger's RSS (`/feeds/posts/default?alt=rss`). */
const QUERY_FEEDS: Readonly<Record<string, string>> = { rss2: '/feed.xml', rss: '/feed.xml', rdf: '/feed.xml', atom: '/atom.xml' };

/** How long readers and caches may keep a redirect: a day, so a mistake in `feedRedirects` heals. */
export const LEGACY_REDIRECT_CACHE_CONTROL = 'public, max-age=86400';

/** CloudFront's limit on a function's code (10 KB), which the site's own redirects share. */
export const VIEWER_FUNCTION_MAX_BYTES = 10_240;

/**
 * Where a request for `path` (URL-encoded, with its leading slash) and `query` now belongs, or
 * undefined when it is not an old feed address. The target is a path on the same site.
 */
export function legacyFeedRedirect(
  path: string,
  query: Readonly<Record<string, string | undefined>>,
  siteRedirects: Readonly<Record<string, string>> = {},
): string | undefined {
  if (Object.hasOwn(siteRedirects, path)) return siteRedirects[path];
  if (path === '/' && query.feed !== undefined && Object.hasOwn(QUERY_FEEDS, query.feed)) return QUERY_FEEDS[query.feed];
  for (const { pattern, target } of LEGACY_FEED_ADDRESSES) {
    const match = pattern.exec(path);
    if (match) {
      if (target === '/atom.xml' && path.startsWith('/feeds/') && query.alt === 'rss') return '/feed.xml';
      // A function, so that a `$` in the slug is never read as a replacement pattern.
      return target.replace('$1', () => match[1] ?? '');
    }
  }
  return undefined;
}

/**
 * The same rule as CloudFront Functions code (JavaScript runtime 2.0): `legacyRedirect(request)`
 * gives the 301 response, or undefined. Part of the viewer-request function, tested against
 * `legacyFeedRedirect` with the same requests.
 */
export function legacyRedirectFunctionCode(siteRedirects: Readonly<Record<string, string>>): string {
  const table = LEGACY_FEED_ADDRESSES.map(
    ({ pattern, target }) => `[new RegExp(${JSON.stringify(pattern.source)}), ${JSON.stringify(target)}]`,
  );
  return `var SITE_REDIRECTS = ${JSON.stringify(siteRedirects)};
var QUERY_FEEDS = ${JSON.stringify(QUERY_FEEDS)};
var LEGACY_FEED_ADDRESSES = [${table.join(', ')}];
function legacyTarget(uri, query) {
  if (Object.prototype.hasOwnProperty.call(SITE_REDIRECTS, uri)) return SITE_REDIRECTS[uri];
  if (uri === '/' && query.feed && Object.prototype.hasOwnProperty.call(QUERY_FEEDS, query.feed.value)) return QUERY_FEEDS[query.feed.value];
  for (var i = 0; i < LEGACY_FEED_ADDRESSES.length; i++) {
    var match = LEGACY_FEED_ADDRESSES[i][0].exec(uri);
    if (match) {
      var target = LEGACY_FEED_ADDRESSES[i][1];
      if (target === '/atom.xml' && uri.indexOf('/feeds/') === 0 && query.alt && query.alt.value === 'rss') return '/feed.xml';
      return target.replace('$1', function () { return match[1] || ''; });
    }
  }
  return undefined;
}
function legacyRedirect(request) {
  var target = legacyTarget(request.uri, request.querystring || {});
  if (target === undefined) return undefined;
  return {
    statusCode: 301,
    statusDescription: 'Moved Permanently',
    headers: { location: { value: target }, 'cache-control': { value: ${JSON.stringify(LEGACY_REDIRECT_CACHE_CONTROL)} } },
  };
}`;
}
