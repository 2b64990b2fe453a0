import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inParallel } from '../commons/concurrency.js';

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

const BATCH_SIZE = 25;
const GET_BATCH_SIZE = 100;
const MAX_ROUNDS = 8;

type Item = Record<string, unknown>;

const backOff = (round: number) => new Promise((resolve) => setTimeout(resolve, 20 * 2 ** round));

/** Batch calls in flight at once for one large write or read (a burst's thousands of items). */
const CHUNKS_IN_FLIGHT = 4;

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));
}

/** BatchWriteItem in chunks of 25, re-sending unprocessed items with backoff until all are written. */
export async function batchWrite(client: DynamoDBDocumentClient, tableName: string, requests: WriteRequest[]): Promise<void> {
  await inParallel(chunks(requests, BATCH_SIZE), CHUNKS_IN_FLIGHT, async (chunk) => {
    let pending = chunk;
    for (let round = 0; pending.length; round++) {
      if (round >= MAX_ROUNDS) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed`);
      if (round > 0) await backOff(round);
      const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
    }
  });
}

/**
 * BatchGetItem (strongly consistent) in chunks of 100, re-asking for unprocessed keys with
 * backoff; the items found, in no particular order.
 */
export async function batchGet(client: DynamoDBDocumentClient, tableName: string, keys: Item[]): Promise<Item[]> {
  const found: Item[] = [];
  await inParallel(chunks(keys, GET_BATCH_SIZE), CHUNKS_IN_FLIGHT, async (chunk) => {
    let pending = chunk;
    for (let round = 0; pending.length; round++) {
      if (round >= MAX_ROUNDS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
      if (round > 0) await backOff(round);
      const { Responses, UnprocessedKeys } = await client.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(Responses?.[tableName] ?? []));
      pending = (UnprocessedKeys?.[tableName]?.Keys ?? []) as Item[];
    }
  });
  return found;
}

export type { WriteRequest };
