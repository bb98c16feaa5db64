import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// Four projects (CONVENTIONS "Tests"): `unit` (pure logic, no database, no port, no build:
// seconds), `integration` (real SQLite, loopback servers, real tools, the built CLI),
// `renderer` (Vue components and stores in happy-dom), `e2e` (the built app in a real
// Chromium). Benchmarks are not tests: they run with `npm run bench`.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/electron/**/*.test.ts', 'test/unit/shared/**/*.test.ts'],
          typecheck: {
            enabled: true,
            include: ['test/types/**/*.test-d.ts'],
            tsconfig: './tsconfig.node.json',
          },
        },
      },
      {
        test: {
          name: 'integration',
          environment: 'node',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [vue()],
        test: {
          name: 'renderer',
          environment: 'happy-dom',
          include: ['test/unit/renderer/**/*.test.ts'],
          // Views that chart load ECharts on first use: seconds on a busy shared machine.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
