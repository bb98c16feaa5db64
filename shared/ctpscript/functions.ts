import { ConditionError } from './diagnostics';
import type { SourceRange } from './diagnostics';
import { charge } from './environment';
import type { Environment } from './environment';
import { compareString } from './operators';
import { compilePrepared, prepareEre, RegexpLimitError, RegexpSyntaxError } from './regexp';
import type { CompiledRegexp, TranslatedEre } from './regexp';
import { parseDateTime } from './time';
import {
  CtpFunction,
  ValueLimitError,
  fromHost,
  getField,
  toBoolean,
  toNumber,
  toStringValue,
  typeOf,
} from './values';
import type { CtpArray, CtpValue, FunctionName } from './values';
import { compileSteps, keySteps, matchSteps, parseSteps, textSteps } from './work';

/** The 6 global functions of CTP 5.4.4 and their number of arguments. */
export const GLOBAL_FUNCTIONS = {
  toString: 1,
  toBoolean: 1,
  toNumber: 1,
  matchRegexp: 2,
  select: 2,
  timeUTC: 1,
} as const satisfies Partial<Record<FunctionName, number>>;

/** The 2 array methods of CTP 5.4.4.4-5 (`ARRAY.min()`, `ARRAY.max()`): no arguments. */
export const ARRAY_METHODS = { min: 0, max: 0 } as const;

export type GlobalFunctionName = keyof typeof GLOBAL_FUNCTIONS;
export type ArrayMethodName = keyof typeof ARRAY_METHODS;

export function isGlobalFunction(name: string): name is GlobalFunctionName {
  return Object.prototype.hasOwnProperty.call(GLOBAL_FUNCTIONS, name);
}

export function isArrayMethod(name: string): name is ArrayMethodName {
  return name === 'min' || name === 'max';
}

/** Function values, one per name (CTP 5.4.3.1, the `function` type). */
export const FUNCTION_VALUES: Readonly<Record<FunctionName, CtpFunction>> = Object.freeze({
  toString: new CtpFunction('toString'),
  toBoolean: new CtpFunction('toBoolean'),
  toNumber: new CtpFunction('toNumber'),
  matchRegexp: new CtpFunction('matchRegexp'),
  select: new CtpFunction('select'),
  timeUTC: new CtpFunction('timeUTC'),
  min: new CtpFunction('min'),
  max: new CtpFunction('max'),
});

function fail(message: string, range: SourceRange): never {
  throw new ConditionError('CTPSCRIPT_RUNTIME', message, range);
}

