import { formatNumber } from './formatNumber';
import { parseNumber } from './parseNumber';
import { NUMBER_FORMAT_STEPS, textSteps } from './work';

/**
 * A CTPScript value (CTP 5.4.3.1): string, number, boolean, null, object, array or
 * function. Objects and arrays are plain JSON data (parsed measurement results, or
 * literals of the condition); only their own fields are ever read. There is no
 * `undefined`: a missing field is `null`.
 */
export type CtpValue = string | number | boolean | null | CtpObject | CtpArray | CtpFunction;

/** An object: (key, value) pairs. Literals have no prototype; parsed JSON has Object's. */
export interface CtpObject {
  readonly [key: string]: unknown;
}

/** An array: values indexed by integral numbers, with `length`. */
export type CtpArray = readonly unknown[];

/** The names of the 8 functions of CTP 5.4.4 (`min` and `max` are array methods). */
export type FunctionName =
  'toString' | 'toBoolean' | 'toNumber' | 'matchRegexp' | 'select' | 'timeUTC' | 'min' | 'max';

// Marks function values; a symbol that parsed JSON can never carry. Checking it is much
// cheaper than `instanceof` on the hot path of field reads.
const FUNCTION_BRAND = Symbol('CtpFunction');

/** A function value (the 7th type): the functions themselves, named without a call. */
export class CtpFunction {
  readonly [FUNCTION_BRAND] = true;
  constructor(readonly name: FunctionName) {}
}

/** True for {@link CtpFunction} values (objects only). */
export function isCtpFunction(a: object): a is CtpFunction {
  return (a as { [FUNCTION_BRAND]?: unknown })[FUNCTION_BRAND] === true;
}

/** The type names of the `typeof()` pseudo-function (CTP 5.4.3.2). */
export type CtpType = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array' | 'function';

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * `typeof(a)` (CTP 5.4.3.2). Host data that is not JSON (undefined, bigint, symbol, a
 * JavaScript function) counts as null so that it can never be reached.
 */
export function typeOf(a: unknown): CtpType {
  switch (typeof a) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      if (a === null) return 'null';
      if (Array.isArray(a)) return 'array';
      if (isCtpFunction(a)) return 'function';
      return 'object';
    default:
      return 'null';
  }
}

/** Maps host data to a CTPScript value: anything that is not JSON-like becomes null. */
export function fromHost(a: unknown): CtpValue {
  switch (typeof a) {
    case 'string':
    case 'number':
    case 'boolean':
      return a;
    case 'object':
      return a as CtpValue;
    default:
      return null;
  }
}

/** Integral numbers (CTP 5.4.3.1): integers from -2^31 to 2^31-1. */
export function isIntegral(n: number): boolean {
  return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647;
}

/**
 * Array element access by an integral number or a canonical numeric string, plus
 * `length` (CTP 5.4.3.3, SPEC-NOTES "CTPScript" 6). Anything else is null.
 */
export function getArrayField(array: CtpArray, key: unknown): CtpValue {
  if (typeof key === 'number') {
    if (!isIntegral(key) || key < 0 || key >= array.length) return null;
    return fromHost(array[key]);
  }
  if (typeof key === 'string') {
    if (key === 'length') return array.length;
    const index = Number(key);
    // Canonical: the string is exactly how the integral number prints ("1", not "01").
    if (!isIntegral(index) || String(index) !== key || index < 0 || index >= array.length) {
      return null;
    }
    return fromHost(array[index]);
  }
  return null;
}

/**
 * Object field access: own fields only, never the prototype (no `constructor`, no
 * `__proto__`). Keys are strings, or integral numbers read as their decimal text.
 */
export function getObjectField(object: CtpObject, key: unknown): CtpValue {
  let name: string;
  if (typeof key === 'string') name = key;
  else if (typeof key === 'number' && isIntegral(key)) name = String(key);
  else return null;
  return hasOwn.call(object, name) ? fromHost(object[name]) : null;
}

/**
 * `getField(a, prop)` (CTP 5.4.3.3) on an array or object; `undefined` when `a` is
 * neither (the caller decides whether that is an error or null).
 */
export function getField(a: unknown, key: unknown): CtpValue | undefined {
  if (typeof a !== 'object' || a === null || isCtpFunction(a)) return undefined;
  if (Array.isArray(a)) return getArrayField(a, key);
  return getObjectField(a as CtpObject, key);
}

/** `toBoolean(a)` (CTP 5.4.4.2). */
export function toBoolean(a: unknown): boolean {
  switch (typeof a) {
    case 'boolean':
      return a;
    case 'number':
      // False for +0, -0 and NaN.
      return a === a && a !== 0;
    case 'string':
      return a.length > 0;
    case 'object':
      return a !== null;
    default:
      return false;
  }
}

/** `toNumber(a)` (CTP 5.4.4.3): strings through C `atof`, objects and arrays NaN. */
export function toNumber(a: unknown): number {
  switch (typeof a) {
    case 'number':
      return a;
    case 'string':
      return parseNumber(a);
    case 'boolean':
      return a ? 1 : 0;
    case 'object':
      return a === null ? 0 : NaN;
    default:
      return 0;
  }
}

