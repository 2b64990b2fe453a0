/**
 * What the ingest function sends the regenerator when a story changes (a synchronous Lambda
 * invocation), and what it answers: the feeds brought up to date now, rather than at the table
 * stream's next poll. The stream still delivers the change; the regenerator then finds nothing
 * left to do.
 */
export interface RegenerateNowEvent {
  regenerateNow: { slugs: string[] };
}

export type RegenerateNowResult =
  /** The stories' feeds hold them as stored. */
  | { status: 'done'; filesWritten: number }
  /** Another regeneration holds the lease: the stream's delivery will do it. */
  | { status: 'busy' };

export function isRegenerateNowEvent(event: unknown): event is RegenerateNowEvent {
  const request = (event as Partial<RegenerateNowEvent> | undefined)?.regenerateNow;
  return Array.isArray(request?.slugs) && request.slugs.every((slug) => typeof slug === 'string');
}