function article(type: string): string {
  return type === 'null' ? 'null' : /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/**
 * `toString(a)` (CTP 5.4.4.1), charged for each array element, each number printed and
 * the text built (`toStringValue`).
 */
export function callToString(a: CtpValue, env: Environment, range: SourceRange): string {
  try {
    return toStringValue(a, {
      maxStringLength: env.limits.maxStringLength,
      maxDepth: env.limits.maxValueDepth,
      charge: (steps) => charge(env, steps, range),
    });
  } catch (error) {
    if (error instanceof ValueLimitError)
      throw new ConditionError('CTPSCRIPT_LIMIT', error.message, range);
    throw error;
  }
}

/** `toBoolean(a)` (CTP 5.4.4.2). */
export function callToBoolean(a: CtpValue): boolean {
  return toBoolean(a);
}

/** `toNumber(a)` (CTP 5.4.4.3): a string costs one step per character read. */
export function callToNumber(a: CtpValue, env: Environment, range: SourceRange): number {
  if (typeof a === 'string') charge(env, parseSteps(a.length), range);
  return toNumber(a);
}

/**
 * `ARRAY.min()` (CTP 5.4.4.4): the element that is `<=` every other element, the first
 * one if several are; null if none is (SPEC-NOTES "CTPScript" 12). Arrays of numbers only
 * or strings only are totally ordered and need one pass; mixed arrays are checked pair
 * by pair (the relation is not transitive across types), within the step budget.
 */
export function callMin(t: CtpValue, env: Environment, range: SourceRange): CtpValue {
  return extreme(t, env, range, 'min');
}

/** `ARRAY.max()` (CTP 5.4.4.5): like min with `>=`, the last one if several are. */
export function callMax(t: CtpValue, env: Environment, range: SourceRange): CtpValue {
  return extreme(t, env, range, 'max');
}

function extreme(
  t: CtpValue,
  env: Environment,
  range: SourceRange,
  which: 'min' | 'max',
): CtpValue {
  if (!Array.isArray(t)) fail(`${which}() applies to arrays, not to ${article(typeOf(t))}`, range);
  const array = t as CtpArray;
  const n = array.length;
  if (n === 0) return null;
  if (n === 1) return fromHost(array[0]);
  charge(env, n, range);
  let strings = 0;
  let characters = 0;
  let numbersOrLike = 0;
  for (let i = 0; i < n; i++) {
    const element = array[i];
    const type = typeof element;
    if (type === 'string') {
      strings++;
      characters += (element as string).length;
    } else if (type === 'number' || type === 'boolean' || element === null) numbersOrLike++;
  }
  if (strings === n) {
    // Each comparison reads at most the shorter string: the text once in all.
    charge(env, textSteps(characters), range);
    return extremeOfStrings(array as readonly string[], which);
  }
  if (strings === 0 && numbersOrLike === n) return extremeOfNumbers(array, which);
  return extremeByPairs(array, env, range, which);
}

function extremeOfStrings(array: readonly string[], which: 'min' | 'max'): CtpValue {
  let best = 0;
  for (let i = 1; i < array.length; i++) {
    const order = compareString(array[i] as string, array[best] as string);
    // min keeps the first of equal elements, max takes the last.
    if (which === 'min' ? order < 0 : order >= 0) best = i;
  }
  return array[best] as string;
}

// Numbers, booleans and null all compare through toNumber: a total order unless NaN is
// present, in which case no element is <= (or >=) every other one.
function extremeOfNumbers(array: CtpArray, which: 'min' | 'max'): CtpValue {
  let best = 0;
  let bestNumber = toNumber(array[0]);
  if (Number.isNaN(bestNumber)) return null;
  for (let i = 1; i < array.length; i++) {
    const x = toNumber(array[i]);
    if (Number.isNaN(x)) return null;
    if (which === 'min' ? x < bestNumber : x >= bestNumber) {
      best = i;
      bestNumber = x;
    }
  }
  return fromHost(array[best]);
}

/**
 * CTP 5.4.4.4 word for word: the first (min) or last (max) element that is `<=` (`>=`)
 * every other. Two strings compare as text (CTP 5.4.6), any other pair through toNumber,
 * which is read once per element (one step a character for strings). Each candidate is
 * charged for comparing with all elements before it is tried: n steps, plus its text
 * per comparison when it is a string.
 */
function extremeByPairs(
  array: CtpArray,
  env: Environment,
  range: SourceRange,
  which: 'min' | 'max',
): CtpValue {
  const n = array.length;
  const numbers = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const element = array[i];
    if (typeof element === 'string') charge(env, parseSteps(element.length), range);
    numbers[i] = toNumber(element);
  }
  const holds = (i: number, j: number): boolean => {
    const a = array[i];
    const b = array[j];
    if (typeof a === 'string' && typeof b === 'string') {
      const order = compareString(a, b);
      return which === 'min' ? order <= 0 : order >= 0;
    }
    // a <= b is a < b || a == b: false when either is NaN (CTP 5.4.6).
    const x = numbers[i] as number;
    const y = numbers[j] as number;
    return which === 'min' ? x <= y : x >= y;
  };
  for (let k = 0; k < n; k++) {
    const i = which === 'min' ? k : n - 1 - k;
    const candidate = array[i];
    charge(env, n * (1 + (typeof candidate === 'string' ? textSteps(candidate.length) : 0)), range);
    let all = true;
    for (let j = 0; j < n && all; j++) {
      if (j !== i) all = holds(i, j);
    }
    if (all) return fromHost(candidate);
  }
  return null;
}

/** What matchRegexp uses to find a compiled pattern (and pay for compiling it). */
export type PatternSource = (
  pattern: string,
  env: Environment,
  range: SourceRange,
) => CompiledRegexp;

/** A prepared pattern and, once compiled, its program. */
interface PatternEntry {
  translated: TranslatedEre;
  regexp?: CompiledRegexp;
}

/**
 * Compiles patterns computed during evaluation for one call site, remembering the last
 * few (and their errors). Compiling is charged at every evaluation, remembered or not, so
 * that the outcome never depends on what was evaluated before (decisions.md "CTPScript").
 */
export function createRegexpCache(): PatternSource {
  const cache = new Map<string, PatternEntry | ConditionError>();
  return (pattern, env, range) => {
    let entry = cache.get(pattern);
    if (entry === undefined) {
      entry = preparePattern(pattern, env, range);
      if (cache.size >= 32) cache.clear();
      cache.set(pattern, entry);
    }
    if (entry instanceof ConditionError) throw new ConditionError(entry.code, entry.message, range);
    charge(env, compileSteps(entry.translated.instructions), range);
    if (entry.regexp === undefined) {
      try {
        entry.regexp = compilePrepared(entry.translated);
      } catch (error) {
        const failure = patternError(pattern, error, range);
        cache.set(pattern, failure);
        throw failure;
      }
    }
    return entry.regexp;
  };
}

/** Patterns written as literals, compiled with the condition, looked up before the cache. */
export function withLiteralPatterns(
  literals: ReadonlyMap<string, CompiledRegexp>,
  computed: PatternSource,
): PatternSource {
  return (pattern, env, range) => literals.get(pattern) ?? computed(pattern, env, range);
}

function preparePattern(
  pattern: string,
  env: Environment,
  range: SourceRange,
): PatternEntry | ConditionError {
  try {
    return { translated: prepareEre(pattern, env.limits) };
  } catch (error) {
    return patternError(pattern, error, range);
  }
}

