import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

import { AppError } from '../../shared/errors';

/** The folder name inside the platform's application-data folder. */
export const APP_FOLDER_NAME = 'trust-auditor';

export interface DataDirSources {
  /** `--data-dir` from the command line, if given. */
  flag?: string | undefined;
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  home: string;
  cwd: string;
}

/**
 * Where `auditor.db`, `server.db`, keys and tokens live: `--data-dir`, else
 * `TRUST_AUDITOR_DATA`, else the platform's application-data folder (the same one the
 * desktop app uses as Electron's `userData`, so that the CLI and the app share one
 * workspace). Pure: the caller passes the environment.
 */
export function resolveDataDir(sources: DataDirSources): string {
  const chosen = nonEmpty(sources.flag) ?? nonEmpty(sources.env.TRUST_AUDITOR_DATA);
  if (chosen !== undefined) {
    if (chosen.includes('\0')) {
      throw new AppError('CONFIG_INVALID', 'The data folder path contains a NUL character.');
    }
    return isAbsolute(chosen) ? chosen : resolve(sources.cwd, chosen);
  }
  return join(platformAppDataDir(sources), APP_FOLDER_NAME);
}

/** Electron's `appData` for each platform. */
export function platformAppDataDir({ platform, env, home }: DataDirSources): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support');
  if (platform === 'win32') return nonEmpty(env.APPDATA) ?? join(home, 'AppData', 'Roaming');
  return nonEmpty(env.XDG_CONFIG_HOME) ?? join(home, '.config');
}

/** Data-folder sources of the running process. */
export function processDataDirSources(flag?: string): DataDirSources {
  return {
    flag,
    env: process.env,
    platform: process.platform,
    home: homedir(),
    cwd: process.cwd(),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
