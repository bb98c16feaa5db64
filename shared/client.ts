/**
 * Platform-neutral types of the CTP client (the auditor's side): vendors, sync reports and
 * progress, the offline history, independent checks and the supply-chain graph. The UI and
 * the CLI both read these; nothing here imports Node, Electron or the DOM.
 */

/** How the TLS certificate of a vendor's CTP server is trusted. */
export type VendorTrust =
  | { kind: 'system' }
  /** A PEM CA bundle (kept in auditor.db: public data). */
  | { kind: 'ca'; caPem: string }
  /** A pinned SHA-256 fingerprint of the server's leaf certificate (`AB:CD:…`, 32 bytes). */
  | { kind: 'fingerprint'; sha256: string };

/** A vendor as the UI and `vendor list` show it. The token itself never leaves core. */
export interface VendorSummary {
  name: string;
  /** The vendor's CtpBase, ending with `/`. */
  baseUrl: string;
  trust: 'system' | 'ca' | 'fingerprint';
  /** The pinned fingerprint, when `trust` is `fingerprint`. */
  fingerprint: string | null;
  hasToken: boolean;
  createdAt: string;
  lastSync: { startedAt: string; status: SyncStatus; errors: number } | null;
}

export type SyncStatus = 'running' | 'ok' | 'partial' | 'failed';

/** One thing that went wrong during a sync; the crawl went on without that resource. */
export interface SyncError {
  /** The URL requested (or the resource whose content was rejected). */
  url: string;
  /** A `CLIENT_…` error code. */
  code: string;
  message: string;
  /** The HTTP status, when the server answered. */
  status?: number;
}

/** What `vendor sync --json` prints for one vendor (DESIGN "Command line"). */
export interface SyncReport {
  vendor: string;
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Resources fetched and accepted in this sync. */
  resources: number;
  /** Measurement results not seen before (the history grew by this much). */
  newResults: number;
  /** Subtrees not fetched again because their changeId did not change (CTP 4.1.5.5). */
  skippedUnchanged: number;
  newLogs: number;
  errors: SyncError[];
  durationMs: number;
  status: SyncStatus;
}

/** Progress of a sync, for a progress bar. `total` grows as resources are discovered. */
export interface SyncProgress {
  vendor: string;
  done: number;
  total: number;
  /** The URL being fetched last. */
  current: string;
  /** HTTP requests sent so far, retries included (absent from older producers). */
  requests?: number;
  /** Errors recorded so far, and the latest of them ("errors as they come"). */
  errors?: number;
  lastError?: SyncError | null;
}

/** One measurement result kept in the history (append-only). */
export interface HistoryEntry {
  measurementUrl: string;
  /** The result's `updateTime` (or `dateTime`), as the vendor wrote it; null if absent. */
  updateTime: string | null;
  /** The result object's JSON text as received (whitespace outside strings removed). */
  resultText: string;
  authorityId: string | null;
  firstSeenAt: string;
  verification: SignatureStatus;
}

/** Whether a result's JWS signature (CTP 4.2.6.2) verifies with a key the auditor trusts. */
export type SignatureStatus = 'verified' | 'unsigned' | 'invalid' | 'unknown_authority';

/** Our own evaluation of a measurement's objective next to the vendor's claim. */
export interface ObjectiveCheck {
  measurementUrl: string;
  condition: string;
  claimed: 'true' | 'false' | 'error' | null;
  ours: 'true' | 'false' | 'error' | 'no_result';
  /** True when both exist and differ. */
  disagrees: boolean;
  message: string | null;
}

/** A node of the supply-chain graph (CTP appendix B). */
export interface SupplyChainNode {
  /** `vendor:<name>` for a followed vendor's entry point, else the service view URL. */
  id: string;
  kind: 'vendor' | 'serviceView';
  name: string;
  provider: string;
  /** The followed vendor this node was found at. */
  vendor: string;
  /** True when `provider` differs from the vendor's own provider (a third party, B.3.b). */
  thirdParty: boolean;
  /** Objective statuses claimed under this service view (direct assets only). */
  status: { true: number; false: number; error: number };
}

export interface SupplyChainEdge {
  from: string;
  to: string;
  /** `offers`: vendor → view; `dependsOn`: view → dependency; `sameProvider`: a dependency
   * whose provider is another followed vendor → that vendor. */
  kind: 'offers' | 'dependsOn' | 'sameProvider';
}

export interface SupplyChainGraph {
  nodes: SupplyChainNode[];
  edges: SupplyChainEdge[];
}

// ---------------------------------------------------------------------------------------
// The auditor's workspace in the app (portfolio, vendor tree, measurement, changes)

/** How many objectives a vendor claims met, failed or in error, and how many we dispute. */
export interface ObjectiveCounts {
  /** The vendor claims the objective holds (`status: true`). */
  met: number;
  failed: number;
  error: number;
  /** Objectives without a status yet. */
  unknown: number;
  /** Our own evaluation differs from the vendor's claim. */
  disagreeing: number;
}

