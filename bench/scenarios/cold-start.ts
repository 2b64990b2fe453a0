/**
 * Scenario 5, cold start: each Lambda bundle built with the CDK's own esbuild options (imported
 * from infra/cdk/publisher-function.ts), its size and what fills it, and the time a fresh Node
 * process takes to import it and serve its first event against local DynamoDB and S3 stand-ins.
 *
 * Variants: the bundles as deployed (the AWS SDK bundled too, PUBLISHER_EXTERNAL_MODULES), the SDK
 * left to the Lambda runtime (CDK's default), and the deployed bundle without `--enable-source-maps`
 * (which the functions set in NODE_OPTIONS), and the deployed bundle serving its first request
 * with only the CPU Lambda gives the function's memory (a cgroup quota; measured where the
 * benchmark may make one, otherwise the results say why not). Bundles are written under bench/.tmp/ so that an
 * external `@aws-sdk/*` import resolves from the repository's node_modules, as it would from the
 * runtime's copy in Lambda.
 */
import '../lib/quiet-sdk.js';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { build, type Metafile } from 'esbuild';
import {
  DEFAULT_MEMORY_MB,
  PUBLISHER_EXTERNAL_MODULES,
  publisherEsbuildOptions,
  REPO_ROOT,
  RUNTIME_PROVIDED_MODULES,
} from '../../infra/cdk/publisher-function.js';
import { REGENERATOR_MEMORY_MB } from '../../infra/cdk/regenerator.js';
import { startStandIns } from '../../infra/local/aws-stand-ins.js';
import { articleItem } from '../../functions/adapters/dynamo-article-repository.js';
import { draftArticle, parseArticleInput } from '../../functions/domain/article-input.js';
import { loadSite } from '../../functions/commons/config.js';
import { runNode } from '../lib/child.js';
import { cpuShares, vcpusOf } from '../lib/cpu-share.js';
import { measureImportCosts } from '../lib/import-cost.js';
import { seedArchive } from '../lib/seed.js';
import { AUTHORS, CATEGORIES, storyInput } from '../lib/stories.js';
import { BenchmarkBrokenError, deadline, machineLoad, numberArg, progress, scenarioArgs, writeResult } from '../lib/scenario.js';
import { distribution, round } from '../lib/stats.js';

const args = scenarioArgs();
const runs = numberArg(args, 'runs', 20);
/** How the deployed functions are bundled. */
const DEPLOYED: BundleKind = PUBLISHER_EXTERNAL_MODULES.includes('@aws-sdk/*') ? 'sdk-external' : 'sdk-bundled';
const OTHER: BundleKind = DEPLOYED === 'sdk-bundled' ? 'sdk-external' : 'sdk-bundled';
/** Runs of the comparison variants (the deployed one gets `--runs`). */
const variantRuns: Record<string, number> = {
  [DEPLOYED]: runs,
  [OTHER]: numberArg(args, 'other-runs', runs),
  [`${DEPLOYED}-no-maps`]: numberArg(args, 'no-maps-runs', runs),
  [`${DEPLOYED}-lambda-cpu`]: numberArg(args, 'lambda-cpu-runs', runs),
};
const archiveStories = numberArg(args, 'stories', 400);
const importRuns = numberArg(args, 'import-runs', 5);
/** Stop starting new rounds after this long (but not before `--min-runs`), so the whole benchmark keeps to its time limit. */
const budgetMs = numberArg(args, 'budget-s', 3_600) * 1000;
const minRuns = numberArg(args, 'min-runs', 5);
const log = progress('cold start');
deadline(numberArg(args, 'deadline-s', 300) * 1000, 'cold start');

const WORK_DIR = path.join(REPO_ROOT, 'bench', '.tmp', 'cold-start');
const CHILD = path.join(REPO_ROOT, 'bench', 'scenarios', 'cold-start-child.mjs');
const SITE_BASE_URL = 'https://news.example.com';

