import { S3Client } from '@aws-sdk/client-s3';
import { requestHandlerSettings } from './request-handler.js';

/** One client per process; endpoint and path style come from the environment. */
export const s3Client = new S3Client({
  maxAttempts: 5,
  forcePathStyle: process.env.AWS_S3_FORCE_PATH_STYLE === 'true',
  requestHandler: requestHandlerSettings(),
});
