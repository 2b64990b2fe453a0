/**
 * Environments the regenerator may run in at once: one, so regenerations take turns rather than
 * wait for each other's lease. The stack's reserved concurrency, and the local Lambda stand-in's.
 */
export const REGENERATOR_RESERVED_CONCURRENCY = 1;
