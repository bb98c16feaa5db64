import { describe, expect, it } from 'vitest';

import type { ResultColumn } from '../../../shared/ctp/types';
import { emptyRow, rowsFromValue, valueFromRows } from '../../../renderer/src/resultForm';

const FORMAT: ResultColumn[] = [
  { name: 'severity', type: 'string' },
  { name: 'count', type: 'number' },
  { name: 'fixed', type: 'boolean' },
];

describe('the publish form model', () => {
  it('starts from an empty row, or from the current result', () => {
    expect(emptyRow(FORMAT)).toEqual({ severity: '', count: '', fixed: false });
    expect(rowsFromValue(FORMAT, [{ severity: 'high', count: 3, fixed: true }])).toEqual([
      { severity: 'high', count: '3', fixed: true },
    ]);
  });

  it('turns typed rows into the result value', () => {
    expect(
      valueFromRows(FORMAT, [
        { severity: 'high', count: ' 3 ', fixed: true },
        { severity: '', count: '0.5', fixed: false },
      ]),
    ).toEqual({
      value: [
        { severity: 'high', count: 3, fixed: true },
        { severity: '', count: 0.5, fixed: false },
      ],
    });
  });

  it.each([
    ['an empty number', ''],
    ['a word', 'three'],
    ['infinity', 'Infinity'],
  ])('names the cell of %s', (_name, count) => {
    expect(valueFromRows(FORMAT, [{ severity: 'x', count, fixed: false }])).toEqual({
      problems: [{ row: 0, column: 'count', message: 'must be a number' }],
    });
  });

  it('applies the server rule to the whole result (too many rows)', () => {
    const rows = Array.from({ length: 10_001 }, () => ({
      severity: 'x',
      count: '1',
      fixed: false,
    }));
    const checked = valueFromRows(FORMAT, rows);
    expect(checked).toMatchObject({ problems: [{ row: null, message: /at most 10000/ }] });
  });
});
