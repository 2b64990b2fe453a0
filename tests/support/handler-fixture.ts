import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, DynamoDBStreamEvent } from 'aws-lambda';
import { startStandIns, type StandIns } from '../../infra/local/aws-stand-ins.js';

export type IngestHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export interface HandlerFixture {
  standIns: StandIns;
  /** The real Lambda handlers, configured through the environment as in AWS. */
  ingest: IngestHandler;
  regenerate: (event: DynamoDBStreamEvent) => Promise<void>;
  /** Clients of the test's own, to look at what the handlers stored. */
  documents: DynamoDBDocumentClient;
  s3: S3Client;
  readObject(key: string): Promise<{ text: string; contentType?: string | undefined; cacheControl?: string | undefined }>;
  scanTable(): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/**
 * Starts in-memory dynalite and s3rver, points the environment at them and imports the real
 * handlers. Handlers read their configuration once, at import, so use one fixture per test file.
 */
export async function startHandlerFixture(token: string, env: Record<string, string> = {}): Promise<HandlerFixture> {
  const standIns = await startStandIns();
  Object.assign(process.env, standIns.env, { INGEST_TOKENS: token, SITE_BASE_URL: 'https://news.example.com' }, env);
  const ingest = (await import('../../functions/ingest/handler.js')).handler as IngestHandler;
  const regenerate = (await import('../../functions/regenerate/handler.js')).handler as HandlerFixture['regenerate'];
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(standIns.clientConfig.dynamodb));
  const s3 = new S3Client(standIns.clientConfig.s3);
  return {
    standIns,
    ingest,
    regenerate,
    documents,
    s3,
    async readObject(key) {
      const object = await s3.send(new GetObjectCommand({ Bucket: standIns.bucket, Key: key }));
      return { text: await object.Body!.transformToString(), contentType: object.ContentType, cacheControl: object.CacheControl };
    },
    async scanTable() {
      return (await documents.send(new ScanCommand({ TableName: standIns.tableName }))).Items ?? [];
    },
    async close() {
      documents.destroy();
      s3.destroy();
      await standIns.close();
    },
  };
}
