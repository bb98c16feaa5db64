/**
 * The benchmarks' signed OpenWatch bundle: the real rule files of the shared fixtures,
 * mapped to the spec shape and repeated under new ids up to `count` rules, signed with a
 * fresh RSA key.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { createBundle } from '../electron/core/bundles/signing/createBundle';
import { generateSigningKeyPair } from '../electron/core/bundles/signing/keygen';
import { signBundle } from '../electron/core/bundles/signing/signBundle';
import { mapLegacyRule } from '../electron/core/bundles/verify/lenientMapping';

// The shared folder beside the clone holds the real rule files.
const FIXTURES = join(
  import.meta.dirname,
  '..',
  '..',
  'shared',
  'fixtures',
  'openwatch-rules-2025-10',
);

export async function writeBenchBundle(
  dir: string,
  count: number,
): Promise<{ bundlePath: string; publicKeyPath: string; privateKeyPath: string }> {
  const sources = readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => mapLegacyRule(JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'))).rule);
  const rulesDir = join(dir, 'rules');
  mkdirSync(rulesDir);
  for (let index = 0; index < count; index += 1) {
    const source = sources[index % sources.length] ?? {};
    const ruleId =
      `ow-bench_${String(index).padStart(4, '0')}_${String(source.rule_id ?? '').slice(3, 40)}`.toLowerCase();
    writeFileSync(
      join(rulesDir, `${ruleId}.json`),
      JSON.stringify({ ...source, rule_id: ruleId }, null, 2),
    );
  }
  const created = await createBundle({
    dir: rulesDir,
    name: 'bench',
    createdAt: '2025-10-23T00:00:00Z',
  });
  const pair = await generateSigningKeyPair(join(dir, 'key'));
  const signed = await signBundle({
    bundle: created.bytes,
    privateKeyPem: readFileSync(pair.privateKeyPath),
    signer: 'Bench',
  });
  const bundlePath = join(dir, 'bench.tar.gz');
  writeFileSync(bundlePath, signed.bundle);
  return { bundlePath, publicKeyPath: pair.publicKeyPath, privateKeyPath: pair.privateKeyPath };
}
