import type Database from 'better-sqlite3';

import type { AppInfo, FilePurpose } from '../../shared/api';
import { AppError } from '../../shared/errors';
import { platformAppDataDir, processDataDirSources, APP_FOLDER_NAME } from './config';
import type { CoreModule } from './module';
import { APP_NAME, APP_VERSION } from './version';
import { join } from 'node:path';

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
    defaultDataDir: join(platformAppDataDir(processDataDirSources()), APP_FOLDER_NAME),
    workingDir: process.cwd(),
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

/** The desktop app's native file picker (electron/main): a path, or null when cancelled. */
export type FileChooser = (purpose: FilePurpose) => Promise<string | null>;

/**
 * The application itself: `app.info` for the About and Settings pages, and `app.chooseFile`,
 * which only the desktop app can answer (it passes its picker; headless mode has none).
 */
export function createAppModule(options: {
  mode: AppInfo['mode'];
  dataDir: string;
  runtime: RuntimeVersions;
  db: () => Database.Database;
  chooseFile?: FileChooser | undefined;
}): CoreModule<Record<string, never>, 'app.info' | 'app.chooseFile'> {
  return {
    services: {},
    handlers: {
      'app.info': async () => describeApp({ ...options, db: options.db() }),
      'app.chooseFile': async ({ purpose }) => {
        if (options.chooseFile === undefined) {
          throw new AppError(
            'APP_NOT_AVAILABLE',
            'There is no file picker in headless mode: upload the file, or type its path on the server.',
          );
        }
        const path = await options.chooseFile(purpose);
        return path === null ? null : { path };
      },
    },
    dispose() {},
  };
}
