import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

const BATCH_SIZE = 25;
const GET_BATCH_SIZE = 100;
const MAX_ROUNDS = 8;

type Item = Record<string, unknown>;

const backOff = (round: number) => new Promise((resolve) => setTimeout(resolve, 20 * 2 ** round));

/** BatchWriteItem in chunks of 25, re-sending unprocessed items with backoff until all are written. */
export async function batchWrite(
  client: DynamoDBDocumentClient,
  tableName: string,
  requests: WriteRequest[],
): Promise<void> {
  for (let start = 0; start < requests.length; start += BATCH_SIZE) {
    let pending = requests.slice(start, start + BATCH_SIZE);
    for (let round = 0; pending.length; round++) {
      if (round >= MAX_ROUNDS) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed`);
      if (round > 0) await backOff(round);
      const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
    }
  }
}

/**
 * BatchGetItem (strongly consistent) in chunks of 100, re-asking for unprocessed keys with
 * backoff; the items found, in no particular order.
 */
export async function batchGet(client: DynamoDBDocumentClient, tableName: string, keys: Item[]): Promise<Item[]> {
  const found: Item[] = [];
  for (let start = 0; start < keys.length; start += GET_BATCH_SIZE) {
    let pending = keys.slice(start, start + GET_BATCH_SIZE);
    for (let round = 0; pending.length; round++) {
      if (round >= MAX_ROUNDS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
      if (round > 0) await backOff(round);
      const { Responses, UnprocessedKeys } = await client.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(Responses?.[tableName] ?? []));
      pending = (UnprocessedKeys?.[tableName]?.Keys ?? []) as Item[];
    }
  }
  return found;
}

export type { WriteRequest };
