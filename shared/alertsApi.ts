/**
 * The `alerts` and `triggers` services of the contract (shared/api.ts): interfaces and the
 * strict validators of their arguments (every renderer argument is untrusted: unknown
 * keys, wrong types and unbounded sizes are refused with APP_INVALID_ARGUMENT).
 */
import type {
  AlertEvent,
  AlertOrigin,
  AlertsFilter,
  AlertsPage,
  ListenerStatus,
  NotifierStatus,
  OutboxEntry,
  OutboxState,
  TriggerDraft,
  TriggerPreview,
  TriggerTarget,
  VendorTrigger,
} from './alerts';
import { AppError } from './errors';

type Unsubscribe = () => void;

/** An XMPP account as a form gives it; the password goes to the secret store only. */
export interface AccountRequest {
  jid: string;
  password: string;
  /** `xmpp://HOST:PORT` or `xmpps://HOST:PORT`; default: the JID's domain, port 5222. */
  service?: string;
  /** A PEM CA bundle trusted instead of the system CAs. */
  caPem?: string;
}

/** What a test message did (`server notifier test`). */
export interface NotifierTestOutcome {
  from: string;
  to: string;
  acknowledged: boolean;
}

/** Which outbox rows to list (`server outbox --state --limit`). */
export interface OutboxRequest {
  state?: OutboxState;
  /** At most this many rows, newest first (default 100, at most 1000). */
  limit?: number;
}

/** Which failed notifications to queue again: these rows, or every failed one without `seqs`. */
export interface OutboxRetryRequest {
  seqs?: number[];
}

/** Alerts over XMPP: the inbox, the auditor's account and listener, the provider's notifier. */
export interface AlertsApi {
  /** The inbox, unread first then newest first, with the unread count. */
  list(filter: AlertsFilter): Promise<AlertsPage>;
  /** Marks alerts read or unread; answers the new unread count. */
  setRead(request: { ids: number[]; read: boolean }): Promise<{ unread: number }>;
  /** Marks every alert read. */
  markAllRead(): Promise<{ unread: number }>;
  /** The listener's account and connection, and the last catch-up. */
  listenerStatus(): Promise<ListenerStatus>;
  /** Sets the auditor's account (`alerts account set`); the listener (re)connects with it. */
  setAccount(request: AccountRequest): Promise<ListenerStatus>;
  /** Forgets the account and its password; the listener stops. Alerts stay. */
  removeAccount(): Promise<ListenerStatus>;
  /** The provider's notifier: account, connection, outbox counts and latest failures. */
  notifierStatus(): Promise<NotifierStatus>;
  /** Sets the notifier's account (`server notifier set`). */
  setNotifier(request: AccountRequest): Promise<NotifierStatus>;
  removeNotifier(): Promise<NotifierStatus>;
  /** Sends one test message from the notifier's account (`server notifier test`). */
  testNotifier(request: { jid: string }): Promise<NotifierTestOutcome>;
  /** The notifier's outbox rows, newest first (`server outbox`). */
  outbox(request: OutboxRequest): Promise<OutboxEntry[]>;
  /**
   * Queues failed notifications again (`server outbox retry`); the notifier sends them on
   * its next poll. Answers the rows queued again (a row no longer failed is left alone).
   */
  retryOutbox(request: OutboxRetryRequest): Promise<{ requeued: number[] }>;
  /** Fires for every new alert stored (by XMPP or by a logs sync). */
  onDidReceive(listener: (event: AlertEvent) => void): Unsubscribe;
  /** Fires when the unread count changes (the sidebar's badge). */
  onDidChangeUnread(listener: (count: { unread: number }) => void): Unsubscribe;
  onDidChangeListener(listener: (status: ListenerStatus) => void): Unsubscribe;
  onDidChangeNotifier(listener: (status: NotifierStatus) => void): Unsubscribe;
}

/** Triggers on a followed vendor's CTP server (CTP 5.2.14–5.2.17). */
export interface TriggersApi {
  /** The vendor's measurements a trigger may watch, from the workspace. */
  targets(request: { vendor: string }): Promise<TriggerTarget[]>;
  /** The vendor's triggers, read from its server. */
  list(request: { vendor: string }): Promise<VendorTrigger[]>;
  /** Creates a trigger on the vendor's server (POST, CTP 5.2.16). */
  create(draft: TriggerDraft): Promise<VendorTrigger>;
  /** Deletes a trigger (DELETE, CTP 5.2.17). */
  remove(request: { vendor: string; url: string }): Promise<void>;
  /** The condition against the latest result and over the kept history (offline). */
  preview(request: PreviewRequest): Promise<TriggerPreview>;
}

