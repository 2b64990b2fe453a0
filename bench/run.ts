/**
 * `npm run bench` — the performance benchmark (issue 6). Runs each scenario in a fresh Node
 * process (the local runtime sets process.env and loads the handlers once per process), prints
 * a table of the targets with the measured figures, and writes everything as JSON to
 * bench/results/<timestamp>.json and bench/results/latest.json.
 *
 *   npm run bench                     full: archives of 1,000 and 50,000 stories (< 10 min)
 *   npm run bench -- --quick          CI: archives of 1,000 and 5,000, fewer runs (< 1 min)
 *   npm run bench -- --only render,cold-start
 *   npm run bench -- --profile        also CPU-profile the measured sections (bench/.tmp/profiles)
 *
 * Exit status: 0 when every scenario ran, even if a target is missed (figures are printed, never
 * asserted); 1 when the benchmark itself broke (a scenario failed, e.g. a story never appeared).
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem, type as osType, release } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateTargets, type TargetRow } from './lib/targets.js';
import { dynamoCapacityText } from './lib/command-stats.js';
import { coldStartRowName, lambdaCpuNotMeasured, markdownReport } from './lib/markdown-report.js';
import { textTable } from './lib/table.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = path.join(ROOT, 'bench', 'results');
const TMP = path.join(ROOT, 'bench', '.tmp');

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const profile = argv.includes('--profile');
const onlyArg =
  argv.find((arg) => arg.startsWith('--only'))?.split('=')[1] ?? (argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined);
const unknown = argv.filter(
  (arg, index) => arg.startsWith('--') && !['--quick', '--profile', '--only'].includes(arg.split('=')[0]!) && argv[index - 1] !== '--only',
);
if (unknown.length) {
  console.error(
    `Unknown option(s): ${unknown.join(' ')}\nUsage: npm run bench [-- --quick] [--only render,archive-small,archive-large,cold-start] [--profile]`,
  );
  process.exit(2);
}

/** Each scenario, with its arguments in full and quick mode. */
interface Plan {
  key: 'render' | 'archiveSmall' | 'archiveLarge' | 'coldStart';
  name: string;
  script: string;
  args: string[];
  /** Hard limit for the process, after which it is killed and the benchmark counts as broken. */
  timeoutS: number;
  nodeOptions?: string[];
  /** Pass `--budget-s` from the time left before the whole run's limit. */
  budgetFromDeadline?: boolean;
}

/** The whole benchmark's time limit (the issue: full < 10 min, quick < 1 min), with some slack. */
const LIMIT_S = quick ? 55 : 570;

const archive = (stories: number, publishes: number, burst: number, growthRuns: number) => [
  '--stories',
  String(stories),
  '--publishes',
  String(publishes),
  '--burst',
  String(burst),
  '--growth-runs',
  String(growthRuns),
];

