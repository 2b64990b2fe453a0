import { Readable } from 'node:stream';
import { parseFeed } from '@rowanmanning/feed-parser';
import FeedParser from 'feedparser';
import RssParser from 'rss-parser';

/** What a feed reader gets out of an item, as each parser reports it. */
export interface ReadItem {
  id: string | undefined;
  title: string | undefined;
  link: string | undefined;
  published: Date | undefined;
  authors: string[];
  categories: string[];
  image: string | undefined;
  caption: string | undefined;
  credit: string | undefined;
}

export type ParserName = 'rss-parser' | '@rowanmanning/feed-parser' | 'feedparser';

type Raw = Record<string, unknown>;

const first = <T>(value: T | T[] | undefined): T | undefined => (Array.isArray(value) ? value[0] : value);
const text = (value: unknown): string | undefined => {
  const one = first(value as unknown[]);
  if (one === undefined || one === null) return undefined;
  if (typeof one === 'string') return one;
  const object = one as Raw;
  return (object._ ?? object['#']) as string | undefined;
};
const unescapeIfHtml = (value: unknown): string | undefined => {
  const one = first(value as unknown[]) as Raw | string | undefined;
  const type = typeof one === 'object' && one ? ((one.$ as Raw | undefined)?.type ?? (one['@'] as Raw | undefined)?.type) : undefined;
  const raw = text(value);
  return type === 'html' && raw !== undefined
    ? raw
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&')
    : raw;
};

/** RSS `<author>` is "email (Name)"; a reader shows the name. */
const nameOf = (author: string) => /^\S+@\S+ \((.+)\)$/.exec(author)?.[1] ?? author;

const rssParser = new RssParser({
  customFields: {
    item: [
      ['dc:creator', 'creators', { keepArray: true }],
      ['media:content', 'media'],
      ['author', 'authorsRaw', { keepArray: true }],
      ['category', 'categoriesRaw', { keepArray: true }],
      ['published', 'published'],
    ],
  },
});

export async function readWithRssParser(xml: string): Promise<ReadItem[]> {
  const feed = await rssParser.parseString(xml);
  return feed.items.map((item) => {
    const raw = item as unknown as Raw;
    const media = raw.media as Raw | undefined;
    const atomAuthors = ((raw.authorsRaw as unknown[] | undefined) ?? []).flatMap((author) =>
      typeof author === 'object' && author && 'name' in author ? [String(first((author as Raw).name as unknown[]))] : [],
    );
    const categories = ((raw.categoriesRaw as unknown[] | undefined) ?? []).map((category) =>
      typeof category === 'string' ? category : String(((category as Raw).$ as Raw | undefined)?.label ?? (category as Raw)._),
    );
    return {
      id: item.guid ?? (raw.id as string | undefined),
      title: item.title,
      link: item.link,
      published: item.isoDate ? new Date(item.isoDate) : undefined,
      authors: (raw.creators as string[] | undefined) ?? (atomAuthors.length ? atomAuthors : item.creator ? [nameOf(item.creator)] : []),
      categories,
      image: item.enclosure?.url ?? ((media?.$ as Raw | undefined)?.url as string | undefined),
      caption: unescapeIfHtml(media?.['media:description']),
      credit: text(media?.['media:credit']),
    };
  });
}

export function readWithRowanmanning(xml: string): ReadItem[] {
  return parseFeed(xml).items.map((item) => ({
    id: item.id ?? undefined,
    title: item.title ?? undefined,
    link: item.url ?? undefined,
    published: item.published ?? undefined,
    authors: item.authors.map((author) => author.name ?? '').filter(Boolean),
    categories: item.categories.map((category) => category.label ?? category.term ?? ''),
    image: item.media[0]?.url ?? undefined,
    // This parser does not expose Media RSS captions and credits.
    caption: undefined,
    credit: undefined,
  }));
}

export function readWithFeedparser(xml: string): Promise<ReadItem[]> {
  return new Promise((resolve, reject) => {
    const parser = new FeedParser({ normalize: true, addmeta: false });
    const items: ReadItem[] = [];
    parser.on('error', reject);
    parser.on('readable', () => {
      for (let item = parser.read(); item; item = parser.read()) {
        const media = (item as unknown as Raw)['media:content'] as Raw | undefined;
        items.push({
          id: item.guid,
          title: item.title,
          link: item.link,
          published: item.pubdate ?? undefined,
          authors: item.author ? [item.author] : [],
          categories: item.categories,
          image: item.enclosures[0]?.url ?? undefined,
          caption: unescapeIfHtml(media?.['media:description']),
          credit: text(media?.['media:credit']),
        });
      }
    });
    parser.on('end', () => resolve(items));
    Readable.from([Buffer.from(xml, 'utf8')]).pipe(parser);
  });
}

export const READERS: Record<ParserName, (xml: string) => ReadItem[] | Promise<ReadItem[]>> = {
  'rss-parser': readWithRssParser,
  '@rowanmanning/feed-parser': readWithRowanmanning,
  feedparser: readWithFeedparser,
};
