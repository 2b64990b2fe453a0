import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoArticleRepository } from '../adapters/dynamo-article-repository.js';
import { LambdaFeedRegeneration } from '../adapters/lambda-feed-regeneration.js';
import { SecretsManagerTokenSource } from '../adapters/secrets-manager-token-source.js';
import { documentClient, dynamoDbClient } from '../commons/clients/dynamodb.js';
import { lambdaClient } from '../commons/clients/lambda.js';
import { requestHandlerSettings } from '../commons/clients/request-handler.js';
import { commaSeparated, loadSite, MissingConfigurationError, tableName } from '../commons/config.js';
import { systemClock } from '../use-cases/ports.js';
import { createIngestApi } from './ingest-api.js';
import type { TokenSource } from '../use-cases/ports.js';
import { CachedTokenSource, StaticTokenSource } from './tokens.js';

/** Ingest Lambda: wiring only. Everything is built once per cold start. */

function tokenSource(env = process.env): TokenSource {
  if (env.INGEST_TOKENS_SECRET_ID) {
    const secrets = new SecretsManagerTokenSource(
      new SecretsManagerClient({ requestHandler: requestHandlerSettings() }),
      env.INGEST_TOKENS_SECRET_ID,
    );
    return new CachedTokenSource(secrets, 60_000);
  }
  const tokens = commaSeparated(env.INGEST_TOKENS);
  if (!tokens.length) throw new MissingConfigurationError('Set INGEST_TOKENS_SECRET_ID (AWS) or INGEST_TOKENS (local)');
  return new StaticTokenSource(tokens);
}

const logger = new Logger({ serviceName: 'ingest' });
const table = tableName();
/** The regenerator, asked for a written story's feeds before the answer (unset: the stream alone). */
const regenerator = process.env.REGENERATOR_FUNCTION_NAME?.trim();

export const handler = createIngestApi({
  articles: new DynamoArticleRepository(documentClient, table),
  clock: systemClock,
  site: loadSite(),
  tokens: tokenSource(),
  logger,
  feeds: regenerator ? new LambdaFeedRegeneration(lambdaClient, regenerator) : undefined,
  // Idempotency records share the table: one partition, keyed by a hash of the Idempotency-Key.
  idempotencyStore: new DynamoDBPersistenceLayer({
    tableName: table,
    keyAttr: 'PK',
    sortKeyAttr: 'SK',
    staticPkValue: 'IDEMPOTENCY',
    awsSdkV3Client: dynamoDbClient,
  }),
});
