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
 * and parsed by our own streaming tar reader in memory (tarReader.ts); every limit of
 * {@link BundleLimits} is checked as bytes arrive, and inflating stops at once when one
 * is crossed. Only regular files and directories at the paths a bundle may hold are
 * accepted (see archivePaths.ts); links, devices, FIFOs, unknown types, unsafe or
 * unexpected paths, duplicates (also after NFC + case folding) and nested archives make
 * the whole bundle fail. The archive must end with tar's end-of-archive marker.
 *
 * The pieces: inflateMeter.ts checks the byte streams, tarReader.ts reads the tar data,
 * classifyEntry.ts decides on each entry, pacedParser.ts paces the reader; this module
 * wires them to zlib.
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

import { DEFAULT_BUNDLE_LIMITS } from '../../../../shared/bundles';
import type {
  BundleFinding,
  BundleLimits,
  BundleProgressListener,
} from '../../../../shared/bundles';
import { AppError, errorMessage } from '../../../../shared/errors';
import { archiveFinding, limitFinding } from './archiveFindings';
import { createEntryClassifier, nestedArchiveFinding, tarErrorFinding } from './classifyEntry';
import type { EntryClassifier } from './classifyEntry';
import { createInflateMeter, gzipErrorFinding } from './inflateMeter';
import type { InflateMeter } from './inflateMeter';
import { createPacedParser } from './pacedParser';
import type { PacedParser } from './pacedParser';
import { createTarReader, TarFormatError } from './tarReader';
import type { TarHeader, TarReader } from './tarReader';

/** The raw file of a refused archive: its size, and SHA-256 ('' when it was too large to hash). */
export interface RawFileFacts {
  sha256: string;
  compressedBytes: number;
}

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
  /** Files in archive order (those `keep` kept). */
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
   * Whether the archive's `files` keep a file once onFile has seen it (default: every
   * file): a caller done with a file after onFile lets its bytes go.
   */
  keep?: ((file: ArchiveFile) => boolean) | undefined;
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
 * Size of the inflated chunks. Small enough that the allocator reuses the memory of the
 * chunks already read (a verification lets rule files go once examined): with 1 MiB
 * chunks, each came from fresh pages, and a 2,000-rule `verify` touched ~6 MiB more
 * (bench/cli.bench.ts). Limits are checked per chunk, so a limit is overshot by at most
 * this much before inflating stops.
 */
const INFLATE_CHUNK_BYTES = 64 * 1024;

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
      `Cannot read the bundle ${path}: ${errorMessage(error)}.`,
      { details: { path } },
    );
  }
  if (size > limits.maxCompressedBytes) {
    const message = `The bundle is ${size} bytes; the limit is ${limits.maxCompressedBytes} bytes compressed.`;
    throw archiveError([limitFinding('ARCHIVE_LIMIT_COMPRESSED', message)], {
      sha256: '',
      compressedBytes: size,
    });
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
  return new ArchiveRead(limits, options).read(source);
}

/** The findings of a BUNDLE_ARCHIVE_UNSAFE error, or null for any other error. */
export function archiveErrorFindings(error: unknown): BundleFinding[] | null {
  if (!(error instanceof AppError) || error.code !== 'BUNDLE_ARCHIVE_UNSAFE') return null;
  const findings = error.details?.findings;
  return Array.isArray(findings) ? (findings as BundleFinding[]) : null;
}

/** The size and SHA-256 of the file a BUNDLE_ARCHIVE_UNSAFE error refused, if known. */
export function archiveErrorFile(error: unknown): RawFileFacts | null {
  if (!(error instanceof AppError) || error.code !== 'BUNDLE_ARCHIVE_UNSAFE') return null;
  return (error.details?.file as RawFileFacts | undefined) ?? null;
}

/**
 * One read of one archive: the compressed source goes through the meter and the hash
 * into zlib, the inflated chunks through the meter and the paced parser into the tar
 * reader, and each entry through the classifier into `files` or `refused`.
 */
