/**
 * RFC 3339 section 5.6 `date-time`, parsed strictly (SPEC-NOTES "CTPScript" 10): exact
 * digit counts, real calendar days (no 2015-02-30, which `Date.parse` accepts), offsets
 * `Z` or `±hh:mm`, lower-case `t` and `z` (RFC 3339 5.6 NOTE), fractional seconds kept,
 * and the leap second `:60` where it can occur (23:59:60 in UTC, RFC 3339 5.7).
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Seconds since 1970-01-01T00:00:00Z (negative before), or undefined when not valid. */
export function parseDateTime(text: string): number | undefined {
  const match = DATE_TIME.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zulu, offsetSign, offsetHour, offsetMinute] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12) return undefined;
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  let offset = 0;
  if (zulu === undefined) {
    const oh = Number(offsetHour);
    const om = Number(offsetMinute);
    if (oh > 23 || om > 59) return undefined;
    offset = (oh * 60 + om) * (offsetSign === '-' ? -1 : 1);
  }
  const minutesOfDay = hour * 60 + minute - offset;
  // A leap second is the last second of a UTC day: 23:59:60Z (or the same instant in
  // another offset, such as 15:59:60-08:00 in RFC 3339 5.8).
  if (second === 60 && ((minutesOfDay % 1440) + 1440) % 1440 !== 1439) return undefined;
  const whole = daysFromCivil(year, month, day) * 86400 + minutesOfDay * 60 + second;
  return fraction === undefined ? whole : whole + Number(`0${fraction}`);
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
 * exact for every 4-digit year.
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
