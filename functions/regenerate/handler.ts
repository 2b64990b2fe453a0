import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBStreamEvent, ScheduledEvent } from 'aws-lambda';
import { CloudFrontInvalidator } from '../adapters/cloudfront-invalidator.js';
import { isRegenerateNowEvent, type RegenerateNowEvent, type RegenerateNowResult } from '../adapters/regenerate-now-event.js';
import { DynamoFeedIndex } from '../adapters/dynamo-feed-index.js';
import { S3FeedStore } from '../adapters/s3-feed-store.js';
import { siteFilesIn } from '../adapters/site-files-folder.js';
import { SqsAnnouncementQueue } from '../adapters/sqs-announcement-queue.js';
import { documentClient } from '../commons/clients/dynamodb.js';
import { cloudFrontClient } from '../commons/clients/cloudfront.js';
import { s3Client } from '../commons/clients/s3.js';
import { sqsClient } from '../commons/clients/sqs.js';
import { announcementQueueUrl, feedBucket, loadFreshness, loadSite, tableName } from '../commons/config.js';
import { RenderedEntries } from '../rendering/rendered-entries.js';
import { systemClock } from '../use-cases/ports.js';
import { publishSiteFiles } from '../use-cases/publish-site-files.js';
import { refreshCatalog } from '../use-cases/refresh-catalog.js';
import { FeedBusyError, regenerateFeeds, type RegenerateDependencies } from '../use-cases/regenerate-feeds.js';
import { RegeneratedStories } from '../use-cases/regenerated-stories.js';
import { changedSlugs } from './stream-records.js';

/**
 * Regenerate Lambda: table stream in, feed files out; a publish's own request for its feeds at
 * once (the ingest function, synchronously), which leaves the feeds' pages for people to the
 * stream's delivery; and, once a minute (EventBridge), the catalog refresh: today's archive page,
 * index.html and any page still left, and on a process's first, the desk's files.
 * Wiring only.
 */

const logger = new Logger({ serviceName: 'regenerate' });
const table = tableName();
const distributionId = process.env.DISTRIBUTION_ID?.trim();

const site = loadSite();
// The embedded runtime runs one regeneration at a time in one process, so only a killed earlier
// process can hold a lease there: it sets a short lease to take such leases over quickly.
const leaseMs = Number(process.env.FEED_LEASE_MS) || undefined;
// One environment at a time (reserved concurrency 1): a warm one reads a feed only when another run
// has held the lease since its last regeneration.
const feedIndex = new DynamoFeedIndex(documentClient, table, undefined, { keepFeedWindows: true });

const deps: RegenerateDependencies = {
  index: feedIndex,
  catalog: feedIndex,
  store: new S3FeedStore(s3Client, feedBucket()),
  cdn: distributionId ? new CloudFrontInvalidator(cloudFrontClient, distributionId) : undefined,
  // Hubs are told through the announcement queue, once the CDN serves the new files.
  announcements: site.hubs.length ? new SqsAnnouncementQueue(sqsClient, announcementQueueUrl()) : undefined,
  freshness: loadFreshness(),
  clock: systemClock,
  site,
  leaseMs,
  // Kept across invocations of a warm function, like the clients.
  entries: new RenderedEntries(),
  regenerated: new RegeneratedStories(),
  // The repair tool sets it: compare every file with the bucket, whatever the leases recorded.
  verifyStoredFiles: process.env.VERIFY_STORED_FILES === 'true',
};

/** The editors' desk, shipped in the bundle (`SITE_FILES_DIR`, relative to the function's code). */
const siteFilesDir = process.env.SITE_FILES_DIR?.trim();
let siteFilesPublished = false;

export async function handler(event: DynamoDBStreamEvent | ScheduledEvent | RegenerateNowEvent): Promise<RegenerateNowResult | undefined> {
  if (isRegenerateNowEvent(event)) {
    // The publish waits for this answer: never for the lease another run holds.
    try {
      // The pages for people follow in the stream's delivery of the same change, a moment later.
      const report = await regenerateFeeds(event.regenerateNow.slugs, { ...deps, waitForLeaseMs: 0, pagesForPeopleLater: true });
      return { status: 'done', filesWritten: report.filesWritten.length };
    } catch (error) {
      if (error instanceof FeedBusyError) return { status: 'busy' };
      throw error;
    }
  }
  if (!('Records' in event)) {
    if (siteFilesDir && !siteFilesPublished) {
      const folder = path.resolve(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), siteFilesDir);
      const published = await publishSiteFiles(await siteFilesIn(folder), deps);
      siteFilesPublished = true;
      if (published.length) logger.info('Site files published', { files: published });
    }
    const written = await refreshCatalog(deps);
    if (written.length) logger.info('Catalog refreshed', { files: written.length });
    return undefined;
  }
  const slugs = changedSlugs(event.Records);
  if (!slugs.length) return undefined;
  const report = await regenerateFeeds(slugs, deps);
  logger.info('Feeds regenerated', { stories: slugs.length, feeds: report.feedsChanged.length, files: report.filesWritten.length });
  return undefined;
}
