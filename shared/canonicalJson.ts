/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one text of a JSON value that a
 * signature or a hash covers (bundle manifests, rule content hashes, OpenCTS
 * attestations). Pure.
 *
 * RFC 8785 defines its serialization by ECMAScript's, so strings, numbers and literals go
 * through JSON.stringify (3.2.2); object members are sorted by their names' UTF-16 code
 * units, which is the default order of Array.prototype.sort (3.2.3). Written here rather
 * than taken from a package: the signed manifest of a 2,000-rule bundle is canonicalized
 * on every `verify`, and a per-character loop over every string cost more than the rest of
 * the signature check (bench/cli.bench.ts).
 */

// A lone surrogate is a code point of category Cs when the regular expression reads code
// points (the `u` flag); a well-formed pair reads as one astral code point.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The canonical text of a JSON value. Members whose value is undefined, a function or a
 * symbol are left out, as JSON.stringify does. Throws a TypeError for what JSON cannot
 * hold: a non-finite number, a BigInt, a lone surrogate (RFC 8785 3.2.2.2 requires
 * I-JSON, RFC 7493 2.1).
 */
export function canonicalJson(value: unknown): string {
  const text = serialize(value);
  if (text === undefined) throw new TypeError('This value has no JSON form.');
  return text;
}

function serialize(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return serializeString(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} is not a JSON number.`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('A BigInt is not a JSON number.');
    case 'object':
      if (value === null) return 'null';
      return serializeObject(value);
    default:
      return undefined;
  }
}

function serializeString(value: string): string {
  if (LONE_SURROGATE.test(value)) throw new TypeError('A string holds a lone surrogate.');
  return JSON.stringify(value);
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
    text += `${serializeString(key)}:${member}`;
  }
  return `${text}}`;
}
