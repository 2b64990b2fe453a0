import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importStories, type ImportOptions } from '../../cli/import.js';
import type { Article } from '../../functions/domain/article.js';
import { fileSource, type ImportSource, importedStories } from '../../story-publishing/imported-stories.js';
import type { IngestPort, IngestResult } from '../../story-publishing/ingest-client.js';
import type { StoryFile } from '../../story-publishing/story-files.js';
import { writeLargeWxr } from '../support/large-wxr.js';

const POSTS = 20_000;

/** The ingest API as a map, counting what it is sent: the import's own work is what is measured here. */
class CountingIngest implements IngestPort {
  readonly stored = new Map<string, Article>();
  inFlight = 0;
  mostInFlight = 0;

  private async answer<T>(work: () => T): Promise<T> {
    this.inFlight++;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    this.inFlight--;
    return work();
  }

  get(slug: string): Promise<IngestResult> {
    return this.answer(() => {
      const article = this.stored.get(slug);
      return article
        ? { slug, status: 200, ok: true, message: article.url, article }
        : { slug, status: 404, ok: false, message: 'Not Found' };
    });
  }

  put(story: StoryFile): Promise<IngestResult> {
    return this.answer(() => {
      const before = this.stored.get(story.slug);
      const request = story.request as { title: string; feedId?: string; url: string };
      const article = {
        slug: story.slug,
        title: request.title,
        feedId: request.feedId,
        url: request.url,
        revision: before ? before.revision : 1,
      } as Article;
      this.stored.set(story.slug, article);
      return { slug: story.slug, status: before ? 200 : 201, ok: true, message: article.url, article };
    });
  }

  retract(slug: string): Promise<IngestResult> {
    return Promise.resolve({ slug, status: 405, ok: false, message: 'not used' });
  }
}

describe('Import: a 20,000-post WordPress export', () => {
  let scratch: string;
  let file: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'large-import-'));
    file = path.join(scratch, 'export.xml');
    await writeLargeWxr(file, { posts: POSTS });
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('is read as a stream: the first story is ready long before the file has been read through', async () => {
    // Prepare: count what each reading of the file has taken in when the first story comes out.
    const size = (await stat(file)).size;
    const readings: number[] = [];
    const source: ImportSource = {
      label: 'export.xml',
      open() {
        const reading = readings.push(0) - 1;
        const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 64 * 1024 });
        stream.on('data', (chunk) => (readings[reading]! += Buffer.byteLength(chunk as string)));
        return stream;
      },
    };
    // Act
    let atFirstStory: number[] | undefined;
    for await (const event of importedStories([source], { tagsAsCategories: false })) {
      if (event.kind === 'story') {
        atFirstStory = [...readings];
        break;
      }
    }
    // Assess: a look at its start, the index pass read it all; the pass that yields posts had read a sliver.
    expect(size).toBeGreaterThan(40 * 1024 * 1024);
    expect(atFirstStory).toHaveLength(3);
    expect(atFirstStory![0]).toBeLessThan(size / 50);
    expect(atFirstStory![1]).toBe(size);
    expect(atFirstStory![2]).toBeLessThan(size / 50);
  });

  it('holds the ids and slugs it must compare, not the file: what stays in memory is a fraction of it', async () => {
    // Prepare: a garbage collection on demand, so that what is measured is what is kept.
    v8.setFlagsFromString('--expose-gc');
    const collectGarbage = vm.runInNewContext('gc') as () => void;
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    let kept = 0;
    let stories = 0;
    // Act
    for await (const event of importedStories([fileSource(file)], { tagsAsCategories: false })) {
      if (event.kind === 'story' && ++stories % 2_000 === 0) {
        collectGarbage();
        kept = Math.max(kept, process.memoryUsage().heapUsed - before);
      }
    }
    // Assess: the ids and slugs of 20,000 stories, a few MB; the file is over 60 MB.
    expect(stories).toBe(POSTS);
    expect(kept).toBeLessThan((await stat(file)).size / 4);
  });

  it('imports every published post once, four at a time, and a second run changes nothing', async () => {
    // Prepare
    const ingest = new CountingIngest();
    const lines: string[] = [];
    const progress: string[] = [];
    const options: ImportOptions = {
      inputs: [file],
      endpoint: 'http://localhost:3000',
      token: { value: 'token', from: 'INGEST_TOKEN' },
      localTokenFile: path.join(scratch, 'ingest-token'),
      dryRun: false,
      strict: true,
      tagsAsCategories: false,
      verbose: false,
      siteUrl: 'https://news.example.com',
      siteRedirects: {},
    };
    const deps = {
      client: ingest,
      output: { log: (line: string) => lines.push(line), error: (line: string) => lines.push(line) },
      progress: { isTTY: false, write: (text: string) => progress.push(text) },
    };
    // Act
    const first = await importStories(options, deps);
    const second = await importStories(options, deps);
    // Assess
    expect(first).toMatchObject({ exitCode: 0, created: POSTS, updated: 0, failed: 0, notSent: 0 });
    expect(first.leftOut).toMatchObject({ draft: POSTS / 1000, attachment: POSTS / 1000 });
    expect(ingest.stored.size).toBe(POSTS);
    expect(new Set([...ingest.stored.values()].map((article) => article.feedId)).size).toBe(POSTS);
    expect(ingest.mostInFlight).toBeLessThanOrEqual(4);
    expect(second).toMatchObject({ exitCode: 0, created: 0, unchanged: POSTS });
    expect(progress.filter((line) => line.startsWith('Importing ['))).toHaveLength(20);
    expect(progress.at(-1)).toContain('20,000/20,000');
  });
});
