import { type AtomFeed, type JsonFeed, type MediaNs, parseFeed, type RssFeed } from 'feedsmith';
import { firstFigureImage, plainText, type SourceImage, type SourceItem, SourceDocumentError, textOfHtml } from './source-items.js';
import { xmlRecords } from './xml-records.js';

/**
 * The items of an RSS 2.0, Atom 1.0 or JSON Feed 1.0/1.1 document, read by feedsmith. An XML
 * document is first read through the strict streaming parser, which refuses what feedsmith would
 * quietly accept: a truncated file, or entity declarations.
 */
export async function feedDocumentItems(text: string): Promise<{ format: string; items: SourceItem[] }> {
  const json = text.trimStart().startsWith('{');
  if (json) {
    try {
      JSON.parse(text);
    } catch (error) {
      throw new SourceDocumentError(`is not valid JSON: ${(error as Error).message}`);
    }
  } else {
    for await (const _ of xmlRecords([text], () => false)) {
      // only checks the document
    }
  }
  let parsed: ReturnType<typeof parseFeed<string>>;
  try {
    parsed = parseFeed<string>(text);
  } catch (error) {
    throw new SourceDocumentError(`is not an RSS 2.0, Atom 1.0 or JSON Feed document (${(error as Error).message})`);
  }
  switch (parsed.format) {
    case 'rss':
      return { format: 'RSS 2.0', items: rssItems(parsed.feed) };
    case 'atom':
      return { format: 'Atom 1.0', items: atomItems(parsed.feed) };
    case 'json':
      return { format: 'JSON Feed', items: jsonItems(parsed.feed) };
    default:
      throw new SourceDocumentError('is an RSS 1.0 (RDF) feed, which the import does not read; export RSS 2.0 or Atom instead');
  }
}

const isImage = (type: string | undefined, medium: string | undefined) => medium === 'image' || (type?.startsWith('image/') ?? false);

/** Media RSS: the first image `media:content` (in a group or not), its description and credit. */
function mediaImage(media: MediaNs.ItemOrFeed | undefined): SourceImage | undefined {
  if (!media) return undefined;
  const contents = [...(media.contents ?? []), ...(media.groups ?? []).flatMap((group) => group.contents ?? [])];
  const content = contents.find((candidate) => candidate.url && isImage(candidate.type, candidate.medium));
  const thumbnail = media.thumbnails?.find((candidate) => candidate.url);
  const url = content?.url ?? thumbnail?.url;
  if (!url) return undefined;
  const caption = content?.description?.value ?? media.description?.value;
  const credit = (content?.credits ?? media.credits)
    ?.map((entry) => entry.value?.trim())
    .filter(Boolean)
    .join(', ');
  return {
    url,
    caption: textOfHtml(caption),
    credit: credit || undefined,
    alt: textOfHtml(content?.title?.value),
    type: content?.type?.startsWith('image/') ? content.type : undefined,
  };
}

/** A figure's caption and the media element's, combined: the media element names the file, the figure describes it. */
function leadImage(fromMedia: SourceImage | undefined, html: string | undefined): SourceImage | undefined {
  const figure = firstFigureImage(html);
  if (!fromMedia) return figure;
  if (!figure || figure.url !== fromMedia.url) return fromMedia;
  return { ...figure, ...Object.fromEntries(Object.entries(fromMedia).filter(([, value]) => value !== undefined)) };
}

function rssItems(feed: RssFeed.Feed<string>): SourceItem[] {
  return (feed.items ?? []).map((item, index) => {
    const contentHtml = item.content?.encoded ?? item.description;
    const enclosure = item.enclosures?.find((candidate) => candidate.url && candidate.type?.startsWith('image/'));
    const fromEnclosure: SourceImage | undefined = enclosure?.url ? { url: enclosure.url, type: enclosure.type } : undefined;
    const creators = item.dc?.creators ?? [];
    const authors = item.authors?.length ? item.authors.map(rssAuthorName) : creators;
    return {
      position: index + 1,
      id: item.guid?.value?.trim() || undefined,
      title: plainText(item.title),
      summary: item.content?.encoded && item.description ? excerptText(item.description) : undefined,
      contentHtml,
      authors: authors.map((author) => author.trim()).filter(Boolean),
      categories: (item.categories ?? []).map((category) => category.name?.trim() ?? '').filter(Boolean),
      tags: [],
      published: item.pubDate ?? item.dc?.dates?.[0],
      updated: undefined,
      link: item.link?.trim() || (item.guid?.isPermaLink !== false ? item.guid?.value : undefined),
      image: leadImage(mediaImage(item.media) ?? fromEnclosure, contentHtml),
      language: item.dc?.languages?.[0] ?? feed.language,
    };
  });
}

