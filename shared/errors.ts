/**
 * Coded errors shared by core, CLI, server and renderer.
 *
 * Every error the user can see carries a SCREAMING_SNAKE `code` with a domain prefix,
 * a message that says what is wrong and how to fix it, and `expected`: true when bad
 * input caused it (shown as is), false when it is a bug (logged with its stack).
 * Errors cross IPC and HTTP RPC as plain {@link SerializedError} objects and are rebuilt
 * with {@link deserializeError}. `docs/errors.md` has one row per code; a test keeps the
 * two in sync.
 */

/** Every error code, with the HTTP status it maps to when it crosses the RPC transport. */
export const ERROR_CODES = {
  // Application frame
  APP_INTERNAL: 500,
  APP_INVALID_ARGUMENT: 400,
  APP_UNKNOWN_CALL: 404,
  APP_UNAUTHORIZED: 401,
  APP_FORBIDDEN_SENDER: 403,
  APP_DISPOSED: 503,
  APP_UNREACHABLE: 503,
  APP_BODY_TOO_LARGE: 413,
  APP_FILE_UNREADABLE: 400,
  APP_FILE_TOO_LARGE: 413,
  APP_NOT_AVAILABLE: 501,
  // Configuration and command line
  CONFIG_INVALID: 400,
  CLI_USAGE: 400,
  CLI_INPUT_UNREADABLE: 400,
  CLI_INPUT_TOO_LARGE: 413,
  // Storage
  STORE_MIGRATION_FAILED: 500,
  STORE_NEWER_SCHEMA: 409,
  STORE_OPEN_FAILED: 500,
  STORE_UNAVAILABLE: 503,
  STORE_DATABASE_URL_INVALID: 400,
  // Serving
  SERVER_TLS_INVALID: 400,
  SERVER_PLAIN_HTTP_REFUSED: 400,
  SERVER_LISTEN_FAILED: 500,
  // Electron shell
  ELECTRON_UNAVAILABLE: 503,
  // Bundles
  BUNDLE_FILE_UNREADABLE: 400,
  BUNDLE_ARCHIVE_UNSAFE: 422,
  BUNDLE_INVALID: 422,
  BUNDLE_SIGNATURE_REQUIRED: 403,
  BUNDLE_KEY_INVALID: 400,
  BUNDLE_KEY_NOT_FOUND: 404,
  BUNDLE_RULE_NOT_FOUND: 404,
  BUNDLE_FILE_EXISTS: 409,
  BUNDLE_CREATE_FAILED: 400,
  BUNDLE_STRATEGY_INVALID: 400,
  BUNDLE_IMPORT_FAILED: 500,
  BUNDLE_EXAMINER_FAILED: 500,
  // CTPScript (conditions of objectives and triggers, CTP 5.4)
  CTPSCRIPT_SYNTAX: 400,
  CTPSCRIPT_UNKNOWN_IDENTIFIER: 400,
  CTPSCRIPT_UNKNOWN_FUNCTION: 400,
  CTPSCRIPT_ARITY: 400,
  CTPSCRIPT_LIMIT: 400,
  CTPSCRIPT_RUNTIME: 422,
  // CTP server
  CTP_BAD_REQUEST: 400,
  CTP_UNAUTHORIZED: 401,
  CTP_FORBIDDEN: 403,
  CTP_NOT_FOUND: 404,
  CTP_METHOD_NOT_ALLOWED: 405,
  CTP_CONFLICT: 409,
  CTP_TRIGGER_LIMIT: 409,
  CTP_PROVIDER_INVALID: 400,
  CTP_RESULT_INVALID: 400,
  CTP_RESULT_SIGNATURE_INVALID: 400,
  SERVER_RATE_LIMITED: 429,
  SERVER_BUSY: 503,
  // CTP client
  VENDOR_INVALID: 400,
  VENDOR_EXISTS: 409,
  VENDOR_NOT_FOUND: 404,
  VENDOR_SECRET_STORE_UNREADABLE: 500,
  VENDOR_UNREACHABLE: 502,
  VENDOR_TLS_UNTRUSTED: 422,
  VENDOR_TOKEN_REFUSED: 422,
  VENDOR_NOT_CTP: 422,
  VENDOR_RESOURCE_NOT_FOUND: 404,
  VENDOR_AUTHORITY_INVALID: 400,
  VENDOR_AUTHORITY_EXISTS: 409,
  VENDOR_AUTHORITY_NOT_FOUND: 404,
  CLIENT_HTTP_STATUS: 502,
  CLIENT_NETWORK: 503,
  CLIENT_TIMEOUT: 504,
  CLIENT_RATE_LIMITED: 429,
  CLIENT_RESPONSE_TOO_LARGE: 502,
  CLIENT_RESPONSE_INVALID: 502,
  CLIENT_REDIRECT_REFUSED: 502,
  CLIENT_LINK_REFUSED: 502,
  CLIENT_TLS_PIN_MISMATCH: 502,
  CLIENT_LIMIT: 502,
  CLIENT_CANCELLED: 409,
  // Alerts over XMPP (provider's notifier, auditor's listener) and triggers on vendors
  ALERTS_ACCOUNT_INVALID: 400,
  ALERTS_NOT_CONFIGURED: 409,
  ALERTS_XMPP_TLS_REQUIRED: 400,
  ALERTS_XMPP_FAILED: 502,
  ALERTS_NOTIFICATION_REFUSED: 502,
  ALERTS_NOT_FOUND: 404,
  TRIGGER_INVALID: 400,
  TRIGGER_REFUSED: 422,
  // OpenCTS telemetry
  CTS_FRAMEWORK_UNKNOWN: 404,
  CTS_ATTESTATION_KEY_INVALID: 500,
  CTS_KEY_NOT_OFFERED: 404,
  CTS_EVIDENCE_REFUSED: 403,
  CTS_EVIDENCE_UNREACHABLE: 502,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The plain-data shape of an error on the wire (IPC, HTTP RPC, `--json` output). */
export interface SerializedError {
  name: 'AppError';
  code: ErrorCode;
  message: string;
  expected: boolean;
  details?: Record<string, unknown>;
}

export interface AppErrorOptions {
  /** True when bad input caused the error (default); false for bugs and broken invariants. */
  expected?: boolean;
  /** Structured context (a JSON path, a position, a limit): plain JSON data only. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly expected: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.expected = options.expected ?? true;
    this.details = options.details;
  }

  /** The HTTP status this error maps to on the RPC transport. */
  get status(): number {
    return ERROR_CODES[this.code];
  }

  toJSON(): SerializedError {
    return serializeError(this);
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}

/**
 * Turns any thrown value into wire data. Unknown errors become APP_INTERNAL with a
 * generic message: their text may hold paths or secrets and is logged, not sent.
 */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof AppError) {
    const out: SerializedError = {
      name: 'AppError',
      code: error.code,
      message: error.message,
      expected: error.expected,
    };
    if (error.details !== undefined) out.details = error.details;
    return out;
  }
  return {
    name: 'AppError',
    code: 'APP_INTERNAL',
    message: 'An internal error occurred; the log has the details.',
    expected: false,
  };
}

/** Rebuilds an AppError from wire data; anything malformed becomes APP_INTERNAL. */
export function deserializeError(data: unknown): AppError {
  if (typeof data === 'object' && data !== null) {
    const record = data as Record<string, unknown>;
    if (isErrorCode(record.code) && typeof record.message === 'string') {
      const details =
        typeof record.details === 'object' &&
        record.details !== null &&
        !Array.isArray(record.details)
          ? (record.details as Record<string, unknown>)
          : undefined;
      return new AppError(record.code, record.message, {
        expected: record.expected !== false,
        details,
      });
    }
  }
  return new AppError('APP_INTERNAL', 'The other side sent an error that could not be read.', {
    expected: false,
  });
}

/** The message of anything thrown: an Error's message, else its text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
