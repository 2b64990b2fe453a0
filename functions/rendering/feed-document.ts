import type { Article } from '../domain/article.js';
import { feedUrl, type FeedFormat, type FeedRef } from '../domain/feeds.js';
import { siteUrl, type SiteSettings } from '../domain/site.js';
import { htmlToText } from '../domain/html.js';
import { feedSlug } from '../domain/text.js';

/** Everything a renderer needs for one feed, format-neutral. Renderers are pure functions of it. */
export interface FeedDocument {
  site: SiteSettings;
  feed: FeedRef;
  /** Newest first, already cut to the feed size; only published stories. */
  articles: Article[];
  /** Used as the feed's update time only when it holds no story. */
  emptySince: Date;
}

/** Strings and helpers derived from the document that every format shares. */
export interface FeedView {
  title: string;
  description: string;
  homeUrl: string;
  selfUrl: (format: FeedFormat) => string;
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

export function feedView(document: FeedDocument): FeedView {
  const { site, feed, articles } = document;
  const latestUpdate = articles.reduce<string | undefined>(
    (latest, article) => (latest === undefined || Date.parse(article.updatedAt) > Date.parse(latest) ? article.updatedAt : latest),
    undefined,
  );
  const title = feedTitle(document);
  const description =
    feed.kind === 'site' ? site.description || site.title : `${feed.kind === 'category' ? 'Stories in' : 'Stories by'} ${title.slice(site.title.length + 2)} from ${site.title}`;
  return {
    title,
    description,
    homeUrl: `${site.baseUrl}/`,
    selfUrl: (format) => feedUrl(site.baseUrl, feed, format),
    id: tagUri(site, `feed:${feed.key}`),
    updated: new Date(latestUpdate ?? document.emptySince).toISOString(),
    language: site.language,
    iconUrl: site.icon ? siteUrl(site, site.icon) : undefined,
    logoUrl: site.logo ? siteUrl(site, site.logo) : undefined,
  };
}

/** RFC 4151 tag URI: stable whatever happens to the story's URL or content. */
export function tagUri(site: Pick<SiteSettings, 'tagAuthority'>, specific: string): string {
  return `tag:${site.tagAuthority}:${specific.split(':').map(encodeURIComponent).join(':')}`;
}

export function articleId(site: Pick<SiteSettings, 'tagAuthority'>, article: Pick<Article, 'slug'>): string {
  return tagUri(site, `article:${article.slug}`);
}

/** A one-paragraph plain-text summary: the editor's, or the start of the body. */
export function summaryOf(article: Pick<Article, 'summary' | 'body'>, maxChars = 300): string {
  if (article.summary) return article.summary;
  const text = htmlToText(article.body);
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
