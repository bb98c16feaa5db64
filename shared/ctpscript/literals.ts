/**
 * Decoding of the tokens the grammar accepts: string literals (ECMA-262 5.1 clause 7.8.4,
 * CTP 5.4.2.1), numeric literals (7.8.3, CTP 5.4.2.2) and identifier names (7.6,
 * CTP 5.4.2.3). The grammar already fixed each token's extent; these functions give its
 * value and reject what the grammar cannot express.
 */

/** A decoded literal, or the reason it is invalid and where (offset in the token). */
export type Decoded<T> = { ok: true; value: T } | { ok: false; message: string; offset: number };

const SINGLE_ESCAPES: Record<string, string> = {
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  '"': '"',
  "'": "'",
  '\\': '\\',
};

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** The value of a string literal token, quotes included in `token`. */
export function decodeString(token: string): Decoded<string> {
  const body = token.slice(1, -1);
  if (!body.includes('\\')) return { ok: true, value: body };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = body[i + 1] as string;
    const escapeAt = i + 1;
    i++;
    if (next in SINGLE_ESCAPES) {
      out += SINGLE_ESCAPES[next];
    } else if (next === '0') {
      // 7.8.4: "\0" [lookahead ∉ DecimalDigit]; octal escapes are not ECMAScript 5.
      if (isDigit(body[i + 1])) {
        return {
          ok: false,
          message: 'octal escapes such as "\\01" are not allowed',
          offset: escapeAt,
        };
      }
      out += '\0';
    } else if (next === 'x') {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (next === 'u') {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (next === '\r') {
      // Line continuation: the backslash and the line terminator disappear.
      if (body[i + 1] === '\n') i++;
    } else if (next === '\n' || next === '\u2028' || next === '\u2029') {
      // Line continuation.
    } else {
      // NonEscapeCharacter: the character itself ("\a" is "a").
      out += next;
    }
  }
  return { ok: true, value: out };
}

/** The value of a numeric literal token: decimal, `.5`, `1.`, exponents, or `0x` hex. */
export function decodeNumber(token: string): number {
  // ECMAScript's own conversion of these forms is exact (round to nearest, ties to even).
  return Number(token);
}

// 7.6: IdentifierStart is a Unicode letter (Lu Ll Lt Lm Lo Nl), "$" or "_";
// IdentifierPart adds Mn Mc Nd Pc, ZWNJ and ZWJ.
const IDENTIFIER =
  /^[\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Nl}$_][\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$_\u200c\u200d]*$/u;

/** The name an identifier token stands for (`\u0061` escapes decoded), if it is valid. */
export function decodeIdentifier(token: string): Decoded<string> {
  const name = token.includes('\\')
    ? token.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) =>
        String.fromCharCode(parseInt(hex, 16)),
      )
    : token;
  if (IDENTIFIER.test(name)) return { ok: true, value: name };
  const chars = Array.from(name);
  let offset = 0;
  for (let k = 0; k < chars.length; k++) {
    const prefix = chars.slice(0, k + 1).join('');
    if (!IDENTIFIER.test(prefix)) break;
    offset += (chars[k] as string).length;
  }
  return {
    ok: false,
    message: `"${name}" is not a valid identifier name (ECMAScript 5 clause 7.6)`,
    offset: token.includes('\\') ? 0 : offset,
  };
}
