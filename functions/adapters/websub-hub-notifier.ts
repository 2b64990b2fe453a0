import { inParallel, sleep } from '../commons/concurrency.js';
import type { HubNotifier } from '../use-cases/ports.js';

export interface WebSubHubNotifierOptions {
  /** Per request. */
  timeoutMs?: number;
  /** Tries per hub and feed, the first included. */
  attempts?: number;
  /** Wait before the second try; doubled for each later one. */
  backoffMs?: number;
  /** Requests in flight at once, across hubs. */
  concurrency?: number;
  /** No ping starts after this long (the regeneration must end well within its function timeout). */
  deadlineMs?: number;
  /** Where failures are reported; a hub's outage is logged, never thrown. */
  log?: (message: string, details: Record<string, unknown>) => void;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export interface PingOutcome {
  hub: string;
  feedUrl: string;
  ok: boolean;
  attempts: number;
  status?: number;
  error?: string;
  /** Not tried: the hub already failed in this round, or the deadline passed. */
  skipped?: string;
}

/** Why a request got no answer: fetch's own message ("fetch failed") names no reason; its cause does. */
function describeFailure(error: unknown): string {
  if ((error as Error).name === 'TimeoutError') return 'timed out';
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message;
  return reason ? `${(error as Error).message} (${reason})` : (error as Error).message;
}

/**
 * WebSub publisher pings (https://www.w3.org/TR/websub/ and the hubs' common `publish` mode): for
 * every hub and every changed feed, `POST hub` with the form `hub.mode=publish&hub.url=<feed>`.
 * A hub that times out, is unreachable, answers 5xx or 429 is tried again with backoff; 4xx is
 * final. A hub that is still unreachable after its tries is not tried for the other feeds of the
 * round, and no ping starts after the deadline: a dead hub delays a regeneration by seconds at
 * most, and it never fails one.
 */
export class WebSubHubNotifier implements HubNotifier {
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly concurrency: number;
  private readonly deadlineMs: number;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly hubs: readonly string[],
    private readonly options: WebSubHubNotifierOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.attempts = Math.max(1, options.attempts ?? 3);
    this.backoffMs = options.backoffMs ?? 500;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.deadlineMs = options.deadlineMs ?? 20_000;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? sleep;
  }

  async notify(feedUrls: string[]): Promise<void> {
    await this.ping(feedUrls);
  }

  /** Pings every hub about every feed; the outcome of each, for tests and logs. */
  async ping(feedUrls: string[]): Promise<PingOutcome[]> {
    const jobs = this.hubs.flatMap((hub) => [...new Set(feedUrls)].map((feedUrl) => ({ hub, feedUrl })));
    const outcomes: PingOutcome[] = [];
    const down = new Set<string>();
    const deadline = Date.now() + this.deadlineMs;
    await inParallel(jobs, this.concurrency, async (job) => {
      const skipped = down.has(job.hub) ? 'hub unreachable in this round' : Date.now() > deadline ? 'deadline passed' : undefined;
      const outcome = skipped ? { ...job, ok: false, attempts: 0, skipped } : await this.pingOne(job.hub, job.feedUrl);
      // Unreachable (no HTTP answer at all): spare the hub, and the regeneration, the other feeds.
      if (!outcome.ok && outcome.status === undefined && !skipped) down.add(job.hub);
      outcomes.push(outcome);
      if (!outcome.ok) this.options.log?.('WebSub hub not notified', { ...outcome });
    });
    return outcomes;
  }

  private async pingOne(hub: string, feedUrl: string): Promise<PingOutcome> {
    let last: PingOutcome = { hub, feedUrl, ok: false, attempts: 0 };
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (attempt > 1) await this.sleep(this.backoffMs * 2 ** (attempt - 2));
      try {
        const response = await this.fetch(hub, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': feedUrl }).toString(),
          signal: AbortSignal.timeout(this.timeoutMs),
          redirect: 'follow',
        });
        // The body is not needed; reading it frees the connection.
        await response.arrayBuffer().catch(() => undefined);
        last = { hub, feedUrl, ok: response.ok, attempts: attempt, status: response.status };
        if (response.ok) return last;
        if (response.status < 500 && response.status !== 429) return last;
      } catch (error) {
        last = { hub, feedUrl, ok: false, attempts: attempt, error: describeFailure(error) };
      }
    }
    return last;
  }
}
