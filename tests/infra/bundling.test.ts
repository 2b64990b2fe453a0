import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedPublisherStack } from '../../infra/cdk/feed-publisher-stack.js';
import { CREATE_REQUIRE_BANNER, publisherEsbuildOptions, type PublisherFunction } from '../../infra/cdk/publisher-function.js';
import { createTestApp } from './support/synthesize.js';

const run = promisify(execFile);

/** Stand-ins for the values CloudFormation fills in at deploy time, so the modules can start. */
const DEPLOY_TIME_VALUES: Record<string, string> = {
  TABLE_NAME: 'feeds-bundling-test',
  FEED_BUCKET: 'feeds-bundling-test',
  INGEST_TOKENS_SECRET_ID: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:tokens-AbCdEf',
  SITE_BASE_URL: 'https://feeds.example.org',
  DISTRIBUTION_ID: 'E2EXAMPLE0000',
};

const MAX_BUNDLE_BYTES = 1024 * 1024;

interface Bundle {
  readonly name: string;
  readonly entry: string;
  readonly file: string;
  readonly environment: Record<string, string>;
}

describe('Construct: PublisherFunction (bundled with esbuild)', () => {
  let workDir: string;
  let bundles: Bundle[];

  beforeAll(() => {
    // Prepare: outside the repository, so that importing a bundle proves it needs no node_modules
    // (the AWS SDK included: nothing is left to the runtime's copy).
    workDir = mkdtempSync(path.join(tmpdir(), 'feeds-bundling-'));
    const outdir = path.join(workDir, 'cdk.out');
    // Asset metadata (where each bundle was staged) is on by default only under the CDK CLI.
    const app = createTestApp({ bundling: true, outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new FeedPublisherStack(app, 'BundledFeeds');
    const handlers: [string, string, PublisherFunction][] = [
      ['ingest', 'functions/ingest/handler.ts', stack.ingestApi.handler],
      ['regenerate', 'functions/regenerate/handler.ts', stack.regenerator.handler],
      ['publish-due', 'functions/publish-due/handler.ts', stack.publishDueSweep.handler],
    ];

    // Act
    const template = Template.fromStack(stack).toJSON() as {
      Resources: Record<
        string,
        { Metadata?: Record<string, string>; Properties: { Environment?: { Variables?: Record<string, unknown> } } }
      >;
    };
    bundles = handlers.map(([name, entry, fn]) => {
      const resource = template.Resources[stack.getLogicalId(fn.node.defaultChild as Parameters<typeof stack.getLogicalId>[0])];
      const assetPath = resource?.Metadata?.['aws:asset:path'];
      if (!assetPath) throw new Error(`No bundled asset recorded for ${name}`);
      const variables = resource.Properties.Environment?.Variables ?? {};
      const environment = Object.fromEntries(
        Object.entries(variables).map(([key, value]) => [
          key,
          typeof value === 'string' ? value : (DEPLOY_TIME_VALUES[key] ?? `placeholder-${key}`),
        ]),
      );
      return { name, entry, file: path.join(outdir, assetPath, 'index.mjs'), environment };
    });
  }, 60_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('builds one ES module bundle per handler, with a source map, under 1 MB', () => {
    // Assess
    for (const bundle of bundles) {
      expect(existsSync(bundle.file), bundle.name).toBe(true);
      expect(existsSync(`${bundle.file}.map`), bundle.name).toBe(true);
      expect(statSync(bundle.file).size, bundle.name).toBeLessThan(MAX_BUNDLE_BYTES);
      expect(readFileSync(bundle.file, 'utf8').startsWith(CREATE_REQUIRE_BANNER), bundle.name).toBe(true);
    }
  });

  it("ships the editors' desk beside the regenerator's bundle, where its SITE_FILES_DIR points", () => {
    // Prepare
    const regenerator = bundles.find((bundle) => bundle.name === 'regenerate')!;
    const folder = path.join(path.dirname(regenerator.file), regenerator.environment.SITE_FILES_DIR ?? 'missing');
    // Assess
    for (const file of ['index.html', 'desk.css', 'desk.js']) expect(existsSync(path.join(folder, 'desk', file)), file).toBe(true);
    expect(readFileSync(path.join(folder, 'desk', 'index.html'), 'utf8')).toContain('<label for="token">Token</label>');
  });

  it('bundles import in Node and export a handler function', async () => {
    // Prepare
    const probe = 'const m = await import(process.argv[1]); console.log(JSON.stringify({ handler: typeof m.handler }));';

    // Act
    const results = await Promise.all(
      bundles.map(async (bundle) => {
        const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe, pathToFileURL(bundle.file).href], {
          cwd: path.dirname(bundle.file),
          env: {
            PATH: process.env.PATH ?? '',
            AWS_REGION: 'us-east-1',
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
            ...bundle.environment,
          },
          timeout: 30_000,
        });
        return [bundle.name, JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as unknown] as const;
      }),
    );

    // Assess
    for (const [name, exports] of results) expect(exports, name).toEqual({ handler: 'function' });
  }, 60_000);

  it('is what esbuild makes from the exported options (so the benchmark measures the real bundles)', async () => {
    // Prepare
    const ingest = bundles.find((bundle) => bundle.name === 'ingest')!;
    const outfile = path.join(workDir, 'direct', 'index.mjs');

    // Act
    await build(publisherEsbuildOptions(ingest.entry, outfile));

    // Assess
    expect(readFileSync(outfile).equals(readFileSync(ingest.file))).toBe(true);
  }, 60_000);
});
