import { type SaxesTagNS, SaxesParser } from 'saxes';

/**
 * Reads an XML document as a stream of records (an RSS `item`, a WXR `wp:author`): each record is
 * built as a small element tree when it closes and handed over, and nothing else is kept, so a
 * 20,000-item export never sits in memory whole. The parser is strict XML (saxes): a truncated or
 * malformed file fails with its line and column, and entity declarations are refused outright,
 * which stops both entity-expansion bombs and external entities that would read local files.
 */

/** An element of a record, its name written with the conventional prefix of its namespace. */
export interface XmlElement {
  name: string;
  attributes: Readonly<Record<string, string>>;
  children: XmlElement[];
  /** The element's own text and CDATA, children's left out. */
  text: string;
}

export class XmlDocumentError extends Error {
  override readonly name = 'XmlDocumentError';
}

/** Prefixes by namespace, so that a file's own choice of prefix does not matter. */
const PREFIXES: readonly [RegExp, string][] = [
  [/^http:\/\/wordpress\.org\/export\/[\d.]+\/excerpt\/$/, 'excerpt'],
  [/^http:\/\/wordpress\.org\/export\/[\d.]+\/$/, 'wp'],
  [/^http:\/\/purl\.org\/rss\/1\.0\/modules\/content\/$/, 'content'],
  [/^http:\/\/purl\.org\/dc\/elements\/1\.1\/$/, 'dc'],
  [/^http:\/\/search\.yahoo\.com\/mrss\/?$/, 'media'],
  [/^http:\/\/www\.w3\.org\/2005\/Atom$/, 'atom'],
];

function qualifiedName(tag: SaxesTagNS): string {
  if (!tag.uri) return tag.local;
  const prefix = PREFIXES.find(([pattern]) => pattern.test(tag.uri))?.[1];
  return prefix ? `${prefix}:${tag.local}` : `{${tag.uri}}${tag.local}`;
}

/** The first child named `name`. */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((candidate) => candidate.name === name);
}

/** The trimmed text of the first child named `name`, or undefined when it is missing or empty. */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  const text = child(element, name)?.text.trim();
  return text ? text : undefined;
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((candidate) => candidate.name === name);
}

/**
 * Yields every element whose path from the root (names joined by `/`, e.g. `rss/channel/item`)
 * `isRecord` accepts, with its subtree, in document order, as the chunks are read. Throws
 * XmlDocumentError naming the line and column of the first problem.
 */
export async function* xmlRecords(
  chunks: AsyncIterable<string> | Iterable<string>,
  isRecord: (path: string) => boolean,
): AsyncGenerator<XmlElement> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const path: string[] = [];
  /** The open elements of the record being built, outermost first. */
  const open: XmlElement[] = [];
  let ready: XmlElement[] = [];
  let failure: Error | undefined;
  const where = () => `line ${parser.line}, column ${parser.column + 1}`;

  parser.on('error', (error) => {
    failure ??= new XmlDocumentError(`not well-formed XML: ${error.message.replace(/^\d+:\d+: /, '')} (${where()})`);
  });
  parser.on('doctype', (doctype) => {
    if (/<!ENTITY/i.test(doctype)) {
      failure ??= new XmlDocumentError(
        `declares XML entities in its DOCTYPE (${where()}): refused, as entities can expand without bound or read local files`,
      );
    }
  });
  parser.on('opentag', (tag) => {
    const name = qualifiedName(tag);
    path.push(name);
    if (open.length === 0 && !isRecord(path.join('/'))) return;
    const attributes: Record<string, string> = {};
    for (const attribute of Object.values(tag.attributes)) attributes[attribute.local] = attribute.value;
    const element: XmlElement = { name, attributes, children: [], text: '' };
    open.at(-1)?.children.push(element);
    open.push(element);
  });
  const addText = (text: string) => {
    const current = open.at(-1);
    if (current) current.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    path.pop();
    const element = open.pop();
    if (element && open.length === 0) ready.push(element);
  });

  const drain = function* () {
    if (failure) throw failure;
    const records = ready;
    ready = [];
    yield* records;
  };
  for await (const chunk of chunks) {
    parser.write(chunk);
    yield* drain();
  }
  parser.close();
  yield* drain();
  if (path.length > 0) throw new XmlDocumentError(`ends before </${path.at(-1)}> closes: the file is truncated (${where()})`);
}
