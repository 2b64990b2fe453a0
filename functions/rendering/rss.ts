import type { Article } from '../domain/article.js';
import { articleId, contentHtml, feedView, imageMimeType, summaryOf, type FeedDocument } from './feed-document.js';
import { rfc822 } from './dates.js';
import { serializeXml, type XmlNode } from './xml.js';

export const RSS_NAMESPACES = {
  '@xmlns:atom': 'http://www.w3.org/2005/Atom',
  '@xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
  '@xmlns:dc': 'http://purl.org/dc/elements/1.1/',
  '@xmlns:media': 'http://search.yahoo.com/mrss/',
};

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
    'media:title': image.alt ? { '@type': 'plain', '#text': image.alt } : undefined,
    'media:description': image.caption ? { '@type': 'plain', '#text': image.caption } : undefined,
    'media:credit': image.credit,
  };
}

function rssItem(document: FeedDocument, article: Article): XmlNode {
  const { image } = article;
  const withEmail = article.authors.find((author) => author.email);
  return {
    title: article.title,
    link: article.url,
    description: summaryOf(article),
    'content:encoded': contentHtml(article),
    // RSS <author> must be an email address; names go in dc:creator.
    author: withEmail ? `${withEmail.email} (${withEmail.name})` : undefined,
    'dc:creator': article.authors.length ? article.authors.map((author) => author.name) : undefined,
    category: article.categories.length ? article.categories : undefined,
    guid: { '@isPermaLink': 'false', '#text': articleId(document.site, article) },
    pubDate: rfc822(article.publishedAt),
    enclosure: image ? { '@url': image.url, '@length': image.length ?? 0, '@type': imageMimeType(image) } : undefined,
    'media:content': mediaContent(article),
  };
}

export function renderRss(document: FeedDocument, options: { stylesheetHref?: string } = {}): string {
  const view = feedView(document);
  const { site } = document;
  return serializeXml(
    {
      rss: {
        '@version': '2.0',
        ...RSS_NAMESPACES,
        channel: {
          title: view.title,
          link: view.homeUrl,
          description: view.description,
          language: view.language,
          copyright: site.copyright,
          lastBuildDate: rfc822(view.updated),
          generator: 'newsroom-feeds',
          docs: 'https://www.rssboard.org/rss-specification',
          'atom:link': [
            { '@href': view.selfUrl('rss'), '@rel': 'self', '@type': 'application/rss+xml' },
            ...site.hubs.map((hub) => ({ '@href': hub, '@rel': 'hub' })),
          ],
          image: view.logoUrl ? { url: view.logoUrl, title: view.title, link: view.homeUrl } : undefined,
          item: document.articles.map((article) => rssItem(document, article)),
        },
      },
    },
    options.stylesheetHref,
  );
}
