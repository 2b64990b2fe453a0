import siteJson from '../../content/site.json' with { type: 'json' };
import { parseSiteSettings, type SiteSettings } from '../domain/site.js';

/**
 * Configuration is read from the environment once, at cold start, and validated here so that a
 * misconfigured function fails on its first line with a message that names the variable.
 */
export class MissingConfigurationError extends Error {
  override readonly name = 'MissingConfigurationError';
}

export type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new MissingConfigurationError(`Environment variable ${name} is required`);
  return value;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

export function loadSite(env: Env = process.env): SiteSettings {
  const feedSize = env.FEED_SIZE?.trim();
  return parseSiteSettings(feedSize ? { ...siteJson, feedSize: Number(feedSize) } : siteJson, {
    baseUrl: env.SITE_BASE_URL?.trim() || undefined,
    hubs: list(env.WEBSUB_HUBS),
  });
}

export function tableName(env: Env = process.env): string {
  return required(env, 'TABLE_NAME');
}

export function feedBucket(env: Env = process.env): string {
  return required(env, 'FEED_BUCKET');
}

export { list as commaSeparated };
