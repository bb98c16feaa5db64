import type Database from 'better-sqlite3';

import type { AppInfo } from '../../shared/api';
import type { CoreModule } from './module';
import { APP_NAME, APP_VERSION } from './version';

export interface RuntimeVersions {
  /** Electron and Chrome versions when running inside Electron, else null. */
  electron: string | null;
  chrome: string | null;
}

export function describeApp(options: {
  mode: AppInfo['mode'];
  dataDir: string;
  runtime: RuntimeVersions;
  db: Database.Database;
}): AppInfo {
  const sqlite = options.db
    .prepare<[], { version: string }>('SELECT sqlite_version() AS version')
    .get();
  return {
    name: APP_NAME,
    version: APP_VERSION,
    mode: options.mode,
    dataDir: options.dataDir,
    platform: `${process.platform}-${process.arch}`,
    versions: {
      node: process.versions.node,
      v8: process.versions.v8,
      sqlite: sqlite?.version ?? 'unknown',
      electron: options.runtime.electron,
      chrome: options.runtime.chrome,
    },
  };
}

/** The application itself: `app.info` for the About page. */
export function createAppModule(options: {
  mode: AppInfo['mode'];
  dataDir: string;
  runtime: RuntimeVersions;
  db: () => Database.Database;
}): CoreModule<Record<string, never>, 'app.info'> {
  return {
    services: {},
    handlers: { 'app.info': async () => describeApp({ ...options, db: options.db() }) },
    dispose() {},
  };
}
