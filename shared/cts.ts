/**
 * OpenCTS v1 (`specs/opencts-v1.md`): the telemetry document, the rules that turn the
 * objectives of mapped CTP measurements into control and framework statuses, scores and
 * a posture (SPEC-NOTES "OpenCTS", docs/opencts.md), and the kinds of evidence reference.
 * The provider computes its telemetry with these rules and the auditor re-applies them to
 * its own evaluation of a vendor's objectives, so both sides agree by construction. Pure.
 */

/** The root `compliance_posture` (schema enum). */
export type CtsPosture = 'compliant' | 'partially_compliant' | 'non_compliant' | 'unknown';

/** A framework's or a control's `status` (schema enum: there is no `unknown` here). */
export type CtsStatus = 'compliant' | 'partial' | 'non_compliant';

export const CTS_STATUSES: readonly CtsStatus[] = ['compliant', 'partial', 'non_compliant'];
export const CTS_POSTURES: readonly CtsPosture[] = [
  'compliant',
  'partially_compliant',
  'non_compliant',
  'unknown',
];

export interface CtsControl {
  id: string;
  title?: string;
  status: CtsStatus;
  /** The spec's one reference per control (the first, when there are several). */
  evidence_ref?: string;
  /** Every reference, when there are several (the upstream examples' form; the schema allows it). */
  evidence_refs?: string[];
}

export interface CtsFramework {
  name: string;
  status: CtsStatus;
  /** In [0, 1]: see {@link frameworkOutcome}. */
  score: number;
  controls?: CtsControl[];
}

/** The `GET /cts` document: root fields exactly as `cts-schema.v1-2025-10-16.json` allows. */
export interface CtsTelemetry {
  version: 'v1';
  /** When the document's content last changed (RFC 3339, UTC). */
  timestamp: string;
  compliance_posture: CtsPosture;
  frameworks: CtsFramework[];
  evidence_refs?: string[];
  extensions?: Record<string, unknown>;
}

/** Our key under `extensions` (SPEC-NOTES: everything of ours goes there). */
export const CTS_EXTENSION = 'trust-auditor';

/** What a mapped measurement's objective says about its control. */
export type ObjectiveState = 'met' | 'not_met' | 'not_evidenced';

/** Why an objective gives no evidence either way. */
export type NotEvidencedReason =
  /** The condition failed to evaluate (`error`, CTP 5.4.9). */
  | 'error'
  /** The measurement has no result yet. */
  | 'no_result'
  /** The measurement is `pending` or `deactivated` (CTP 4.2.6.2). */
  | 'not_activated'
  /** The measurement has no objective to judge. */
  | 'no_objective'
  /** The mapped measurement no longer exists. */
  | 'missing';

export interface ObjectiveReading {
  state: ObjectiveState;
  reason?: NotEvidencedReason;
}

/** What a measurement looks like to the rules, wherever it was read (server.db, a workspace). */
export interface MeasurementFacts {
  state: 'activated' | 'deactivated' | 'pending';
  hasObjective: boolean;
  hasResult: boolean;
  /** The objective's status (`true`/`false`/`error`), or null when never evaluated. */
  objectiveStatus: 'true' | 'false' | 'error' | null;
}

/**
 * SPEC-NOTES "OpenCTS": an objective is met (`true`), not met (`false`), or not evidenced
 * (evaluation error, no result, measurement not activated, no objective, gone).
 */
export function readObjective(facts: MeasurementFacts | undefined): ObjectiveReading {
  if (facts === undefined) return { state: 'not_evidenced', reason: 'missing' };
  if (!facts.hasObjective) return { state: 'not_evidenced', reason: 'no_objective' };
  if (facts.state !== 'activated') return { state: 'not_evidenced', reason: 'not_activated' };
  if (!facts.hasResult) return { state: 'not_evidenced', reason: 'no_result' };
  if (facts.objectiveStatus === 'true') return { state: 'met' };
  if (facts.objectiveStatus === 'false') return { state: 'not_met' };
  return {
    state: 'not_evidenced',
    reason: facts.objectiveStatus === 'error' ? 'error' : 'no_result',
  };
}

