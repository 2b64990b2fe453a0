/**
 * The single-table key design (see docs/architecture.md):
 *
 * | item                 | PK                  | SK             | GSI1PK          | GSI1SK    |
 * |----------------------|---------------------|----------------|-----------------|-----------|
 * | story                | ARTICLE#<slug>      | A              | STATUS#<status> | <sortKey> |
 * | story projection     | ARTICLE#<slug>      | P              |                 |           |
 * | story copy           | ARTICLE#<slug>      | V#<digest>     |                 |           |
 * | a story's tombstones | ARTICLE#<slug>      | T              |                 |           |
 * | feed entry           | FEED#<feedKey>      | <sortKey>      |                 |           |
 * | feed or page state   | FEEDSTATE#<pageKey> | S              |                 |           |
 * | tombstone            | TOMB#<feedKey>      | <when>#<slug>  |                 |           |
 * | feed directory entry | FEEDDIR             | <feedKey>      |                 |           |
 * | idempotency record   | IDEMPOTENCY         | <key hash>     |                 |           |
 *
 * sortKey = <UTC publish time>#<slug>, so a descending Query on a feed's partition returns its
 * newest stories first and reads only as many items as the feed shows, whatever the archive size;
 * a month of the site feed (an archive page) is one key range of that partition. Tombstones sort
 * by retraction time, so a feed's recent ones are one key-range Query. pageKey is a feedKey or
 * `archive:YYYY-MM`.
 */
export const keys = {
  article: (slug: string) => ({ PK: `ARTICLE#${slug}`, SK: 'A' }),
  projection: (slug: string) => ({ PK: `ARTICLE#${slug}`, SK: 'P' }),
  /** The version of a story that feed entries with this digest show. */
  storyCopy: (slug: string, digest: string) => ({ PK: `ARTICLE#${slug}`, SK: `V#${digest}` }),
  feedEntry: (feedKey: string, sortKey: string) => ({ PK: `FEED#${feedKey}`, SK: sortKey }),
  feedPartition: (feedKey: string) => `FEED#${feedKey}`,
  feedState: (feedKey: string) => ({ PK: `FEEDSTATE#${feedKey}`, SK: 'S' }),
  statusPartition: (status: string) => `STATUS#${status}`,
} as const;

/** Items the regenerator keeps for tombstones and the feed directory behind index.html. */
export const catalogKeys = {
  tombstone: (feedKey: string, when: string, slug: string) => ({ PK: `TOMB#${feedKey}`, SK: `${when}#${slug}` }),
  tombstonePartition: (feedKey: string) => `TOMB#${feedKey}`,
  storyTombstones: (slug: string) => ({ PK: `ARTICLE#${slug}`, SK: 'T' }),
  directoryEntry: (feedKey: string) => ({ PK: 'FEEDDIR', SK: feedKey }),
  directoryPartition: 'FEEDDIR',
} as const;

/** Sort key value of story items; the stream only needs to carry changes to these. */
export const ARTICLE_SORT_KEY = 'A';

export const ARTICLE_PREFIX = 'ARTICLE#';

/** The slug of a story item's partition key (`ARTICLE#<slug>`). */
export const slugOfKey = (pk: string): string => pk.slice(ARTICLE_PREFIX.length);

export const STATUS_INDEX = 'GSI1';
