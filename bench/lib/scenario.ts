import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/**
 * What every scenario process shares: `--name value` arguments, progress on stderr, the result
 * as JSON in the file named by `--out`, and a deadline after which it gives up (exit 3) so the
 * benchmark always ends by itself.
 */
export function scenarioArgs(): Record<string, string> {
  const args: Record<string, string> = {};
  const argv = process.argv.slice(2);
  for (let index = 0; index < argv.length; index++) {
    const name = argv[index]!;
    if (!name.startsWith('--')) continue;
    const next = argv[index + 1];
    if (next === undefined || next.startsWith('--')) args[name.slice(2)] = 'true';
    else {
      args[name.slice(2)] = next;
      index++;
    }
  }
  return args;
}

export function numberArg(args: Record<string, string>, name: string, fallback: number): number {
  const value = args[name] === undefined ? fallback : Number(args[name]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
  return value;
}

export function progress(scenario: string): (message: string) => void {
  const started = performance.now();
  return (message) => process.stderr.write(`  [${scenario} ${((performance.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
}

export function writeResult(file: string | undefined, result: unknown): void {
  const json = JSON.stringify(result, null, 2);
  if (file) writeFileSync(file, `${json}\n`);
  else process.stdout.write(`${json}\n`);
}

/** Exits with status 3 if the scenario is still running after `ms`. */
export function deadline(ms: number, scenario: string): void {
  setTimeout(() => {
    process.stderr.write(`${scenario}: still running after ${Math.round(ms / 1000)} s; giving up\n`);
    process.exit(3);
  }, ms).unref();
}

export function machineLoad(): number[] {
  return loadavg().map((value) => Math.round(value * 100) / 100);
}

/** A failure of the benchmark itself (not a missed target): the scenario exits non-zero. */
export class BenchmarkBrokenError extends Error {
  override readonly name = 'BenchmarkBrokenError';
}
