import { Readable } from 'node:stream';
import { parseFeed } from '@rowanmanning/feed-parser';
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import FeedParser from 'feedparser';
import jsonFeedSchema from 'jsonfeed-schema/schema-v1.1.json' with { type: 'json' };
import RssParser from 'rss-parser';

/** Throws with the parser's message when the text is not well-formed XML. */
export function assertWellFormedXml(xml: string): void {
  const result = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (result !== true) throw new Error(`Not well-formed XML: ${result.err.msg} at line ${result.err.line}`);
}

/** A namespace-aware-enough tree for asserting on elements. */
export function xmlTree(xml: string): Record<string, unknown> {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    isArray: (name) => ['item', 'entry', 'category', 'link', 'dc:creator', 'author'].includes(name),
  }).parse(xml) as Record<string, unknown>;
}

const ajv = new Ajv({ allErrors: true, strict: false });
// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module.
const addFormats = ((addFormatsPlugin as unknown as { default?: unknown }).default ?? addFormatsPlugin) as (instance: Ajv) => Ajv;
addFormats(ajv);
const validateJsonFeedSchema = ajv.compile(jsonFeedSchema);

/** Errors of a JSON Feed against the JSON Feed 1.1 schema (empty when valid). */
export function jsonFeedErrors(json: unknown): string[] {
  if (validateJsonFeedSchema(json)) return [];
  return (validateJsonFeedSchema.errors ?? []).map(
    (error: { instancePath: string; message?: string }) => `${error.instancePath} ${error.message ?? ''}`,
  );
}

export interface ParsedItem {
  title?: string | null | undefined;
  link?: string | null | undefined;
  id?: string | null | undefined;
  published?: Date | null | undefined;
  updated?: Date | null | undefined;
  authors: string[];
  categories: string[];
}

/** rss-parser (RSS and Atom). */
export async function parseWithRssParser(xml: string): Promise<{ title?: string; items: ParsedItem[] }> {
  const feed = await new RssParser({ customFields: { item: [['dc:creator', 'creators', { keepArray: true }]] } }).parseString(xml);
  return {
    ...(feed.title ? { title: feed.title } : {}),
    items: feed.items.map((item) => ({
      title: item.title,
      link: item.link,
      id: item.guid ?? (item as { id?: string }).id,
      published: item.isoDate ? new Date(item.isoDate) : undefined,
      updated: undefined,
      authors: ((item as { creators?: string[] }).creators ?? (item.creator ? [item.creator] : [])).map(String),
      categories: (item.categories ?? []).map((category) =>
        typeof category === 'string' ? category : String((category as { _: string })._),
      ),
    })),
  };
}

/** @rowanmanning/feed-parser (RSS and Atom). */
export function parseWithFeedParser(text: string): { title: string | null; items: ParsedItem[] } {
  const feed = parseFeed(text);
  return {
    title: feed.title,
    items: feed.items.map((item) => ({
      title: item.title,
      link: item.url,
      id: item.id,
      published: item.published,
      updated: item.updated,
      authors: item.authors.map((author) => author.name ?? '').filter(Boolean),
      categories: item.categories.map((category) => category.label ?? category.term ?? ''),
    })),
  };
}

/** feedparser (the node-feedparser stream parser, RSS and Atom). */
export function parseWithNodeFeedparser(xml: string): Promise<{ title: string; items: ParsedItem[] }> {
  return new Promise((resolve, reject) => {
    const parser = new FeedParser({ normalize: true, addmeta: false });
    const items: ParsedItem[] = [];
    let title = '';
    parser.on('error', reject);
    parser.on('meta', (meta: { title: string }) => (title = meta.title));
    parser.on('readable', () => {
      for (let item = parser.read(); item; item = parser.read()) {
        items.push({
          title: item.title,
          link: item.link,
          id: item.guid,
          published: item.pubdate,
          updated: item.date,
          authors: item.author ? [item.author] : [],
          categories: item.categories,
        });
      }
    });
    parser.on('end', () => resolve({ title, items }));
    Readable.from([Buffer.from(xml, 'utf8')]).pipe(parser);
  });
}
