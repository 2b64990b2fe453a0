import { defineConfig } from 'vitest/config';

/** `npm run test:browser`: checks in a real headless Chromium (Debian's `chromium`), kept out of `npm test`. */
export default defineConfig({
  test: {
    include: ['tests/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    pool: 'forks',
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
