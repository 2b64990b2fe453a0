import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The key design the application code relies on (single-table: stories, feed index, leases). */
export const ARTICLE_TABLE_KEYS = {
  partitionKey: 'PK',
  sortKey: 'SK',
  gsi1: { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
} as const;

/** Item-level DynamoDB actions a function may be granted. Scan is deliberately not one of them. */
export type ItemAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'BatchWriteItem';

export interface TableAccess {
  /** Actions on the table itself. */
  readonly items?: readonly ItemAction[];
  /** Whether the function may Query the GSI1 index. */
  readonly queryGsi1?: boolean;
}

export interface ArticleTableProps {
  /** @default true; turn off only for throwaway test stacks. */
  readonly deletionProtection?: boolean;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The stories table (on-demand, point-in-time recovery, deletion protection) and its stream.
 *
 * The stream carries KEYS_ONLY: the regenerator never trusts a record's images. It re-reads the
 * story's current state by key and reconciles the feeds from that, so out-of-order, retried or
 * coalesced records all converge on the same result, and records stay small.
 */
export class ArticleTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: ArticleTableProps = {}) {
    super(scope, id);

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: ARTICLE_TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: ARTICLE_TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection ?? true,
      stream: dynamodb.StreamViewType.KEYS_ONLY,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: ARTICLE_TABLE_KEYS.gsi1.indexName,
      partitionKey: { name: ARTICLE_TABLE_KEYS.gsi1.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: ARTICLE_TABLE_KEYS.gsi1.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }

  get gsi1Arn(): string {
    return `${this.table.tableArn}/index/${ARTICLE_TABLE_KEYS.gsi1.indexName}`;
  }

  /**
   * Grants exactly the listed actions, on the table ARN and (for Query) on the GSI1 ARN only.
   * `Table.grant*` is not used because it adds Scan, DescribeTable and a `index/*` wildcard.
   */
  grantAccess(grantee: iam.IGrantable, access: TableAccess): void {
    const items = access.items ?? [];
    if (items.length > 0) {
      iam.Grant.addToPrincipal({
        grantee,
        actions: items.map((action) => `dynamodb:${action}`),
        resourceArns: [this.table.tableArn],
      });
    }
    if (access.queryGsi1) {
      iam.Grant.addToPrincipal({ grantee, actions: ['dynamodb:Query'], resourceArns: [this.gsi1Arn] });
    }
  }
}
