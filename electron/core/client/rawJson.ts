/**
 * Raw JSON text surgery for signed results (CTP 4.2.6.2, SPEC-NOTES "JWS"): the JWS payload
 * is the `result` object's text as received minus its `signature` member, whitespace
 * outside strings removed. Nothing here re-serializes: keys and values keep their exact
 * text (`99.0` stays `99.0`, `"\u0041"` stays escaped). Input must be text `JSON.parse`
 * accepts.
 */
import { minifyJson } from '../../../shared/ctp/jsonText';

export { minifyJson };

export interface RawMember {
  /** The key as JSON.parse reads it. */
  key: string;
  /** The member's full text, `"key":value`, exactly as in the input. */
  text: string;
  valueText: string;
}

/** The top-level members of a minified JSON object's text, in order. */
export function rawMembers(minified: string): RawMember[] {
  if (!minified.startsWith('{') || !minified.endsWith('}')) {
    throw new Error('not a JSON object text');
  }
  const body = minified.slice(1, -1);
  const members: RawMember[] = [];
  if (body.length === 0) return members;
  let depth = 0;
  let inString = false;
  let start = 0;
  const flush = (end: number): void => {
    const text = body.slice(start, end);
    const colon = keyEnd(text);
    members.push({
      key: JSON.parse(text.slice(0, colon)) as string,
      text,
      valueText: text.slice(colon + 1),
    });
    start = end + 1;
  };
  for (let index = 0; index < body.length; index++) {
    const char = body[index];
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
  for (let index = 1; index < member.length; index++) {
    if (member[index] === '\\') index++;
    else if (member[index] === '"') {
      if (member[index + 1] !== ':') break;
      return index + 1;
    }
  }
  throw new Error('malformed object member');
}

/** The value text of a top-level member (the last of duplicates, as JSON.parse keeps). */
export function memberValueText(text: string, key: string): string | null {
  let found: string | null = null;
  for (const member of rawMembers(minifyJson(text)))
    if (member.key === key) found = member.valueText;
  return found;
}

/** The minified object text without every top-level member named `key`. */
export function withoutMemberText(minifiedObject: string, key: string): string {
  const kept = rawMembers(minifiedObject).filter((member) => member.key !== key);
  return `{${kept.map((member) => member.text).join(',')}}`;
}