class ArchiveRead {
  private readonly meter: InflateMeter;
  private readonly entries: EntryClassifier;
  private readonly hash = createHash('sha256');
  private readonly gunzip = createGunzip({ chunkSize: INFLATE_CHUNK_BYTES });
  private readonly tar: TarReader;
  private readonly paced: PacedParser;
  private readonly aborter = new AbortController();
  /** Settles when the tar reader has ended or the read has failed. */
  private readonly done: Promise<void>;
  private parsed: () => void = () => undefined;
  private readonly files: ArchiveFile[] = [];
  /** Unsafe entries: collected while reading goes on. */
  private readonly refused: BundleFinding[] = [];
  /** The problem that stopped the read (a limit, damaged data). */
  private fatal: BundleFinding | null = null;
  /** The kept entry whose content the tar reader reads next. */
  private keeping: { raw: string; target: Omit<ArchiveFile, 'bytes'> } | null = null;
  /** A throw of our entry handlers or the caller's onFile, rethrown to the caller. */
  private thrown: { error: unknown } | null = null;
  /** The raw path of the entry being read, for findings about damaged data. */
  private current: string | null = null;
  /** Raw bytes seen, hashed while within the compressed limit. */
  private rawBytes = 0;
  private hashComplete = true;

  constructor(
    private readonly limits: BundleLimits,
    private readonly options: ReadBundleOptions,
  ) {
    this.meter = createInflateMeter(limits);
    this.entries = createEntryClassifier(limits);
    this.tar = createTarReader({
      entry: (header) => this.onEntry(header),
      content: (bytes) => this.onContent(bytes),
      unreadable: (header, oversizedMeta) => {
        if (this.fatal === null) this.refused.push(this.entries.ignored(header, oversizedMeta));
      },
    });
    this.paced = createPacedParser({
      parser: {
        write: (slice) => this.guard(() => this.tar.write(slice)),
        end: () => {
          this.guard(() => this.tar.end());
          this.parsed();
        },
      },
      inflater: this.gunzip,
      pace: options.pace,
      stopped: () => this.fatal !== null,
    });
    this.done = new Promise<void>((resolve) => {
      this.aborter.signal.addEventListener('abort', () => resolve());
      this.parsed = resolve;
    });
    this.listen();
  }

  async read(source: Uint8Array | AsyncIterable<Uint8Array>): Promise<BundleArchive> {
    await this.feed(source);
    await this.done;
    return this.result();
  }

  private listen(): void {
    this.gunzip.on('data', (chunk: Buffer) => this.onInflated(chunk));
    this.gunzip.on('error', (error: NodeJS.ErrnoException) => this.fail(gzipErrorFinding(error)));
    this.gunzip.on('end', () => this.paced.end());
  }

  /** Stops the read at once: no more inflating, no more parsing. */
  private fail(finding: BundleFinding): void {
    if (this.fatal !== null) return;
    this.fatal = finding;
    this.aborter.abort();
    this.gunzip.destroy();
  }

