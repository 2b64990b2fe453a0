import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/local-runtime.js';
import { startFetchingHub, type FetchingHub } from '../support/fetching-hub.js';
import { eventually } from '../support/local-server-process.js';

const TOKEN = 'websub-cdn-token-0123456789abcdef';
const PUBLISHES = 50;

describe('Local runtime: WebSub hubs fetching through the caching CDN', () => {
  let runtime: LocalRuntime;
  let hub: FetchingHub;

  beforeAll(async () => {
    hub = await startFetchingHub();
    process.env.WEBSUB_HUBS = hub.url;
    // Invalidations that take 1.5 s: a ping sent as soon as the files are written would have the
    // hub fetch the copy the CDN still holds.
    runtime = await startLocalRuntime({ port: 0, dataDir: undefined, token: TOKEN, cdnInvalidationDelayMs: 1_500 });
  }, 60_000);

  afterAll(async () => {
    await runtime?.close();
    await hub?.close();
    delete process.env.WEBSUB_HUBS;
  });

  it(`over ${PUBLISHES} publishes one after another, the hub never fetches a feed without the story it was told about`, async () => {
    // Prepare: a reader polling the site feed keeps a copy in the CDN all along.
    const topic = `${runtime.url}/feed.json`;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        await (await fetch(topic)).text();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    // Act: each story is published once the one before it is in the bucket (one regeneration each).
    for (let index = 1; index <= PUBLISHES; index++) {
      const response = await fetch(`${runtime.url}/articles/hub-story-${index}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: `Hub story ${index}`, bodyMarkdown: 'Text.', categories: ['World'] }),
      });
      expect(response.status).toBe(201);
      await runtime.settled();
    }
    await eventually(async () => expect(hub.fetched.get(topic)?.filter(Boolean).length).toBe(PUBLISHES), 30_000);
    polling = false;
    await poller;

    // Assess: the hub's n-th fetch of the site feed, made when it was told about the n-th
    // regeneration, holds the n-th story.
    const missing = hub.fetched
      .get(topic)!
      .map((feed, index) => ({ ping: index + 1, hasStory: feed.includes(`/hub-story-${index + 1}"`) }))
      .filter((fetch) => !fetch.hasStory);
    expect(missing).toEqual([]);
    expect(runtime.cdn.stats.hits).toBeGreaterThan(0);
  }, 120_000);
});
