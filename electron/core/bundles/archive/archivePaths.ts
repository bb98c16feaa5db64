/**
 * Pure checks on tar entry paths and contents (SPEC-NOTES "Archive safety"). No I/O:
 * readBundle() calls these for every entry; the tests run them exhaustively.
 */
import { hasControlCharacter } from '../../../../shared/argumentChecks';
import type { FindingCode } from '../../../../shared/bundles';

/** What an accepted path is. */
export type EntryKind = 'root' | 'manifest-json' | 'manifest-bson' | 'rules-dir' | 'rule-file';

export type PathCheck =
  { ok: true; path: string; kind: EntryKind } | { ok: false; code: FindingCode; message: string };

/** Longest accepted file name inside `rules/`, in UTF-8 bytes (common file-system limit). */
export const MAX_FILE_NAME_BYTES = 255;

/**
 * Checks one entry path as stored in the archive and returns its normal form (no leading
 * `./`, no trailing `/`). `isDirectory` is the entry's tar type.
 *
 * Accepted: `manifest.json`, `manifest.bson`, `rules/`, `rules/<file>`, each optionally
 * prefixed by `./`, and the root directory entry `./` that GNU tar writes for `-C DIR .`.
 * Refused: absolute paths, `..` or `.` segments (other than the leading `./`), empty
 * segments, backslashes, NUL and other control characters, and anything else.
 */
export function checkEntryPath(raw: string, isDirectory: boolean): PathCheck {
  if (raw.length === 0) return unsafe('An entry has an empty path.');
  if (hasControlCharacter(raw)) {
    return unsafe(`${JSON.stringify(raw)} contains a NUL or control character.`);
  }
  if (raw.includes('\\')) {
    return unsafe(`${JSON.stringify(raw)} contains a backslash; use / as the separator.`);
  }
  if (raw.startsWith('/')) {
    return unsafe(`${JSON.stringify(raw)} is an absolute path; entries must be relative.`);
  }
  if (/^[A-Za-z]:/.test(raw)) {
    return unsafe(`${JSON.stringify(raw)} starts with a drive letter; entries must be relative.`);
  }
  let path = raw.startsWith('./') ? raw.slice(2) : raw;
  if (path === '' || path === '.') {
    return isDirectory
      ? { ok: true, path: '', kind: 'root' }
      : unexpected(raw, 'the root of the archive is not a file');
  }
  if (path.endsWith('/')) {
    if (!isDirectory) return unsafe(`${JSON.stringify(raw)} ends with / but is not a directory.`);
    path = path.slice(0, -1);
  }
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '..') {
      return unsafe(`${JSON.stringify(raw)} contains a .. segment (path traversal).`);
    }
    if (segment === '.' || segment === '') {
      return unsafe(`${JSON.stringify(raw)} contains an empty or . segment.`);
    }
  }
  if (segments.length === 1) {
    if (path === 'manifest.json' && !isDirectory) return { ok: true, path, kind: 'manifest-json' };
    if (path === 'manifest.bson' && !isDirectory) return { ok: true, path, kind: 'manifest-bson' };
    if (path === 'rules' && isDirectory) return { ok: true, path, kind: 'rules-dir' };
    return unexpected(raw, 'only manifest.json, manifest.bson and rules/ may sit at the root');
  }
  const [first, name] = segments;
  if (segments.length === 2 && first === 'rules' && name !== undefined) {
    if (isDirectory) return unexpected(raw, 'rules/ may not contain folders');
    if (Buffer.byteLength(name, 'utf8') > MAX_FILE_NAME_BYTES) {
      return unexpected(raw, `the file name is longer than ${MAX_FILE_NAME_BYTES} bytes`);
    }
    return { ok: true, path, kind: 'rule-file' };
  }
  return unexpected(raw, 'files may only sit in rules/, one level deep');
}

/**
 * The key two paths collide under: NFC-normalized and case-folded. Upper-casing before
 * lower-casing approximates Unicode full case folding (`ß` → `ss`, `ﬁ` → `fi`), which
 * is what case-insensitive file systems (APFS, NTFS) and later tools might apply.
 */
export function duplicateKey(path: string): string {
  // ASCII is its own NFC form and folds to its lower case: no trip into ICU, whose
  // normalizer costs more to start than checking a 2,000-rule bundle's paths.
  if (ASCII.test(path)) return path.toLowerCase();
  return path.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
}

const ASCII = /^[\x20-\x7e]*$/;

const ARCHIVE_EXTENSIONS =
  /\.(tar|tgz|gz|tbz2?|bz2|txz|xz|tzst|zst|zstd|zip|jar|7z|rar|br|lz|lzma|lz4|z|cpio|ar|deb|rpm|iso)$/i;

/** Magic bytes at the start of archives and compressed streams. */
const ARCHIVE_MAGIC: readonly (readonly number[])[] = [
  [0x1f, 0x8b], // gzip
  [0x1f, 0x9d], // compress
  [0x1f, 0xa0], // LZH
  [0x42, 0x5a, 0x68], // bzip2 "BZh"
  [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], // xz
  [0x28, 0xb5, 0x2f, 0xfd], // zstd
  [0x50, 0x4b, 0x03, 0x04], // zip
  [0x50, 0x4b, 0x05, 0x06], // empty zip
  [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], // 7z
  [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], // rar
  [0x04, 0x22, 0x4d, 0x18], // lz4
];
/** tar: "ustar" at offset 257. */
const TAR_MAGIC = [0x75, 0x73, 0x74, 0x61, 0x72];

/**
 * Whether an entry is itself an archive or compressed stream (a nested archive would
 * escape the limits of the outer one): by name, or by the magic bytes at its start.
 */
export function looksLikeArchive(name: string, bytes: Uint8Array): boolean {
  if (ARCHIVE_EXTENSIONS.test(name)) return true;
  return (
    ARCHIVE_MAGIC.some((magic) => startsWith(bytes, 0, magic)) || startsWith(bytes, 257, TAR_MAGIC)
  );
}

function startsWith(bytes: Uint8Array, offset: number, magic: readonly number[]): boolean {
  if (bytes.length < offset + magic.length) return false;
  for (let index = 0; index < magic.length; index += 1) {
    if (bytes[offset + index] !== magic[index]) return false;
  }
  return true;
}

function unsafe(message: string): PathCheck {
  return { ok: false, code: 'ARCHIVE_PATH_UNSAFE', message: `${message} The bundle is refused.` };
}

function unexpected(raw: string, why: string): PathCheck {
  return {
    ok: false,
    code: 'ARCHIVE_PATH_UNEXPECTED',
    message: `${JSON.stringify(raw)} is not allowed in a bundle: ${why}. A bundle holds manifest.json (or manifest.bson) and rules/<rule_id>.json|.bson only.`,
  };
}
