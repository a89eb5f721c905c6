import { defineConfig } from 'vitest/config';
import base from './vitest.config.mts';

/**
 * `npm run test:chaos`: the gateway from the build against a PostgreSQL cluster and a Redis of
 * the suite's own, stopped and started under load. Apart from `npm test` (minutes of outages).
 */
export default defineConfig({
  plugins: base.plugins,
  resolve: base.resolve,
  test: {
    name: 'chaos',
    include: ['e2e/chaos/**/*.chaos-spec.ts'],
    // They run dist/: build it first when the sources changed (see the e2e project).
    globalSetup: ['e2e/support/build-if-changed.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // As in the e2e project: in CI a failed test runs once more before it fails the run.
    retry: process.env.CI ? 1 : 0,
    // Each file has its own PostgreSQL and Redis, so files may run side by side; two at a time
    // keeps the run near its longest file (the 120 s outage) without starving a small machine.
    maxWorkers: 2,
  },
});
