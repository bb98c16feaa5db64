/** Pure helpers for the vendor pages: freshness, outcomes and signatures for people. */
import type { SignatureStatus, VendorOverview } from '../../shared/client';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Evidence older than a day is worth a look (amber); older than a week is stale (red). */
export const FRESH_FOR_MS = DAY;
export const STALE_AFTER_MS = 7 * DAY;

export type Tone = 'success' | 'warning' | 'danger' | 'neutral' | 'accent';

export interface Freshness {
  tone: Tone;
  /** "2 hours old", "3 days old", "never synced". */
  label: string;
}

/** How old the evidence is, from the last sync that ran to its end. */
export function freshness(lastFinishedAt: string | null, now: Date): Freshness {
  if (lastFinishedAt === null) return { tone: 'neutral', label: 'never synced' };
  const age = now.getTime() - Date.parse(lastFinishedAt);
  if (Number.isNaN(age)) return { tone: 'neutral', label: 'unknown age' };
  const tone: Tone = age >= STALE_AFTER_MS ? 'danger' : age >= FRESH_FOR_MS ? 'warning' : 'success';
  if (age < HOUR) return { tone, label: 'less than an hour old' };
  if (age < DAY) {
    const hours = Math.floor(age / HOUR);
    return { tone, label: `${hours} ${hours === 1 ? 'hour' : 'hours'} old` };
  }
  const days = Math.floor(age / DAY);
  return { tone, label: `${days} ${days === 1 ? 'day' : 'days'} old` };
}

export type Outcome = 'true' | 'false' | 'error' | 'no_result' | null;

const OUTCOME: Record<string, { label: string; tone: Tone }> = {
  true: { label: 'Met', tone: 'success' },
  false: { label: 'Failed', tone: 'danger' },
  error: { label: 'Error', tone: 'warning' },
  no_result: { label: 'No result', tone: 'neutral' },
};

export function outcomeLabel(outcome: Outcome): string {
  return outcome === null ? 'No status' : (OUTCOME[outcome]?.label ?? outcome);
}

export function outcomeTone(outcome: Outcome): Tone {
  return outcome === null ? 'neutral' : (OUTCOME[outcome]?.tone ?? 'neutral');
}

const SIGNATURE: Record<SignatureStatus, { label: string; tone: Tone }> = {
  verified: { label: 'Verified', tone: 'success' },
  unsigned: { label: 'Unsigned', tone: 'neutral' },
  invalid: { label: 'Invalid', tone: 'danger' },
  unknown_authority: { label: 'Unknown authority', tone: 'warning' },
};

export function signatureLabel(status: SignatureStatus | null): string {
  return status === null ? 'No result' : SIGNATURE[status].label;
}

export function signatureTone(status: SignatureStatus | null): Tone {
  return status === null ? 'neutral' : SIGNATURE[status].tone;
}

export function trustLabel(trust: VendorOverview['trust']): string {
  return trust === 'fingerprint' ? 'Pinned certificate' : trust === 'ca' ? 'CA file' : 'System CAs';
}

/** True when the vendor needs the auditor's attention. */
export function needsAttention(vendor: VendorOverview, now: Date): boolean {
  return (
    vendor.objectives.failed + vendor.objectives.error + vendor.objectives.disagreeing > 0 ||
    vendor.signatures.invalid > 0 ||
    vendor.openAlerts > 0 ||
    (vendor.lastSync !== null && vendor.lastSync.status !== 'ok') ||
    freshness(vendor.lastFinishedAt, now).tone !== 'success'
  );
}

export type PortfolioSort = 'name' | 'lastSync' | 'failed' | 'alerts';

/** Sorts a copy of the portfolio; names compare as people read them. */
export function sortPortfolio(
  vendors: readonly VendorOverview[],
  by: PortfolioSort,
): VendorOverview[] {
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  const byName = (a: VendorOverview, b: VendorOverview) => collator.compare(a.name, b.name);
  const compare: Record<PortfolioSort, (a: VendorOverview, b: VendorOverview) => number> = {
    name: byName,
    // Oldest evidence first: what most needs a sync.
    lastSync: (a, b) =>
      (a.lastFinishedAt ?? '').localeCompare(b.lastFinishedAt ?? '') || byName(a, b),
    failed: (a, b) =>
      b.objectives.failed +
        b.objectives.disagreeing -
        (a.objectives.failed + a.objectives.disagreeing) || byName(a, b),
    alerts: (a, b) => b.openAlerts - a.openAlerts || byName(a, b),
  };
  return [...vendors].sort(compare[by]);
}

/** Vendors whose name, provider or CtpBase holds the text (case-insensitive). */
export function filterPortfolio(
  vendors: readonly VendorOverview[],
  text: string,
): VendorOverview[] {
  const needle = text.trim().toLocaleLowerCase();
  if (needle === '') return [...vendors];
  return vendors.filter((vendor) =>
    [vendor.name, vendor.provider ?? '', vendor.baseUrl].some((field) =>
      field.toLocaleLowerCase().includes(needle),
    ),
  );
}
