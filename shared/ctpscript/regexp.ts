import { RE2JS } from 're2js';

/**
 * POSIX Extended Regular Expressions (XBD 9.4, as CTP 5.4.4.6 requires) translated to
 * RE2 syntax and run by re2js, whose matching time is linear in the subject whatever the
 * pattern (SPEC-NOTES "CTPScript" 11). A subject matches when the ERE matches anywhere
 * in it (regexec without REG_NEWLINE): `.` and `[^a]` match a newline, `^` and `$` are
 * the start and end of the subject, and characters are Unicode code points.
 */

/** A pattern that is not a correctly formed ERE (CTP 5.4.4.6 step 2). */
export class RegexpSyntaxError extends Error {
  /** Offset of the offending character in the pattern, in UTF-16 code units. */
  readonly index: number;
  constructor(message: string, index: number) {
    super(message);
    this.index = index;
  }
}

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

/** An ERE in RE2 syntax, with an upper bound of its compiled program's size. */
export interface TranslatedEre {
  text: string;
  /**
   * At least the number of instructions re2js compiles it to: one per character, class,
   * anchor or `.`, one per alternative and repetition (two for `*`), and an interval
   * `x{n,m}` as `m` copies of `x` (RE2 expands it so), plus the program's 2 (fail, match).
   */
  instructions: number;
}

/** A translated piece of pattern and its instruction count. */
interface Piece {
  text: string;
  size: number;
}

/** `RE_DUP_MAX` as POSIX guarantees it (`_POSIX_RE_DUP_MAX`): larger counts are errors. */
export const MAX_REPEAT = 255;
const MAX_GROUP_DEPTH = 64;

// The character classes of XBD 7.3.1 (LC_CTYPE), which RE2 knows by the same names.
const CLASS_NAMES = new Set([
  'alnum',
  'alpha',
  'blank',
  'cntrl',
  'digit',
  'graph',
  'lower',
  'print',
  'punct',
  'space',
  'upper',
  'xdigit',
]);

// After a backslash these stand for themselves (XBD 9.4.2: the ERE special characters;
// `}` and `]` are ordinary, so escaping them changes nothing). Every other escape,
// `\d`, `\w`, `\1` (back-references are not EREs) included, is undefined: an error.
const ESCAPABLE = new Set(['^', '.', '[', '$', '(', ')', '|', '*', '+', '?', '{', '\\', '}', ']']);

function literal(codePoint: number): string {
  return `\\x{${codePoint.toString(16)}}`;
}

