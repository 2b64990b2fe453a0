import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface StallingProxy {
  /** `http://127.0.0.1:<port>`: the stand-in behind, as a client sees it. */
  endpoint: string;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of a stand-in that stalls its first `stalled` connections: it passes the
 * request on, then passes back only the first `bytesBeforeStall` bytes of the answer (0: none)
 * and keeps the connection open, silent, as a stand-in that hangs does. Later connections pass
 * through whole.
 */
export async function startStallingProxy(
  target: string,
  options: { stalled?: number; bytesBeforeStall?: number } = {},
): Promise<StallingProxy> {
  const { hostname, port } = new URL(target);
  const stalled = options.stalled ?? 1;
  const bytesBeforeStall = options.bytesBeforeStall ?? 0;
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((client) => {
    const stalls = ++accepted <= stalled;
    const upstream = connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream);
    let passed = 0;
    upstream.on('data', (chunk: Buffer) => {
      if (!stalls) return void client.write(chunk);
      const room = bytesBeforeStall - passed;
      if (room > 0) client.write(chunk.subarray(0, room));
      passed += chunk.length;
    });
    upstream.on('end', () => !stalls && client.end());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => accepted,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
