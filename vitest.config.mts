import path from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const libs = ['core', 'config', 'persistence', 'queue', 'observability', 'security', 'sessions', 'providers', 'channels', 'agent', 'control-plane', 'admin-api', 'testing'];
const alias = libs.map((lib) => ({
  find: new RegExp(`^@switchboard/${lib}(/.*)?$`),
  replacement: path.resolve(import.meta.dirname, `libs/${lib}/src`) + '$1',
}));
// The bare "@switchboard/<lib>" import resolves to that lib's index.ts.
const resolveIndex = [
  ...libs.map((lib) => ({
    find: new RegExp(`^@switchboard/${lib}$`),
    replacement: path.resolve(import.meta.dirname, `libs/${lib}/src/index.ts`),
  })),
  // The admin API contract is its own entry point (the browser console imports it).
  { find: /^@switchboard\/admin-api\/contract$/, replacement: path.resolve(import.meta.dirname, 'libs/admin-api/src/contract/index.ts') },
];

// SWC compiles the decorators and their metadata the way tsc does, which Nest's DI needs.
const plugins = [swc.vite({ module: { type: 'es6' } })];

export default defineConfig({
  plugins,
  resolve: { alias: [...resolveIndex, ...alias] },
  test: {
    projects: [
      {
        plugins,
        resolve: { alias: [...resolveIndex, ...alias] },
        test: {
          name: 'unit',
          include: ['apps/**/*.spec.ts', 'libs/**/*.spec.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins,
        resolve: { alias: [...resolveIndex, ...alias] },
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e-spec.ts'],
          // They run dist/: build it first when the sources changed, so no run tests stale code.
          globalSetup: ['e2e/support/build-if-changed.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // CI runs on a shared 2-core host that sometimes starves a gateway process for seconds: there a
          // failed e2e test runs once more, and only a test that fails twice fails the run.
          retry: process.env.CI ? 1 : 0,
          // e2e suites start real gateway processes on shared Postgres/Redis: run files one at a time.
          fileParallelism: false,
          // Suites marked concurrent (the channel contract's platforms) run this many at a time.
          maxConcurrency: 3,
        },
      },
    ],
  },
});
