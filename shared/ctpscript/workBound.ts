import type { SyntaxNode, Tree } from '@lezer/common';

import { MAX_RESULT_ROWS } from '../ctp/results';
import type { ColumnType, ResultColumn } from '../ctp/types';
import { expressionChildren } from './check';
import type { Diagnostic } from './diagnostics';
import type { CtpScriptLimits } from './limits';
import { decodeIdentifier, decodeNumber, decodeString } from './literals';
import type { CompiledRegexp } from './regexp';
import {
  compileSteps,
  keySteps,
  matchSteps,
  NUMBER_FORMAT_STEPS,
  parseSteps,
  textSteps,
} from './work';

/**
 * The static worst-case check (decisions.md "CTPScript", "The work budget"): the steps a
 * condition needs at least on the largest result the server accepts for a measurement's
 * result format (CTP 4.4): `value` with {@link MAX_RESULT_ROWS} rows of the format's
 * columns. What is not known statically counts as cheaply as it can be: strings from the
 * result are empty, unknown values cost nothing, and both sides of `&&` and `||` run. A
 * condition that does not fit then cannot fit whatever the rows hold; one that fits may
 * still meet longer strings, which the budget stops during evaluation.
 */

/** What the check knows of a value on the largest result. */
type Shape =
  | { kind: 'string'; length: number }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'null' }
  | { kind: 'row' }
  | { kind: 'array'; length: number; element: Shape }
  | { kind: 'unknown' };

const UNKNOWN: Shape = { kind: 'unknown' };
const NUMBER: Shape = { kind: 'number' };
const BOOLEAN: Shape = { kind: 'boolean' };
const EMPTY_STRING: Shape = { kind: 'string', length: 0 };

/** The fewest instructions a compiled pattern has (fail, one operation, match). */
const SMALLEST_PROGRAM = 3;

/** The shortest text toString gives a number ("inf", "nan"; most take 12 characters). */
const SHORTEST_NUMBER_TEXT = 3;

/** The largest result the check assumes (rows of `value`). */
export const LARGEST_RESULT_ROWS = MAX_RESULT_ROWS;

/** What {@link boundWork} found. */
export interface WorkEstimate {
  /** Steps the condition needs at least on the largest result. */
  steps: number;
  /** One error (CTPSCRIPT_LIMIT) at the costliest part when that is over the budget. */
  diagnostics: Diagnostic[];
}

/** The part of the condition that costs the most, for the message. */
interface Costliest {
  node: SyntaxNode;
  steps: number;
  what: string;
  hint: string;
}

/**
 * Bounds from below the steps a checked condition needs on the largest result of
 * `resultFormat`; `patterns` are the compiled pattern literals of the analysis.
 */
export function boundWork(
  source: string,
  tree: Tree,
  patterns: ReadonlyMap<string, CompiledRegexp>,
  resultFormat: readonly ResultColumn[],
  limits: CtpScriptLimits,
): WorkEstimate {
  const top = tree.topNode.firstChild;
  if (top === null) return { steps: 0, diagnostics: [] };
  const bound = new WorkBound(source, patterns, resultFormat);
  bound.shape(top);
  if (bound.steps <= limits.maxSteps || bound.costliest === undefined) {
    return { steps: bound.steps, diagnostics: [] };
  }
  const { node, steps, what, hint } = bound.costliest;
  const message =
    `on a result of ${LARGEST_RESULT_ROWS} rows (the most the server accepts), this condition needs at least ${bound.steps} steps, more than the ${limits.maxSteps} an evaluation may spend; ` +
    `its costliest part, ${what}, needs ${steps}: ${hint}`;
  return {
    steps: bound.steps,
    diagnostics: [
      { from: node.from, to: node.to, severity: 'error', code: 'CTPSCRIPT_LIMIT', message },
    ],
  };
}

class WorkBound {
  steps = 0;
  costliest: Costliest | undefined;
  private readonly columns: ReadonlyMap<string, ColumnType>;

  constructor(
    private readonly source: string,
    private readonly patterns: ReadonlyMap<string, CompiledRegexp>,
    resultFormat: readonly ResultColumn[],
  ) {
    this.columns = new Map(resultFormat.map((column) => [column.name, column.type]));
  }

