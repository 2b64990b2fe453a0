import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FetchingHub {
  /** The hub's URL, for WEBSUB_HUBS. */
  url: string;
  /** What each fetch of a topic returned, in the order the pings came. */
  fetched: Map<string, string[]>;
  /** While false, pings are answered and counted but nothing is fetched. */
  fetching: boolean;
  pings: number;
  close(): Promise<void>;
}

/**
 * A WebSub hub as Feedly, Inoreader or Superfeedr run one: told `hub.mode=publish`, it fetches the
 * topic at once, through the CDN in front of the feeds, and keeps what that fetch returned.
 */
export async function startFetchingHub(): Promise<FetchingHub> {
  const hub: FetchingHub = {
    url: '',
    fetched: new Map(),
    fetching: true,
    pings: 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const topic = new URLSearchParams(body).get('hub.url') ?? '';
      hub.pings++;
      response.writeHead(202).end();
      if (!hub.fetching) return;
      const seen = hub.fetched.get(topic) ?? [];
      hub.fetched.set(topic, seen);
      // The slot is taken when the ping arrives, so fetches that answer out of order keep the pings' order.
      const slot = seen.push('') - 1;
      void fetch(topic)
        .then((feed) => feed.text())
        .then((text) => (seen[slot] = text))
        .catch((error: unknown) => (seen[slot] = `fetch failed: ${(error as Error).message}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return hub;
}
