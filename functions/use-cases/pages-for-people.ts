import { inParallel } from '../commons/concurrency.js';
import { DEFAULT_FRESHNESS } from '../domain/edge-cache.js';
import { feedFromKey } from '../domain/feeds.js';
import { renderPageForPeople } from '../rendering/render-feed.js';
import { currentFeed, NO_TOMBSTONE_CHANGES } from './feed-documents.js';
import type { PageState } from './ports.js';
import type { RegenerateDependencies } from './regenerate-feeds.js';
import type { HeldLease } from './regeneration-lease.js';

/**
 * Renders and stores the pages for people of feeds whose subscription files are already up to
 * date (a run a publish waited for left them), recording each page's new signature in `pages`.
 * Returns the keys it wrote.
 */
export async function renderPagesForPeople(
  feedKeys: string[],
  deps: RegenerateDependencies,
  lease: HeldLease,
  pages: Map<string, PageState>,
): Promise<string[]> {
  const written: string[] = [];
  await inParallel(feedKeys, deps.concurrency ?? 4, async (feedKey) => {
    await lease.keep();
    const { document, options, state } = await currentFeed(feedFromKey(feedKey), deps, NO_TOMBSTONE_CHANGES);
    const result = await deps.store.publish([renderPageForPeople(document, options)], deps.verifyStoredFiles ? undefined : state.files);
    written.push(...result.written);
    pages.set(feedKey, { ...state, files: { ...state.files, ...result.files } });
  });
  return written;
}

/** Pages for people keep their feeds' caching: they are invalidated where feeds are on every publish. */
export async function invalidatePagesForPeople(written: string[], deps: RegenerateDependencies): Promise<void> {
  if (written.length && deps.cdn && (deps.freshness ?? DEFAULT_FRESHNESS).invalidateFeeds) await deps.cdn.invalidate(written);
}