/** One row of the Vendors page (the portfolio) and of `vendor list --json`. */
export interface VendorOverview extends VendorSummary {
  /** The vendor's own provider name (its entry point's `provider`), once synced. */
  provider: string | null;
  /** The demonstration vendor of the first run (never a real vendor). */
  demo: boolean;
  /** True while a sync of this vendor runs in this process. */
  syncing: boolean;
  /** When the last sync that ran to its end finished, or null. */
  lastFinishedAt: string | null;
  /** Resources kept in the workspace. */
  resources: number;
  objectives: ObjectiveCounts;
  /** Signature status of each measurement's current result. */
  signatures: Record<SignatureStatus, number>;
  /** Open alerts from this vendor (0 until the alerts inbox counts them). */
  openAlerts: number;
}

/** How the auditor asks to trust a vendor's TLS certificate (the add and edit dialogs). */
export type VendorTrustInput =
  { kind: 'system' } | { kind: 'ca'; caPem: string } | { kind: 'fingerprint'; sha256: string };

/** `vendors.add`: the token goes to the secret store and never comes back. */
export interface VendorAddRequest {
  name: string;
  /** The vendor's CtpBase. */
  url: string;
  token: string | null;
  trust: VendorTrustInput;
}

/** `vendors.edit`: only the members given change; `token: null` forgets the token. */
export interface VendorEditRequest {
  name: string;
  url?: string;
  token?: string | null;
  trust?: VendorTrustInput;
}

/** The certificate a server showed (trust on first use), read without sending a token. */
export interface CertificateProbe {
  /** The CtpBase as it will be stored. */
  url: string;
  /** False for plain http (loopback only): there is no certificate. */
  tls: boolean;
  certificate: {
    subject: string;
    issuer: string;
    /** RFC 3339. */
    validFrom: string;
    validTo: string;
    /** SHA-256 of the DER certificate, `AB:CD:…` (what `--fingerprint` pins). */
    fingerprint256: string;
    subjectAltName: string | null;
    selfSigned: boolean;
  } | null;
  /** True when the system CAs accept the certificate for this host. */
  systemTrusted: boolean;
  /** Why the system CAs refuse it (`self-signed certificate`, …), or null. */
  systemError: string | null;
}

/** The tree kinds shown on the vendor page (CTP 4.2: views → assets → attributes → measurements). */
export type VendorTreeKind = 'serviceView' | 'dependency' | 'asset' | 'attribute' | 'measurement';

/** A measurement's state at a glance, in the tree. */
export interface MeasurementGlance {
  /** The metric's name (from the metric the measurement links to), or null. */
  metric: string | null;
  /** `activated`, `deactivated` or `pending` (CTP 4.2.6.2). */
  state: string;
  /** The objective's status as the vendor claims it; null without objective or status. */
  claimed: 'true' | 'false' | 'error' | null;
  /** Our evaluation; null without objective. */
  ours: 'true' | 'false' | 'error' | 'no_result' | null;
  disagrees: boolean;
  /** The current result's signature; null without result. */
  signature: SignatureStatus | null;
  /** The current result's updateTime. */
  updateTime: string | null;
}

/** One row of a vendor's tree, in display order (depth first). */
export interface VendorTreeNode {
  url: string;
  kind: VendorTreeKind;
  name: string;
  /** 0 for service views. */
  depth: number;
  parentUrl: string | null;
  /** Set for measurements. */
  measurement: MeasurementGlance | null;
}

export interface VendorTree {
  vendor: string;
  /** When the last sync started, or null before the first. */
  syncedAt: string | null;
  nodes: VendorTreeNode[];
}

/** A resource named in a list of changes. */
export interface ChangedResource {
  url: string;
  kind: string;
  name: string;
}

/** What one sync changed in the workspace ("what changed in the last sync"). */
export interface SyncChanges {
  /** Each list holds at most this many items; `counts` has the totals. */
  newResults: Array<{ measurementUrl: string; name: string; updateTime: string | null }>;
  statusChanges: Array<{
    measurementUrl: string;
    name: string;
    before: 'true' | 'false' | 'error' | null;
    after: 'true' | 'false' | 'error' | null;
  }>;
  added: ChangedResource[];
  removed: ChangedResource[];
  counts: { newResults: number; statusChanges: number; added: number; removed: number };
}

/** `vendors.changes` and `vendor changes --json`. */
export interface VendorChanges {
  vendor: string;
  /** The last sync that ran to its end, or null. */
  sync: { id: number; startedAt: string; finishedAt: string | null; status: SyncStatus } | null;
  /** Null when the sync kept no record of its changes (synced by an older version). */
  changes: SyncChanges | null;
}

/** A measurement's result signature, explained. */
export interface ResultSignature {
  status: SignatureStatus;
  /** The JWS `alg` (RS256, PS256, ES256), when the signature could be read. */
  algorithm: string | null;
  authorityId: string | null;
  /** Why it is invalid or unknown, or null. */
  message: string | null;
}

