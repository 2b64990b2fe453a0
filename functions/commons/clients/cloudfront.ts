import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { requestHandlerSettings } from './request-handler.js';

/** One client per process (the regenerator invalidates, the announcer asks how invalidations stand). */
export const cloudFrontClient = new CloudFrontClient({ requestHandler: requestHandlerSettings() });
