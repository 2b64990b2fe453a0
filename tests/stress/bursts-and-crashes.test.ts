import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startLocalServerProcess, type LocalServerProcess } from '../support/local-server-process.js';

const TOKEN = 'stress-token-0123456789abcdef';

/** Runs tasks with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
    }),
  );
}

describe('Local server: bursts and crashes', () => {
  let server: LocalServerProcess | undefined;
  let dataDir: string;

  const put = (slug: string, title: string) =>
    fetch(`${server!.url}/articles/${slug}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title, bodyMarkdown: `Story ${title}.`, categories: ['Burst'], publishedAt: '2026-11-20T10:00:00Z' }),
    });
  const feedIds = async () => {
    const feed = (await (await fetch(`${server!.url}/feed.json`)).json()) as { items: { id: string }[] };
    return new Set(feed.items.map((item) => item.id.replace(/^.*:/, '')));
  };

  afterEach(async () => {
    await server?.stop('SIGKILL');
    server = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stores 200 concurrent publishes, shows all of them, and no feed ever goes backwards', async () => {
    // Prepare
    dataDir = await mkdtemp(path.join(tmpdir(), 'feeds-stress-'));
    server = await startLocalServerProcess({ DATA_DIR: dataDir, INGEST_TOKEN: TOKEN, FEED_SIZE: '500' });
    const slugs = Array.from({ length: 200 }, (_, index) => `burst-${index}`);
    const observations: Set<string>[] = [];
    let publishing = true;
    const watcher = (async () => {
      while (publishing) {
        observations.push(await feedIds());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    // Act
    const statuses = await Promise.all(slugs.map(async (slug) => (await put(slug, `Burst ${slug}`)).status));
    await eventually(async () => {
      const ids = await feedIds();
      expect(slugs.filter((slug) => !ids.has(slug))).toEqual([]);
    }, 30_000);
    publishing = false;
    await watcher;
    observations.push(await feedIds());
    // Assess
    expect(statuses.every((status) => status === 201)).toBe(true);
    for (let index = 1; index < observations.length; index++) {
      const missing = [...observations[index - 1]!].filter((id) => !observations[index]!.has(id));
      expect(missing, `observation ${index} lost stories that an earlier one showed`).toEqual([]);
    }
    const category = (await (await fetch(`${server.url}/categories/burst/feed.json`)).json()) as { items: unknown[] };
    expect(category.items).toHaveLength(200);
  });

  it('loses no acknowledged story when killed with SIGKILL mid-burst, and rebuilds the feeds on restart', async () => {
    // Prepare
    dataDir = await mkdtemp(path.join(tmpdir(), 'feeds-crash-'));
    server = await startLocalServerProcess({ DATA_DIR: dataDir, INGEST_TOKEN: TOKEN, FEED_SIZE: '1000' });
    const acknowledged: string[] = [];
    const slugs = Array.from({ length: 400 }, (_, index) => `crash-${index}`);
    // Act
    await pool(slugs, 16, async (slug) => {
      try {
        const response = await put(slug, `Crash ${slug}`);
        if (response.status === 201) acknowledged.push(slug);
        if (acknowledged.length === 120) server!.child.kill('SIGKILL');
      } catch {
        // the server is gone: this publish was never acknowledged
      }
    });
    await server.stop('SIGKILL');
    server = await startLocalServerProcess({ DATA_DIR: dataDir, INGEST_TOKEN: TOKEN, FEED_SIZE: '1000' });
    // Assess
    expect(acknowledged.length).toBeGreaterThanOrEqual(120);
    expect(acknowledged.length).toBeLessThan(slugs.length);
    for (const slug of acknowledged) {
      const response = await fetch(`${server.url}/articles/${slug}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.status, slug).toBe(200);
    }
    // The restart replays what had not reached the feeds; the feeds hold every acknowledged story
    // once it has (the server's output is attached if they never do).
    const restarted = server;
    await eventually(async () => {
      const ids = await feedIds().catch((error: unknown) => {
        throw new Error(`${(error as Error).message}\nServer output:\n${restarted.output().slice(-4000)}`);
      });
      expect(acknowledged.filter((slug) => !ids.has(slug))).toEqual([]);
    }, 20_000);
  });

  it('stops cleanly on Ctrl-C right after a burst: nothing lost, and a retraction after the restart leaves all nine feeds', async () => {
    // Prepare: a burst of 20 publishes in one category and by one author (nine feeds each).
    dataDir = await mkdtemp(path.join(tmpdir(), 'feeds-stop-'));
    server = await startLocalServerProcess({ DATA_DIR: dataDir, INGEST_TOKEN: TOKEN });
    const slugs = Array.from({ length: 20 }, (_, index) => `stop-${index}`);
    const statuses = await Promise.all(
      slugs.map(async (slug) => {
        const response = await fetch(`${server!.url}/articles/${slug}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ title: `Stop ${slug}`, bodyMarkdown: 'Text.', categories: ['Desk'], authors: [{ name: 'Ana Lima' }] }),
        });
        return response.status;
      }),
    );

    // Act: Ctrl-C at once, then a restart and a retraction.
    await server.stop('SIGINT');
    const stopped = server.output();
    server = await startLocalServerProcess({ DATA_DIR: dataDir, INGEST_TOKEN: TOKEN });
    const restartLog = server.output();
    const retracted = await fetch(`${server.url}/articles/stop-7`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });

    // Assess: every story is in the feeds; the retraction leaves all nine of its feeds; the stop
    // handed nothing over to the next start (no replay, no lease left to expire).
    expect(statuses.every((status) => status === 201)).toBe(true);
    expect(stopped).toContain('Stopping');
    expect(restartLog).not.toContain('Replaying');
    expect(retracted.status).toBe(204);
    const feeds = ['', '/categories/desk', '/authors/ana-lima'].flatMap((dir) =>
      ['feed.xml', 'atom.xml', 'feed.json'].map((file) => `${dir}/${file}`),
    );
    await eventually(async () => {
      for (const feed of feeds) {
        const text = await (await fetch(`${server!.url}${feed}`)).text();
        const entries = feed.endsWith('atom.xml')
          ? text
              .split('<entry>')
              .slice(1)
              .map((entry) => entry.split('</entry>')[0]!)
          : [text];
        expect(
          entries.some((entry) => entry.includes('/stop-7"') || entry.includes('/stop-7<')),
          `${feed} still shows the story`,
        ).toBe(false);
        for (const slug of slugs.filter((other) => other !== 'stop-7')) expect(text, `${feed} lacks ${slug}`).toContain(`/${slug}`);
      }
    }, 5_000);
  });
});
