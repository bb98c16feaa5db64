import type { SyntaxNode, Tree } from '@lezer/common';

import { expressionChildren } from './check';
import { ConditionError } from './diagnostics';
import type { SourceRange } from './diagnostics';
import { charge } from './environment';
import type { Environment, Evaluator } from './environment';
import {
  FUNCTION_VALUES,
  callFunctionValue,
  callMatchRegexp,
  callMax,
  callMin,
  callSelect,
  callTimeUtc,
  callToNumber,
  callToString,
  createRegexpCache,
  isGlobalFunction,
  withLiteralPatterns,
} from './functions';
import type { PatternSource } from './functions';
import { decodeIdentifier, decodeNumber, decodeString } from './literals';
import {
  add,
  divide,
  equals,
  greaterOrEqual,
  greaterThan,
  lessOrEqual,
  lessThan,
  multiply,
  negate,
  not,
  notEquals,
  remainder,
  subtract,
} from './operators';
import type { CompiledRegexp } from './regexp';
import {
  describeValue,
  isCtpFunction,
  fromHost,
  getArrayField,
  getObjectField,
  isIntegral,
  toBoolean,
  typeOf,
} from './values';
import type { CtpObject, CtpValue } from './values';
import { keySteps, parseSteps, textSteps } from './work';

/**
 * Turns a checked syntax tree into closures, once; evaluating is then calling them.
 * The static check ({@link analyze}) must have passed: names, arity and nesting are
 * trusted here; `literalPatterns` are its compiled pattern literals. Each closure throws
 * {@link ConditionError} on a run-time error.
 */
export function compileTree(
  source: string,
  tree: Tree,
  literalPatterns: ReadonlyMap<string, CompiledRegexp>,
): CompiledTree {
  const top = tree.topNode.firstChild;
  if (top === null) throw new Error('compileTree needs a checked, non-empty tree');
  const compiler = new Compiler(source, literalPatterns);
  const evaluator = compiler.expression(top).run;
  return { evaluator, variables: compiler.variables };
}

/** The closures of a condition, and which of the 4 identifiers they read. */
export interface CompiledTree {
  evaluator: Evaluator;
  variables: ReadonlySet<VariableName>;
}

/** The identifiers of CTP 5.4.8. */
export type VariableName = 'value' | 'updateTime' | 'authorityId' | 'signature';

/**
 * A compiled sub-expression; `constant` when its value is known at compile time, `path`
 * when it is a chain of constant keys (`value[0].name`) on some base.
 */
interface Compiled {
  run: Evaluator;
  constant?: { value: CtpValue };
  path?: { base: Evaluator; steps: PathStep[]; onValue: boolean };
  /** Set on the identifier `value`, which member chains read without a call. */
  variable?: 'value';
}

/** One constant key of a member chain, with the range to blame if it fails. */
interface PathStep {
  key: string | number;
  range: SourceRange;
}

/** getField with a constant key (CTP 5.4.3.3): the array and object cases inline. */
function step(o: CtpValue, key: string | number, range: SourceRange): CtpValue {
  return typeof key === 'number' ? stepIndex(o, key, range) : stepName(o, key, range);
}

function stepIndex(o: CtpValue, index: number, range: SourceRange): CtpValue {
  if (Array.isArray(o)) return index < o.length ? fromHost(o[index]) : null;
  return readField(o, index, range);
}

function stepName(o: CtpValue, name: string, range: SourceRange): CtpValue {
  if (typeof o === 'object' && o !== null && !Array.isArray(o) && !isCtpFunction(o)) {
    // Own fields only: never the prototype.
    return hasOwn.call(o, name) ? fromHost((o as CtpObject)[name]) : null;
  }
  return readField(o, name, range);
}

