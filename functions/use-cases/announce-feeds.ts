import type { AnnouncementQueue, Clock, FeedAnnouncement, HubNotifier, InvalidationStatus } from './ports.js';

export interface AnnounceDependencies {
  hubs: HubNotifier;
  queue: AnnouncementQueue;
  invalidations?: InvalidationStatus | undefined;
  clock: Clock;
}

/** How often an invalidation is asked after, while the edge copies have not expired anyway. */
export const INVALIDATION_CHECK_SECONDS = 1;

/** The longest delay one queued message may have (SQS's DelaySeconds); a longer wait takes several. */
export const MAX_QUEUE_DELAY_SECONDS = 900;

/** How long to wait before looking at an announcement first, or again. */
export function nextLookInSeconds(announcement: FeedAnnouncement, now: Date): number {
  const untilFresh = Math.max(0, Math.ceil((new Date(announcement.freshAt).getTime() - now.getTime()) / 1000));
  const wait = announcement.invalidationId ? Math.min(INVALIDATION_CHECK_SECONDS, untilFresh) : untilFresh;
  return Math.min(MAX_QUEUE_DELAY_SECONDS, wait);
}

/**
 * Tells the WebSub hubs about feeds once the CDN serves their new files, and not before: a hub
 * fetches a feed the moment it is told, through the CDN, and passes on only what that fetch
 * returned, so a ping answered with an edge's old copy would keep the story from every reader the
 * hub serves. The files are served everywhere once the invalidation of them has completed or,
 * without one (or if it is slow), once every edge copy older than them has expired (`freshAt`).
 * Until then the announcement goes back to the queue, and the regeneration that made it has long
 * finished: nothing waits on it.
 */
export async function announceFeeds(announcement: FeedAnnouncement, deps: AnnounceDependencies): Promise<'announced' | 'deferred'> {
  const now = deps.clock.now();
  const expired = now.getTime() >= new Date(announcement.freshAt).getTime();
  const invalidated =
    !expired &&
    announcement.invalidationId !== undefined &&
    deps.invalidations !== undefined &&
    (await deps.invalidations.isCompleted(announcement.invalidationId));
  if (!expired && !invalidated) {
    await deps.queue.enqueue(announcement, Math.max(1, nextLookInSeconds(announcement, now)));
    return 'deferred';
  }
  await deps.hubs.notify(announcement.topics);
  return 'announced';
}

export class InvalidAnnouncementError extends Error {
  override readonly name = 'InvalidAnnouncementError';
}

/** Reads an announcement from a queued message body, refusing anything else. */
export function parseAnnouncement(body: string): FeedAnnouncement {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new InvalidAnnouncementError('Announcement is not JSON');
  }
  const { topics, freshAt, invalidationId } = (value ?? {}) as Record<string, unknown>;
  if (!Array.isArray(topics) || !topics.length || !topics.every((topic) => typeof topic === 'string' && /^https?:\/\//.test(topic))) {
    throw new InvalidAnnouncementError('Announcement topics must be a list of feed URLs');
  }
  if (typeof freshAt !== 'string' || Number.isNaN(Date.parse(freshAt)))
    throw new InvalidAnnouncementError('Announcement freshAt must be a date');
  if (invalidationId !== undefined && typeof invalidationId !== 'string')
    throw new InvalidAnnouncementError('Announcement invalidationId must be a string');
  return { topics: topics as string[], freshAt, ...(invalidationId ? { invalidationId } : {}) };
}
