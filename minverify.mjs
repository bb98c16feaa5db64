import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { hash } from 'node:crypto';
const t0 = performance.now();
const raw = gunzipSync(readFileSync(process.argv[2]));
let o = 0, n = 0; const hashes = []; let manifest;
while (o + 512 <= raw.length) {
  if (raw[o] === 0) break;
  const nameEnd = raw.indexOf(0, o);
  const name = raw.toString('utf8', o, Math.min(nameEnd, o + 100));
  const size = parseInt(raw.toString('latin1', o + 124, o + 136), 8);
  const bytes = raw.subarray(o + 512, o + 512 + size);
  if (size > 0) {
    const h = hash('sha256', bytes, 'hex');
    const doc = JSON.parse(bytes.toString('utf8'));
    if (name.endsWith('manifest.json')) manifest = doc; else hashes.push(h);
    n++;
  }
  o += 512 + Math.ceil(size / 512) * 512;
}
const t1 = performance.now();
console.log(n, (t1 - t0).toFixed(0), 'ms in-process');
