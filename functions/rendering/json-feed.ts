import type { Article, Author } from '../domain/article.js';
import { xmlSafe } from '../domain/text.js';
import { articleId, contentHtml, feedView, imageMimeType, summaryOf, type FeedDocument } from './feed-document.js';
import { rfc3339 } from './dates.js';
import type { SiteSettings } from '../domain/site.js';
import { entryFragment, Splices, type EntrySource } from './rendered-entries.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined } | undefined;

function jsonAuthor(author: Author): Json {
  return { name: author.name, url: author.url ?? (author.email ? `mailto:${author.email}` : undefined) };
}

function jsonItem(site: SiteSettings, article: Article): Json {
  const { image } = article;
  return {
    id: articleId(site, article),
    url: article.url,
    title: article.title,
    content_html: contentHtml(article),
    summary: summaryOf(article),
    image: image?.url,
    date_published: rfc3339(article.publishedAt),
    date_modified: rfc3339(article.updatedAt),
    authors: article.authors.length ? article.authors.map(jsonAuthor) : undefined,
    tags: article.categories.length ? article.categories : undefined,
    language: article.language,
    attachments: image
      ? [{ url: image.url, mime_type: imageMimeType(image), title: image.caption, size_in_bytes: image.length }]
      : undefined,
    // Extension (JSON Feed 1.1 §"Extensions"): what the core format has no field for.
    _newsroom: {
      kicker: article.kicker,
      image: image ? { alt: image.alt, caption: image.caption, credit: image.credit, width: image.width, height: image.height } : undefined,
    },
  };
}

/** The same cleaning as the XML formats, so a feed reader sees the same text everywhere. */
const cleanStrings = (_key: string, value: unknown) => (typeof value === 'string' ? xmlSafe(value) : value);

/** Items sit two levels deep (in `items`, in the feed object); JSON strings never hold a raw line break. */
function serializeItem(item: Json): string {
  return JSON.stringify(item, cleanStrings, 2).replace(/\n/g, '\n    ');
}

/** One story's item, serialised as it sits in any JSON Feed of the site. */
export function jsonFeedEntry(site: SiteSettings, article: Article): string {
  return serializeItem(jsonItem(site, article));
}

/** JSON Feed 1.1 (https://jsonfeed.org/version/1.1). */
export function renderJsonFeed(document: FeedDocument, options: { entries?: EntrySource | undefined } = {}): string {
  return renderJsonFeedBytes(document, options).toString('utf8');
}

/** The JSON Feed as UTF-8, as it is stored. */
export function renderJsonFeedBytes(document: FeedDocument, options: { entries?: EntrySource | undefined } = {}): Buffer {
  const view = feedView(document);
  const { site } = document;
  const splices = new Splices();
  const items = document.articles.map((article) =>
    splices.placeholder(entryFragment(options.entries, 'json', site, article, () => jsonFeedEntry(site, article))),
  );
  const feed: Json = {
    version: 'https://jsonfeed.org/version/1.1',
    title: view.title,
    home_page_url: view.homeUrl,
    feed_url: view.selfUrl('json'),
    description: view.description,
    user_comment: view.isArchive
      ? `An archive page of this JSON Feed; subscribe to ${view.currentUrl('json')} instead.`
      : 'This is a JSON Feed (https://jsonfeed.org). Paste its address into a feed reader to follow it.',
    // Older stories (RFC 5005's prev-archive): the archive page of the previous day with stories.
    next_url: view.olderUrl?.('json'),
    icon: view.logoUrl,
    favicon: view.iconUrl,
    language: view.language,
    authors: [{ name: site.title, url: view.homeUrl }],
    hubs: site.hubs.length && !view.isArchive ? site.hubs.map((url) => ({ type: 'WebSub', url })) : undefined,
    items,
    // Extension: what JSON Feed has no field for (RFC 5005 links of archive pages).
    _newsroom: view.isArchive
      ? { archive_day: document.paging?.archiveDay, current_url: view.currentUrl('json'), newer_url: view.newerUrl?.('json') }
      : undefined,
  };
  // Each item's placeholder string (quotes included) becomes the item serialised beforehand.
  return splices.toBytes(JSON.stringify(feed, cleanStrings, 2), (marker) => `"${marker}"`);
}
