import { AppError } from '../../../shared/errors';

const SCHEME = /^postgres(?:ql)?:\/\//;
/** `user:password@` before the host. */
const PASSWORD_IN_AUTHORITY = /^postgres(?:ql)?:\/\/[^@/?#]*:[^@/?#]*@/;
const PASSWORD_PARAMETER = /[?&]password=/i;

/**
 * Checks the provider database URL (`serve --database`, `TRUST_AUDITOR_DATABASE`) and
 * returns it as it may be printed. A password never travels in it: a command line is
 * visible to every user of the machine (`ps`), and the URL is printed and logged. It comes
 * from PGPASSWORD, ~/.pgpass or a file (`--database-password-file`) instead.
 */
export function checkDatabaseUrl(url: string): string {
  if (!SCHEME.test(url)) {
    throw new AppError(
      'STORE_DATABASE_URL_INVALID',
      'The database must be a PostgreSQL URL: postgres://USER@HOST[:PORT]/DATABASE.',
    );
  }
  if (PASSWORD_IN_AUTHORITY.test(url) || PASSWORD_PARAMETER.test(url)) {
    throw new AppError(
      'STORE_DATABASE_URL_INVALID',
      'The database URL must not carry a password (command lines and logs are readable by others): give it with PGPASSWORD, a ~/.pgpass line or --database-password-file.',
    );
  }
  if ([...url].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    throw new AppError(
      'STORE_DATABASE_URL_INVALID',
      'The database URL contains control characters.',
    );
  }
  return url;
}
