import { archiveObjectKey, archivePageObjectKey } from '../domain/archives.js';
import { CONTENT_TYPES, feedObjectKey, feedPageObjectKey, type FeedFormat } from '../domain/feeds.js';
import type { SiteSettings } from '../domain/site.js';
import { renderAtomBytes } from './atom.js';
import type { FeedDocument } from './feed-document.js';
import { FEED_INDEX_CONTENT_TYPE, FEED_INDEX_KEY, renderFeedIndex, type FeedListing } from './feed-index.js';
import { FEED_PAGE_CONTENT_TYPE, renderFeedPageBytes } from './feed-page.js';
import { renderJsonFeedBytes } from './json-feed.js';
import type { EntrySource } from './rendered-entries.js';
import { renderRssBytes } from './rss.js';

/** One file to publish. */
export interface FeedFile {
  key: string;
  /** A feed format, a page for people (a feed's page, the feed directory), or a file of the editors' desk. */
  format: FeedFormat | 'html' | 'desk';
  contentType: string;
  /** Overrides the store's default Cache-Control (immutable archive pages, for example). */
  cacheControl?: string;
  /** The file as stored: UTF-8. */
  bytes: Buffer;
}

type RenderOptions = { cacheControl?: string | undefined; entries?: EntrySource | undefined };

/**
 * The three formats of one feed, or of one archive page when the document has an archive day, then
 * its page for people, with the same caching.
 */
export function renderFeedFiles(document: FeedDocument, options: RenderOptions = {}): FeedFile[] {
  return [...renderSubscriptionFiles(document, options), renderPageForPeople(document, options)];
}

/** The three formats readers subscribe to (RSS, Atom, JSON Feed) of one feed or archive page. */
export function renderSubscriptionFiles(document: FeedDocument, options: RenderOptions = {}): FeedFile[] {
  const { entries } = options;
  const bodies: Record<FeedFormat, Buffer> = {
    rss: renderRssBytes(document, { entries }),
    atom: renderAtomBytes(document, { entries }),
    json: renderJsonFeedBytes(document, { entries }),
  };
  const day = document.paging?.archiveDay;
  return (Object.keys(bodies) as FeedFormat[]).map((format) => ({
    key: day ? archiveObjectKey(day, format) : feedObjectKey(document.feed, format),
    format,
    contentType: CONTENT_TYPES[format],
    ...caching(options),
    bytes: bodies[format],
  }));
}

/** The HTML page a person who follows a feed link in a browser gets, of one feed or archive page. */
export function renderPageForPeople(document: FeedDocument, options: RenderOptions = {}): FeedFile {
  const day = document.paging?.archiveDay;
  return {
    key: day ? archivePageObjectKey(day) : feedPageObjectKey(document.feed),
    format: 'html',
    contentType: FEED_PAGE_CONTENT_TYPE,
    ...caching(options),
    bytes: renderFeedPageBytes(document, { entries: options.entries }),
  };
}

function caching(options: RenderOptions): { cacheControl?: string } {
  return options.cacheControl ? { cacheControl: options.cacheControl } : {};
}

/** The page at the site's root that lists (and lets browsers discover) every feed. */
export function renderFeedIndexFile(site: SiteSettings, listings: FeedListing[]): FeedFile {
  return {
    key: FEED_INDEX_KEY,
    format: 'html',
    contentType: FEED_INDEX_CONTENT_TYPE,
    bytes: Buffer.from(renderFeedIndex(site, listings), 'utf8'),
  };
}
