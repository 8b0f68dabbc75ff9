import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The JSON report is what .ci/run counts; the default reporter is for people.
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests that start servers (PostgreSQL, the local cloud) bind free ports; keep files parallel but bounded.
    maxWorkers: 2,
  },
});