/** An alert the vendor logged for one of our triggers on this measurement (CTP 4.2.8). */
export interface MeasurementLogEntry {
  url: string;
  creationTime: string;
  trigger: string | null;
  triggerName: string | null;
  error: string | null;
  tags: string[];
}

/** Everything the measurement page shows but the history. */
export interface MeasurementDetail {
  vendor: string;
  url: string;
  name: string;
  annotation: string;
  state: string;
  userActivated: boolean;
  /** Service view → asset → attribute above the measurement. */
  path: ChangedResource[];
  metric: {
    url: string;
    name: string;
    annotation: string;
    baseMetric: string;
    parameters: unknown[];
    resultFormat: Array<{ name: string; type: string }>;
  } | null;
  result: { value: unknown[]; updateTime: string | null; authorityId: string | null } | null;
  objective: {
    condition: string;
    claimed: 'true' | 'false' | 'error' | null;
    statusUpdateTime: string | null;
    ours: 'true' | 'false' | 'error' | 'no_result';
    disagrees: boolean;
    /** Our evaluation's error message when it errs. */
    message: string | null;
  } | null;
  signature: ResultSignature | null;
  logs: MeasurementLogEntry[];
  /** Results kept for this measurement. */
  historyCount: number;
}

/** One kept result, for the history chart and table. */
export interface HistoryPoint {
  updateTime: string | null;
  firstSeenAt: string;
  value: unknown[];
  authorityId: string | null;
  signature: SignatureStatus;
  /** The current objective evaluated over this result (ours); null without objective. */
  outcome: 'true' | 'false' | 'error' | null;
}

export interface MeasurementHistory {
  vendor: string;
  measurementUrl: string;
  resultFormat: Array<{ name: string; type: string }>;
  condition: string | null;
  /** Oldest first. */
  points: HistoryPoint[];
  /** True when only the newest points were sent (see `points.length`). */
  truncated: boolean;
}

/** A key or CA the auditor trusts for result signatures (`authorities.json`). */
export interface AuthorityEntry {
  /** The authorityId for keys; the certificate's SHA-256 fingerprint for CAs. */
  id: string;
  kind: 'key' | 'ca';
  /** e.g. `RSA 2048`, `EC P-256`. */
  keyType: string;
  /** SHA-256 of the public key (SubjectPublicKeyInfo DER), `AB:CD:…`. */
  fingerprint256: string;
  /** For certificates: subject and end of validity. */
  subject: string | null;
  validTo: string | null;
}

/** `vendors.addAuthority`: a PEM public key, certificate or JWK for an authorityId, or a CA. */
export interface AuthorityAddRequest {
  kind: 'key' | 'ca';
  /** Required for keys: the `authorityId` results name. */
  id?: string;
  /** PEM text, or a JWK as JSON text (keys only). */
  material: string;
}

/** The authorities after a change, and how many results were verified again. */
export interface AuthoritiesChange {
  authorities: AuthorityEntry[];
  rechecked: number;
}

// ---------------------------------------------------------------------------------------
// CSV of a measurement's history (the app's export and `vendor history --csv`)

/**
 * Control and invisible layout characters (C0 but tab and line feed, DEL, C1, bidi marks,
 * embeddings, overrides, isolates, line separators): no measurement value needs them, and
 * raw they could rewrite a terminal that shows the CSV (DESIGN "Security model").
 */
const CSV_UNSAFE =
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * One CSV field (RFC 4180): text a spreadsheet would run as a formula starts with ', and
 * the characters of {@link CSV_UNSAFE} are written as `\uXXXX`.
 */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = (typeof value === 'string' ? value : JSON.stringify(value)).replace(
    CSV_UNSAFE,
    (char) => `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
  // OWASP "CSV injection": a cell starting with = + - @ tab or CR is a formula to a
  // spreadsheet; vendors' strings are untrusted. Numbers are written as numbers.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The history as CSV: one line per result row (a result's `value` may hold several),
 * columns updateTime, firstSeenAt, row, each field of the result format, authorityId,
 * signature, outcome. Pure.
 */
export function historyToCsv(history: Pick<MeasurementHistory, 'resultFormat' | 'points'>): string {
  const fields = history.resultFormat.map((column) => column.name);
  const lines = [
    ['updateTime', 'firstSeenAt', 'row', ...fields, 'authorityId', 'signature', 'outcome']
      .map(csvField)
      .join(','),
  ];
  for (const point of history.points) {
    const rows = point.value.length === 0 ? [{}] : point.value;
    rows.forEach((row, index) => {
      const record =
        typeof row === 'object' && row !== null ? (row as Record<string, unknown>) : {};
      lines.push(
        [
          point.updateTime,
          point.firstSeenAt,
          index,
          ...fields.map((field) => record[field]),
          point.authorityId,
          point.signature,
          point.outcome,
        ]
          .map(csvField)
          .join(','),
      );
    });
  }
  return `${lines.join('\r\n')}\r\n`;
}
