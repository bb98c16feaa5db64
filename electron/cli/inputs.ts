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

/** A named file as UTF-8 text; `-` reads standard input. */
export async function readInputText(
  context: CliContext,
  path: string,
  what: string,
): Promise<string> {
  if (path === '-') return context.io.readStdin();
  return (await readInputFile(path, what)).toString('utf8');
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