function patternError(pattern: string, error: unknown, range: SourceRange): ConditionError {
  const shown = JSON.stringify(pattern.slice(0, 80));
  if (error instanceof RegexpLimitError) {
    return new ConditionError(
      'CTPSCRIPT_LIMIT',
      `regular expression ${shown}: ${error.message}`,
      range,
    );
  }
  if (error instanceof RegexpSyntaxError) {
    return new ConditionError(
      'CTPSCRIPT_RUNTIME',
      `malformed regular expression ${shown}: ${error.message} (at character ${error.index + 1})`,
      range,
    );
  }
  throw error;
}

/**
 * `matchRegexp(r, v)` (CTP 5.4.4.6): `r` a POSIX ERE, `v` a string or an array whose
 * elements all match (an empty array matches). `patterns` compiles `r`.
 */
export function callMatchRegexp(
  r: CtpValue,
  v: CtpValue,
  env: Environment,
  range: SourceRange,
  patterns: PatternSource,
): boolean {
  if (typeof r !== 'string') {
    fail(
      `matchRegexp expects a string pattern as first argument, not ${article(typeOf(r))}`,
      range,
    );
  }
  const regexp = patterns(r as string, env, range);
  return matchValue(regexp, v, env, range, 0);
}

function matchValue(
  regexp: CompiledRegexp,
  v: unknown,
  env: Environment,
  range: SourceRange,
  depth: number,
): boolean {
  if (typeof v === 'string') {
    // Charged in full even when the answer is remembered (see compilePrepared).
    charge(env, matchSteps(regexp.programSize, v.length), range);
    return regexp.test(v);
  }
  if (Array.isArray(v)) {
    if (depth >= env.limits.maxValueDepth) {
      throw new ConditionError(
        'CTPSCRIPT_LIMIT',
        `matchRegexp on arrays nested deeper than ${env.limits.maxValueDepth}`,
        range,
      );
    }
    charge(env, v.length, range);
    for (let i = 0; i < v.length; i++) {
      if (!matchValue(regexp, fromHost(v[i]), env, range, depth + 1)) return false;
    }
    return true;
  }
  return fail(
    `matchRegexp expects a string or an array of strings as second argument, not ${article(typeOf(v))}`,
    range,
  );
}

/**
 * `select(s, a)` (CTP 5.4.4.7): the field `s` of each element of `a`; elements that are
 * not objects or arrays, and missing fields, give null.
 */
export function callSelect(
  s: CtpValue,
  a: CtpValue,
  env: Environment,
  range: SourceRange,
): CtpValue {
  if (!Array.isArray(a))
    fail(`select expects an array as second argument, not ${article(typeOf(a))}`, range);
  const rows = a as CtpArray;
  if (rows.length > env.limits.maxArrayLength) {
    throw new ConditionError(
      'CTPSCRIPT_LIMIT',
      `select would produce more than ${env.limits.maxArrayLength} elements`,
      range,
    );
  }
  charge(env, rows.length * (1 + (typeof s === 'string' ? keySteps(s.length) : 0)), range);
  const out = new Array<CtpValue>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    out[i] = getField(rows[i], s) ?? null;
  }
  return out;
}

/** `timeUTC(s)` (CTP 5.4.4.8): seconds since the epoch of an RFC 3339 date-time or "now". */
export function callTimeUtc(s: CtpValue, env: Environment, range: SourceRange): number {
  if (typeof s !== 'string') fail(`timeUTC expects a string, not ${article(typeOf(s))}`, range);
  const text = s as string;
  if (text === 'now') return env.now() / 1000;
  charge(env, textSteps(text.length), range);
  const seconds = parseDateTime(text);
  if (seconds === undefined) {
    fail(
      `timeUTC: ${JSON.stringify(text.slice(0, 64))} is not an RFC 3339 date-time such as "2015-07-20T12:34:56Z", nor "now"`,
      range,
    );
  }
  return seconds as number;
}

/** Calls a function value (`(toString)(x)`), checking the arguments at run time. */
export function callFunctionValue(
  callee: CtpValue,
  args: CtpValue[],
  env: Environment,
  range: SourceRange,
  patterns: PatternSource,
): CtpValue {
  if (!(callee instanceof CtpFunction)) fail(`${article(typeOf(callee))} is not a function`, range);
  const name = (callee as CtpFunction).name;
  if (isArrayMethod(name)) {
    throw new ConditionError(
      'CTPSCRIPT_RUNTIME',
      `${name}() is a method: write ARRAY.${name}()`,
      range,
    );
  }
  const arity = GLOBAL_FUNCTIONS[name];
  if (args.length !== arity) {
    throw new ConditionError(
      'CTPSCRIPT_ARITY',
      `${name} takes ${arity} argument${arity === 1 ? '' : 's'}, not ${args.length}`,
      range,
    );
  }
  const [a = null, b = null] = args;
  switch (name) {
    case 'toString':
      return callToString(a, env, range);
    case 'toBoolean':
      return callToBoolean(a);
    case 'toNumber':
      return callToNumber(a, env, range);
    case 'matchRegexp':
      return callMatchRegexp(a, b, env, range, patterns);
    case 'select':
      return callSelect(a, b, env, range);
    case 'timeUTC':
      return callTimeUtc(a, env, range);
  }
}
