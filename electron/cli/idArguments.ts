import { AppError } from '../../shared/errors';

/**
 * Row numbers given on the command line, or `--all` (`alerts ack`, `server outbox retry`):
 * exactly one of the two; each number whole and above 0. Null means all.
 */
export function idsOrAll(texts: string[], all: boolean | undefined, what: string): number[] | null {
  if ((all === true) === texts.length > 0) {
    throw new AppError('CLI_USAGE', `Give ${what}s or --all (not both).`);
  }
  if (all === true) return null;
  return texts.map((text) => {
    if (!/^\d{1,15}$/.test(text) || Number(text) < 1)
      throw new AppError('CLI_USAGE', `${JSON.stringify(text)} is not an ${what}.`);
    return Number(text);
  });
}
