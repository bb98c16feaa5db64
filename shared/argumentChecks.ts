/**
 * Small checks for the contract's argument validators (shared/api.ts and the per-service
 * files beside it). Every renderer argument is untrusted: a check accepts exactly the
 * declared shape and bounds, and anything else is APP_INVALID_ARGUMENT naming the field.
 */
import { AppError } from './errors';

function invalid(message: string): AppError {
  return new AppError('APP_INVALID_ARGUMENT', message);
}

/** True when the text holds a C0 control character or DEL. */
export function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** A non-null, non-array object, else APP_INVALID_ARGUMENT with `message`. */
export function plainObject(value: unknown, message: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(message);
  return value as Record<string, unknown>;
}

/** A plain object with every `required` member, and no member outside `required` and `optional`. */
export function members(
  value: unknown,
  call: string,
  required: readonly string[],
  optional: readonly string[] = [],
): Record<string, unknown> {
  const shape = [...required, ...optional.map((key) => `${key}?`)].join(', ');
  const record = plainObject(value, `${call} takes { ${shape} }.`);
  for (const key of Object.keys(record)) {
    if (!required.includes(key) && !optional.includes(key)) {
      throw invalid(`${call} does not take "${key.slice(0, 40)}".`);
    }
  }
  for (const key of required) {
    if (record[key] === undefined) throw invalid(`${call} needs "${key}".`);
  }
  return record;
}

/** Text of `min` to `max` characters without NUL (multi-line text, paths). */
export function boundedText(value: unknown, what: string, max: number, min = 1): string {
  if (typeof value !== 'string' || value.length < min || value.length > max || value.includes('\0'))
    throw invalid(`"${what}" must be text of ${min} to ${max} characters.`);
  return value;
}

/** One line of `min` to `max` characters without control characters (names). */
export function lineText(value: unknown, what: string, max: number, min = 1): string {
  const text = boundedText(value, what, max, min);
  if (hasControlCharacter(text)) throw invalid(`"${what}" must be one line of text.`);
  return text;
}

/** `undefined`, or true or false. */
export function optionalBoolean(value: unknown, what: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean')
    throw invalid(`"${what}" must be true or false.`);
  return value;
}

/** A whole number from `min` to `max`. */
export function wholeNumber(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw invalid(`"${what}" must be a whole number from ${min} to ${max}.`);
  return value;
}

/** One of `options`. */
export function oneOf<T extends string>(value: unknown, what: string, options: readonly T[]): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value))
    throw invalid(`"${what}" must be one of ${options.join(', ')}.`);
  return value as T;
}

/** An array of at most `maxItems`, each checked by `item`. */
export function listOf<T>(
  value: unknown,
  what: string,
  maxItems: number,
  item: (value: unknown, what: string) => T,
): T[] {
  if (!Array.isArray(value) || value.length > maxItems)
    throw invalid(`"${what}" must be a list of at most ${maxItems} items.`);
  return value.map((entry, index) => item(entry, `${what}[${index}]`));
}

/** Copies the members of `record` that are not undefined (the validated argument). */
export function defined<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

/** For calls that take no argument: accepts only `undefined` (or `null` from JSON). */
export function noArguments(value: unknown): undefined {
  if (value !== undefined && value !== null) throw invalid('This call takes no argument.');
  return undefined;
}
