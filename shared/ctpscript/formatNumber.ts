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
 * True when `decimal` (a `toExponential(7)` text such as `1.2345675e+3`, whose 8 digits
 * D end in 5, so that D is odd) is exactly the binary value `x` (positive and finite).
 * D·10^e = D·5^e·2^e is a double when the odd integer D·5^e fits the 53-bit significand
 * (e >= 0), or when 5^-e divides D (e < 0); plain double arithmetic is exact in both
 * tests, so no BigInt is needed.
 */
function isExactDecimal(x: number, decimal: string): boolean {
  const e = decimal.indexOf('e');
  const digits = decimal.slice(0, e).replace('.', '');
  const exponent10 = Number(decimal.slice(e + 1)) - (digits.length - 1);
  const d = Number(digits);
  if (exponent10 >= 0) {
    const odd = d * 5 ** exponent10;
    return odd < 2 ** 53 && x === odd * 2 ** exponent10;
  }
  const fives = 5 ** -exponent10;
  return d % fives === 0 && x === d / fives / 2 ** -exponent10;
}
