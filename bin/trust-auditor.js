#!/usr/bin/env node
// The `trust-auditor` command line. It runs the built code: `npm run build` first.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'main', 'cli.js');
if (!existsSync(built)) {
  process.stderr.write('error: the CLI is not built yet; run `npm run build` first.\n');
  process.exit(2);
}
const { main } = await import(pathToFileURL(built).href);
await main(process.argv.slice(2));
