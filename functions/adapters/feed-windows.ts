import { LeastRecentlyUsed } from '../commons/least-recently-used.js';
import type { StoredFragments } from '../rendering/entry-fragments.js';
import type { FeedStories, PageState } from '../use-cases/ports.js';
import type { StoredStory } from './stored-entry.js';

/** Feeds whose newest entries a process keeps: every feed a busy day's stories are in, and more. */
const KEPT_FEEDS = 200;

interface WindowEntry {
  sortKey: string;
  story: StoredStory;
}

interface FeedWindow {
  /** How many entries the window shows: the feed's length, as it was read. */
  limit: number;
  /** The newest entries, newest first; at most `limit`. */
  entries: WindowEntry[];
  /** Whether these are all the entries the feed has (fewer than `limit` were there to read). */
  complete: boolean;
  state: PageState;
}

/**
 * The newest entries and the state of the feeds a process read, kept up to date with the
 * entries and states the same process writes, so that its next regeneration of a feed needs no
 * Query. They are trusted only while no other run has held the lease since this process last
 * released it (`DynamoFeedIndex` checks that as it takes the lease): only a run holding the lease
 * writes a feed's entries or state, so nothing else can have changed them.
 *
 * A window is dropped whenever what it would show is not known: an entry taken out of a feed with
 * more entries than the window holds (the next one down was never read), or any failed write.
 */
export class FeedWindows {
  private readonly windows = new LeastRecentlyUsed<FeedWindow>(KEPT_FEEDS);

  /** The feed as `latest` would read it, if kept. */
  latest(feedKey: string, limit: number): (FeedStories & { state: PageState }) | undefined {
    const window = this.windows.get(feedKey);
    if (!window || window.limit !== limit) return undefined;
    const fragments = new Map<FeedStories['articles'][number], StoredFragments>();
    for (const { story } of window.entries) if (story.fragments) fragments.set(story.article, story.fragments);
    return { articles: window.entries.map(({ story }) => story.article), fragments, state: copyOf(window.state) };
  }

  /** What a Query of the feed's newest `limit` entries found (`entries` newest first, as many as it read up to `limit`). */
  keep(feedKey: string, limit: number, entries: WindowEntry[], state: PageState): void {
    this.windows.set(feedKey, { limit, entries: entries.slice(0, limit), complete: entries.length < limit, state: copyOf(state) });
  }

  /** An entry written: `story` is what the item holds, as a read would decode it. */
  put(feedKey: string, sortKey: string, story: () => StoredStory): void {
    const window = this.windows.get(feedKey);
    if (!window) return;
    const entries = window.entries.filter((entry) => entry.sortKey !== sortKey);
    const last = entries.at(-1);
    // Below a full window: not among the newest, and the window does not change.
    if (!window.complete && entries.length >= window.limit && last && sortKey < last.sortKey) return;
    const at = entries.findIndex((entry) => entry.sortKey < sortKey);
    entries.splice(at < 0 ? entries.length : at, 0, { sortKey, story: story() });
    if (entries.length > window.limit) {
      entries.length = window.limit;
      window.complete = false;
    }
    window.entries = entries;
  }

  /** An entry deleted. */
  delete(feedKey: string, sortKey: string): void {
    const window = this.windows.get(feedKey);
    if (!window) return;
    const at = window.entries.findIndex((entry) => entry.sortKey === sortKey);
    if (at < 0) return;
    // The entry that now moves up into the window was never read.
    if (!window.complete) {
      this.windows.delete(feedKey);
      return;
    }
    window.entries = window.entries.filter((_, index) => index !== at);
  }

  /** A page's state as released. */
  state(feedKey: string, state: PageState): void {
    const window = this.windows.get(feedKey);
    if (window) window.state = copyOf(state);
  }

  forget(): void {
    this.windows.clear();
  }
}

function copyOf(state: PageState): PageState {
  return {
    ...state,
    tombstones: { ...state.tombstones },
    ...(state.tombstoneIds ? { tombstoneIds: { ...state.tombstoneIds } } : {}),
    ...(state.files ? { files: { ...state.files } } : {}),
  };
}
