import { createHash, randomUUID } from 'node:crypto';
import { LeastRecentlyUsed } from '../commons/least-recently-used.js';
import { storyDigest, type Article } from '../domain/article.js';
import type { FeedFormat } from '../domain/feeds.js';
import type { SiteSettings } from '../domain/site.js';

/**
 * How many serialised entries a process keeps: three formats of 4,000 stories (every story in 80
 * feeds of 50), about 12,000 × 7 KB, some 85 MB, which a 512 MB function can spare. With 2,000
 * stories, a newsroom of 70 feeds (the benchmark's) re-rendered a third of a feed's entries on
 * each publish at 50,000 stories, and none at 1,000: cost that grew with the archive.
 */
const MAX_RENDERED_ENTRIES = 12_000;

/** The formats a story is rendered in: each feed format, and the feed's page for people. */
export type EntryFormat = FeedFormat | 'html';

/** Where a renderer takes a story's serialised entry from, when not from `render()`. */
export interface EntrySource {
  /** The story's entry in this format: remembered or stored, or else `render()`'s (as UTF-8). */
  fragment(format: EntryFormat, site: SiteSettings, article: Article, render: () => string): Buffer;
}

/**
 * Serialised feed entries remembered by the story's content. An entry depends only on the site and
 * the story, so a feed that gains one story renders one entry instead of fifty, and the same story
 * in its site, category and author feeds is rendered once per format. Keys are a digest of the
 * whole story, so any change to it (a correction, a new photo) renders afresh; the least recently
 * used entries are forgotten first.
 */
export class RenderedEntries implements EntrySource {
  private readonly fragments: LeastRecentlyUsed<Buffer>;
  private readonly siteDigests = new WeakMap<SiteSettings, string>();
  readonly stats = { hits: 0, misses: 0 };

  constructor(maxEntries = MAX_RENDERED_ENTRIES) {
    this.fragments = new LeastRecentlyUsed(maxEntries);
  }

  /** The remembered fragment for this story in this format, or `render()`'s (as UTF-8), remembered. */
  fragment(format: EntryFormat, site: SiteSettings, article: Article, render: () => string): Buffer {
    const key = `${format}:${remembered(this.siteDigests, site, () => digest(JSON.stringify(site)))}:${storyDigest(article)}`;
    const known = this.fragments.get(key);
    if (known !== undefined) {
      this.stats.hits++;
      return known;
    }
    this.stats.misses++;
    const fragment = Buffer.from(render(), 'utf8');
    this.fragments.set(key, fragment);
    return fragment;
  }

  get size(): number {
    return this.fragments.size;
  }
}

/** The entry `render()` makes for the story, remembered in `entries` when there are any. */
export function entryFragment(
  entries: EntrySource | undefined,
  format: EntryFormat,
  site: SiteSettings,
  article: Article,
  render: () => string,
): Buffer {
  return entries ? entries.fragment(format, site, article, render) : Buffer.from(render(), 'utf8');
}

function remembered<K extends object>(known: WeakMap<K, string>, key: K, compute: () => string): string {
  let value = known.get(key);
  if (value === undefined) {
    value = compute();
    known.set(key, value);
  }
  return value;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}

/**
 * Stands in for already serialised fragments while the rest of a document is serialised; the
 * document's bytes are then the rest with each placeholder replaced by its fragment. Fragments are
 * kept as UTF-8, so a remembered entry is encoded once, not on every publish (encoding 300 KB of
 * non-Latin text costs milliseconds). A marker holds a random nonce, so no story text can ever be
 * taken for one.
 */
export class Splices {
  private static readonly nonce = randomUUID();
  private readonly parts: Buffer[] = [];

  /** A placeholder for `fragment`, to put where the fragment belongs. */
  placeholder(fragment: Buffer): string {
    this.parts.push(fragment);
    return `~splice-${Splices.nonce}-${this.parts.length - 1}~`;
  }

  /**
   * The document's UTF-8 bytes, each whole construct a placeholder stands in (an element, a JSON
   * string) replaced with its fragment: `pattern` builds the regular expression around the given
   * marker source, whose named group `index` is the placeholder's.
   */
  toBytes(serialised: string, pattern: (marker: string) => string): Buffer {
    if (!this.parts.length) return Buffer.from(serialised, 'utf8');
    const expression = new RegExp(pattern(`~splice-${Splices.nonce}-(?<index>\\d+)~`), 'g');
    const pieces: Buffer[] = [];
    let copied = 0;
    for (let match = expression.exec(serialised); match; match = expression.exec(serialised)) {
      pieces.push(Buffer.from(serialised.slice(copied, match.index), 'utf8'), this.parts[Number(match.groups!.index)]!);
      copied = match.index + match[0].length;
    }
    pieces.push(Buffer.from(serialised.slice(copied), 'utf8'));
    return Buffer.concat(pieces);
  }
}
