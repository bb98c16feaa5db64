/**
 * Evidence references of a vendor's telemetry and what is known of each (docs/opencts.md
 * "Evidence"): the references collected with where the document names them, a file's
 * comparison with them, and each reference's status from the checks recorded. Pure.
 */
import type { CtsReading } from '../../../shared/cts';
import {
  EVIDENCE_STATUSES,
  parseEvidenceReference,
  type EvidenceFileCheck,
  type EvidenceFileDigest,
  type EvidenceItem,
  type EvidenceReference,
  type EvidenceStatus,
} from '../../../shared/ctsEvidence';
import type { EvidenceCheckRecord } from './vendorCtsStore';

/** At most this many distinct references are listed (a hostile document may hold more). */
export const MAX_REFERENCES = 5_000;

/** Every distinct reference of a document, in document order, with where it is named. */
export function collectReferences(
  reading: CtsReading,
): Array<{ reference: EvidenceReference; where: string[] }> {
  const found = new Map<string, { reference: EvidenceReference; where: string[] }>();
  const add = (value: unknown, where: string): void => {
    const reference = parseEvidenceReference(value);
    if (reference === null) return;
    const entry = found.get(reference.text);
    if (entry !== undefined) {
      if (!entry.where.includes(where) && entry.where.length < 20) entry.where.push(where);
    } else if (found.size < MAX_REFERENCES)
      found.set(reference.text, { reference, where: [where] });
  };
  for (const value of reading.evidenceRefs) add(value, 'posture');
  for (const framework of reading.frameworks) {
    for (const control of framework.controls) {
      for (const value of control.evidenceRefs) add(value, `${framework.name} ${control.id}`);
    }
  }
  return [...found.values()];
}

/** The last path segment of a URL (`…/soc2-report.pdf` → `soc2-report.pdf`), decoded. */
function basename(url: string | null): string | null {
  if (url === null) return null;
  try {
    const segment = new URL(url).pathname.split('/').pop() ?? '';
    return segment === '' ? null : decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * A file against the references: it verifies every reference whose digest it has; else
 * it is compared with the https references whose file name it bears (mismatch when they
 * name another digest, no digest when they name none); else it matches nothing.
 */
export function checkFile(
  file: EvidenceFileDigest,
  references: readonly EvidenceReference[],
  checkedAt: string,
): { summary: EvidenceFileCheck; records: EvidenceCheckRecord[] } {
  const base = {
    source: 'file' as const,
    name: file.name,
    sha256: file.sha256,
    size: file.size,
    checkedAt,
  };
  const matching = references.filter((r) => r.digest === file.sha256);
  if (matching.length > 0) {
    return {
      summary: { ...file, outcome: 'verified', references: matching.map((r) => r.text), checkedAt },
      records: matching.map((r) => ({
        ...base,
        reference: r.text,
        outcome: 'verified',
        detail: null,
      })),
    };
  }
  const named = references.filter((r) => r.kind === 'https' && basename(r.url) === file.name);
  if (named.length > 0) {
    const outcome = named.some((r) => r.digest !== null) ? 'mismatch' : 'no_digest';
    return {
      summary: { ...file, outcome, references: named.map((r) => r.text), checkedAt },
      records: named.map((r) => ({
        ...base,
        reference: r.text,
        outcome: r.digest === null ? 'no_digest' : 'mismatch',
        detail:
          r.digest === null
            ? null
            : `the file hashes to ${file.sha256}, the reference names ${r.digest}`,
      })),
    };
  }
  return {
    summary: { ...file, outcome: 'unmatched', references: [], checkedAt },
    records: [
      {
        ...base,
        reference: null,
        outcome: 'unmatched',
        detail: 'matches no reference of the telemetry',
      },
    ],
  };
}

/** Each reference with its status: the latest check recorded for it, else what its kind allows. */
export function evidenceItems(
  collected: ReadonlyArray<{ reference: EvidenceReference; where: string[] }>,
  checks: readonly EvidenceCheckRecord[],
  now: number,
): { items: EvidenceItem[]; counts: Record<EvidenceStatus, number> } {
  const latest = new Map<string, EvidenceCheckRecord>();
  for (const check of checks) if (check.reference !== null) latest.set(check.reference, check);
  const items = collected.map(({ reference, where }): EvidenceItem => {
    const check = latest.get(reference.text) ?? null;
    const observed =
      check === null
        ? null
        : {
            source: check.source,
            name: check.name,
            sha256: check.sha256,
            size: check.size,
            checkedAt: check.checkedAt,
          };
    return { reference, where, observed, ...statusOf(reference, check, now) };
  });
  items.sort((a, b) => EVIDENCE_STATUSES.indexOf(a.status) - EVIDENCE_STATUSES.indexOf(b.status));
  const counts = Object.fromEntries(EVIDENCE_STATUSES.map((status) => [status, 0])) as Record<
    EvidenceStatus,
    number
  >;
  for (const item of items) counts[item.status]++;
  return { items, counts };
}

function statusOf(
  reference: EvidenceReference,
  check: EvidenceCheckRecord | null,
  now: number,
): { status: EvidenceStatus; detail: string | null } {
  const expiry = reference.expiresAt === null ? null : Date.parse(reference.expiresAt);
  const expired = expiry !== null && expiry <= now;
  if (check !== null && check.outcome !== 'unmatched') {
    if (check.outcome === 'unreachable' && expired)
      return { status: 'expired', detail: `the pre-signed URL expired at ${reference.expiresAt}` };
    return { status: check.outcome, detail: check.detail };
  }
  if (reference.kind === 's3') {
    return {
      status: 'cannot_check',
      detail:
        's3:// locations cannot be fetched here: ask the vendor for the file or a pre-signed https link',
    };
  }
  if (reference.kind === 'other')
    return { status: 'cannot_check', detail: reference.note ?? 'not a form this app can check' };
  if (reference.digest === null && reference.kind === 'sha256')
    return { status: 'no_digest', detail: reference.note };
  if (expired)
    return { status: 'expired', detail: `the pre-signed URL expired at ${reference.expiresAt}` };
  return {
    status: 'unchecked',
    detail:
      reference.kind === 'https'
        ? 'not fetched yet (vendor evidence NAME --fetch)'
        : 'give the file (vendor evidence NAME --check FILE)',
  };
}
