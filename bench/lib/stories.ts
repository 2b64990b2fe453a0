/**
 * Deterministic newsroom-like stories for the benchmark: ~5 KB bodies of article markup, a spread
 * of categories and bylines, publish times over the past years in several time zones.
 */

/** Small, fast, seedable PRNG (mulberry32), so every run measures the same stories. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const CATEGORIES = [
  'World',
  'Politics',
  'Business',
  'Economy',
  'Science',
  'Technology',
  'Health',
  'Climate',
  'Culture',
  'Arts',
  'Books',
  'Music',
  'Film',
  'Sport',
  'Education',
  'Local',
  'Opinion',
  'Travel',
  'Food',
  'الشرق الأوسط',
] as const;

const GIVEN = ['Amira', 'Jonas', 'Keiko', 'Luis', 'Ngozi', 'Priya', 'Tomás', 'Wei', 'Zofia', 'Omar'];
const FAMILY = ['Haddad', 'Berg', 'Tanaka', 'Ortega', 'Okafor'];

/** 50 bylines (10 × 5 names). */
export const AUTHORS: readonly string[] = FAMILY.flatMap((family) => GIVEN.map((given) => `${given} ${family}`));

const WORDS = (
  'the council harbour minister storm budget report river election court market season school village ' +
  'hospital festival researchers ferry bridge coast farmers prices survey museum orchestra league ' +
  'said on monday after weeks of talks while officials expected residents would return before winter ' +
  'according to figures published by the agency which also noted that demand rose sharply in the north ' +
  'despite warnings from local groups and a review of the plan is due later this year'
).split(' ');

function sentence(next: () => number, words: number): string {
  const picked = Array.from({ length: words }, () => WORDS[Math.floor(next() * WORDS.length)]!);
  const text = picked.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

/** About `bytes` of article HTML: paragraphs, a subheading, a link, emphasis, a quote. */
export function storyBodyHtml(next: () => number, bytes = 5_000): string {
  const parts: string[] = [];
  let size = 0;
  for (let paragraph = 0; size < bytes; paragraph++) {
    let html: string;
    if (paragraph === 3) html = `<h2>${sentence(next, 5).slice(0, -1)}</h2>`;
    else if (paragraph === 5) html = `<blockquote><p>“${sentence(next, 14)}”</p></blockquote>`;
    else {
      const sentences = Array.from({ length: 3 + Math.floor(next() * 3) }, () => sentence(next, 10 + Math.floor(next() * 12)));
      if (paragraph === 1) sentences[1] = `<a href="https://example.org/reports/${Math.floor(next() * 1e6)}">${sentences[1]}</a>`;
      if (paragraph === 2) sentences[0] = `<strong>${sentences[0]}</strong> <em>${sentence(next, 4)}</em>`;
      html = `<p>${sentences.join(' ')}</p>`;
    }
    parts.push(html);
    size += Buffer.byteLength(html) + 1;
  }
  return parts.join('\n');
}

const ZONES = ['Z', '+00:00', '+01:00', '+09:00', '-05:00', '+05:30', '+03:00'];

/** RFC 3339 with one of several editor time zones, for the given instant. */
export function inZone(instant: number, zone: string): string {
  if (zone === 'Z') return new Date(instant).toISOString().replace('.000Z', 'Z');
  const sign = zone.startsWith('-') ? -1 : 1;
  const minutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return new Date(instant + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, zone);
}

export interface StoryInput {
  title: string;
  kicker?: string;
  summary?: string;
  body: string;
  authors: { name: string; url?: string }[];
  categories: string[];
  publishedAt?: string;
  image?: { url: string; alt?: string; caption?: string; credit?: string; width?: number; height?: number };
}

export interface StoryOptions {
  /** Index of the story; picks its (deterministic) content. */
  index: number;
  /** Categories and bylines; default: one or two of each, spread over the full lists. */
  categories?: string[];
  authors?: string[];
  publishedAt?: string;
  bodyBytes?: number;
  /** Whether the story carries an editor's summary (otherwise feeds derive one from the body). */
  summary?: boolean;
}

/** What an editor sends to `PUT /articles/{slug}`. */
export function storyInput(options: StoryOptions): StoryInput {
  const next = random(options.index * 7919 + 17);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const categories = options.categories ?? [...new Set([pick(CATEGORIES), ...(next() < 0.3 ? [pick(CATEGORIES)] : [])])];
  const authors = options.authors ?? [...new Set([pick(AUTHORS), ...(next() < 0.2 ? [pick(AUTHORS)] : [])])];
  const withImage = next() < 0.6;
  return {
    title: sentence(next, 6 + Math.floor(next() * 6)).slice(0, -1),
    ...(next() < 0.4 ? { kicker: sentence(next, 2).slice(0, -1) } : {}),
    ...((options.summary ?? true) ? { summary: sentence(next, 25) } : {}),
    body: storyBodyHtml(next, options.bodyBytes),
    authors: authors.map((name, position) =>
      position === 0 && next() < 0.5
        ? { name, url: `https://news.example.com/staff/${name.toLowerCase().replace(/\W+/g, '-')}` }
        : { name },
    ),
    categories,
    ...(options.publishedAt ? { publishedAt: options.publishedAt } : {}),
    ...(withImage
      ? {
          image: {
            url: `https://cdn.example.com/photos/${options.index}.jpg`,
            alt: sentence(next, 6),
            caption: sentence(next, 12),
            credit: `${pick(AUTHORS)} / Meridian`,
            width: 1600,
            height: 900,
          },
        }
      : {}),
  };
}

/** A publish time within `spanMs` before the last hour, in one of several zones. */
export function pastPublishTime(index: number, now: number, spanMs: number): string {
  const next = random(index * 104729 + 3);
  const instant = now - Math.floor(next() * spanMs) - 3_600_000;
  return inZone(Math.floor(instant / 1000) * 1000, ZONES[Math.floor(next() * ZONES.length)]!);
}

export function storySlug(prefix: string, index: number): string {
  return `${prefix}-${index.toString().padStart(6, '0')}`;
}
