import type { SyntaxNode, Tree } from '@lezer/common';

import type { Diagnostic } from './diagnostics';
import { ARRAY_METHODS, GLOBAL_FUNCTIONS, isArrayMethod, isGlobalFunction } from './functions';
import type { CtpScriptLimits } from './limits';
import { decodeIdentifier, decodeString } from './literals';
import { parser } from './parser.generated';
import {
  compilePrepared,
  prepareEre,
  programSizeMessage,
  RegexpLimitError,
  RegexpSyntaxError,
} from './regexp';
import type { CompiledRegexp, TranslatedEre } from './regexp';
import { suggestName } from './suggest';

/** The 4 identifiers of CTP 5.4.8: the fields of a measurement result. */
export const VARIABLES = ['value', 'updateTime', 'authorityId', 'signature'] as const;

const VARIABLE_SET = new Set<string>(VARIABLES);
const ALL_FUNCTIONS = [...Object.keys(GLOBAL_FUNCTIONS), ...Object.keys(ARRAY_METHODS)];

/** A parsed condition and what the static check found in it. */
export interface Analysis {
  /** Absent when the source was too large to parse. */
  tree?: Tree;
  diagnostics: Diagnostic[];
  /**
   * The regular expression literals given to matchRegexp, compiled, by pattern (absent
   * when malformed; none at all when they are too large in all).
   */
  patterns: Map<string, CompiledRegexp>;
}

/** UTF-8 length of a string, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * The static check of a condition, for creation time (objectives, triggers, the editor):
 * syntax errors (CTP 5.4.1-5.4.2), unknown identifiers (5.4.8), unknown functions and
 * wrong numbers of arguments (5.4.4), size and nesting limits (SPEC-NOTES "CTPScript"
 * 13), each with its position and, for near misses, the name probably meant.
 */
export function analyze(source: string, limits: CtpScriptLimits): Analysis {
  const bytes = utf8Length(source);
  if (bytes > limits.maxSourceBytes) {
    return {
      diagnostics: [
        {
          from: 0,
          to: source.length,
          severity: 'error',
          code: 'CTPSCRIPT_LIMIT',
          message: `the condition is ${bytes} bytes long; at most ${limits.maxSourceBytes} are allowed`,
        },
      ],
      patterns: new Map(),
    };
  }
  const tree = parser.parse(source);
  const diagnostics: Diagnostic[] = [];
  // String.prototype.trim removes exactly ECMAScript's white space and line terminators.
  if (source.trim() === '') {
    diagnostics.push({
      from: 0,
      to: source.length,
      severity: 'error',
      code: 'CTPSCRIPT_SYNTAX',
      message: 'the condition is empty: write an expression such as value[0].percentage >= 99.9',
    });
    return { tree, diagnostics, patterns: new Map() };
  }
  const patterns = new PatternBook(source, diagnostics, limits);
  let depth = 0;
  let nestingReported = false;
  // Error recovery can cascade; the first syntax error is the one that matters.
  let syntaxReported = false;
  tree.iterate({
    enter: (ref) => {
      const node = ref.node;
      if (node.type.isError) {
        if (!syntaxReported) diagnostics.push(syntaxError(source, node.from, node.to));
        syntaxReported = true;
        return false;
      }
      if (node.type.is('Expression')) {
        depth++;
        if (depth > limits.maxNesting && !nestingReported) {
          nestingReported = true;
          diagnostics.push({
            from: node.from,
            to: node.to,
            severity: 'error',
            code: 'CTPSCRIPT_LIMIT',
            message: `expressions are nested more than ${limits.maxNesting} levels deep; simplify the condition`,
          });
        }
      }
      switch (node.name) {
        case 'String':
          checkString(source, node, diagnostics);
          break;
        case 'VariableName':
          checkVariable(source, node, diagnostics);
          break;
        case 'PropertyName':
          checkIdentifier(source, node, diagnostics);
          break;
        case 'CallExpression':
          checkCall(source, node, diagnostics, patterns);
          break;
      }
      return undefined;
    },
    leave: (ref) => {
      if (ref.type.is('Expression')) depth--;
    },
  });
  const compiled = patterns.compile();
  diagnostics.sort((a, b) => a.from - b.from || a.to - b.to);
  return { tree, diagnostics: dedupe(diagnostics), patterns: compiled };
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.from}:${d.to}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function syntaxError(source: string, from: number, to: number): Diagnostic {
  return {
    from,
    to: Math.max(to, Math.min(from + 1, source.length)),
    severity: 'error',
    code: 'CTPSCRIPT_SYNTAX',
    message: syntaxMessage(source, from, to),
  };
}

