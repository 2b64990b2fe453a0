import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

/**
 * The editors' desk as the files the CDN serves under `/desk/`: its page, its stylesheet and its
 * script, bundled by esbuild from `desk/desk.ts`. Built the same way for the local server and for
 * the regenerator's Lambda package; in both the regenerator publishes them, with the content type
 * and Cache-Control of `functions/adapters/site-files-folder.ts`.
 */

const here = path.dirname(fileURLToPath(import.meta.url));

export interface DeskAsset {
  /** The object key, under `desk/`. */
  key: string;
  body: Buffer;
}

/** Where the desk is served: `/desk/`, the page at `desk/index.html`. */
export const DESK_PATH = '/desk/';

/**
 * The desk's Content-Security-Policy: its own script and stylesheet only, requests to its own
 * origin only (the ingest API), photos from anywhere over HTTPS, no framing, no plugins.
 */
export const DESK_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  'img-src https: http: data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

let built: DeskAsset[] | undefined;

/** The desk's files, built once per process. */
/**
 * CloudFront Functions code (JavaScript runtime 2.0) for the desk's behaviour: `/desk` gets a 301
 * to `/desk/`, and `/desk/` is the page, `desk/index.html` (CloudFront serves a default object
 * only at the root). The local CDN stand-in does the same.
 */
export const DESK_VIEWER_FUNCTION_CODE = `function handler(event) {
  var request = event.request;
  if (request.uri === '/desk') {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/desk/' } } };
  }
  if (request.uri.charAt(request.uri.length - 1) === '/') request.uri += 'index.html';
  return request;
}`;

export function deskAssets(): DeskAsset[] {
  built ??= buildDesk();
  return built;
}

function buildDesk(): DeskAsset[] {
  const script = buildSync({
    entryPoints: [path.join(here, 'desk.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  }).outputFiles[0]!;
  const asset = (key: string, body: Buffer | Uint8Array): DeskAsset => ({ key: `desk/${key}`, body: Buffer.from(body) });
  return [
    asset('index.html', readFileSync(path.join(here, 'index.html'))),
    asset('desk.css', readFileSync(path.join(here, 'desk.css'))),
    asset('desk.js', script.contents),
  ];
}

/** Writes the desk's files into `folder` (`desk/index.html` as `<folder>/index.html`); answers their paths. */
export async function writeDeskFiles(folder: string): Promise<string[]> {
  const written: string[] = [];
  for (const asset of deskAssets()) {
    const file = path.join(folder, asset.key.replace(/^desk\//, ''));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, asset.body);
    written.push(file);
  }
  return written;
}
