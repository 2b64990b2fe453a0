import type { Article } from '../domain/article.js';
import {
  articleId,
  guidIsPermaLink,
  contentHtml,
  escapeHtml,
  feedView,
  imageMimeType,
  LOOKS_LIKE_MARKUP,
  summaryOf,
  type FeedDocument,
  type FeedView,
} from './feed-document.js';
import { rfc3339, rfc822 } from './dates.js';
import type { SiteSettings } from '../domain/site.js';
import { entryFragment, Splices, type EntrySource } from './rendered-entries.js';
import { placeholderElement, serializeXml, serializeXmlElement, type XmlNode } from './xml.js';

export const RSS_NAMESPACES = {
  '@xmlns:atom': 'http://www.w3.org/2005/Atom',
  '@xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
  '@xmlns:dc': 'http://purl.org/dc/elements/1.1/',
  '@xmlns:media': 'http://search.yahoo.com/mrss/',
};

/** RFC 5005 (Feed Paging and Archiving). */
export const FEED_HISTORY_NAMESPACE = 'http://purl.org/syndication/history/1.0';

/** RSS elements whose text is plain text (see SerializeOptions.plainTextElements). */
const RSS_PLAIN_TEXT = new Set([
  'title',
  'description',
  'category',
  'dc:creator',
  'author',
  'copyright',
  'media:title',
  'media:description',
  'media:credit',
]);

/**
 * A Media RSS text: `plain`, or `html` (escaped) when it looks like markup, so that a caption that
 * mentions "</em>" is not taken for markup.
 */
function mediaText(text: string | undefined): XmlNode | undefined {
  if (!text) return undefined;
  return LOOKS_LIKE_MARKUP.test(text) ? { '@type': 'html', '#text': escapeHtml(text) } : { '@type': 'plain', '#text': text };
}

/** Media RSS for the lead photo: the caption and the credit travel with it. */
export function mediaContent(article: Article): XmlNode | undefined {
  const { image } = article;
  if (!image) return undefined;
  return {
    '@url': image.url,
    '@medium': 'image',
    '@type': imageMimeType(image),
    '@fileSize': image.length,
    '@width': image.width,
    '@height': image.height,
    'media:title': mediaText(image.alt),
    'media:description': mediaText(image.caption),
    'media:credit': image.credit,
  };
}

/**
 * RSS 2.0 allows one `<author>`, and it must be an email address; names belong in `dc:creator`.
 * Carrying both makes the pair ambiguous (and the W3C validator warns), so a sole byline with an
 * email gets `<author>email (Name)</author>`, and every other byline gets one `dc:creator` per name
 * (the emails then travel in Atom and JSON Feed only).
 */
function bylines(article: Article): XmlNode {
  const [only, ...others] = article.authors;
  if (only?.email && !others.length) return { author: `${only.email} (${only.name})` };
  return { 'dc:creator': article.authors.length ? article.authors.map((author) => author.name) : undefined };
}

function rssItem(site: SiteSettings, article: Article): XmlNode {
  const { image } = article;
  return {
    title: article.title,
    link: article.url,
    // RSS descriptions are HTML: the plain-text summary is escaped so "<b>" in it stays text.
    description: escapeHtml(summaryOf(article)),
    'content:encoded': contentHtml(article),
    ...bylines(article),
    category: article.categories.length ? article.categories : undefined,
    guid: { '@isPermaLink': guidIsPermaLink(article) ? 'true' : 'false', '#text': articleId(site, article) },
    pubDate: rfc822(article.publishedAt),
    // A correction moves this, never pubDate (RSS 2.0 has no element of its own for it).
    'atom:updated': rfc3339(article.updatedAt),
    enclosure: image ? { '@url': image.url, '@length': image.length ?? 0, '@type': imageMimeType(image) } : undefined,
    'media:content': mediaContent(article),
  };
}

/** `atom:link`s of a channel or `link`s of an Atom feed: self, hubs and RFC 5005 neighbours. */
export function navigationLinks(view: FeedView, hubs: string[], format: 'rss' | 'atom'): XmlNode[] {
  const type = format === 'rss' ? 'application/rss+xml' : 'application/atom+xml';
  const link = (rel: string, href: string, withType = true): XmlNode => ({
    '@rel': rel,
    '@type': withType ? type : undefined,
    '@href': href,
  });
  return [
    link('self', view.selfUrl(format)),
    // Archive pages are not subscribed to, so only the subscription feed advertises the hubs.
    ...(view.isArchive ? [] : hubs.map((hub) => link('hub', hub, false))),
    ...(view.isArchive ? [link('current', view.currentUrl(format))] : []),
    ...(view.olderUrl ? [link('prev-archive', view.olderUrl(format))] : []),
    ...(view.newerUrl ? [link('next-archive', view.newerUrl(format))] : []),
  ];
}

/** One story's `<item>`, serialised as it sits in any RSS feed of the site. */
export function rssEntry(site: SiteSettings, article: Article): string {
  return serializeXmlElement('item', rssItem(site, article), 2, { plainTextElements: RSS_PLAIN_TEXT });
}

export interface RenderOptions {
  /** Entries rendered before, reused for stories that have not changed since. */
  entries?: EntrySource | undefined;
}

export function renderRss(document: FeedDocument, options: RenderOptions = {}): string {
  return renderRssBytes(document, options).toString('utf8');
}

/** The RSS document as UTF-8, as it is stored. */
export function renderRssBytes(document: FeedDocument, options: RenderOptions = {}): Buffer {
  const view = feedView(document);
  const { site } = document;
  const splices = new Splices();
  const item = document.articles.map((article) =>
    splices.placeholder(entryFragment(options.entries, 'rss', site, article, () => rssEntry(site, article))),
  );
  const xml = serializeXml(
    {
      rss: {
        '@version': '2.0',
        ...RSS_NAMESPACES,
        '@xmlns:fh': view.isArchive ? FEED_HISTORY_NAMESPACE : undefined,
        channel: {
          title: view.title,
          link: view.homeUrl,
          description: view.description,
          language: view.language,
          copyright: site.copyright,
          lastBuildDate: rfc822(view.updated),
          generator: 'newsroom-feeds',
          docs: 'https://www.rssboard.org/rss-specification',
          'atom:link': navigationLinks(view, site.hubs, 'rss').map(({ '@rel': rel, '@type': type, '@href': href }) => ({
            '@href': href,
            '@rel': rel,
            '@type': type,
          })),
          'fh:archive': view.isArchive ? '' : undefined,
          image: view.logoUrl ? { url: view.logoUrl, title: view.title, link: view.homeUrl } : undefined,
          item,
        },
      },
    },
    { plainTextElements: RSS_PLAIN_TEXT },
  );
  return splices.toBytes(xml, placeholderElement);
}
