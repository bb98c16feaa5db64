/**
 * RFC 3339 section 5.6 `date-time` (CTP 4.1.4 `datetime`, CTPScript's `timeUTC`), parsed
 * strictly by one parser for both: exact digit counts, real calendar days (no
 * 2015-02-30, which `Date.parse` accepts), offsets `Z` or `±hh:mm`, lower-case `t` and
 * `z` (RFC 3339 5.6 NOTE), `time-secfrac` of one digit or more, and the leap second `:60`
 * only where one can occur: 23:59:60 in UTC, or the same instant in another offset
 * (RFC 3339 5.7, 5.8).
 */

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** An RFC 3339 date-time that passed the strict check, as written (not normalized). */
export interface Rfc3339DateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 to 60 (60 only for a leap second). */
  second: number;
  /** The digits after the decimal point, or `''`. */
  fraction: string;
  /** The offset from UTC in minutes (east positive; 0 for `Z`). */
  offsetMinutes: number;
}

/** The fields of a strict RFC 3339 date-time, or null when the text is not one. */
export function parseRfc3339Fields(text: string): Rfc3339DateTime | null {
  const match = DATE_TIME.exec(text);
  if (match === null) return null;
  const [, y, mo, d, h, mi, s, fraction = '', sign, oh, om] = match;
  const fields: Rfc3339DateTime = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: Number(s),
    fraction,
    offsetMinutes: 0,
  };
  const { year, month, day, hour, minute, second } = fields;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;
  if (sign !== undefined) {
    if (Number(oh) > 23 || Number(om) > 59) return null;
    fields.offsetMinutes = (Number(oh) * 60 + Number(om)) * (sign === '-' ? -1 : 1);
  }
  // A leap second is the last second of a UTC day (RFC 3339 5.7).
  const utcMinuteOfDay = (((hour * 60 + minute - fields.offsetMinutes) % 1440) + 1440) % 1440;
  if (second === 60 && utcMinuteOfDay !== 1439) return null;
  return fields;
}

/**
 * Whole seconds since 1970-01-01T00:00:00Z of the date-time's minute start plus its
 * seconds (a leap second, :60, is thus the next minute's first second, as POSIX counts).
 */
export function epochSeconds(fields: Rfc3339DateTime): number {
  const minutes =
    daysFromCivil(fields.year, fields.month, fields.day) * 1440 +
    fields.hour * 60 +
    fields.minute -
    fields.offsetMinutes;
  return minutes * 60 + fields.second;
}

/**
 * Milliseconds since the epoch, or null when the text is not an RFC 3339 date-time.
 * Fractions are truncated to the millisecond; a leap second (:60) counts as the last
 * millisecond of its minute, so that the stored time keeps its UTC day.
 */
export function parseRfc3339(text: string): number | null {
  const fields = parseRfc3339Fields(text);
  if (fields === null) return null;
  if (fields.second === 60) return (epochSeconds(fields) - 60) * 1000 + 59_999;
  return epochSeconds(fields) * 1000 + Number(fields.fraction.slice(0, 3).padEnd(3, '0'));
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`),
 * exact for every 4-digit year (`Date.UTC` maps years 0-99 to 1900-1999).
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The RFC 3339 form we emit: UTC with milliseconds (SPEC-NOTES "result time"). */
export function formatRfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
