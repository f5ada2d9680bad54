import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['**/*.test.ts'],
      reporter: ['text-summary'],
      // In-process coverage only: end-to-end tests run Slipway as child processes.
      thresholds: {
        'src/registry/**': { lines: 85 },
        'src/oci/**': { lines: 85 },
        'src/metadata/**': { lines: 85 },
        'src/auth/**': { lines: 85 },
      },
    },
  },
});
