import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// Five projects (CONVENTIONS "Tests"): `unit` (pure logic, no database, no port, no build:
// seconds), `integration` (real SQLite, loopback servers, real tools, the built CLI),
// `integration-postgres` (the provider's tests again, on a throwaway PostgreSQL, and the
// tests of several `serve` processes on one database), `renderer` (Vue components and
// stores in happy-dom), `e2e` (the built app in a real Chromium). Benchmarks are not
// tests: they run with `npm run bench`.

/** The provider's tests that run on both stores (test/fixtures/providerStore.ts). */
const PROVIDER_STORE_TESTS = [
  'test/integration/provider/admin.test.ts',
  'test/integration/provider/appendixA.test.ts',
  'test/integration/provider/console.test.ts',
  'test/integration/provider/ctpApi.test.ts',
  'test/integration/provider/demo.test.ts',
  'test/integration/provider/evaluatedWrite.test.ts',
  'test/integration/provider/openapi.test.ts',
  'test/integration/provider/providerImport.test.ts',
  'test/integration/provider/responseCache.test.ts',
  'test/integration/provider/robustness.test.ts',
  'test/integration/provider/signatures.test.ts',
  'test/integration/provider/triggers.test.ts',
  'test/integration/http/requestBodies.test.ts',
  'test/integration/http/slowCondition.test.ts',
  'test/integration/cts/complianceImport.test.ts',
  'test/integration/cts/providerCts.test.ts',
  'test/integration/alerts/outboxRetry.test.ts',
  'test/integration/store/sqlStore.test.ts',
];
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/electron/**/*.test.ts', 'test/unit/shared/**/*.test.ts'],
          setupFiles: ['test/setup/openHandles.ts'],
          // The property tests compile thousands of conditions: seconds on a busy machine.
          testTimeout: 20_000,
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
          exclude: ['test/integration/postgres/**'],
          setupFiles: ['test/setup/openHandles.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration-postgres',
          environment: 'node',
          include: [...PROVIDER_STORE_TESTS, 'test/integration/postgres/**/*.test.ts'],
          globalSetup: ['test/helpers/postgresGlobalSetup.ts'],
          setupFiles: ['test/setup/openHandles.ts'],
          env: { TRUST_AUDITOR_TEST_STORE: 'postgres' },
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
