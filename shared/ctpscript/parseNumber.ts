/**
 * C `atof` (ISO C99 7.20.1.1, same as `strtod`) in the "C" locale, as CTP 5.4.4.3 step 1
 * requires (SPEC-NOTES "CTPScript" 9): leading white space, an optional sign, then the
 * longest prefix that is a decimal number, a hexadecimal number (`0x`, optional `p`
 * exponent), `inf`, `infinity` or `nan` (any case, `nan(chars)` too). Without such a
 * prefix the result is 0. Rounding is to nearest, ties to even, as glibc does.
 */
export function parseNumber(text: string): number {
  let i = 0;
  const n = text.length;
  while (i < n && isCSpace(text.charCodeAt(i))) i++;
  let negative = false;
  const signChar = text.charCodeAt(i);
  if (signChar === 43 /* + */ || signChar === 45 /* - */) {
    negative = signChar === 45;
    i++;
  }
  const magnitude = parseUnsigned(text, i);
  if (magnitude === undefined) return 0;
  return negative ? -magnitude : magnitude;
}

// isspace() in the "C" locale: space, \t, \n, \v, \f, \r.
function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

function startsWithIgnoringCase(text: string, at: number, word: string): boolean {
  return text.slice(at, at + word.length).toLowerCase() === word;
}

/** The unsigned value at `start`, or undefined when no conversion can be performed. */
function parseUnsigned(text: string, start: number): number | undefined {
  if (startsWithIgnoringCase(text, start, 'inf')) return Infinity;
  if (startsWithIgnoringCase(text, start, 'nan')) return NaN;
  const c0 = text.charCodeAt(start);
  const c1 = text.charCodeAt(start + 1);
  if (c0 === 48 && (c1 | 0x20) === 120 /* 0x or 0X */) {
    const hex = parseHex(text, start + 2);
    // "0x" without a hexadecimal digit: the longest valid prefix is "0".
    return hex ?? 0;
  }
  return parseDecimal(text, start);
}

function parseDecimal(text: string, start: number): number | undefined {
  let i = start;
  const n = text.length;
  let digits = 0;
  while (i < n && isDigit(text.charCodeAt(i))) {
    i++;
    digits++;
  }
  if (text.charCodeAt(i) === 46 /* . */) {
    let j = i + 1;
    while (j < n && isDigit(text.charCodeAt(j))) {
      j++;
      digits++;
    }
    if (digits > 0) i = j;
  }
  if (digits === 0) return undefined;
  const c = text.charCodeAt(i) | 0x20;
  if (c === 101 /* e */) {
    let j = i + 1;
    const s = text.charCodeAt(j);
    if (s === 43 || s === 45) j++;
    if (isDigit(text.charCodeAt(j))) {
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      i = j;
    }
  }
  // The prefix is now a StrDecimalLiteral that ECMAScript converts with correct rounding
  // to nearest, ties to even, exactly as glibc's strtod does.
  return Number(text.slice(start, i));
}

/** Hexadecimal significand and optional binary exponent (C99 6.4.4.2), after "0x". */
function parseHex(text: string, start: number): number | undefined {
  let i = start;
  const n = text.length;
  let significand = 0n;
  let digits = 0;
  let fractionDigits = 0;
  let leading = true;
  let dropped = false;
  let scale = 0;
  const consume = (fraction: boolean): void => {
    while (i < n) {
      const v = hexValue(text.charCodeAt(i));
      if (v < 0) break;
      digits++;
      if (leading && v === 0) {
        if (fraction) fractionDigits++;
      } else {
        leading = false;
        // Enough digits for 53 bits plus rounding; later ones only matter as "sticky".
        if (significand < 1n << 80n) {
          significand = (significand << 4n) | BigInt(v);
          if (fraction) fractionDigits++;
        } else {
          if (v !== 0) dropped = true;
          if (!fraction) scale += 4;
        }
      }
      i++;
    }
  };
  consume(false);
  if (text.charCodeAt(i) === 46 /* . */) {
    const before = i;
    i++;
    consume(true);
    if (digits === 0) i = before;
  }
  if (digits === 0) return undefined;
  let exponent = 0;
  if ((text.charCodeAt(i) | 0x20) === 112 /* p */) {
    let j = i + 1;
    let negative = false;
    const s = text.charCodeAt(j);
    if (s === 43 || s === 45) {
      negative = s === 45;
      j++;
    }
    if (isDigit(text.charCodeAt(j))) {
      let value = 0;
      while (j < n && isDigit(text.charCodeAt(j))) {
        // Saturate: anything beyond this is infinity or zero anyway.
        if (value < 1e9) value = value * 10 + (text.charCodeAt(j) - 48);
        j++;
      }
      exponent = negative ? -value : value;
    }
  }
  if (significand === 0n) return 0;
  if (dropped) significand = (significand << 1n) | 1n;
  const shift = exponent + scale - 4 * fractionDigits - (dropped ? 1 : 0);
  return scaleToDouble(significand, shift);
}

/** significand * 2^shift rounded to the nearest double, ties to even. */
export function scaleToDouble(significand: bigint, shift: number): number {
  const bits = significand.toString(2).length;
  // The value lies in [2^(bits-1+shift), 2^(bits+shift)).
  const top = bits - 1 + shift;
  if (top > 1023) return Infinity;
  // Below half the smallest subnormal (2^-1075) everything rounds to zero.
  if (top < -1075) return 0;
  // Keep 53 significant bits, or fewer for subnormals (the last bit is 2^-1074).
  const keep = Math.max(Math.min(53, top + 1075), 0);
  const drop = bits - keep;
  let kept: bigint;
  if (drop <= 0) {
    kept = significand << BigInt(-drop);
  } else {
    kept = significand >> BigInt(drop);
    const remainder = significand - (kept << BigInt(drop));
    const half = 1n << BigInt(drop - 1);
    if (remainder > half || (remainder === half && (kept & 1n) === 1n)) kept += 1n;
  }
  const exponentOfLastBit = top - keep + 1;
  // kept * 2^exponentOfLastBit is exact in binary64 (kept ≤ 2^53), barring overflow.
  return Number(kept) * 2 ** exponentOfLastBit;
}
