import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main, resolveCommand, UsageError, type Command, type PublishOptions } from '../../cli/publish.js';

describe('Command: publish (arguments)', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'publish-arguments-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const resolve = (argv: string[], env: NodeJS.ProcessEnv = {}) => resolveCommand(argv, env, { cwd: dir, root: dir });
  const optionsOf = (command: Command): PublishOptions => {
    if (command.help) throw new Error('expected options, got --help');
    return command.options;
  };

  it('defaults to the local server on PORT and the token npm start wrote under DATA_DIR', async () => {
    // Prepare
    await writeFile(path.join(dir, 'ingest-token'), 'local-token-0123456789\n');
    // Act
    const options = optionsOf(await resolve(['content/articles'], { PORT: '3998', DATA_DIR: dir }));
    // Assess
    expect(options).toMatchObject({
      paths: ['content/articles'],
      retract: [],
      endpoint: 'http://localhost:3998',
      token: { value: 'local-token-0123456789', from: path.join(dir, 'ingest-token') },
      localTokenFile: path.join(dir, 'ingest-token'),
      dryRun: false,
      cwd: dir,
    });
  });

  it('looks for the local token in .data under the repository root when DATA_DIR is unset', async () => {
    // Act
    const options = optionsOf(await resolve(['story.md']));
    // Assess
    expect(options.endpoint).toBe('http://localhost:3000');
    expect(options.localTokenFile).toBe(path.join(dir, '.data', 'ingest-token'));
    expect(options.token).toBeUndefined();
  });

  it('prefers --token to INGEST_TOKEN, and INGEST_TOKEN to the local token file', async () => {
    // Prepare
    await writeFile(path.join(dir, 'ingest-token'), 'from-the-file-0123456789');
    const env = { DATA_DIR: dir, INGEST_TOKEN: ' from-the-environment-0123 ' };
    // Act
    const flag = optionsOf(await resolve(['story.md', '--token', 'from-the-flag-0123456789'], env));
    const environment = optionsOf(await resolve(['story.md'], env));
    // Assess
    expect(flag.token).toEqual({ value: 'from-the-flag-0123456789', from: '--token' });
    expect(environment.token).toEqual({ value: 'from-the-environment-0123', from: 'INGEST_TOKEN' });
  });

  it('never sends the local token file to a deployed endpoint', async () => {
    // Prepare
    await writeFile(path.join(dir, 'ingest-token'), 'local-token-0123456789');
    // Act
    const options = optionsOf(
      await resolve(['story.md', '--endpoint', 'https://abc123.execute-api.eu-west-1.amazonaws.com/'], { DATA_DIR: dir }),
    );
    // Assess
    expect(options.endpoint).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com');
    expect(options.token).toBeUndefined();
  });

  it('accepts the endpoint with /articles on the end', async () => {
    // Act
    const options = optionsOf(await resolve(['story.md', '--endpoint', 'http://localhost:4000/articles/']));
    // Assess
    expect(options.endpoint).toBe('http://localhost:4000');
  });

  it('reads the endpoint from the IngestApiUrl of a CDK outputs file', async () => {
    // Prepare
    const outputs = {
      NewsroomFeeds: { IngestApiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com', IngestTokensSecretName: 'IngestTokens-abc' },
    };
    await writeFile(path.join(dir, 'cdk-outputs.json'), JSON.stringify(outputs));
    // Act
    const options = optionsOf(
      await resolve(['story.md', '--outputs', 'cdk-outputs.json', '--retract', 'old-story', '--retract', 'older-story', '-n']),
    );
    // Assess
    expect(options).toMatchObject({
      endpoint: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
      retract: ['old-story', 'older-story'],
      dryRun: true,
    });
  });

  it.each([
    [[], /at least one story file/],
    [['story.md', '--bogus'], /Unknown option '--bogus'/],
    [['story.md', '--endpoint'], /--endpoint/],
    [['story.md', '--endpoint', 'localhost:3000'], /--endpoint must be an http\(s\) URL/],
    [['story.md', '--endpoint', 'http://localhost:3000', '--outputs', 'cdk-outputs.json'], /not both/],
    [['story.md', '--outputs', 'missing.json'], /--outputs .*missing\.json: cannot read it/],
    [['story.md', '--token', ' '], /--token is empty/],
  ])('rejects %j as a usage error', async (argv, message) => {
    // Act
    const error = await resolve(argv).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    // Assess
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
  });

  it('rejects an outputs file without an IngestApiUrl, saying how to write one', async () => {
    // Prepare
    await writeFile(path.join(dir, 'cdk-outputs.json'), JSON.stringify({ NewsroomFeeds: { SiteBaseUrl: 'https://feeds.example.org' } }));
    // Act
    const attempt = resolve(['story.md', '--outputs', 'cdk-outputs.json']);
    // Assess
    await expect(attempt).rejects.toThrow(/no stack in it has an IngestApiUrl output \(write it with cdk deploy --outputs-file/);
  });

  it('prints the usage for --help and exits 0; exits 2 with a hint for a usage error', async () => {
    // Prepare
    const lines: string[] = [];
    const errors: string[] = [];
    const output = { log: (line: string) => lines.push(line), error: (line: string) => errors.push(line) };
    // Act
    const help = await main(['--help'], {}, output);
    const usage = await main([], {}, output);
    // Assess
    expect(help).toBe(0);
    expect(lines.join('\n')).toMatch(/^Usage: npm run publish -- <file\.md\|directory>/);
    expect(usage).toBe(2);
    expect(errors).toEqual([expect.stringMatching(/at least one story file/), 'Run `npm run publish -- --help` for usage.']);
  });
});
