/** Labels and tones of OpenCTS states, for the posture panel and the vendor's compliance page. */
import type { AttestationCheck, ClaimVerdict, ObjectiveState } from '../../shared/cts';
import type { EvidenceStatus } from '../../shared/ctsEvidence';

export type Tone = 'success' | 'warning' | 'danger' | 'neutral' | 'accent';

const STATUS: Record<string, { label: string; tone: Tone }> = {
  compliant: { label: 'Compliant', tone: 'success' },
  partially_compliant: { label: 'Partially compliant', tone: 'warning' },
  partial: { label: 'Partial', tone: 'warning' },
  non_compliant: { label: 'Non-compliant', tone: 'danger' },
  unknown: { label: 'Unknown', tone: 'neutral' },
};

/** A posture or a framework's or control's status; anything else is shown as written. */
export function statusLabel(status: string | null): { label: string; tone: Tone } {
  if (status === null) return { label: 'No status', tone: 'neutral' };
  return STATUS[status] ?? { label: status, tone: 'neutral' };
}

export const OBJECTIVE_LABELS: Record<ObjectiveState | 'not_held', { label: string; tone: Tone }> =
  {
    met: { label: 'Met', tone: 'success' },
    not_met: { label: 'Not met', tone: 'danger' },
    not_evidenced: { label: 'Not evidenced', tone: 'warning' },
    not_held: { label: 'Not held', tone: 'neutral' },
  };

export const VERDICT_LABELS: Record<ClaimVerdict, { label: string; tone: Tone }> = {
  contradiction: { label: 'Contradicted', tone: 'danger' },
  consistent: { label: 'Consistent', tone: 'accent' },
  agrees: { label: 'Agrees', tone: 'success' },
  unverifiable: { label: 'Unverifiable', tone: 'neutral' },
  declared: { label: 'Declared', tone: 'neutral' },
};

export const ATTESTATION_LABELS: Record<AttestationCheck['status'], { label: string; tone: Tone }> =
  {
    verified: { label: 'Attestation verified', tone: 'success' },
    pinned_now: { label: 'Attestation verified, key pinned', tone: 'success' },
    key_changed: { label: 'Attestation key changed', tone: 'danger' },
    invalid: { label: 'Attestation invalid', tone: 'danger' },
    mismatch: { label: 'Attestation signs another document', tone: 'danger' },
    absent: { label: 'No attestation', tone: 'neutral' },
    unavailable: { label: 'Attestation unavailable', tone: 'warning' },
  };

export const EVIDENCE_LABELS: Record<EvidenceStatus, { label: string; tone: Tone }> = {
  verified: { label: 'Verified', tone: 'success' },
  mismatch: { label: 'Mismatch', tone: 'danger' },
  unreachable: { label: 'Unreachable', tone: 'warning' },
  expired: { label: 'Expired', tone: 'warning' },
  cannot_check: { label: 'Cannot check here', tone: 'neutral' },
  no_digest: { label: 'No digest to compare', tone: 'neutral' },
  unchecked: { label: 'Not checked', tone: 'neutral' },
};

/** A score in [0, 1] as a percentage with one decimal, rounded down (never shows 100 % early). */
export function formatScore(score: number | null): string {
  if (score === null || !Number.isFinite(score)) return '–';
  return `${(Math.floor(score * 1000) / 10).toFixed(1)} %`;
}
