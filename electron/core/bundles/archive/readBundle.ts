/**
 * THE single entry point through which the application reads a bundle archive.
 *
 * Threat: a `.tar.gz` bundle is untrusted input from whoever handed it to the assessor.
 * A hostile archive may try to (1) write outside a target folder (`../`, absolute paths,
 * symlinks, hard links), (2) exhaust memory or disk (gzip bombs, huge or countless
 * entries, nested archives that a later step would inflate again), (3) smuggle content
 * past a check (two entries whose names differ only by case or Unicode normalization,
 * so that the verified file is not the one a case-insensitive file system keeps), or
 * (4) exploit the tar implementation (devices, FIFOs, damaged headers).
 *
 * Defence: nothing is ever extracted to disk. The compressed stream is inflated by zlib
 * and parsed by node-tar's streaming `Parser` in memory; every limit of
 * {@link BundleLimits} is checked as bytes arrive, and inflating stops at once when one
 * is crossed. Only regular files and directories at the paths a bundle may hold are
 * accepted (see archivePaths.ts); links, devices, FIFOs, unknown types, unsafe or
 * unexpected paths, duplicates (also after NFC + case folding) and nested archives make
 * the whole bundle fail. The archive must end with tar's end-of-archive marker.
 *
 * On any problem this throws `AppError('BUNDLE_ARCHIVE_UNSAFE')` whose
 * `details.findings` lists every problem found (limit and corruption problems stop the
 * read at once; entry problems are collected for the whole archive, without keeping the
 * content of the refused entries). Callers therefore only ever see archives that passed.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

import { Parser } from 'tar';
import type { ReadEntry } from 'tar';

import { DEFAULT_BUNDLE_LIMITS } from '../../../../shared/bundles';
import type {
  BundleFinding,
  BundleLimits,
  BundleProgressListener,
  FindingCode,
} from '../../../../shared/bundles';
import { AppError } from '../../../../shared/errors';
import { checkEntryPath, duplicateKey, looksLikeArchive } from './archivePaths';

/** One accepted file of a bundle, held in memory. */
export interface ArchiveFile {
  /** Normal form: `manifest.json`, `manifest.bson` or `rules/<name>`. */
  path: string;
  kind: 'manifest-json' | 'manifest-bson' | 'rule-file';
  bytes: Buffer;
}

/** A bundle archive that passed every archive check. */
export interface BundleArchive {
  /** SHA-256 (hex) over the raw compressed bytes. */
  sha256: string;
  compressedBytes: number;
  uncompressedBytes: number;
  /** Tar entries seen (files and directories). */
  entryCount: number;
  /** Files in archive order. */
  files: ArchiveFile[];
  /** Whether the archive has an explicit `rules/` directory entry. */
  hasRulesDirectory: boolean;
}

export interface ReadBundleOptions {
  limits?: Partial<BundleLimits> | undefined;
  /** Sees every raw compressed chunk, in order (a detached signature is checked this way). */
  onRawChunk?: ((chunk: Buffer) => void) | undefined;
  onProgress?: BundleProgressListener | undefined;
  /**
   * Sees each accepted file as soon as it is complete, in archive order, so that a caller
   * can work on it while the rest inflates. The archive may still be refused afterwards.
   */
  onFile?: ((file: ArchiveFile) => void) | undefined;
  /**
   * Asked between two slices of parsing: a promise returned holds the parser (and so the
   * inflating) until it settles, for a caller whose work on the files falls behind.
   */
  pace?: (() => Promise<void> | undefined) | undefined;
  /** Size of the source, for progress (readBundleFile sets it). */
  totalBytes?: number | undefined;
}

/** Size of the chunks a byte buffer is fed in (keeps each synchronous step short). */
const CHUNK_BYTES = 64 * 1024;
/**
 * Size of the inflated chunks: fewer thread-pool round trips. Limits are checked per
 * chunk, so a limit is overshot by at most this much before inflating stops.
 */