function syntaxMessage(source: string, from: number, to: number): string {
  let at = from;
  while (at < source.length && /\s/.test(source.charAt(at))) at++;
  if (at >= source.length)
    return 'the condition ends too early: an operand or a closing bracket is missing';
  const text = source.slice(at, Math.max(to, at + 1));
  const first = text.charAt(0);
  if (first === '"' || first === "'") {
    return 'invalid string literal: unterminated, or with an escape ECMAScript 5 does not define (such as "\\1")';
  }
  const shown = JSON.stringify(text.length > 20 ? `${text.slice(0, 20)}…` : text);
  if (first === '=') return `unexpected ${shown}: compare with == (there is no = nor ===)`;
  if (first === '&' || first === '|')
    return `unexpected ${shown}: the logical operators are && and ||`;
  if (/[0-9]/.test(first) && /^0[0-9]/.test(source.slice(at - 1, at + 1))) {
    return `unexpected ${shown}: numbers cannot start with 0 (no octal literals)`;
  }
  return `unexpected ${shown}`;
}

function checkString(source: string, node: SyntaxNode, diagnostics: Diagnostic[]): void {
  const decoded = decodeString(source.slice(node.from, node.to));
  if (!decoded.ok) {
    const at = node.from + 1 + decoded.offset - 1;
    diagnostics.push({
      from: at,
      to: Math.min(at + 2, node.to),
      severity: 'error',
      code: 'CTPSCRIPT_SYNTAX',
      message: decoded.message,
    });
  }
}

function checkIdentifier(
  source: string,
  node: SyntaxNode,
  diagnostics: Diagnostic[],
): string | undefined {
  const decoded = decodeIdentifier(source.slice(node.from, node.to));
  if (decoded.ok) return decoded.value;
  diagnostics.push({
    from: node.from + decoded.offset,
    to: node.to,
    severity: 'error',
    code: 'CTPSCRIPT_SYNTAX',
    message: decoded.message,
  });
  return undefined;
}

function isCallee(node: SyntaxNode): boolean {
  const parent = node.parent;
  return (
    parent !== null &&
    parent.name === 'CallExpression' &&
    parent.firstChild?.from === node.from &&
    parent.firstChild.to === node.to
  );
}

function checkVariable(source: string, node: SyntaxNode, diagnostics: Diagnostic[]): void {
  const name = checkIdentifier(source, node, diagnostics);
  if (name === undefined || isCallee(node)) return; // calls are checked by checkCall
  if (VARIABLE_SET.has(name) || isGlobalFunction(name)) return;
  const next = node.parent?.name === 'MemberExpression' ? node.nextSibling : null;
  if (name === 'Array' && next?.name === '.') {
    diagnostics.push({
      from: node.from,
      to: node.to,
      severity: 'error',
      code: 'CTPSCRIPT_UNKNOWN_IDENTIFIER',
      message:
        'unknown identifier "Array": min and max are methods of arrays, as in select("x", value).min()',
    });
    return;
  }
  const suggestion = suggestName(name, [...VARIABLES, ...Object.keys(GLOBAL_FUNCTIONS)]);
  diagnostics.push({
    from: node.from,
    to: node.to,
    severity: 'error',
    code: 'CTPSCRIPT_UNKNOWN_IDENTIFIER',
    message:
      `unknown identifier "${name}"` +
      (suggestion === undefined
        ? '; the only ones are value, updateTime, authorityId and signature'
        : `; did you mean ${suggestion}?`),
    ...(suggestion === undefined ? {} : { suggestion }),
  });
}

/** The children of a node that are expressions (operands, arguments, elements). */
export function expressionChildren(node: SyntaxNode | null): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node?.firstChild ?? null; child !== null; child = child.nextSibling) {
    if (child.type.is('Expression')) out.push(child);
  }
  return out;
}

function hasError(node: SyntaxNode): boolean {
  let found = false;
  node.toTree().iterate({
    enter: (ref) => {
      if (ref.type.isError) found = true;
      return !found;
    },
  });
  return found;
}

function checkCall(
  source: string,
  node: SyntaxNode,
  diagnostics: Diagnostic[],
  patterns: PatternBook,
): void {
  const callee = node.firstChild;
  const argList = node.getChild('ArgList');
  if (callee === null || argList === null) return;
  const args = expressionChildren(argList);
  const argumentsComplete = !hasError(argList);
  if (callee.name === 'VariableName') {
    const decoded = decodeIdentifier(source.slice(callee.from, callee.to));
    if (!decoded.ok) return;
    const name = decoded.value;
    if (isGlobalFunction(name)) {
      if (argumentsComplete)
        checkArity(name, GLOBAL_FUNCTIONS[name], args.length, node, diagnostics);
      if (name === 'matchRegexp' && argumentsComplete && args[0]?.name === 'String')
        patterns.add(args[0]);
      return;
    }
    if (isArrayMethod(name)) {
      diagnostics.push({
        from: callee.from,
        to: callee.to,
        severity: 'error',
        code: 'CTPSCRIPT_UNKNOWN_FUNCTION',
        message: `${name} is a method of arrays: write ARRAY.${name}(), as in select("x", value).${name}()`,
      });
      return;
    }
    unknownFunction(name, callee, diagnostics);
    return;
  }
  if (callee.name === 'MemberExpression') {
    const property = callee.lastChild;
    if (property === null || property.name !== 'PropertyName') return; // x[expr](): checked at run time
    const decoded = decodeIdentifier(source.slice(property.from, property.to));
    if (!decoded.ok) return;
    const name = decoded.value;
    if (isArrayMethod(name)) {
      if (argumentsComplete) checkArity(name, ARRAY_METHODS[name], args.length, node, diagnostics);
      return;
    }
    if (isGlobalFunction(name)) {
      diagnostics.push({
        from: property.from,
        to: property.to,
        severity: 'error',
        code: 'CTPSCRIPT_UNKNOWN_FUNCTION',
        message: `${name} is a function, not a method: write ${name}(…) with the value as argument`,
      });
      return;
    }
    unknownFunction(name, property, diagnostics);
  }
}