// Bytes and the burst are measured on the large archive only.
const PLANS: Plan[] = quick
  ? [
      { key: 'render', name: 'render', script: 'render.ts', args: ['--runs', '10', '--warmup', '3'], timeoutS: 60 },
      {
        key: 'archiveSmall',
        name: 'archive-small',
        script: 'archive.ts',
        // Only the regeneration time is compared with the large archive's in quick mode.
        // In memory: seeding is faster than on disk, and 5,000 stories make no heap worth collecting.
        args: [
          ...archive(1_000, 0, 0, 3),
          ...['--growth-budget-s', '3', '--what-if-runs', '2', '--warmup', 'site', '--bytes', 'false', '--store', 'memory'],
        ],
        timeoutS: 90,
      },
      {
        key: 'archiveLarge',
        name: 'archive-large',
        script: 'archive.ts',
        args: [
          ...archive(5_000, 6, 60, 3),
          ...[
            '--latency-budget-s',
            '5',
            '--min-publishes',
            '5',
            '--growth-budget-s',
            '3',
            '--what-if-runs',
            '2',
            '--warmup',
            'site',
            '--burst-spread',
            '5',
            '--store',
            'memory',
          ],
          ...['--reader-publishes', '1'],
        ],
        timeoutS: 120,
      },
      {
        key: 'coldStart',
        name: 'cold-start',
        script: 'cold-start.ts',
        args: ['--runs', '1', '--no-maps-runs', '0', '--lambda-cpu-runs', '1', '--import-runs', '1', '--stories', '40'],
        timeoutS: 120,
      },
    ]
  : [
      { key: 'render', name: 'render', script: 'render.ts', args: ['--runs', '80'], timeoutS: 120 },
      {
        key: 'archiveSmall',
        name: 'archive-small',
        script: 'archive.ts',
        // 200 publishes unless the product is too slow for the time budget (then at least 20).
        // The reader's view of the strategy before (feeds invalidated, kept 60 s at the edge), at the realistic invalidation time.
        args: [
          ...archive(1_000, 200, 0, 20),
          ...[
            '--latency-budget-s',
            '70',
            '--min-publishes',
            '20',
            '--growth-budget-s',
            '12',
            '--bytes',
            'false',
            '--freshness',
            'invalidate',
            '--reader-publishes',
            '3',
          ],
        ],
        timeoutS: 300,
      },
      {
        key: 'archiveLarge',
        name: 'archive-large',
        script: 'archive.ts',
        // The reader's view with AWS's default freshness (the feeds' edge lifetime).
        args: [
          ...archive(50_000, 200, 1_000, 20),
          ...['--latency-budget-s', '70', '--min-publishes', '20', '--growth-budget-s', '12', '--reader-publishes', '20'],
        ],
        timeoutS: 500,
        nodeOptions: ['--max-old-space-size=6144'],
      },
      {
        key: 'coldStart',
        name: 'cold-start',
        script: 'cold-start.ts',
        args: ['--runs', '20', '--other-runs', '10', '--no-maps-runs', '3', '--lambda-cpu-runs', '10', '--import-runs', '3'],
        timeoutS: 240,
        // Whatever time the earlier scenarios left of the ten minutes (at least a minute).
        budgetFromDeadline: true,
      },
    ];

const selected = onlyArg ? PLANS.filter((plan) => onlyArg.split(',').includes(plan.name)) : PLANS;
if (!selected.length) {
  console.error(`--only names none of: ${PLANS.map((plan) => plan.name).join(', ')}`);
  process.exit(2);
}

