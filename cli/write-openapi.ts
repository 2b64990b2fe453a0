import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestApiDescription } from '../functions/ingest/openapi.js';

/**
 * `npm run openapi`: writes docs/openapi.json from the ingest API's own schemas. A test fails
 * when the committed file and what the code generates differ.
 */
export const OPENAPI_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/openapi.json');

export function openApiText(): string {
  return `${JSON.stringify(ingestApiDescription(), null, 2)}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(OPENAPI_FILE, openApiText());
  console.log(`Wrote ${path.relative(process.cwd(), OPENAPI_FILE)}`);
}
