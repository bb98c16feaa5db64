import { describe, expect, it } from 'vitest';

import { parseRfc3339, parseRfc3339Fields } from '../../../../shared/ctp/time';
import { parseDateTime } from '../../../../shared/ctpscript/time';

// One strict RFC 3339 parser serves CTP's date-times (milliseconds) and CTPScript's
// timeUTC (seconds): both accept and refuse the same texts.

describe('the strict parser shared by CTP and timeUTC', () => {
  it.each([
    // [text, CTP milliseconds, timeUTC seconds]
    ['2016-12-31T23:59:60Z', Date.UTC(2016, 11, 31, 23, 59, 59, 999), 1483228800],
    ['2016-12-31t23:59:60z', Date.UTC(2016, 11, 31, 23, 59, 59, 999), 1483228800],
    // RFC 3339 5.8: the same leap second written in another offset.
    ['1990-12-31T15:59:60-08:00', Date.UTC(1990, 11, 31, 23, 59, 59, 999), 662688000],
    ['2017-01-01T05:29:60+05:30', Date.UTC(2016, 11, 31, 23, 59, 59, 999), 1483228800],
    [
      '2015-07-20T12:34:56.123456789012Z',
      Date.UTC(2015, 6, 20, 12, 34, 56, 123),
      1437395696.1234567,
    ],
    ['2015-07-20T12:34:56.5+01:00', Date.UTC(2015, 6, 20, 11, 34, 56, 500), 1437392096.5],
    // Years 0-99 are years 0-99 (Date.UTC would make them 1900-1999).
    ['0050-01-01T00:00:00Z', -60589296000000, -60589296000],
    ['2000-02-29T00:00:00Z', Date.UTC(2000, 1, 29), 951782400],
  ])('%s is accepted by both', (text, ms, seconds) => {
    expect(parseRfc3339(text)).toBe(ms);
    expect(parseDateTime(text)).toBeCloseTo(seconds, 6);
  });

  it.each([
    ['a leap second inside the day', '2015-07-20T12:34:60Z'],
    ['a leap second at 23:59 in its own offset but not in UTC', '2016-12-31T23:59:60+01:00'],
    ['a leap second at 23:58 UTC', '2016-12-31T23:58:60Z'],
    ['second 61', '2016-12-31T23:59:61Z'],
    ['30 February', '2015-02-30T00:00:00Z'],
    ['29 February of a common year', '1900-02-29T00:00:00Z'],
    ['hour 24', '2015-07-20T24:00:00Z'],
    ['offset hour 24', '2015-07-20T12:00:00+24:00'],
    ['an empty fraction', '2015-07-20T12:34:56.Z'],
    ['no offset', '2015-07-20T12:34:56'],
    ['a space instead of T', '2015-07-20 12:34:56Z'],
    ['an offset without colon', '2015-07-20T12:34:56+0100'],
    ['non-ASCII digits', '٢٠١٥-07-20T12:34:56Z'],
    ['a date alone', '2015-07-20'],
  ])('%s is refused by both', (_what, text) => {
    expect(parseRfc3339Fields(text)).toBeNull();
    expect(parseRfc3339(text)).toBeNull();
    expect(parseDateTime(text)).toBeUndefined();
  });
});
