import { XMLParser } from 'fast-xml-parser';

export type XmlObject = Record<string, unknown>;

const REPEATED = new Set(['item', 'entry', 'category', 'dc:creator', 'atom:link', 'link', 'author', 'at:deleted-entry']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Decodes character references (&#x26;) as an XML parser must; named ones are only XML's five.
  htmlEntities: true,
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name, jpath) =>
    REPEATED.has(name) && !(name === 'link' && String(jpath).startsWith('rss.channel.') && !String(jpath).endsWith('atom:link')),
});

/** The element tree of a feed, text decoded, repeated elements always as arrays (RSS `link` is single). */
export function xmlObject(xml: string): XmlObject {
  return parser.parse(xml) as XmlObject;
}

export function rssChannel(xml: string): XmlObject {
  return (xmlObject(xml).rss as XmlObject).channel as XmlObject;
}

export function rssItems(xml: string): XmlObject[] {
  return (rssChannel(xml).item as XmlObject[] | undefined) ?? [];
}

export function atomFeed(xml: string): XmlObject {
  return xmlObject(xml).feed as XmlObject;
}

export function atomEntries(xml: string): XmlObject[] {
  return (atomFeed(xml).entry as XmlObject[] | undefined) ?? [];
}

/** Text of an element that may carry attributes (`{ '#text': … }`) or none (a string). */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && '#text' in value) return String((value as XmlObject)['#text']);
  return undefined;
}

/** Plain text of an Atom text construct or Media RSS text: `html` ones are unescaped once. */
export function plainTextOf(value: unknown): string | undefined {
  const text = textOf(value);
  if (text === undefined) return undefined;
  const type = value && typeof value === 'object' ? (value as XmlObject)['@type'] : undefined;
  return type === 'html' ? unescapeHtml(text) : text;
}

export function unescapeHtml(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
