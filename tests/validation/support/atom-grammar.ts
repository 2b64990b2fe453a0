import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateXML } from 'xmllint-wasm';

const schemas = path.join(path.dirname(fileURLToPath(import.meta.url)), '../schemas');
const grammar = readFileSync(path.join(schemas, 'atom-rfc4287.rng'), 'utf8');
const rules = readFileSync(path.join(schemas, 'atom-rfc4287.sch'), 'utf8');

/**
 * Problems of an Atom document against RFC 4287: the RELAX NG grammar of Appendix B and the
 * Schematron rules embedded in it, both checked by libxml2's xmllint compiled to WebAssembly
 * (npm `xmllint-wasm`: nothing outside npm is needed). Empty when the document is valid.
 */
export async function atomGrammarErrors(xml: string): Promise<string[]> {
  const file = { fileName: 'feed.xml', contents: xml };
  const relaxNg = await validateXML({ xml: [file], schema: [{ fileName: 'atom.rng', contents: grammar }], extension: 'relaxng' });
  // xmllint's --schematron takes the same place as --relaxng on its command line.
  const schematron = await validateXML({
    xml: [file],
    schema: [{ fileName: 'atom.sch', contents: rules }],
    extension: 'relaxng',
    modifyArguments: (args) => args.map((arg) => (arg === '--relaxng' ? '--schematron' : arg)),
  });
  return [...relaxNg.errors, ...schematron.errors].map((error) => error.message);
}
