import { describe, expect, it } from 'vitest';

import {
  checkVendorName,
  normalizeBaseUrl,
  normalizeFingerprint,
  sameOrigin,
} from '../../../../../electron/core/client/vendorInput';
import { withoutMember, memberValueText } from '../../../../../shared/ctp/jsonText';

const HEX = 'ab'.repeat(32);
const COLONS = Array.from({ length: 32 }, () => 'AB').join(':');

describe('vendor input', () => {
  it.each([
    ['https://ctp.example.com/ctp', 'https://ctp.example.com/ctp/'],
    ['https://ctp.example.com/ctp/', 'https://ctp.example.com/ctp/'],
    ['HTTPS://CTP.example.com:443/ctp/', 'https://ctp.example.com/ctp/'],
    ['http://127.0.0.1:8080/ctp/', 'http://127.0.0.1:8080/ctp/'],
    ['http://localhost/ctp', 'http://localhost/ctp/'],
  ])('normalizes %s', (input, expected) => {
    expect(normalizeBaseUrl(input)).toBe(expected);
  });

  it.each([
    ['not a url', /is not a URL/],
    ['ftp://example.com/ctp/', /must be an https URL/],
    ['http://ctp.example.com/ctp/', /in clear/],
    ['https://user:pw@example.com/ctp/', /credentials/],
    ['https://example.com/ctp/?x=1', /query/],
  ])('refuses %s', (input, message) => {
    expect(() => normalizeBaseUrl(input)).toThrow(message);
  });

  it.each([
    [HEX, COLONS],
    [COLONS, COLONS],
    [`sha256:${HEX}`, COLONS],
    [COLONS.toLowerCase(), COLONS],
  ])('normalizes the fingerprint %s', (input, expected) => {
    expect(normalizeFingerprint(input)).toBe(expected);
  });

  it.each([['abc'], ['zz'.repeat(32)], [`${HEX}00`]])('refuses the fingerprint %s', (input) => {
    expect(() => normalizeFingerprint(input)).toThrow(/not a SHA-256 fingerprint/);
  });

  it.each([
    ['acme'],
    ['acme.cloud-1_x'],
    ['A'],
    ['Demo: Nimbus Notes'],
    ['<img src=x onerror=alert(1)>'],
    ['ספק ענן'],
    ['x'.repeat(100)],
  ])('accepts the name %s', (name) => {
    expect(checkVendorName(name)).toBe(name);
  });

  it('stores names in Unicode NFC', () => {
    expect(checkVendorName('Cafe\u0301')).toBe('Caf\u00e9');
  });

  it.each([
    [''],
    [' acme'],
    ['acme '],
    ['x'.repeat(101)],
    ['a\nb'],
    ['a\u0007b'],
    ['a\u0085b'],
    ['\u202Eevil'],
    ['abc\u2066'],
    ['a\u2028b'],
  ])('refuses the name %j', (name) => {
    expect(() => checkVendorName(name)).toThrow(/not valid/);
  });

  it.each([
    ['https://a.example/ctp/', 'https://a.example/ctp/x', true],
    ['https://a.example/ctp/', 'https://a.example:443/other', true],
    ['https://a.example/ctp/', 'http://a.example/ctp/x', false],
    ['https://a.example/ctp/', 'https://b.example/ctp/x', false],
    ['https://a.example/ctp/', 'https://a.example:8443/ctp/x', false],
    ['https://a.example/ctp/', 'nonsense', false],
  ])('sameOrigin(%s, %s) = %s', (a, b, expected) => {
    expect(sameOrigin(a, b)).toBe(expected);
  });
});

describe('raw JSON text (SPEC-NOTES JWS)', () => {
  it.each([
    ['{"a":1,"signature":"s","b":2}', '{"a":1,"b":2}'],
    ['{"signature":"s"}', '{}'],
    ['{"a":{"signature":1},"signature":null}', '{"a":{"signature":1}}'],
    ['{"a":"x,\\"signature\\":1","b":99.0}', '{"a":"x,\\"signature\\":1","b":99.0}'],
    ['{"\\u0061":1.50,"signature":"s"}', '{"\\u0061":1.50}'],
  ])('withoutMember(%s)', (input, expected) => {
    expect(withoutMember(input, 'signature')).toBe(expected);
  });

  it.each([
    ['{ "result" : { "v" : 1.0 } }', '{"v":1.0}'],
    ['{"result":null}', 'null'],
    ['{"x":1}', null],
    ['{"result":1,"result":{"a":"b c"}}', '{"a":"b c"}'],
  ])('memberValueText(%s)', (input, expected) => {
    expect(memberValueText(input, 'result')).toBe(expected);
  });
});
