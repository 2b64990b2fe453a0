import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requestHandlerSettings } from './request-handler.js';

/**
 * One client per process, reused across invocations. The endpoint comes from the environment
 * (AWS_ENDPOINT_URL_DYNAMODB locally), never from code.
 */
export const dynamoDbClient = new DynamoDBClient({ maxAttempts: 5, requestHandler: requestHandlerSettings() });

export const documentClient = DynamoDBDocumentClient.from(dynamoDbClient, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});
