/**
 * JSON text kept as received (CTP 4.2.6.2, SPEC-NOTES "JWS"): a signed measurement result
 * must reach clients byte for byte, because re-serializing a parsed object changes its
 * text (`99.0` becomes `99`, escapes change) and breaks the signature. These helpers work
 * on the text itself; they expect text that `JSON.parse` accepts.
 */

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/** Removes the white space outside strings (tab, line feed, carriage return, space). */
export function minifyJson(text: string): string {
  let out = '';
  let inString = false;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (WHITESPACE.has(char)) {
      out += text.slice(start, index);
      start = index + 1;
    }
  }
  return out + text.slice(start);
}

/** One top-level member of an object's text, exactly as written. */
export interface RawMember {
  /** The key as JSON.parse reads it. */
  key: string;
  /** The member's full text, `"key":value`, exactly as in the input (escapes kept). */
  text: string;
  valueText: string;
}

/**
 * Splits the text of a minified JSON object into its top-level members, in order.
 * Throws on text that is not a minified object.
 */
export function objectMembers(text: string): RawMember[] {
  if (!text.startsWith('{') || !text.endsWith('}')) throw new Error('not a JSON object text');
  const members: RawMember[] = [];
  const body = text.slice(1, -1);
  if (body.length === 0) return members;
  let depth = 0;
  let inString = false;
  let start = 0;
  const flush = (end: number): void => {
    const member = body.slice(start, end);
    const colon = keyEnd(member);
    members.push({
      key: JSON.parse(member.slice(0, colon)) as string,
      text: member,
      valueText: member.slice(colon + 1),
    });
    start = end + 1;
  };
  for (let index = 0; index < body.length; index++) {
    const char = body[index]!;
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
    else if (char === ',' && depth === 0) flush(index);
  }
  flush(body.length);
  return members;
}

function keyEnd(member: string): number {
  // The key is a string: find its closing quote, then the colon right after it.
  for (let index = 1; index < member.length; index++) {
    if (member[index] === '\\') index++;
    else if (member[index] === '"') {
      if (member[index + 1] !== ':') break;
      return index + 1;
    }
  }
  throw new Error('malformed object member');
}

/**
 * The minified object's text without every top-level member named `key` (the JWS payload
 * P: no signature). Kept members are copied as written, never re-serialized.
 */
export function withoutMember(text: string, key: string): string {
  const kept = objectMembers(text).filter((member) => member.key !== key);
  return `{${kept.map((member) => member.text).join(',')}}`;
}

/** The value text of a top-level member (the last of duplicates, as JSON.parse keeps), or null. */
export function memberValueText(text: string, key: string): string | null {
  let found: string | null = null;
  for (const member of objectMembers(minifyJson(text))) {
    if (member.key === key) found = member.valueText;
  }
  return found;
}
