import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../../infra/local/local-runtime.js';
import { eventually } from '../../support/local-server-process.js';

const TOKEN = 'scheduling-timer-token-0123456789';

describe('Local runtime: the scheduled-publishing timer', () => {
  let runtime: LocalRuntime;

  beforeAll(async () => {
    runtime = await startLocalRuntime({ port: 0, dataDir: undefined, token: TOKEN, scheduleIntervalMs: 200 });
  });

  afterAll(async () => {
    await runtime?.close();
  });

  it('publishes a scheduled story on its own once its time has come', async () => {
    // Prepare
    const publishedAt = new Date(Date.now() + 1_000).toISOString();
    const body = { title: 'Timer story', bodyMarkdown: 'On time.', publishedAt };
    // Act
    const response = await fetch(`${runtime.url}/articles/timer-story`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    // Assess
    expect(response.status).toBe(201);
    expect(((await response.json()) as { status: string }).status).toBe('scheduled');
    const titles = await eventually(async () => {
      await runtime.settled();
      const feed = await fetch(`${runtime.url}/feed.json`);
      expect(feed.status).toBe(200);
      const items = ((await feed.json()) as { items: { title: string }[] }).items.map((item) => item.title);
      expect(items).toContain('Timer story');
      return items;
    }, 15_000);
    expect(titles).toEqual(['Timer story']);
  });
});
