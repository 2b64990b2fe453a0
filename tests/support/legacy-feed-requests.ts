/**
 * Old platforms' feed addresses as readers still ask for them, and where each must be sent, for
 * the tests of the redirect rule and of the CloudFront Function that applies it. `target`
 * undefined: not an old feed address, served as it is.
 */
export interface LegacyFeedRequest {
  path: string;
  query?: Record<string, string>;
  target: string | undefined;
}

/** The site's own redirects the tests configure, as `feedRedirects` in content/site.json. */
export const SITE_REDIRECTS: Record<string, string> = {
  '/old/rss.php': '/categories/world/feed.xml',
  '/feed/': '/categories/front-page/feed.xml',
};

export const LEGACY_FEED_REQUESTS: LegacyFeedRequest[] = [
  // WordPress
  { path: '/feed', target: '/feed.xml' },
  { path: '/feed/rss2/', target: '/feed.xml' },
  { path: '/feed/rss/', target: '/feed.xml' },
  { path: '/feed/rdf/', target: '/feed.xml' },
  { path: '/feed/atom/', target: '/atom.xml' },
  { path: '/', query: { feed: 'rss2' }, target: '/feed.xml' },
  { path: '/', query: { feed: 'atom' }, target: '/atom.xml' },
  { path: '/category/world/feed/', target: '/categories/world/feed.xml' },
  { path: '/category/news/world/feed/', target: '/categories/world/feed.xml' },
  { path: '/category/world/feed/atom/', target: '/categories/world/atom.xml' },
  { path: '/category/%D8%AB%D9%82%D8%A7%D9%81%D8%A9/feed/', target: '/categories/%D8%AB%D9%82%D8%A7%D9%81%D8%A9/feed.xml' },
  { path: "/category/$&-$'/feed/", target: "/categories/$&-$'/feed.xml" },
  { path: '/author/jane-roe/feed/', target: '/authors/jane-roe/feed.xml' },
  { path: '/author/jane-roe/feed/atom/', target: '/authors/jane-roe/atom.xml' },
  // Ghost and Substack
  { path: '/rss/', target: '/feed.xml' },
  { path: '/tag/science/rss/', target: '/categories/science/feed.xml' },
  { path: '/author/jane-roe/rss/', target: '/authors/jane-roe/feed.xml' },
  // Blogger
  { path: '/feeds/posts/default', target: '/atom.xml' },
  { path: '/feeds/posts/default', query: { alt: 'rss' }, target: '/feed.xml' },
  // Hugo and Jekyll
  { path: '/index.xml', target: '/feed.xml' },
  { path: '/rss.xml', target: '/feed.xml' },
  { path: '/categories/science/index.xml', target: '/categories/science/feed.xml' },
  { path: '/tags/science/index.xml', target: '/categories/science/feed.xml' },
  // The site's own, which win over the platforms' rules
  { path: '/old/rss.php', target: '/categories/world/feed.xml' },
  { path: '/feed/', target: '/categories/front-page/feed.xml' },
  // Not old feed addresses
  { path: '/feed.xml', target: undefined },
  { path: '/atom.xml', target: undefined },
  { path: '/feed.json', target: undefined },
  { path: '/categories/world/feed.xml', target: undefined },
  { path: '/authors/jane-roe/atom.xml', target: undefined },
  { path: '/archive/2026-03-09/feed.json', target: undefined },
  { path: '/', target: undefined },
  { path: '/', query: { feed: 'comments-rss2' }, target: undefined },
  { path: '/index.html', target: undefined },
  { path: '/category/world/', target: undefined },
  { path: '/feeds/', target: undefined },
  { path: '/old/rss.php/', target: undefined },
  { path: '/constructor', target: undefined },
];
