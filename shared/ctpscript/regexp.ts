import { RE2JS } from 're2js';

import { RegexpSyntaxError, translateEre } from './ereTranslator';
import type { TranslatedEre } from './ereTranslator';
import { errorMessage } from '../errors';

/**
 * POSIX Extended Regular Expressions (XBD 9.4, as CTP 5.4.4.6 requires) translated to
 * RE2 syntax and run by re2js, whose matching time is linear in the subject whatever the
 * pattern (SPEC-NOTES "CTPScript" 11). A subject matches when the ERE matches anywhere
 * in it (regexec without REG_NEWLINE): `.` and `[^a]` match a newline, `^` and `$` are
 * the start and end of the subject, and characters are Unicode code points.
 */

export { RegexpSyntaxError } from './ereTranslator';
export type { TranslatedEre } from './ereTranslator';

/**
 * A pattern whose compiled program would be too large (a limit, not a malformed ERE):
 * compiling costs several microseconds per instruction, and matching up to one step
 * per instruction and character, so the size is refused before compiling.
 */
export class RegexpLimitError extends Error {}

/** Bounds for patterns: they may come from measurement data, not only from conditions. */
export interface RegexpLimits {
  /** Longest pattern, in characters. */
  maxPatternLength: number;
  /** Most instructions its compiled program may have ({@link TranslatedEre.instructions}). */
  maxProgramSize: number;
}

/** A compiled ERE: `test(subject)` searches the subject for a match. */
export interface CompiledRegexp {
  /** Instructions of the compiled program (re2js's `programSize()`). */
  readonly programSize: number;
  test(subject: string): boolean;
}

/**
 * Checks a pattern's length, translates it and bounds its program size, without
 * compiling. Throws {@link RegexpSyntaxError} when malformed, {@link RegexpLimitError}
 * when too long or too large.
 */
export function prepareEre(pattern: string, limits: RegexpLimits): TranslatedEre {
  if (pattern.length > limits.maxPatternLength) {
    throw new RegexpLimitError(
      `regular expression longer than ${limits.maxPatternLength} characters`,
    );
  }
  const translated = translateEre(pattern);
  if (translated.instructions > limits.maxProgramSize) {
    throw new RegexpLimitError(programSizeMessage(translated.instructions, limits.maxProgramSize));
  }
  return translated;
}

/**
 * Why a program of `instructions` (an upper bound) is refused: one pattern, or the
 * patterns of a condition `together`.
 */
export function programSizeMessage(
  instructions: number,
  maxProgramSize: number,
  together = false,
): string {
  const size = instructions < 1e9 ? `up to ${instructions}` : 'too many';
  const what = together
    ? `the regular expressions of this condition compile to ${size} instructions in all`
    : `regular expression too large: it compiles to ${size} instructions`;
  return `${what}, at most ${maxProgramSize} are allowed (an interval such as {0,255} repeats what it applies to 255 times)`;
}

/**
 * Compiles a prepared ERE for searching. Throws {@link RegexpSyntaxError} when re2js
 * refuses it (RE2's own limits).
 */
export function compilePrepared(translated: TranslatedEre): CompiledRegexp {
  let re: RE2JS;
  try {
    re = RE2JS.compile(translated.text, RE2JS.DOTALL);
  } catch (error) {
    throw new RegexpSyntaxError(`regular expression rejected: ${errorMessage(error)}`, 0);
  }
  // Measurement data repeats the same short strings (country codes, states) from one
  // result to the next: remember the answers for short subjects, in a bounded table.
  // Callers charge every match as if it ran (decisions.md "CTPScript"), so a remembered
  // answer changes how long an evaluation takes, never its outcome.
  const memo = new Map<string, boolean>();
  // Searched with a Matcher rather than re.test(): asking for the match's bounds keeps
  // re2js off its lazy DFA, whose states cost up to ~100 ns per instruction and character
  // to build when a pattern makes many (measured in bench/ctpscript.bench.ts), so that
  // the charge of programSize × length bounds the time (one-pass patterns and literals
  // keep their own fast paths).
  const search = (subject: string): boolean => re.matcher(subject).find();
  return {
    programSize: re.programSize(),
    test: (subject) => {
      if (subject.length > MEMO_SUBJECT_LENGTH) return search(subject);
      let answer = memo.get(subject);
      if (answer === undefined) {
        answer = search(subject);
        if (memo.size >= MEMO_ENTRIES) memo.clear();
        memo.set(subject, answer);
      }
      return answer;
    },
  };
}

const MEMO_ENTRIES = 1024;
const MEMO_SUBJECT_LENGTH = 256;
