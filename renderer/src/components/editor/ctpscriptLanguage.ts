/**
 * CTPScript for CodeMirror 6, from `shared/ctpscript` only (CONVENTIONS "Grammar"): the
 * same lezer parser the server compiles with (highlighting), the same static check it runs
 * at trigger creation (live diagnostics, with "did you mean …?"), and completion of the 8
 * functions of CTP 5.4.4, the 4 variables of 5.4.8 and the result fields of the metric.
 */
import {
  autocompletion,
  type CompletionContext,
  type CompletionResult,
} from '@codemirror/autocomplete';
import { LRLanguage, LanguageSupport, syntaxHighlighting } from '@codemirror/language';
import { linter, type Diagnostic as EditorDiagnostic } from '@codemirror/lint';
import type { Extension } from '@codemirror/state';
import { classHighlighter } from '@lezer/highlight';

import {
  ARRAY_METHODS,
  checkCondition,
  GLOBAL_FUNCTIONS,
  parser,
  VARIABLES,
} from '../../../../shared/ctpscript';

export const ctpscriptLanguage = LRLanguage.define({ name: 'ctpscript', parser });

/** A column of the measurement's `resultFormat` (CTP 4.2.5). */
export interface ResultField {
  name: string;
  type: string;
}

/** The editor's diagnostics: the server's own static check, message and suggestion included. */
export function ctpscriptDiagnostics(source: string): EditorDiagnostic[] {
  return checkCondition(source).map((diagnostic) => ({
    from: diagnostic.from,
    to: Math.max(diagnostic.to, diagnostic.from),
    severity: diagnostic.severity,
    message: diagnostic.message,
    source: diagnostic.code,
  }));
}

/** Completions at the cursor: fields after `value[N].`, methods after `.`, names elsewhere. */
export function ctpscriptCompletions(fields: readonly ResultField[]) {
  return (context: CompletionContext): CompletionResult | null => {
    const member = context.matchBefore(/value\s*\[\s*\d+\s*\]\s*\.\s*[A-Za-z_$]*$/);
    if (member !== null) {
      const word = /[A-Za-z_$]*$/.exec(member.text)![0];
      return {
        from: context.pos - word.length,
        options: fields.map((field) => ({
          label: field.name,
          type: 'property',
          detail: field.type,
        })),
        validFor: /^[A-Za-z_$]*$/,
      };
    }
    const method = context.matchBefore(/[\])A-Za-z0-9_$]\s*\.\s*[A-Za-z_$]*$/);
    if (method !== null) {
      const word = /[A-Za-z_$]*$/.exec(method.text)![0];
      return {
        from: context.pos - word.length,
        options: Object.keys(ARRAY_METHODS).map((name) => ({
          label: name,
          type: 'method',
          apply: `${name}()`,
        })),
        validFor: /^[A-Za-z_$]*$/,
      };
    }
    const word = context.matchBefore(/[A-Za-z_$][\w$]*$/);
    if (word === null && !context.explicit) return null;
    return {
      from: word?.from ?? context.pos,
      options: [
        ...Object.keys(GLOBAL_FUNCTIONS).map((name) => ({
          label: name,
          type: 'function',
          apply: `${name}(`,
        })),
        ...VARIABLES.map((name) => ({ label: name, type: 'variable' })),
      ],
      validFor: /^[A-Za-z_$][\w$]*$/,
    };
  };
}

/** Language, highlighting (CSS classes, themed by our stylesheet), diagnostics, completion. */
export function ctpscript(fields: readonly ResultField[]): Extension {
  return [
    new LanguageSupport(ctpscriptLanguage),
    syntaxHighlighting(classHighlighter),
    linter((view) => ctpscriptDiagnostics(view.state.doc.toString()), { delay: 150 }),
    autocompletion({ override: [ctpscriptCompletions(fields)] }),
  ];
}