// `value[i].column`, the most common expression of all, reads env.value directly.
function valuePathEvaluator(steps: readonly PathStep[]): Evaluator {
  const [s0, s1] = steps;
  if (s0 !== undefined && s1 !== undefined && steps.length === 2) {
    const { key: k0, range: r0 } = s0;
    const { key: k1, range: r1 } = s1;
    // value[i].name
    if (typeof k0 === 'number' && typeof k1 === 'string') {
      return (env) => stepName(stepIndex(env.value, k0, r0), k1, r1);
    }
    return (env) => step(step(env.value, k0, r0), k1, r1);
  }
  if (s0 !== undefined && steps.length === 1) return (env) => step(env.value, s0.key, s0.range);
  return pathEvaluator((env) => env.value, steps);
}

// Chains of 1-3 keys, the usual `value[i].column`, get straight-line closures.
function pathEvaluator(base: Evaluator, steps: readonly PathStep[]): Evaluator {
  const [s0, s1, s2] = steps;
  if (s0 !== undefined && s1 === undefined) {
    return (env) => step(base(env), s0.key, s0.range);
  }
  if (s0 !== undefined && s1 !== undefined && s2 === undefined) {
    return (env) => step(step(base(env), s0.key, s0.range), s1.key, s1.range);
  }
  if (s0 !== undefined && s1 !== undefined && s2 !== undefined && steps.length === 3) {
    return (env) =>
      step(step(step(base(env), s0.key, s0.range), s1.key, s1.range), s2.key, s2.range);
  }
  return (env) => {
    let o = base(env);
    for (const s of steps) o = step(o, s.key, s.range);
    return o;
  };
}

const hasOwn = Object.prototype.hasOwnProperty;

function constant(value: CtpValue): Compiled {
  return { run: () => value, constant: { value } };
}

function rangeOf(node: SyntaxNode): SourceRange {
  return { from: node.from, to: node.to };
}

