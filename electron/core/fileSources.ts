import { open } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';

import { AppError } from '../../shared/errors';
import { fileSourceLabel, type FileSource } from '../../shared/fileSource';

/** A file read for a call: its bytes, how to name it, and its absolute path if it has one. */
export interface ReadSource {
  bytes: Buffer;
  label: string;
  path: string | null;
}

/**
 * The absolute path a call's path stands for: relative paths are resolved from the
 * folder core was started in (`app.info` tells the page which, so that it can say so).
 */
export function resolveCallPath(path: string, cwd = process.cwd()): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/**
 * Reads a {@link FileSource} for a call, bounded: a path is opened and read up to
 * `maxBytes` (a larger file is refused before it is read whole), an upload is decoded.
 * `what` names the file in errors ("the provider data").
 */
export async function readFileSource(
  source: FileSource,
  options: { maxBytes: number; what: string; cwd?: string },
): Promise<ReadSource> {
  const label = fileSourceLabel(source);
  if ('upload' in source) {
    const bytes = Buffer.from(source.upload.base64, 'base64');
    if (bytes.length > options.maxBytes) throw tooLarge(options.what, label, options.maxBytes);
    return { bytes, label, path: null };
  }
  const path = resolveCallPath(source.path, options.cwd);
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw unreadable(options.what, path, error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new AppError(
        'APP_FILE_UNREADABLE',
        `Cannot read ${options.what} ${path}: it is not a file.`,
        {
          details: { path },
        },
      );
    }
    if (info.size > options.maxBytes) throw tooLarge(options.what, path, options.maxBytes);
    const bytes = Buffer.alloc(info.size);
    const { bytesRead } = await handle.read(bytes, 0, info.size, 0);
    return { bytes: bytes.subarray(0, bytesRead), label, path };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw unreadable(options.what, path, error);
  } finally {
    await handle.close();
  }
}

function tooLarge(what: string, label: string, maxBytes: number): AppError {
  return new AppError(
    'APP_FILE_TOO_LARGE',
    `${capitalize(what)} ${label} is larger than ${Math.round(maxBytes / (1024 * 1024))} MiB, the most accepted.`,
    { details: { maxBytes } },
  );
}

function unreadable(what: string, path: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    ENOENT: 'it does not exist',
    EACCES: 'permission denied',
    EISDIR: 'it is a folder',
  };
  const reason = (code !== undefined && reasons[code]) || 'it cannot be opened';
  return new AppError('APP_FILE_UNREADABLE', `Cannot read ${what} ${path}: ${reason}.`, {
    details: { path },
  });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