/**
 * A control with mapped measurements: every objective met → `compliant`; none met →
 * `non_compliant`; otherwise `partial`. Not evidenced counts as not met.
 */
export function controlStatus(states: readonly ObjectiveState[]): CtsStatus {
  let met = 0;
  for (const state of states) if (state === 'met') met++;
  if (states.length > 0 && met === states.length) return 'compliant';
  return met === 0 ? 'non_compliant' : 'partial';
}

/** The weight of a status in a score: 1, 0.5 or 0. */
export function statusWeight(status: CtsStatus): number {
  return status === 'compliant' ? 1 : status === 'partial' ? 0.5 : 0;
}

/**
 * A framework's score is the mean weight of its controls, computed as one division of
 * whole numbers ((2·compliant + partial) / (2·controls)) so that it is exactly 1 only when
 * every control is compliant and exactly 0 only when none is even partial. Its status is
 * `compliant` at 1, `non_compliant` at 0, `partial` between.
 */
export function frameworkOutcome(statuses: readonly CtsStatus[]): {
  status: CtsStatus;
  score: number;
} {
  if (statuses.length === 0) return { status: 'non_compliant', score: 0 };
  let halves = 0;
  for (const status of statuses)
    halves += status === 'compliant' ? 2 : status === 'partial' ? 1 : 0;
  const score = halves / (2 * statuses.length);
  return { status: score === 1 ? 'compliant' : score === 0 ? 'non_compliant' : 'partial', score };
}

/**
 * The posture: `unknown` with no frameworks or when nothing is evidenced (no mapped
 * objective met or not met, no declared status: a fresh mapping before any result);
 * `compliant` when every framework is; `non_compliant` when every framework is; else
 * `partially_compliant`.
 */
export function postureOf(statuses: readonly CtsStatus[], evidenced: boolean): CtsPosture {
  if (statuses.length === 0 || !evidenced) return 'unknown';
  if (statuses.every((status) => status === 'compliant')) return 'compliant';
  if (statuses.every((status) => status === 'non_compliant')) return 'non_compliant';
  return 'partially_compliant';
}

// ---------------------------------------------------------------------------------------
// The provider's mapping and the telemetry it gives

/** A control of the provider's `compliance` section, as validated at import. */
export interface MappedControl {
  id: string;
  title?: string;
  /** CTP ids of the measurements whose objectives decide the control. */
  measurements: string[];
  /** The declared status of a control without measurements. */
  status?: CtsStatus;
  evidenceRefs: string[];
}

export interface MappedFramework {
  name: string;
  controls: MappedControl[];
  /** The declared status of a framework without controls. */
  status?: CtsStatus;
}

/** The provider's `compliance` section (DESIGN "Provider data"). */
export interface ComplianceMapping {
  frameworks: MappedFramework[];
  evidenceRefs: string[];
}

/** One mapped objective as our extension reports it (what drives the control). */
export interface ExtensionObjective {
  /** The measurement's CTP id: `{CtpBase}measurements/{id}` (CTP 5.2.10). */
  measurement: string;
  state: ObjectiveState;
  reason?: NotEvidencedReason;
}

export interface ExtensionControl {
  id: string;
  source: 'measured' | 'declared';
  objectives?: ExtensionObjective[];
}

export interface ExtensionFramework {
  name: string;
  source: 'measured' | 'declared';
  controls: ExtensionControl[];
  /** Controls by status. */
  counts: Record<CtsStatus, number>;
}

/** `extensions["trust-auditor"]`: what drives each status, for auditors who hold the CTP data. */
export interface CtsExtension {
  /** Mapped objectives by state, across frameworks. */
  objectives: Record<ObjectiveState, number>;
  frameworks: ExtensionFramework[];
}

/** The telemetry without its `timestamp`: the content whose changes move the timestamp. */
export type CtsBody = Omit<CtsTelemetry, 'timestamp'>;

/** One framework's part of the telemetry, computed alone (the provider recomputes only those a change touches). */
export interface FrameworkPart {
  framework: CtsFramework;
  extension: ExtensionFramework;
  /** Some mapped objective is met or not met, or a status is declared. */
  evidenced: boolean;
  /** Its mapped objectives by state. */
  objectives: Record<ObjectiveState, number>;
}

