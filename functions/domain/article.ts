import { createHash } from 'node:crypto';

/** A person or agency credited with a story. */
export interface Author {
  name: string;
  url?: string;
  email?: string;
}

/** The lead photo, with what a newsroom prints under it. */
export interface LeadImage {
  url: string;
  alt?: string;
  caption?: string;
  /** Photographer and/or agency, e.g. "Jane Roe / Reuters". */
  credit?: string;
  /** MIME type, e.g. image/jpeg. Derived from the URL when not given. */
  type?: string;
  /** Size in bytes; unknown is 0 in RSS enclosures. */
  length?: number;
  width?: number;
  height?: number;
}

/**
 * - published: in every feed it belongs to.
 * - scheduled: stored, in no feed until `publishedAt` comes.
 * - retracted: withdrawn; in no feed; kept so a retraction can be announced (Atom tombstones).
 */
export type ArticleStatus = 'published' | 'scheduled' | 'retracted';

/** A story as stored and as the ingest API returns it. */
export interface Article {
  slug: string;
  title: string;
  kicker?: string;
  summary?: string;
  /** Sanitised HTML. */
  body: string;
  /** The Markdown the body was rendered from, when the editor sent Markdown. */
  bodyMarkdown?: string;
  authors: Author[];
  categories: string[];
  /** RFC 3339 with the offset the editor gave; it never changes on a correction. */
  publishedAt: string;
  /** RFC 3339 (UTC): the last change of the content. */
  updatedAt: string;
  /** Canonical link. */
  url: string;
  image?: LeadImage;
  /** BCP 47. */
  language: string;
  /**
   * The id feed readers already have for the story, kept from the feed it was imported from (RSS
   * guid, Atom id, JSON Feed id); without it, the id is a tag: URI built from the slug.
   */
  feedId?: string;
  status: ArticleStatus;
  /** RFC 3339 (UTC), only for retracted stories. */
  retractedAt?: string;
  /** Increases by one on every stored change; used for optimistic concurrency. */
  revision: number;
}

export function isPublic(article: Pick<Article, 'status'>): boolean {
  return article.status === 'published';
}

/** Digests already computed, by story object: a story is never changed once built. */
const digests = new WeakMap<Article, string>();

/**
 * A digest of everything stored for a story, over its attributes in sorted order (a story read
 * back from the table has them in any order): equal digests, the same story. Computed once per
 * story object, however many callers ask (the feed index as it projects the story, the rendered
 * entries of each format).
 */
export function storyDigest(article: Article): string {
  let digest = digests.get(article);
  if (digest === undefined) {
    digest = createHash('sha256').update(JSON.stringify(article, withSortedKeys)).digest('base64');
    digests.set(article, digest);
  }
  return digest;
}

function withSortedKeys(_key: string, value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
