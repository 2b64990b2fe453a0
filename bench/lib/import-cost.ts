import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { CREATE_REQUIRE_BANNER, ESBUILD_TARGET, REPO_ROOT, RUNTIME_PROVIDED_MODULES } from '../../infra/cdk/publisher-function.js';
import { median } from './stats.js';
import { runNode } from './child.js';

/**
 * What each heavy dependency costs a cold start on its own: a one-line module that uses it,
 * bundled like the handlers (minified ESM, the CDK's target and banner), its size, and the time
 * a fresh Node process takes to import it (median). The evidence behind the bundle recommendations.
 */
interface Probe {
  name: string;
  contents: string;
  /** Left out of the bundle (resolved from node_modules at run time); default none. */
  external?: readonly string[];
}

const ZOD_CLASSIC = `import { z } from 'zod';
export const schema = z.object({ title: z.string().max(300).transform((v) => v.trim()).refine((v) => v.length > 0), email: z.email().optional(),
  url: z.url().optional(), tags: z.array(z.string()).max(20).default([]), when: z.string().refine((v) => !Number.isNaN(Date.parse(v))), size: z.number().int().min(0) }).strict();
export const parse = (value) => schema.safeParse(value);`;

const ZOD_MINI = `import * as z from 'zod/mini';
export const schema = z.strictObject({ title: z.pipe(z.string().check(z.maxLength(300)), z.transform((v) => v.trim())).check(z.refine((v) => v.length > 0)),
  email: z.optional(z.email()), url: z.optional(z.url()), tags: z._default(z.array(z.string()).check(z.maxLength(20)), []),
  when: z.string().check(z.refine((v) => !Number.isNaN(Date.parse(v)))), size: z.int().check(z.minimum(0)) });
export const parse = (value) => schema.safeParse(value);`;

const DYNAMO = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
export const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })); export { GetCommand };`;
const S3 = `import { S3Client, PutObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
export const client = new S3Client({ region: 'us-east-1' }); export { PutObjectCommand, HeadObjectCommand };`;

export const PROBES: Probe[] = [
  { name: 'an empty module (baseline)', contents: 'export const answer = 42;' },
  { name: 'zod, classic API (a story-like schema)', contents: ZOD_CLASSIC },
  { name: 'zod/mini (the same schema)', contents: ZOD_MINI },
  {
    name: 'sanitize-html',
    contents: `import sanitize from 'sanitize-html'; export const clean = (html) => sanitize(html, { allowedTags: ['p', 'a'] });`,
  },
  {
    name: 'markdown-it',
    contents: `import MarkdownIt from 'markdown-it'; export const md = new MarkdownIt({ html: false, linkify: true });`,
  },
  {
    name: '@aws-lambda-powertools/logger',
    contents: `import { Logger } from '@aws-lambda-powertools/logger'; export const logger = new Logger({ serviceName: 'x' });`,
  },
  { name: 'DynamoDB + document client, bundled', contents: DYNAMO },
  { name: 'DynamoDB + document client, from node_modules', contents: DYNAMO, external: RUNTIME_PROVIDED_MODULES },
  { name: 'S3 client, bundled', contents: S3 },
  { name: 'S3 client, from node_modules', contents: S3, external: RUNTIME_PROVIDED_MODULES },
];

const IMPORT_ONCE = `const started = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - started)); process.exit(0);`;

async function timeImport(file: string): Promise<number> {
  const { code, out, err } = await runNode(['--input-type=module', '-e', IMPORT_ONCE, pathToFileURL(file).href], {
    cwd: path.dirname(file),
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const ms = Number(out.trim());
  if (code !== 0 || !Number.isFinite(ms)) throw new Error(`Importing ${file} failed (${code}): ${err.slice(-800)}`);
  return ms;
}

export async function measureImportCosts(directory: string, runs: number): Promise<{ name: string; bytes: number; importMs: number }[]> {
  const rows: { name: string; bytes: number; importMs: number }[] = [];
  for (const [index, probe] of PROBES.entries()) {
    const outfile = path.join(directory, String(index), 'index.mjs');
    mkdirSync(path.dirname(outfile), { recursive: true });
    await build({
      stdin: { contents: probe.contents, resolveDir: REPO_ROOT, loader: 'js' },
      outfile,
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      target: ESBUILD_TARGET,
      mainFields: ['module', 'main'],
      banner: { js: CREATE_REQUIRE_BANNER },
      external: [...(probe.external ?? [])],
      logLevel: 'silent',
    });
    const times: number[] = [];
    for (let run = 0; run < runs; run++) times.push(await timeImport(outfile));
    rows.push({ name: probe.name, bytes: statSync(outfile).size, importMs: Math.round(median(times) * 10) / 10 });
  }
  return rows;
}
