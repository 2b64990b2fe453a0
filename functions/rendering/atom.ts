import type { Article, Author } from '../domain/article.js';
import { categoryFeed } from '../domain/feeds.js';
import { articleId, contentHtml, feedView, imageMimeType, summaryOf, type FeedDocument } from './feed-document.js';
import { rfc3339 } from './dates.js';
import { mediaContent } from './rss.js';
import { serializeXml, type XmlNode } from './xml.js';

function person(author: Author): XmlNode {
  return { name: author.name, uri: author.url, email: author.email };
}

function atomEntry(document: FeedDocument, article: Article): XmlNode {
  const { image } = article;
  return {
    '@xml:lang': article.language !== document.site.language ? article.language : undefined,
    id: articleId(document.site, article),
    title: { '@type': 'text', '#text': article.title },
    link: [
      { '@rel': 'alternate', '@type': 'text/html', '@href': article.url },
      ...(image
        ? [{ '@rel': 'enclosure', '@type': imageMimeType(image), '@href': image.url, '@length': image.length }]
        : []),
    ],
    published: rfc3339(article.publishedAt),
    updated: rfc3339(article.updatedAt),
    author: article.authors.length ? article.authors.map(person) : undefined,
    category: article.categories.length
      ? article.categories.map((name) => ({ '@term': categoryFeed(name).slug!, '@label': name }))
      : undefined,
    summary: { '@type': 'text', '#text': summaryOf(article) },
    content: { '@type': 'html', '#text': contentHtml(article) },
    'media:content': mediaContent(article),
  };
}

export function renderAtom(document: FeedDocument, options: { stylesheetHref?: string } = {}): string {
  const view = feedView(document);
  const { site } = document;
  return serializeXml(
    {
      feed: {
        '@xmlns': 'http://www.w3.org/2005/Atom',
        '@xmlns:media': 'http://search.yahoo.com/mrss/',
        '@xml:lang': view.language,
        id: view.id,
        title: { '@type': 'text', '#text': view.title },
        subtitle: { '@type': 'text', '#text': view.description },
        updated: view.updated,
        link: [
          { '@rel': 'self', '@type': 'application/atom+xml', '@href': view.selfUrl('atom') },
          { '@rel': 'alternate', '@type': 'text/html', '@href': view.homeUrl },
          ...site.hubs.map((hub) => ({ '@rel': 'hub', '@href': hub })),
        ],
        // Atom requires an author for every entry; entries without a byline inherit the newsroom.
        author: { name: site.title, uri: view.homeUrl },
        generator: 'newsroom-feeds',
        icon: view.iconUrl,
        logo: view.logoUrl,
        rights: site.copyright,
        entry: document.articles.map((article) => atomEntry(document, article)),
      },
    },
    options.stylesheetHref,
  );
}
