import { describe, expect, it } from 'vitest';
import { tokensFromSecret } from '../../functions/adapters/secrets-manager-token-source.js';
import { bearerMatches, CachedTokenSource, StaticTokenSource } from '../../functions/ingest/tokens.js';

describe('Ingest: bearer tokens', () => {
  const valid = ['first-token-0123456789', 'second-token-0123456789'];

  it('accepts any of several valid tokens', () => {
    expect(bearerMatches('Bearer first-token-0123456789', valid)).toBe(true);
    expect(bearerMatches('bearer second-token-0123456789', valid)).toBe(true);
  });

  it('refuses missing, malformed and wrong tokens', () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Basic Zmlyc3Q=',
      'first-token-0123456789',
      'Bearer first-token-012345678',
      'Bearer first-token-0123456789x',
    ]) {
      expect(bearerMatches(header, valid)).toBe(false);
    }
    expect(bearerMatches('Bearer anything', [])).toBe(false);
  });

  it('reads tokens from a secret in either shape, ignoring short ones', () => {
    expect(tokensFromSecret('{"token":"aaaaaaaaaaaaaaaaaaaa"}')).toEqual(['aaaaaaaaaaaaaaaaaaaa']);
    expect(tokensFromSecret('{"tokens":["bbbbbbbbbbbbbbbbbbbb","short"],"token":"aaaaaaaaaaaaaaaaaaaa"}')).toEqual([
      'aaaaaaaaaaaaaaaaaaaa',
      'bbbbbbbbbbbbbbbbbbbb',
    ]);
  });

  it('re-reads rotated tokens once the cache expires', async () => {
    // Prepare
    let now = 0;
    let current = ['old-token-0123456789'];
    const source = new CachedTokenSource({ tokens: async () => current }, 1_000, () => now);
    // Act
    const before = await source.tokens();
    current = ['new-token-0123456789'];
    const cached = await source.tokens();
    now = 1_000;
    const after = await source.tokens();
    // Assess
    expect(before).toEqual(['old-token-0123456789']);
    expect(cached).toEqual(['old-token-0123456789']);
    expect(after).toEqual(['new-token-0123456789']);
    expect(await new StaticTokenSource(valid).tokens()).toBe(valid);
  });
});