const INFLATE_CHUNK_BYTES = 1024 * 1024;
/** How far inflating may run ahead of parsing (bounds the inflated data held waiting). */
const INFLATE_AHEAD_BYTES = 4 * 1024 * 1024;
/** How much inflated tar the parser takes between two turns of the event loop. */
const PARSE_SLICE_BYTES = 128 * 1024;
/** pax and GNU long-name headers are small; anything larger is refused. */
const MAX_META_ENTRY_BYTES = 64 * 1024;

/** Reads a bundle from a file, refusing it before reading when it is too large. */
export async function readBundleFile(
  path: string,
  options: ReadBundleOptions = {},
): Promise<BundleArchive> {
  const limits = { ...DEFAULT_BUNDLE_LIMITS, ...options.limits };
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    size = info.size;
  } catch (error) {
    throw new AppError(
      'BUNDLE_FILE_UNREADABLE',
      `Cannot read the bundle ${path}: ${error instanceof Error ? error.message : String(error)}.`,
      { details: { path } },
    );
  }
  if (size > limits.maxCompressedBytes) {
    throw archiveError([
      limitFinding(
        'ARCHIVE_LIMIT_COMPRESSED',
        `The bundle is ${size} bytes; the limit is ${limits.maxCompressedBytes} bytes compressed.`,
      ),
    ]);
  }
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  try {
    return await readBundle(stream, { ...options, totalBytes: options.totalBytes ?? size });
  } finally {
    stream.destroy();
  }
}

/**
 * Reads a bundle from bytes or a stream of bytes (see the module docblock for what is
 * checked). Resolves only for archives that passed every check.
 */
