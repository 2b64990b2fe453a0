import { LEGACY_FEED_ADDRESSES, type LegacyFeedAddress } from '../functions/domain/legacy-feed-addresses.js';

/**
 * The rules an old site's web server needs to send its feed addresses to the new feeds with a
 * 301, for a newsroom whose old host keeps serving while readers move: the same table the CDN
 * applies (`LEGACY_FEED_ADDRESSES`, and the site's own `feedRedirects`, which come first), written
 * for nginx or Apache. The JavaScript patterns are PCRE as they stand, which both servers use.
 */

export const REDIRECT_SERVERS = ['nginx', 'apache'] as const;
export type RedirectServer = (typeof REDIRECT_SERVERS)[number];

/** Quoted for both servers' configuration syntax; the values never hold a double quote. */
const quoted = (value: string) => `"${value}"`;
/** A table pattern as PCRE, without JavaScript's escaped slashes. */
const pcre = (pattern: RegExp) => pattern.source.replace(/\\\//g, '/');
const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const absolute = (base: string, target: string) => `${base.replace(/\/+$/, '')}${target}`;

function queryTargets(address: LegacyFeedAddress): [string, string][] {
  return Object.entries(address.byQuery?.targets ?? {});
}

function nginxRules(base: string, siteRedirects: Readonly<Record<string, string>>): string[] {
  const lines = ["# Inside the old site's server { } block. Feed addresses answer 301 with the new feed."];
  for (const [path, target] of Object.entries(siteRedirects)) lines.push(`location = ${path} { return 301 ${absolute(base, target)}; }`);
  for (const address of LEGACY_FEED_ADDRESSES) {
    const name = address.byQuery?.name;
    const byQuery = queryTargets(address).map(
      ([value, target]) => `if ($arg_${name} = ${quoted(value)}) { return 301 ${absolute(base, target)}; }`,
    );
    if (address.target === undefined) {
      // No feed without the parameter (WordPress's /?feed=rss2): a location here would take the
      // address over, so the test sits in the server block, where `if … return` is safe.
      lines.push(`# ${address.platform}: ${pcre(address.pattern)} with ?${name}=`, ...byQuery);
      continue;
    }
    const body = [...byQuery, `return 301 ${absolute(base, address.target)};`];
    lines.push(`location ~ ${quoted(pcre(address.pattern))} { ${body.join(' ')} }`);
  }
  return lines;
}

function apacheRules(base: string, siteRedirects: Readonly<Record<string, string>>): string[] {
  const lines = [
    "# In the old site's <VirtualHost> or .htaccess (mod_alias and mod_rewrite). Feed addresses answer 301 with the new feed.",
    'RewriteEngine On',
  ];
  for (const address of LEGACY_FEED_ADDRESSES) {
    for (const [value, target] of queryTargets(address)) {
      // In .htaccess RewriteRule sees the path without its leading slash: `^/?` takes both.
      lines.push(
        `RewriteCond %{QUERY_STRING} ${quoted(`(?:^|&)${address.byQuery!.name}=${escapeRegex(value)}(?:&|$)`)}`,
        `RewriteRule ${quoted(pcre(address.pattern).replace(/^\^\//, '^/?'))} ${quoted(`${absolute(base, target)}?`)} [R=301,L]`,
      );
    }
  }
  for (const [path, target] of Object.entries(siteRedirects)) {
    lines.push(`RedirectMatch 301 ${quoted(`^${escapeRegex(path)}$`)} ${quoted(absolute(base, target))}`);
  }
  for (const address of LEGACY_FEED_ADDRESSES) {
    if (address.target !== undefined) {
      lines.push(`RedirectMatch 301 ${quoted(pcre(address.pattern))} ${quoted(absolute(base, address.target))}`);
    }
  }
  return lines;
}

/** The rules for `server`, sending to the feeds at `base` (the site's address, no trailing slash). */
export function feedRedirectRules(server: RedirectServer, base: string, siteRedirects: Readonly<Record<string, string>> = {}): string {
  return (server === 'nginx' ? nginxRules(base, siteRedirects) : apacheRules(base, siteRedirects)).join('\n');
}
