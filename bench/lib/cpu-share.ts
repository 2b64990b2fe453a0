/**
 * The CPU Lambda gives a function while it serves a request: Lambda allocates CPU in proportion to
 * memory (one vCPU at LAMBDA_MB_PER_VCPU), which a Linux control group reproduces with a CPU quota
 * (cgroup v1 `cpu.cfs_quota_us`, or v2 `cpu.max`). INIT (the import) runs with burst CPU in
 * Lambda, so a cold-start child moves itself into the group after its import. Creating a group
 * needs root; where one cannot be made, `cpuShares` says why, and the benchmark prints that
 * instead of figures.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LAMBDA_MB_PER_VCPU } from '../../infra/cdk/publisher-function.js';

const PERIOD_US = 100_000;
const V1_ROOT = '/sys/fs/cgroup/cpu';
const V2_ROOT = '/sys/fs/cgroup';

export interface CpuShares {
  /** The file to write a process id to, to move that process (all its threads) into the group of `memoryMb`. */
  procsFile(memoryMb: number): string;
  /** Removes the groups (once their processes have exited). */
  close(): void;
}

/** The share of one vCPU that Lambda gives a function of `memoryMb`. */
export function vcpusOf(memoryMb: number): number {
  return memoryMb / LAMBDA_MB_PER_VCPU;
}

/** One control group per memory size, or the reason none could be made. */
export function cpuShares(memories: number[]): CpuShares | { unavailable: string } {
  const layout = existsSync(path.join(V1_ROOT, 'cpu.cfs_quota_us'))
    ? 'v1'
    : existsSync(path.join(V2_ROOT, 'cgroup.controllers'))
      ? 'v2'
      : undefined;
  if (!layout) return { unavailable: 'no cgroup CPU controller on this machine' };
  const groups = new Map<number, string>();
  try {
    if (layout === 'v2') {
      if (!readFileSync(path.join(V2_ROOT, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('cpu'))
        throw new Error('the cgroup v2 root offers no cpu controller');
      if (!readFileSync(path.join(V2_ROOT, 'cgroup.subtree_control'), 'utf8').split(/\s+/).includes('cpu'))
        writeFileSync(path.join(V2_ROOT, 'cgroup.subtree_control'), '+cpu');
    }
    for (const memoryMb of new Set(memories)) {
      const directory = path.join(layout === 'v1' ? V1_ROOT : V2_ROOT, `newsroom-bench-${process.pid}-${memoryMb}mb`);
      mkdirSync(directory, { recursive: true });
      groups.set(memoryMb, directory);
      const quotaUs = Math.round(vcpusOf(memoryMb) * PERIOD_US);
      if (layout === 'v1') {
        writeFileSync(path.join(directory, 'cpu.cfs_period_us'), String(PERIOD_US));
        writeFileSync(path.join(directory, 'cpu.cfs_quota_us'), String(quotaUs));
      } else {
        writeFileSync(path.join(directory, 'cpu.max'), `${quotaUs} ${PERIOD_US}`);
      }
    }
  } catch (error) {
    removeGroups(groups);
    return {
      unavailable: `cannot make a cgroup with a CPU quota (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; it needs root)`,
    };
  }
  return {
    procsFile(memoryMb) {
      const directory = groups.get(memoryMb);
      if (!directory) throw new Error(`No CPU group for ${memoryMb} MB`);
      return path.join(directory, 'cgroup.procs');
    },
    close: () => removeGroups(groups),
  };
}

function removeGroups(groups: Map<number, string>): void {
  for (const directory of groups.values()) {
    try {
      rmdirSync(directory);
    } catch {
      // A group still holding a process that outlived its run is left for the machine to clean.
    }
  }
}
