import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { siteFilesIn } from '../../functions/adapters/site-files-folder.js';
import type { FeedFile } from '../../functions/rendering/render-feed.js';
import type { CdnInvalidator, FeedStore, PublishedFiles } from '../../functions/use-cases/ports.js';
import { publishSiteFiles } from '../../functions/use-cases/publish-site-files.js';

/** A store that holds bytes by key and writes only what differs, as the S3 adapter does. */
class MemoryStore implements FeedStore {
  readonly held = new Map<string, string>();
  async publish(files: FeedFile[]): Promise<PublishedFiles> {
    const written = files.filter((file) => this.held.get(file.key) !== `${file.contentType} ${file.bytes.toString('base64')}`);
    for (const file of written) this.held.set(file.key, `${file.contentType} ${file.bytes.toString('base64')}`);
    return { written: written.map((file) => file.key), files: {} };
  }
}

describe('Use case: publishing the desk shipped with the regenerator', () => {
  let folder: string;

  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'site-files-'));
    await mkdir(path.join(folder, 'desk'));
    await writeFile(path.join(folder, 'desk', 'index.html'), '<!doctype html><title>Desk</title>');
    await writeFile(path.join(folder, 'desk', 'desk.js'), 'console.log(1)');
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('writes the files that differ, at their keys, and has the CDN drop only those', async () => {
    // Prepare
    const store = new MemoryStore();
    const invalidated: string[][] = [];
    const cdn: CdnInvalidator = {
      invalidate: async (keys) => {
        invalidated.push(keys);
        return 'I1';
      },
    };
    // Act
    const first = await publishSiteFiles(await siteFilesIn(folder), { store, cdn });
    const again = await publishSiteFiles(await siteFilesIn(folder), { store, cdn });
    await writeFile(path.join(folder, 'desk', 'desk.js'), 'console.log(2)');
    const changed = await publishSiteFiles(await siteFilesIn(folder), { store, cdn });
    // Assess
    expect(first).toEqual(['desk/desk.js', 'desk/index.html']);
    expect(again).toEqual([]);
    expect(changed).toEqual(['desk/desk.js']);
    expect(invalidated).toEqual([['desk/desk.js', 'desk/index.html'], ['desk/desk.js']]);
    expect(store.held.get('desk/index.html')).toMatch(/^text\/html; charset=utf-8 /);
  });

  it('refuses a file that is not a page, stylesheet or script', async () => {
    // Prepare
    await writeFile(path.join(folder, 'desk', 'secrets.env'), 'TOKEN=x');
    // Act / Assess
    await expect(siteFilesIn(folder)).rejects.toThrow(/secrets\.env: not a page, stylesheet or script/);
  });
});