  private spend(node: SyntaxNode, steps: number, what: string, hint: string): void {
    this.steps += steps;
    if (steps > (this.costliest?.steps ?? 0)) this.costliest = { node, steps, what, hint };
  }

  private text(node: SyntaxNode): string {
    return this.source.slice(node.from, node.to);
  }

  /** The shape of an expression, after charging what evaluating it costs at least. */
  shape(node: SyntaxNode): Shape {
    switch (node.name) {
      case 'Number':
        return NUMBER;
      case 'String':
        return this.stringLiteral(node);
      case 'BooleanLiteral':
        return BOOLEAN;
      case 'Null':
        return { kind: 'null' };
      case 'VariableName':
        // The other identifiers are short strings, null or functions.
        return this.text(node) === 'value'
          ? { kind: 'array', length: LARGEST_RESULT_ROWS, element: { kind: 'row' } }
          : UNKNOWN;
      case 'ParenthesizedExpression':
        return this.shapes(node)[0] ?? UNKNOWN;
      case 'ArrayExpression':
        return this.array(node);
      case 'MemberExpression':
        return this.member(node);
      case 'CallExpression':
        return this.call(node);
      case 'UnaryExpression':
        this.shapes(node);
        return this.text(node).startsWith('!') ? BOOLEAN : NUMBER;
      case 'BinaryExpression':
        return this.binary(node);
      default:
        // Object literals: their fields are evaluated, what is read from them is unknown.
        this.walk(node);
        return UNKNOWN;
    }
  }

  private shapes(node: SyntaxNode): Shape[] {
    return expressionChildren(node).map((child) => this.shape(child));
  }

  private walk(node: SyntaxNode): void {
    for (let child = node.firstChild; child !== null; child = child.nextSibling) {
      if (child.type.is('Expression')) this.shape(child);
      else this.walk(child);
    }
  }

  /** The value of a string literal; undefined for any other node. */
  private literal(node: SyntaxNode | undefined): string | undefined {
    if (node?.name !== 'String') return undefined;
    const decoded = decodeString(this.text(node));
    return decoded.ok ? decoded.value : undefined;
  }

  private stringLiteral(node: SyntaxNode): Shape {
    const value = this.literal(node);
    return value === undefined ? EMPTY_STRING : { kind: 'string', length: value.length };
  }

  private array(node: SyntaxNode): Shape {
    const elements = this.shapes(node);
    const [first] = elements;
    const same = first !== undefined && elements.every((e) => sameKind(e, first));
    return { kind: 'array', length: elements.length, element: same ? shortest(elements) : UNKNOWN };
  }

  private member(node: SyntaxNode): Shape {
    const targetNode = node.firstChild;
    const keyNode = node.lastChild;
    if (targetNode === null || keyNode === null) return UNKNOWN;
    const target = this.shape(targetNode);
    let key: string | number | undefined;
    if (keyNode.name === 'PropertyName') {
      const decoded = decodeIdentifier(this.text(keyNode));
      key = decoded.ok ? decoded.value : undefined;
    } else {
      const index = expressionChildren(node)[1];
      if (index !== undefined) key = this.constantKey(index);
    }
    if (target.kind === 'array') {
      return key === 'length' ? NUMBER : target.element;
    }
    if (target.kind === 'row' && typeof key === 'string') return this.column(key);
    return UNKNOWN;
  }

  // A literal key, or undefined after charging a computed one like evaluation does.
  private constantKey(index: SyntaxNode): string | number | undefined {
    if (index.name === 'Number') return decodeNumber(this.text(index));
    const shape = this.shape(index);
    const literal = this.literal(index);
    if (literal !== undefined) return literal;
    if (shape.kind === 'string') {
      this.spend(
        index,
        keySteps(shape.length),
        'reading a field by a computed name',
        'use a literal name',
      );
    }
    return undefined;
  }

  private column(name: string): Shape {
    switch (this.columns.get(name)) {
      case 'string':
        return EMPTY_STRING;
      case 'number':
        return NUMBER;
      case 'boolean':
        return BOOLEAN;
      default:
        // Not a column: a missing field is null (CTP 5.4.3.3).
        return { kind: 'null' };
    }
  }

