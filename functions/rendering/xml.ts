import { XMLBuilder } from 'fast-xml-parser';
import { xmlSafe } from '../domain/text.js';

/** An element tree in fast-xml-parser's builder notation: `@name` attributes, `#text` text. */
export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | number | XmlNode | XmlNode[] | string[] | undefined;

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  processEntities: true,
});

/** Removes characters XML forbids from every string in the tree, and drops undefined members. */
function clean(value: XmlValue): XmlValue {
  if (typeof value === 'string') return xmlSafe(value);
  if (Array.isArray(value)) return (value as XmlValue[]).map(clean) as XmlNode[];
  if (value && typeof value === 'object') {
    const out: XmlNode = {};
    for (const [key, member] of Object.entries(value)) if (member !== undefined) out[key] = clean(member);
    return out;
  }
  return value;
}

/**
 * Serialises a document: XML declaration, optional stylesheet processing instruction, root.
 * Text and attribute values are escaped by the serialiser; nothing is ever put in CDATA, so `]]>`
 * in a story is just text.
 */
export function serializeXml(root: XmlNode, stylesheetHref?: string): string {
  const document: XmlNode = { '?xml': { '@version': '1.0', '@encoding': 'utf-8' } };
  if (stylesheetHref) document['?xml-stylesheet'] = { '@href': stylesheetHref, '@type': 'text/xsl' };
  return builder.build({ ...document, ...(clean(root) as XmlNode) }) as string;
}
