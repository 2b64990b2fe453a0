import { createHash } from 'node:crypto';
import type { Article } from '../domain/article.js';
import type { SiteSettings } from '../domain/site.js';
import { atomEntry } from './atom.js';
import { jsonFeedEntry } from './json-feed.js';
import { feedPageEntry } from './feed-page.js';
import type { EntryFormat, EntrySource } from './rendered-entries.js';
import { rssEntry } from './rss.js';

/** One story's entry in each format, serialised (UTF-8) exactly as every feed of the site holds it, and its part of the feed pages. */
export type EntryFragments = Record<EntryFormat, Buffer>;

/** Fragments as stored beside a feed entry, with what they were rendered by. */
export interface StoredFragments extends EntryFragments {
  /** `rendererFingerprint` of the process that rendered them. */
  fingerprint: string;
}

/** Renders a story's three entries and its part of a feed page: done once per version of the story, when it is projected. */
export function renderEntryFragments(site: SiteSettings, article: Article): EntryFragments {
  return {
    rss: Buffer.from(rssEntry(site, article), 'utf8'),
    atom: Buffer.from(atomEntry(site, article), 'utf8'),
    json: Buffer.from(jsonFeedEntry(site, article), 'utf8'),
    html: Buffer.from(feedPageEntry(site, article), 'utf8'),
  };
}

/** A story's entries with the fingerprint of what rendered them: what a feed entry stores. */
export function storedFragmentsOf(site: SiteSettings, article: Article): StoredFragments {
  return { ...renderEntryFragments(site, article), fingerprint: rendererFingerprint(site) };
}

/**
 * Stories that between them use every field an entry shows (a photo with every detail, bylines
 * with and without links, a right-to-left language, a summary derived from the body, text that
 * looks like markup), so that a change to the renderers changes what they render.
 */
const PROBES: Article[] = [
  {
    slug: 'fingerprint-probe-one',
    title: 'Probe <one> & "two"',
    kicker: 'Probe',
    summary: 'An editor’s summary with </em> in it',
    body: '<p>Body with <a href="https://example.org/">a link</a> &amp; more.</p>',
    url: 'https://example.org/probe-one',
    authors: [{ name: 'Ada Probe', email: 'ada@example.org', url: 'https://example.org/ada' }, { name: 'Bo Probe' }],
    categories: ['Probe & Test', 'World'],
    image: {
      url: 'https://example.org/one.webp',
      alt: 'An "alt" text',
      caption: 'Caption &amp;',
      credit: 'Credit <b>',
      width: 800,
      height: 600,
      length: 1234,
    },
    language: 'en',
    status: 'published',
    publishedAt: '2020-01-02T03:04:05.000Z',
    updatedAt: '2020-01-03T03:04:05.000Z',
    revision: 2,
  },
  {
    slug: 'fingerprint-probe-two',
    title: 'مسبار',
    body: `<p>${'نص '.repeat(200)}</p>`,
    url: 'https://example.org/probe-two',
    authors: [{ name: 'Sole Author', email: 'sole@example.org' }],
    categories: [],
    language: 'ar',
    status: 'published',
    publishedAt: '2020-01-02T03:04:05.000Z',
    updatedAt: '2020-01-02T03:04:05.000Z',
    revision: 1,
  },
];

const fingerprints = new WeakMap<SiteSettings, string>();

/**
 * What stored fragments must have been rendered with to be used as they are: the site's settings
 * and the renderers' output for the probe stories, so a deployment that changes either renders
 * every story afresh instead of serving entries made by the code or settings before it.
 */
export function rendererFingerprint(site: SiteSettings): string {
  let fingerprint = fingerprints.get(site);
  if (fingerprint === undefined) {
    const hash = createHash('sha256').update(JSON.stringify(site));
    for (const probe of PROBES) for (const fragment of Object.values(renderEntryFragments(site, probe))) hash.update(fragment);
    fingerprint = hash.digest('base64url').slice(0, 22);
    fingerprints.set(site, fingerprint);
  }
  return fingerprint;
}

/**
 * Entries stored with the stories a feed read returned: a story's stored fragment is used when it
 * was rendered by this fingerprint, and otherwise the story is rendered (or taken from `fallback`).
 */
export class StoredEntries implements EntrySource {
  readonly stats = { stored: 0, rendered: 0 };

  constructor(
    private readonly stored: ReadonlyMap<Article, StoredFragments>,
    private readonly fallback?: EntrySource,
  ) {}

  fragment(format: EntryFormat, site: SiteSettings, article: Article, render: () => string): Buffer {
    const fragments = this.stored.get(article);
    if (fragments && fragments.fingerprint === rendererFingerprint(site)) {
      this.stats.stored++;
      return fragments[format];
    }
    this.stats.rendered++;
    return this.fallback ? this.fallback.fragment(format, site, article, render) : Buffer.from(render(), 'utf8');
  }
}
