import { defineConfig } from 'vitest/config';

// Two projects: the pure and HTTP-faked tests run in parallel; the tests that need a real
// AWS endpoint (moto server) share one server, so they run one file at a time and reset
// it before each file. Both get a real redis-server (the job layer); each job layer in a
// test has its own key prefix, so files running side by side never share jobs. The
// process-level fault tests (test/process) build dist/ and start real servers.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/moto/**', 'test/process/**'],
          globalSetup: ['test/support/redis-global-setup.ts'],
          setupFiles: ['test/support/jobs-cleanup.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'moto',
          include: ['test/moto/**/*.test.ts'],
          globalSetup: ['test/support/moto-global-setup.ts', 'test/support/redis-global-setup.ts'],
          setupFiles: ['test/support/moto-reset.ts', 'test/support/jobs-cleanup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'process',
          include: ['test/process/**/*.test.ts'],
          globalSetup: ['test/support/build-global-setup.ts', 'test/support/moto-global-setup.ts'],
          setupFiles: ['test/support/moto-reset.ts', 'test/support/jobs-cleanup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
