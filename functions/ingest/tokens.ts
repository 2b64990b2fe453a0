import { createHash, timingSafeEqual } from 'node:crypto';
import type { TokenSource } from '../use-cases/ports.js';

export class StaticTokenSource implements TokenSource {
  constructor(private readonly valid: string[]) {}
  async tokens(): Promise<string[]> {
    return this.valid;
  }
}

/** Caches another source for a while, so a rotated token takes effect without a deploy. */
export class CachedTokenSource implements TokenSource {
  private cached?: { tokens: string[]; until: number };
  constructor(
    private readonly source: TokenSource,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async tokens(): Promise<string[]> {
    if (!this.cached || this.cached.until <= this.now()) {
      this.cached = { tokens: await this.source.tokens(), until: this.now() + this.ttlMs };
    }
    return this.cached.tokens;
  }
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether the Authorization header carries one of the valid tokens. Both sides are hashed to equal
 * length and compared with timingSafeEqual against every valid token, so the time taken says
 * nothing about how much of a token was right, nor which one matched.
 */
export function bearerMatches(authorization: string | undefined, valid: string[]): boolean {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
  const presented = digest(match?.[1] ?? '');
  let matched = false;
  for (const token of valid) matched = timingSafeEqual(presented, digest(token)) || matched;
  return matched && match !== null;
}
