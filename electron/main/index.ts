import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as electron from 'electron';

import { startDesktopApp } from './desktopApp';

startDesktopApp(electron, {
  mainDir: dirname(fileURLToPath(import.meta.url)),
  nativeBinding: process.env.TRUST_AUDITOR_SQLITE_BINDING,
});
