import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoArticleRepository } from '../adapters/dynamo-article-repository.js';
import { documentClient } from '../commons/clients/dynamodb.js';
import { tableName } from '../commons/config.js';
import { systemClock } from '../use-cases/ports.js';
import { publishDueArticles } from '../use-cases/publish-due.js';

/** Scheduled sweep (every minute in AWS): scheduled stories whose time has come go live. Wiring only. */

const logger = new Logger({ serviceName: 'publish-due' });
const articles = new DynamoArticleRepository(documentClient, tableName());

export async function handler(): Promise<{ published: string[] }> {
  const published = await publishDueArticles({ articles, clock: systemClock });
  if (published.length) logger.info('Scheduled stories published', { slugs: published });
  return { published };
}
