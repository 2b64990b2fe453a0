import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type LocalServerProcess, startLocalServerProcess } from '../support/local-server-process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = 'tests/fixtures/imports';

describe('Command: npm run import, against npm start', () => {
  let dataDir: string;
  let server: LocalServerProcess;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'feeds-import-'));
    // The token the server writes to DATA_DIR is the one the command finds there.
    server = await startLocalServerProcess({ DATA_DIR: dataDir });
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  function runImport(...args: string[]) {
    return spawnSync(process.execPath, ['--import', 'tsx', 'cli/import.ts', ...args], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, PORT: new URL(server.url).port, INGEST_TOKEN: '', INIT_CWD: root },
      encoding: 'utf8',
      timeout: 60_000,
    });
  }

  it('refuses a broken file by name and sends nothing', () => {
    // Act
    const run = runImport(`${FIXTURES}/micro-feed-1.1.json`, `${FIXTURES}/truncated.xml`);
    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${FIXTURES}/truncated.xml: not well-formed XML`);
    expect(run.stdout).not.toContain('Importing at');
  });

  it('imports a WordPress export and a JSON Feed with the local token, and readers get them under their old ids', async () => {
    // Act
    const run = runImport(`${FIXTURES}/wordpress-export.xml`, `${FIXTURES}/micro-feed-1.1.json`, '--redirects', 'apache');
    // Assess
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('left out, as not published stories: 1 draft, 1 pending post, 1 private post, 1 page, 2 attachments');
    expect(run.stdout).toContain(`(token from ${path.join(dataDir, 'ingest-token')})`);
    expect(run.stdout).toContain('Done: 8 created, 0 updated, 0 unchanged, 0 failed.');
    expect(run.stdout).toMatch(/^RedirectMatch 301 "\^\/\(\?:feed\/atom\|atom\)\/\?\$" "https:\/\/[^"]+\/atom\.xml"$/m);
    const ids = await eventually(async () => {
      const feed = (await (await fetch(`${server.url}/feed.json`)).json()) as { items: { id: string }[] };
      const found = feed.items.map((item) => item.id);
      expect(found).toEqual(expect.arrayContaining(['https://harbour.example/?p=104', '3f2504e0-4f89-41d3-9a0c-0305e82c3301']));
      return found;
    });
    expect(ids.filter((id) => id === 'https://harbour.example/?p=104')).toHaveLength(1);
    const atom = await (await fetch(`${server.url}/atom.xml`)).text();
    expect(atom).toContain('<id>urn:uuid:3f2504e0-4f89-41d3-9a0c-0305e82c3301</id>');
  });

  it('changes nothing the second time', () => {
    // Act
    const run = runImport(`${FIXTURES}/wordpress-export.xml`, `${FIXTURES}/micro-feed-1.1.json`);
    // Assess
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Done: 0 created, 0 updated, 8 unchanged, 0 failed.');
  });
});
