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