/** Each function's entry and its memory in AWS (infra/cdk), which sets the CPU Lambda gives it. */
const HANDLERS = [
  { name: 'ingest', entry: 'functions/ingest/handler.ts', memoryMb: DEFAULT_MEMORY_MB },
  { name: 'regenerate', entry: 'functions/regenerate/handler.ts', memoryMb: REGENERATOR_MEMORY_MB },
  { name: 'publish-due', entry: 'functions/publish-due/handler.ts', memoryMb: DEFAULT_MEMORY_MB },
] as const;

type BundleKind = 'sdk-external' | 'sdk-bundled';

interface Variant {
  name: string;
  bundle: BundleKind;
  sourceMaps: boolean;
  description: string;
  /** Run with only the CPU Lambda gives the function's memory. */
  lambdaCpu?: boolean;
}

const BUNDLE_KINDS: Record<BundleKind, string> = {
  'sdk-bundled': 'the AWS SDK bundled too',
  'sdk-external': '@aws-sdk/* and @smithy/* from the runtime',
};

const VARIANTS: Variant[] = [
  { name: DEPLOYED, bundle: DEPLOYED, sourceMaps: true, description: `as deployed: ${BUNDLE_KINDS[DEPLOYED]}, --enable-source-maps` },
  { name: OTHER, bundle: OTHER, sourceMaps: true, description: `${BUNDLE_KINDS[OTHER]}, --enable-source-maps` },
  { name: `${DEPLOYED}-no-maps`, bundle: DEPLOYED, sourceMaps: false, description: 'as deployed, without --enable-source-maps' },
  {
    name: `${DEPLOYED}-lambda-cpu`,
    bundle: DEPLOYED,
    sourceMaps: true,
    lambdaCpu: true,
    description: "as deployed, the first request with the CPU Lambda gives the function's memory (INIT unthrottled, as Lambda bursts it)",
  },
];

type HandlerName = (typeof HANDLERS)[number]['name'];

/** Bytes in a bundle per npm package (or `functions/…` for our code), heaviest first. */
function composition(metafile: Metafile, outfile: string, top = 12): { owner: string; bytes: number }[] {
  const output = Object.entries(metafile.outputs).find(([file]) => path.resolve(REPO_ROOT, file) === outfile)?.[1];
  const owners = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const modules = input.lastIndexOf('node_modules/');
    let owner: string;
    if (modules >= 0) {
      const parts = input.slice(modules + 'node_modules/'.length).split('/');
      owner = parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
    } else owner = input.split('/').slice(0, 2).join('/');
    owners.set(owner, (owners.get(owner) ?? 0) + bytesInOutput);
  }
  return [...owners.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([owner, bytes]) => ({ owner, bytes }));
}

async function buildBundles() {
  const bundles: Record<
    string,
    { file: string; bytes: number; mapBytes: number; buildMs: number; composition: { owner: string; bytes: number }[] }
  > = {};
  for (const kind of [DEPLOYED, OTHER]) {
    for (const handler of HANDLERS) {
      const outfile = path.join(WORK_DIR, kind, handler.name, 'index.mjs');
      const started = performance.now();
      const { metafile } = await build({
        ...publisherEsbuildOptions(handler.entry, outfile, kind === 'sdk-external' ? RUNTIME_PROVIDED_MODULES : []),
        metafile: true,
      });
      bundles[`${kind}/${handler.name}`] = {
        file: outfile,
        bytes: statSync(outfile).size,
        mapBytes: statSync(`${outfile}.map`).size,
        buildMs: Math.round(performance.now() - started),
        composition: composition(metafile!, outfile),
      };
    }
  }
  return bundles;
}

interface RunResult {
  bootMs: number;
  importMs: number;
  firstRequestMs: number;
  sinceProcessStartMs: number;
  wallMs: number;
  status: string;
  detail?: string;
}

async function runChild(bundle: string, eventFile: string, env: Record<string, string>): Promise<RunResult> {
  const started = performance.now();
  const { code, out, err } = await runNode([CHILD, bundle, eventFile], { cwd: path.dirname(bundle), env });
  const line = out.split('\n').find((entry) => entry.startsWith('COLD_START '));
  if (!line) throw new BenchmarkBrokenError(`Cold-start child exited ${code} without a result:\n${err.slice(-1500)}${out.slice(-500)}`);
  return { ...(JSON.parse(line.slice('COLD_START '.length)) as Omit<RunResult, 'wallMs'>), wallMs: performance.now() - started };
}

