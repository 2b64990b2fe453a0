import { describe, expect, it } from 'vitest';
import { DEFAULT_SDK_SOCKET_TIMEOUT_MS, InvalidConfigurationError, sdkSocketTimeoutMs } from '../../functions/commons/config.js';

describe('Configuration: SDK_SOCKET_TIMEOUT_MS', () => {
  it('bounds a silent SDK call by default, and takes a bound in milliseconds', () => {
    expect(sdkSocketTimeoutMs({})).toBe(DEFAULT_SDK_SOCKET_TIMEOUT_MS);
    expect(sdkSocketTimeoutMs({ SDK_SOCKET_TIMEOUT_MS: ' 1000 ' })).toBe(1_000);
  });

  it.each(['soon', '99', '1.5', '-1'])('refuses %j, naming the variable', (value) => {
    expect(() => sdkSocketTimeoutMs({ SDK_SOCKET_TIMEOUT_MS: value })).toThrow(InvalidConfigurationError);
    expect(() => sdkSocketTimeoutMs({ SDK_SOCKET_TIMEOUT_MS: value })).toThrow(/SDK_SOCKET_TIMEOUT_MS/);
  });
});