/**
 * The telemetry of a mapping, given the reading of each mapped measurement's objective.
 * Frameworks and controls keep the mapping's order.
 */
export function buildTelemetryBody(
  mapping: ComplianceMapping,
  read: (measurementId: string) => ObjectiveReading,
): CtsBody {
  return assembleBody(
    mapping.frameworks.map((framework) => buildFrameworkPart(framework, read)),
    mapping.evidenceRefs,
  );
}

/** The telemetry made of its frameworks' parts: the posture and totals over all of them. */
export function assembleBody(
  parts: readonly FrameworkPart[],
  evidenceRefs: readonly string[],
): CtsBody {
  const totals: Record<ObjectiveState, number> = { met: 0, not_met: 0, not_evidenced: 0 };
  for (const part of parts) {
    totals.met += part.objectives.met;
    totals.not_met += part.objectives.not_met;
    totals.not_evidenced += part.objectives.not_evidenced;
  }
  const body: CtsBody = {
    version: 'v1',
    compliance_posture: postureOf(
      parts.map((part) => part.framework.status),
      parts.some((part) => part.evidenced),
    ),
    frameworks: parts.map((part) => part.framework),
  };
  if (evidenceRefs.length > 0) body.evidence_refs = [...evidenceRefs];
  const ours: CtsExtension = {
    objectives: totals,
    frameworks: parts.map((part) => part.extension),
  };
  body.extensions = { [CTS_EXTENSION]: ours };
  return body;
}

/** One framework's statuses, score and what drives them. */
export function buildFrameworkPart(
  framework: MappedFramework,
  read: (measurementId: string) => ObjectiveReading,
): FrameworkPart {
  const objectivesByState: Record<ObjectiveState, number> = {
    met: 0,
    not_met: 0,
    not_evidenced: 0,
  };
  const counts: Record<CtsStatus, number> = { compliant: 0, partial: 0, non_compliant: 0 };
  if (framework.controls.length === 0) {
    const status = framework.status ?? 'non_compliant';
    counts[status]++;
    return {
      framework: { name: framework.name, status, score: statusWeight(status) },
      extension: { name: framework.name, source: 'declared', controls: [], counts },
      evidenced: framework.status !== undefined,
      objectives: objectivesByState,
    };
  }
  let evidenced = false;
  const controls: CtsControl[] = [];
  const extensionControls: ExtensionControl[] = [];
  for (const control of framework.controls) {
    let status: CtsStatus;
    if (control.measurements.length === 0) {
      status = control.status ?? 'non_compliant';
      evidenced ||= control.status !== undefined;
      extensionControls.push({ id: control.id, source: 'declared' });
    } else {
      const objectives = control.measurements.map((measurement): ExtensionObjective => {
        const reading = read(measurement);
        objectivesByState[reading.state]++;
        evidenced ||= reading.state !== 'not_evidenced';
        return reading.reason === undefined
          ? { measurement, state: reading.state }
          : { measurement, state: reading.state, reason: reading.reason };
      });
      status = controlStatus(objectives.map((objective) => objective.state));
      extensionControls.push({ id: control.id, source: 'measured', objectives });
    }
    counts[status]++;
    controls.push(telemetryControl(control, status));
  }
  const outcome = frameworkOutcome(controls.map((control) => control.status));
  return {
    framework: { name: framework.name, ...outcome, controls },
    extension: { name: framework.name, source: 'measured', controls: extensionControls, counts },
    evidenced,
    objectives: objectivesByState,
  };
}

function telemetryControl(control: MappedControl, status: CtsStatus): CtsControl {
  const out: CtsControl =
    control.title === undefined
      ? { id: control.id, status }
      : { id: control.id, title: control.title, status };
  if (control.evidenceRefs.length > 0) out.evidence_ref = control.evidenceRefs[0];
  if (control.evidenceRefs.length > 1) out.evidence_refs = [...control.evidenceRefs];
  return out;
}

