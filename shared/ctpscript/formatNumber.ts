/**
 * `printf("%e", x)` as glibc prints it (CTP 5.4.4.1 step 2, SPEC-NOTES "CTPScript" 8):
 * one digit, a point, 6 decimals, `e`, a sign and at least two exponent digits; the
 * decimal value is the exact binary value rounded to nearest, ties to even; `inf`,
 * `-inf`, `nan`, and `-0.000000e+00` for negative zero.
 *
 * `Number.prototype.toExponential` rounds correctly too, but breaks exact ties upwards
 * (ECMA-262 "pick the larger n"), so exact ties are detected and redone here.
 */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.000000e+00' : '0.000000e+00';
  const sign = x < 0 ? '-' : '';
  const magnitude = Math.abs(x);
  let text = magnitude.toExponential(6);
  // A tie at the 7th significant digit means the exact value has 8 significant digits,
  // the last being 5; toExponential(7) then prints it exactly.
  const eight = magnitude.toExponential(7);
  if (eight.charCodeAt(8) === 53 /* '5' */ && isExactDecimal(magnitude, eight)) {
    const lastKept = eight.charCodeAt(7) - 48;
    if (lastKept % 2 === 0) {
      // Round half to even: keep the 7 digits as they are (truncate).
      text = eight.slice(0, 8) + eight.slice(9);
    }
  }
  const e = text.indexOf('e');
  const mantissa = text.slice(0, e);
  const exponentSign = text.charAt(e + 1);
  const exponentDigits = text.slice(e + 2);
  return `${sign}${mantissa}e${exponentSign}${exponentDigits.length < 2 ? '0' : ''}${exponentDigits}`;
}

/**
 * True when `decimal` (a `toExponential` text such as `1.2345675e+3`) is exactly the
 * binary value `x` (positive and finite), compared as rationals with BigInt.
 */
function isExactDecimal(x: number, decimal: string): boolean {
  const e = decimal.indexOf('e');
  const digits = decimal.slice(0, e).replace('.', '');
  const fractionDigits = digits.length - 1;
  const exponent10 = Number(decimal.slice(e + 1)) - fractionDigits;
  // The 8 digits D end in 5, so D is odd and D < 5^12: D·10^e is a double only if 5^-e
  // divides D (e >= -11) or D·5^e < 2^53 (e <= 12). This spares the BigInt arithmetic,
  // microseconds with large exponents, for every number but those near 1.
  if (exponent10 < -11 || exponent10 > 12) return false;
  const { mantissa, exponent2 } = decompose(x);
  // x = mantissa * 2^exponent2, decimal = digits * 10^exponent10.
  let left = mantissa;
  let right = BigInt(digits);
  if (exponent2 >= 0) left <<= BigInt(exponent2);
  else right <<= BigInt(-exponent2);
  if (exponent10 >= 0) right *= 10n ** BigInt(exponent10);
  else left *= 10n ** BigInt(-exponent10);
  return left === right;
}

/** Splits a positive finite double into an integer mantissa and a power of two. */
export function decompose(x: number): { mantissa: bigint; exponent2: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const biased = (high >>> 20) & 0x7ff;
  const fractionHigh = high & 0xfffff;
  let mantissa = (BigInt(fractionHigh) << 32n) | BigInt(low);
  if (biased === 0) return { mantissa, exponent2: -1074 };
  mantissa |= 1n << 52n;
  return { mantissa, exponent2: biased - 1075 };
}
