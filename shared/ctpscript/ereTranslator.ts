/**
 * POSIX Extended Regular Expressions (XBD 9.4, as CTP 5.4.4.6 requires) translated to
 * RE2 syntax, with an upper bound of the size RE2 compiles them to (regexp.ts runs them).
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

/** A duplication symbol: its RE2 text and the size of what it applies to, repeated. */
interface Quantifier {
  text: string;
  repeat: (size: number) => number;
}

type BracketElement = { kind: 'char'; codePoint: number } | { kind: 'class'; text: string };

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
  return new EreTranslator(pattern).translate();
}

/** A recursive-descent reader of one ERE (XBD 9.4.9 grammar). */
class EreTranslator {
  private readonly chars: string[];
  // Offsets in UTF-16 units, for error positions.
  private readonly offsets: number[] = [];
  private i = 0;
  private depth = 0;

  constructor(pattern: string) {
    this.chars = Array.from(pattern);
    let offset = 0;
    for (const c of this.chars) {
      this.offsets.push(offset);
      offset += c.length;
    }
    this.offsets.push(offset);
  }

  translate(): TranslatedEre {
    const translated = this.parseAlternation();
    if (this.i < this.chars.length) this.fail(`unexpected "${this.chars[this.i]}"`);
    return { text: translated.text, instructions: translated.size + 2 };
  }

  private fail(message: string, at = this.i): never {
    const end = this.offsets[this.chars.length] as number;
    throw new RegexpSyntaxError(message, this.offsets[Math.min(at, this.chars.length)] ?? end);
  }

  private peek(k = 0): string | undefined {
    return this.chars[this.i + k];
  }

  private parseAlternation(): Piece {
    const branches = [this.parseBranch()];
    while (this.peek() === '|') {
      this.i++;
      branches.push(this.parseBranch());
    }
    return {
      text: branches.map((branch) => branch.text).join('|'),
      // One ALT instruction joins each further alternative.
      size: branches.reduce((sum, branch) => sum + branch.size, branches.length - 1),
    };
  }

