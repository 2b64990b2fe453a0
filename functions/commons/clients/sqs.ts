import { SQSClient } from '@aws-sdk/client-sqs';
import { requestHandlerSettings } from './request-handler.js';

/** One client per process; the endpoint comes from the queue URL (and AWS_ENDPOINT_URL_SQS locally). */
export const sqsClient = new SQSClient({ requestHandler: requestHandlerSettings() });
