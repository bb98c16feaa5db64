import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

import { AppError, ERROR_CODES } from '../../../../shared/errors';
import { describeValidation } from '../validation';

/** CTP 6.3: the challenge of a 401, with `error="invalid_token"` when a token was sent. */
export function challenge(tokenSent: boolean): string {
  return `Bearer realm="CTP", scope="CTP_API_1.0"${tokenSent ? ', error="invalid_token"' : ''}`;
}

/**
 * Every error of the CTP and admin APIs is `application/json` `{"error": "..."}` (CTP
 * 5.1.5). Coded errors keep their status; Fastify's own (validation, body too large,
 * bad JSON, unsupported media type) keep theirs; anything else is a 500 whose text is
 * logged, never sent.
 */
export function sendCtpError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  let status = 500;
  let message = 'Internal error in the CTP server; the server log has the details.';
  if (error instanceof AppError) {
    status = ERROR_CODES[error.code];
    // A condition rejected at creation is a malformed request (SPEC-NOTES "Triggers").
    if (error.code.startsWith('CTPSCRIPT_')) status = 400;
    message = error.message;
    if (status >= 500) request.log.error({ err: error }, 'CTP request failed');
    // Busy or unavailable (the database restarting): worth a retry soon.
    if (status === 503) void reply.header('retry-after', '1');
  } else if (isFastifyError(error) && error.statusCode !== undefined && error.statusCode < 500) {
    status = error.statusCode;
    message =
      error.validation !== undefined
        ? `Malformed request: ${error.validation.map(describeValidation).join('; ')}`
        : error.message;
  } else if (isBusy(error)) {
    status = 503;
    message = 'The database is busy; retry the request.';
    void reply.header('retry-after', '1');
  } else {
    request.log.error({ err: error }, 'CTP request failed');
  }
  if (status === 401 && !reply.hasHeader('www-authenticate')) {
    void reply.header('www-authenticate', challenge(request.headers.authorization !== undefined));
  }
  return reply.code(status).type('application/json; charset=utf-8').send({ error: message });
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && 'statusCode' in error;
}

function isBusy(error: unknown): boolean {
  return (
    error instanceof Error && 'code' in error && (error as { code?: string }).code === 'SQLITE_BUSY'
  );
}
