/**
 * Files the page sends with a call (shared/fileSource.ts): a browser cannot hand a path to
 * core, so a chosen or dropped file travels as base64, bounded by UPLOAD_MAX_BYTES.
 */
import { AppError } from '../../shared/errors';
import { UPLOAD_MAX_BYTES, type FileSource, type FileUpload } from '../../shared/fileSource';

/** Base64 of bytes (RFC 4648 section 4), in slices so that a large file does not overflow the stack. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let offset = 0; offset < bytes.length; offset += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000));
  }
  return btoa(binary);
}

/** A file chosen in the page, as an upload; APP_FILE_TOO_LARGE above the upload limit. */
export async function fileToUpload(file: File): Promise<FileUpload> {
  if (file.size > UPLOAD_MAX_BYTES) {
    throw new AppError(
      'APP_FILE_TOO_LARGE',
      `${file.name} is larger than ${UPLOAD_MAX_BYTES / (1024 * 1024)} MiB, the most a page can upload. Type its path on the server's machine instead.`,
    );
  }
  return { name: file.name, base64: toBase64(new Uint8Array(await file.arrayBuffer())) };
}

/** How a source is shown: its path, or the uploaded file's name. */
export function sourceLabel(source: FileSource | null): string {
  if (source === null) return '';
  return 'path' in source ? source.path : source.upload.name;
}

/** True for a path that is resolved from core's working folder (not absolute on any platform). */
export function isRelativePath(path: string): boolean {
  const trimmed = path.trim();
  return (
    trimmed !== '' &&
    !trimmed.startsWith('/') &&
    !/^[A-Za-z]:[\\/]/.test(trimmed) &&
    !trimmed.startsWith('\\\\')
  );
}
