import { Agent, request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/local-runtime.js';

const TOKEN = 'kept-alive-token-0123456789abcdef';

/** Node's own server closes a connection after 5 s idle; a client that keeps it longer then sends into a closing socket. */
const QUIET_MS = 6_000;

describe('Local server: connections kept alive by the client', () => {
  let runtime: LocalRuntime;

  beforeAll(async () => {
    runtime = await startLocalRuntime({ port: 0, dataDir: undefined, token: TOKEN });
  });

  afterAll(async () => {
    await runtime?.close();
  });

  it("serves a PUT sent on a connection that was quiet for longer than Node's default keep-alive", async () => {
    // Prepare: one connection, which the client keeps open for a minute.
    const agent = new Agent({ keepAlive: true, maxSockets: 1, timeout: 60_000 });
    const send = (method: string, path: string, body?: string) =>
      new Promise<{ response: IncomingMessage; socket: Socket; reused: boolean; text: string }>((resolve, reject) => {
        const outgoing = request(`${runtime.url}${path}`, {
          method,
          agent,
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        });
        outgoing.on('response', (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ response, socket: outgoing.socket!, reused: outgoing.reusedSocket, text }));
        });
        outgoing.on('error', reject);
        outgoing.end(body);
      });
    const first = await send('GET', '/feed.json');

    // Act
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    const put = await send(
      'PUT',
      '/articles/after-the-quiet',
      JSON.stringify({ title: 'After the quiet', bodyMarkdown: 'Sent on a kept connection.' }),
    );

    // Assess
    expect(first.response.headers['keep-alive']).toMatch(/timeout=\d+/);
    expect(put.response.statusCode).toBe(201);
    expect(put.reused).toBe(true);
    expect(put.socket).toBe(first.socket);
    agent.destroy();
  });
});
