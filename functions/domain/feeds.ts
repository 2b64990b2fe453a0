import type { Article } from './article.js';
import { feedSlug } from './text.js';

export type FeedKind = 'site' | 'category' | 'author';

/** One feed (in all three formats): the whole site, a category or an author. */
export interface FeedRef {
  /** Stable identifier used as a storage key: `site`, `category:<slug>`, `author:<slug>`. */
  key: string;
  kind: FeedKind;
  /** URL path segment for category and author feeds. */
  slug?: string;
  /** Human name (category or author name). */
  name?: string;
}

export const SITE_FEED: FeedRef = { key: 'site', kind: 'site' };

export function categoryFeed(name: string): FeedRef {
  const slug = feedSlug(name);
  return { key: `category:${slug}`, kind: 'category', slug, name };
}

export function authorFeed(name: string): FeedRef {
  const slug = feedSlug(name);
  return { key: `author:${slug}`, kind: 'author', slug, name };
}

/** Every feed a story appears in while it is published. */
export function feedsOf(article: Pick<Article, 'categories' | 'authors'>): FeedRef[] {
  const feeds = new Map<string, FeedRef>([[SITE_FEED.key, SITE_FEED]]);
  for (const category of article.categories) {
    const feed = categoryFeed(category);
    if (feed.slug) feeds.set(feed.key, feed);
  }
  for (const author of article.authors) {
    const feed = authorFeed(author.name);
    if (feed.slug) feeds.set(feed.key, feed);
  }
  return [...feeds.values()];
}

export type FeedFormat = 'rss' | 'atom' | 'json';

export const FEED_FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];

const FILE_NAMES: Record<FeedFormat, string> = { rss: 'feed.xml', atom: 'atom.xml', json: 'feed.json' };

/** Each format's registered media type, as `<link rel="alternate" type>` names it. */
export const MEDIA_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  json: 'application/feed+json',
};

export const CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: `${MEDIA_TYPES.rss}; charset=utf-8`,
  atom: `${MEDIA_TYPES.atom}; charset=utf-8`,
  json: `${MEDIA_TYPES.json}; charset=utf-8`,
};

/** Directory of a feed, as decoded path segments without slashes at either end ('' for the site). */
export function feedDirectory(feed: FeedRef): string {
  switch (feed.kind) {
    case 'site':
      return '';
    case 'category':
      return `categories/${feed.slug}`;
    case 'author':
      return `authors/${feed.slug}`;
  }
}

/** Storage key (S3 object key) of one format of a feed: decoded, no leading slash. */
export function feedObjectKey(feed: FeedRef, format: FeedFormat): string {
  const directory = feedDirectory(feed);
  return directory ? `${directory}/${FILE_NAMES[format]}` : FILE_NAMES[format];
}

/**
 * The page a browser gets at any of a feed's three addresses (functions/domain/feed-negotiation.ts
 * picks it), stored beside them.
 */
export const FEED_PAGE_FILE_NAME = 'feed.html';

/** Storage key of a feed's page for people. */
export function feedPageObjectKey(feed: FeedRef): string {
  const directory = feedDirectory(feed);
  return directory ? `${directory}/${FEED_PAGE_FILE_NAME}` : FEED_PAGE_FILE_NAME;
}

/** Public URL of one format of a feed (path segments percent-encoded). */
export function feedUrl(baseUrl: string, feed: FeedRef, format: FeedFormat): string {
  const path = feedObjectKey(feed, format).split('/').map(encodeURIComponent).join('/');
  return `${baseUrl}/${path}`;
}

/** Parses a feed key back into a reference (names are not recoverable from keys). */
export function feedFromKey(key: string): FeedRef {
  if (key === 'site') return SITE_FEED;
  const separator = key.indexOf(':');
  const kind = key.slice(0, separator);
  const slug = key.slice(separator + 1);
  if ((kind === 'category' || kind === 'author') && slug) return { key, kind, slug };
  throw new Error(`Not a feed key: ${key}`);
}

/** Newest-first position of a story: its UTC publish time, then its slug for equal times. */
export function sortKeyOf(article: Pick<Article, 'publishedAt' | 'slug'>): string {
  return `${new Date(article.publishedAt).toISOString()}#${article.slug}`;
}