export interface PreviewRequest {
  vendor: string;
  measurement: string;
  condition: string;
  guardTime?: number;
}

// ---------------------------------------------------------------------------------------
// Validators

type Validator<T> = (value: unknown) => T;

function refuse(call: string, message: string): AppError {
  return new AppError('APP_INVALID_ARGUMENT', `${call}: ${message}`);
}

/** A plain object with only `allowed` keys. */
function record(value: unknown, call: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw refuse(call, `takes { ${allowed.join(', ')} }.`);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw refuse(call, `does not take "${key.slice(0, 40)}".`);
  }
  return value as Record<string, unknown>;
}

function text(
  value: unknown,
  call: string,
  name: string,
  options: { max: number; optional?: boolean; multiline?: boolean },
): string | undefined {
  if (value === undefined && options.optional === true) return undefined;
  if (typeof value !== 'string' || value.length > options.max || value.includes('\0')) {
    throw refuse(call, `"${name}" must be a string of at most ${options.max} characters.`);
  }
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (options.multiline !== true && /[\u0000-\u001f\u007f]/u.test(value)) {
    throw refuse(call, `"${name}" must be one line.`);
  }
  return value;
}

function required(value: string | undefined, call: string, name: string): string {
  if (value === undefined || value === '') throw refuse(call, `"${name}" is required.`);
  return value;
}

const VENDOR_MAX = 200;
const URL_MAX = 2048;

function vendorOf(object: Record<string, unknown>, call: string): string {
  return required(text(object.vendor, call, 'vendor', { max: VENDOR_MAX }), call, 'vendor');
}

export const alertsFilterRequest: Validator<AlertsFilter> = (value) => {
  const call = 'alerts.list';
  const object = record(value ?? {}, call, ['vendor', 'unread', 'origin', 'kind', 'limit']);
  const filter: AlertsFilter = {};
  const vendor = text(object.vendor, call, 'vendor', { max: VENDOR_MAX, optional: true });
  if (vendor !== undefined) filter.vendor = vendor;
  if (object.unread !== undefined) {
    if (typeof object.unread !== 'boolean') throw refuse(call, '"unread" must be true or false.');
    filter.unread = object.unread;
  }
  if (object.origin !== undefined) {
    if (!['vendor', 'unknown', 'malformed'].includes(object.origin as string)) {
      throw refuse(call, '"origin" must be vendor, unknown or malformed.');
    }
    filter.origin = object.origin as AlertOrigin;
  }
  if (object.kind !== undefined) {
    if (object.kind !== 'normal' && object.kind !== 'error') {
      throw refuse(call, '"kind" must be normal or error.');
    }
    filter.kind = object.kind;
  }
  if (object.limit !== undefined) {
    if (
      !Number.isInteger(object.limit) ||
      (object.limit as number) < 1 ||
      (object.limit as number) > 5000
    ) {
      throw refuse(call, '"limit" must be a whole number from 1 to 5000.');
    }
    filter.limit = object.limit as number;
  }
  return filter;
};

export const setReadRequest: Validator<{ ids: number[]; read: boolean }> = (value) => {
  const call = 'alerts.setRead';
  const object = record(value, call, ['ids', 'read']);
  const { ids, read } = object;
  if (
    !Array.isArray(ids) ||
    ids.length === 0 ||
    ids.length > 10_000 ||
    !ids.every((id) => Number.isSafeInteger(id) && (id as number) > 0)
  ) {
    throw refuse(call, '"ids" must be 1 to 10000 alert ids.');
  }
  if (typeof read !== 'boolean') throw refuse(call, '"read" must be true or false.');
  return { ids: ids as number[], read };
};

export const accountRequest: Validator<AccountRequest> = (value) => {
  const call = 'alerts.setAccount';
  const object = record(value, call, ['jid', 'password', 'service', 'caPem']);
  const request: AccountRequest = {
    jid: required(text(object.jid, call, 'jid', { max: 3072 }), call, 'jid'),
    password: required(text(object.password, call, 'password', { max: 1024 }), call, 'password'),
  };
  const service = text(object.service, call, 'service', { max: 300, optional: true });
  if (service !== undefined && service !== '') request.service = service;
  const caPem = text(object.caPem, call, 'caPem', {
    max: 256 * 1024,
    optional: true,
    multiline: true,
  });
  if (caPem !== undefined && caPem !== '') request.caPem = caPem;
  return request;
};

export const testNotifierRequest: Validator<{ jid: string }> = (value) => {
  const call = 'alerts.testNotifier';
  const object = record(value, call, ['jid']);
  return { jid: required(text(object.jid, call, 'jid', { max: 3072 }), call, 'jid') };
};