function article(type: string): string {
  return type === 'null' ? 'null' : /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/**
 * A field read on something that is neither an array nor an object (CTP 5.4.9: "attempts
 * to access a field in a null variable"; SPEC-NOTES "CTPScript" 5 extends it to the
 * other primitives, and to functions, which have no fields).
 */
function readField(target: CtpValue, key: CtpValue, range: SourceRange): CtpValue {
  if (typeof target === 'object' && target !== null && !isCtpFunction(target)) {
    return Array.isArray(target)
      ? getArrayField(target, key)
      : getObjectField(target as CtpObject, key);
  }
  throw new ConditionError(
    'CTPSCRIPT_RUNTIME',
    `cannot read field ${describeValue(key, 40)} of ${article(typeOf(target))}`,
    range,
  );
}

/**
 * Steps for the text operands of an operator (`work.ts`): two strings are compared or
 * joined character by character; a string meeting a non-string is read as a number
 * (CTP 5.4.6). Numbers, booleans and the rest cost nothing.
 */
function operandSteps(x: CtpValue, y: CtpValue): number {
  if (typeof x === 'string') {
    return typeof y === 'string' ? textSteps(x.length + y.length) : parseSteps(x.length);
  }
  return typeof y === 'string' ? parseSteps(y.length) : 0;
}

class Compiler {
  /** The identifiers read, so that evaluation fetches only those from the result. */
  readonly variables = new Set<VariableName>();

  constructor(
    private readonly source: string,
    private readonly literalPatterns: ReadonlyMap<string, CompiledRegexp>,
  ) {}

  private text(node: SyntaxNode): string {
    return this.source.slice(node.from, node.to);
  }

  expression(node: SyntaxNode): Compiled {
    switch (node.name) {
      case 'Number':
        return constant(decodeNumber(this.text(node)));
      case 'String':
        return constant(this.string(node));
      case 'BooleanLiteral':
        return constant(this.text(node) === 'true');
      case 'Null':
        return constant(null);
      case 'VariableName':
        return this.variable(node);
      case 'ParenthesizedExpression':
        return this.expression(this.only(node));
      case 'ArrayExpression':
        return this.array(node);
      case 'ObjectExpression':
        return this.object(node);
      case 'MemberExpression':
        return this.member(node);
      case 'CallExpression':
        return this.call(node);
      case 'UnaryExpression':
        return this.unary(node);
      case 'BinaryExpression':
        return this.binary(node);
      default:
        throw new Error(`unexpected node ${node.name}`);
    }
  }

  private only(node: SyntaxNode): SyntaxNode {
    const [inner] = expressionChildren(node);
    if (inner === undefined) throw new Error(`${node.name} without an operand`);
    return inner;
  }

  private string(node: SyntaxNode): string {
    const decoded = decodeString(this.text(node));
    if (!decoded.ok) throw new Error('compileTree got an unchecked string literal');
    return decoded.value;
  }

  private name(node: SyntaxNode): string {
    const decoded = decodeIdentifier(this.text(node));
    if (!decoded.ok) throw new Error('compileTree got an unchecked identifier');
    return decoded.value;
  }

  // CTP 5.4.8: the 4 fields of the measurement result; a function's name is the
  // function itself (CTP 5.4.3.1 type "function").
  private variable(node: SyntaxNode): Compiled {
    const name = this.name(node);
    switch (name) {
      case 'value':
        this.variables.add(name);
        return { run: (env) => env.value, variable: name };
      case 'updateTime':
        this.variables.add(name);
        return { run: (env) => env.updateTime };
      case 'authorityId':
        this.variables.add(name);
        return { run: (env) => env.authorityId };
      case 'signature':
        this.variables.add(name);
        return { run: (env) => env.signature };
    }
    if (isGlobalFunction(name)) return constant(FUNCTION_VALUES[name]);
    throw new Error(`compileTree got an unknown identifier ${name}`);
  }

  // CTP 5.4.1 ArrayLiteral. Values are immutable, so a literal of constants is shared.
  private array(node: SyntaxNode): Compiled {
    const elements = expressionChildren(node).map((child) => this.expression(child));
    if (elements.every((element) => element.constant !== undefined)) {
      return constant(Object.freeze(elements.map((element) => element.constant?.value ?? null)));
    }
    const runs = elements.map((element) => element.run);
    return {
      run: (env) => {
        const out = new Array<CtpValue>(runs.length);
        for (let i = 0; i < runs.length; i++) out[i] = (runs[i] as Evaluator)(env);
        return out;
      },
    };
  }

  // CTP 5.4.1 ObjectLiteral: an object without prototype, so that "__proto__" and
  // "constructor" are ordinary own fields; a repeated key keeps its last value.
  private object(node: SyntaxNode): Compiled {
    const fields: { key: string; value: Compiled }[] = [];
    for (const property of node.getChildren('Property')) {
      const keyNode = property.firstChild;
      const valueNode = property.lastChild;
      if (keyNode === null || valueNode === null) throw new Error('incomplete property');
      const key = keyNode.name === 'String' ? this.string(keyNode) : this.name(keyNode);
      fields.push({ key, value: this.expression(valueNode) });
    }
    const build = (values: readonly CtpValue[]): CtpObject => {
      const out = Object.create(null) as Record<string, CtpValue>;
      fields.forEach((field, i) => {
        out[field.key] = values[i] ?? null;
      });
      return Object.freeze(out);
    };
    if (fields.every((field) => field.value.constant !== undefined)) {
      return constant(build(fields.map((field) => field.value.constant?.value ?? null)));
    }
    const runs = fields.map((field) => field.value.run);
    return { run: (env) => build(runs.map((run) => run(env))) };
  }

  // CTP 5.4.1 `x.name` and `x[expr]`, through getField (CTP 5.4.3.3, SPEC-NOTES 5-6).
  private member(node: SyntaxNode): Compiled {
    const targetNode = node.firstChild;
    const keyNode = node.lastChild;
    if (targetNode === null || keyNode === null) throw new Error('incomplete member expression');
    const targetCompiled = this.expression(targetNode);
    const target = targetCompiled.run;
    const range = rangeOf(node);
    let key: Compiled;
    if (keyNode.name === 'PropertyName') key = constant(this.name(keyNode));
    else {
      const [, index] = expressionChildren(node);
      if (index === undefined) throw new Error('member expression without index');
      key = this.expression(index);
    }
    const k = key.constant?.value;
    if (typeof k === 'string' || (typeof k === 'number' && isIntegral(k) && k >= 0)) {
      // value[0].name: a chain of constant keys becomes one closure.
      const steps = [...(targetCompiled.path?.steps ?? []), { key: k, range }];
      const base = targetCompiled.path?.base ?? target;
      const onValue = targetCompiled.path?.onValue ?? targetCompiled.variable === 'value';
      return {
        run: onValue ? valuePathEvaluator(steps) : pathEvaluator(base, steps),
        path: { base, steps, onValue },
      };
    }
    if (key.constant !== undefined) {
      return { run: (env) => readField(target(env), k ?? null, range) };
    }
    const keyRun = key.run;
    return {
      run: (env) => {
        const o = target(env);
        const name = keyRun(env);
        if (typeof name === 'string') charge(env, keySteps(name.length), range);
        return readField(o, name, range);
      },
    };
  }

  private call(node: SyntaxNode): Compiled {
    const calleeNode = node.firstChild;
    const argList = node.getChild('ArgList');
    if (calleeNode === null || argList === null) throw new Error('incomplete call');
    const args = expressionChildren(argList).map((child) => this.expression(child).run);
    const range = rangeOf(node);
    const [a = () => null, b = () => null] = args;
    if (calleeNode.name === 'VariableName') {
      const name = this.name(calleeNode);
      switch (name) {
        case 'toString':
          return { run: (env) => callToString(a(env), env, range) };
        case 'toBoolean':
          return { run: (env) => toBoolean(a(env)) };
        case 'toNumber':
          return { run: (env) => callToNumber(a(env), env, range) };
        case 'select':
          return { run: (env) => callSelect(a(env), b(env), env, range) };
        case 'timeUTC':
          return { run: (env) => callTimeUtc(a(env), env, range) };
        case 'matchRegexp': {
          const patterns = this.patterns();
          return { run: (env) => callMatchRegexp(a(env), b(env), env, range, patterns) };
        }
      }
    }
    if (calleeNode.name === 'MemberExpression' && calleeNode.lastChild?.name === 'PropertyName') {
      const method = this.name(calleeNode.lastChild);
      const receiverNode = calleeNode.firstChild;
      if ((method === 'min' || method === 'max') && receiverNode !== null) {
        const receiver = this.expression(receiverNode).run;
        return method === 'min'
          ? { run: (env) => callMin(receiver(env), env, range) }
          : { run: (env) => callMax(receiver(env), env, range) };
      }
    }
    // Anything else calls whatever the callee evaluates to: (toString)(x), value[0](x).
    const callee = this.expression(calleeNode).run;
    const patterns = this.patterns();
    return {
      run: (env: Environment) =>
        callFunctionValue(
          callee(env),
          args.map((arg) => arg(env)),
          env,
          range,
          patterns,
        ),
    };
  }

  // Literal patterns were compiled by the static check; others compile per call site.
  private patterns(): PatternSource {
    return withLiteralPatterns(this.literalPatterns, createRegexpCache());
  }

  private unary(node: SyntaxNode): Compiled {
    const operator = node.firstChild;
    const operand = this.expression(this.only(node));
    const op = operator === null ? '' : this.text(operator);
    const run = operand.run;
    const compiled: Compiled =
      op === '!' ? { run: (env) => not(run(env)) } : { run: (env) => negate(run(env)) };
    if (operand.constant !== undefined) {
      const value = compiled.run(undefined as unknown as Environment);
      return constant(value);
    }
    return compiled;
  }

  private binary(node: SyntaxNode): Compiled {
    const [leftNode, rightNode] = expressionChildren(node);
    const operatorNode = leftNode?.nextSibling;
    if (leftNode === undefined || rightNode === undefined || operatorNode == null) {
      throw new Error('incomplete binary expression');
    }
    const op = this.text(operatorNode);
    const left = this.expression(leftNode);
    const right = this.expression(rightNode);
    const l = left.run;
    const r = right.run;
    const range = rangeOf(node);
    switch (op) {
      // CTP 5.4.5: operands are returned, and the right one is evaluated only if needed.
      case '&&':
        return {
          run: (env) => {
            const x = l(env);
            return toBoolean(x) ? r(env) : x;
          },
        };
      case '||':
        return {
          run: (env) => {
            const x = l(env);
            return toBoolean(x) ? x : r(env);
          },
        };
      case '+':
        return this.fold(left, right, add, {
          run: (env) => {
            const x = l(env);
            const y = r(env);
            if (typeof x === 'string' && typeof y === 'string') {
              if (x.length + y.length > env.limits.maxStringLength) {
                throw new ConditionError(
                  'CTPSCRIPT_LIMIT',
                  `string longer than ${env.limits.maxStringLength} characters`,
                  range,
                );
              }
              charge(env, textSteps(x.length + y.length), range);
              return x + y;
            }
            return add(x, y);
          },
        });
    }
    const operator = BINARY[op];
    if (operator === undefined) throw new Error(`unknown operator ${op}`);
    if (!COMPARISONS.has(op)) {
      return this.fold(left, right, operator, { run: (env) => operator(l(env), r(env)) });
    }
    const rightConstant = right.constant?.value;
    if (typeof rightConstant === 'number' && left.constant === undefined) {
      const inline = compareWithNumber(op, l, rightConstant, range);
      if (inline !== undefined) return { run: inline };
    }
    return this.fold(left, right, operator, {
      run: (env) => {
        const x = l(env);
        const y = r(env);
        if (typeof x === 'string' || typeof y === 'string') {
          charge(env, operandSteps(x, y), range);
        }
        return operator(x, y);
      },
    });
  }

  // Operators never fail and never read the environment: constant operands give a
  // constant, computed once here (two strings are left to run time, where joining them
  // is bounded and charged).
  private fold(
    left: Compiled,
    right: Compiled,
    operator: (x: CtpValue, y: CtpValue) => CtpValue,
    compiled: Compiled,
  ): Compiled {
    if (left.constant === undefined || right.constant === undefined) return compiled;
    const x = left.constant.value;
    const y = right.constant.value;
    if (typeof x === 'string' && typeof y === 'string') return compiled;
    return constant(operator(x, y));
  }
}

const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '!=']);

