import { randomUUID } from 'node:crypto';
import { allSettledOrFirstFailure, sleep } from '../commons/concurrency.js';
import type { ArchiveDay } from '../domain/archives.js';
import type { CatalogWork, FeedIndex, PageState, RegenerationLease } from './ports.js';

/**
 * The lease lasts longer than a regeneration may run (the Lambda timeout), so a regeneration
 * killed at its timeout can never write after another has taken the lease over.
 */
export const FEED_LEASE_MS = 120_000;

/**
 * How long a regeneration waits for the lease another one holds before failing (and being retried
 * by the stream): well inside the Lambda timeout, so the wait itself never times the function out.
 */
export const FEED_LEASE_WAIT_MS = 30_000;

export class FeedBusyError extends Error {
  override readonly name = 'FeedBusyError';
}

export interface LeaseSettings {
  index: FeedIndex;
  /** How long the lease lasts unless renewed; must outlive one regeneration (the function timeout in AWS). */
  leaseMs?: number | undefined;
  /** How long to wait for another run to give the lease up before failing. */
  waitForLeaseMs?: number | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** What a run under the lease leaves for the index to record as it gives the lease up. */
export interface LeasedOutcome<T> {
  value: T;
  pages: Map<string, PageState>;
  next: { pending: CatalogWork; newestArchiveDay?: ArchiveDay | undefined };
  /**
   * What needs the work's files stored but not the lease (telling the CDN and the hubs): it runs
   * while the lease is given up, and the run fails if it fails.
   */
  whileReleasing?: (() => Promise<unknown>) | undefined;
}

/** The lease a run holds, and a way to keep holding it through a long run. */
export interface HeldLease extends RegenerationLease {
  /** Renews the lease when half of it has run out; throws FeedBusyError if it lapsed. */
  keep(): Promise<void>;
}

/**
 * Runs `work` holding the regeneration lease: waits for it (with backoff) while another run holds
 * it, gives it up with what the work recorded, or, when the work fails, gives it up without
 * recording anything (some files may have been written: no record of them is trusted after).
 */
export async function withRegenerationLease<T>(settings: LeaseSettings, work: (lease: HeldLease) => Promise<LeasedOutcome<T>>): Promise<T> {
  const leaseMs = settings.leaseMs ?? FEED_LEASE_MS;
  const pause = settings.sleep ?? sleep;
  const owner = randomUUID();
  const giveUpAt = Date.now() + (settings.waitForLeaseMs ?? FEED_LEASE_WAIT_MS);
  let taken = await settings.index.acquire(owner, leaseMs);
  for (let wait = 25; !taken; wait = Math.min(wait * 2, 1_000)) {
    if (Date.now() >= giveUpAt) throw new FeedBusyError('The feeds are held by another regeneration');
    await pause(wait);
    taken = await settings.index.acquire(owner, leaseMs);
  }
  const lease: HeldLease = Object.assign(taken, {
    async keep() {
      if (lease.until - Date.now() > leaseMs / 2) return;
      if (!(await settings.index.renew(lease, leaseMs))) throw new FeedBusyError('The regeneration lease lapsed and another run took it');
    },
  });
  let outcome: LeasedOutcome<T>;
  try {
    outcome = await work(lease);
    // The release is one unconditional batch write: made only while the lease is surely still ours.
    await lease.keep();
  } catch (error) {
    await settings.index.abandon(lease).catch(() => undefined);
    throw error;
  }
  await allSettledOrFirstFailure([settings.index.release(lease, outcome.pages, outcome.next), outcome.whileReleasing?.()]);
  return outcome.value;
}
