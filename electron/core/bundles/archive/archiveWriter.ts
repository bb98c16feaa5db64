/**
 * Writes bundle archives deterministically: the same files and time give the same bytes.
 * Entries in a fixed order (manifest, `rules/`, rule files sorted by byte order of their
 * names), fixed mode, owner and mtime, ustar headers (pax only for names over 100 bytes),
 * gzip at level 9 with a zero gzip timestamp and the Unix OS byte.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

import { Header, Pax } from 'tar';

const gzipAsync = promisify(gzip);

export interface ArchiveInput {
  /** `manifest.json` or `manifest.bson`. */
  manifestName: 'manifest.json' | 'manifest.bson';
  manifest: Buffer;
  /** Bare file names inside `rules/`. */
  rules: readonly { name: string; bytes: Buffer }[];
  /** The mtime of every entry (the manifest's created_at). */
  mtime: Date;
}

/** Byte-order comparison of UTF-8 names (locale-independent). */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The uncompressed tar bytes of a bundle. */
export function writeTar(input: ArchiveInput): Buffer {
  const mtime = new Date(Math.floor(input.mtime.getTime() / 1000) * 1000);
  const blocks: Buffer[] = [];
  const add = (path: string, type: 'File' | 'Directory', body: Buffer | null): void => {
    const fields = {
      path,
      mode: type === 'Directory' ? 0o755 : 0o644,
      uid: 0,
      gid: 0,
      size: body?.length ?? 0,
      mtime,
      type,
      uname: '',
      gname: '',
    } as const;
    const header = new Header(fields);
    header.encode();
    if (header.needPax) {
      blocks.push(new Pax({ path, mtime }).encode());
      const short = new Header({ ...fields, path: path.slice(0, 99) });
      short.encode();
      if (short.block === undefined) throw new Error('tar header not encoded');
      blocks.push(short.block);
    } else {
      if (header.block === undefined) throw new Error('tar header not encoded');
      blocks.push(header.block);
    }
    if (body !== null && body.length > 0) {
      blocks.push(body);
      const padding = (512 - (body.length % 512)) % 512;
      if (padding > 0) blocks.push(Buffer.alloc(padding));
    }
  };
  add(input.manifestName, 'File', input.manifest);
  add('rules/', 'Directory', null);
  for (const rule of [...input.rules].sort((a, b) => compareNames(a.name, b.name))) {
    add(`rules/${rule.name}`, 'File', rule.bytes);
  }
  blocks.push(Buffer.alloc(1024)); // end-of-archive marker: two zero blocks
  return Buffer.concat(blocks);
}

/** The `.tar.gz` bytes of a bundle. */
export async function writeBundleArchive(input: ArchiveInput): Promise<Buffer> {
  const compressed = await gzipAsync(writeTar(input), { level: 9 });
  // gzip header: MTIME (bytes 4-7) is already 0; fix OS (byte 9) to Unix so that the
  // bytes do not depend on the platform that wrote them.
  compressed[9] = 0x03;
  return compressed;
}
