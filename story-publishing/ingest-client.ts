import type { Article } from '../functions/domain/article.js';
import type { StoryFile } from './story-files.js';

export interface IngestResult {
  slug: string;
  status: number;
  ok: boolean;
  /** The story's public URL when accepted; the problem detail otherwise. */
  message: string;
  /** The stored story, when the API returned one. */
  article?: Article;
  /** The problem's fields, by JSON Pointer, when the API refused the request. */
  problems?: { pointer: string; detail: string }[];
}

/** What a publishing tool needs from the ingest API. */
export interface IngestPort {
  get(slug: string): Promise<IngestResult>;
  put(story: StoryFile): Promise<IngestResult>;
  retract(slug: string): Promise<IngestResult>;
}

/** The endpoint could not be reached at all (no HTTP answer): nothing later will fare better. */
export class EndpointUnreachableError extends Error {
  override readonly name = 'EndpointUnreachableError';
  constructor(
    readonly endpoint: string,
    /** A short cause: `ECONNREFUSED`, `ENOTFOUND`, `no answer within 30 s`… */
    readonly reason: string,
  ) {
    super(`Could not reach ${endpoint} (${reason})`);
  }
}

function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  }
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** Talks to the ingest API (local or deployed) the way any client would: HTTP and a bearer token. */
export class IngestClient implements IngestPort {
  constructor(
    private readonly endpoint: string,
    private readonly token: string,
    private readonly timeoutMs = 30_000,
  ) {}

  private url(path: string): string {
    return `${this.endpoint.replace(/\/+$/, '')}${path}`;
  }

  private headers(json: boolean): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, ...(json ? { 'content-type': 'application/json' } : {}) };
  }

  private async send(slug: string, method: string, body?: string): Promise<IngestResult> {
    let response: Response;
    try {
      response = await fetch(this.url(`/articles/${encodeURIComponent(slug)}`), {
        method,
        headers: this.headers(body !== undefined),
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new EndpointUnreachableError(this.endpoint, networkReason(error, this.timeoutMs));
    }
    return this.result(slug, response);
  }

  get(slug: string): Promise<IngestResult> {
    return this.send(slug, 'GET');
  }

  put(story: StoryFile): Promise<IngestResult> {
    return this.send(story.slug, 'PUT', JSON.stringify(story.request));
  }

  retract(slug: string): Promise<IngestResult> {
    return this.send(slug, 'DELETE');
  }

  private async result(slug: string, response: Response): Promise<IngestResult> {
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      // not JSON (204, or an error page from a proxy)
    }
    if (response.ok) {
      const article = typeof body.slug === 'string' && typeof body.revision === 'number' ? (body as unknown as Article) : undefined;
      return {
        slug,
        status: response.status,
        ok: true,
        message: typeof body.url === 'string' ? body.url : response.statusText,
        ...(article ? { article } : {}),
      };
    }
    const errors = Array.isArray(body.errors)
      ? (body.errors as { pointer: string; detail: string }[]).map((error) => `${error.pointer} ${error.detail}`).join('; ')
      : '';
    const detail = [body.title ?? response.statusText, errors || body.detail].filter(Boolean).join(': ');
    return {
      slug,
      status: response.status,
      ok: false,
      message: String(detail),
      ...(Array.isArray(body.errors) ? { problems: body.errors as { pointer: string; detail: string }[] } : {}),
    };
  }
}
