import { describe, expect, it } from 'vitest';
import { inParallel } from '../../functions/commons/concurrency.js';

describe('inParallel', () => {
  it('fails with the first failure only once the tasks already running have ended, and starts no new one', async () => {
    // Prepare: "a" fails at once while "b" is still running; "c" and "d" are still queued.
    const started: string[] = [];
    const ended: string[] = [];
    let releaseB!: () => void;
    const task = async (item: string) => {
      started.push(item);
      if (item === 'a') throw new Error('a failed');
      if (item === 'b') await new Promise<void>((resolve) => (releaseB = resolve));
      ended.push(item);
    };
    // Act
    const run = inParallel(['a', 'b', 'c', 'd'], 2, task);
    let settled = false;
    void run.catch(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const settledWhileBRan = settled;
    releaseB();
    // Assess
    await expect(run).rejects.toThrow('a failed');
    expect(settledWhileBRan).toBe(false);
    expect(started).toEqual(['a', 'b']);
    expect(ended).toEqual(['b']);
  });

  it('runs every item, at most `limit` at once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await inParallel([1, 2, 3, 4, 5], 2, async (item) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 2));
      running--;
      done.push(item);
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });
});