const BINARY: Record<string, (a: CtpValue, b: CtpValue) => CtpValue> = {
  '-': subtract,
  '*': multiply,
  '/': divide,
  '%': remainder,
  '<': lessThan,
  '<=': lessOrEqual,
  '>': greaterThan,
  '>=': greaterOrEqual,
  '==': equals,
  '!=': notEquals,
  '+': add,
};

/**
 * A comparison with a number literal, the number-number case inline (the common case);
 * a string on the left is read as a number (CTP 5.4.6), which is charged.
 */
function compareWithNumber(
  op: string,
  l: Evaluator,
  c: number,
  range: SourceRange,
): Evaluator | undefined {
  const operator = BINARY[op];
  const slow = (x: CtpValue, env: Environment): CtpValue => {
    if (typeof x === 'string') charge(env, parseSteps(x.length), range);
    return (operator as (a: CtpValue, b: CtpValue) => CtpValue)(x, c);
  };
  switch (op) {
    case '<':
      return (env) => {
        const x = l(env);
        return typeof x === 'number' ? x < c : slow(x, env);
      };
    case '<=':
      return (env) => {
        const x = l(env);
        return typeof x === 'number' ? x <= c : slow(x, env);
      };
    case '>':
      return (env) => {
        const x = l(env);
        return typeof x === 'number' ? x > c : slow(x, env);
      };
    case '>=':
      return (env) => {
        const x = l(env);
        return typeof x === 'number' ? x >= c : slow(x, env);
      };
    case '==':
      return (env) => {
        const x = l(env);
        return typeof x === 'number' ? x === c : slow(x, env);
      };
    case '!=':
      return (env) => {
        const x = l(env);
        return typeof x === 'number' ? x !== c : slow(x, env);
      };
  }
  return undefined;
}
