import * as z from 'zod/mini';
import './zod-messages.js';

/** The newsroom's settings: what every feed says about the site itself. */
export interface SiteSettings {
  title: string;
  description: string;
  /** Absolute origin (and optional path prefix) the feeds are served from, without a trailing slash. */
  baseUrl: string;
  /** BCP 47 language tag used when a story does not name its own. */
  language: string;
  /** How many stories each feed carries. */
  feedSize: number;
  copyright?: string;
  /** Feed icon and logo: absolute URLs, or paths resolved against `baseUrl`. */
  icon?: string;
  logo?: string;
  /** Authority part of the `tag:` URIs (RFC 4151) that identify entries: `domain,YYYY`. */
  tagAuthority: string;
  /** WebSub hubs every feed advertises and notifies. */
  hubs: string[];
  /** How long an Atom feed keeps an RFC 6721 tombstone for a retracted story. */
  tombstoneDays: number;
  /**
   * Old feed addresses of this site (exact paths) and the paths readers are sent to with a 301,
   * beside the WordPress, Ghost, Substack, Blogger and Hugo addresses the CDN always redirects.
   */
  feedRedirects?: Record<string, string>;
}

const httpUrl = z.url({ protocol: /^https?$/ });

/** A path on the site as a request names it (URL-encoded where it needs to be). */
const SITE_PATH = /^\/[^\s?#]*$/;

const siteSettingsSchema = z.strictObject({
  title: z.string().check(z.minLength(1)),
  description: z._default(z.string(), ''),
  baseUrl: httpUrl,
  language: z.string().check(z.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'a BCP 47 language tag')),
  feedSize: z._default(z.int().check(z.minimum(1), z.maximum(1000)), 50),
  copyright: z.optional(z.string()),
  icon: z.optional(z.string()),
  logo: z.optional(z.string()),
  tagAuthority: z.string().check(z.regex(/^[A-Za-z0-9.-]+,\d{4}(-\d{2}(-\d{2})?)?$/, 'domain,YYYY (RFC 4151)')),
  hubs: z._default(z.array(httpUrl), []),
  tombstoneDays: z._default(z.int().check(z.minimum(0), z.maximum(3650)), 30),
  feedRedirects: z._default(
    z.record(z.string(), z.string().check(z.regex(SITE_PATH, 'a path starting with "/", without query or fragment'))).check(
      z.refine(
        (redirects) => Object.keys(redirects).every((from) => SITE_PATH.test(from)),
        'every old address must be a path starting with "/", without query or fragment',
      ),
      z.refine((redirects) => Object.entries(redirects).every(([from, to]) => from !== to), 'a path must not redirect to itself'),
    ),
    {},
  ),
});

export class InvalidSiteSettingsError extends Error {
  override readonly name = 'InvalidSiteSettingsError';
}

export interface SiteOverrides {
  baseUrl?: string | undefined;
  hubs?: string[] | undefined;
}

/** Validates raw settings (from `content/site.json`) and applies environment overrides. */
export function parseSiteSettings(raw: unknown, overrides: SiteOverrides = {}): SiteSettings {
  const merged = {
    ...(typeof raw === 'object' && raw !== null ? raw : {}),
    ...(overrides.baseUrl ? { baseUrl: overrides.baseUrl } : {}),
  } as Record<string, unknown>;
  const parsed = siteSettingsSchema.safeParse(merged);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new InvalidSiteSettingsError(`Invalid site settings: ${details.join('; ')}`);
  }
  const settings = parsed.data;
  const hubs = [...new Set([...settings.hubs, ...(overrides.hubs ?? [])])];
  for (const hub of overrides.hubs ?? []) {
    if (!httpUrl.safeParse(hub).success) throw new InvalidSiteSettingsError(`Invalid WebSub hub URL: ${hub}`);
  }
  return { ...settings, baseUrl: settings.baseUrl.replace(/\/+$/, ''), hubs };
}

/** Resolves a site-relative path (or an absolute URL) against the base URL. */
export function siteUrl(site: Pick<SiteSettings, 'baseUrl'>, pathOrUrl: string): string {
  if (/^https?:\/\//i.test(pathOrUrl)) return pathOrUrl;
  return `${site.baseUrl}/${pathOrUrl.replace(/^\/+/, '')}`;
}