  private parseBranch(): Piece {
    let out = '';
    let size = 0;
    // Whether the last item may take a duplication symbol (XBD 9.4.6: not first in an
    // ERE, nor after "|", "(" or "^").
    let canRepeat = false;
    let last: Piece = { text: '', size: 0 };
    let lastQuantified = false;
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === '|' || (c === ')' && this.depth > 0)) break;
      if (c === '*' || c === '+' || c === '?' || c === '{') {
        if (!canRepeat) this.fail(`"${c}" has nothing to repeat`);
        const quantifier = this.parseQuantifier();
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
      const atom = this.parseAtom();
      last = atom;
      lastQuantified = false;
      canRepeat = atom.repeatable;
    }
    // An empty branch compiles to one NOP.
    return { text: out + last.text, size: Math.max(1, size + last.size) };
  }

  private parseQuantifier(): Quantifier {
    const c = this.chars[this.i++];
    if (c !== '{') {
      // x+ and x? add one ALT to x; RE2 compiles x* as (x+)? when x can match the
      // empty string, two.
      return { text: c as string, repeat: (size) => size + (c === '*' ? 2 : 1) };
    }
    const start = this.i - 1;
    const min = this.readNumber();
    if (min === undefined) {
      this.fail('an interval must start with a number, as in {2} or {2,5}', start);
    }
    let max: number | undefined = min;
    let open = false;
    if (this.peek() === ',') {
      this.i++;
      max = this.readNumber();
      open = max === undefined;
    }
    if (this.peek() !== '}') this.fail('unterminated interval: expected "}"', start);
    this.i++;
    if (min > MAX_REPEAT || (max !== undefined && max > MAX_REPEAT)) {
      this.fail(`interval counts above ${MAX_REPEAT} are not supported`, start);
    }
    if (max !== undefined && min > max) this.fail('interval {n,m} with n greater than m', start);
    return intervalQuantifier(min, open ? undefined : (max as number));
  }

  private readNumber(): number | undefined {
    let digits = '';
    while (this.peek() !== undefined && /[0-9]/.test(this.peek() as string)) {
      digits += this.chars[this.i++];
    }
    return digits === '' ? undefined : Number(digits);
  }

  private parseAtom(): Piece & { repeatable: boolean } {
    const start = this.i;
    const c = this.chars[this.i++] as string;
    switch (c) {
      case '(': {
        if (this.peek() === '?') this.fail('"(?" is not part of POSIX EREs');
        if (this.depth >= MAX_GROUP_DEPTH)
          this.fail(`groups nested deeper than ${MAX_GROUP_DEPTH}`);
        this.depth++;
        const inner = this.parseAlternation();
        if (this.peek() !== ')') this.fail('unmatched "("', start);
        this.i++;
        this.depth--;
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
        return { text: this.parseBracket(start), size: 1, repeatable: true };
      case '\\': {
        const next = this.chars[this.i++];
        if (next === undefined) this.fail('trailing backslash', start);
        if (!ESCAPABLE.has(next)) this.fail(`"\\${next}" is not defined in POSIX EREs`, start);
        return { text: literal(next.codePointAt(0) as number), size: 1, repeatable: true };
      }
      default:
        return { text: literal(c.codePointAt(0) as number), size: 1, repeatable: true };
    }
  }

  // XBD 9.3.5 bracket expressions: "]" first is literal, "-" first or last is literal,
  // a backslash is literal, [:class:], [.c.] and [=c=] for single characters.
  private parseBracket(start: number): string {
    let negate = false;
    if (this.peek() === '^') {
      negate = true;
      this.i++;
    }
    const items: string[] = [];
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail('unmatched "["', start);
      if (c === ']' && !first) {
        this.i++;
        break;
      }
      first = false;
      items.push(this.parseBracketItem());
    }
    return `[${negate ? '^' : ''}${items.join('')}]`;
  }

  // One element of a bracket expression, or a range of two.
  private parseBracketItem(): string {
    const itemStart = this.i;
    const low = this.readBracketElement();
    if (low.kind === 'class') {
      if (this.peek() === '-' && this.peek(1) !== ']') {
        this.fail('a range cannot start with a character class', itemStart);
      }
      return low.text;
    }
    if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined) {
      this.i++;
      const high = this.readBracketElement();
      if (high.kind === 'class') this.fail('a range cannot end with a character class', itemStart);
      if (high.codePoint < low.codePoint) {
        this.fail('invalid range: its end comes before its start', itemStart);
      }
      if (this.peek() === '-' && this.peek(1) !== ']') {
        this.fail('invalid range: two ranges share an end', itemStart);
      }
      return `${literal(low.codePoint)}-${literal(high.codePoint)}`;
    }
    return literal(low.codePoint);
  }

  private readBracketElement(): BracketElement {
    const c = this.chars[this.i] as string;
    const kind = this.peek(1);
    if (c === '[' && (kind === ':' || kind === '.' || kind === '=')) {
      const open = this.i;
      this.i += 2;
      let name = '';
      while (!(this.peek() === kind && this.peek(1) === ']')) {
        if (this.peek() === undefined) this.fail(`unterminated "[${kind}"`, open);
        name += this.chars[this.i++];
      }
      this.i += 2;
      if (kind === ':') {
        if (!CLASS_NAMES.has(name)) this.fail(`unknown character class "[:${name}:]"`, open);
        return { kind: 'class', text: `[:${name}:]` };
      }
      // Collating symbols and equivalence classes: single characters only.
      const codePoints = Array.from(name);
      if (codePoints.length !== 1) {
        this.fail(`unknown collating element "[${kind}${name}${kind}]"`, open);
      }
      return { kind: 'char', codePoint: (codePoints[0] as string).codePointAt(0) as number };
    }
    this.i++;
    return { kind: 'char', codePoint: c.codePointAt(0) as number };
  }
}

/** `{n,m}`, or `{n,}` when `max` is undefined. */
function intervalQuantifier(n: number, max: number | undefined): Quantifier {
  if (max === undefined) {
    // x{n,} is n copies of x and one ALT (x{0,} is x*, two).
    return { text: `{${n},}`, repeat: (size) => (n === 0 ? size + 2 : n * size + 1) };
  }
  return {
    text: max === n ? `{${n}}` : `{${n},${max}}`,
    // x{n,m} is m copies of x and one ALT per optional copy; x{0} one NOP.
    repeat: (size) => (max === 0 ? 1 : max * size + (max - n)),
  };
}