/** RSS `author` is an email address, with the name in parentheses: `jo@example.com (Jo Bloggs)`. */
function rssAuthorName(author: RssFeed.Person): string {
  return author.name ?? author.email?.replace(/@.*$/, '') ?? '';
}

/** WordPress ends every excerpt with " [&#8230;]" (or "…"): the reader's feed should not. */
export function excerptText(html: string): string | undefined {
  return textOfHtml(html)
    ?.replace(/\s*\[(?:…|\.\.\.)\]\s*$/, '')
    .replace(/\s*The post .* appeared first on .*\.$/, '')
    .trim();
}

function atomText(text: AtomFeed.Text | undefined): string | undefined {
  if (!text) return undefined;
  return text.type === 'html' || text.type === 'xhtml' ? textOfHtml(text.value) : plainText(text.value);
}

function atomItems(feed: AtomFeed.Feed<string>): SourceItem[] {
  return (feed.entries ?? []).map((entry, index) => {
    const content = entry.content;
    const contentHtml =
      content?.value === undefined ? undefined : content.type === 'text' || !content.type ? escapeText(content.value) : content.value;
    const alternate = entry.links?.find((link) => link.href && (link.rel === undefined || link.rel === 'alternate'));
    const summaryHtml = entry.summary?.type === 'html' || entry.summary?.type === 'xhtml' ? entry.summary.value : undefined;
    return {
      position: index + 1,
      id: entry.id?.trim() || undefined,
      title: atomText(entry.title),
      summary: atomText(entry.summary),
      contentHtml: contentHtml ?? summaryHtml ?? (entry.summary?.value ? escapeText(entry.summary.value) : undefined),
      authors: (entry.authors ?? feed.authors ?? []).map((author) => author.name?.trim() ?? '').filter(Boolean),
      categories: (entry.categories ?? []).map((category) => (category.label ?? category.term ?? '').trim()).filter(Boolean),
      tags: [],
      published: entry.published ?? entry.updated,
      updated: entry.published && entry.updated && entry.updated !== entry.published ? entry.updated : undefined,
      link: alternate?.href,
      image: leadImage(mediaImage(entry.media), contentHtml),
      language: feed.xml?.lang,
    };
  });
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function jsonItems(feed: JsonFeed.Feed<string>): SourceItem[] {
  return (feed.items ?? []).map((item, index) => {
    const contentHtml = item.content_html ?? (item.content_text === undefined ? undefined : escapeText(item.content_text));
    const authors = item.authors ?? feed.authors ?? [];
    return {
      position: index + 1,
      id: item.id === undefined ? undefined : String(item.id).trim() || undefined,
      title: plainText(item.title),
      summary: item.summary?.trim() || undefined,
      contentHtml,
      authors: authors.map((author) => author.name?.trim() ?? '').filter(Boolean),
      // JSON Feed has tags only, and is where other platforms put their categories.
      categories: (item.tags ?? []).map((tag) => tag.trim()).filter(Boolean),
      tags: [],
      published: item.date_published,
      updated: item.date_modified && item.date_modified !== item.date_published ? item.date_modified : undefined,
      link: item.url ?? item.external_url,
      image: item.image ? { url: item.image, ...imageDetails(firstFigureImage(contentHtml), item.image) } : firstFigureImage(contentHtml),
      language: item.language ?? feed.language,
    };
  });
}

/** The figure's alt text and caption, when the figure shows the same image. */
function imageDetails(figure: SourceImage | undefined, url: string): Partial<SourceImage> {
  return figure?.url === url ? { alt: figure.alt, caption: figure.caption } : {};
}
