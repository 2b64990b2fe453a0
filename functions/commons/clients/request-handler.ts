import { sdkSocketTimeoutMs } from '../config.js';

/**
 * The HTTP settings every SDK client of the functions shares: a call that connects or goes silent
 * for longer than the configured bound fails with a TimeoutError, which the SDK retries.
 */
export function requestHandlerSettings(): { connectionTimeout: number; socketTimeout: number } {
  const timeout = sdkSocketTimeoutMs();
  return { connectionTimeout: timeout, socketTimeout: timeout };
}
