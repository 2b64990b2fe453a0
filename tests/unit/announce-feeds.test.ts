import { describe, expect, it } from 'vitest';
import { announceFeeds, InvalidAnnouncementError, nextLookInSeconds, parseAnnouncement } from '../../functions/use-cases/announce-feeds.js';
import type { FeedAnnouncement } from '../../functions/use-cases/ports.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const TOPICS = ['https://news.example.com/feed.xml', 'https://news.example.com/atom.xml'];

function fakes(completed: boolean) {
  const pinged: string[][] = [];
  const queued: { announcement: FeedAnnouncement; delaySeconds: number }[] = [];
  const asked: string[] = [];
  return {
    pinged,
    queued,
    asked,
    deps: {
      hubs: { notify: async (topics: string[]) => void pinged.push(topics) },
      queue: { enqueue: async (announcement: FeedAnnouncement, delaySeconds: number) => void queued.push({ announcement, delaySeconds }) },
      invalidations: {
        isCompleted: async (id: string) => {
          asked.push(id);
          return completed;
        },
      },
      clock: { now: () => NOW },
    },
  };
}

describe('Use case: announceFeeds', () => {
  it('holds an announcement back until every edge copy older than the files has expired', async () => {
    // Prepare
    const world = fakes(false);
    const announcement = { topics: TOPICS, freshAt: '2026-03-10T12:00:07Z' };
    // Act
    const outcome = await announceFeeds(announcement, world.deps);
    // Assess
    expect(outcome).toBe('deferred');
    expect(world.pinged).toEqual([]);
    expect(world.queued).toEqual([{ announcement, delaySeconds: 7 }]);
  });

  it('pings the hubs once the copies have expired, or sooner once the invalidation of the files has completed', async () => {
    // Prepare
    const expired = fakes(false);
    const invalidated = fakes(true);
    const pending = fakes(false);
    const withInvalidation = { topics: TOPICS, freshAt: '2026-03-10T12:00:30Z', invalidationId: 'I1' };
    // Act
    const outcomes = [
      await announceFeeds({ topics: TOPICS, freshAt: '2026-03-10T12:00:00Z' }, expired.deps),
      await announceFeeds(withInvalidation, invalidated.deps),
      await announceFeeds(withInvalidation, pending.deps),
    ];
    // Assess
    expect(outcomes).toEqual(['announced', 'announced', 'deferred']);
    expect(expired.pinged).toEqual([TOPICS]);
    expect(expired.asked).toEqual([]);
    expect(invalidated.pinged).toEqual([TOPICS]);
    expect(pending.queued).toEqual([{ announcement: withInvalidation, delaySeconds: 1 }]);
  });

  it("waits at most SQS's 900 s in one message, and looks again at once when it is time", () => {
    expect(nextLookInSeconds({ topics: TOPICS, freshAt: '2026-03-10T13:00:00Z' }, NOW)).toBe(900);
    expect(nextLookInSeconds({ topics: TOPICS, freshAt: '2026-03-10T11:00:00Z' }, NOW)).toBe(0);
    expect(nextLookInSeconds({ topics: TOPICS, freshAt: '2026-03-10T12:00:09.2Z', invalidationId: 'I1' }, NOW)).toBe(1);
  });

  it.each([
    'not json',
    '{}',
    '{"topics":["ftp://x"],"freshAt":"2026-03-10T12:00:00Z"}',
    '{"topics":["https://x/feed.xml"],"freshAt":"soon"}',
  ])('refuses a message that is not an announcement: %s', (body) => {
    expect(() => parseAnnouncement(body)).toThrow(InvalidAnnouncementError);
  });
});
