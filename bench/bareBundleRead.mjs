// The least a Node program can do to read a bundle, for bench/cli.bench.ts to compare
// `verify` with: inflate, walk the tar headers, hash and JSON.parse every file. No
// checks, limits, report or command line: no real verifier can be this fast.
import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const tar = gunzipSync(readFileSync(process.argv[2]));
let files = 0;
for (let offset = 0; offset + 512 <= tar.length && tar[offset] !== 0;) {
  const size = parseInt(tar.toString('latin1', offset + 124, offset + 136), 8);
  const bytes = tar.subarray(offset + 512, offset + 512 + size);
  if (size > 0 && hash('sha256', bytes, 'hex') && JSON.parse(bytes.toString('utf8'))) files += 1;
  offset += 512 + Math.ceil(size / 512) * 512;
}
if (files === 0) process.exit(1);
