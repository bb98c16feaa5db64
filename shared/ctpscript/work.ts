/**
 * The cost model of an evaluation (decisions.md "CTPScript", "The work budget"): what each
 * kind of work costs, in steps. A step is about one regular expression instruction
 * applied to one character, the dearest unit of work an evaluation does (re2js's NFA,
 * ~15-25 ns a step); cheaper work is charged in fractions of it, so that the budget
 * bounds time whatever the condition does. Evaluation charges before it works, and the
 * static check (`workBound.ts`) adds up the same costs.
 */

/** Characters copied, compared or scanned per step (string building, `==`, timeUTC). */
export const CHARACTERS_PER_STEP = 4;

/** Steps to print one number as C's `%e` (toString; ~1 µs, more on exact ties). */
export const NUMBER_FORMAT_STEPS = 64;

/**
 * Steps per instruction to compile a pattern computed during evaluation (re2js compiles
 * at several µs an instruction). Patterns written as literals compile with the condition.
 */
export const COMPILE_STEPS_PER_INSTRUCTION = 512;

/** Copying, comparing or scanning `length` characters. */
export function textSteps(length: number): number {
  return Math.ceil(length / CHARACTERS_PER_STEP);
}

/**
 * Reading a field by a string key: objects hash it once (the engine keeps the hash),
 * arrays parse it as an index at each read. Keys of up to 16 characters cost nothing
 * beyond the read itself.
 */
export function keySteps(length: number): number {
  return length <= 16 ? 0 : textSteps(length);
}

/**
 * Reading a number from `length` characters (C `atof`, which reads character by
 * character in JavaScript): one step each.
 */
export function parseSteps(length: number): number {
  return length;
}

/**
 * Matching a pattern against a subject: re2js is linear in both (its DFA, and the NFA it
 * falls back to, step each of the program's instructions at most once per character).
 */
export function matchSteps(programSize: number, length: number): number {
  return programSize * (length + 1);
}

/** Compiling a pattern computed during evaluation. */
export function compileSteps(instructions: number): number {
  return instructions * COMPILE_STEPS_PER_INSTRUCTION;
}
