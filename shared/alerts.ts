/**
 * Platform-neutral types of alerts (DESIGN "Alerts", CTP 4.2.7, 4.2.8, 5.3.2): the
 * provider's notifier and its outbox, the auditor's XMPP account, listener and inbox, and
 * triggers on a vendor. The UI and the CLI both read these; nothing here imports Node,
 * Electron or the DOM.
 */

/** Where an outbox row stands: queued (not yet acknowledged), sent, or failed for good. */
export type OutboxState = 'queued' | 'sent' | 'failed';

/** One XMPP notification of the provider's outbox (`server outbox`). */
export interface OutboxEntry {
  seq: number;
  /** The CTP log entry it carries (its id). */
  logId: string;
  /** The trigger's `notification` URI. */
  notification: string;
  state: OutboxState;
  createdAt: string;
  attempts: number;
  sentAt: string | null;
  failedAt: string | null;
  /** The last failure's reason (kept after a later success). */
  lastError: string | null;
  /** When the next attempt may run (after a failure), or null. */
  nextAttemptAt: string | null;
}

export interface OutboxSummary {
  queued: number;
  sent: number;
  failed: number;
  /** When the oldest queued row was written, or null. */
  oldestQueuedAt: string | null;
}

/** A connection's state: `stopped` when nothing runs it here (no `serve`, no account). */
export type ConnectionState = 'not-configured' | 'stopped' | 'connecting' | 'online' | 'failed';

/** The provider's XMPP notifier, as the Server page and `server notifier show` show it. */
export interface NotifierStatus {
  /** The provider's account, or null when `server notifier set` was not run. */
  jid: string | null;
  service: string | null;
  /** True when a CA bundle replaces the system CAs. */
  customCa: boolean;
  state: ConnectionState;
  /** Why the connection failed or dropped last, or null. */
  lastError: string | null;
  outbox: OutboxSummary;
  /** The latest failed rows with their reasons (newest first). */
  recentFailures: OutboxEntry[];
}

/** The auditor's XMPP account (`alerts account set`): the password never leaves core. */
export interface AlertsAccount {
  jid: string;
  service: string | null;
  customCa: boolean;
}

/** The listener (auditor side), as the Alerts page shows it. */
export interface ListenerStatus {
  account: AlertsAccount | null;
  state: ConnectionState;
  lastError: string | null;
  /** The server keeps an archive (XEP-0313) that the catch-up reads. */
  archive: boolean;
  /** When the last catch-up (archive and logs sync) finished, or null. */
  caughtUpAt: string | null;
}

/**
 * What an incoming message turned out to be: a log entry of a followed vendor, a log
 * entry no followed vendor matches (kept as "unknown sender"), or not a log entry at all.
 */
export type AlertOrigin = 'vendor' | 'unknown' | 'malformed';

/** How the alert reached the workspace. */
export type AlertChannel = 'xmpp' | 'archive' | 'sync';

/** One alert of the inbox (CTP 4.2.8 log entry, with what the workspace knows about it). */
export interface AlertItem {
  id: number;
  origin: AlertOrigin;
  /** The followed vendor it belongs to, or null. */
  vendor: string | null;
  /** `normal` (condition true) or `error` (evaluation error); null when malformed. */
  kind: 'normal' | 'error' | null;
  /** The log entry's `self` URL (the alert's identity), or null when malformed. */
  logUrl: string | null;
  triggerUrl: string | null;
  /** From the workspace's copy of the trigger, when it is known. */
  triggerName: string | null;
  condition: string | null;
  measurementUrl: string | null;
  measurementName: string | null;
  /** The log entry's `creationTime`. */
  creationTime: string | null;
  /** The result that made the condition true (normal alerts): its rows and time. */
  result: { value: unknown[]; updateTime: string | null } | null;
  /** The evaluation error (error alerts). */
  error: string | null;
  tags: string[];
  /** The sender's JID (recorded, proves nothing), or null for alerts found by a logs sync. */
  sender: string | null;
  channel: AlertChannel;
  /** True once the vendor's own logs (fetched with its token, over TLS) hold this entry. */
  confirmed: boolean;
  receivedAt: string;
  read: boolean;
  /** Why it is `unknown` or `malformed`. */
  problem: string | null;
  /** The message body as received (malformed messages: the first 4 KiB). */
  body: string;
}

export interface AlertsFilter {
  vendor?: string;
  unread?: boolean;
  origin?: AlertOrigin;
  kind?: 'normal' | 'error';
  /** At most this many (newest first after unread first); default 500. */
  limit?: number;
}

export interface AlertsPage {
  items: AlertItem[];
  /** Unread alerts in the whole inbox (the sidebar's badge). */
  unread: number;
  /** Alerts matching the filter (items may be fewer). */
  total: number;
}

/** A new alert, as the app's live update and desktop notification carry it. */
export interface AlertEvent {
  alert: AlertItem;
  unread: number;
}

/** A trigger on a vendor's CTP server (CTP 4.2.7.2), as `vendor trigger list` shows it. */
export interface VendorTrigger {
  url: string;
  serviceView: string | null;
  name: string;
  annotation: string;
  measurement: string | null;
  condition: string;
  notification: string;
  guardTime: number;
  tags: string[];
  status: 'true' | 'false' | 'error' | null;
  statusUpdateTime: string | null;
}

/** What the auditor gives to create a trigger (CTP 5.2.16.3). */
export interface TriggerDraft {
  vendor: string;
  /** The measurement's URL (it names the service view through the workspace). */
  measurement: string;
  condition: string;
  name?: string;
  annotation?: string;
  /** Seconds between two alerts of the trigger (CTP 4.2.7.1); default 0. */
  guardTime?: number;
  tags?: string[];
  /** `xmpp:` URI; default: the auditor's own account (`alerts account set`), else none. */
  notification?: string;
}

/** A measurement a trigger may watch, with what the editor needs to complete and preview. */
export interface TriggerTarget {
  vendor: string;
  measurementUrl: string;
  name: string;
  /** The asset and attribute names above it, for a readable label. */
  path: string;
  /** Column names and types of its metric's `resultFormat` (completion of `value[0].…`). */
  resultFields: Array<{ name: string; type: string }>;
  /** The objective's condition, shown read-only. */
  objective: string | null;
  /** False when the measurement's `createTrigger` is null (CTP 5.2.16). */
  triggersAllowed: boolean;
  /** Results kept in the workspace for it (the history the preview runs over). */
  historyLength: number;
}

/** The condition's outcome against the latest result and over the kept history. */
export interface TriggerPreview {
  /** Against the latest result: `true`, `false`, `error`, or null without a result. */
  latest: {
    outcome: 'true' | 'false' | 'error';
    error: string | null;
    updateTime: string | null;
  } | null;
  /** Alerts the trigger would have produced over the history, with CTP 5.3.2's guard time. */
  wouldHaveFired: number;
  /** Of which error alerts (sent once, then the trigger stays in `error`). */
  errors: number;
  /** Results the preview evaluated. */
  evaluated: number;
}
