#!/usr/bin/env node
// Electron security scan (Doyensec's electronegativity) over the Electron shell and the
// built bundles. Fails on any HIGH-severity finding; prints every finding.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity/dist/runner.js');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronVersion = require('electron/package.json').version;

let high = 0;
let total = 0;
// The sources (TypeScript) and what ships (the built bundles), each scanned as a whole so
// that global checks (navigation limits, permission handler, CSP) see every file.
// A file the scanner cannot parse is a failure too: it would otherwise pass unscanned.
let unparsed = 0;
for (const [input, parserPlugins] of [
  ['electron', ['typescript']],
  ['out', []],
]) {
  const result = await run({
    input: join(root, input),
    isRelative: true,
    electronVersionOverride: electronVersion,
    severitySet: 'informational',
    confidenceSet: 'tentative',
    parserPlugins,
  });
  for (const error of result.errors ?? []) {
    unparsed += 1;
    console.log(`UNPARSED      ${error.file}: ${error.message}`);
  }
  for (const issue of result.issues ?? []) {
    total += 1;
    const severity = issue.severity?.name ?? String(issue.severity);
    if (severity === 'HIGH') high += 1;
    console.log(
      `${severity.padEnd(13)} ${issue.id}  ${input}/${issue.file}:${issue.location?.line ?? '?'}  ${issue.description ?? ''}`,
    );
  }
}
console.log(`electronegativity: ${total} findings, ${high} high, ${unparsed} files not parsed`);
process.exit(high === 0 && unparsed === 0 ? 0 : 1);