/** Translates an ERE into RE2 syntax; throws {@link RegexpSyntaxError} when malformed. */
export function translateEre(pattern: string): TranslatedEre {
  const chars = Array.from(pattern);
  // Offsets in UTF-16 units, for error positions.
  const offsets: number[] = [];
  let offset = 0;
  for (const c of chars) {
    offsets.push(offset);
    offset += c.length;
  }
  offsets.push(offset);
  let i = 0;
  let depth = 0;

  // Annotated so that TypeScript narrows after a call (assertion-style never).
  const fail: (message: string, at?: number) => never = (message, at = i) => {
    throw new RegexpSyntaxError(message, offsets[Math.min(at, chars.length)] ?? offset);
  };
  const peek = (k = 0): string | undefined => chars[i + k];

  const parseAlternation = (): Piece => {
    const branches = [parseBranch()];
    while (peek() === '|') {
      i++;
      branches.push(parseBranch());
    }
    return {
      text: branches.map((branch) => branch.text).join('|'),
      // One ALT instruction joins each further alternative.
      size: branches.reduce((sum, branch) => sum + branch.size, branches.length - 1),
    };
  };

  const parseBranch = (): Piece => {
    let out = '';
    let size = 0;
    // Whether the last item may take a duplication symbol (XBD 9.4.6: not first in an
    // ERE, nor after "|", "(" or "^").
    let canRepeat = false;
    let last: Piece = { text: '', size: 0 };
    let lastQuantified = false;
    for (;;) {
      const c = peek();
      if (c === undefined || c === '|' || (c === ')' && depth > 0)) break;
      if (c === '*' || c === '+' || c === '?' || c === '{') {
        if (!canRepeat) fail(`"${c}" has nothing to repeat`);
        const quantifier = parseQuantifier();
        // Stacked duplication ("a**") applies to the duplicated item: (a*)*.
        last = {
          text: lastQuantified
            ? `(?:${last.text})${quantifier.text}`
            : `${last.text}${quantifier.text}`,
          size: quantifier.repeat(last.size),
        };
        lastQuantified = true;
        continue;
      }
      out += last.text;
      size += last.size;
      const atom = parseAtom();
      last = atom;
      lastQuantified = false;
      canRepeat = atom.repeatable;
    }
    // An empty branch compiles to one NOP.
    return { text: out + last.text, size: Math.max(1, size + last.size) };
  };

  const parseQuantifier = (): { text: string; repeat: (size: number) => number } => {
    const c = chars[i++];
    if (c !== '{') {
      // x+ and x? add one ALT to x; RE2 compiles x* as (x+)? when x can match the
      // empty string, two.
      return { text: c as string, repeat: (size) => size + (c === '*' ? 2 : 1) };
    }
    const start = i - 1;
    const readNumber = (): number | undefined => {
      let digits = '';
      while (peek() !== undefined && /[0-9]/.test(peek() as string)) digits += chars[i++];
      return digits === '' ? undefined : Number(digits);
    };
    const min = readNumber();
    if (min === undefined) fail('an interval must start with a number, as in {2} or {2,5}', start);
    let max: number | undefined = min;
    let open = false;
    if (peek() === ',') {
      i++;
      max = readNumber();
      open = max === undefined;
    }
    if (peek() !== '}') fail('unterminated interval: expected "}"', start);
    i++;
    if ((min as number) > MAX_REPEAT || (max !== undefined && max > MAX_REPEAT)) {
      fail(`interval counts above ${MAX_REPEAT} are not supported`, start);
    }
    if (max !== undefined && (min as number) > max)
      fail('interval {n,m} with n greater than m', start);
    const n = min as number;
    if (open) {
      // x{n,} is n copies of x and one ALT (x{0,} is x*, two).
      return { text: `{${n},}`, repeat: (size) => (n === 0 ? size + 2 : n * size + 1) };
    }
    const m = max as number;
    return {
      text: m === n ? `{${n}}` : `{${n},${m}}`,
      // x{n,m} is m copies of x and one ALT per optional copy; x{0} one NOP.
      repeat: (size) => (m === 0 ? 1 : m * size + (m - n)),
    };
  };

  const parseAtom = (): Piece & { repeatable: boolean } => {
    const start = i;
    const c = chars[i++] as string;
    switch (c) {
      case '(': {
        if (peek() === '?') fail('"(?" is not part of POSIX EREs');
        if (depth >= MAX_GROUP_DEPTH) fail(`groups nested deeper than ${MAX_GROUP_DEPTH}`);
        depth++;
        const inner = parseAlternation();
        if (peek() !== ')') fail('unmatched "("', start);
        i++;
        depth--;
        return { text: `(?:${inner.text})`, size: inner.size, repeatable: true };
      }
      case ')':
        // XBD 9.4.3: ")" is special only when it matches a "(".
        return { text: literal(0x29), size: 1, repeatable: true };
      case '.':
        return { text: '.', size: 1, repeatable: true };
      case '^':
        return { text: '^', size: 1, repeatable: false };
      case '$':
        return { text: '$', size: 1, repeatable: false };
      case '[':
        return { text: parseBracket(start), size: 1, repeatable: true };
      case '\\': {
        const next = chars[i++];
        if (next === undefined) fail('trailing backslash', start);
        if (!ESCAPABLE.has(next as string)) {
          fail(`"\\${next}" is not defined in POSIX EREs`, start);
        }
        return {
          text: literal((next as string).codePointAt(0) as number),
          size: 1,
          repeatable: true,
        };
      }
      default:
        return { text: literal(c.codePointAt(0) as number), size: 1, repeatable: true };
    }
  };

  // XBD 9.3.5 bracket expressions: "]" first is literal, "-" first or last is literal,
  // a backslash is literal, [:class:], [.c.] and [=c=] for single characters.
  const parseBracket = (start: number): string => {
    let negate = false;
    if (peek() === '^') {
      negate = true;
      i++;
    }
    const items: string[] = [];
    let first = true;
    for (;;) {
      const c = peek();
      if (c === undefined) fail('unmatched "["', start);
      if (c === ']' && !first) {
        i++;
        break;
      }
      first = false;
      const itemStart = i;
      const low = readBracketElement();
      if (low.kind === 'class') {
        items.push(low.text);
        if (peek() === '-' && peek(1) !== ']')
          fail('a range cannot start with a character class', itemStart);
        continue;
      }
      if (peek() === '-' && peek(1) !== ']' && peek(1) !== undefined) {
        i++;
        const high = readBracketElement();
        if (high.kind === 'class') fail('a range cannot end with a character class', itemStart);
        if (high.codePoint < low.codePoint) {
          fail('invalid range: its end comes before its start', itemStart);
        }
        if (peek() === '-' && peek(1) !== ']')
          fail('invalid range: two ranges share an end', itemStart);
        items.push(`${literal(low.codePoint)}-${literal(high.codePoint)}`);
        continue;
      }
      items.push(literal(low.codePoint));
    }
    return `[${negate ? '^' : ''}${items.join('')}]`;
  };

  const readBracketElement = ():
    { kind: 'char'; codePoint: number } | { kind: 'class'; text: string } => {
    const c = chars[i] as string;
    const kind = peek(1);
    if (c === '[' && (kind === ':' || kind === '.' || kind === '=')) {
      const open = i;
      i += 2;
      let name = '';
      while (!(peek() === kind && peek(1) === ']')) {
        if (peek() === undefined) fail(`unterminated "[${kind}"`, open);
        name += chars[i++];
      }
      i += 2;
      if (kind === ':') {
        if (!CLASS_NAMES.has(name)) fail(`unknown character class "[:${name}:]"`, open);
        return { kind: 'class', text: `[:${name}:]` };
      }
      // Collating symbols and equivalence classes: single characters only.
      const codePoints = Array.from(name);
      if (codePoints.length !== 1)
        fail(`unknown collating element "[${kind}${name}${kind}]"`, open);
      return { kind: 'char', codePoint: (codePoints[0] as string).codePointAt(0) as number };
    }
    i++;
    return { kind: 'char', codePoint: c.codePointAt(0) as number };
  };

  const translated = parseAlternation();
  if (i < chars.length) fail(`unexpected "${chars[i]}"`);
  return { text: translated.text, instructions: translated.size + 2 };
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
    throw new RegexpSyntaxError(
      `regular expression rejected: ${error instanceof Error ? error.message : String(error)}`,
      0,
    );
  }
  // Measurement data repeats the same short strings (country codes, states) from one
  // result to the next: remember the answers for short subjects, in a bounded table.
  // Callers charge every match as if it ran (decisions.md "CTPScript"), so a remembered
  // answer changes how long an evaluation takes, never its outcome.
  const memo = new Map<string, boolean>();
  return {
    programSize: re.programSize(),
    test: (subject) => {
      if (subject.length > MEMO_SUBJECT_LENGTH) return re.test(subject);
      let answer = memo.get(subject);
      if (answer === undefined) {
        answer = re.test(subject);
        if (memo.size >= MEMO_ENTRIES) memo.clear();
        memo.set(subject, answer);
      }
      return answer;
    },
  };
}

const MEMO_ENTRIES = 1024;
const MEMO_SUBJECT_LENGTH = 256;
