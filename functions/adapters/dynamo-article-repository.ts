import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Article, ArticleStatus } from '../domain/article.js';
import { sortKeyOf } from '../domain/feeds.js';
import { FeedIdTakenError } from '../use-cases/errors.js';
import { InvalidCursorError, RevisionConflictError, type ArticlePage, type ArticleRepository } from '../use-cases/ports.js';
import { batchGet } from './batch-write.js';
import { ARTICLE_SORT_KEY, STATUS_INDEX, keys, slugOfKey } from './table-keys.js';

type Item = Record<string, unknown>;

const KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK'];

export function articleFromItem(item: Item): Article {
  const article = { ...item };
  for (const attribute of KEY_ATTRIBUTES) delete article[attribute];
  return article as unknown as Article;
}

export function articleItem(article: Article): Item {
  return {
    ...keys.article(article.slug),
    GSI1PK: keys.statusPartition(article.status),
    GSI1SK: sortKeyOf(article),
    ...article,
  };
}

export class DynamoArticleRepository implements ArticleRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(slug: string): Promise<Article | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.article(slug), ConsistentRead: true }));
    return Item ? articleFromItem(Item) : undefined;
  }

  async getMany(slugs: string[]): Promise<Map<string, Article>> {
    const items = await batchGet(
      this.client,
      this.tableName,
      slugs.map((slug) => keys.article(slug)),
    );
    return new Map(items.map((item) => [slugOfKey(String(item.PK)), articleFromItem(item)]));
  }

  async save(article: Article, expectedRevision: number | undefined): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: articleItem(article),
          ...(expectedRevision === undefined
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : { ConditionExpression: 'revision = :expected', ExpressionAttributeValues: { ':expected': expectedRevision } }),
          // A refused write answers with the story as stored, so the caller need not read it.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        // The document client does not convert an exception's item: it is still in DynamoDB's JSON.
        const current = error.Item ? articleFromItem(unmarshall(error.Item)) : undefined;
        throw new RevisionConflictError(article.slug, current);
      }
      throw error;
    }
  }

  async claimFeedId(feedId: string, slug: string): Promise<void> {
    const key = keys.feedIdClaim(feedId);
    // Free, or already this story's: one conditional write.
    if (await this.putClaim(key, feedId, slug, 'attribute_not_exists(PK) OR slug = :slug', { ':slug': slug })) return;
    const claim = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    const holder = claim.Item?.slug as string | undefined;
    if (holder !== undefined && holder !== slug && (await this.get(holder))?.feedId === feedId) throw new FeedIdTakenError(feedId, holder);
    // The holder's save never happened (or the claim just went): take it over, unless it moves again.
    const condition = holder === undefined ? 'attribute_not_exists(PK)' : 'slug = :holder';
    if (!(await this.putClaim(key, feedId, slug, condition, holder === undefined ? undefined : { ':holder': holder }))) {
      throw new FeedIdTakenError(feedId, holder ?? 'another slug');
    }
  }

  /** Whether the conditional write of the claim went through. */
  private async putClaim(key: Item, feedId: string, slug: string, condition: string, values: Item | undefined): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, feedId, slug },
          ConditionExpression: condition,
          ...(values ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async list(query: { status: ArticleStatus; limit: number; cursor?: string | undefined }): Promise<ArticlePage> {
    const startKey = query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.status);
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: STATUS_INDEX,
        KeyConditionExpression: 'GSI1PK = :status',
        ExpressionAttributeValues: { ':status': keys.statusPartition(query.status) },
        ScanIndexForward: false,
        Limit: query.limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return {
      articles: Items.map(articleFromItem),
      ...(LastEvaluatedKey ? { cursor: encodeCursor(LastEvaluatedKey) } : {}),
    };
  }

  async due(until: Date, limit: number): Promise<Article[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: STATUS_INDEX,
        KeyConditionExpression: 'GSI1PK = :status AND GSI1SK <= :until',
        ExpressionAttributeValues: { ':status': keys.statusPartition('scheduled'), ':until': `${until.toISOString()}#~` },
        Limit: limit,
      }),
    );
    return Items.map(articleFromItem);
  }

  async *allSlugs(): AsyncIterable<string[]> {
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'SK = :article',
          ExpressionAttributeValues: { ':article': ARTICLE_SORT_KEY },
          ProjectionExpression: 'PK',
          ExclusiveStartKey: startKey,
        }),
      );
      yield (page.Items ?? []).map((item) => slugOfKey(String(item.PK)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}

/** Cursors are the index position, base64url-encoded; checked strictly when they come back. */
function encodeCursor(lastKey: Item): string {
  return Buffer.from(JSON.stringify(lastKey)).toString('base64url');
}

function decodeCursor(cursor: string, status: ArticleStatus): Item {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null) {
      const key = parsed as Record<string, unknown>;
      const shapeOk =
        Object.keys(key).sort().join() === 'GSI1PK,GSI1SK,PK,SK' &&
        Object.values(key).every((value) => typeof value === 'string' && value.length < 300) &&
        key.GSI1PK === keys.statusPartition(status);
      if (shapeOk) return key;
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError('The cursor is not one this API issued for this listing');
}
