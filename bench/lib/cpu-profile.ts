import { readFileSync } from 'node:fs';

/** The parts of a V8 .cpuprofile (as `node --cpu-prof` writes it) that a summary needs. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time per package (node_modules/<name>), repo folder (functions/…, bench/…) or engine bucket. */
  byOwner: { owner: string; ms: number; share: number }[];
  /** Time with at least one frame of the owner on the stack (callees included), heaviest first. */
  inclusiveByOwner: { owner: string; ms: number; share: number }[];
  /** Self time per function, heaviest first. */
  byFunction: { name: string; where: string; ms: number; share: number }[];
}

/** Who a script URL belongs to: an npm package, a folder of this repo, or node itself. */
export function ownerOf(url: string): string {
  if (!url) return '(engine: gc, idle, program)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node (built-in modules)';
  const repo = /\/(functions|infra|bench|tests|cli)\/(.*)$/.exec(url);
  if (repo) return `${repo[1]}/${repo[2]!.split('/')[0]}`;
  return url;
}

export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const selfMicros = new Map<number, number>();
  for (const [index, id] of profile.samples.entries()) selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  const totalMicros = [...selfMicros.values()].reduce((sum, value) => sum + value, 0) || 1;
  const owners = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; micros: number }>();
  for (const node of profile.nodes) {
    const micros = selfMicros.get(node.id) ?? 0;
    if (!micros) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const owner = ownerOf(url);
    owners.set(owner, (owners.get(owner) ?? 0) + micros);
    const where = url ? `${owner}:${lineNumber + 1}` : owner;
    const key = `${functionName}@${where}`;
    const entry = functions.get(key) ?? { name: functionName || '(anonymous)', where, micros: 0 };
    entry.micros += micros;
    functions.set(key, entry);
  }
  // Inclusive: walk down from the root, carrying the set of owners on the stack.
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const inclusive = new Map<string, number>();
  const childIds = new Set(profile.nodes.flatMap((node) => node.children ?? []));
  const subtreeSelf = new Map<number, number>();
  const total = (id: number): number => {
    const cached = subtreeSelf.get(id);
    if (cached !== undefined) return cached;
    const node = byId.get(id)!;
    const sum = (selfMicros.get(id) ?? 0) + (node.children ?? []).reduce((acc, child) => acc + total(child), 0);
    subtreeSelf.set(id, sum);
    return sum;
  };
  const walk = (id: number, above: Set<string>) => {
    const node = byId.get(id)!;
    const owner = node.callFrame.url ? ownerOf(node.callFrame.url) : undefined;
    if (owner && !above.has(owner)) {
      inclusive.set(owner, (inclusive.get(owner) ?? 0) + total(id));
      above = new Set(above).add(owner);
    }
    for (const child of node.children ?? []) walk(child, above);
  };
  for (const node of profile.nodes) if (!childIds.has(node.id)) walk(node.id, new Set());
  const ms = (micros: number) => Math.round(micros / 100) / 10;
  const share = (micros: number) => Math.round((micros / totalMicros) * 1000) / 10;
  return {
    totalMs: ms(totalMicros),
    byOwner: [...owners.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([owner, micros]) => ({ owner, ms: ms(micros), share: share(micros) })),
    inclusiveByOwner: [...inclusive.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([owner, micros]) => ({ owner, ms: ms(micros), share: share(micros) })),
    byFunction: [...functions.values()]
      .sort((a, b) => b.micros - a.micros)
      .slice(0, top)
      .map((entry) => ({ name: entry.name, where: entry.where, ms: ms(entry.micros), share: share(entry.micros) })),
  };
}

// `tsx bench/lib/cpu-profile.ts <file.cpuprofile>` prints a summary.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'))) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: tsx bench/lib/cpu-profile.ts <file.cpuprofile>');
    process.exit(2);
  }
  const summary = summarizeProfile(file, Number(process.argv[3] ?? 20));
  console.log(`total ${summary.totalMs} ms`);
  for (const row of summary.byOwner) console.log(`${String(row.share).padStart(5)}%  ${String(row.ms).padStart(8)} ms  ${row.owner}`);
  console.log('\ninclusive (callees included):');
  for (const row of summary.inclusiveByOwner)
    console.log(`${String(row.share).padStart(5)}%  ${String(row.ms).padStart(8)} ms  ${row.owner}`);
  console.log('');
  for (const row of summary.byFunction)
    console.log(`${String(row.share).padStart(5)}%  ${String(row.ms).padStart(8)} ms  ${row.name}  ${row.where}`);
}
