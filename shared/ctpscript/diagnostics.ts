import type { ErrorCode } from '../errors';

/** The error codes of CTPScript (rows of `docs/errors.md`). */
export type CtpScriptErrorCode = Extract<
  ErrorCode,
  | 'CTPSCRIPT_SYNTAX'
  | 'CTPSCRIPT_UNKNOWN_IDENTIFIER'
  | 'CTPSCRIPT_UNKNOWN_FUNCTION'
  | 'CTPSCRIPT_ARITY'
  | 'CTPSCRIPT_LIMIT'
  | 'CTPSCRIPT_RUNTIME'
>;

/** A span of the source, in UTF-16 offsets (`to` exclusive), as CodeMirror counts. */
export interface SourceRange {
  from: number;
  to: number;
}

/**
 * A problem found before evaluation: syntax, unknown names, arity, limits (errors), or a
 * regular expression literal that will fail at run time (warning).
 */
export interface Diagnostic extends SourceRange {
  severity: 'error' | 'warning';
  code: CtpScriptErrorCode;
  /** What is wrong, without the position (see {@link formatDiagnostic}). */
  message: string;
  /** The name the author probably meant, for near misses (`matchRegexp` for `matchRegex`). */
  suggestion?: string;
}

/** An evaluation error (CTP 5.4.9): what failed and where in the condition. */
export interface EvaluationError {
  code: CtpScriptErrorCode;
  message: string;
  from?: number;
  to?: number;
}

/**
 * Raised inside compiled closures and caught by the evaluator, which turns it into an
 * `error` outcome; it never leaves this package.
 */
export class ConditionError extends Error {
  readonly code: CtpScriptErrorCode;
  readonly from: number | undefined;
  readonly to: number | undefined;
  constructor(code: CtpScriptErrorCode, message: string, range?: SourceRange) {
    super(message);
    this.code = code;
    this.from = range?.from;
    this.to = range?.to;
  }
}

/** `line:column` (both 1-based) of a source offset. */
export function lineColumn(source: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `${line}:${offset - lineStart + 1}`;
}

/** A one-line message with the position: `1:1: unknown function "matchRegex" (…)`. */
export function formatDiagnostic(source: string, diagnostic: Diagnostic | EvaluationError): string {
  const where = diagnostic.from === undefined ? '' : `${lineColumn(source, diagnostic.from)}: `;
  return `${where}${diagnostic.message}`;
}
