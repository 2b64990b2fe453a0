import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../../infra/local/local-runtime.js';
import { eventually } from '../../support/local-server-process.js';

const TOKEN = 'scheduling-test-token-0123456789';
const LEAD_MS = 2_000;
/** Enough for the PUT to land before the time; no sweep runs unless a test calls one. */
const SHORT_LEAD_MS = 1_000;

interface StoredStory {
  slug: string;
  title: string;
  status: string;
  publishedAt: string;
  revision: number;
}

describe('Local runtime: scheduled publishing', () => {
  let runtime: LocalRuntime;

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${runtime.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as unknown };
  };

  const story = (title: string, publishedAt: string) => ({
    title,
    bodyMarkdown: `About ${title}.`,
    categories: ['Schedule Desk'],
    publishedAt,
  });
  const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

  /** Titles in the site feed once every write so far has reached it. */
  const feedTitles = async () => {
    await runtime.settled();
    const response = await fetch(`${runtime.url}/feed.json`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: { title: string }[] }).items.map((item) => item.title);
  };

  const scheduledSlugs = async () => {
    const { status, body } = await api('GET', '/articles?status=scheduled&limit=100');
    expect(status).toBe(200);
    return (body as { articles: StoredStory[] }).articles.map((article) => article.slug);
  };

  /** Waits until `publishedAt` has passed, then runs the sweep as the timer (or EventBridge) would. */
  const sweepAfter = async (publishedAt: string) => {
    const wait = Date.parse(publishedAt) - Date.now() + 50;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await runtime.publishDue();
    await runtime.settled();
  };

  beforeAll(async () => {
    // The sweep runs only when a test says so, so what is checked "before its time" cannot race it
    // (local-timer.test.ts covers the timer).
    runtime = await startLocalRuntime({ port: 0, dataDir: undefined, token: TOKEN, scheduleIntervalMs: 3_600_000 });
    // A published story, so that the feed exists and "not in the feed" is checked against a real feed.
    expect((await api('PUT', '/articles/already-live', story('Already live', '2020-01-15T09:00:00Z'))).status).toBe(201);
  });

  afterAll(async () => {
    await runtime?.close();
  });

  it('holds a story with a future publish time out of the feeds, and the first sweep after its time publishes it', async () => {
    // Prepare
    const publishedAt = inMs(LEAD_MS);
    // Act
    const created = await api('PUT', '/articles/launch-soon', story('Launch soon', publishedAt));
    const beforeItsTime = await feedTitles();
    const listedWhileScheduled = await scheduledSlugs();
    await sweepAfter(publishedAt);
    // Assess
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ slug: 'launch-soon', status: 'scheduled', publishedAt });
    expect(beforeItsTime).toContain('Already live');
    expect(beforeItsTime).not.toContain('Launch soon');
    expect(listedWhileScheduled).toContain('launch-soon');
    // Through the CDN: its copy goes once the regeneration's invalidation completes.
    await eventually(async () => expect(await feedTitles()).toContain('Launch soon'), 5_000);
    expect((await api('GET', '/articles/launch-soon')).body).toMatchObject({ status: 'published', publishedAt });
    expect(await scheduledSlugs()).not.toContain('launch-soon');
  });

  it('leaves a story alone when a sweep runs before its time', async () => {
    // Prepare
    const publishedAt = inMs(3_600_000);
    await api('PUT', '/articles/next-hour', story('Next hour', publishedAt));
    // Act
    await runtime.publishDue();
    // Assess
    expect(await feedTitles()).not.toContain('Next hour');
    expect((await api('GET', '/articles/next-hour')).body).toMatchObject({ status: 'scheduled', publishedAt });
  });

  it('never publishes a story rescheduled to a later time at its old time', async () => {
    // Prepare
    const firstTime = inMs(SHORT_LEAD_MS);
    await api('PUT', '/articles/moved-to-next-year', story('Moved to next year', firstTime));
    // Act
    const rescheduled = await api('PUT', '/articles/moved-to-next-year', story('Moved to next year', '2099-01-01T09:00:00+01:00'));
    await sweepAfter(firstTime);
    // Assess
    expect(rescheduled.status).toBe(200);
    expect(rescheduled.body).toMatchObject({ status: 'scheduled', publishedAt: '2099-01-01T09:00:00+01:00' });
    expect(await feedTitles()).not.toContain('Moved to next year');
    expect((await api('GET', '/articles/moved-to-next-year')).body).toMatchObject({
      status: 'scheduled',
      publishedAt: '2099-01-01T09:00:00+01:00',
    });
    expect(await scheduledSlugs()).toContain('moved-to-next-year');
  });

  it('never publishes a scheduled story that was retracted', async () => {
    // Prepare
    const publishedAt = inMs(SHORT_LEAD_MS);
    await api('PUT', '/articles/called-off', story('Called off', publishedAt));
    // Act
    const retracted = await api('DELETE', '/articles/called-off');
    await sweepAfter(publishedAt);
    // Assess
    expect(retracted.status).toBe(204);
    expect(await feedTitles()).not.toContain('Called off');
    expect((await api('GET', '/articles/called-off')).body).toMatchObject({ status: 'retracted' });
    expect(await scheduledSlugs()).not.toContain('called-off');
  });
});
