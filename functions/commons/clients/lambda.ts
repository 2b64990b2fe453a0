import { LambdaClient } from '@aws-sdk/client-lambda';

/**
 * How long a publish waits for the regenerator's answer before leaving its feeds to the stream: a
 * cold regenerator's start and one story's regeneration fit well inside it.
 */
export const REGENERATE_NOW_TIMEOUT_MS = 3_000;

/**
 * One client per process (the ingest function asks the regenerator for a story's feeds). One
 * attempt only: a refusal (the regenerator's one environment is busy) or a timeout means the
 * stream's delivery does the work, and a retry would only hold the acknowledgement back.
 */
export const lambdaClient = new LambdaClient({
  maxAttempts: 1,
  requestHandler: {
    connectionTimeout: REGENERATE_NOW_TIMEOUT_MS,
    requestTimeout: REGENERATE_NOW_TIMEOUT_MS,
    throwOnRequestTimeout: true,
  },
});