  private call(node: SyntaxNode): Shape {
    const callee = node.firstChild;
    const argList = node.getChild('ArgList');
    if (callee === null || argList === null) return UNKNOWN;
    const argNodes = expressionChildren(argList);
    if (callee.name === 'MemberExpression' && callee.lastChild?.name === 'PropertyName') {
      const method = this.text(callee.lastChild);
      const receiver = callee.firstChild;
      if ((method === 'min' || method === 'max') && receiver !== null) {
        return this.extreme(node, method, this.shape(receiver));
      }
    }
    if (callee.name !== 'VariableName') {
      this.shape(callee);
      argNodes.forEach((arg) => this.shape(arg));
      return UNKNOWN;
    }
    const args = argNodes.map((arg) => this.shape(arg));
    const [a = UNKNOWN, b = UNKNOWN] = args;
    switch (this.text(callee)) {
      case 'toString':
        return this.toText(node, a);
      case 'toNumber':
        if (a.kind === 'string') {
          this.spend(
            node,
            parseSteps(a.length),
            'toNumber of a long string',
            'compare shorter strings',
          );
        }
        return NUMBER;
      case 'toBoolean':
        return BOOLEAN;
      case 'timeUTC':
        // "now" is read without parsing.
        if (a.kind === 'string' && this.literal(argNodes[0]) !== 'now') {
          this.spend(
            node,
            textSteps(a.length),
            'timeUTC of a long string',
            'use a date-time field',
          );
        }
        return NUMBER;
      case 'select':
        return this.select(node, argNodes[0], b);
      case 'matchRegexp':
        this.matchRegexp(node, argNodes[0], b);
        return BOOLEAN;
      default:
        return UNKNOWN;
    }
  }

  private toText(node: SyntaxNode, a: Shape): Shape {
    const steps = toStringSteps(a);
    if (steps > 0) {
      this.spend(
        node,
        steps,
        `toString of ${describeShape(a)}`,
        'select the rows or fields you need first, or compare numbers rather than their text',
      );
    }
    return { kind: 'string', length: textLength(a) };
  }

  private select(node: SyntaxNode, keyNode: SyntaxNode | undefined, rows: Shape): Shape {
    if (rows.kind !== 'array') return UNKNOWN;
    const name = this.literal(keyNode);
    this.spend(
      node,
      rows.length * (1 + (name === undefined ? 0 : keySteps(name.length))),
      `select over ${rows.length} elements`,
      'select fewer times: keep one select of each column',
    );
    const element = rows.element.kind === 'row' && name !== undefined ? this.column(name) : UNKNOWN;
    return { kind: 'array', length: rows.length, element };
  }

  private matchRegexp(node: SyntaxNode, patternNode: SyntaxNode | undefined, subject: Shape): void {
    let programSize = SMALLEST_PROGRAM;
    const pattern = this.literal(patternNode);
    if (pattern !== undefined) {
      const compiled = this.patterns.get(pattern);
      // A malformed pattern fails before matching anything.
      if (compiled === undefined) return;
      programSize = compiled.programSize;
    } else {
      this.spend(
        node,
        compileSteps(SMALLEST_PROGRAM),
        'compiling a computed pattern',
        'write the pattern as a literal',
      );
    }
    const { steps, subjects } = matchCost(programSize, subject);
    if (steps === 0) return;
    this.spend(
      node,
      steps,
      `matchRegexp with a pattern of ${programSize} instructions over ${subjects} string${subjects === 1 ? '' : 's'}`,
      'each subject costs the pattern size times its length; use a smaller pattern (an interval such as {1,64} repeats what it applies to) or match fewer rows',
    );
  }

  private extreme(node: SyntaxNode, method: string, array: Shape): Shape {
    if (array.kind !== 'array') return UNKNOWN;
    const n = array.length;
    if (n <= 1) return array.element;
    const element = array.element;
    // Mixed arrays, rows included, are compared pair by pair (functions.ts extreme()).
    const byPairs = element.kind === 'row' || element.kind === 'array';
    const steps = byPairs
      ? n + n * n
      : n + (element.kind === 'string' ? textSteps(n * element.length) : 0);
    this.spend(
      node,
      steps,
      byPairs
        ? `${method}() over ${n} elements that are not numbers or strings (every pair is compared)`
        : `${method}() over ${n} elements`,
      byPairs
        ? `apply ${method}() to a column: select("name", value).${method}()`
        : 'select fewer rows',
    );
    return element;
  }

