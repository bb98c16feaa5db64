import { epochSeconds, parseRfc3339Fields } from '../ctp/time';

/**
 * `timeUTC`'s reading of RFC 3339 section 5.6 `date-time` (SPEC-NOTES "CTPScript" 10):
 * the strict parser CTP's own date-times use, with fractional seconds kept and a leap
 * second (23:59:60 UTC) counted as the next day's 00:00:00, as POSIX time does.
 */
export function parseDateTime(text: string): number | undefined {
  const fields = parseRfc3339Fields(text);
  if (fields === null) return undefined;
  const whole = epochSeconds(fields);
  return fields.fraction === '' ? whole : whole + Number(`0.${fields.fraction}`);
}
