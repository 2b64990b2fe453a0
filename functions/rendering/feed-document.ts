import type { Article } from '../domain/article.js';
import { archiveUrl, type ArchiveDay } from '../domain/archives.js';
import { feedUrl, type FeedFormat, type FeedRef } from '../domain/feeds.js';
import { siteUrl, type SiteSettings } from '../domain/site.js';
import { htmlToText } from '../domain/html-text.js';
import { feedSlug } from '../domain/text.js';

/** Everything a renderer needs for one feed, format-neutral. Renderers are pure functions of it. */
export interface FeedDocument {
  site: SiteSettings;
  feed: FeedRef;
  /** Newest first, already cut to the feed size; only published stories. */
  articles: Article[];
  /** Used as the feed's update time only when it holds no story (and no tombstone). */
  emptySince: Date;
  /** RFC 5005 links: set on the site feed and on its daily archive pages. */
  paging?: FeedPaging | undefined;
  /** RFC 6721: stories recently retracted from this feed (Atom announces them), newest first. */
  tombstones?: Tombstone[] | undefined;
}

/** Where a document sits among the site feed's daily archive pages (RFC 5005 §4). */
export interface FeedPaging {
  /** This document is the archive page of this day (absent for the subscription feed). */
  archiveDay?: ArchiveDay | undefined;
  /** The closest older day with stories: `prev-archive`, and JSON Feed's `next_url`. */
  olderDay?: ArchiveDay | undefined;
  /** The closest newer day with stories: `next-archive` (archive pages only). */
  newerDay?: ArchiveDay | undefined;
}

/** A story withdrawn from a feed: its id and when it was withdrawn. */
export interface Tombstone {
  slug: string;
  /** The story's kept id (`feedId`), when it had one. */
  feedId?: string | undefined;
  /** RFC 3339. */
  when: string;
}

/** Strings and helpers derived from the document that every format shares. */
export interface FeedView {
  title: string;
  description: string;
  homeUrl: string;
  /** This document's own URL (an archive page's, or the feed's). */
  selfUrl: (format: FeedFormat) => string;
  /** The subscription feed's URL (the same as selfUrl except on archive pages). */
  currentUrl: (format: FeedFormat) => string;
  /** RFC 5005 neighbours, when there are any. */
  olderUrl?: ((format: FeedFormat) => string) | undefined;
  newerUrl?: ((format: FeedFormat) => string) | undefined;
  isArchive: boolean;
  id: string;
  updated: string;
  language: string;
  iconUrl?: string | undefined;
  logoUrl?: string | undefined;
}

export function feedTitle(document: FeedDocument): string {
  const { site, feed } = document;
  if (feed.kind === 'site') return site.title;
  const name = feed.name ?? nameFromArticles(document) ?? feed.slug ?? '';
  return `${site.title}: ${name}`;
}

function nameFromArticles({ feed, articles }: FeedDocument): string | undefined {
  for (const article of articles) {
    const names = feed.kind === 'category' ? article.categories : article.authors.map((author) => author.name);
    const match = names.find((name) => feedSlug(name) === feed.slug);
    if (match) return match;
  }
  return undefined;
}

/** The latest of the stories' update times and the tombstones' retraction times. */
function latestChange(document: FeedDocument): string | undefined {
  const times = [
    ...document.articles.map((article) => article.updatedAt),
    ...(document.tombstones ?? []).map((tombstone) => tombstone.when),
  ];
  return times.reduce<string | undefined>(
    (latest, time) => (latest === undefined || Date.parse(time) > Date.parse(latest) ? time : latest),
    undefined,
  );
}

export function feedView(document: FeedDocument): FeedView {
  const { site, feed, paging } = document;
  const archiveDay = paging?.archiveDay;
  const feedTitleText = feedTitle(document);
  const title = archiveDay ? `${feedTitleText} (archive ${archiveDay})` : feedTitleText;
  const baseDescription =
    feed.kind === 'site'
      ? site.description || site.title
      : `${feed.kind === 'category' ? 'Stories in' : 'Stories by'} ${feedTitleText.slice(site.title.length + 2)} from ${site.title}`;
  const description = archiveDay ? `Stories published in ${archiveDay} (UTC). ${baseDescription}` : baseDescription;
  const currentUrl = (format: FeedFormat) => feedUrl(site.baseUrl, feed, format);
  const { olderDay, newerDay } = paging ?? {};
  return {
    title,
    description,
    homeUrl: `${site.baseUrl}/`,
    selfUrl: archiveDay ? (format) => archiveUrl(site.baseUrl, archiveDay, format) : currentUrl,
    currentUrl,
    olderUrl: olderDay ? (format) => archiveUrl(site.baseUrl, olderDay, format) : undefined,
    newerUrl: archiveDay && newerDay ? (format) => archiveUrl(site.baseUrl, newerDay, format) : undefined,
    isArchive: archiveDay !== undefined,
    // One logical feed (RFC 5005): the archive pages keep the subscription feed's id.
    id: tagUri(site, `feed:${feed.key}`),
    updated: new Date(latestChange(document) ?? document.emptySince).toISOString(),
    language: site.language,
    iconUrl: site.icon ? siteUrl(site, site.icon) : undefined,
    logoUrl: site.logo ? siteUrl(site, site.logo) : undefined,
  };
}

