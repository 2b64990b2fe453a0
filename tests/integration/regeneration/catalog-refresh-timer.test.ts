import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../../infra/local/local-runtime.js';
import { eventually } from '../../support/local-server-process.js';

const TOKEN = 'catalog-refresh-token-0123456789';

describe('Local runtime: the catalog refresh timer', () => {
  let runtime: LocalRuntime;
  let s3: S3Client;

  beforeAll(async () => {
    runtime = await startLocalRuntime({ port: 0, dataDir: undefined, token: TOKEN, catalogRefreshIntervalMs: 300 });
    s3 = new S3Client(runtime.standIns.clientConfig.s3);
  });

  afterAll(async () => {
    s3?.destroy();
    await runtime?.close();
  });

  const publish = (slug: string) =>
    fetch(`${runtime.url}/articles/${slug}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: `Story ${slug}`, bodyMarkdown: 'Text.', categories: ['World'] }),
    });
  /** Ids in today's archive page as the bucket holds it (the CDN would add its own minute). */
  const todaysPage = async () => {
    const key = `archive/${new Date().toISOString().slice(0, 10)}/feed.json`;
    const object = await s3.send(new GetObjectCommand({ Bucket: runtime.standIns.bucket, Key: key }));
    return ((JSON.parse(await object.Body!.transformToString()) as { items: { id: string }[] }).items ?? []).map((item) => item.id);
  };

  it("renders a day's first story's page at once, and adds the next story of the day on the timer, after the feeds", async () => {
    // Prepare: the day's first story renders its page with the feeds.
    expect((await publish('first-of-the-day')).status).toBe(201);
    await runtime.settled();
    const afterFirst = await todaysPage();

    // Act
    expect((await publish('second-of-the-day')).status).toBe(201);
    await runtime.settled();
    const feed = (await (await fetch(`${runtime.url}/feed.json`)).json()) as { items: { id: string }[] };
    const later = await eventually(async () => {
      const ids = await todaysPage();
      expect(ids).toHaveLength(2);
      return ids;
    }, 10_000);

    // Assess
    expect(afterFirst).toEqual([expect.stringContaining('first-of-the-day')]);
    expect(feed.items.map((item) => item.id)).toEqual([
      expect.stringContaining('second-of-the-day'),
      expect.stringContaining('first-of-the-day'),
    ]);
    expect(later).toEqual([expect.stringContaining('second-of-the-day'), expect.stringContaining('first-of-the-day')]);
  });
});
