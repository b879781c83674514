import { configDefaults, defineConfig } from 'vitest/config';
import { FRESH_PROCESS_TESTS, INTEGRATION_TESTS } from './test/build/tiers.ts';

/** Unit tests need no services: see test/build/no-services.ts, which enforces it. */
const unit = {
  include: ['test/**/*.test.ts'],
  setupFiles: ['test/build/no-services.ts'],
};

export default defineConfig({
  test: {
    // Integration tests talk to real NATS and ClickHouse (18.16 on CI creates tables slowly).
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One file at a time: CI has 2 cores, and files share the NATS and ClickHouse servers.
    fileParallelism: false,
    projects: [
      {
        extends: true,
        test: {
          ...unit,
          name: 'unit',
          exclude: [...configDefaults.exclude, ...INTEGRATION_TESTS, ...FRESH_PROCESS_TESTS],
          // Files share one module graph: TensorFlow.js and the model load once, not per file
          // (a quarter of the CPU time).
          isolate: false,
        },
      },
      {
        extends: true,
        test: { ...unit, name: 'unit-fresh', include: FRESH_PROCESS_TESTS },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION_TESTS.map((p) => (p.endsWith('/**') ? `${p}/*.test.ts` : p)),
          // Some of these run the compiled command: build dist/ when the sources are newer.
          globalSetup: ['test/build/fresh-dist.ts'],
        },
      },
    ],
  },
});