/** The document with its timestamp, root fields in the spec's order (§2). */
export function withTimestamp(body: CtsBody, timestamp: string): CtsTelemetry {
  const { version, compliance_posture, frameworks, evidence_refs, extensions } = body;
  const out: CtsTelemetry = { version, timestamp, compliance_posture, frameworks };
  if (evidence_refs !== undefined) out.evidence_refs = evidence_refs;
  if (extensions !== undefined) out.extensions = extensions;
  return out;
}

/**
 * The same telemetry restricted to some frameworks (`GET /cts?framework=NAME`): the posture
 * is that of the frameworks kept, so the document stays consistent with its own rules.
 */
export function restrictToFrameworks(
  telemetry: CtsTelemetry,
  names: ReadonlySet<string>,
): CtsTelemetry {
  const frameworks = telemetry.frameworks.filter((framework) => names.has(framework.name));
  const ours = ctsExtensionOf(telemetry);
  const kept = ours?.frameworks.filter((framework) => names.has(framework.name)) ?? [];
  const totals: Record<ObjectiveState, number> = { met: 0, not_met: 0, not_evidenced: 0 };
  let evidenced = false;
  for (const framework of kept) {
    if (framework.source === 'declared') evidenced = true;
    for (const control of framework.controls) {
      if (control.source === 'declared') evidenced = true;
      for (const objective of control.objectives ?? []) {
        totals[objective.state]++;
        if (objective.state !== 'not_evidenced') evidenced = true;
      }
    }
  }
  const out = withTimestamp(
    {
      version: 'v1',
      compliance_posture: postureOf(
        frameworks.map((framework) => framework.status),
        evidenced,
      ),
      frameworks,
      ...(telemetry.evidence_refs === undefined ? {} : { evidence_refs: telemetry.evidence_refs }),
    },
    telemetry.timestamp,
  );
  if (ours !== null) {
    const extension: CtsExtension = { objectives: totals, frameworks: kept };
    out.extensions = { ...telemetry.extensions, [CTS_EXTENSION]: extension };
  }
  return out;
}

/** Our extension of a telemetry document, when it is there and has our shape. */
export function ctsExtensionOf(telemetry: { extensions?: unknown }): CtsExtension | null {
  const extensions = telemetry.extensions;
  if (typeof extensions !== 'object' || extensions === null) return null;
  const ours = (extensions as Record<string, unknown>)[CTS_EXTENSION];
  if (typeof ours !== 'object' || ours === null) return null;
  const frameworks = (ours as { frameworks?: unknown }).frameworks;
  return Array.isArray(frameworks) ? (ours as CtsExtension) : null;
}

/** The endpoints of a server whose CtpBase is given (they sit at the origin's root). */
export function ctsEndpoints(ctpBase: string): {
  cts: string;
  metrics: string;
  attestation: string;
  keys: string;
} {
  const origin = new URL(ctpBase).origin;
  return {
    cts: `${origin}/cts`,
    metrics: `${origin}/cts/metrics`,
    attestation: `${origin}/cts/attestation`,
    keys: `${origin}/cts/keys`,
  };
}

// ---------------------------------------------------------------------------------------
// What the contract carries (shared/api.ts `cts`)

/** One change of a telemetry's content: the posture and each framework's status and score. */
export interface CtsChange {
  /** When the content changed (RFC 3339). */
  changedAt: string;
  /** What identifies the content (SHA-256 over its frameworks' digests and the rest, no `timestamp`). */
  digest: string;
  posture: CtsPosture;
  frameworks: Array<{ name: string; status: CtsStatus; score: number }>;
}

/** The telemetry this server publishes, for the Server page. */
export interface CtsPublished {
  telemetry: CtsTelemetry;
  /** Its latest changes, newest first (at most 200). */
  changes: CtsChange[];
  /** The attestation key's id (`kid`, RFC 7638 thumbprint), or null. */
  keyId: string | null;
}

// ---------------------------------------------------------------------------------------
// A vendor's telemetry as the auditor sees it

