import { defineConfig } from 'vitest/config';

/** `npm run test:stress`: the slow reliability checks (bursts, kill -9), run by CI after `npm test`. */
export default defineConfig({
  test: {
    include: ['tests/stress/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