mkdirSync(WORK_DIR, { recursive: true });
const result: Record<string, unknown> = {
  scenario: 'cold-start',
  runs,
  deployed: DEPLOYED,
  node: process.version,
  loadBefore: machineLoad(),
};
log('building bundles');
const bundles = await buildBundles();
result.bundles = Object.fromEntries(
  Object.entries(bundles).map(([name, bundle]) => [name, { ...bundle, file: path.relative(REPO_ROOT, bundle.file) }]),
);

const standIns = await startStandIns({});
const shares = variantRuns[`${DEPLOYED}-lambda-cpu`]
  ? cpuShares(HANDLERS.map((handler) => handler.memoryMb))
  : { unavailable: 'not asked for (--lambda-cpu-runs 0)' };
if ('unavailable' in shares) log(`with Lambda's CPU share: not measured, ${shares.unavailable}`);
result.lambdaCpu = 'unavailable' in shares ? { unavailable: shares.unavailable } : { measured: true };
try {
  const token = randomBytes(24).toString('base64url');
  const baseEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...standIns.env,
    SITE_BASE_URL,
    INGEST_TOKENS: token,
    POWERTOOLS_SERVICE_NAME: 'newsroom-feeds',
    LOG_LEVEL: 'INFO',
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
  };
  // A full archive for the regenerator to render from, and one unrendered story per run.
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(standIns.clientConfig.dynamodb), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const site = loadSite({ SITE_BASE_URL });
  const seeded = await seedArchive({ client, tableName: standIns.tableName, site, to: archiveStories });
  const eventsDir = path.join(WORK_DIR, 'events');
  mkdirSync(eventsDir, { recursive: true });
  const streamEvent = (slugs: string[]) => ({
    Records: slugs.map((slug) => ({ dynamodb: { Keys: { PK: { S: `ARTICLE#${slug}` }, SK: { S: 'A' } } } })),
  });
  const writeEvent = (name: string, event: unknown) => {
    const file = path.join(eventsDir, `${name}.json`);
    writeFileSync(file, JSON.stringify(event));
    return file;
  };
  // A first regeneration (the newest story: the site feed, its archive month, the directory), not timed.
  const warmup = await runChild(
    bundles[`${DEPLOYED}/regenerate`]!.file,
    writeEvent('warmup', streamEvent([seeded.newestPerFeed.get('site')!.slug])),
    { ...baseEnv, NODE_OPTIONS: '--enable-source-maps' },
  );
  if (warmup.status !== 'ok') throw new BenchmarkBrokenError(`The warm-up regeneration failed: ${warmup.detail}`);
  log(`seeded ${seeded.stories} stories; first regeneration ${Math.round(warmup.firstRequestMs)} ms`);

  const samples = new Map<string, RunResult[]>();
  let story = 0;
  const mostRuns = Math.max(...Object.values(variantRuns));
  const giveUpAt = performance.now() + budgetMs;
  for (let run = 0; run < mostRuns; run++) {
    if (run >= minRuns && performance.now() > giveUpAt) {
      log(`time budget spent after ${run} rounds`);
      break;
    }
    for (const handler of HANDLERS) {
      for (const variant of VARIANTS) {
        if (run >= variantRuns[variant.name]!) continue;
        if (variant.lambdaCpu && 'unavailable' in shares) continue;
        story++;
        const slug = `cold-${story}`;
        let event: unknown;
        if (handler.name === 'ingest') {
          const body = JSON.stringify(
            storyInput({
              index: 300_000 + story,
              categories: [CATEGORIES[story % CATEGORIES.length]!],
              authors: [AUTHORS[story % AUTHORS.length]!],
            }),
          );
          event = ingestEvent(slug, body, token);
        } else if (handler.name === 'regenerate') {
          const input = parseArticleInput(
            storyInput({
              index: 400_000 + story,
              categories: [CATEGORIES[story % CATEGORIES.length]!],
              authors: [AUTHORS[story % AUTHORS.length]!],
            }),
          );
          const article = draftArticle(input, {
            slug,
            defaultUrl: `${SITE_BASE_URL}/articles/${slug}`,
            defaultLanguage: site.language,
            now: new Date(),
          });
          await client.send(new PutCommand({ TableName: standIns.tableName, Item: articleItem(article) }));
          event = streamEvent([slug]);
        } else {
          event = { version: '0', 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
        }
        const bundle = bundles[`${variant.bundle}/${handler.name}`]!.file;
        const env: Record<string, string> = { ...baseEnv, ...(variant.sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}) };
        if (variant.lambdaCpu && !('unavailable' in shares)) env.COLD_START_CPU_GROUP_PROCS = shares.procsFile(handler.memoryMb);
        const sample = await runChild(bundle, writeEvent(`${handler.name}-${variant.name}`, event), env);
        if (sample.status !== 'ok')
          throw new BenchmarkBrokenError(`${variant.name}/${handler.name} failed its first request: ${sample.detail}`);
        const key = `${variant.name}/${handler.name}`;
        samples.set(key, [...(samples.get(key) ?? []), sample]);
      }
    }
    if (run === 0 || (run + 1) % 5 === 0) log(`run ${run + 1} of ${mostRuns}`);
  }
  client.destroy();

  const summary: Record<string, unknown> = {};
  for (const variant of VARIANTS) {
    if (!variantRuns[variant.name]) continue;
    for (const handler of HANDLERS) {
      const list = samples.get(`${variant.name}/${handler.name}`) ?? [];
      if (!list.length) continue;
      summary[`${variant.name}/${handler.name}`] = {
        ...(variant.lambdaCpu ? { memoryMb: handler.memoryMb, vcpus: round(vcpusOf(handler.memoryMb), 2) } : {}),
        variant: variant.description,
        runs: list.length,
        handler: handler.name as HandlerName,
        bundleBytes: bundles[`${variant.bundle}/${handler.name}`]!.bytes,
        /** The figure the target is about: import (INIT) plus the first event, in a fresh process. */
        importAndFirstRequestMs: distribution(list.map((sample) => sample.importMs + sample.firstRequestMs)),
        importMs: distribution(list.map((sample) => sample.importMs)).p50,
        firstRequestMs: distribution(list.map((sample) => sample.firstRequestMs)).p50,
        nodeBootMs: distribution(list.map((sample) => sample.bootMs)).p50,
        processWallMs: distribution(list.map((sample) => sample.wallMs)).p50,
      };
    }
  }
  result.coldStarts = summary;
  log(`import cost of single dependencies (${importRuns} runs each)`);
  result.importCosts = await measureImportCosts(path.join(WORK_DIR, 'probes'), importRuns);
  result.loadAfter = machineLoad();
  writeResult(args.out, result);
  const deployed = summary[`${DEPLOYED}/ingest`] as { importAndFirstRequestMs: { p50: number } };
  log(`ingest as deployed: ${round(deployed.importAndFirstRequestMs.p50)} ms to import and serve`);
} finally {
  if (!('unavailable' in shares)) shares.close();
  await standIns.close();
  if (args.keep !== 'true') rmSync(path.join(WORK_DIR, 'events'), { recursive: true, force: true });
}

/** A `PUT /articles/{slug}` as API Gateway's HTTP API (payload format 2.0) delivers it. */
function ingestEvent(slug: string, body: string, bearer: string) {
  const now = new Date();
  return {
    version: '2.0',
    routeKey: 'PUT /articles/{slug}',
    rawPath: `/articles/${slug}`,
    rawQueryString: '',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', host: 'api.example.com', 'user-agent': 'bench' },
    pathParameters: { slug },
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method: 'PUT', path: `/articles/${slug}`, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: `bench-${slug}`,
      routeKey: 'PUT /articles/{slug}',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body,
    isBase64Encoded: false,
  };
}
