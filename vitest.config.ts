import { configDefaults, defineConfig } from 'vitest/config';
import { INTEGRATION_TESTS } from './test/build/tiers.ts';

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
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...INTEGRATION_TESTS],
          // Refuses connections to services and starting their binaries (see the file).
          setupFiles: ['test/build/no-services.ts'],
        },
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
