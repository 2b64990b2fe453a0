import { FEED_PAGE_FILE_NAME, type FeedFormat } from './feeds.js';

/**
 * RFC 5005 archives of the site feed: one archive page per calendar day (UTC) that has stories,
 * in all three formats, at `archive/YYYY-MM-DD/{feed.xml,atom.xml,feed.json}`.
 *
 * A day is a contiguous range of the site feed's sort keys (`<UTC ISO publish time>#<slug>`), so
 * one page is one key-range read, and the days on either side are found with a one-item read
 * each: no list of days has to be kept in step with the stories. A page holds one day's stories,
 * so the work a publish does on its page depends on how much the newsroom publishes in a day, never
 * on the size of the archive (a monthly page did: the benchmark showed it).
 */

/** `YYYY-MM-DD`, a calendar day in UTC. */
export type ArchiveDay = string;

/** The UTC day a story's publish time falls in. */
export function archiveDayOf(publishedAt: string): ArchiveDay {
  return new Date(publishedAt).toISOString().slice(0, 10);
}

/** The day after `day`. */
export function dayAfter(day: ArchiveDay): ArchiveDay {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * The sort-key range of a day: every key `k` of a story published on it has `from <= k < to`
 * (sort keys start with the UTC ISO time, which sorts as text).
 */
export function daySortKeyRange(day: ArchiveDay): { from: string; to: string } {
  return { from: `${day}T`, to: `${dayAfter(day)}T` };
}

/** The day of a feed sort key (`<UTC ISO time>#<slug>`). */
export function dayOfSortKey(sortKey: string): ArchiveDay {
  return sortKey.slice(0, 10);
}

/** Feed key under which an archive page keeps its version and lease, as feeds do. */
export function archiveFeedKey(day: ArchiveDay): string {
  return `archive:${day}`;
}

const FILE_NAMES: Record<FeedFormat, string> = { rss: 'feed.xml', atom: 'atom.xml', json: 'feed.json' };

/** S3 key of one format of a day's archive page. */
export function archiveObjectKey(day: ArchiveDay, format: FeedFormat): string {
  return `archive/${day}/${FILE_NAMES[format]}`;
}

/** S3 key of a day's archive page for people (the HTML one). */
export function archivePageObjectKey(day: ArchiveDay): string {
  return `archive/${day}/${FEED_PAGE_FILE_NAME}`;
}

/** The day whose archive page the S3 key belongs to; undefined for any other key. */
export function archiveDayOfObjectKey(key: string): ArchiveDay | undefined {
  return /^archive\/(\d{4}-\d{2}-\d{2})\/[^/]+$/.exec(key)?.[1];
}

export function archiveUrl(baseUrl: string, day: ArchiveDay, format: FeedFormat): string {
  return `${baseUrl}/${archiveObjectKey(day, format)}`;
}

/** Whether a day is over at `now` (its page can then be cached for a long time). */
export function isPastDay(day: ArchiveDay, now: Date): boolean {
  return dayAfter(day) <= now.toISOString().slice(0, 10);
}
