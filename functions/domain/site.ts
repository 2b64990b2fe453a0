import { z } from 'zod';

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
}

const httpUrl = z.url({ protocol: /^https?$/ });

const siteSettingsSchema = z
  .object({
    title: z.string().min(1),
    description: z.string().default(''),
    baseUrl: httpUrl,
    language: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'a BCP 47 language tag'),
    feedSize: z.number().int().min(1).max(1000).default(50),
    copyright: z.string().optional(),
    icon: z.string().optional(),
    logo: z.string().optional(),
    tagAuthority: z.string().regex(/^[A-Za-z0-9.-]+,\d{4}(-\d{2}(-\d{2})?)?$/, 'domain,YYYY (RFC 4151)'),
    hubs: z.array(httpUrl).default([]),
    tombstoneDays: z.number().int().min(0).max(3650).default(30),
  })
  .strict();

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