const OUTBOX_STATES: readonly OutboxState[] = ['queued', 'sent', 'failed'];
export const OUTBOX_LIMIT_MAX = 1000;

export const outboxRequest: Validator<OutboxRequest> = (value) => {
  const call = 'alerts.outbox';
  const object = record(value ?? {}, call, ['state', 'limit']);
  const request: OutboxRequest = {};
  if (object.state !== undefined) {
    if (!OUTBOX_STATES.includes(object.state as OutboxState)) {
      throw refuse(call, '"state" must be queued, sent or failed.');
    }
    request.state = object.state as OutboxState;
  }
  if (object.limit !== undefined) {
    const limit = object.limit;
    if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > OUTBOX_LIMIT_MAX) {
      throw refuse(call, `"limit" must be a whole number from 1 to ${OUTBOX_LIMIT_MAX}.`);
    }
    request.limit = limit as number;
  }
  return request;
};

export const outboxRetryRequest: Validator<OutboxRetryRequest> = (value) => {
  const call = 'alerts.retryOutbox';
  const { seqs } = record(value ?? {}, call, ['seqs']);
  if (seqs === undefined) return {};
  if (
    !Array.isArray(seqs) ||
    seqs.length === 0 ||
    seqs.length > OUTBOX_LIMIT_MAX ||
    !seqs.every((seq) => Number.isSafeInteger(seq) && (seq as number) > 0)
  ) {
    throw refuse(call, `"seqs" must be 1 to ${OUTBOX_LIMIT_MAX} outbox row numbers.`);
  }
  return { seqs: seqs as number[] };
};

export const vendorRequest: Validator<{ vendor: string }> = (value) => {
  const call = 'triggers';
  return { vendor: vendorOf(record(value, call, ['vendor']), call) };
};

export const removeTriggerRequest: Validator<{ vendor: string; url: string }> = (value) => {
  const call = 'triggers.remove';
  const object = record(value, call, ['vendor', 'url']);
  return {
    vendor: vendorOf(object, call),
    url: required(text(object.url, call, 'url', { max: URL_MAX }), call, 'url'),
  };
};

function guardTimeOf(value: unknown, call: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1e10) {
    throw refuse(call, '"guardTime" must be a number of seconds, 0 or more.');
  }
  return value;
}

export const triggerDraftRequest: Validator<TriggerDraft> = (value) => {
  const call = 'triggers.create';
  const object = record(value, call, [
    'vendor',
    'measurement',
    'condition',
    'name',
    'annotation',
    'guardTime',
    'tags',
    'notification',
  ]);
  const draft: TriggerDraft = {
    vendor: vendorOf(object, call),
    measurement: required(
      text(object.measurement, call, 'measurement', { max: URL_MAX }),
      call,
      'measurement',
    ),
    condition: required(
      text(object.condition, call, 'condition', { max: 4096, multiline: true }),
      call,
      'condition',
    ),
  };
  const name = text(object.name, call, 'name', { max: 1000, optional: true });
  if (name !== undefined) draft.name = name;
  const annotation = text(object.annotation, call, 'annotation', {
    max: 4000,
    optional: true,
    multiline: true,
  });
  if (annotation !== undefined) draft.annotation = annotation;
  const guardTime = guardTimeOf(object.guardTime, call);
  if (guardTime !== undefined) draft.guardTime = guardTime;
  if (object.tags !== undefined) {
    const tags = object.tags;
    if (!Array.isArray(tags) || tags.length > 64)
      throw refuse(call, '"tags" must be at most 64 strings.');
    draft.tags = tags.map((tag) =>
      required(text(tag, call, 'tags[]', { max: 200 }), call, 'tags[]'),
    );
  }
  const notification = text(object.notification, call, 'notification', {
    max: URL_MAX,
    optional: true,
  });
  if (notification !== undefined) draft.notification = notification;
  return draft;
};

export const previewRequest: Validator<PreviewRequest> = (value) => {
  const call = 'triggers.preview';
  const object = record(value, call, ['vendor', 'measurement', 'condition', 'guardTime']);
  const request: PreviewRequest = {
    vendor: vendorOf(object, call),
    measurement: required(
      text(object.measurement, call, 'measurement', { max: URL_MAX }),
      call,
      'measurement',
    ),
    condition: text(object.condition, call, 'condition', { max: 4096, multiline: true }) ?? '',
  };
  const guardTime = guardTimeOf(object.guardTime, call);
  if (guardTime !== undefined) request.guardTime = guardTime;
  return request;
};
