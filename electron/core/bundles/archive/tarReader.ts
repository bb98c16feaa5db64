/**
 * A streaming reader of tar data (POSIX ustar and pax, GNU long names), fed the inflated
 * bytes of a bundle in pieces. It only reads: what an entry may be is readBundle's and
 * classifyEntry's decision. Pure (no I/O), and lean: a kept file whose bytes arrive in one
 * piece is handed over as a view of that piece, and a skipped entry is never copied
 * (docs/decisions.md "Our own tar reader").
 *
 * Stricter than tar programs where they disagree with each other, so that no other reader
 * can see different files in the same archive: a header must have a valid checksum and
 * well-formed numbers, pax records must be well formed, and the archive ends at the first
 * zero block, which must be followed by a second one (a lone zero block is refused).
 */

/** pax and GNU long-name headers are small; a larger one is refused unread. */
export const MAX_META_ENTRY_BYTES = 64 * 1024;

const BLOCK = 512;
const POSIX_MAGIC = Buffer.from('ustar\0', 'latin1');

/** One entry's header, after its pax or GNU long-name headers were applied. */
export interface TarHeader {
  /** The path exactly as the archive stores it. */
  path: string;
  /** The entry type's name (`File`, `Directory`, `SymbolicLink`, …), or the raw flag. */
  type: string;
  size: number;
  linkpath?: string | undefined;
}

export interface TarEvents {
  /** A file-system entry's header: return true to receive its content. */
  entry(header: TarHeader): boolean;
  /** The whole content of the entry whose `entry` call returned true. */
  content(bytes: Buffer): void;
  /** An entry of a type tar does not define, or a pax/long-name header over the limit. */
  unreadable(header: TarHeader, oversizedMeta: boolean): void;
}

/** The tar data is damaged, or ends in the middle of an entry. */
export class TarFormatError extends Error {
  constructor(
    message: string,
    readonly truncated: boolean,
  ) {
    super(message);
    this.name = 'TarFormatError';
  }
}

export interface TarReader {
  /** Reads a piece of tar data; throws TarFormatError on damaged data. */
  write(piece: Buffer): void;
  /** The data ended; throws TarFormatError when it ended inside an entry. */
  end(): void;
  /** Whether the end-of-archive marker (two zero blocks) was read. */
  readonly sawEndMarker: boolean;
}

// The type flags POSIX and GNU tar define, named as node-tar names them.
const TYPE_NAMES = new Map<string, string>([
  ['0', 'File'],
  ['', 'OldFile'],
  ['1', 'Link'],
  ['2', 'SymbolicLink'],
  ['3', 'CharacterDevice'],
  ['4', 'BlockDevice'],
  ['5', 'Directory'],
  ['6', 'FIFO'],
  ['7', 'ContiguousFile'],
  ['g', 'GlobalExtendedHeader'],
  ['x', 'ExtendedHeader'],
  ['A', 'SolarisACL'],
  ['D', 'GNUDumpDir'],
  ['I', 'Inode'],
  ['K', 'NextFileHasLongLinkpath'],
  ['L', 'NextFileHasLongPath'],
  ['M', 'ContinuationFile'],
  ['N', 'OldGnuLongPath'],
  ['S', 'SparseFile'],
  ['V', 'TapeVolumeHeader'],
  ['X', 'OldExtendedHeader'],
]);

/** Headers whose content describes the next entry. */
const META_TYPES = new Set(['x', 'g', 'L', 'K']);

/** What pax or GNU long-name headers say about the entries that follow. */
interface Overrides {
  path?: string | undefined;
  linkpath?: string | undefined;
  size?: number | undefined;
  /**
   * GNU tar's pax sparse records: the entry's data is a sparse map that an extracting tar
   * expands into other bytes than the ones read here, so the entry is typed SparseFile.
   */
  sparse?: boolean | undefined;
}

/** What the reader is in the middle of. */
type Step =
  | { kind: 'header' }
  | { kind: 'keep'; size: number; pieces: Buffer[]; received: number }
  | { kind: 'meta'; flag: string; size: number; pieces: Buffer[]; received: number }
  | { kind: 'skip'; remaining: number }
  | { kind: 'ended' };

export function createTarReader(events: TarEvents): TarReader {
  return new StreamingTarReader(events);
}

class StreamingTarReader implements TarReader {
  private step: Step = { kind: 'header' };
  /** A header split between two pieces, gathered here. */
  private readonly partial = Buffer.alloc(BLOCK);
  private partialBytes = 0;
  /** Bytes of padding still to pass after the current entry's content. */
  private padding = 0;
  private zeroBlocks = 0;
  private local: Overrides = {};
  private global: Overrides = {};

  constructor(private readonly events: TarEvents) {}

  get sawEndMarker(): boolean {
    return this.step.kind === 'ended';
  }

  write(piece: Buffer): void {
    let offset = 0;
    while (offset < piece.length && this.step.kind !== 'ended') {
      offset = this.advance(piece, offset);
    }
  }

