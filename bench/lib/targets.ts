/** The targets, evaluated against what the scenarios measured. */

export interface TargetRow {
  id: string;
  target: string;
  measured: string;
  /** `n/a` when the scenario did not run (or broke). */
  status: 'pass' | 'miss' | 'n/a';
}

/** Scenario results are plain JSON written by other processes. */
type Json = any;

const ms = (value: number) => `${Math.round(value * 10) / 10} ms`;
const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;

function row(id: string, target: string, measured: string | undefined, pass: boolean | undefined): TargetRow {
  if (measured === undefined || pass === undefined) return { id, target, measured: measured ?? '—', status: 'n/a' };
  return { id, target, measured, status: pass ? 'pass' : 'miss' };
}

export function evaluateTargets(results: { render?: Json; archiveSmall?: Json; archiveLarge?: Json; coldStart?: Json }): TargetRow[] {
  const { render, archiveSmall: small, archiveLarge: large, coldStart } = results;
  const rows: TargetRow[] = [];
  const archive = large ? `${large.stories.toLocaleString('en')} stories` : 'the large archive';

  const latency = large?.latency?.total;
  rows.push(row('latency-p50', `Publish-to-origin p50 < 50 ms at ${archive}`, latency && ms(latency.p50), latency && latency.p50 < 50));
  rows.push(row('latency-p95', `Publish-to-origin p95 < 150 ms at ${archive}`, latency && ms(latency.p95), latency && latency.p95 < 150));

  const floor = large?.floor;
  rows.push(
    row(
      'floor-p50',
      `Publish-to-origin p50 ≤ 2× the floor (9 files written alone) at ${archive}`,
      floor && `${floor.publishToOriginP50Multiple}× (floor ${ms(floor.nineFilesWritten.p50)})`,
      floor && floor.publishToOriginP50Multiple <= 2,
    ),
  );
  rows.push(
    row(
      'floor-p95',
      `Publish-to-origin p95 ≤ 3× the floor at ${archive}`,
      floor && `${floor.publishToOriginP95Multiple}×`,
      floor && floor.publishToOriginP95Multiple <= 3,
    ),
  );

  const reader = large?.readerView;
  const seen = reader?.ackToVisibleThroughCdn;
  rows.push(
    row(
      'reader-p95',
      `A reader polling through the CDN sees a story within 10 s (p95, ${reader?.freshness ?? 'default'} freshness, at ${archive})`,
      seen && `${(seen.p50 / 1000).toFixed(1)} / ${(seen.p95 / 1000).toFixed(1)} s (p50 / p95, ${reader.publishes} publishes)`,
      seen && seen.p95 <= 10_000,
    ),
  );
  rows.push(
    row(
      'hub-stale',
      'WebSub: no hub fetch without the story it was pinged for',
      reader && `${reader.staleHubFetches} of ${reader.publishes}`,
      reader && reader.staleHubFetches === 0,
    ),
  );

  const smallGrowth = small?.growth?.handler?.p50;
  const largeGrowth = large?.growth?.handler?.p50;
  const ratio = smallGrowth && largeGrowth ? largeGrowth / smallGrowth : undefined;
  rows.push(
    row(
      'growth',
      `Regeneration time ${archive} / ${small ? small.stories.toLocaleString('en') : 'small'} stories < 1.3`,
      ratio === undefined ? undefined : `${ratio.toFixed(2)} (${ms(largeGrowth)} / ${ms(smallGrowth)})`,
      ratio === undefined ? undefined : ratio < 1.3,
    ),
  );

  const burst = large?.burst;
  rows.push(
    row(
      'burst-rate',
      'Burst: ≥ 200 publishes/s accepted',
      burst && `${burst.acceptedPerSecond}/s`,
      burst && burst.acceptedPerSecond >= 200,
    ),
  );
  rows.push(
    row(
      'burst-coalescing',
      'Burst: < 1 regeneration per 10 publishes',
      burst && `${burst.regenerations} for ${burst.publishes} (1 per ${burst.publishesPerRegeneration})`,
      burst && burst.regenerations * 10 < burst.publishes,
    ),
  );
  rows.push(
    row(
      'burst-complete',
      `Burst: all ${burst?.publishes ?? 1000} in the feeds ≤ 5 s after the last ack`,
      burst &&
        `${(burst.feedsCompleteAfterLastAckMs / 1000).toFixed(1)} s (verified by reading every feed: ${(burst.verifiedAfterLastAckMs / 1000).toFixed(1)} s)`,
      burst?.allInFeeds && burst.feedsCompleteAfterLastAckMs <= 5000,
    ),
  );

  const overhead = render?.withSummaries;
  rows.push(
    row(
      'render-overhead',
      'Render overhead above the `feed` library < 25%',
      overhead &&
        `${overhead.overheadPercent > 0 ? '+' : ''}${overhead.overheadPercent}% (${ms(overhead.ours.p50)} vs ${ms(overhead.feedLibrary.p50)})`,
      overhead && overhead.overheadPercent < 25,
    ),
  );

  // Results from before the SDK was bundled name no deployed variant: the SDK was external then.
  const deployed = coldStart?.deployed ?? 'sdk-external';
  for (const handler of ['ingest', 'regenerate', 'publish-due']) {
    const bundle = coldStart?.bundles?.[`${deployed}/${handler}`];
    rows.push(
      row(`bundle-${handler}`, `${handler} bundle < 1 MB (as deployed)`, bundle && kb(bundle.bytes), bundle && bundle.bytes < 1024 * 1024),
    );
  }
  for (const handler of ['ingest', 'regenerate', 'publish-due']) {
    const cold = coldStart?.coldStarts?.[`${deployed}/${handler}`];
    rows.push(
      row(
        `cold-${handler}`,
        `${handler}: import + first request < 300 ms (median, fresh process)`,
        cold && ms(cold.importAndFirstRequestMs.p50),
        cold && cold.importAndFirstRequestMs.p50 < 300,
      ),
    );
  }

  const bytes = large?.bytes;
  rows.push(
    row(
      'brotli',
      'Brotli feed ≤ 1/5 of raw (worst feed file)',
      bytes && `${Math.round(bytes.worstBrotliShare * 1000) / 10}% of raw`,
      bytes && bytes.worstBrotliShare <= 0.2,
    ),
  );
  rows.push(
    row(
      'not-modified',
      'Unchanged feed: conditional GET → 304, empty body',
      bytes && (bytes.conditionalGet304 ? '304, 0 bytes' : 'no'),
      bytes?.conditionalGet304,
    ),
  );
  return rows;
}
