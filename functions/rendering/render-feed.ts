import { CONTENT_TYPES, feedObjectKey, type FeedFormat } from '../domain/feeds.js';
import { renderAtom } from './atom.js';
import type { FeedDocument } from './feed-document.js';
import { renderJsonFeed } from './json-feed.js';
import { renderRss } from './rss.js';

/** One file to publish. */
export interface FeedFile {
  key: string;
  format: FeedFormat;
  contentType: string;
  /** Overrides the store's default Cache-Control (immutable archive pages, for example). */
  cacheControl?: string;
  body: string;
}

/** The three formats of one feed. */
export function renderFeedFiles(document: FeedDocument): FeedFile[] {
  const bodies: Record<FeedFormat, string> = {
    rss: renderRss(document),
    atom: renderAtom(document),
    json: renderJsonFeed(document),
  };
  return (Object.keys(bodies) as FeedFormat[]).map((format) => ({
    key: feedObjectKey(document.feed, format),
    format,
    contentType: CONTENT_TYPES[format],
    body: bodies[format],
  }));
}