  /**
   * The tar reader throws on damaged data, and calls our entry handlers and the caller's
   * onFile synchronously: a throw there stops the read and is rethrown to the caller
   * instead of escaping as an unhandled rejection.
   */
  private guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      if (error instanceof TarFormatError) {
        this.fail(tarErrorFinding(error, this.current ?? ''));
        return;
      }
      this.thrown ??= { error };
      const message = 'Reading stopped on an internal error.';
      this.fail(archiveFinding('ARCHIVE_CORRUPT', this.current ?? '', message));
    }
  }

  private async feed(source: Uint8Array | AsyncIterable<Uint8Array>): Promise<void> {
    for await (const piece of chunked(source)) {
      const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
      if (this.fatal === null) {
        const stop = this.meter.acceptCompressed(chunk);
        if (stop !== null) this.fail(stop);
      }
      if (!this.hashRaw(chunk)) return;
      // A refused archive is still hashed to its end (within the size limit), so that its
      // report names the file as it is: its size and SHA-256, not "0 bytes".
      if (this.fatal !== null) continue;
      this.options.onRawChunk?.(chunk);
      this.options.onProgress?.({
        phase: 'read',
        done: this.meter.compressedBytes,
        total: this.options.totalBytes ?? 0,
        current: this.current,
      });
      if (!this.gunzip.write(chunk)) await this.drained();
    }
    if (this.fatal !== null) return;
    const empty = this.meter.endOfInput();
    if (empty !== null) return this.fail(empty);
    this.gunzip.end();
  }

  /** Hashes and counts a raw chunk; false once the source is over the compressed limit. */
  private hashRaw(chunk: Buffer): boolean {
    this.rawBytes += chunk.length;
    if (this.rawBytes > this.limits.maxCompressedBytes) {
      this.hashComplete = false;
      return false;
    }
    this.hash.update(chunk);
    return true;
  }

  /** Waits until zlib takes more input, or until the read failed meanwhile. */
  private async drained(): Promise<void> {
    try {
      await once(this.gunzip, 'drain', { signal: this.aborter.signal });
    } catch {
      // Aborted: the read failed; the caller goes on hashing only.
    }
  }

  /** What is known of the raw file: its size, and its SHA-256 when all of it was read. */
  private rawFacts(): RawFileFacts {
    return {
      sha256: this.hashComplete ? this.hash.digest('hex') : '',
      compressedBytes: this.rawBytes,
    };
  }

  private onInflated(chunk: Buffer): void {
    if (this.fatal !== null) return;
    const stop = this.meter.acceptInflated(chunk, this.gunzip.bytesWritten);
    if (stop !== null) return this.fail(stop);
    this.paced.push(chunk);
  }

  /** Whether the tar reader should hand over this entry's content. */
  private onEntry(header: TarHeader): boolean {
    if (this.fatal !== null) return false;
    this.current = header.path;
    const decision = this.entries.classify(header);
    if (decision.action === 'keep') {
      this.keeping = { raw: header.path, target: { path: decision.path, kind: decision.kind } };
      return true;
    }
    if (decision.action === 'stop') this.fail(decision.finding);
    if (decision.action === 'refuse') this.refused.push(decision.finding);
    return false;
  }

  /** A kept entry's content, whole: the file is handed over unless it nests an archive. */
  private onContent(bytes: Buffer): void {
    const { raw, target } = this.keeping!;
    this.keeping = null;
    if (this.fatal !== null) return;
    const file: ArchiveFile = { ...target, bytes };
    const nested = nestedArchiveFinding(file, raw);
    if (nested !== null) {
      this.refused.push(nested);
      return;
    }
    if (this.options.keep?.(file) ?? true) this.files.push(file);
    this.options.onFile?.(file);
  }

  private result(): BundleArchive {
    if (this.thrown !== null) throw this.thrown.error;
    if (this.fatal === null && !this.tar.sawEndMarker) {
      const message =
        'The tar data has no end-of-archive marker: the bundle is truncated or was not closed properly.';
      this.fail(archiveFinding('ARCHIVE_TRUNCATED', '', message));
    }
    if (this.fatal !== null) throw archiveError([...this.refused, this.fatal], this.rawFacts());
    if (this.refused.length > 0) throw archiveError(this.refused, this.rawFacts());
    return {
      ...this.rawFacts(),
      uncompressedBytes: this.meter.inflatedBytes,
      entryCount: this.entries.entryCount,
      files: this.files,
      hasRulesDirectory: this.entries.hasRulesDirectory,
    };
  }
}

function archiveError(findings: BundleFinding[], file: RawFileFacts): AppError {
  const first = findings[0];
  const more = findings.length > 1 ? ` (and ${findings.length - 1} more problems)` : '';
  return new AppError(
    'BUNDLE_ARCHIVE_UNSAFE',
    `The bundle archive was refused: ${first?.message ?? 'unknown problem'}${more}`,
    { details: { findings, file } },
  );
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
