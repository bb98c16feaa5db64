import type { TestProject } from 'vitest/node';

import { startPostgresServer, TEST_PASSWORD, type PostgresServer } from './postgresServer';

let server: PostgresServer | null = null;

/**
 * The `integration-postgres` project's throwaway PostgreSQL (Debian's postgresql): one
 * cluster for the run, a database per test (test/fixtures/providerStore.ts), removed at
 * the end.
 */
export async function setup(project: TestProject): Promise<void> {
  server = await startPostgresServer();
  project.provide('postgres', { port: server.port, user: server.user, password: TEST_PASSWORD });
}

export async function teardown(): Promise<void> {
  await server?.destroy();
  server = null;
}
