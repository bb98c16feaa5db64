/**
 * RFC 3339 date-times (CTP 4.1.4 `datetime`), parsed strictly: `Date.parse` accepts
 * 2015-02-30 and many non-RFC forms, so the fields are checked here.
 */

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** Milliseconds since the epoch, or null when the text is not an RFC 3339 date-time. */
export function parseRfc3339(text: string): number | null {
  const match = RFC3339.exec(text);
  if (match === null) return null;
  const [, y, mo, d, h, mi, s, fraction, , sign, oh, om] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;
  let offset = 0;
  if (sign !== undefined) {
    if (Number(oh) > 23 || Number(om) > 59) return null;
    offset = (Number(oh) * 60 + Number(om)) * (sign === '-' ? -1 : 1);
  }
  const ms = fraction === undefined ? 0 : Math.floor(Number(`0${fraction}`) * 1000);
  // A leap second (:60) counts as the last millisecond of its minute.
  const base = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), ms);
  return base - offset * 60_000 + (second === 60 ? 999 - ms : 0);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The RFC 3339 form we emit: UTC with milliseconds (SPEC-NOTES "result time"). */
export function formatRfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