/** What could be read of a vendor's document, valid or not (bounded; strings as written). */
export interface CtsReading {
  posture: string | null;
  timestamp: string | null;
  frameworks: Array<{
    name: string;
    status: string | null;
    score: number | null;
    controls: Array<{
      id: string;
      title: string | null;
      status: string | null;
      evidenceRefs: unknown[];
    }>;
  }>;
  evidenceRefs: unknown[];
}

/** One distinct document a vendor served. */
export interface VendorCtsDocument {
  id: number;
  /** SHA-256 of the bytes as received. */
  sha256: string;
  /** Valid against the OpenCTS v1 schema; else `problems` are the schema's reasons. */
  valid: boolean;
  problems: string[];
  firstSeenAt: string;
  lastSeenAt: string;
  reading: CtsReading;
}

/** The outcome of checking a vendor's `/cts/attestation` (docs/opencts.md "Reading"). */
export interface AttestationCheck {
  status:
    /** Signed by the pinned key, over exactly the document served. */
    | 'verified'
    /** Verified with a key seen for the first time, now pinned (trust on first use). */
    | 'pinned_now'
    /** Signed by another key than the pinned one: an alert until the auditor accepts it. */
    | 'key_changed'
    /** The signature does not verify, or the JWS or JWKS is malformed. */
    | 'invalid'
    /** Valid signature, but over another document than the one served. */
    | 'mismatch'
    /** The vendor publishes no attestation (404). */
    | 'absent'
    /** The attestation or keys could not be fetched. */
    | 'unavailable';
  kid: string | null;
  message: string | null;
}

/** An attestation key of a vendor (JWK thumbprint, RFC 7638). */
export interface VendorCtsKey {
  kid: string;
  thumbprint: string;
  status: 'pinned' | 'offered' | 'replaced';
  firstSeenAt: string;
  changedAt: string;
}

/** How a vendor's claimed control status compares with our evaluation of its objectives. */
export type ClaimVerdict =
  /** Our evaluation shows the claim cannot hold. */
  | 'contradiction'
  /** We hold every mapped measurement and reach the same status. */
  | 'agrees'
  /** We hold some mapped measurements; none contradicts the claim. */
  | 'consistent'
  /** We hold none of the mapped measurements (not visible to our token, or not synced). */
  | 'unverifiable'
  /** The vendor declares the status; no measurement backs it. */
  | 'declared';

export interface ObjectiveComparison {
  /** The measurement's CTP id, as the vendor's extension names it. */
  measurement: string;
  /** Its URL in our workspace, or null when we do not hold it. */
  measurementUrl: string | null;
  /** What the vendor's telemetry says of it. */
  claimed: ObjectiveState | null;
  /** Our evaluation of its objective over the result we hold (`not_held`: we hold none). */
  ours: ObjectiveState | 'not_held';
  reason: NotEvidencedReason | null;
  /** An evaluation error's text, when ours is an error. */
  message: string | null;
}

export interface ControlComparison {
  framework: string;
  control: string;
  title: string | null;
  claimed: string | null;
  /** The status our evaluation gives by the same rules (null: nothing to evaluate). */
  ours: CtsStatus | null;
  verdict: ClaimVerdict;
  /** Why, in a sentence. */
  explanation: string;
  objectives: ObjectiveComparison[];
}

/** A vendor's telemetry, its history and our checks, for `vendor cts` and the vendor page. */
export interface VendorCts {
  vendor: string;
  /** Where it is read (`vendor edit --cts`, else the CtpBase's origin + /cts). */
  url: string;
  lastRead: { at: string; status: 'ok' | 'absent' | 'failed'; message: string | null } | null;
  current: VendorCtsDocument | null;
  attestation: AttestationCheck | null;
  keys: VendorCtsKey[];
  /** Each change of the vendor's telemetry, oldest first. */
  history: Array<{
    seenAt: string;
    documentId: number;
    valid: boolean;
    posture: string | null;
    frameworks: Array<{ name: string; score: number | null; status: string | null }>;
    attestation: AttestationCheck;
  }>;
  /** Controls mapped to CTP measurements, contradictions first. */
  claims: ControlComparison[];
  verdicts: Record<ClaimVerdict, number>;
}
