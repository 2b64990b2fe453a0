import type { DynamoDBRecord } from 'aws-lambda';
import { ARTICLE_PREFIX, ARTICLE_SORT_KEY, slugOfKey } from '../adapters/table-keys.js';

/**
 * Stories per regeneration at most: the event source mapping's BatchSize in AWS, and the local
 * stream stand-in's. A burst arriving while a regeneration runs is coalesced into the next one, so
 * each feed is rendered once per batch.
 */
export const STORIES_PER_REGENERATION = 1_000;

/**
 * Slugs of the stories a batch of table stream records touched. Only keys are used: the
 * regenerator reads each story's current state, so the stream can be KEYS_ONLY.
 */
export function changedSlugs(records: DynamoDBRecord[]): string[] {
  const slugs = new Set<string>();
  for (const record of records) {
    const pk = record.dynamodb?.Keys?.PK?.S;
    const sk = record.dynamodb?.Keys?.SK?.S;
    if (sk === ARTICLE_SORT_KEY && pk?.startsWith(ARTICLE_PREFIX)) slugs.add(slugOfKey(pk));
  }
  return [...slugs];
}