/** RFC 4151 tag URI: stable whatever happens to the story's URL or content. */
export function tagUri(site: Pick<SiteSettings, 'tagAuthority'>, specific: string): string {
  return `tag:${site.tagAuthority}:${specific.split(':').map(encodeURIComponent).join(':')}`;
}

/**
 * A story's id in RSS (`guid`) and JSON Feed (`id`): the one readers already had when it came from
 * another feed (`feedId`), else a tag: URI from the slug.
 */
export function articleId(site: Pick<SiteSettings, 'tagAuthority'>, article: Pick<Article, 'slug' | 'feedId'>): string {
  return article.feedId ?? tagUri(site, `article:${article.slug}`);
}

/** An IRI's scheme and the rest, with nothing an IRI cannot hold (spaces, controls, `<>"{}|\^\``). */
const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A story's Atom `id`, which RFC 4287 requires to be an IRI: a kept `feedId` that is one stays as
 * it is (what Atom readers of the old feed had); a bare UUID becomes `urn:uuid:…` (RFC 4122); any
 * other id (a number, a word) becomes a tag: URI that carries it, the same on every render.
 */
export function atomEntryId(site: Pick<SiteSettings, 'tagAuthority'>, article: Pick<Article, 'slug' | 'feedId'>): string {
  const { feedId } = article;
  if (feedId === undefined) return articleId(site, article);
  if (UUID.test(feedId)) return `urn:uuid:${feedId.toLowerCase()}`;
  if (IRI.test(feedId)) return feedId;
  return tagUri(site, `id:${feedId}`);
}

/** RSS: a kept id is a permalink only when it is the story's own address. */
export function guidIsPermaLink(article: Pick<Article, 'url' | 'feedId'>): boolean {
  return article.feedId !== undefined && article.feedId === article.url;
}

/** A one-paragraph plain-text summary: the editor's, or the start of the body. */
export function summaryOf(article: Pick<Article, 'summary' | 'body'>, maxChars = 300): string {
  if (article.summary) return article.summary;
  // Only the start of the body is needed; converting all of it dominated rendering (benchmark).
  // A cut can leave half a tag or entity at the end of the prefix's text, so the prefix is used
  // only when its text runs well past what is kept.
  const prefix = article.body.slice(0, maxChars * 8);
  let text = htmlToText(prefix);
  if (prefix.length < article.body.length && text.length <= maxChars + 200) text = htmlToText(article.body);
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > maxChars / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}

const IMAGE_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: 'image/svg+xml',
};

/** MIME type of the lead image: as given, or from the file extension, or JPEG (the newsroom default). */
export function imageMimeType(image: { url: string; type?: string | undefined }): string {
  if (image.type) return image.type;
  const extension = new URL(image.url).pathname.split('.').pop()?.toLowerCase() ?? '';
  return IMAGE_TYPES[extension] ?? 'image/jpeg';
}

/** Body HTML as feeds carry it: the lead photo as a figure with caption and credit, then the story. */
export function contentHtml(article: Article): string {
  const { image } = article;
  if (!image) return article.body;
  const caption = [image.caption, image.credit].filter((part): part is string => Boolean(part)).map(escapeHtml);
  const figcaption = caption.length ? `<figcaption>${caption.join(' — ')}</figcaption>` : '';
  const alt = escapeHtml(image.alt ?? '');
  return `<figure><img src="${escapeHtml(image.url)}" alt="${alt}">${figcaption}</figure>${article.body}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The named character references HTML decodes even without their semicolon (the "legacy" ones of
 * the WHATWG list, matched as a prefix: "&notit" reads as "¬it"). Readers that take text for HTML
 * turn "&GT 5" into "> 5" and "&copy 2026" into "© 2026".
 */
const LEGACY_ENTITY_NAMES =
  'AElig|AMP|Aacute|Acirc|Agrave|Aring|Atilde|Auml|COPY|Ccedil|ETH|Eacute|Ecirc|Egrave|Euml|GT|Iacute|Icirc|Igrave|Iuml|LT|Ntilde|' +
  'Oacute|Ocirc|Ograve|Oslash|Otilde|Ouml|QUOT|REG|THORN|Uacute|Ucirc|Ugrave|Uuml|Yacute|aacute|acirc|acute|aelig|agrave|amp|' +
  'aring|atilde|auml|brvbar|ccedil|cedil|cent|copy|curren|deg|divide|eacute|ecirc|egrave|eth|euml|frac12|frac14|frac34|gt|iacute|' +
  'icirc|iexcl|igrave|iquest|iuml|laquo|lt|macr|micro|middot|nbsp|not|ntilde|oacute|ocirc|ograve|ordf|ordm|oslash|otilde|ouml|' +
  'para|plusmn|pound|quot|raquo|reg|sect|shy|sup1|sup2|sup3|szlig|thorn|times|uacute|ucirc|ugrave|uml|uuml|yacute|yen|yuml';

/**
 * Plain text a reader or validator could take for markup: an end tag, or anything an HTML decoder
 * would change (a character reference with its semicolon, a numeric one or a legacy named one
 * without). "AT&T" and "R&D" are not.
 */
export const LOOKS_LIKE_MARKUP = new RegExp(`<\\/[A-Za-z]|&#?[A-Za-z0-9]+;|&#(?:[0-9]|[xX][0-9A-Fa-f])|&(?:${LEGACY_ENTITY_NAMES})`);
