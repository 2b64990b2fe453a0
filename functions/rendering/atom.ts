import type { Article, Author } from '../domain/article.js';
import {
  atomEntryId,
  contentHtml,
  escapeHtml,
  feedView,
  imageMimeType,
  LOOKS_LIKE_MARKUP,
  summaryOf,
  type FeedDocument,
} from './feed-document.js';
import type { SiteSettings } from '../domain/site.js';
import { rfc3339 } from './dates.js';
import { entryFragment, Splices } from './rendered-entries.js';
import { FEED_HISTORY_NAMESPACE, mediaContent, navigationLinks, type RenderOptions } from './rss.js';
import { placeholderElement, serializeXml, serializeXmlElement, type XmlNode } from './xml.js';

/** RFC 6721 (The Atom "deleted-entry" Element). */
const TOMBSTONES_NAMESPACE = 'http://purl.org/atompub/tombstones/1.0';

/**
 * An Atom text construct for plain text. Text that looks like markup ("</b>", "&amp;") goes as
 * escaped HTML, which says the same text unambiguously; everything else stays `type="text"`,
 * which every parser reads back verbatim.
 */
function textConstruct(text: string): XmlNode {
  return LOOKS_LIKE_MARKUP.test(text) ? { '@type': 'html', '#text': escapeHtml(text) } : { '@type': 'text', '#text': text };
}

/**
 * Atom elements of plain text that have no `type` to declare escaped HTML with (person names, the
 * photo credit, rights): their `&` and `<` are written as hexadecimal character references, as in
 * RSS, which readers that decode text as HTML also read verbatim ("&#x26;copy" stays "&copy").
 */
const ATOM_PLAIN_TEXT = new Set(['name', 'media:credit', 'rights']);

/** The categories' scheme: the site's category feeds. */
function categoryScheme(site: SiteSettings): string {
  return `${site.baseUrl}/categories/`;
}

function person(author: Author): XmlNode {
  return { name: author.name, uri: author.url, email: author.email };
}

function atomEntryNode(site: SiteSettings, article: Article): XmlNode {
  const { image } = article;
  return {
    '@xml:lang': article.language !== site.language ? article.language : undefined,
    id: atomEntryId(site, article),
    title: textConstruct(article.title),
    link: [
      { '@rel': 'alternate', '@type': 'text/html', '@href': article.url },
      ...(image ? [{ '@rel': 'enclosure', '@type': imageMimeType(image), '@href': image.url, '@length': image.length }] : []),
    ],
    published: rfc3339(article.publishedAt),
    updated: rfc3339(article.updatedAt),
    author: article.authors.length ? article.authors.map(person) : undefined,
    category: article.categories.length
      ? // The name as term too: many readers show only the term.
        article.categories.map((name) => ({ '@term': name, '@scheme': categoryScheme(site), '@label': name }))
      : undefined,
    summary: textConstruct(summaryOf(article)),
    content: { '@type': 'html', '#text': contentHtml(article) },
    'media:content': mediaContent(article),
  };
}

/** One story's `<entry>`, serialised as it sits in any Atom feed of the site. */
export function atomEntry(site: SiteSettings, article: Article): string {
  return serializeXmlElement('entry', atomEntryNode(site, article), 1, { plainTextElements: ATOM_PLAIN_TEXT });
}

export function renderAtom(document: FeedDocument, options: RenderOptions = {}): string {
  return renderAtomBytes(document, options).toString('utf8');
}

/** The Atom document as UTF-8, as it is stored. */
export function renderAtomBytes(document: FeedDocument, options: RenderOptions = {}): Buffer {
  const view = feedView(document);
  const { site } = document;
  const tombstones = document.tombstones ?? [];
  const splices = new Splices();
  const entry = document.articles.map((article) =>
    splices.placeholder(entryFragment(options.entries, 'atom', site, article, () => atomEntry(site, article))),
  );
  const xml = serializeXml(
    {
      feed: {
        '@xmlns': 'http://www.w3.org/2005/Atom',
        '@xmlns:media': 'http://search.yahoo.com/mrss/',
        '@xmlns:at': tombstones.length ? TOMBSTONES_NAMESPACE : undefined,
        '@xmlns:fh': view.isArchive ? FEED_HISTORY_NAMESPACE : undefined,
        '@xml:lang': view.language,
        id: view.id,
        title: textConstruct(view.title),
        subtitle: textConstruct(view.description),
        updated: view.updated,
        link: [{ '@rel': 'alternate', '@type': 'text/html', '@href': view.homeUrl }, ...navigationLinks(view, site.hubs, 'atom')],
        // Atom requires an author for every entry; entries without a byline inherit the newsroom.
        author: { name: site.title, uri: view.homeUrl },
        generator: 'newsroom-feeds',
        icon: view.iconUrl,
        logo: view.logoUrl,
        rights: site.copyright,
        'fh:archive': view.isArchive ? '' : undefined,
        // Extension elements go before the entries (RFC 4287's grammar puts entries last).
        'at:deleted-entry': tombstones.length
          ? tombstones.map((tombstone) => ({ '@ref': atomEntryId(site, tombstone), '@when': rfc3339(tombstone.when) }))
          : undefined,
        entry,
      },
    },
    { plainTextElements: ATOM_PLAIN_TEXT },
  );
  return splices.toBytes(xml, placeholderElement);
}
