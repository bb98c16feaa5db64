/**
 * The checks readBundle() makes on the byte streams (docs/bundles.md "Limits and archive
 * safety"), chunk by chunk: the compressed bytes as they arrive (gzip or not, compressed
 * size) and the inflated bytes as zlib hands them over (gzip inside gzip, total size,
 * compression ratio). Pure: each check returns the finding that stops the read, or null.
 */
import type { BundleFinding, BundleLimits } from '../../../../shared/bundles';
import { archiveFinding, limitFinding } from './archiveFindings';

export interface InflateMeter {
  /** Compressed bytes accepted so far. */
  readonly compressedBytes: number;
  /** Inflated bytes accepted so far. */
  readonly inflatedBytes: number;
  acceptCompressed(chunk: Uint8Array): BundleFinding | null;
  /** An inflated chunk, once zlib has consumed `consumedBytes` compressed bytes. */
  acceptInflated(chunk: Uint8Array, consumedBytes: number): BundleFinding | null;
  /** The compressed input ended. */
  endOfInput(): BundleFinding | null;
}

export function createInflateMeter(limits: BundleLimits): InflateMeter {
  let compressedBytes = 0;
  let inflatedBytes = 0;
  return {
    get compressedBytes() {
      return compressedBytes;
    },
    get inflatedBytes() {
      return inflatedBytes;
    },
    acceptCompressed(chunk) {
      if (compressedBytes === 0 && chunk.length > 0 && !startsLikeGzip(chunk)) {
        return archiveFinding(
          'ARCHIVE_NOT_GZIP',
          '',
          'The file is not gzip-compressed; a bundle is a .tar.gz file. Build one with `bundle create`.',
        );
      }
      compressedBytes += chunk.length;
      if (compressedBytes <= limits.maxCompressedBytes) return null;
      return limitFinding(
        'ARCHIVE_LIMIT_COMPRESSED',
        `The bundle is larger than ${limits.maxCompressedBytes} bytes compressed.`,
      );
    },
    acceptInflated(chunk, consumedBytes) {
      // A gzip stream inside the gzip stream: a bundle is compressed once.
      if (inflatedBytes === 0 && chunk[0] === 0x1f && chunk[1] === 0x8b) {
        return archiveFinding(
          'ARCHIVE_NESTED',
          '',
          'The bundle is compressed twice (gzip inside gzip). Build it with `bundle create`, which compresses once.',
        );
      }
      inflatedBytes += chunk.length;
      return checkInflatedTotal(inflatedBytes, Math.max(consumedBytes, 1), limits);
    },
    endOfInput() {
      if (compressedBytes > 0) return null;
      return archiveFinding(
        'ARCHIVE_NOT_GZIP',
        '',
        'The file is empty; a bundle is a .tar.gz file.',
      );
    },
  };
}

/** What zlib's error means for the bundle: truncated, or damaged. */
export function gzipErrorFinding(error: {
  code?: string | undefined;
  message: string;
}): BundleFinding {
  const truncated = error.code === 'Z_BUF_ERROR' || /unexpected end/i.test(error.message);
  return truncated
    ? archiveFinding(
        'ARCHIVE_TRUNCATED',
        '',
        'The gzip stream ends early: the file is truncated. Download or copy it again.',
      )
    : archiveFinding(
        'ARCHIVE_CORRUPT',
        '',
        `The gzip stream is damaged (${error.message}). Download or copy it again.`,
      );
}

function startsLikeGzip(chunk: Uint8Array): boolean {
  return chunk[0] === 0x1f && (chunk.length === 1 || chunk[1] === 0x8b);
}

function checkInflatedTotal(
  inflated: number,
  consumed: number,
  limits: BundleLimits,
): BundleFinding | null {
  if (inflated > limits.maxUncompressedBytes) {
    return limitFinding(
      'ARCHIVE_LIMIT_TOTAL',
      `The bundle inflates to more than ${limits.maxUncompressedBytes} bytes; reading stopped there.`,
    );
  }
  // Ratio grace (docs/decisions.md): tiny bundles are mostly tar padding.
  if (inflated > limits.ratioGraceBytes && inflated / consumed > limits.maxCompressionRatio) {
    return limitFinding(
      'ARCHIVE_LIMIT_RATIO',
      `The bundle inflates more than ${limits.maxCompressionRatio}:1 (a compression bomb?); reading stopped after ${inflated} bytes.`,
    );
  }
  return null;
}
