import type { FeedFile } from '../rendering/render-feed.js';
import type { CdnInvalidator, FeedStore } from './ports.js';

/**
 * Puts the product's own page files that ship with the regenerator (the editors' desk) into the
 * bucket where they differ from what it holds, and has the CDN drop its copies of those. Run once
 * per process, from the scheduled catalog refresh: off the readers' path, and within a minute of
 * a deploy. A deploy needs no custom resource for it. Returns the keys written.
 */
export async function publishSiteFiles(files: FeedFile[], deps: { store: FeedStore; cdn?: CdnInvalidator | undefined }): Promise<string[]> {
  if (!files.length) return [];
  const { written } = await deps.store.publish(files);
  if (written.length && deps.cdn) await deps.cdn.invalidate(written);
  return written;
}
