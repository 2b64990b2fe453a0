/**
 * The single-table key design (see docs/architecture.md):
 *
 * | item             | PK                 | SK              | GSI1PK            | GSI1SK    |
 * |------------------|--------------------|-----------------|-------------------|-----------|
 * | story            | ARTICLE#<slug>     | A               | STATUS#<status>   | <sortKey> |
 * | story projection | ARTICLE#<slug>     | P               |                   |           |
 * | feed entry       | FEED#<feedKey>     | <sortKey>       |                   |           |
 * | feed state       | FEEDSTATE#<feedKey>| S               |                   |           |
 *
 * sortKey = <UTC publish time>#<slug>, so a descending Query on a feed's partition returns its
 * newest stories first and reads only as many items as the feed shows, whatever the archive size.
 */
export const keys = {
  article: (slug: string) => ({ PK: `ARTICLE#${slug}`, SK: 'A' }),
  projection: (slug: string) => ({ PK: `ARTICLE#${slug}`, SK: 'P' }),
  feedEntry: (feedKey: string, sortKey: string) => ({ PK: `FEED#${feedKey}`, SK: sortKey }),
  feedPartition: (feedKey: string) => `FEED#${feedKey}`,
  feedState: (feedKey: string) => ({ PK: `FEEDSTATE#${feedKey}`, SK: 'S' }),
  statusPartition: (status: string) => `STATUS#${status}`,
} as const;

/** Sort key value of story items; the stream only needs to carry changes to these. */
export const ARTICLE_SORT_KEY = 'A';

export const ARTICLE_PREFIX = 'ARTICLE#';

export const STATUS_INDEX = 'GSI1';
