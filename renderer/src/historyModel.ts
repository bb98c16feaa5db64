/**
 * A measurement's history as the chart and table show it (pure): which result fields can
 * be charted, one series per row of the chosen field, the objective's outcome as bands,
 * and the time window of a range choice.
 */
import type { HistoryPoint, MeasurementHistory } from '../../shared/client';

export interface ChartSeries {
  /** The field, and the row's label when results hold several rows. */
  name: string;
  /** [time in ms, value] pairs, oldest first; null where the result lacks the value. */
  data: Array<[number, number | null]>;
}

export interface OutcomeBand {
  outcome: 'false' | 'error';
  from: number;
  to: number;
}

export type RangeChoice = '7d' | '30d' | '90d' | 'all';

const DAY = 86_400_000;
const RANGE_DAYS: Record<Exclude<RangeChoice, 'all'>, number> = { '7d': 7, '30d': 30, '90d': 90 };

/** The time of a point: its updateTime, else when it was first seen. */
export function pointTime(point: HistoryPoint): number {
  const time = point.updateTime === null ? NaN : Date.parse(point.updateTime);
  return Number.isNaN(time) ? Date.parse(point.firstSeenAt) : time;
}

function rowsOf(point: HistoryPoint): Array<Record<string, unknown>> {
  return point.value.map((row) =>
    typeof row === 'object' && row !== null && !Array.isArray(row)
      ? (row as Record<string, unknown>)
      : {},
  );
}

/** Fields that hold numbers: declared `number` in the result format, or seen as numbers. */
export function numericFields(
  history: Pick<MeasurementHistory, 'resultFormat' | 'points'>,
): string[] {
  const declared = history.resultFormat
    .filter((column) => column.type === 'number')
    .map((column) => column.name);
  if (declared.length > 0) return declared;
  const seen = new Set<string>();
  for (const point of history.points.slice(-50)) {
    for (const row of rowsOf(point)) {
      for (const [key, value] of Object.entries(row)) if (typeof value === 'number') seen.add(key);
    }
  }
  return [...seen];
}

/** A row's label: the value of its first text field (e.g. severity "high"), else its number. */
function rowLabel(row: Record<string, unknown>, index: number): string {
  const text = Object.values(row).find((value) => typeof value === 'string');
  return typeof text === 'string' && text.length <= 40 ? text : `row ${index + 1}`;
}

/** One series per row position (labelled by the row's text when there are several rows). */
export function chartSeries(points: readonly HistoryPoint[], field: string): ChartSeries[] {
  const rowCount = Math.min(
    20,
    points.reduce((most, point) => Math.max(most, point.value.length), 0),
  );
  const labels: string[] = [];
  for (let index = 0; index < rowCount; index++) {
    const sample = points.findLast((point) => point.value.length > index);
    labels.push(
      sample === undefined ? `row ${index + 1}` : rowLabel(rowsOf(sample)[index]!, index),
    );
  }
  return labels.map((label, index) => ({
    name: rowCount > 1 ? `${field} (${label})` : field,
    data: points.map((point): [number, number | null] => {
      const value = rowsOf(point)[index]?.[field];
      return [pointTime(point), typeof value === 'number' && Number.isFinite(value) ? value : null];
    }),
  }));
}

/** Consecutive results whose objective failed (or erred), as time bands. */
export function outcomeBands(points: readonly HistoryPoint[]): OutcomeBand[] {
  const bands: OutcomeBand[] = [];
  points.forEach((point, index) => {
    if (point.outcome !== 'false' && point.outcome !== 'error') return;
    const time = pointTime(point);
    // A band reaches to the next result: that is how long the outcome held.
    const end = index + 1 < points.length ? pointTime(points[index + 1]!) : time;
    const last = bands.at(-1);
    if (last !== undefined && last.outcome === point.outcome && last.to === time) last.to = end;
    else bands.push({ outcome: point.outcome, from: time, to: end });
  });
  return bands;
}

/** The window of a range choice, ending at the newest point; null for everything. */
export function rangeWindow(
  points: readonly HistoryPoint[],
  choice: RangeChoice,
): { from: number; to: number } | null {
  if (choice === 'all' || points.length === 0) return null;
  const to = pointTime(points.at(-1)!);
  return { from: to - RANGE_DAYS[choice] * DAY, to };
}

/** The smallest and largest charted value (null when there is none). */
export function valueRange(series: readonly ChartSeries[]): { min: number; max: number } | null {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const item of series) {
    for (const [, value] of item.data) {
      if (value === null) continue;
      if (value < min) min = value;
      if (value > max) max = value;
    }
  }
  return min <= max ? { min, max } : null;
}