function runScenario(plan: Plan, outFile: string): Promise<{ ok: boolean; seconds: number; error?: string }> {
  const started = performance.now();
  const args = [
    ...(plan.nodeOptions ?? []),
    '--import',
    'tsx',
    path.join(ROOT, 'bench', 'scenarios', plan.script),
    ...plan.args,
    '--out',
    outFile,
    '--deadline-s',
    String(plan.timeoutS - 10),
    ...(profile && plan.script === 'archive.ts' ? ['--profile-dir', path.join(TMP, 'profiles')] : []),
    ...(plan.budgetFromDeadline
      ? ['--budget-s', String(Math.max(60, Math.round(LIMIT_S - (performance.now() - benchmarkStarted) / 1000 - 30)))]
      : []),
  ];
  const shown = args.filter((arg, index) => arg !== '--out' && args[index - 1] !== '--out');
  console.error(`\n▶ ${plan.name}: node ${shown.map((arg) => path.relative(ROOT, arg) || arg).join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const timer = setTimeout(() => {
      console.error(`${plan.name}: no result after ${plan.timeoutS} s; stopping it`);
      child.kill('SIGKILL');
    }, plan.timeoutS * 1000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      if (code === 0 && existsSync(outFile)) resolve({ ok: true, seconds });
      else
        resolve({
          ok: false,
          seconds,
          error: `exited with ${signal ?? `status ${code}`}${existsSync(outFile) ? '; partial results kept' : ''}`,
        });
    });
  });
}

function gitState(): { commit?: string; uncommittedFiles?: number } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' });
    return { commit, uncommittedFiles: status.split('\n').filter(Boolean).length };
  } catch {
    return {};
  }
}

const startedAt = new Date();
const started = performance.now();
const benchmarkStarted = started;
// The code measured is the working tree at the start (others may commit while the benchmark runs).
const git = gitState();
mkdirSync(RESULTS, { recursive: true });
mkdirSync(TMP, { recursive: true });
const scratch = mkdtempSync(path.join(TMP, 'run-'));
const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memoryGb: Math.round(totalmem() / 1e9),
  freeMemoryGb: Math.round(freemem() / 1e9),
  node: process.version,
  os: `${osType()} ${release()}`,
  loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
};
console.error(
  `Benchmark (${quick ? 'quick' : 'full'}): ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}`,
);
if (machine.loadAverageAtStart[0]! > machine.cpus * 0.5) {
  console.error(
    `Note: the machine is already busy (load ${machine.loadAverageAtStart[0]} on ${machine.cpus} cores); timings will be inflated.`,
  );
}

const scenarios: Record<string, unknown> = {};
const runs: Record<string, { ok: boolean; seconds: number; error?: string }> = {};
for (const plan of selected) {
  const outFile = path.join(scratch, `${plan.name}.json`);
  const outcome = await runScenario(plan, outFile);
  runs[plan.name] = outcome;
  // A scenario that broke may still have written what it measured before (marked partial).
  if (existsSync(outFile)) scenarios[plan.key] = JSON.parse(readFileSync(outFile, 'utf8'));
  if (!outcome.ok) console.error(`✖ ${plan.name} broke (${outcome.error})`);
}
rmSync(scratch, { recursive: true, force: true });

const targets: TargetRow[] = evaluateTargets(scenarios as Parameters<typeof evaluateTargets>[0]);
const broken = Object.entries(runs)
  .filter(([, outcome]) => !outcome.ok)
  .map(([name, outcome]) => `${name}: ${outcome.error}`);
const durationS = Math.round((performance.now() - started) / 100) / 10;
const report = {
  mode: quick ? 'quick' : 'full',
  startedAt: startedAt.toISOString(),
  durationS,
  machine: { ...machine, loadAverageAtEnd: loadavg().map((value) => Math.round(value * 100) / 100) },
  git,
  scenarioSeconds: Object.fromEntries(Object.entries(runs).map(([name, outcome]) => [name, outcome.seconds])),
  broken,
  targets,
  scenarios,
};
const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
const json = `${JSON.stringify(report, null, 2)}\n`;
writeFileSync(path.join(RESULTS, `${stamp}.json`), json);
writeFileSync(path.join(RESULTS, 'latest.json'), json);
// The same figures as Markdown tables, for docs/performance.md.
const markdown = markdownReport(report);
writeFileSync(path.join(RESULTS, `${stamp}.md`), markdown);
writeFileSync(path.join(RESULTS, 'latest.md'), markdown);

printReport(report);
console.log(
  `\n${quick ? 'Quick' : 'Full'} benchmark: ${durationS} s. Results: bench/results/${stamp}.json and .md (and latest.json, latest.md).`,
);
if (broken.length) {
  console.error(`\nThe benchmark broke: ${broken.join('; ')}`);
  process.exit(1);
}

// ------------------------------------------------------------------------------------------------

/* Readable summary of the details behind the targets. */
function printReport(result: typeof report): void {
  const s = result.scenarios as Record<string, any>;
  console.log(
    `\nTargets (${result.mode}; ${result.machine.cpus} cores, Node ${result.machine.node}, load ${result.machine.loadAverageAtStart.join('/')} → ${result.machine.loadAverageAtEnd.join('/')})`,
  );
  console.log(
    textTable(
      ['target', 'measured', ''],
      result.targets.map((row) => [row.target, row.measured, row.status === 'pass' ? 'pass' : row.status === 'miss' ? 'MISS' : 'n/a']),
    ),
  );

  const archives: any[] = [s.archiveSmall, s.archiveLarge].filter(Boolean);
  if (archives.length) {
    console.log('\nArchives (in-memory dynalite + s3rver, handlers in process)');
    console.log(
      textTable(
        ['', ...archives.map((a) => `${a.stories.toLocaleString('en')} stories`)],
        [
          ['seeding (items/s)', ...archives.map((a) => `${(a.seed.ms / 1000).toFixed(1)} s (${a.seed.itemsPerSecond}/s)`)],
          ['seeded stories published today (UTC)', ...archives.map((a) => a.seed.todayStories)],
          ['regeneration of one story, p50 / p95', ...archives.map((a) => `${a.growth.handler.p50} / ${a.growth.handler.p95} ms`)],
          [
            '  files and KB written per regeneration',
            ...archives.map((a) => `${a.growth.filesWritten.length} files, ${Math.round(a.growth.bytesWritten / 1024)} KB`),
          ],
          ['  DynamoDB calls (items read) / S3 calls', ...archives.map((a) => callSummary(a.growth.callsPerRegeneration))],
          ['  DynamoDB capacity units, read / write', ...archives.map((a) => dynamoCapacityText(a.growth.callsPerRegeneration))],
          [
            '  what-if: feeds only / comparing with S3, p50',
            ...archives.map((a) =>
              a.growth.whatIf ? `${a.growth.whatIf.feedsOnly.p50} / ${a.growth.whatIf.feedsOnlyComparingWithS3?.p50 ?? '—'} ms` : '—',
            ),
          ],
          [
            'publish-to-origin p50 / p95 (n)',
            ...archives.map((a) => (a.latency ? `${a.latency.total.p50} / ${a.latency.total.p95} ms (${a.latency.publishes})` : '—')),
          ],
          ['  ingest ack p50', ...archives.map((a) => (a.latency ? `${a.latency.phases.ingestAck.p50} ms` : '—'))],
          [
            '  ack to all 9 files in the bucket with it p50',
            ...archives.map((a) => (a.latency ? `${a.latency.phases.ackToAllNineRead.p50} ms` : '—')),
          ],
          [
            '  of which waiting for the stream poll p50',
            ...archives.map((a) => (a.latency?.phases.ackToPoller ? `${a.latency.phases.ackToPoller.p50} ms` : '—')),
          ],
          [
            'floor: the 9 files written alone p50, and publish-to-origin as a multiple of it',
            ...archives.map((a) =>
              a.floor
                ? `${a.floor.nineFilesWritten.p50} ms; ${a.floor.publishToOriginP50Multiple}× / ${a.floor.publishToOriginP95Multiple}×`
                : '—',
            ),
          ],
          ['reads repeated after a reset connection', ...archives.map((a) => (a.retriedReads ? String(a.retriedReads.count) : '—'))],
          [
            'reader through the CDN: freshness, edge lifetime, invalidation time',
            ...archives.map((a) =>
              a.readerView ? `${a.readerView.freshness}, ${a.readerView.edgeSeconds} s, ${a.readerView.invalidationDelayMs / 1000} s` : '—',
            ),
          ],
          [
            '  ack to seen by a polling reader p50 / p95 (n)',
            ...archives.map((a) =>
              a.readerView
                ? `${a.readerView.ackToVisibleThroughCdn.p50} / ${a.readerView.ackToVisibleThroughCdn.p95} ms (${a.readerView.publishes})`
                : '—',
            ),
          ],
          ['  invalidation paths per publish', ...archives.map((a) => (a.readerView ? a.readerView.invalidationPathsPerPublish : '—'))],
          [
            '  hub fetches without their story',
            ...archives.map((a) => (a.readerView ? `${a.readerView.staleHubFetches} of ${a.readerView.publishes}` : '—')),
          ],
        ],
      ),
    );
    const burst = s.archiveLarge?.burst;
    if (burst) {
      console.log(
        `\nBurst at ${s.archiveLarge.stories.toLocaleString('en')} stories: ${burst.publishes} publishes, ${burst.concurrency} in flight: ${burst.acceptedPerSecond}/s accepted ` +
          `(ingest alone, scheduled stories: ${burst.ingestOnly?.acceptedPerSecond ?? '—'}/s); ` +
          `${burst.regenerations} regenerations; every feed complete ${burst.feedsCompleteAfterLastAckMs} ms after the last ack ` +
          `(checked by reading ${burst.filesVerified} files: ${burst.verifiedAfterLastAckMs} ms); process RSS ${s.archiveLarge.memoryMb} MB`,
      );
    }
    const bytes = s.archiveLarge?.bytes;
    if (bytes) {
      console.log(`\nBytes to pollers (CDN stand-in); an unchanged feed.xml takes ${bytes.unchangedReadMs.p50} ms to read`);
      console.log(
        textTable(
          ['file', 'items', 'raw', 'gzip', 'brotli', 'brotli/raw', 'If-None-Match'],
          bytes.files.map((f: any) => [
            f.path,
            f.items,
            f.raw,
            f.gzip,
            f.brotli,
            `${Math.round(f.brotliShare * 1000) / 10}%`,
            `${f.notModified.status}, ${f.notModified.bodyBytes} B`,
          ]),
        ),
      );
    }
  }
  if (s.render) {
    const r = s.render;
    console.log(`\nRender: 50 stories (${r.averageBodyBytes} B bodies), three formats, median of ${r.runs}`);
    console.log(
      textTable(
        ['', 'ours', 'feed library', 'overhead', 'CPU-time overhead'],
        [
          [
            'with editor summaries',
            `${r.withSummaries.ours.p50} ms`,
            `${r.withSummaries.feedLibrary.p50} ms`,
            `${r.withSummaries.overheadPercent}%`,
            `${r.withSummaries.cpu.overheadPercent}%`,
          ],
          [
            'summaries derived from the body',
            `${r.withoutSummaries.ours.p50} ms`,
            `${r.withoutSummaries.feedLibrary.p50} ms`,
            `${r.withoutSummaries.overheadPercent}%`,
            `${r.withoutSummaries.cpu.overheadPercent}%`,
          ],
        ],
      ),
    );
  }
  if (s.coldStart) {
    const c = s.coldStart;
    console.log(`\nBundles (CDK esbuild options) and cold starts (median of ${c.runs}, fresh Node process, import + first request)`);
    console.log(
      textTable(
        ['variant / handler', 'bundle', 'import', 'first request', 'import + first', 'p95'],
        Object.entries(c.coldStarts).map(([name, v]: [string, any]) => [
          coldStartRowName(name, v),
          `${Math.round(v.bundleBytes / 1024)} KB`,
          `${Math.round(v.importMs)} ms`,
          `${Math.round(v.firstRequestMs)} ms`,
          `${Math.round(v.importAndFirstRequestMs.p50)} ms`,
          `${Math.round(v.importAndFirstRequestMs.p95)} ms`,
        ]),
      ),
    );
    const unmeasured = lambdaCpuNotMeasured(c);
    if (unmeasured) console.log(unmeasured);
    const ingest = c.bundles[`${c.deployed ?? 'sdk-external'}/ingest`];
    if (ingest)
      console.log(
        `ingest bundle, largest parts: ${ingest.composition
          .slice(0, 6)
          .map((part: any) => `${part.owner} ${Math.round(part.bytes / 1024)} KB`)
          .join(', ')}`,
      );
    if (c.importCosts) {
      console.log('\nOne dependency alone, bundled like a handler: size and import time in a fresh process (median)');
      console.log(
        textTable(
          ['module', 'size', 'import'],
          c.importCosts.map((row: any) => [row.name, `${Math.round(row.bytes / 1024)} KB`, `${row.importMs} ms`]),
        ),
      );
    }
  }
}

function callSummary(calls: Record<string, { count: number; itemsRead: number }>): string {
  let dynamo = 0;
  let items = 0;
  let s3 = 0;
  for (const [name, totals] of Object.entries(calls)) {
    if (name.startsWith('dynamodb')) {
      dynamo += totals.count;
      items += totals.itemsRead;
    } else s3 += totals.count;
  }
  return `${Math.round(dynamo)} (${Math.round(items)}) / ${Math.round(s3)}`;
}