function unknownFunction(name: string, at: SyntaxNode, diagnostics: Diagnostic[]): void {
  const suggestion =
    name === 'toTimeUTC' || name === 'toTime' ? 'timeUTC' : suggestName(name, ALL_FUNCTIONS);
  diagnostics.push({
    from: at.from,
    to: at.to,
    severity: 'error',
    code: 'CTPSCRIPT_UNKNOWN_FUNCTION',
    message:
      `unknown function "${name}"` +
      (suggestion === undefined
        ? '; CTPScript has toString, toBoolean, toNumber, matchRegexp, select, timeUTC and ARRAY.min(), ARRAY.max()'
        : `; did you mean ${suggestion}?`),
    ...(suggestion === undefined ? {} : { suggestion }),
  });
}

function checkArity(
  name: string,
  arity: number,
  count: number,
  node: SyntaxNode,
  diagnostics: Diagnostic[],
): void {
  if (arity === count) return;
  diagnostics.push({
    from: node.from,
    to: node.to,
    severity: 'error',
    code: 'CTPSCRIPT_ARITY',
    message: `${name} takes ${arity === 0 ? 'no' : arity} argument${arity === 1 ? '' : 's'}, not ${count}`,
  });
}

/**
 * The regular expression literals of a condition (matchRegexp's first argument): each
 * is checked when met and compiled at the end, once per distinct pattern, if all of them
 * together fit `maxProgramSize` (compiling takes microseconds per instruction).
 */
class PatternBook {
  private readonly prepared = new Map<string, { translated: TranslatedEre; node: SyntaxNode }>();
  private instructions = 0;

  constructor(
    private readonly source: string,
    private readonly diagnostics: Diagnostic[],
    private readonly limits: CtpScriptLimits,
  ) {}

  add(node: SyntaxNode): void {
    const decoded = decodeString(this.source.slice(node.from, node.to));
    if (!decoded.ok || this.prepared.has(decoded.value)) return;
    let translated: TranslatedEre;
    try {
      translated = prepareEre(decoded.value, this.limits);
    } catch (error) {
      // CTP 5.4.4.6 step 2 makes a malformed pattern a run-time error, so the condition
      // stays valid (a warning); a pattern too large to compile is refused.
      if (error instanceof RegexpLimitError) this.report(node, 'error', error.message);
      else if (error instanceof RegexpSyntaxError) this.report(node, 'warning', malformed(error));
      else throw error;
      return;
    }
    const before = this.instructions;
    this.instructions += translated.instructions;
    this.prepared.set(decoded.value, { translated, node });
    if (before <= this.limits.maxProgramSize && this.instructions > this.limits.maxProgramSize) {
      this.report(
        node,
        'error',
        programSizeMessage(this.instructions, this.limits.maxProgramSize, true),
      );
    }
  }

  /** The patterns compiled, unless they are too large in all (an error was reported). */
  compile(): Map<string, CompiledRegexp> {
    const compiled = new Map<string, CompiledRegexp>();
    if (this.instructions > this.limits.maxProgramSize) return compiled;
    for (const [pattern, { translated, node }] of this.prepared) {
      try {
        compiled.set(pattern, compilePrepared(translated));
      } catch (error) {
        if (!(error instanceof RegexpSyntaxError)) throw error;
        this.report(node, 'warning', malformed(error));
      }
    }
    return compiled;
  }

  private report(node: SyntaxNode, severity: Diagnostic['severity'], message: string): void {
    const code = severity === 'error' ? 'CTPSCRIPT_LIMIT' : 'CTPSCRIPT_RUNTIME';
    this.diagnostics.push({ from: node.from, to: node.to, severity, code, message });
  }
}

function malformed(error: RegexpSyntaxError): string {
  return `malformed regular expression: ${error.message}; matchRegexp will fail at every evaluation`;
}
