import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FeedFile } from '../rendering/render-feed.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/** Revalidated on every load, so a new version is used as soon as it is published. */
export const SITE_FILE_CACHE_CONTROL = 'no-cache';

/**
 * The files of a folder shipped with the function (the editors' desk, under `desk/`), as files to
 * publish at the same keys: `<folder>/desk/index.html` is `desk/index.html`. A file of another
 * type than the page's own is refused, so nothing unexpected reaches the bucket.
 */
export async function siteFilesIn(folder: string): Promise<FeedFile[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files: FeedFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const contentType = CONTENT_TYPES[path.extname(entry.name)];
    if (!contentType) throw new Error(`${file}: not a page, stylesheet or script, so not published`);
    files.push({
      key: path.relative(folder, file).split(path.sep).join('/'),
      format: 'desk',
      contentType,
      cacheControl: SITE_FILE_CACHE_CONTROL,
      bytes: await readFile(file),
    });
  }
  return files.sort((a, b) => (a.key < b.key ? -1 : 1));
}
