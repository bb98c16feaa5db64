import { toBoolean, toNumber } from './values';

/**
 * The operators of CTP 5.4.5-5.4.7, on CTPScript values. Each starts with the
 * number-number case, which is what almost every condition compares.
 */

/**
 * `compareString(a, b)` (CTP 5.4.6) by Unicode code point (SPEC-NOTES "CTPScript" 7):
 * JavaScript compares UTF-16 code units, which orders U+E000..U+FFFF after the
 * surrogate pairs of U+10000 and above; shifting units at the first difference fixes it.
 */
export function compareString(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointOrder(x) < codePointOrder(y) ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}

function codePointOrder(unit: number): number {
  if (unit < 0xd800) return unit;
  // Surrogates (U+10000 and above) after U+E000..U+FFFF.
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** `a < b` (CTP 5.4.6). */
export function lessThan(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  if (typeof a === 'string' && typeof b === 'string') return compareString(a, b) === -1;
  // NaN compares false, which `<` already does.
  return toNumber(a) < toNumber(b);
}

/** `a == b` (CTP 5.4.6): strings by content, everything else through toNumber. */
export function equals(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  return toNumber(a) === toNumber(b);
}

/** `a <= b` is `a < b || a == b` (CTP 5.4.6). */
export function lessOrEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a <= b;
  return lessThan(a, b) || equals(a, b);
}

/** `a > b` is `b < a` (SPEC-NOTES "CTPScript" 3: the spec's "not a < b" makes 1 > 1 true). */
export function greaterThan(a: unknown, b: unknown): boolean {
  return lessThan(b, a);
}

/** `a >= b` is `b < a || a == b` (SPEC-NOTES "CTPScript" 3). */
export function greaterOrEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a >= b;
  return lessThan(b, a) || equals(a, b);
}

/** `a != b` (CTP 5.4.6). */
export function notEquals(a: unknown, b: unknown): boolean {
  return !equals(a, b);
}

/** `a + b` (CTP 5.4.7): two strings concatenate, two numbers add, anything else NaN. */
export function add(a: unknown, b: unknown): number | string {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  return NaN;
}

/** `a - b` (CTP 5.4.7). */
export function subtract(a: unknown, b: unknown): number {
  return typeof a === 'number' && typeof b === 'number' ? a - b : NaN;
}

/** `a * b` (CTP 5.4.7). */
export function multiply(a: unknown, b: unknown): number {
  return typeof a === 'number' && typeof b === 'number' ? a * b : NaN;
}

/** `a / b` (CTP 5.4.7): IEEE 754 division, so x/0 is ±Infinity or NaN. */
export function divide(a: unknown, b: unknown): number {
  return typeof a === 'number' && typeof b === 'number' ? a / b : NaN;
}

/**
 * `a % b` (CTP 5.4.7): C `fmod`. ECMAScript's `%` on numbers is the same function (the
 * exact truncating remainder with the dividend's sign, NaN for x%0 and ±inf%y, x%±inf = x).
 */
export function remainder(a: unknown, b: unknown): number {
  return typeof a === 'number' && typeof b === 'number' ? a % b : NaN;
}

/** Unary `-` (SPEC-NOTES "CTPScript" 4): negates numbers (so -0 exists); otherwise NaN. */
export function negate(a: unknown): number {
  return typeof a === 'number' ? -a : NaN;
}

/** `!a` is `!toBoolean(a)` (SPEC-NOTES "CTPScript" 4). */
export function not(a: unknown): boolean {
  return !toBoolean(a);
}
