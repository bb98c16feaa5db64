/**
 * Bounds on conditions and on their evaluation (SPEC-NOTES "CTPScript" 13): conditions
 * come from untrusted CTP clients, so no condition may use unbounded time or memory.
 * Exceeding a bound is an `error` outcome (or a diagnostic at compile time).
 */
export interface CtpScriptLimits {
  /** Longest source, in UTF-8 bytes (4 KiB). */
  maxSourceBytes: number;
  /** Deepest nesting of expressions inside one another (operands, arguments, elements). */
  maxNesting: number;
  /**
   * Steps one evaluation may spend (`work.ts`: a step is about one regular expression
   * instruction applied to one character). One budget for objectives and triggers.
   */
  maxSteps: number;
  /** Longest string an evaluation may produce, in UTF-16 code units. */
  maxStringLength: number;
  /** Longest array an evaluation may produce. */
  maxArrayLength: number;
  /** Deepest array nesting `toString` and `matchRegexp` descend into. */
  maxValueDepth: number;
  /** Longest regular expression, in characters. */
  maxPatternLength: number;
  /**
   * Most instructions the regular expressions written in a condition compile to, in all
   * (and any one pattern computed during evaluation): an upper bound counted before
   * compiling, which takes microseconds per instruction.
   */
  maxProgramSize: number;
}

export const DEFAULT_LIMITS: Readonly<CtpScriptLimits> = Object.freeze({
  maxSourceBytes: 4096,
  maxNesting: 64,
  maxSteps: 1_000_000,
  maxStringLength: 1_048_576,
  maxArrayLength: 100_000,
  maxValueDepth: 64,
  maxPatternLength: 4096,
  maxProgramSize: 2000,
});

/** The defaults with some bounds overridden (tests, or a stricter server). */
export function resolveLimits(overrides?: Partial<CtpScriptLimits>): CtpScriptLimits {
  return overrides === undefined ? { ...DEFAULT_LIMITS } : { ...DEFAULT_LIMITS, ...overrides };
}