export async function readBundle(
  source: Uint8Array | AsyncIterable<Uint8Array>,
  options: ReadBundleOptions = {},
): Promise<BundleArchive> {
  const limits: BundleLimits = { ...DEFAULT_BUNDLE_LIMITS, ...options.limits };
  const findings: BundleFinding[] = [];
  const files: ArchiveFile[] = [];
  const seen = new Map<string, string>();
  const hash = createHash('sha256');
  let compressed = 0;
  let inflated = 0;
  let entryCount = 0;
  let hasRulesDirectory = false;
  let sawEndMarker = false;
  let sniffedInflated = false;
  let current: string | null = null;

  let fatal: BundleFinding | null = null;
  const aborter = new AbortController();
  const gunzip = createGunzip({ chunkSize: INFLATE_CHUNK_BYTES });
  const parser = new Parser({
    strict: true,
    maxMetaEntrySize: MAX_META_ENTRY_BYTES,
    // We inflate ourselves; the parser must never inflate a second layer on its own.
    zstd: false,
    brotli: false,
    maxDecompressionRatio: 1,
  });

  const fail = (finding: BundleFinding): void => {
    if (fatal !== null) return;
    fatal = finding;
    aborter.abort();
    gunzip.destroy();
  };

  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  aborter.signal.addEventListener('abort', () => resolveDone());

  gunzip.on('data', (chunk: Buffer) => {
    if (fatal !== null) return;
    if (!sniffedInflated) {
      sniffedInflated = true;
      // A gzip stream inside the gzip stream: node-tar would inflate it again by itself.
      if (chunk[0] === 0x1f && chunk[1] === 0x8b) {
        fail(
          finding(
            'ARCHIVE_NESTED',
            'error',
            '',
            'The bundle is compressed twice (gzip inside gzip). Build it with `bundle create`, which compresses once.',
          ),
        );
        return;
      }
    }
    inflated += chunk.length;
    if (inflated > limits.maxUncompressedBytes) {
      fail(
        limitFinding(
          'ARCHIVE_LIMIT_TOTAL',
          `The bundle inflates to more than ${limits.maxUncompressedBytes} bytes; reading stopped there.`,
        ),
      );
      return;
    }
    const consumed = Math.max(gunzip.bytesWritten, 1);
    if (inflated > limits.ratioGraceBytes && inflated / consumed > limits.maxCompressionRatio) {
      fail(
        limitFinding(
          'ARCHIVE_LIMIT_RATIO',
          `The bundle inflates more than ${limits.maxCompressionRatio}:1 (a compression bomb?); reading stopped after ${inflated} bytes.`,
        ),
      );
      return;
    }
    // Inflating (zlib's thread pool) goes on while this thread parses what is inflated,
    // up to INFLATE_AHEAD_BYTES ahead.
    queue.push(chunk);
    queuedBytes += chunk.length;
    if (queuedBytes > INFLATE_AHEAD_BYTES) gunzip.pause();
    if (!parsing) void parseQueue();
  });
  const queue: Buffer[] = [];
  let queuedBytes = 0;
  let parsing = false;
  let inflateEnded = false;
  // A 1 MiB chunk holds hundreds of entries: it is parsed in slices, with a turn of the
  // event loop between them (issue 5: under 50 ms of event-loop delay while verifying).
  const parseQueue = async (): Promise<void> => {
    parsing = true;
    while (queue.length > 0 && fatal === null) {
      const chunk = queue.shift()!;
      for (let offset = 0; offset < chunk.length && fatal === null; offset += PARSE_SLICE_BYTES) {
        toParser(() => parser.write(chunk.subarray(offset, offset + PARSE_SLICE_BYTES)));
        await (options.pace?.() ?? new Promise((resolve) => setImmediate(resolve)));
      }
      queuedBytes -= chunk.length;
      if (queuedBytes <= INFLATE_AHEAD_BYTES && fatal === null) gunzip.resume();
    }
    parsing = false;
    if (inflateEnded && fatal === null) toParser(() => parser.end());
  };
  // The parser calls our entry handlers and the caller's onFile synchronously: a throw
  // there stops the read and is rethrown to the caller instead of escaping as an
  // unhandled rejection.
  let thrown = null as { error: unknown } | null;
  const toParser = (step: () => void): void => {
    try {
      step();
    } catch (error) {
      thrown ??= { error };
      fail(
        finding('ARCHIVE_CORRUPT', 'error', current ?? '', 'Reading stopped on an internal error.'),
      );
    }
  };
  gunzip.on('error', (error: NodeJS.ErrnoException) => {
    if (fatal !== null) return;
    const truncated = error.code === 'Z_BUF_ERROR' || /unexpected end/i.test(error.message);
    fail(
      truncated
        ? finding(
            'ARCHIVE_TRUNCATED',
            'error',
            '',
            'The gzip stream ends early: the file is truncated. Download or copy it again.',
          )
        : finding(
            'ARCHIVE_CORRUPT',
            'error',
            '',
            `The gzip stream is damaged (${error.message}). Download or copy it again.`,
          ),
    );
  });
  gunzip.on('end', () => {
    inflateEnded = true;
    if (!parsing && fatal === null) toParser(() => parser.end());
  });

  parser.on('error', (error: Error & { tarCode?: string }) => {
    if (fatal !== null) return;
    const truncated = /truncated/i.test(error.message);
    fail(
      finding(
        truncated ? 'ARCHIVE_TRUNCATED' : 'ARCHIVE_CORRUPT',
        'error',
        current ?? '',
        truncated
          ? 'The tar data ends in the middle of an entry: the bundle is truncated.'
          : `The tar data is damaged (${error.message.replace(/^TAR_[A-Z_]+: /, '')}). Rebuild the bundle with \`bundle create\`.`,
      ),
    );
  });
  parser.on('eof', () => {
    sawEndMarker = true;
  });
  parser.on('end', () => resolveDone());
  parser.on('ignoredEntry', (entry: ReadEntry) => {
    if (fatal !== null) return;
    entryCount += 1;
    const path = rawPath(entry);
    findings.push(
      finding(
        'ARCHIVE_ENTRY_TYPE',
        'error',
        path,
        entry.meta
          ? `A pax or long-name header before ${JSON.stringify(path)} is larger than ${MAX_META_ENTRY_BYTES} bytes.`
          : `${JSON.stringify(path)} has an unknown tar entry type (${String(entry.type)}); only regular files and directories are allowed.`,
      ),
    );
  });
  parser.on('entry', (entry: ReadEntry) => {
    if (fatal !== null) {
      entry.resume();
      return;
    }
    onEntry(entry);
  });

  function onEntry(entry: ReadEntry): void {
    entryCount += 1;
    const raw = rawPath(entry);
    current = raw;
    if (entryCount > limits.maxEntries) {
      fail(
        limitFinding(
          'ARCHIVE_LIMIT_ENTRIES',
          `The bundle has more than ${limits.maxEntries} entries; reading stopped there.`,
        ),
      );
      entry.resume();
      return;
    }
    if (entry.size > limits.maxEntryBytes) {
      fail({
        ...limitFinding(
          'ARCHIVE_LIMIT_ENTRY',
          `${JSON.stringify(raw)} is ${entry.size} bytes; one entry may hold at most ${limits.maxEntryBytes} bytes.`,
        ),
        path: raw,
      });
      entry.resume();
      return;
    }
    const isDirectory = entry.type === 'Directory';
    if (!isDirectory && entry.type !== 'File' && entry.type !== 'OldFile') {
      const target = entry.linkpath ? ` → ${JSON.stringify(entry.linkpath)}` : '';
      findings.push(
        finding(
          'ARCHIVE_ENTRY_TYPE',
          'error',
          raw,
          `${JSON.stringify(raw)} is a ${describeType(entry.type)}${target}; a bundle may hold only regular files and directories.`,
        ),
      );
      entry.resume();
      return;
    }
    const check = checkEntryPath(raw, isDirectory);
    if (!check.ok) {
      findings.push(finding(check.code, 'error', raw, check.message));
      entry.resume();
      return;
    }
    if (check.kind !== 'root') {
      const key = duplicateKey(check.path);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        findings.push(
          finding(
            'ARCHIVE_DUPLICATE',
            'error',
            raw,
            earlier === raw
              ? `${JSON.stringify(raw)} appears twice; the second copy could replace the verified one.`
              : `${JSON.stringify(raw)} collides with ${JSON.stringify(earlier)} once case and Unicode normalization are ignored; rename one of them.`,
          ),
        );
        entry.resume();
        return;
      }
      seen.set(key, raw);
    }
    if (isDirectory || check.kind === 'root' || check.kind === 'rules-dir') {
      if (check.kind === 'rules-dir') hasRulesDirectory = true;
      entry.resume();
      return;
    }
    const kind = check.kind;
    const path = check.path;
    const chunks: Buffer[] = [];
    let received = 0;
    entry.on('data', (chunk: Buffer) => {
      if (fatal !== null) return;
      received += chunk.length;
      if (received > limits.maxEntryBytes) {
        fail({
          ...limitFinding(
            'ARCHIVE_LIMIT_ENTRY',
            `${JSON.stringify(raw)} holds more than ${limits.maxEntryBytes} bytes.`,
          ),
          path: raw,
        });
        return;
      }
      chunks.push(chunk);
    });
    entry.on('end', () => {
      if (fatal !== null) return;
      // A small file arrives in one chunk: a view of the inflated data, no copy.
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
      const name = path.slice(path.lastIndexOf('/') + 1);
      if (looksLikeArchive(name, bytes.subarray(0, 512))) {
        findings.push(
          finding(
            'ARCHIVE_NESTED',
            'error',
            raw,
            `${JSON.stringify(raw)} is itself an archive or compressed file; bundles may not nest archives.`,
          ),
        );
        return;
      }
      const file: ArchiveFile = { path, kind, bytes };
      files.push(file);
      options.onFile?.(file);
    });
  }

  const feed = async (): Promise<void> => {
    let first = true;
    for await (const piece of chunked(source)) {
      if (fatal !== null) return;
      const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
      if (first && chunk.length > 0) {
        first = false;
        if (chunk[0] !== 0x1f || (chunk.length > 1 && chunk[1] !== 0x8b)) {
          fail(
            finding(
              'ARCHIVE_NOT_GZIP',
              'error',
              '',
              'The file is not gzip-compressed; a bundle is a .tar.gz file. Build one with `bundle create`.',
            ),
          );
          return;
        }
      }
      compressed += chunk.length;
      if (compressed > limits.maxCompressedBytes) {
        fail(
          limitFinding(
            'ARCHIVE_LIMIT_COMPRESSED',
            `The bundle is larger than ${limits.maxCompressedBytes} bytes compressed.`,
          ),
        );
        return;
      }
      hash.update(chunk);
      options.onRawChunk?.(chunk);
      options.onProgress?.({
        phase: 'read',
        done: compressed,
        total: options.totalBytes ?? 0,
        current,
      });
      if (!gunzip.write(chunk)) {
        try {
          await once(gunzip, 'drain', { signal: aborter.signal });
        } catch {
          return;
        }
      }
    }
    if (fatal !== null) return;
    if (first) {
      fail(
        finding('ARCHIVE_NOT_GZIP', 'error', '', 'The file is empty; a bundle is a .tar.gz file.'),
      );
      return;
    }
    gunzip.end();
  };

  await feed();
  await done;
  if (thrown !== null) throw thrown.error;
  if (fatal === null && !sawEndMarker) {
    fail(
      finding(
        'ARCHIVE_TRUNCATED',
        'error',
        '',
        'The tar data has no end-of-archive marker: the bundle is truncated or was not closed properly.',
      ),
    );
  }
  if (fatal !== null) throw archiveError([...findings, fatal]);
  if (findings.length > 0) throw archiveError(findings);
  return {
    sha256: hash.digest('hex'),
    compressedBytes: compressed,
    uncompressedBytes: inflated,
    entryCount,
    files,
    hasRulesDirectory,
  };
}