  end(): void {
    if (this.step.kind === 'ended') return;
    const clean =
      this.step.kind === 'header' &&
      this.partialBytes === 0 &&
      this.padding === 0 &&
      this.zeroBlocks === 0;
    // No data after the last entry: readBundle reports the missing end marker.
    if (clean) return;
    throw new TarFormatError('Truncated input: the data ends inside an entry.', true);
  }

  /** Reads from `offset` as far as the current step goes; returns the new offset. */
  private advance(piece: Buffer, offset: number): number {
    if (this.padding > 0) {
      const passed = Math.min(this.padding, piece.length - offset);
      this.padding -= passed;
      return offset + passed;
    }
    const step = this.step;
    switch (step.kind) {
      case 'header':
        return this.readHeaderBlock(piece, offset);
      case 'skip': {
        const passed = Math.min(step.remaining, piece.length - offset);
        step.remaining -= passed;
        if (step.remaining === 0) this.step = { kind: 'header' };
        return offset + passed;
      }
      case 'keep':
      case 'meta':
        return this.gather(step, piece, offset);
      default:
        return piece.length;
    }
  }

  /** Gathers one header block, whole in the piece or across pieces. */
  private readHeaderBlock(piece: Buffer, offset: number): number {
    if (this.partialBytes === 0 && piece.length - offset >= BLOCK) {
      this.onBlock(piece.subarray(offset, offset + BLOCK));
      return offset + BLOCK;
    }
    const copied = piece.copy(this.partial, this.partialBytes, offset, offset + BLOCK);
    this.partialBytes += copied;
    if (this.partialBytes === BLOCK) {
      this.partialBytes = 0;
      this.onBlock(this.partial);
    }
    return offset + copied;
  }

  private onBlock(block: Buffer): void {
    if (isZeroBlock(block)) {
      this.zeroBlocks += 1;
      if (this.zeroBlocks === 2) this.step = { kind: 'ended' };
      return;
    }
    if (this.zeroBlocks > 0) {
      throw new TarFormatError('a lone zero block lies between two entries', false);
    }
    this.onHeader(block);
  }

  private onHeader(block: Buffer): void {
    if (!checksumMatches(block)) throw new TarFormatError('header checksum failure', false);
    const flag = typeFlag(block);
    const size = readNumber(block, 124, 12, 'size');
    if (META_TYPES.has(flag)) return this.startMeta(block, flag, size);
    const header = this.headerOf(block, flag, size);
    this.local = {};
    const known = TYPE_NAMES.has(flag);
    if (!known) this.events.unreadable(header, false);
    if (known && this.events.entry(header)) {
      this.step = { kind: 'keep', size: header.size, pieces: [], received: 0 };
      if (header.size === 0) this.finishKeep(this.step);
    } else {
      this.skipContent(header.size);
    }
  }

  private headerOf(block: Buffer, flag: string, size: number): TarHeader {
    const linkpath = this.local.linkpath ?? this.global.linkpath ?? readText(block, 157, 100);
    return {
      path: this.local.path ?? this.global.path ?? headerPath(block),
      type:
        this.local.sparse || this.global.sparse
          ? 'SparseFile'
          : (TYPE_NAMES.get(flag) ?? flagName(flag)),
      size: this.local.size ?? this.global.size ?? size,
      linkpath: linkpath === '' ? undefined : linkpath,
    };
  }

  /** Passes over an entry's content and padding. */
  private skipContent(size: number): void {
    this.step = size > 0 ? { kind: 'skip', remaining: padded(size) } : { kind: 'header' };
  }

  private startMeta(block: Buffer, flag: string, size: number): void {
    if (size > MAX_META_ENTRY_BYTES) {
      this.events.unreadable({ path: headerPath(block), type: TYPE_NAMES.get(flag)!, size }, true);
      this.local = {};
      this.skipContent(size);
      return;
    }
    this.step = { kind: 'meta', flag, size, pieces: [], received: 0 };
    if (size === 0) this.finishMeta(this.step);
  }

  private gather(
    step: Extract<Step, { kind: 'keep' | 'meta' }>,
    piece: Buffer,
    offset: number,
  ): number {
    const taken = Math.min(step.size - step.received, piece.length - offset);
    step.pieces.push(piece.subarray(offset, offset + taken));
    step.received += taken;
    if (step.received === step.size) {
      if (step.kind === 'keep') this.finishKeep(step);
      else this.finishMeta(step);
    }
    return offset + taken;
  }

  private finishKeep(step: Extract<Step, { kind: 'keep' }>): void {
    this.afterContent(step.size);
    // A file in one piece is a view of it: no copy.
    const bytes = step.pieces.length === 1 ? step.pieces[0]! : Buffer.concat(step.pieces);
    this.events.content(bytes);
  }

