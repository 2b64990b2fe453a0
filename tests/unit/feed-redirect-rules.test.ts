import { describe, expect, it } from 'vitest';
import { legacyFeedRedirect } from '../../functions/domain/legacy-feed-addresses.js';
import { feedRedirectRules } from '../../story-publishing/feed-redirect-rules.js';
import { LEGACY_FEED_REQUESTS, SITE_REDIRECTS } from '../support/legacy-feed-requests.js';

const BASE = 'https://news.example.com';

/**
 * What nginx does with the rules for one request: exact locations first, then the regex
 * locations in order (the first match wins), and the server block's `if`s before either.
 */
function nginxAnswer(rules: string, path: string, query: Record<string, string>): string | undefined {
  const lines = rules.split('\n');
  const decodedPath = decodeURIComponent(path);
  for (const line of lines) {
    const serverIf = /^if \(\$arg_(\w+) = "([^"]*)"\) \{ return 301 (\S+); \}$/.exec(line);
    if (serverIf && query[serverIf[1]!] === serverIf[2]) return serverIf[3];
  }
  for (const line of lines) {
    const exact = /^location = (\S+) \{ return 301 (\S+); \}$/.exec(line);
    if (exact && exact[1] === decodedPath) return exact[2];
  }
  for (const line of lines) {
    const regex = /^location ~ "([^"]+)" \{ (.*) \}$/.exec(line);
    if (!regex) continue;
    const match = new RegExp(regex[1]!).exec(decodedPath);
    if (!match) continue;
    for (const rule of regex[2]!.matchAll(/if \(\$arg_(\w+) = "([^"]*)"\) \{ return 301 (\S+); \}/g)) {
      if (query[rule[1]!] === rule[2]) return rule[3];
    }
    return /return 301 (\S+);$/.exec(regex[2]!)?.[1]?.replace('$1', () => match[1] ?? '');
  }
  return undefined;
}

/** What Apache does: mod_rewrite's rules (with their conditions) first, then RedirectMatch in order. */
function apacheAnswer(rules: string, path: string, query: Record<string, string>): string | undefined {
  const lines = rules.split('\n');
  const queryString = new URLSearchParams(query).toString();
  const decodedPath = decodeURIComponent(path);
  for (let index = 0; index < lines.length; index++) {
    const condition = /^RewriteCond %\{QUERY_STRING\} "([^"]+)"$/.exec(lines[index]!);
    const rule = condition && /^RewriteRule "([^"]+)" "([^"]+)\?" \[R=301,L\]$/.exec(lines[index + 1] ?? '');
    if (condition && rule && new RegExp(condition[1]!).test(queryString) && new RegExp(rule[1]!).test(decodedPath)) return rule[2];
  }
  for (const line of lines) {
    const redirect = /^RedirectMatch 301 "([^"]+)" "([^"]+)"$/.exec(line);
    const match = redirect && new RegExp(redirect[1]!).exec(decodedPath);
    if (match) return redirect[2]!.replace('$1', () => match[1] ?? '');
  }
  return undefined;
}

describe('Feed redirect rules for the old web server', () => {
  for (const [server, answer] of [
    ['nginx', nginxAnswer],
    ['apache', apacheAnswer],
  ] as const) {
    it(`${server}: sends every old feed address where the CDN sends it`, () => {
      // Prepare
      const rules = feedRedirectRules(server, BASE, SITE_REDIRECTS);
      // Act / Assess
      for (const request of LEGACY_FEED_REQUESTS) {
        const query = request.query ?? {};
        const target = legacyFeedRedirect(request.path, query, SITE_REDIRECTS);
        const expected = target === undefined ? undefined : `${BASE}${decodeURIComponent(target)}`;
        expect(answer(rules, request.path, query), `${request.path}?${new URLSearchParams(query)}`).toBe(expected);
      }
    });
  }

  it('names the new site in every rule and keeps the old paths as patterns', () => {
    // Act
    const nginx = feedRedirectRules('nginx', 'https://feeds.example.org/');
    // Assess
    expect(nginx).toContain('location ~ "^/(?:feed/atom|atom)/?$" { return 301 https://feeds.example.org/atom.xml; }');
    expect(nginx).not.toContain('.org//');
  });
});