/** Thrown by {@link toStringValue} when a limit is exceeded; the caller maps it. */
export class ValueLimitError extends Error {}

/** Limits that bound {@link toStringValue} on nested or large arrays. */
export interface ToStringLimits {
  maxStringLength: number;
  maxDepth: number;
  /**
   * Charges the step budget before the work (`work.ts`): one step per element of each
   * array visited, {@link NUMBER_FORMAT_STEPS} per number printed, the text each array
   * joins.
   */
  charge?: (steps: number) => void;
}

/**
 * `toString(a)` (CTP 5.4.4.1): numbers as C `%e`, arrays joined by "," recursively,
 * objects as "[Object Undefined]", functions as "function NAME() { [Native code] }".
 */
export function toStringValue(
  a: unknown,
  limits: ToStringLimits = { maxStringLength: Infinity, maxDepth: Infinity },
): string {
  const text = stringify(a, limits, 0);
  if (text.length > limits.maxStringLength) {
    throw new ValueLimitError(`toString result longer than ${limits.maxStringLength} characters`);
  }
  return text;
}

function stringify(a: unknown, limits: ToStringLimits, depth: number): string {
  switch (typeOf(a)) {
    case 'string':
      return a as string;
    case 'number':
      limits.charge?.(NUMBER_FORMAT_STEPS);
      return formatNumber(a as number);
    case 'boolean':
      return a ? 'true' : 'false';
    case 'null':
      return '';
    case 'object':
      return '[Object Undefined]';
    case 'function':
      return `function ${(a as CtpFunction).name}() { [Native code] }`;
    case 'array': {
      if (depth >= limits.maxDepth) {
        throw new ValueLimitError(`toString of arrays nested deeper than ${limits.maxDepth}`);
      }
      const array = a as CtpArray;
      limits.charge?.(array.length);
      // Joined at once into a flat string: appending piece by piece builds a rope that
      // costs ~10 ns a character to flatten when compared or matched later.
      const pieces = new Array<string>(array.length);
      let length = array.length - 1;
      for (let i = 0; i < array.length; i++) {
        const piece = stringify(array[i], limits, depth + 1);
        length += piece.length;
        if (length > limits.maxStringLength) {
          throw new ValueLimitError(
            `toString result longer than ${limits.maxStringLength} characters`,
          );
        }
        pieces[i] = piece;
      }
      limits.charge?.(textSteps(length));
      return pieces.join(',');
    }
  }
}

/**
 * Shows a value as CTPScript source would write it (for the editor's preview, the CLI's
 * `--json` and error messages): strings quoted, `-0`, `NaN`, `Infinity`, `function
 * toString`. Stops building past `maxLength`, so that a large value costs no more than
 * a small one.
 */
export function describeValue(a: unknown, maxLength = 200): string {
  const text = describe(a, 0, maxLength);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

// At least `room` characters of the description (more when it is that long), so that
// the caller can tell it was cut.
function describe(a: unknown, depth: number, room: number): string {
  switch (typeOf(a)) {
    case 'string':
      return JSON.stringify((a as string).slice(0, room + 1));
    case 'number':
      return Object.is(a, -0) ? '-0' : String(a);
    case 'boolean':
      return a ? 'true' : 'false';
    case 'null':
      return 'null';
    case 'function':
      return `function ${(a as CtpFunction).name}`;
    case 'array': {
      if (depth > 8) return '[…]';
      const items = (a as CtpArray).values();
      return `[${describeItems(items, (item, left) => describe(item, depth + 1, left), room)}]`;
    }
    case 'object': {
      if (depth > 8) return '{…}';
      const object = a as CtpObject;
      const describeField = (key: string, left: number): string =>
        `${JSON.stringify(key.slice(0, left + 1))}: ${describe(object[key], depth + 1, left)}`;
      return `{${describeItems(Object.keys(object).values(), describeField, room)}}`;
    }
  }
}

function describeItems<T>(
  items: Iterator<T>,
  describeItem: (item: T, room: number) => string,
  room: number,
): string {
  let out = '';
  for (let next = items.next(); !next.done; next = items.next()) {
    if (out.length > room) break;
    out += (out === '' ? '' : ', ') + describeItem(next.value, room - out.length);
  }
  return out;
}

/**
 * The value as plain JSON data (for `--json` and IPC): numbers JSON cannot carry (NaN,
 * ±Infinity) become null, -0 becomes 0, functions become null.
 */
export function toJsonValue(a: unknown, depth = 0): unknown {
  switch (typeOf(a)) {
    case 'number':
      return Number.isFinite(a) ? (a as number) + 0 : null;
    case 'string':
    case 'boolean':
      return a;
    case 'null':
    case 'function':
      return null;
    case 'array':
      return depth > 64 ? null : (a as CtpArray).map((item) => toJsonValue(item, depth + 1));
    case 'object': {
      if (depth > 64) return null;
      const object = a as CtpObject;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(object)) {
        Object.defineProperty(out, key, {
          value: toJsonValue(object[key], depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
  }
}
