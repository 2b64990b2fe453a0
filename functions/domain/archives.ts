import type { FeedFormat } from './feeds.js';

/**
 * RFC 5005 archives of the site feed: one archive page per calendar month (UTC) that has stories,
 * in all three formats, at `archive/YYYY-MM/{feed.xml,atom.xml,feed.json}`.
 *
 * A month is a contiguous range of the site feed's sort keys (`<UTC ISO publish time>#<slug>`), so
 * one page is one key-range read, and the months on either side are found with a one-item read
 * each: no list of months has to be kept in step with the stories.
 */

/** `YYYY-MM`, a calendar month in UTC. */
export type ArchiveMonth = string;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isArchiveMonth(value: string): value is ArchiveMonth {
  return MONTH.test(value);
}

/** The UTC month a story's publish time falls in. */
export function archiveMonthOf(publishedAt: string): ArchiveMonth {
  return new Date(publishedAt).toISOString().slice(0, 7);
}

/** The month after `month`. */
export function monthAfter(month: ArchiveMonth): ArchiveMonth {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, monthNumber, 1)).toISOString().slice(0, 7);
}

/**
 * The sort-key range of a month: every key `k` of a story published in it has `from <= k < to`
 * (sort keys start with the UTC ISO time, which sorts as text).
 */
export function monthSortKeyRange(month: ArchiveMonth): { from: string; to: string } {
  return { from: `${month}-01T`, to: `${monthAfter(month)}-01T` };
}

/** The month of a feed sort key (`<UTC ISO time>#<slug>`). */
export function monthOfSortKey(sortKey: string): ArchiveMonth {
  return sortKey.slice(0, 7);
}

/** Feed key under which an archive page keeps its version and lease, as feeds do. */
export function archiveFeedKey(month: ArchiveMonth): string {
  return `archive:${month}`;
}

export function monthOfArchiveFeedKey(key: string): ArchiveMonth | undefined {
  const month = key.startsWith('archive:') ? key.slice('archive:'.length) : '';
  return isArchiveMonth(month) ? month : undefined;
}

const FILE_NAMES: Record<FeedFormat, string> = { rss: 'feed.xml', atom: 'atom.xml', json: 'feed.json' };

/** S3 key of one format of a month's archive page. */
export function archiveObjectKey(month: ArchiveMonth, format: FeedFormat): string {
  return `archive/${month}/${FILE_NAMES[format]}`;
}

export function archiveUrl(baseUrl: string, month: ArchiveMonth, format: FeedFormat): string {
  return `${baseUrl}/${archiveObjectKey(month, format)}`;
}

/** Whether a month is over at `now` (its page can then be cached for a long time). */
export function isPastMonth(month: ArchiveMonth, now: Date): boolean {
  return monthAfter(month) <= now.toISOString().slice(0, 7);
}
