import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { articleItem, DynamoArticleRepository } from '../../functions/adapters/dynamo-article-repository.js';
import type { Article } from '../../functions/domain/article.js';
import { RevisionConflictError } from '../../functions/use-cases/ports.js';

const STORED: Article = {
  slug: 'rain-in-spain',
  title: 'Rain in Spain',
  body: '<p>It rained.</p>',
  authors: [{ name: 'Jane Roe' }],
  categories: ['World'],
  publishedAt: '2026-11-27T09:00:00Z',
  updatedAt: '2026-11-27T09:00:00Z',
  url: 'https://news.example.com/articles/rain-in-spain',
  language: 'en',
  status: 'published',
  revision: 3,
};

/**
 * A DynamoDB client whose HTTP handler refuses every write as DynamoDB does when the condition
 * fails and ReturnValuesOnConditionCheckFailure is ALL_OLD: a 400 whose body carries the item
 * (dynalite ignores the parameter, so this answer is only seen from DynamoDB itself).
 */
function refusingClient(sent: Record<string, unknown>[]): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: {
      async handle(request: { body: Uint8Array }) {
        sent.push(JSON.parse(new TextDecoder().decode(request.body)) as Record<string, unknown>);
        const body = JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
          message: 'The conditional request failed',
          Item: marshall(articleItem(STORED), { removeUndefinedValues: true }),
        });
        return { response: { statusCode: 400, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Readable.from([body]) } };
      },
    },
  });
  return DynamoDBDocumentClient.from(client);
}

describe('DynamoArticleRepository', () => {
  it('asks for the stored story with a conditional write and returns it with the conflict', async () => {
    // Prepare
    const sent: Record<string, unknown>[] = [];
    const repository = new DynamoArticleRepository(refusingClient(sent), 'articles');

    // Act
    const refused = await repository.save({ ...STORED, title: 'Mine', revision: 1 }, undefined).catch((error: unknown) => error);

    // Assess
    expect(sent[0]).toMatchObject({ ConditionExpression: 'attribute_not_exists(PK)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
    expect(refused).toBeInstanceOf(RevisionConflictError);
    expect((refused as RevisionConflictError).current).toEqual(STORED);
  });
});
