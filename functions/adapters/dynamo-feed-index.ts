import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Article } from '../domain/article.js';
import type { FeedIndex, FeedLease, FeedMembership } from '../use-cases/ports.js';
import { batchWrite, type WriteRequest } from './batch-write.js';
import { keys } from './table-keys.js';

const same = (a: FeedMembership, b: FeedMembership) => a.feedKey === b.feedKey && a.sortKey === b.sortKey;

export class DynamoFeedIndex implements FeedIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => number = Date.now,
  ) {}

  async projectionOf(slug: string): Promise<FeedMembership[]> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.projection(slug), ConsistentRead: true }),
    );
    return (Item?.memberships as FeedMembership[] | undefined) ?? [];
  }

  async project(slug: string, article: Article | undefined, desired: FeedMembership[], previous: FeedMembership[]): Promise<void> {
    const removed = previous.filter((old) => !desired.some((wanted) => same(old, wanted)));
    // The projection record is widened before entries are written and narrowed after, so a crash
    // at any point leaves it naming every entry that may exist.
    const widened = [...previous, ...desired.filter((wanted) => !previous.some((old) => same(old, wanted)))];
    if (widened.length > previous.length) await this.putProjection(slug, widened);
    const requests: WriteRequest[] = [
      ...(article
        ? desired.map((membership) => ({
            PutRequest: { Item: { ...keys.feedEntry(membership.feedKey, membership.sortKey), article } },
          }))
        : []),
      ...removed.map((membership) => ({ DeleteRequest: { Key: keys.feedEntry(membership.feedKey, membership.sortKey) } })),
    ];
    await batchWrite(this.client, this.tableName, requests);
    if (widened.length !== desired.length || removed.length) await this.putProjection(slug, desired);
  }

  private async putProjection(slug: string, memberships: FeedMembership[]): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.projection(slug), memberships } }));
  }

  async markChanged(feedKeys: string[]): Promise<void> {
    await Promise.all(
      feedKeys.map((feedKey) =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.feedState(feedKey),
            UpdateExpression: 'ADD version :one',
            ExpressionAttributeValues: { ':one': 1 },
          }),
        ),
      ),
    );
  }

  async acquire(feedKey: string, owner: string, leaseMs: number): Promise<FeedLease | undefined> {
    const now = this.clock();
    try {
      const { Attributes = {} } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.feedState(feedKey),
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
          ConditionExpression: 'attribute_not_exists(leaseOwner) OR leaseOwner = :owner OR leaseUntil < :now',
          ExpressionAttributeValues: { ':owner': owner, ':until': now + leaseMs, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { version: Number(Attributes.version ?? 0), renderedVersion: Number(Attributes.renderedVersion ?? -1) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async release(feedKey: string, owner: string, version: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.feedState(feedKey),
          UpdateExpression: 'SET renderedVersion = :version REMOVE leaseOwner, leaseUntil',
          ConditionExpression: 'leaseOwner = :owner AND (version = :version OR (attribute_not_exists(version) AND :version = :zero))',
          ExpressionAttributeValues: { ':owner': owner, ':version': version, ':zero': 0 },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async latest(feedKey: string, limit: number): Promise<Article[]> {
    const articles: Article[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :feed',
          ExpressionAttributeValues: { ':feed': keys.feedPartition(feedKey) },
          ScanIndexForward: false,
          ConsistentRead: true,
          Limit: limit - articles.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) articles.push(item.article as Article);
      startKey = page.LastEvaluatedKey;
    } while (startKey && articles.length < limit);
    return articles;
  }
}
