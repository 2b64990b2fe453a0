import { XMLBuilder } from 'fast-xml-parser';
import { xmlSafe } from '../domain/text.js';

/** An element tree in fast-xml-parser's builder notation: `@name` attributes, `#text` text. */
export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | number | XmlNode | XmlNode[] | string[] | undefined;

// Escaping is done here (processEntities: false), so that each element can get the escaping its
// format asks for.
const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  // XML has no boolean attributes: isPermaLink="true" must keep its value.
  suppressBooleanAttributes: false,
  processEntities: false,
});

export interface SerializeOptions {
  /**
   * Elements whose text is plain text in a format that does not say whether text is HTML (RSS 2.0):
   * their `&` and `<` are written as hexadecimal character references, which the RSS Best Practices
   * Profile reserves for plain text, so no reader or validator takes "AT&T <Data>" for markup.
   */
  plainTextElements?: ReadonlySet<string> | undefined;
}

// A carriage return is written as a reference: XML parsers turn a literal one into a line feed.
function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

function escapePlainText(text: string): string {
  return text.replace(/&/g, '&#x26;').replace(/</g, '&#x3C;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

// Attribute values are normalised by XML parsers: tabs and line breaks must be references.
function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

/**
 * Removes characters XML forbids from every string in the tree, escapes text and attribute values,
 * and drops undefined members. `element` is the name of the element a string is the text of.
 */
function clean(value: XmlValue, element: string, options: SerializeOptions): XmlValue {
  if (typeof value === 'string') {
    const text = xmlSafe(value);
    if (element.startsWith('@')) return escapeAttribute(text);
    return options.plainTextElements?.has(element) ? escapePlainText(text) : escapeText(text);
  }
  if (Array.isArray(value)) return (value as XmlValue[]).map((member) => clean(member, element, options)) as XmlNode[];
  if (value && typeof value === 'object') {
    const out: XmlNode = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) out[key] = clean(member, key === '#text' ? element : key, options);
    }
    return out;
  }
  return value;
}

/**
 * Serialises a document: XML declaration, then the root.
 * Every text and attribute value is escaped; nothing is ever put in CDATA, so `]]>` in a story is
 * just text.
 */
export function serializeXml(root: XmlNode, options: SerializeOptions = {}): string {
  const document: XmlNode = { '?xml': { '@version': '1.0', '@encoding': 'utf-8' } };
  return builder.build({ ...document, ...(clean(root, '', options) as XmlNode) }) as string;
}

/** For Splices: an element whose only text is a placeholder stands in for the element serialised beforehand. */
export const placeholderElement = (marker: string): string => `<(?<element>[^\\s<>/]+)>${marker}</\\k<element>>`;

/**
 * One element exactly as serializeXml writes it `depth` levels below the root (indented for that
 * depth, without the indentation of its own first line), to be spliced into a document later.
 */
export function serializeXmlElement(name: string, node: XmlNode, depth: number, options: SerializeOptions = {}): string {
  let tree: XmlNode = { [name]: clean(node, name, options) };
  for (let level = depth - 1; level >= 0; level--) tree = { [`level${level}`]: tree };
  const xml = builder.build(tree) as string;
  return xml.slice(xml.indexOf(`<${name}`), xml.lastIndexOf(`</${name}>`) + name.length + 3);
}
