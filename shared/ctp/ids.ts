/**
 * CTP identifiers (CTP 4.1.3): the base64url alphabet of RFC 4648 section 5, at most 96
 * characters. SPEC-NOTES "CTP" also accepts `=` (base64url padding).
 */
export const CTP_ID_PATTERN = /^[A-Za-z0-9_=-]{1,96}$/;

/** The same rule as a JSON Schema `pattern` string (for route schemas). */
export const CTP_ID_SCHEMA_PATTERN = '^[A-Za-z0-9_=-]{1,96}$';

export function isCtpId(value: unknown): value is string {
  return typeof value === 'string' && CTP_ID_PATTERN.test(value);
}
