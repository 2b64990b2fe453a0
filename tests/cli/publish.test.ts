import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestClient, type IngestPort } from '../../story-publishing/ingest-client.js';
import { publishStories, type Output, type PublishOptions } from '../../cli/publish.js';
import type { StoryFile } from '../../story-publishing/story-files.js';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/local-runtime.js';
import { freePort } from '../support/local-server-process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TOKEN = 'some-long-test-token-123456';

interface Captured extends Output {
  lines: string[];
  errors: string[];
}

function capture(): Captured {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, log: (line) => lines.push(line), error: (line) => errors.push(line) };
}

function storyText(title: string, extra = ''): string {
  return `---\ntitle: "${title}"\nauthors: [Jane Roe]\ncategories: [World]\n${extra}---\nA story about ${title}.\n`;
}

describe('Command: publish', () => {
  let runtime: LocalRuntime;
  let scratch: string;
  let fixtures = 0;

  beforeAll(async () => {
    runtime = await startLocalRuntime({ port: 0, dataDir: undefined, token: TOKEN });
    scratch = await mkdtemp(path.join(tmpdir(), 'publish-command-'));
  });

  afterAll(async () => {
    await runtime?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  /** A fresh directory holding the given story files (name → text). */
  async function storyDir(files: Record<string, string>): Promise<string> {
    const dir = path.join(scratch, `fixture-${++fixtures}`);
    await mkdir(dir);
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
    return dir;
  }

  function options(paths: string[], overrides: Partial<PublishOptions> = {}): PublishOptions {
    return {
      paths,
      retract: [],
      endpoint: runtime.url,
      token: { value: TOKEN, from: 'INGEST_TOKEN' },
      localTokenFile: path.join(scratch, 'ingest-token'),
      dryRun: false,
      ...overrides,
    };
  }

  const client = (token = TOKEN) => new IngestClient(runtime.url, token);

  async function stored(slug: string): Promise<{ status: number; article?: { title: string; status: string } }> {
    const response = await fetch(`${runtime.url}/articles/${slug}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return response.ok
      ? { status: response.status, article: (await response.json()) as { title: string; status: string } }
      : { status: response.status };
  }

  async function feedTitles(): Promise<string[]> {
    await runtime.settled();
    const response = await fetch(`${runtime.url}/feed.json`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: { title: string }[] }).items.map((item) => item.title);
  }

  it('publishes new stories (201 created), reports a re-run as unchanged and an edit as updated', async () => {
    // Prepare
    const dir = await storyDir({ 'ferry-resumes.md': storyText('Ferry resumes'), 'bridge-opens.md': storyText('Bridge opens') });
    // Act
    const first = capture();
    const firstRun = await publishStories(options([dir]), { client: client(), output: first });
    const second = capture();
    const secondRun = await publishStories(options([dir]), { client: client(), output: second });
    await writeFile(path.join(dir, 'ferry-resumes.md'), storyText('Ferry resumes on Monday'));
    const third = capture();
    const thirdRun = await publishStories(options([dir]), { client: client(), output: third });
    // Assess
    expect(firstRun).toMatchObject({ exitCode: 0, created: 2, updated: 0, unchanged: 0, failed: 0 });
    expect(first.lines).toEqual([
      `Publishing 2 stories at ${runtime.url} (token from INGEST_TOKEN)`,
      `[1/2] bridge-opens … 201 created  ${runtime.url}/articles/bridge-opens`,
      `[2/2] ferry-resumes … 201 created  ${runtime.url}/articles/ferry-resumes`,
      'Done: 2 created, 0 updated, 0 unchanged, 0 failed.',
      `The feeds change within a few seconds: ${runtime.url}/feed.xml, /atom.xml and /feed.json`,
    ]);
    expect(first.errors).toEqual([]);
    expect(secondRun).toMatchObject({ exitCode: 0, created: 0, updated: 0, unchanged: 2 });
    expect(second.lines).toContain(`[2/2] ferry-resumes … 200 unchanged  ${runtime.url}/articles/ferry-resumes`);
    expect(thirdRun).toMatchObject({ exitCode: 0, updated: 1, unchanged: 1 });
    expect(third.lines).toContain(`[2/2] ferry-resumes … 200 updated  ${runtime.url}/articles/ferry-resumes`);
    expect((await stored('ferry-resumes')).article?.title).toBe('Ferry resumes on Monday');
    expect(await feedTitles()).toEqual(expect.arrayContaining(['Ferry resumes on Monday', 'Bridge opens']));
  });

  it('prints results in the order of the files, whatever order the answers arrive in', async () => {
    // Prepare
    const names = ['order-a', 'order-b', 'order-c', 'order-d', 'order-e', 'order-f'];
    const dir = await storyDir(Object.fromEntries(names.map((name) => [`${name}.md`, storyText(name)])));
    const real = client();
    // The first stories answer last.
    const slow: IngestPort = {
      get: (slug) => real.get(slug),
      retract: (slug) => real.retract(slug),
      put: async (story: StoryFile) => {
        await new Promise((resolve) => setTimeout(resolve, (names.length - names.indexOf(story.slug)) * 40));
        return real.put(story);
      },
    };
    const output = capture();
    // Act
    const summary = await publishStories(options([dir], { concurrency: 4 }), { client: slow, output });
    // Assess
    expect(summary).toMatchObject({ exitCode: 0, created: 6 });
    expect(output.lines.filter((line) => line.startsWith('['))).toEqual(
      names.map((name, index) => `[${index + 1}/6] ${name} … 201 created  ${runtime.url}/articles/${name}`),
    );
  });

  it('says when a story is scheduled', async () => {
    // Prepare
    const dir = await storyDir({ 'eclipse-viewing.md': storyText('Eclipse viewing', 'publishedAt: "2099-08-12T18:00:00+02:00"\n') });
    const output = capture();
    // Act
    const summary = await publishStories(options([dir]), { client: client(), output });
    // Assess
    expect(summary).toMatchObject({ exitCode: 0, created: 1 });
    expect(output.lines).toContain(
      `[1/1] eclipse-viewing … 201 created (scheduled for 2099-08-12T18:00:00+02:00)  ${runtime.url}/articles/eclipse-viewing`,
    );
    expect(output.lines).toContain(
      '1 story is scheduled: each enters the feeds at its publishedAt (GET /articles?status=scheduled lists them).',
    );
    expect((await stored('eclipse-viewing')).article?.status).toBe('scheduled');
  });

  it('dry run checks the files and sends nothing, needing no token', async () => {
    // Prepare
    const dir = await storyDir({ 'dry-run-story.md': storyText('Dry run story') });
    const output = capture();
    // Act
    const summary = await publishStories(options([dir], { dryRun: true, token: undefined }), { client: client(), output });
    // Assess
    expect(summary.exitCode).toBe(0);
    expect(output.lines).toEqual([
      `Dry run: 1 story checked and valid; nothing is sent to ${runtime.url}.`,
      '[1/1] dry-run-story … would PUT /articles/dry-run-story',
    ]);
    expect((await stored('dry-run-story')).status).toBe(404);
  });

  it('publishes nothing when any file is invalid, listing every problem with file and field (exit 2)', async () => {
    // Prepare
    const dir = await storyDir({
      'valid-but-held-back.md': storyText('Valid but held back'),
      'no-title.md': '---\nkicker: News\n---\nBody',
      'bad-date.md': storyText('Bad date', 'publishedAt: "yesterday"\n'),
    });
    const output = capture();
    // Act
    const summary = await publishStories(options([dir]), { client: client(), output });
    // Assess
    expect(summary.exitCode).toBe(2);
    expect(output.lines).toEqual([]);
    expect(output.errors).toEqual([
      `${path.join(dir, 'bad-date.md')}:5: publishedAt: must be an RFC 3339 date-time with a time zone, e.g. 2026-03-01T09:30:00+09:00`,
      `${path.join(dir, 'no-title.md')}: title: is required`,
      '2 problems in 2 files; nothing was published.',
    ]);
    expect((await stored('valid-but-held-back')).status).toBe(404);
  });

  it('stops at a wrong token (exit 1), saying where the local token lives', async () => {
    // Prepare
    const dir = await storyDir({
      'token-a.md': storyText('Token A'),
      'token-b.md': storyText('Token B'),
      'token-c.md': storyText('Token C'),
    });
    const output = capture();
    // Act
    const summary = await publishStories(options([dir], { concurrency: 1, token: { value: 'not-the-right-token-123', from: '--token' } }), {
      client: client('not-the-right-token-123'),
      output,
    });
    // Assess
    expect(summary).toMatchObject({ exitCode: 1, created: 0, failed: 1, notSent: 2 });
    expect(output.lines[1]).toMatch(/^\[1\/3\] token-a … 401 failed: Unauthorized/);
    expect(output.errors).toContain('The endpoint refused the token (401 Unauthorized); the token came from --token.');
    expect(output.errors.join('\n')).toContain(`keeps its token in ${path.join(scratch, 'ingest-token')}`);
    expect(output.lines.at(-1)).toBe('Done: 0 created, 0 updated, 0 unchanged, 1 failed, 2 not sent.');
    expect((await stored('token-a')).status).toBe(404);
  });

  it('says the local server is not running when nothing answers (exit 1)', async () => {
    // Prepare
    const closed = `http://localhost:${await freePort()}`;
    const dir = await storyDir({ 'nobody-home.md': storyText('Nobody home') });
    const output = capture();
    // Act
    const summary = await publishStories(options([dir], { endpoint: closed }), { client: new IngestClient(closed, TOKEN), output });
    // Assess
    expect(summary).toMatchObject({ exitCode: 1, failed: 1 });
    expect(output.lines).toContain('[1/1] nobody-home … failed: could not reach the endpoint (ECONNREFUSED)');
    expect(output.errors).toContain(`Could not connect to ${closed} (ECONNREFUSED): is the local server running?`);
    expect(output.errors.join('\n')).toContain('npm start');
  });

  it('says how to get a token when there is none, before sending anything (exit 2)', async () => {
    // Prepare
    const dir = await storyDir({ 'no-token.md': storyText('No token') });
    const output = capture();
    // Act
    const summary = await publishStories(options([dir], { token: undefined }), { client: client(''), output });
    // Assess
    expect(summary.exitCode).toBe(2);
    expect(output.errors[0]).toBe('No ingest token: pass --token <token> or set INGEST_TOKEN.');
    expect(output.errors.join('\n')).toContain(path.join(scratch, 'ingest-token'));
    expect((await stored('no-token')).status).toBe(404);
  });

  it('retracts a story with --retract: it leaves the feeds; an unknown slug fails (exit 1)', async () => {
    // Prepare
    const dir = await storyDir({ 'to-be-retracted.md': storyText('To be retracted') });
    await publishStories(options([dir]), { client: client(), output: capture() });
    expect(await feedTitles()).toContain('To be retracted');
    const output = capture();
    const unknown = capture();
    // Act
    const summary = await publishStories(options([], { retract: ['to-be-retracted'] }), { client: client(), output });
    const missing = await publishStories(options([], { retract: ['never-published'] }), { client: client(), output: unknown });
    // Assess
    expect(summary).toMatchObject({ exitCode: 0, retracted: 1 });
    expect(output.lines).toContain('[1/1] retract to-be-retracted … 204 retracted');
    expect((await stored('to-be-retracted')).article?.status).toBe('retracted');
    expect(await feedTitles()).not.toContain('To be retracted');
    expect(missing).toMatchObject({ exitCode: 1, failed: 1 });
    expect(unknown.lines).toContain('[1/1] retract never-published … 404 failed: Not Found: No story with slug "never-published"');
  });

  describe('as a process', () => {
    function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
      return new Promise((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'cli/publish.ts'), ...args],
          {
            cwd: root,
            env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: path.join(scratch, 'no-such-data-dir'), ...env },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('error', reject);
        child.once('close', (code) => resolve({ code, stdout, stderr }));
      });
    }

    it('exits 0 when everything is published and 2 for an invalid file', async () => {
      // Prepare
      const good = await storyDir({ 'from-the-shell.md': storyText('From the shell') });
      const bad = await storyDir({ 'Not A Slug.md': storyText('Bad name') });
      // Act (in parallel: each process takes a second or two to start)
      const [published, invalid] = await Promise.all([
        run([good, '--endpoint', runtime.url], { INGEST_TOKEN: TOKEN }),
        run([bad, '--endpoint', runtime.url], { INGEST_TOKEN: TOKEN }),
      ]);
      // Assess
      expect(published.code).toBe(0);
      expect(published.stdout).toContain(`[1/1] from-the-shell … 201 created  ${runtime.url}/articles/from-the-shell`);
      expect(published.stderr).toBe('');
      expect((await stored('from-the-shell')).status).toBe(200);
      expect(invalid.code).toBe(2);
      expect(invalid.stdout).toBe('');
      expect(invalid.stderr).toContain(`${path.join(bad, 'Not A Slug.md')}: file name: must be the story's slug plus .md`);
    });
  });
});
