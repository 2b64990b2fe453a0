import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** Keep-alive loopback client that returns raw bytes (no automatic decompression, unlike fetch). */
const agent = new Agent({ keepAlive: true, maxSockets: 128 });

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent, timeout: options.timeoutMs ?? 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`Timed out: ${options.method ?? 'GET'} ${url}`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The runtime prints http://localhost:<port> but listens on 127.0.0.1; skip the IPv6 attempt. */
export function loopback(url: string): string {
  return url.replace('//localhost:', '//127.0.0.1:');
}

export function closeHttpClient(): void {
  agent.destroy();
}
