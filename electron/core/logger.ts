import pino from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  level?: pino.LevelWithSilent;
  /** A file descriptor or stream; default stderr, so that stdout stays for command output. */
  destination?: pino.DestinationStream | number;
}

/**
 * Structured JSON logs (pino). Secrets never reach them: the redaction paths below cover
 * every place a token or password could appear in a logged object.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { app: 'trust-auditor' },
      redact: {
        paths: [
          'token',
          '*.token',
          'password',
          '*.password',
          'req.headers.authorization',
          'headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    typeof options.destination === 'number' || options.destination === undefined
      ? pino.destination({
          fd: typeof options.destination === 'number' ? options.destination : 2,
          sync: true,
        })
      : options.destination,
  );
}
