/**
 * ISO 8601 timestamps with a time zone, as the spec's `created_at` and `signed_at` use
 * them (`2025-10-22T19:55:05.419113+00:00`, `2025-10-22T19:55:05Z`). Pure.
 */

const ISO_WITH_ZONE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Milliseconds since the epoch for a date-time with a zone (`Z` or `±hh:mm`), or null
 * when the text is not one or names an impossible date (February 30th, hour 24).
 */
export function parseZonedTimestamp(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const match = ISO_WITH_ZONE.exec(text);
  if (match === null) return null;
  const [, y, mo, d, h, mi, s, fraction, zone, zh, zm] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const zoneHours = Number(zh);
    const zoneMinutes = Number(zm);
    if (zoneHours > 23 || zoneMinutes > 59) return null;
    offsetMinutes = (zone?.startsWith('-') ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  }
  const millis = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
