import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as electron from 'electron';

import { startDesktopApp } from './desktopApp';

startDesktopApp(electron, {
  mainDir: dirname(fileURLToPath(import.meta.url)),
  // `npm start` names its Electron build of better-sqlite3; a packaged app carries one
  // beside its archive (scripts/dist.js).
  nativeBinding:
    process.env.TRUST_AUDITOR_SQLITE_BINDING ??
    join(process.resourcesPath, 'native', 'better_sqlite3.node'),
});
