import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSubHubNotifier } from '../../../functions/adapters/websub-hub-notifier.js';

interface Ping {
  contentType: string | undefined;
  mode: string | null;
  url: string | null;
}

/** A WebSub hub on 127.0.0.1 that records pings and answers each with the next behaviour given. */
async function startHub(
  behaviours: ('ok' | 'fail' | 'hang' | 'reject' | 'slow')[] = [],
): Promise<{ url: string; pings: Ping[]; server: Server }> {
  const pings: Ping[] = [];
  let served = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const form = new URLSearchParams(body);
      pings.push({ contentType: request.headers['content-type'], mode: form.get('hub.mode'), url: form.get('hub.url') });
      const behaviour = behaviours[served++] ?? 'ok';
      if (behaviour === 'hang') return; // never answers: the publisher must time out
      if (behaviour === 'slow') return void setTimeout(() => response.writeHead(204).end(), 150);
      const status = { ok: 204, fail: 500, reject: 400 }[behaviour];
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub`, pings, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const fast = { timeoutMs: 200, backoffMs: 10, attempts: 3 };

describe('Adapter: WebSubHubNotifier', () => {
  it('posts hub.mode=publish and hub.url, form-encoded, once per feed and hub', async () => {
    // Prepare
    const [first, second] = [await startHub(), await startHub()];
    servers.push(first.server, second.server);
    // Hubs that answer at once: a timeout long enough for a loaded machine (it failed once at 200 ms).
    const notifier = new WebSubHubNotifier([first.url, second.url], { ...fast, timeoutMs: 5_000 });
    const feeds = ['https://news.example.com/feed.xml', 'https://news.example.com/categories/الشرق-الأوسط/atom.xml'];
    // Act
    await notifier.notify(feeds);
    // Assess
    for (const hub of [first, second]) {
      expect(hub.pings.map((ping) => ping.url).sort()).toEqual([...feeds].sort());
      for (const ping of hub.pings) expect(ping).toMatchObject({ contentType: 'application/x-www-form-urlencoded', mode: 'publish' });
    }
  });

  it('retries a hub that answers 500 or times out, until it accepts', async () => {
    // Prepare
    const flaky = await startHub(['fail', 'hang', 'ok']);
    servers.push(flaky.server);
    const notifier = new WebSubHubNotifier([flaky.url], fast);
    // Act
    const [outcome] = await notifier.ping(['https://news.example.com/feed.xml']);
    // Assess
    expect(outcome).toMatchObject({ ok: true, attempts: 3, status: 204 });
    expect(flaky.pings).toHaveLength(3);
  });

  it('gives up quietly on a hub that is down or refuses, and logs it', async () => {
    // Prepare
    const refusing = await startHub(['reject']);
    const dead = await startHub(['hang', 'hang', 'hang']);
    servers.push(refusing.server, dead.server);
    const logged: unknown[] = [];
    const notifier = new WebSubHubNotifier([refusing.url, dead.url, 'http://127.0.0.1:9/unreachable'], {
      ...fast,
      log: (message, details) => logged.push({ message, ...details }),
    });
    const started = Date.now();
    // Act
    await expect(notifier.notify(['https://news.example.com/feed.xml'])).resolves.toBeUndefined();
    // Assess
    expect(refusing.pings).toHaveLength(1); // a 4xx is final
    expect(dead.pings).toHaveLength(3);
    expect(logged).toHaveLength(3);
    expect(logged).toContainEqual(expect.objectContaining({ hub: dead.url, ok: false, attempts: 3, error: 'timed out' }));
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('stops pinging a hub that stays unreachable, and starts no ping after the deadline', async () => {
    // Prepare
    const dead = await startHub(['hang', 'hang']);
    const slow = await startHub(['slow', 'ok', 'ok', 'ok']);
    servers.push(dead.server, slow.server);
    const feeds = ['a', 'b', 'c', 'd'].map((name) => `https://news.example.com/${name}.xml`);
    const deadNotifier = new WebSubHubNotifier([dead.url], { ...fast, attempts: 2, concurrency: 1 });
    const slowNotifier = new WebSubHubNotifier([slow.url], { ...fast, attempts: 1, concurrency: 1, deadlineMs: 100 });
    // Act
    const deadOutcomes = await deadNotifier.ping(feeds);
    const slowOutcomes = await slowNotifier.ping(feeds);
    // Assess
    expect(dead.pings).toHaveLength(2); // two tries for the first feed, then the hub is left alone
    expect(deadOutcomes.filter((outcome) => outcome.skipped === 'hub unreachable in this round')).toHaveLength(3);
    expect(slow.pings).toHaveLength(1); // the first answer took 150 ms, past the 100 ms deadline
    expect(slowOutcomes[0]).toMatchObject({ ok: true });
    expect(slowOutcomes.filter((outcome) => outcome.skipped === 'deadline passed')).toHaveLength(3);
  });
});
