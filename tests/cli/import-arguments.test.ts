import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Command, importStories, type ImportOptions, main, resolveCommand } from '../../cli/import.js';
import type { IngestPort, IngestResult } from '../../story-publishing/ingest-client.js';
import type { StoryFile } from '../../story-publishing/story-files.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = path.join(root, 'tests/fixtures/imports');

const resolve = (argv: string[], env: NodeJS.ProcessEnv = {}) => resolveCommand(argv, env, { cwd: FIXTURES, root: FIXTURES });
const optionsOf = (command: Command): ImportOptions => {
  if (command.help) throw new Error('expected options, got --help');
  return command.options;
};

/** An ingest API that accepts every story, remembering what it was sent. */
class AcceptingIngest implements IngestPort {
  readonly sent: StoryFile[] = [];
  async get(slug: string): Promise<IngestResult> {
    return { slug, status: 404, ok: false, message: 'Not Found' };
  }
  async put(story: StoryFile): Promise<IngestResult> {
    this.sent.push(story);
    return { slug: story.slug, status: 201, ok: true, message: '' };
  }
  async retract(slug: string): Promise<IngestResult> {
    return { slug, status: 204, ok: true, message: '' };
  }
}

describe('Command: import (arguments and sources)', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    // The old site, on this machine: a feed, and an address that is gone.
    const feed = await readFile(path.join(FIXTURES, 'ghost-rss.xml'));
    server = createServer((request, response) => {
      if (request.url === '/rss/') response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed);
      else response.writeHead(404).end('gone');
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((closed) => server.close(closed));
  });

  it('takes the publish command’s connection options, and its own', async () => {
    // Act
    const options = optionsOf(
      await resolve(['export.xml', '--strict', '--tags', '--redirects', 'apache', '--site', 'https://feeds.example.org/', '-n'], {
        INGEST_TOKEN: 'token-from-env-0123456789',
        PORT: '3998',
      }),
    );
    // Assess
    expect(options).toMatchObject({
      inputs: ['export.xml'],
      endpoint: 'http://localhost:3998',
      token: { value: 'token-from-env-0123456789', from: 'INGEST_TOKEN' },
      strict: true,
      tagsAsCategories: true,
      redirects: 'apache',
      siteUrl: 'https://feeds.example.org',
      dryRun: true,
    });
  });

  it('refuses what it cannot use, with the reason and a pointer to --help', async () => {
    // Prepare
    const errors: string[] = [];
    const output = { log: () => {}, error: (line: string) => errors.push(line) };
    // Act
    const codes = [
      await main([], {}, output),
      await main(['x.xml', '--redirects', 'iis'], {}, output),
      await main(['x.xml', '--site', 'ftp://old.example'], {}, output),
      await main(['x.xml', '--endpoint', 'http://a.example', '--outputs', 'o.json'], {}, output),
    ];
    // Assess
    expect(codes).toEqual([2, 2, 2, 2]);
    expect(errors.filter((line) => !line.includes('--help'))).toEqual([
      'Name at least one file or URL to import.',
      '--redirects must be nginx or apache, not "iis"',
      '--site must be an http(s) URL, not "ftp://old.example"',
      'Give --endpoint or --outputs, not both.',
    ]);
  });

  it('reads a feed from a URL, and names a URL or file that cannot be read', async () => {
    // Prepare
    const ingest = new AcceptingIngest();
    const lines: string[] = [];
    const options = optionsOf(await resolve([`${base}/rss/`], { INGEST_TOKEN: 'token-from-env-0123456789' }));
    const deps = {
      client: ingest,
      output: { log: (line: string) => lines.push(line), error: (line: string) => lines.push(line) },
      progress: { write: () => {} },
    };
    // Act
    const fetched = await importStories(options, deps);
    const missing = await importStories({ ...options, inputs: [`${base}/feed/`, 'no-such-export.xml'] }, deps);
    // Assess
    expect(fetched).toMatchObject({ exitCode: 0, created: 3 });
    expect(ingest.sent.map((story) => story.request.feedId)).toEqual([
      '67c6f0a18e2b4c0001a3d5e7',
      '67c1b3e98e2b4c0001a3d4f2',
      '67b8a4c28e2b4c0001a3d391',
    ]);
    expect(missing.exitCode).toBe(2);
    expect(lines).toEqual(
      expect.arrayContaining([
        `${base}/feed/: answered 404 Not Found`,
        'no-such-export.xml: does not exist',
        '2 documents cannot be imported; nothing was sent.',
      ]),
    );
    expect(ingest.sent).toHaveLength(3);
  });
});
