import { describe, expect, it } from 'vitest';

import { DEFAULT_BUNDLE_LIMITS } from '../../../../../shared/bundles';
import {
  createInflateMeter,
  gzipErrorFinding,
} from '../../../../../electron/core/bundles/archive/inflateMeter';

const limits = { ...DEFAULT_BUNDLE_LIMITS, maxCompressedBytes: 100, maxUncompressedBytes: 5000 };
const GZIP = Uint8Array.from([0x1f, 0x8b, 8, 0]);
const code = (finding: { code: string } | null): string | null => finding?.code ?? null;

describe('inflateMeter: compressed bytes', () => {
  it.each([
    ['gzip magic', [GZIP], null],
    ['one byte of the magic, then the rest', [GZIP.subarray(0, 1), GZIP.subarray(1)], null],
    ['an empty chunk before the magic', [new Uint8Array(0), GZIP], null],
    ['plain text', [Buffer.from('{"a":1}')], 'ARCHIVE_NOT_GZIP'],
    ['a wrong second byte', [Uint8Array.from([0x1f, 0x00])], 'ARCHIVE_NOT_GZIP'],
  ])('%s → %s', (_name, chunks, expected) => {
    const meter = createInflateMeter(limits);
    const findings = chunks.map((chunk) => meter.acceptCompressed(chunk));
    expect(code(findings.find((finding) => finding !== null) ?? null)).toBe(expected);
  });

  it('checks the magic of the first bytes only', () => {
    const meter = createInflateMeter(limits);
    expect(meter.acceptCompressed(GZIP)).toBeNull();
    expect(meter.acceptCompressed(Buffer.from('plain'))).toBeNull();
    expect(meter.compressedBytes).toBe(9);
  });

  it('stops on the chunk that crosses the compressed limit, not before', () => {
    const meter = createInflateMeter(limits);
    expect(meter.acceptCompressed(Buffer.concat([GZIP, Buffer.alloc(96)]))).toBeNull();
    expect(code(meter.acceptCompressed(Buffer.alloc(1)))).toBe('ARCHIVE_LIMIT_COMPRESSED');
  });

  it('calls an input without a byte empty', () => {
    const meter = createInflateMeter(limits);
    expect(meter.endOfInput()).toMatchObject({ code: 'ARCHIVE_NOT_GZIP', message: /empty/ });
    meter.acceptCompressed(GZIP);
    expect(meter.endOfInput()).toBeNull();
  });
});

describe('inflateMeter: inflated bytes', () => {
  it('refuses gzip inside gzip in the first inflated chunk only', () => {
    expect(code(createInflateMeter(limits).acceptInflated(GZIP, 10))).toBe('ARCHIVE_NESTED');
    const meter = createInflateMeter(limits);
    expect(meter.acceptInflated(Buffer.alloc(512), 10)).toBeNull();
    expect(meter.acceptInflated(GZIP, 10)).toBeNull();
  });

  it('stops past the total uncompressed limit', () => {
    const meter = createInflateMeter({ ...limits, maxCompressionRatio: 1e9 });
    expect(meter.acceptInflated(Buffer.alloc(5000), 1)).toBeNull();
    expect(code(meter.acceptInflated(Buffer.alloc(1), 1))).toBe('ARCHIVE_LIMIT_TOTAL');
    expect(meter.inflatedBytes).toBe(5001);
  });

  it('checks the ratio against the bytes zlib consumed, once past the grace', () => {
    const meter = createInflateMeter({
      ...limits,
      maxUncompressedBytes: 1e9,
      maxCompressionRatio: 10,
      ratioGraceBytes: 1000,
    });
    // 1,000 bytes from 1 compressed byte: within the grace.
    expect(meter.acceptInflated(Buffer.alloc(1000), 1)).toBeNull();
    // 2,000 from 200: 10:1, at the limit.
    expect(meter.acceptInflated(Buffer.alloc(1000), 200)).toBeNull();
    // 2,001 from 200: over it.
    expect(code(meter.acceptInflated(Buffer.alloc(1), 200))).toBe('ARCHIVE_LIMIT_RATIO');
  });
});

describe('gzipErrorFinding', () => {
  it.each([
    [{ code: 'Z_BUF_ERROR', message: 'unexpected end of file' }, 'ARCHIVE_TRUNCATED'],
    [{ message: 'Unexpected end of input' }, 'ARCHIVE_TRUNCATED'],
    [{ code: 'Z_DATA_ERROR', message: 'invalid block type' }, 'ARCHIVE_CORRUPT'],
  ])('%j → %s', (error, expected) => {
    const finding = gzipErrorFinding(error);
    expect(finding).toMatchObject({ code: expected, severity: 'error', path: '' });
  });

  it('names what zlib found damaged', () => {
    expect(gzipErrorFinding({ message: 'invalid block type' }).message).toContain(
      'invalid block type',
    );
  });
});
