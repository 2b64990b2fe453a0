import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** Keep-alive loopback client that returns raw bytes (no automatic decompression, unlike fetch). */
const agent = new Agent({ keepAlive: true, maxSockets: 128 });

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

type RequestOptions = { method?: string; headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number };

/** Reads repeated after the connection failed under them (a reset, a hang-up), since the process started. */
export const retriedReads = { count: 0, errors: [] as string[] };

/** How often a GET or HEAD whose connection failed is sent again before the error is passed on. */
const READ_ATTEMPTS = 3;

/**
 * One request; a GET or HEAD whose connection fails (ECONNRESET, a socket hang-up: a server
 * closing a kept connection as the request goes out, on a busy machine) is sent again, as any
 * HTTP client may repeat an idempotent request, and counted in `retriedReads`. Other methods are
 * not repeated: the caller decides.
 */
export async function request(url: string, options: RequestOptions = {}): Promise<RawResponse> {
  const idempotent = ['GET', 'HEAD'].includes(options.method ?? 'GET');
  for (let attempt = 1; ; attempt++) {
    try {
      return await requestOnce(url, options);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const connectionFailed = code === 'ECONNRESET' || code === 'EPIPE' || (error as Error).message === 'socket hang up';
      if (!idempotent || !connectionFailed || attempt >= READ_ATTEMPTS) throw error;
      retriedReads.count++;
      if (retriedReads.errors.length < 10)
        retriedReads.errors.push(`${options.method ?? 'GET'} ${url}: ${code ?? (error as Error).message}`);
    }
  }
}

function requestOnce(url: string, options: RequestOptions): Promise<RawResponse> {
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
