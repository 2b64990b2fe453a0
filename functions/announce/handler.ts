import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { CloudFrontInvalidator } from '../adapters/cloudfront-invalidator.js';
import { SqsAnnouncementQueue } from '../adapters/sqs-announcement-queue.js';
import { WebSubHubNotifier } from '../adapters/websub-hub-notifier.js';
import { cloudFrontClient } from '../commons/clients/cloudfront.js';
import { sqsClient } from '../commons/clients/sqs.js';
import { announcementQueueUrl, loadSite } from '../commons/config.js';
import { systemClock } from '../use-cases/ports.js';
import { announceFeeds, InvalidAnnouncementError, parseAnnouncement, type AnnounceDependencies } from '../use-cases/announce-feeds.js';

/** Announce Lambda: queued announcements in, WebSub pings out once the CDN serves the feeds. Wiring only. */

const logger = new Logger({ serviceName: 'announce' });
const site = loadSite();
const distributionId = process.env.DISTRIBUTION_ID?.trim();

const deps: AnnounceDependencies = {
  hubs: new WebSubHubNotifier(site.hubs, { log: (message, details) => logger.warn(message, details) }),
  queue: new SqsAnnouncementQueue(sqsClient, announcementQueueUrl()),
  invalidations: distributionId ? new CloudFrontInvalidator(cloudFrontClient, distributionId) : undefined,
  clock: systemClock,
};

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const outcome = await announceFeeds(parseAnnouncement(record.body), deps);
      logger.debug('Announcement', { outcome, messageId: record.messageId });
    } catch (error) {
      // A body that is not an announcement will never be one: dropped, not retried.
      if (error instanceof InvalidAnnouncementError)
        logger.error('Announcement dropped', { messageId: record.messageId, reason: error.message });
      else batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
