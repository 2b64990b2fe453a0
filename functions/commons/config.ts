import siteJson from '../../content/site.json' with { type: 'json' };
import { DEFAULT_FRESHNESS, EDGE_SECONDS_RANGE, type FreshnessSettings } from '../domain/edge-cache.js';
import { parseSiteSettings, type SiteSettings } from '../domain/site.js';

/**
 * Configuration is read from the environment once, at cold start, and validated here so that a
 * misconfigured function fails on its first line with a message that names the variable.
 */
export class MissingConfigurationError extends Error {
  override readonly name = 'MissingConfigurationError';
}

export class InvalidConfigurationError extends Error {
  override readonly name = 'InvalidConfigurationError';
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

/** The queue that holds WebSub announcements until the CDN serves the feeds they are about. */
export function announcementQueueUrl(env: Env = process.env): string {
  return required(env, 'ANNOUNCEMENT_QUEUE_URL');
}

/**
 * How long an AWS SDK call may go without a byte in either direction (and how long connecting may
 * take) before it is abandoned and retried. DynamoDB and S3 answer in milliseconds; a call that is
 * silent for this long is stalled, and without a bound it would hold the function, and with it
 * every feed behind it, until the function times out. The embedded local runtime sets a shorter
 * bound for its stand-ins.
 */
export const DEFAULT_SDK_SOCKET_TIMEOUT_MS = 10_000;

/**
 * A whole number from the environment within [min, max], or `fallback` when unset; the error
 * names the variable, the unit and the range.
 */
export function wholeNumberSetting(env: Env, name: string, unit: string, range: { min: number; max?: number }, fallback: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < range.min || (range.max !== undefined && value > range.max)) {
    const bounds = range.max === undefined ? `at least ${range.min}` : `from ${range.min} to ${range.max}`;
    throw new InvalidConfigurationError(`Environment variable ${name} must be a whole number of ${unit}, ${bounds}, not "${text}"`);
  }
  return value;
}

export function sdkSocketTimeoutMs(env: Env = process.env): number {
  return wholeNumberSetting(env, 'SDK_SOCKET_TIMEOUT_MS', 'milliseconds', { min: 100 }, DEFAULT_SDK_SOCKET_TIMEOUT_MS);
}

/**
 * How readers get new stories through the CDN (functions/domain/edge-cache.ts): FEED_EDGE_SECONDS,
 * the feeds' edge lifetime (0 to 3600), and INVALIDATE_FEEDS (`true` or `false`).
 */
export function loadFreshness(env: Env = process.env): FreshnessSettings {
  const edgeSeconds = wholeNumberSetting(env, 'FEED_EDGE_SECONDS', 'seconds', EDGE_SECONDS_RANGE, DEFAULT_FRESHNESS.edgeSeconds);
  const invalidate = env.INVALIDATE_FEEDS?.trim().toLowerCase();
  if (invalidate && invalidate !== 'true' && invalidate !== 'false') {
    throw new InvalidConfigurationError(`Environment variable INVALIDATE_FEEDS must be true or false, not "${env.INVALIDATE_FEEDS}"`);
  }
  return { edgeSeconds, invalidateFeeds: invalidate ? invalidate === 'true' : DEFAULT_FRESHNESS.invalidateFeeds };
}

export { list as commaSeparated };
