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

/**
 * A platform's feed address, and where its feed is now (`$1`: the captured slug). Some platforms
 * name the feed in the query: `byQuery` gives the target for a query parameter's value, and wins
 * over `target` (undefined: the address is not a feed without that parameter).
 */
export interface LegacyFeedAddress {
  platform: string;
  pattern: RegExp;
  target?: string;
  byQuery?: { name: string; targets: Readonly<Record<string, string>> };
}

export const LEGACY_FEED_ADDRESSES: readonly LegacyFeedAddress[] = [
  { platform: 'WordPress, Ghost, Substack', pattern: /^\/(?:feed|feed\/rss2|feed\/rss|feed\/rdf|rss|rss2)\/?$/, target: '/feed.xml' },
  {
    platform: 'WordPress',
    pattern: /^\/$/,
    byQuery: { name: 'feed', targets: { rss2: '/feed.xml', rss: '/feed.xml', rdf: '/feed.xml', atom: '/atom.xml' } },
  },
  { platform: 'Hugo, Jekyll', pattern: /^\/(?:index\.xml|rss\.xml)$/, target: '/feed.xml' },
  { platform: 'WordPress', pattern: /^\/(?:feed\/atom|atom)\/?$/, target: '/atom.xml' },
  {
    platform: 'Blogger',
    pattern: /^\/feeds\/posts\/default\/?$/,
    target: '/atom.xml',
    byQuery: { name: 'alt', targets: { rss: '/feed.xml' } },
  },
  // WordPress nests child categories under their parents: the feed is the last one's.
  { platform: 'WordPress', pattern: /^\/category\/(?:[^/]+\/)*([^/]+)\/feed\/?$/, target: '/categories/$1/feed.xml' },
  { platform: 'WordPress', pattern: /^\/category\/(?:[^/]+\/)*([^/]+)\/feed\/atom\/?$/, target: '/categories/$1/atom.xml' },
  { platform: 'Ghost', pattern: /^\/tag\/([^/]+)\/rss\/?$/, target: '/categories/$1/feed.xml' },
  { platform: 'Hugo', pattern: /^\/(?:categories|tags)\/([^/]+)\/index\.xml$/, target: '/categories/$1/feed.xml' },
  { platform: 'WordPress, Ghost', pattern: /^\/author\/([^/]+)\/(?:feed|rss)\/?$/, target: '/authors/$1/feed.xml' },
  { platform: 'WordPress', pattern: /^\/author\/([^/]+)\/feed\/atom\/?$/, target: '/authors/$1/atom.xml' },
];

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
  for (const { pattern, target, byQuery } of LEGACY_FEED_ADDRESSES) {
    const match = pattern.exec(path);
    if (!match) continue;
    const value = byQuery ? query[byQuery.name] : undefined;
    const chosen = value !== undefined && byQuery && Object.hasOwn(byQuery.targets, value) ? byQuery.targets[value] : target;
    // A function, so that a `$` in the slug is never read as a replacement pattern.
    if (chosen !== undefined) return chosen.replace('$1', () => match[1] ?? '');
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
    ({ pattern, target, byQuery }) =>
      `[new RegExp(${JSON.stringify(pattern.source)}), ${JSON.stringify(target ?? null)}, ${JSON.stringify(byQuery ?? null)}]`,
  );
  return `var SITE_REDIRECTS = ${JSON.stringify(siteRedirects)};
var LEGACY_FEED_ADDRESSES = [${table.join(', ')}];
function has(object, key) {
  return Object.prototype.hasOwnProperty.call(object, key);
}
function legacyTarget(uri, query) {
  if (has(SITE_REDIRECTS, uri)) return SITE_REDIRECTS[uri];
  for (var i = 0; i < LEGACY_FEED_ADDRESSES.length; i++) {
    var match = LEGACY_FEED_ADDRESSES[i][0].exec(uri);
    if (!match) continue;
    var byQuery = LEGACY_FEED_ADDRESSES[i][2];
    var value = byQuery && query[byQuery.name] ? query[byQuery.name].value : undefined;
    var chosen = value !== undefined && has(byQuery.targets, value) ? byQuery.targets[value] : LEGACY_FEED_ADDRESSES[i][1];
    if (chosen !== null) return chosen.replace('$1', function () { return match[1] || ''; });
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
