/** Pure formatting helpers for what the pages show. */
import type { ServerStatus } from '../../shared/api';

/**
 * Splits a colon-separated SHA-256 fingerprint (`AB:CD:...`, 32 bytes) into rows of eight
 * bytes, so that it can be read aloud and compared by eye.
 */
export function groupFingerprint(fingerprint: string, bytesPerRow = 8): string[] {
  const bytes = fingerprint
    .trim()
    .toUpperCase()
    .split(/[:\s]+/)
    .filter((part) => part !== '');
  const rows: string[] = [];
  for (let index = 0; index < bytes.length; index += bytesPerRow) {
    rows.push(bytes.slice(index, index + bytesPerRow).join(':'));
  }
  return rows;
}

const TLS_LABELS: Record<ServerStatus['tls']['mode'], string> = {
  auto: 'Self-signed certificate (kept by Trust Auditor)',
  files: 'Certificate from files',
  off: 'Off: plain HTTP',
};

export function tlsModeLabel(mode: ServerStatus['tls']['mode']): string {
  return TLS_LABELS[mode];
}

/** A date and time in the user's locale, e.g. "12 Mar 2026, 14:05". */
export function formatDateTime(iso: string, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** How long ago, e.g. "5 minutes ago"; "just now" under a minute. */
export function formatRelative(iso: string, now: Date, locale?: string): string {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return '';
  const elapsed = now.getTime() - then;
  if (Math.abs(elapsed) < 60_000) return 'just now';
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(elapsed) >= size) return format.format(-Math.round(elapsed / size), unit);
  }
  return 'just now';
}

/** A count with thousands separators. */
export function formatCount(count: number, locale?: string): string {
  return new Intl.NumberFormat(locale).format(count);
}
