import { createHash } from 'node:crypto';

/**
 * The single-table key design (see docs/architecture.md):
 *
 * | item                 | PK                  | SK             | GSI1PK          | GSI1SK    |
 * |----------------------|---------------------|----------------|-----------------|-----------|
 * | story                | ARTICLE#<slug>      | A              | STATUS#<status> | <sortKey> |
 * | story projection     | ARTICLE#<slug>      | P              |                 |           |
 * | a story's retraction | ARTICLE#<slug>      | T              |                 |           |
 * | feed entry           | FEED#<feedKey>      | <sortKey>      |                 |           |
 * | page state           | FEED#<pageKey>      | ~state         |                 |           |
 * | regeneration lease   | REGENERATION        | S              |                 |           |
 * | feed directory entry | FEEDDIR             | <feedKey>      |                 |           |
 * | idempotency record   | IDEMPOTENCY         | <key hash>     |                 |           |
 * | a kept feed id       | FEEDID#<id hash>    | C              |                 |           |
 *
 * sortKey = <UTC publish time>#<slug>, so a descending Query on a feed's partition returns its
 * newest stories first and reads only as many items as the feed shows, whatever the archive size;
 * a day of the site feed (an archive page) is one key range of that partition. A feed entry holds
 * its story and the story's rendered entries. The page state sorts after every entry (`~` is above
 * any digit), so the same descending Query returns it first: one call reads a feed. pageKey is a
 * feedKey or `archive:YYYY-MM-DD`.
 *
 * Earlier versions kept a story copy per version (ARTICLE#<slug> / V#<digest>) named by small
 * entries, page states at FEEDSTATE#<pageKey> / S and tombstones at TOMB#<feedKey>: they are still
 * read where found, and replaced as stories are projected again.
 */
export const keys = {
  article: (slug: string) => ({ PK: `ARTICLE#${slug}`, SK: 'A' }),
  projection: (slug: string) => ({ PK: `ARTICLE#${slug}`, SK: 'P' }),
  /** The version of a story that feed entries with this digest show. */
  storyCopy: (slug: string, digest: string) => ({ PK: `ARTICLE#${slug}`, SK: `V#${digest}` }),
  feedEntry: (feedKey: string, sortKey: string) => ({ PK: `FEED#${feedKey}`, SK: sortKey }),
  feedPartition: (feedKey: string) => `FEED#${feedKey}`,
  /** The feed key of a feed partition (`FEED#<feedKey>`); undefined for any other partition. */
  feedKeyOfPartition: (pk: string) => (pk.startsWith('FEED#') ? pk.slice('FEED#'.length) : undefined),
  pageState: (pageKey: string) => ({ PK: `FEED#${pageKey}`, SK: PAGE_STATE_SORT_KEY }),
  regenerationLease: { PK: 'REGENERATION', SK: 'S' },
  /** The claim on a kept feed id (hashed: an id may be longer than a key may be). */
  feedIdClaim: (feedId: string) => ({ PK: `FEEDID#${createHash('sha256').update(feedId).digest('base64url')}`, SK: 'C' }),
  statusPartition: (status: string) => `STATUS#${status}`,
} as const;

/** Sorts after every feed entry's sort key (which starts with a year). */
export const PAGE_STATE_SORT_KEY = '~state';

/** Items the regenerator keeps for tombstones and the feed directory behind index.html. */
export const catalogKeys = {
  /** Where an earlier version kept a feed's tombstones. */
  legacyTombstonePartition: (feedKey: string) => `TOMB#${feedKey}`,
  storyRetraction: (slug: string) => ({ PK: `ARTICLE#${slug}`, SK: 'T' }),
  directoryEntry: (feedKey: string) => ({ PK: 'FEEDDIR', SK: feedKey }),
  directoryPartition: 'FEEDDIR',
} as const;

/** Sort key value of story items; the stream only needs to carry changes to these. */
export const ARTICLE_SORT_KEY = 'A';

export const ARTICLE_PREFIX = 'ARTICLE#';

/** The slug of a story item's partition key (`ARTICLE#<slug>`). */
export const slugOfKey = (pk: string): string => pk.slice(ARTICLE_PREFIX.length);

export const STATUS_INDEX = 'GSI1';
