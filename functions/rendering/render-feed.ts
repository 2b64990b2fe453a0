import { archiveObjectKey } from '../domain/archives.js';
import { CONTENT_TYPES, feedObjectKey, type FeedFormat } from '../domain/feeds.js';
import type { SiteSettings } from '../domain/site.js';
import { renderAtomBytes } from './atom.js';
import { FEED_STYLESHEET_KEY, stylesheetPath, type FeedDocument } from './feed-document.js';
import { FEED_INDEX_CONTENT_TYPE, FEED_INDEX_KEY, renderFeedIndex, type FeedListing } from './feed-index.js';
import { FEED_STYLESHEET, FEED_STYLESHEET_CONTENT_TYPE } from './feed-stylesheet.js';
import { renderJsonFeedBytes } from './json-feed.js';
import type { EntrySource } from './rendered-entries.js';
import { renderRssBytes } from './rss.js';

/** One file to publish. */
export interface FeedFile {
  key: string;
  /** A feed format, or the site's feed directory page or stylesheet. */
  format: FeedFormat | 'html' | 'xsl';
  contentType: string;
  /** Overrides the store's default Cache-Control (immutable archive pages, for example). */
  cacheControl?: string;
  /** The file as stored: UTF-8. */
  bytes: Buffer;
}

/** The three formats of one feed, or of one archive page when the document has an archive day. */
export function renderFeedFiles(
  document: FeedDocument,
  options: { cacheControl?: string | undefined; entries?: EntrySource | undefined } = {},
): FeedFile[] {
  const stylesheetHref = stylesheetPath(document.site);
  const { entries } = options;
  const bodies: Record<FeedFormat, Buffer> = {
    rss: renderRssBytes(document, { stylesheetHref, entries }),
    atom: renderAtomBytes(document, { stylesheetHref, entries }),
    json: renderJsonFeedBytes(document, { entries }),
  };
  const day = document.paging?.archiveDay;
  return (Object.keys(bodies) as FeedFormat[]).map((format) => ({
    key: day ? archiveObjectKey(day, format) : feedObjectKey(document.feed, format),
    format,
    contentType: CONTENT_TYPES[format],
    ...(options.cacheControl ? { cacheControl: options.cacheControl } : {}),
    bytes: bodies[format],
  }));
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

/** The stylesheet changes only with a deployment; a day in caches is harmless. */
const STYLESHEET_CACHE_CONTROL = 'public, max-age=86400';

/** The XSL stylesheet RSS and Atom point at, for people who open a feed in a browser. */
export function renderFeedStylesheetFile(): FeedFile {
  return {
    key: FEED_STYLESHEET_KEY,
    format: 'xsl',
    contentType: FEED_STYLESHEET_CONTENT_TYPE,
    cacheControl: STYLESHEET_CACHE_CONTROL,
    bytes: Buffer.from(FEED_STYLESHEET, 'utf8'),
  };
}
