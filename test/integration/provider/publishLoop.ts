/**
 * A publisher process for the concurrency and crash tests: publishes `count` results to
 * a measurement of the server.db in `dataDir` and prints one `ACK` line per result the
 * database acknowledged, with the alerts it wrote. Run with `node --import tsx`.
 */
import { join } from 'node:path';

import { createProviderServices } from '../../../electron/core/provider/services';
import { openDatabase } from '../../../electron/core/store/database';
import { loadMigrations } from '../../../electron/core/store/loadMigrations';
import { createSqliteStore } from '../../../electron/core/store/sqliteStore';

const [dataDir, measurementId, startText, countText] = process.argv.slice(2);
const db = openDatabase({
  path: join(dataDir!, 'server.db'),
  migrations: loadMigrations('server'),
  busyTimeoutMs: 30_000,
});
const store = createSqliteStore(db);
const { publisher } = createProviderServices({ store, clock: () => new Date() });
const start = Number(startText);
for (let i = 0; i < Number(countText); i++) {
  const percentage = start + i;
  const outcome = await publisher.publish(
    measurementId!,
    JSON.stringify({ value: [{ percentage }] }),
  );
  process.stdout.write(`ACK ${percentage} ${outcome.alerts.map((a) => a.logId).join(',')}\n`);
}
await store.close();
db.close();
