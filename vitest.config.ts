import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests talk to real NATS and ClickHouse (18.16 on CI creates tables slowly).
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One file at a time: CI has 2 cores, and files share the NATS and ClickHouse servers.
    fileParallelism: false,
  },
});
