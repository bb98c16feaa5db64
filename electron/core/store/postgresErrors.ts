import { AppError, errorMessage } from '../../../shared/errors';
import { SqlConstraintError } from './sqlStore';

/** Node's socket errors when PostgreSQL cannot be reached or the connection broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** What node-postgres throws, itself, when a connection ends or cannot be had. */
const DRIVER_CONNECTION_FAILURE =
  /Connection terminated|timeout exceeded when trying to connect|connection error and is not queryable|Client was closed|Cannot use a pool after calling end|Query read timeout/i;

/**
 * Turns what node-postgres throws into the store's errors, as SQLite's are (sqliteStore.ts):
 * - a broken constraint (SQLSTATE class 23) is a {@link SqlConstraintError};
 * - a lock not granted within `lock_timeout`, a deadlock or a serialization failure is
 *   `SERVER_BUSY` (503: retry);
 * - no connection (refused, reset, the server shutting down or starting up, class 08 and
 *   57P, too many connections) is `STORE_UNAVAILABLE` (503). Its message does not name the
 *   server: CTP customers read it. The driver's own text stays in `cause` for the log.
 * Anything else is returned as it is (a bug: 500).
 */
export function storeErrorOf(error: unknown): unknown {
  if (error instanceof AppError || error instanceof SqlConstraintError) return error;
  const code = (error as { code?: unknown }).code;
  const message = errorMessage(error);
  if (isDatabaseError(error)) {
    const sqlState = code as string;
    if (sqlState.startsWith('23')) return new SqlConstraintError(message, { cause: error });
    if (['55P03', '40P01', '40001'].includes(sqlState)) {
      return new AppError('SERVER_BUSY', 'The database is busy; retry the request.', {
        cause: error,
      });
    }
    if (sqlState.startsWith('08') || sqlState.startsWith('57P') || sqlState === '53300') {
      return unavailable(error);
    }
    return error;
  }
  if (
    (typeof code === 'string' && NETWORK_CODES.has(code)) ||
    DRIVER_CONNECTION_FAILURE.test(message)
  ) {
    return unavailable(error);
  }
  return error;
}

export function unavailable(cause: unknown): AppError {
  return new AppError(
    'STORE_UNAVAILABLE',
    'The database is unavailable for the moment; retry the request.',
    { cause },
  );
}

/** A message from the server itself carries a severity and a five-character SQLSTATE. */
function isDatabaseError(error: unknown): boolean {
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof severity === 'string' && typeof code === 'string' && code.length === 5;
}
