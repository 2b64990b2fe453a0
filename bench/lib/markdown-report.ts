import { dynamoCapacityText } from './command-stats.js';
import { markdownTable } from './table.js';
import type { TargetRow } from './targets.js';

/* Scenario results are plain JSON written by other processes. */
type Json = any;

const kb = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en')} KB`;
const ms = (value: number) => `${Math.round(value).toLocaleString('en')} ms`;

/** The figures as Markdown tables, for docs/performance.md (written next to the JSON results). */
export function markdownReport(report: {
  mode: string;
  startedAt: string;
  durationS: number;
  machine: Json;
  git: Json;
  targets: TargetRow[];
  scenarios: Json;
}): string {
  const { machine, scenarios: s } = report;
  const out: string[] = [];
  out.push(
    `Run ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC, \`npm run bench${report.mode === 'quick' ? ' -- --quick' : ''}\` (${report.durationS} s), ` +
      `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, load average ${machine.loadAverageAtStart[0]} at the start` +
      `${report.git?.commit ? `, commit ${report.git.commit} plus ${report.git.uncommittedFiles} uncommitted files at the start` : ''}.`,
  );
  out.push(
    '',
    markdownTable(
      ['target', 'measured', ''],
      report.targets.map((row) => [row.target, row.measured, row.status === 'pass' ? 'pass' : row.status === 'miss' ? '**miss**' : 'n/a']),
    ),
  );

  const archives: Json[] = [s.archiveSmall, s.archiveLarge].filter(Boolean);
  if (archives.length) {
    const calls = (a: Json) => {
      const c = a.growth.callsPerRegeneration as Record<string, { count: number; itemsRead: number }>;
      const count = (prefix: string) =>
        Math.round(
          Object.entries(c)
            .filter(([name]) => name.startsWith(prefix))
            .reduce((sum, [, v]) => sum + v.count, 0),
        );
      const items = Math.round(
        Object.entries(c)
          .filter(([name]) => name.startsWith('dynamodb'))
          .reduce((sum, [, v]) => sum + v.itemsRead, 0),
      );
      return `${count('dynamodb')} DynamoDB (${items} items read), ${count('s3')} S3`;
    };
    out.push(
      '',
      markdownTable(
        ['', ...archives.map((a) => `${a.stories.toLocaleString('en')} stories`)],
        [
          [
            'seeding (time, items/s)',
            ...archives.map((a) => `${(a.seed.ms / 1000).toFixed(1)} s, ${a.seed.itemsPerSecond.toLocaleString('en')}/s`),
          ],
          ['seeded stories published today (UTC)', ...archives.map((a) => a.seed.todayStories.toLocaleString('en'))],
          [
            'regeneration of one story (handler) p50 / p95',
            ...archives.map((a) => `${ms(a.growth.handler.p50)} / ${ms(a.growth.handler.p95)}`),
          ],
          ['… files and bytes it writes', ...archives.map((a) => `${a.growth.filesWritten.length} files, ${kb(a.growth.bytesWritten)}`)],
          ['… SDK calls it makes', ...archives.map(calls)],
          [
            '… DynamoDB capacity units it consumes, read / write (as dynalite counts them)',
            ...archives.map((a) => dynamoCapacityText(a.growth.callsPerRegeneration)),
          ],
          ['… CPU of the process per regeneration', ...archives.map((a) => ms(a.growth.cpuMsPerRegeneration))],
          [
            'what-if: feeds only (no archive page, directory, tombstones) p50',
            ...archives.map((a) => (a.growth.whatIf ? ms(a.growth.whatIf.feedsOnly.p50) : '—')),
          ],
          [
            'what-if: feeds only, each file compared with S3 (a HEAD) first, p50',
            ...archives.map((a) => (a.growth.whatIf?.feedsOnlyComparingWithS3 ? ms(a.growth.whatIf.feedsOnlyComparingWithS3.p50) : '—')),
          ],
          [
            'publish-to-origin p50 / p95 (publishes measured)',
            ...archives.map((a) => (a.latency ? `${ms(a.latency.total.p50)} / ${ms(a.latency.total.p95)} (${a.latency.publishes})` : '—')),
          ],
          ['… PUT acknowledged (p50)', ...archives.map((a) => (a.latency ? ms(a.latency.phases.ingestAck.p50) : '—'))],
          [
            '… from the ack until all 9 files in the bucket hold it (p50)',
            ...archives.map((a) => (a.latency ? ms(a.latency.phases.ackToAllNineRead.p50) : '—')),
          ],
          [
            "… of which waiting for the stream's next poll (4 a second, as Lambda's), p50",
            ...archives.map((a) => (a.latency?.phases.ackToPoller ? ms(a.latency.phases.ackToPoller.p50) : '—')),
          ],
          [
            'floor: the same 9 files written alone with the same client, p50; publish-to-origin p50 / p95 as a multiple of it; the regeneration (handler) p50 as one',
            ...archives.map((a) =>
              a.floor
                ? `${ms(a.floor.nineFilesWritten.p50)}; ${a.floor.publishToOriginP50Multiple}× / ${a.floor.publishToOriginP95Multiple}×; ${round2(a.growth.handler.p50 / a.floor.nineFilesWritten.p50)}×`
                : '—',
            ),
          ],
          [
            'reads the poller repeated after a reset connection',
            ...archives.map((a) => (a.retriedReads ? String(a.retriedReads.count) : '—')),
          ],
          [
            'reader through the caching CDN: freshness, edge lifetime, invalidation time',
            ...archives.map((a) =>
              a.readerView ? `${a.readerView.freshness}, ${a.readerView.edgeSeconds} s, ${a.readerView.invalidationDelayMs / 1000} s` : '—',
            ),
          ],
          [
            '… from the ack until a reader polling `/feed.json` every 250 ms sees it, p50 / p95 (publishes)',
            ...archives.map((a) =>
              a.readerView
                ? `${ms(a.readerView.ackToVisibleThroughCdn.p50)} / ${ms(a.readerView.ackToVisibleThroughCdn.p95)} (${a.readerView.publishes})`
                : '—',
            ),
          ],
          [
            '… CloudFront invalidation paths per publish',
            ...archives.map((a) => (a.readerView ? String(a.readerView.invalidationPathsPerPublish) : '—')),
          ],
          [
            '… fetches by a hub (through the CDN, when pinged) without their story',
            ...archives.map((a) => (a.readerView ? `${a.readerView.staleHubFetches} of ${a.readerView.publishes}` : '—')),
          ],
        ],
      ),
    );
    const burst = s.archiveLarge?.burst;
    if (burst) {
      out.push(
        '',
        `Burst at ${s.archiveLarge.stories.toLocaleString('en')} stories: ${burst.publishes.toLocaleString('en')} PUTs, ${burst.concurrency} in flight, over ${burst.spread.categories} categories and ${burst.spread.authors} authors: ` +
          `accepted in ${ms(burst.acceptMs)} (${burst.acceptedPerSecond}/s; the same PUTs of stories scheduled for tomorrow, whose regenerations render nothing: ${burst.ingestOnly?.acceptedPerSecond ?? '—'}/s); ${burst.regenerations} regenerations; every feed complete ${ms(burst.feedsCompleteAfterLastAckMs)} after the last acknowledgement; ` +
          `checked by reading ${burst.filesVerified} feed files (done ${ms(burst.verifiedAfterLastAckMs)} after it). Process RSS at the end: ${s.archiveLarge.memoryMb.toLocaleString('en')} MB.`,
      );
    }
    const bytes = s.archiveLarge?.bytes;
    if (bytes) {
      out.push(
        '',
        markdownTable(
          ['file', 'items', 'raw', 'gzip', 'brotli', 'brotli / raw', 'conditional GET'],
          bytes.files.map((f: Json) => [
            `\`${f.path}\``,
            f.items,
            kb(f.raw),
            kb(f.gzip),
            kb(f.brotli),
            `${Math.round(f.brotliShare * 1000) / 10}%`,
            `${f.notModified.status}, ${f.notModified.bodyBytes} bytes`,
          ]),
        ),
        '',
        `An unchanged \`feed.xml\` takes ${ms(bytes.unchangedReadMs.p50)} to read through the CDN stand-in (p50 of 5).`,
      );
    }
  }
  if (s.render) {
    const r = s.render;
    out.push(
      '',
      markdownTable(
        [
          `render 50 stories × 3 formats to UTF-8 (median of ${r.runs})`,
          'ours',
          '`feed` 6',
          'overhead (wall)',
          'overhead (CPU time)',
          'ours, entries remembered',
        ],
        [
          [
            'stories with an editor summary',
            `${r.withSummaries.ours.p50} ms`,
            `${r.withSummaries.feedLibrary.p50} ms`,
            `${r.withSummaries.overheadPercent}%`,
            `${r.withSummaries.cpu.overheadPercent}%`,
            `${r.withSummaries.oursRemembered?.p50 ?? '—'} ms`,
          ],
          [
            'summary derived from the body',
            `${r.withoutSummaries.ours.p50} ms`,
            `${r.withoutSummaries.feedLibrary.p50} ms`,
            `${r.withoutSummaries.overheadPercent}%`,
            `${r.withoutSummaries.cpu.overheadPercent}%`,
            `${r.withoutSummaries.oursRemembered?.p50 ?? '—'} ms`,
          ],
        ],
      ),
    );
  }
  if (s.coldStart) {
    const c = s.coldStart;
    out.push(
      '',
      markdownTable(
        [`bundle / cold start (median of ${c.runs})`, 'size', 'import', 'first request', 'import + first request'],
        Object.entries(c.coldStarts).map(([name, v]: [string, Json]) => [
          coldStartRowName(name, v),
          kb(v.bundleBytes),
          ms(v.importMs),
          ms(v.firstRequestMs),
          ms(v.importAndFirstRequestMs.p50),
        ]),
      ),
    );
    const unmeasured = lambdaCpuNotMeasured(c);
    if (unmeasured) out.push('', `${unmeasured}.`);
    const ingest = c.bundles[`${c.deployed ?? 'sdk-external'}/ingest`];
    if (ingest)
      out.push(
        '',
        `What fills the ingest bundle: ${ingest.composition
          .slice(0, 8)
          .map((part: Json) => `${part.owner} ${kb(part.bytes)}`)
          .join(', ')}.`,
      );
    if (c.importCosts) {
      out.push(
        '',
        markdownTable(
          ['one dependency alone, bundled like a handler', 'size', 'import in a fresh process'],
          c.importCosts.map((row: Json) => [row.name, kb(row.bytes), ms(row.importMs)]),
        ),
      );
    }
  }
  return `${out.join('\n')}\n`;
}

/** A cold-start row's name, with the memory and CPU share of the `…-lambda-cpu` variant. */
export function coldStartRowName(name: string, coldStart: { memoryMb?: number; vcpus?: number }): string {
  return coldStart.memoryMb ? `${name} (${coldStart.memoryMb} MB: ${coldStart.vcpus} vCPU)` : name;
}

/** Why the `…-lambda-cpu` variant has no figures, when it has none. */
export function lambdaCpuNotMeasured(coldStart: { lambdaCpu?: { unavailable?: string } }): string | undefined {
  return (
    coldStart.lambdaCpu?.unavailable && `With the CPU Lambda gives each function's memory: not measured, ${coldStart.lambdaCpu.unavailable}`
  );
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
