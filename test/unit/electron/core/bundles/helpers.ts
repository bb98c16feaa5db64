import { generateKeyPairSync } from 'node:crypto';
import { gzipSync } from 'node:zlib';

import { Header, Pax } from 'tar';

/** One raw tar entry, built by hand so that tests can make any hostile archive. */
export interface RawEntry {
  path: string;
  type?: string;
  body?: Buffer | string;
  linkpath?: string;
  /** Declared size when it must differ from the body (oversize headers). */
  size?: number;
  pax?: boolean;
}

export function tarBytes(entries: RawEntry[], options: { endMarker?: boolean } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body =
      typeof entry.body === 'string' ? Buffer.from(entry.body) : (entry.body ?? Buffer.alloc(0));
    const fields = {
      path: entry.path,
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: entry.size ?? body.length,
      mtime: new Date(0),
      type: (entry.type ?? 'File') as 'File',
      linkpath: entry.linkpath ?? '',
      uname: '',
      gname: '',
    };
    if (entry.pax === true) blocks.push(new Pax({ path: entry.path, mtime: new Date(0) }).encode());
    const header = new Header(entry.pax === true ? { ...fields, path: 'x' } : fields);
    header.encode();
    blocks.push(header.block as Buffer);
    if (body.length > 0) {
      blocks.push(body);
      const padding = (512 - (body.length % 512)) % 512;
      blocks.push(Buffer.alloc(padding));
    }
  }
  if (options.endMarker !== false) blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export function tarGz(entries: RawEntry[], options: { endMarker?: boolean } = {}): Buffer {
  return gzipSync(tarBytes(entries, options));
}

export const NOW = new Date('2025-10-23T12:00:00Z');

/** A rule that satisfies the spec. */
export function specRule(
  id: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    rule_id: id,
    metadata: { name: `Rule ${id}`, description: 'd' },
    severity: 'medium',
    scanner_type: 'oscap',
    version: '1.0.0',
    is_latest: true,
    frameworks: {
      nist_800_53: { controls: ['AC-2', 'IA-4'], applicable: true },
      cis: { controls: ['4.5.1.4'], applicable: true },
    },
    platforms: ['rhel8', 'rhel9'],
    ...overrides,
  };
}

export function manifestFor(
  ruleCount: number,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: 'test-bundle',
    version: '1.0.0',
    rules_count: ruleCount,
    created_at: '2025-10-22T19:55:05.419113+00:00',
    ...overrides,
  };
}

/** A valid unsigned bundle of `count` spec rules (hand-built archive). */
export function validBundle(count = 2, manifestOverrides: Record<string, unknown> = {}): Buffer {
  const rules = Array.from({ length: count }, (_, index) => specRule(`ow-rule_${index}`));
  return tarGz([
    { path: 'manifest.json', body: JSON.stringify(manifestFor(count, manifestOverrides)) },
    { path: 'rules/', type: 'Directory' },
    ...rules.map((rule) => ({
      path: `rules/${String(rule.rule_id)}.json`,
      body: JSON.stringify(rule),
    })),
  ]);
}

let cachedKeys: { privateKey: string; publicKey: string } | null = null;
/** One RSA-2048 key pair per test run (4096 is slow to generate). */
export function testKeys(): { privateKey: string; publicKey: string } {
  cachedKeys ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return cachedKeys;
}
