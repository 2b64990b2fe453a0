import { RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARTICLE_SORT_KEY, STATUS_INDEX, keys } from '../../functions/adapters/table-keys.js';
import { ARTICLE_TABLE_KEYS } from '../../infra/cdk/article-table.js';
import { ARTICLE_ITEM_FILTER } from '../../infra/cdk/regenerator.js';
import { synthesizeStack, type SynthesizedStack } from './support/synthesize.js';

describe('Construct: ArticleTable', () => {
  let synth: SynthesizedStack;

  beforeAll(() => {
    synth = synthesizeStack();
  }, 60_000);

  it('uses the key design the application code relies on', () => {
    // Assess
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
        { AttributeName: 'GSI1PK', AttributeType: 'S' },
        { AttributeName: 'GSI1SK', AttributeType: 'S' },
      ]),
      GlobalSecondaryIndexes: [
        {
          IndexName: 'GSI1',
          KeySchema: [
            { AttributeName: 'GSI1PK', KeyType: 'HASH' },
            { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  it('agrees with the key names the application code uses', () => {
    // Act
    const articleKey = keys.article('some-story');

    // Assess
    expect(Object.keys(articleKey).sort()).toEqual([ARTICLE_TABLE_KEYS.partitionKey, ARTICLE_TABLE_KEYS.sortKey].sort());
    expect(ARTICLE_TABLE_KEYS.gsi1.indexName).toBe(STATUS_INDEX);
    expect(JSON.parse(ARTICLE_ITEM_FILTER.pattern)).toEqual({ dynamodb: { Keys: { SK: { S: [ARTICLE_SORT_KEY] } } } });
    expect(articleKey.SK).toBe(ARTICLE_SORT_KEY);
  });

  it('is on-demand, with point-in-time recovery and deletion protection', () => {
    // Assess
    synth.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('streams keys only, since the regenerator re-reads the current item', () => {
    // Assess
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'KEYS_ONLY' },
    });
  });

  it('is retained when removed from the stack or replaced', () => {
    // Assess
    synth.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('Construct: ArticleTable (throwaway test stack)', () => {
  let synth: SynthesizedStack;

  beforeAll(() => {
    // Act
    synth = synthesizeStack({ deletionProtection: false, dataRemovalPolicy: RemovalPolicy.DESTROY });
  }, 60_000);

  it('can turn deletion protection off and be deleted with the stack', () => {
    // Assess
    synth.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });
});
