import { describe, expect, it } from 'vitest';

import {
  formatCount,
  formatDateTime,
  formatRelative,
  groupFingerprint,
  tlsModeLabel,
} from '../../../renderer/src/format';

describe('groupFingerprint', () => {
  const bytes = Array.from({ length: 32 }, (_, index) => index.toString(16).padStart(2, '0'));

  it('splits a SHA-256 fingerprint into four rows of eight bytes, upper case', () => {
    const rows = groupFingerprint(bytes.join(':'));
    expect(rows).toHaveLength(4);
    expect(rows[0]).toBe('00:01:02:03:04:05:06:07');
    expect(rows[3]).toBe('18:19:1A:1B:1C:1D:1E:1F');
  });

  it('accepts spaces as separators and a short value', () => {
    expect(groupFingerprint(' ab cd ef ')).toEqual(['AB:CD:EF']);
  });
});

describe('formatting', () => {
  it('labels TLS modes', () => {
    expect(tlsModeLabel('off')).toMatch(/plain HTTP/);
    expect(tlsModeLabel('auto')).toMatch(/Self-signed/);
    expect(tlsModeLabel('files')).toMatch(/files/);
  });

  it('formats relative times', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    expect(formatRelative('2026-01-01T11:59:30Z', now, 'en')).toBe('just now');
    expect(formatRelative('2026-01-01T11:55:00Z', now, 'en')).toBe('5 minutes ago');
    expect(formatRelative('2026-01-01T09:00:00Z', now, 'en')).toBe('3 hours ago');
    expect(formatRelative('2025-12-30T12:00:00Z', now, 'en')).toBe('2 days ago');
    expect(formatRelative('not a date', now, 'en')).toBe('');
  });

  it('formats dates and counts, and leaves an unreadable date as it is', () => {
    expect(formatDateTime('2026-03-12T14:05:00Z', 'en')).toContain('2026');
    expect(formatDateTime('garbage')).toBe('garbage');
    expect(formatCount(12345, 'en')).toBe('12,345');
  });
});
