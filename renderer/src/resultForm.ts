/**
 * The publish form's model (pure): rows of typed cells generated from a metric's
 * `resultFormat` (CTP 4.4), turned into a result's `value`, checked with the very rule the
 * server applies (shared/ctp/results.ts) before anything is sent.
 */
import { checkResultValue, ResultProblem } from '../../shared/ctp/results';
import type { ResultColumn } from '../../shared/ctp/types';

/** A row as the form edits it: text for number and string columns, a flag for booleans. */
export type FormRow = Record<string, string | boolean>;

/** A problem of one cell (`row`, `column`), or of the whole result (`row` null). */
export interface CellProblem {
  row: number | null;
  column: string | null;
  message: string;
}

export function emptyRow(format: readonly ResultColumn[]): FormRow {
  return Object.fromEntries(
    format.map((column) => [column.name, column.type === 'boolean' ? false : '']),
  );
}

/** The form's rows from a current result's value (to start from what is published). */
export function rowsFromValue(
  format: readonly ResultColumn[],
  value: readonly unknown[],
): FormRow[] {
  return value.map((row) => {
    const cells = (typeof row === 'object' && row !== null ? row : {}) as Record<string, unknown>;
    return Object.fromEntries(
      format.map((column) => {
        const cell = cells[column.name];
        if (column.type === 'boolean') return [column.name, cell === true];
        return [column.name, cell === undefined || cell === null ? '' : String(cell)];
      }),
    );
  });
}

/** The result's `value`, or every problem found (a number that is not one, an empty text). */
export function valueFromRows(
  format: readonly ResultColumn[],
  rows: readonly FormRow[],
): { value: Array<Record<string, unknown>> } | { problems: CellProblem[] } {
  const problems: CellProblem[] = [];
  const value = rows.map((row, index) =>
    Object.fromEntries(
      format.map((column) => {
        const cell = row[column.name];
        if (column.type === 'boolean') return [column.name, cell === true];
        const text = typeof cell === 'string' ? cell.trim() : '';
        if (column.type === 'number') {
          const number = Number(text);
          if (text === '' || !Number.isFinite(number)) {
            problems.push({ row: index, column: column.name, message: 'must be a number' });
          }
          return [column.name, number];
        }
        return [column.name, typeof cell === 'string' ? cell : ''];
      }),
    ),
  );
  if (problems.length > 0) return { problems };
  try {
    checkResultValue(value, format);
  } catch (error) {
    if (!(error instanceof ResultProblem)) throw error;
    return { problems: [{ row: null, column: null, message: error.message }] };
  }
  return { value };
}