/** The findings of a BUNDLE_ARCHIVE_UNSAFE error, or null for any other error. */
export function archiveErrorFindings(error: unknown): BundleFinding[] | null {
  if (!(error instanceof AppError) || error.code !== 'BUNDLE_ARCHIVE_UNSAFE') return null;
  const findings = error.details?.findings;
  return Array.isArray(findings) ? (findings as BundleFinding[]) : null;
}

function archiveError(findings: BundleFinding[]): AppError {
  const first = findings[0];
  const more = findings.length > 1 ? ` (and ${findings.length - 1} more problems)` : '';
  return new AppError(
    'BUNDLE_ARCHIVE_UNSAFE',
    `The bundle archive was refused: ${first?.message ?? 'unknown problem'}${more}`,
    { details: { findings } },
  );
}

function finding(
  code: FindingCode,
  severity: BundleFinding['severity'],
  path: string,
  message: string,
): BundleFinding {
  return { code, severity, path, message };
}

function limitFinding(code: FindingCode, message: string): BundleFinding {
  return finding(code, 'error', '', `${message} Limits protect against compression bombs.`);
}

/** The path exactly as the archive stores it (node-tar rewrites `\` on Windows). */
function rawPath(entry: ReadEntry): string {
  const headerPath = (entry.header as { path?: unknown }).path;
  return typeof headerPath === 'string' && headerPath.length > 0 ? headerPath : String(entry.path);
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
    default:
      return `${type} entry`;
  }
}

async function* chunked(
  source: Uint8Array | AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    for (let offset = 0; offset < source.length; offset += CHUNK_BYTES) {
      yield source.subarray(offset, offset + CHUNK_BYTES);
    }
    return;
  }
  yield* source;
}
