/**
 * What readBundle() does with each tar entry, decided from its header alone
 * (docs/bundles.md "Limits and archive safety"): `stop` at a crossed limit, `refuse` an
 * unsafe entry (recorded while reading goes on, so that the report lists every one),
 * `skip` a directory, `keep` a manifest or rule file. Pure: it sees headers and, once a
 * kept file is complete, its bytes; never the tar stream.
 */
import type { BundleFinding, BundleLimits } from '../../../../shared/bundles';
import { archiveFinding, limitFinding } from './archiveFindings';
import { checkEntryPath, duplicateKey, looksLikeArchive } from './archivePaths';
import type { ArchiveFile } from './readBundle';
import { MAX_META_ENTRY_BYTES } from './tarReader';
import type { TarFormatError, TarHeader } from './tarReader';

export type EntryHeader = TarHeader;

export type EntryDecision =
  | { action: 'stop'; finding: BundleFinding }
  | { action: 'refuse'; finding: BundleFinding }
  | { action: 'skip'; rulesDirectory: boolean }
  | { action: 'keep'; path: string; kind: ArchiveFile['kind'] };

export interface EntryClassifier {
  /** Entries seen so far, refused and ignored ones included. */
  readonly entryCount: number;
  /** Whether an explicit `rules/` directory entry was seen. */
  readonly hasRulesDirectory: boolean;
  classify(header: EntryHeader): EntryDecision;
  /** An entry the tar reader cannot read: an unknown type, or an oversized pax header. */
  ignored(header: EntryHeader, oversizedMeta: boolean): BundleFinding;
}

type EntryLimits = Pick<BundleLimits, 'maxEntries' | 'maxEntryBytes'>;

export function createEntryClassifier(limits: EntryLimits): EntryClassifier {
  // Normalized path (NFC, case folded) → the raw path first seen with it.
  const seen = new Map<string, string>();
  let entryCount = 0;
  let hasRulesDirectory = false;
  return {
    get entryCount() {
      return entryCount;
    },
    get hasRulesDirectory() {
      return hasRulesDirectory;
    },
    classify(header) {
      entryCount += 1;
      const decision = checkHeader(header, entryCount, limits) ?? checkPlace(header, seen);
      if (decision.action === 'skip' && decision.rulesDirectory) hasRulesDirectory = true;
      return decision;
    },
    ignored(header, oversizedMeta) {
      entryCount += 1;
      const path = JSON.stringify(header.path);
      return archiveFinding(
        'ARCHIVE_ENTRY_TYPE',
        header.path,
        oversizedMeta
          ? `A pax or long-name header before ${path} is larger than ${MAX_META_ENTRY_BYTES} bytes.`
          : `${path} has an unknown tar entry type (${header.type}); only regular files and directories are allowed.`,
      );
    },
  };
}

/** A complete kept file is refused when it is itself an archive (by name or content). */
export function nestedArchiveFinding(file: ArchiveFile, rawPath: string): BundleFinding | null {
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  if (!looksLikeArchive(name, file.bytes)) return null;
  return archiveFinding(
    'ARCHIVE_NESTED',
    rawPath,
    `${JSON.stringify(rawPath)} is itself an archive or compressed file; bundles may not nest archives.`,
  );
}

/** What the tar reader's error means for the bundle: truncated, or damaged. */
export function tarErrorFinding(error: TarFormatError, path: string): BundleFinding {
  return error.truncated
    ? archiveFinding(
        'ARCHIVE_TRUNCATED',
        path,
        'The tar data ends in the middle of an entry: the bundle is truncated.',
      )
    : archiveFinding(
        'ARCHIVE_CORRUPT',
        path,
        `The tar data is damaged (${error.message}). Rebuild the bundle with \`bundle create\`.`,
      );
}

/** The limits and the entry type: everything the header says without its path. */
function checkHeader(
  header: EntryHeader,
  entryCount: number,
  limits: EntryLimits,
): EntryDecision | null {
  const path = (): string => JSON.stringify(header.path);
  if (entryCount > limits.maxEntries) {
    const message = `The bundle has more than ${limits.maxEntries} entries; reading stopped there.`;
    return { action: 'stop', finding: limitFinding('ARCHIVE_LIMIT_ENTRIES', message) };
  }
  if (header.size > limits.maxEntryBytes) {
    const message = `${path()} is ${header.size} bytes; one entry may hold at most ${limits.maxEntryBytes} bytes.`;
    return { action: 'stop', finding: limitFinding('ARCHIVE_LIMIT_ENTRY', message, header.path) };
  }
  if (header.type === 'Directory' || header.type === 'File' || header.type === 'OldFile') {
    return null;
  }
  const target = header.linkpath ? ` → ${JSON.stringify(header.linkpath)}` : '';
  const message = `${path()} is a ${describeType(header.type)}${target}; a bundle may hold only regular files and directories.`;
  return { action: 'refuse', finding: archiveFinding('ARCHIVE_ENTRY_TYPE', header.path, message) };
}

/** The path: safe, expected, and not a duplicate of an earlier entry. */
function checkPlace(header: EntryHeader, seen: Map<string, string>): EntryDecision {
  const raw = header.path;
  const check = checkEntryPath(raw, header.type === 'Directory');
  if (!check.ok)
    return { action: 'refuse', finding: archiveFinding(check.code, raw, check.message) };
  if (check.kind === 'root') return { action: 'skip', rulesDirectory: false };
  const key = duplicateKey(check.path);
  const earlier = seen.get(key);
  if (earlier !== undefined) {
    const message =
      earlier === raw
        ? `${JSON.stringify(raw)} appears twice; the second copy could replace the verified one.`
        : `${JSON.stringify(raw)} collides with ${JSON.stringify(earlier)} once case and Unicode normalization are ignored; rename one of them.`;
    return { action: 'refuse', finding: archiveFinding('ARCHIVE_DUPLICATE', raw, message) };
  }
  seen.set(key, raw);
  // checkEntryPath accepts only these two kinds of directory.
  if (check.kind === 'rules-dir') return { action: 'skip', rulesDirectory: true };
  return { action: 'keep', path: check.path, kind: check.kind };
}

function describeType(type: string): string {
  switch (type) {
    case 'SymbolicLink':
      return 'symbolic link';
    case 'Link':
      return 'hard link';
    case 'CharacterDevice':
      return 'character device';
    case 'BlockDevice':
      return 'block device';
    case 'FIFO':
      return 'FIFO';
    case 'ContiguousFile':
      return 'contiguous file';
    case 'SparseFile':
      return 'sparse file';
    default:
      return `${type} entry`;
  }
}
