import { styleTags, tags as t } from '@lezer/highlight';

/**
 * Highlighting props for the CTPScript grammar (attached to the parser through the
 * grammar's `@external propSource`), so that CodeMirror's `syntaxHighlighting` works on
 * the generated parser without further setup.
 */
export const ctpscriptHighlighting = styleTags({
  Number: t.number,
  String: t.string,
  BooleanLiteral: t.bool,
  Null: t.null,
  VariableName: t.variableName,
  'CallExpression/VariableName': t.function(t.variableName),
  PropertyName: t.propertyName,
  'CallExpression/MemberExpression/PropertyName': t.function(t.propertyName),
  'Property/PropertyName': t.propertyName,
  ArithOp: t.arithmeticOperator,
  LogicOp: t.logicOperator,
  CompareOp: t.compareOperator,
  '( )': t.paren,
  '[ ]': t.squareBracket,
  '{ }': t.brace,
  '.': t.derefOperator,
  ', :': t.separator,
});
