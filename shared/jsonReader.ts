/**
 * The one reader of untrusted JSON: it walks an object member by member, checks each
 * member's type and bounds, and names every problem with its JSON path
 * (`serviceViews[0].assets[1].name`). Two callers read this way: the provider document
 * of `server import` (electron/core/provider/providerValidation.ts), which lists every
 * problem for the person who wrote it and goes on with a neutral value, and the client's
 * reading of what a vendor's server sent (electron/core/client/responseShapes.ts), which
 * stops at the first. So what happens at a problem, and its words, belong to the caller
 * (`JsonProblems`); the walk, the paths and the bounds are here, once.
 */
import { isPlainObject } from './plainObject';

export type JsonMembers = Record<string, unknown>;

/** The words of a problem, for the reader of the message. */
export interface JsonPhrasing {
  wrongType(expected: string, value: unknown): string;
  missing(expected: string): string;
  tooLong(max: number): string;
  tooMany(count: number, max: number): string;
  unknownMember(known: readonly string[]): string;
}

/** What a read does at a problem, and its bounds. */
export interface JsonProblems {
  /** Called at each problem; a reader that stops at the first throws here. */
  report(path: string, message: string): void;
  readonly phrasing: JsonPhrasing;
  /** The longest string and the longest array read, unless a read names its own. */
  readonly limits: { readonly text: number; readonly items: number };
}

/** For a document a person wrote: what each member must be. */
export const AUTHOR_PHRASING: JsonPhrasing = {
  wrongType: (expected) =>
    expected === 'a boolean' ? 'must be true or false' : `must be ${expected}`,
  missing: (expected) => `is required (${expected})`,
  tooLong: (max) => `is longer than ${max} characters`,
  tooMany: (count, max) => `has ${count} items; at most ${max} are allowed`,
  unknownMember: (known) => `is not a known property (known: ${known.join(', ')})`,
};

/** For what another program sent: what was expected, and what came. */
export const RECEIVED_PHRASING: JsonPhrasing = {
  wrongType: (expected, value) => `expected ${expected}, got ${jsonTypeName(value)}`,
  missing: (expected) => `missing (expected ${expected})`,
  tooLong: (max) => `longer than ${max} characters`,
  tooMany: (_count, max) => `more than ${max} elements`,
  unknownMember: () => 'is not a known member',
};

/** `a string`, `an array`, `null`, `nothing` (an absent member): for messages. */
export function jsonTypeName(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** One JSON object at its path. Absent and `null` members are read alike. */
export class JsonReader {
  private constructor(
    readonly members: JsonMembers,
    readonly path: string,
    private readonly problems: JsonProblems,
  ) {}

  /**
   * `value` as an object at `path`, or null (reported) when it is not one; with `known`,
   * every other member is reported too.
   */
  static object(
    value: unknown,
    path: string,
    problems: JsonProblems,
    known?: readonly string[],
  ): JsonReader | null {
    if (!isPlainObject(value)) {
      problems.report(path, problems.phrasing.wrongType('an object', value));
      return null;
    }
    const reader = new JsonReader(value, path, problems);
    if (known !== undefined) {
      for (const key of Object.keys(value)) {
        if (!known.includes(key))
          problems.report(reader.pathOf(key), problems.phrasing.unknownMember(known));
      }
    }
    return reader;
  }

  /**
   * The path of a member, or of anything below this object (`controls[1].id`): `a.b`, or
   * `b` at the root (path ''); '' is this object itself.
   */
  pathOf(key: string): string {
    if (key === '') return this.path;
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  /** Reports a problem of the member `key` ('' for this object: a caller's own check). */
  problem(key: string, message: string): void {
    this.problems.report(this.pathOf(key), message);
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  /** The member as it is (own members only: `__proto__` and the like are not members). */
  raw(key: string): unknown {
    return Object.hasOwn(this.members, key) ? this.members[key] : undefined;
  }

  private absent(key: string): boolean {
    const value = this.raw(key);
    return value === undefined || value === null;
  }

  /**
   * A string of at most `max` characters. Absent: `fallback` when one is given, else a
   * problem (and '').
   */
  string(key: string, options: { fallback?: string; max?: number } = {}): string {
    const value = this.raw(key);
    if (value === undefined || value === null) {
      if (options.fallback !== undefined) return options.fallback;
      this.problem(key, this.problems.phrasing.missing('a string'));
      return '';
    }
    if (typeof value !== 'string') {
      this.problem(key, this.problems.phrasing.wrongType('a string', value));
      return '';
    }
    const max = options.max ?? this.problems.limits.text;
    if (value.length > max) this.problem(key, this.problems.phrasing.tooLong(max));
    return value;
  }

  /** A string, or null when absent. */
  nullableString(key: string, max?: number): string | null {
    return this.absent(key) ? null : this.string(key, { max });
  }

  /** A boolean; `"true"`/`"false"` strings are accepted (SPEC-NOTES "user activation"). */
  boolean(key: string): boolean | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    this.problem(key, this.problems.phrasing.wrongType('a boolean', value));
    return undefined;
  }

  /** A finite number (decimal text accepted); absent: `fallback`, else a problem (and 0). */
  number(key: string, fallback?: number): number {
    const value = this.raw(key);
    if (value === undefined || value === null) {
      if (fallback !== undefined) return fallback;
      this.problem(key, this.problems.phrasing.missing('a number'));
      return 0;
    }
    if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.problem(key, this.problems.phrasing.wrongType('a number', value));
      return 0;
    }
    return value;
  }

  /**
   * An array of at most `max` items (the first `max` of a longer one, reported). Absent:
   * [] when `optional`, else the wrong type.
   */
  array(key: string, options: { max?: number; optional?: boolean } = {}): unknown[] {
    const value = this.raw(key);
    if (options.optional === true && (value === undefined || value === null)) return [];
    if (!Array.isArray(value)) {
      this.problem(key, this.problems.phrasing.wrongType('an array', value));
      return [];
    }
    const max = options.max ?? this.problems.limits.items;
    if (value.length > max) this.problem(key, this.problems.phrasing.tooMany(value.length, max));
    return value.length > max ? value.slice(0, max) : value;
  }

  /** An optional array of strings, each bounded like any string. */
  strings(key: string, max?: number): string[] {
    const limit = this.problems.limits.text;
    return this.array(key, { max, optional: true }).map((item, index) => {
      const path = `${this.pathOf(key)}[${index}]`;
      if (typeof item !== 'string') {
        this.problems.report(path, this.problems.phrasing.wrongType('a string', item));
        return '';
      }
      if (item.length > limit) this.problems.report(path, this.problems.phrasing.tooLong(limit));
      return item;
    });
  }

  /** The member as an object (null when absent and `optional`, or reported). */
  object(
    key: string,
    options: { optional?: boolean; known?: readonly string[] } = {},
  ): JsonReader | null {
    if (options.optional === true && this.absent(key)) return null;
    return JsonReader.object(this.raw(key), this.pathOf(key), this.problems, options.known);
  }

  /** Item `index` of the array member `key`, as an object. */
  item(key: string, index: number, value: unknown, known?: readonly string[]): JsonReader | null {
    return JsonReader.object(value, `${this.pathOf(key)}[${index}]`, this.problems, known);
  }
}
