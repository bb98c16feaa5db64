/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one text of a JSON value that a
 * signature or a hash covers (bundle manifests, rule content hashes, OpenCTS
 * attestations). Pure.
 *
 * RFC 8785 defines its serialization by ECMAScript's, so strings, numbers and literals are
 * JSON.stringify's (3.2.2); object members are sorted by their names' UTF-16 code units,
 * the default order of Array.prototype.sort (3.2.3). Written here rather than taken from a
 * package, and mostly done by JSON.stringify itself: a signed manifest is canonicalized
 * once per `verify`, in a process whose code has not warmed up, where serializing 2,000
 * rule entries value by value in JavaScript cost ~50 ms (bench/cli.bench.ts).
 */

// JSON.stringify writes a lone surrogate as a \udXXX escape, and no other character as one
// (it escapes only controls, below U+0020): one after an even run of backslashes is an escape.
const ESCAPED_LONE_SURROGATE = /(?:^|[^\\])(?:\\\\)*\\ud[89a-f][0-9a-f]{2}/;
/**
 * JSON.stringify with a list of member names looks each name up in every object, so the
 * list is used only while it is short; a value with more distinct names goes value by value.
 */
const MAX_LISTED_NAMES = 256;
/** Deeper values are refused: JSON data this deep is an attack on the call stack. */
export const MAX_NESTING = 100;

/**
 * The canonical text of a JSON value. Members whose value is undefined, a function or a
 * symbol are left out, as JSON.stringify does. Throws a TypeError for what JSON cannot
 * hold: a non-finite number, a BigInt, a lone surrogate (RFC 8785 3.2.2.2 requires
 * I-JSON, RFC 7493 2.1), and values nested deeper than {@link MAX_NESTING}.
 */
export function canonicalJson(value: unknown): string {
  const names = new Set<string>();
  collectNames(value, names, 0);
  const text = listable(names) ? JSON.stringify(value, [...names].sort()) : serialize(value);
  if (text === undefined) throw new TypeError('This value has no JSON form.');
  if (ESCAPED_LONE_SURROGATE.test(text)) throw new TypeError('A string holds a lone surrogate.');
  return text;
}

/**
 * Every member name in `value` (as JSON.stringify will see it, after toJSON), refusing
 * the numbers JSON.stringify would quietly write as null.
 */
function collectNames(value: unknown, names: Set<string>, depth: number): void {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new TypeError(`${value} is not a JSON number.`);
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth === MAX_NESTING) {
    throw new TypeError(`The value is nested more than ${MAX_NESTING} levels deep.`);
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return collectNames(toJSON.call(value), names, depth);
  if (Array.isArray(value)) {
    for (const item of value) collectNames(item, names, depth + 1);
    return;
  }
  for (const name of Object.keys(value)) {
    names.add(name);
    collectNames((value as Record<string, unknown>)[name], names, depth + 1);
  }
}

/**
 * Whether JSON.stringify may take the names as its list: few enough, and none that an
 * object lacking it would inherit (`__proto__` would write every object's prototype).
 */
function listable(names: Set<string>): boolean {
  if (names.size > MAX_LISTED_NAMES) return false;
  for (const name of names) if (name in Object.prototype) return false;
  return true;
}

/** Value by value: for the values whose names JSON.stringify cannot take as a list. */
function serialize(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'bigint': // JSON.stringify throws a TypeError
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return serializeObject(value);
    default:
      return undefined;
  }
}

function serializeObject(value: object): string | undefined {
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return serialize(toJSON.call(value));
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) text += ',';
      text += serialize(value[index]) ?? 'null';
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  let text = '{';
  for (const key of Object.keys(record).sort()) {
    const member = serialize(record[key]);
    if (member === undefined) continue;
    if (text.length > 1) text += ',';
    text += `${JSON.stringify(key)}:${member}`;
  }
  return `${text}}`;
}
