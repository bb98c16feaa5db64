import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

import { AppError, errorMessage } from '../../shared/errors';
import type { CliContext } from './context';

/**
 * Every file or folder named on the command line is read through here, so that a missing
 * or unreadable one is always the same usage error (exit 2) saying which it is, never a
 * checked-thing failure further down (DESIGN "Command line": exit codes).
 */
export async function readInputFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw inputError(path, what, error);
  }
}

/** The largest text input read whole (a provider document, a condition, a token file). */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * A named file as UTF-8 text; `-` reads standard input. Bounded: reading stops as soon as
 * the input passes `maxBytes`, and it is refused (`CLI_INPUT_TOO_LARGE`).
 */
export async function readInputText(
  context: CliContext,
  path: string,
  what: string,
  maxBytes = MAX_INPUT_BYTES,
): Promise<string> {
  const tooLarge = (): AppError =>
    new AppError(
      'CLI_INPUT_TOO_LARGE',
      `${path === '-' ? 'Standard input' : `${what} ${path}`} is larger than ${formatLimit(maxBytes)}; nothing was read.`,
    );
  let text: string | null;
  try {
    // Read with the bound, not stat then read: a file that grows in between stays bounded.
    text =
      path === '-'
        ? await context.io.readStdin(maxBytes)
        : await readStreamBounded(createReadStream(path), maxBytes);
  } catch (error) {
    throw inputError(path, what, error);
  }
  if (text === null) throw tooLarge();
  return text;
}

function formatLimit(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/** A stream (a file, standard input) as UTF-8 text, or null once it is larger than `maxBytes`. */
export async function readStreamBounded(
  stream: AsyncIterable<Buffer | string>,
  maxBytes: number,
): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > maxBytes) return null;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A named folder that must exist (e.g. `--keys DIR`). */
export async function requireFolder(path: string, what: string): Promise<string> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(path)).isDirectory();
  } catch (error) {
    throw inputError(path, what, error);
  }
  if (!isFolder) throw new AppError('CLI_INPUT_UNREADABLE', `${what} ${path} is not a folder.`);
  return path;
}

/** Parses JSON read from a named input, naming the input when it is not JSON. */
export function parseJsonInput(
  text: string,
  path: string,
  code: 'CLI_USAGE' | 'CTP_PROVIDER_INVALID' = 'CLI_USAGE',
): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError(
      code,
      `${path === '-' ? 'Standard input' : path} is not valid JSON: ${errorMessage(error)}.`,
    );
  }
}

function inputError(path: string, what: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'it does not exist'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a folder'
          : errorMessage(error);
  return new AppError('CLI_INPUT_UNREADABLE', `Cannot read ${what} ${path}: ${reason}.`, {
    details: { path },
  });
}

/** The SHA-256 (hex) and size of a named file, read as a stream (evidence can be large). */
export async function hashInputFile(
  path: string,
  what: string,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of createReadStream(path)) {
      size += (chunk as Buffer).length;
      hash.update(chunk as Buffer);
    }
  } catch (error) {
    throw inputError(path, what, error);
  }
  return { sha256: hash.digest('hex'), size };
}
