import { defineConfig } from 'vitest/config';

// Two projects: the pure and HTTP-faked tests run in parallel; the tests that need a real
// AWS endpoint (moto server) share one server, so they run one file at a time and reset
// it before each file.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // The in-process scheduler is started by tests that want it, not by every app instance.
          env: { DRIFTGATE_SCHEDULER: 'off' },
          include: ['test/**/*.test.ts'],
          exclude: ['test/moto/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'moto',
          env: { DRIFTGATE_SCHEDULER: 'off' },
          include: ['test/moto/**/*.test.ts'],
          globalSetup: ['test/support/moto-global-setup.ts'],
          setupFiles: ['test/support/moto-reset.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