  private binary(node: SyntaxNode): Shape {
    const [leftNode, rightNode] = expressionChildren(node);
    const operator = leftNode?.nextSibling;
    if (leftNode === undefined || rightNode === undefined || operator == null) return UNKNOWN;
    const left = this.shape(leftNode);
    const right = this.shape(rightNode);
    const op = this.text(operator);
    switch (op) {
      case '&&':
      case '||':
        return UNKNOWN;
      case '+':
        if (left.kind === 'string' && right.kind === 'string') {
          const length = left.length + right.length;
          this.spend(
            node,
            textSteps(length),
            `joining strings of ${length} characters`,
            'join shorter strings',
          );
          return { kind: 'string', length };
        }
        return left.kind === 'number' && right.kind === 'number' ? NUMBER : UNKNOWN;
      case '-':
      case '*':
      case '/':
      case '%':
        return NUMBER;
    }
    const steps = comparisonSteps(left, right);
    if (steps > 0) {
      this.spend(
        node,
        steps,
        `comparing strings of ${stringLength(left) + stringLength(right)} characters`,
        'compare shorter strings',
      );
    }
    return BOOLEAN;
  }
}

function stringLength(shape: Shape): number {
  return shape.kind === 'string' ? shape.length : 0;
}

// compile.ts operandSteps on shapes: unknown operands cost nothing.
function comparisonSteps(left: Shape, right: Shape): number {
  if (left.kind === 'string' && right.kind === 'string') {
    return textSteps(left.length + right.length);
  }
  if (left.kind === 'string' && right.kind !== 'unknown') return parseSteps(left.length);
  if (right.kind === 'string' && left.kind !== 'unknown') return parseSteps(right.length);
  return 0;
}

/** Steps of matchValue (functions.ts) over a subject of this shape. */
function matchCost(programSize: number, subject: Shape): { steps: number; subjects: number } {
  if (subject.kind === 'string')
    return { steps: matchSteps(programSize, subject.length), subjects: 1 };
  if (subject.kind !== 'array') return { steps: 0, subjects: 0 };
  const inner = matchCost(programSize, subject.element);
  // A known non-string element fails at the first one.
  const matched = inner.subjects > 0 || subject.element.kind === 'unknown' ? subject.length : 0;
  return {
    steps: subject.length + matched * inner.steps,
    subjects: matched * Math.max(inner.subjects, 1),
  };
}

/** The length of toString's text for a value of this shape (values.ts stringify). */
function textLength(shape: Shape): number {
  switch (shape.kind) {
    case 'string':
      return shape.length;
    case 'number':
      return SHORTEST_NUMBER_TEXT;
    case 'boolean':
      return 4;
    case 'row':
      return '[Object Undefined]'.length;
    case 'array':
      return shape.length === 0 ? 0 : shape.length * textLength(shape.element) + shape.length - 1;
    default:
      return 0;
  }
}

/** The steps of toStringValue (values.ts) for a value of this shape. */
function toStringSteps(shape: Shape): number {
  switch (shape.kind) {
    case 'number':
      return NUMBER_FORMAT_STEPS;
    case 'array':
      return shape.length * (1 + toStringSteps(shape.element)) + textSteps(textLength(shape));
    default:
      return 0;
  }
}

function describeShape(shape: Shape): string {
  return shape.kind === 'array' ? `${shape.length} elements` : `a ${shape.kind}`;
}

function sameKind(a: Shape, b: Shape): boolean {
  return a.kind === b.kind && a.kind !== 'array';
}

// The element shape of a literal array whose elements are of one kind: the cheapest.
function shortest(elements: readonly Shape[]): Shape {
  return elements.reduce((best, e) =>
    e.kind === 'string' && best.kind === 'string' && e.length < best.length ? e : best,
  );
}
