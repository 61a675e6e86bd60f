import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    testTimeout: 30_000,
    // End-to-end files each run a full Astro build; on a 2-core machine one at a time is faster and steadier.
    fileParallelism: false,
  },
});
