import type { StoryFile } from './story-files.js';

export interface IngestResult {
  slug: string;
  status: number;
  ok: boolean;
  /** The story's public URL when accepted; the problem detail otherwise. */
  message: string;
}

/** Talks to the ingest API (local or deployed) the way any client would: HTTP and a bearer token. */
export class IngestClient {
  constructor(
    private readonly endpoint: string,
    private readonly token: string,
  ) {}

  private url(path: string): string {
    return `${this.endpoint.replace(/\/+$/, '')}${path}`;
  }

  private headers(json: boolean): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, ...(json ? { 'content-type': 'application/json' } : {}) };
  }

  async put(story: StoryFile): Promise<IngestResult> {
    const response = await fetch(this.url(`/articles/${story.slug}`), {
      method: 'PUT',
      headers: this.headers(true),
      body: JSON.stringify(story.request),
    });
    return this.result(story.slug, response);
  }

  async retract(slug: string): Promise<IngestResult> {
    const response = await fetch(this.url(`/articles/${encodeURIComponent(slug)}`), { method: 'DELETE', headers: this.headers(false) });
    return this.result(slug, response);
  }

  private async result(slug: string, response: Response): Promise<IngestResult> {
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON (204, or an error page from a proxy)
    }
    if (response.ok) {
      return { slug, status: response.status, ok: true, message: typeof body.url === 'string' ? body.url : response.statusText };
    }
    const errors = Array.isArray(body.errors)
      ? (body.errors as { pointer: string; detail: string }[]).map((error) => `${error.pointer} ${error.detail}`).join('; ')
      : '';
    const detail = [body.title ?? response.statusText, errors || body.detail].filter(Boolean).join(': ');
    return { slug, status: response.status, ok: false, message: String(detail) };
  }
}