  private finishMeta(step: Extract<Step, { kind: 'meta' }>): void {
    this.afterContent(step.size);
    const bytes = Buffer.concat(step.pieces);
    if (step.flag === 'L') this.local.path = nulTerminated(bytes);
    else if (step.flag === 'K') this.local.linkpath = nulTerminated(bytes);
    else if (step.flag === 'x') Object.assign(this.local, paxOverrides(bytes));
    else Object.assign(this.global, paxOverrides(bytes));
  }

  private afterContent(size: number): void {
    this.step = { kind: 'header' };
    this.padding = padded(size) - size;
  }
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

function isZeroBlock(block: Buffer): boolean {
  for (let index = 0; index < BLOCK; index += 1) if (block[index] !== 0) return false;
  return true;
}

/** POSIX sums the header as unsigned bytes; some old tars summed signed ones. */
function checksumMatches(block: Buffer): boolean {
  let unsigned = 0;
  let signed = 0;
  for (let index = 0; index < BLOCK; index += 1) {
    const byte = index >= 148 && index < 156 ? 0x20 : block[index]!;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  const stored = readNumber(block, 148, 8, 'checksum');
  return stored === unsigned || stored === signed;
}

function typeFlag(block: Buffer): string {
  const byte = block[156]!;
  return byte === 0 ? '' : String.fromCharCode(byte);
}

/** A type flag as a finding may quote it: a printable character, else its code. */
function flagName(flag: string): string {
  return /^[\x21-\x7e]$/.test(flag)
    ? flag
    : `0x${flag.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** `prefix/name` of a POSIX ustar header; the name alone otherwise. */
function headerPath(block: Buffer): string {
  const name = readText(block, 0, 100);
  // "ustar\0" is POSIX (with a prefix field); GNU's "ustar  \0" uses those bytes otherwise.
  const posix = block.compare(POSIX_MAGIC, 0, POSIX_MAGIC.length, 257, 263) === 0;
  const prefix = posix ? readText(block, 345, 155) : '';
  return prefix === '' ? name : `${prefix}/${name}`;
}

/** A NUL-terminated UTF-8 field. */
function readText(block: Buffer, start: number, length: number): string {
  const nul = block.indexOf(0, start);
  const end = nul === -1 || nul > start + length ? start + length : nul;
  return block.toString('utf8', start, end);
}

function nulTerminated(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return bytes.toString('utf8', 0, nul === -1 ? bytes.length : nul);
}

/** An octal field (leading spaces, then digits, ended by a space or NUL), or base-256. */
function readNumber(block: Buffer, start: number, length: number, what: string): number {
  const end = start + length;
  if (block[start]! & 0x80) return readBase256(block, start, end, what);
  let index = start;
  while (index < end && block[index] === 0x20) index += 1;
  let value = 0;
  for (; index < end; index += 1) {
    const byte = block[index]!;
    if (byte === 0 || byte === 0x20) break;
    if (byte < 0x30 || byte > 0x37)
      throw new TarFormatError(`the ${what} field is not octal`, false);
    value = value * 8 + (byte - 0x30);
  }
  return value;
}

function readBase256(block: Buffer, start: number, end: number, what: string): number {
  if (block[start] === 0xff) throw new TarFormatError(`the ${what} field is negative`, false);
  let value = block[start]! & 0x7f;
  for (let index = start + 1; index < end; index += 1) value = value * 256 + block[index]!;
  if (!Number.isSafeInteger(value))
    throw new TarFormatError(`the ${what} field is too large`, false);
  return value;
}

/** The pax records that matter here (path, linkpath, size); throws on a malformed record. */
function paxOverrides(bytes: Buffer): Overrides {
  const overrides: Overrides = {};
  let offset = 0;
  while (offset < bytes.length) {
    const space = bytes.indexOf(0x20, offset);
    const lengthText = space === -1 ? '' : bytes.toString('latin1', offset, space);
    if (!/^[1-9]\d{0,5}$/.test(lengthText)) {
      throw new TarFormatError('a pax record has no length', false);
    }
    const recordEnd = offset + Number(lengthText);
    if (recordEnd > bytes.length || recordEnd <= space + 1 || bytes[recordEnd - 1] !== 0x0a) {
      throw new TarFormatError('a pax record does not end where its length says', false);
    }
    const record = bytes.toString('utf8', space + 1, recordEnd - 1);
    const equals = record.indexOf('=');
    if (equals <= 0) throw new TarFormatError('a pax record has no key', false);
    applyPaxRecord(overrides, record.slice(0, equals), record.slice(equals + 1));
    offset = recordEnd;
  }
  return overrides;
}

function applyPaxRecord(overrides: Overrides, key: string, value: string): void {
  if (key === 'path') overrides.path = value;
  else if (key === 'linkpath') overrides.linkpath = value;
  else if (key.startsWith('GNU.sparse.')) overrides.sparse = true;
  else if (key === 'size') {
    if (!/^\d{1,15}$/.test(value)) throw new TarFormatError('the pax size is not a number', false);
    overrides.size = Number(value);
  }
}
