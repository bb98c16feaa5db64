/**
 * The one contract between the renderer and core.
 *
 * Each service is an interface of calls (`Promise`-returning methods) and events
 * (`onDidX(listener)` subscriptions that return an unsubscribe function). The same
 * contract is served two ways: over Electron IPC (preload → `ipcMain`) and over HTTP
 * (`POST /app/rpc/<service>.<call>`, events as Server-Sent Events) in headless mode.
 * Both transports go through one dispatcher in core, which validates every argument
 * with the validators declared here: a renderer is never trusted.
 *
 * Everything crossing the boundary is plain JSON data.
 */
import {
  boundedText,
  hasControlCharacter,
  members,
  noArguments,
  oneOf,
  plainObject,
} from './argumentChecks';
import { BUNDLES_CALLS, type BundlesApi } from './bundlesApi';
import {
  accountRequest,
  alertsFilterRequest,
  previewRequest,
  removeTriggerRequest,
  setReadRequest,
  testNotifierRequest,
  outboxRequest,
  outboxRetryRequest,
  triggerDraftRequest,
  vendorRequest,
  type AlertsApi,
  type TriggersApi,
} from './alertsApi';
import type {
  AuthoritiesChange,
  AuthorityAddRequest,
  AuthorityEntry,
  CertificateProbe,
  MeasurementDetail,
  MeasurementHistory,
  SupplyChainGraph,
  SyncProgress,
  SyncReport,
  VendorAddRequest,
  VendorChanges,
  VendorEditRequest,
  VendorOverview,
  VendorTree,
  VendorTrustInput,
} from './client';
import type { CtsPublished, VendorCts, VendorCtsKey } from './cts';
import type { EvidenceFileCheck, EvidenceFileDigest, VendorEvidence } from './ctsEvidence';
import { AppError } from './errors';
import { SERVER_CONSOLE_CALLS, type ServerConsoleApi } from './serverApi';

export { noArguments } from './argumentChecks';
export type {
  BundleImportRequest,
  BundleProgressEvent,
  BundlesApi,
  BundlesChangeEvent,
  TrustStoreListing,
  VerifyBundleRequest,
} from './bundlesApi';
export { verifyBundleRequest } from './bundlesApi';

// ---------------------------------------------------------------------------------------
// Data shapes

/** Versions and paths of the running application, for the About page. */
export interface AppInfo {
  name: string;
  version: string;
  /** `desktop` inside Electron, `headless` for `trust-auditor serve --ui`. */
  mode: 'desktop' | 'headless';
  /** The folder holding `auditor.db`, `server.db`, keys and tokens. */
  dataDir: string;
  /**
   * The folder the command line uses when given neither `--data-dir` nor
   * `TRUST_AUDITOR_DATA` (the platform's application-data folder).
   */
  defaultDataDir: string;
  /** Where core was started: relative paths given to it are resolved from here. */
  workingDir: string;
  platform: string;
  versions: {
    node: string;
    v8: string;
    sqlite: string;
    electron: string | null;
    chrome: string | null;
  };
}

/** Row counts of what the embedded CTP server publishes. */
export interface ServerCounts {
  serviceViews: number;
  assets: number;
  measurements: number;
  triggers: number;
  accounts: number;
}

/** The embedded CTP server as the Server page shows it. */
export interface ServerStatus {
  /** True while the HTTP listener is up. */
  listening: boolean;
  /** The CtpBase URL clients use (`https://127.0.0.1:8443/ctp/`), or null when not listening. */
  ctpBase: string | null;
  tls: {
    /** `auto`: a kept self-signed certificate; `files`: given CERT,KEY; `off`: plain HTTP. */
    mode: 'auto' | 'files' | 'off';
    /** SHA-256 fingerprint of the certificate (`AB:CD:...`), or null without TLS. */
    fingerprint256: string | null;
  };
  /** When the listener started (RFC 3339), or null. */
  startedAt: string | null;
  counts: ServerCounts;
}

/** What a file is chosen for: the picker offers the matching file types. */
export const FILE_PURPOSES = ['bundle', 'providerData', 'publicKey'] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];

// ---------------------------------------------------------------------------------------
// Services

/** Removes the listener it was returned for. */
export type Unsubscribe = () => void;

/** The application itself. */
export interface AppApi {
  /** Name, version, mode, data folder and component versions. */
  info(): Promise<AppInfo>;
  /**
   * The desktop app's native file picker; resolves to the chosen file's path, or null
   * when the user cancels. Headless mode has none (APP_NOT_AVAILABLE): the page uploads.
   */
  chooseFile(request: { purpose: FilePurpose }): Promise<{ path: string } | null>;
}

/** The embedded CTP server (provider role): its status, and the provider's console. */
export interface ServerApi extends ServerConsoleApi {
  /** Listening address, TLS fingerprint and what the server publishes. */
  status(): Promise<ServerStatus>;
  /** Fires when the server starts or stops listening or its published data changes. */
  onDidChangeStatus(listener: (status: ServerStatus) => void): Unsubscribe;
}

/** What changed among the followed vendors, so that open pages refresh. */
export interface VendorsChangeEvent {
  /** The vendor concerned, or null when every vendor may be (authority keys changed). */
  vendor: string | null;
  reason: 'added' | 'edited' | 'removed' | 'syncing' | 'synced' | 'authorities';
}

/** The vendors the auditor follows (CTP client role). */
export interface VendorsApi {
  /**
   * Every followed vendor with its last sync, objective and signature counts (the
   * portfolio); tokens never leave core.
   */
  list(): Promise<VendorOverview[]>;
  /**
   * Connects to a CtpBase and reads the certificate its server shows, without sending
   * any request (so no token): trust on first use compares it with what the vendor
   * published before pinning it.
   */
  probe(request: { url: string }): Promise<CertificateProbe>;
  /**
   * Follows a vendor after reading its entry point with the given token and trust:
   * unreachable hosts, refused tokens and answers that are not CTP are errors, and
   * nothing is stored.
   */
  add(request: VendorAddRequest): Promise<VendorOverview>;
  /** Changes a vendor's CtpBase, token or trust (checked like `add` when any changes). */
  edit(request: VendorEditRequest): Promise<VendorOverview>;
  /** Stops following a vendor: its workspace data and its token are deleted. */
  remove(request: { name: string }): Promise<void>;
  /**
   * The first run's demonstration: publishes the demo provider on a loopback port (its
   * own data folder, apart from server.db) and follows it as a vendor flagged `demo`.
   * Sync it next to fill the workspace.
   */
  addDemo(): Promise<VendorOverview>;
  /** Fetches what the vendor's CTP server exposes into the offline workspace. */
  sync(request: { name: string }): Promise<SyncReport>;
  /**
   * Cancels the vendor's running sync: what was fetched stays, nothing is pruned, the
   * sync's report says it was cancelled. False when no sync was running.
   */
  cancelSync(request: { name: string }): Promise<boolean>;
  /** The vendor's service views → assets → attributes → measurements, from the workspace. */
  tree(request: { name: string }): Promise<VendorTree>;
  /** What the last sync changed: new results, objective status changes, resources added or removed. */
  changes(request: { name: string }): Promise<VendorChanges>;
  /** One measurement: metric, current result, objective (claimed and ours), signature, logs. */
  measurement(request: { name: string; url: string }): Promise<MeasurementDetail>;
  /** Every result kept for a measurement, oldest first, with our objective outcome for each. */
  history(request: { name: string; url: string }): Promise<MeasurementHistory>;
  /**
   * The supply chain across every followed vendor (CTP appendix B), from the offline
   * workspace: nodes, dependency edges, third parties by provider, links between vendors.
   */
  supplyChain(): Promise<SupplyChainGraph>;
  /** The keys and CAs trusted for result signatures (`authorities.json`). */
  authorities(): Promise<AuthorityEntry[]>;
  /** Trusts a key or CA for result signatures, then verifies every kept result again. */
  addAuthority(request: AuthorityAddRequest): Promise<AuthoritiesChange>;
  /** Stops trusting a key or CA, then verifies every kept result again. */
  removeAuthority(request: { kind: 'key' | 'ca'; id: string }): Promise<AuthoritiesChange>;
  /**
   * Fires while a sync runs (done/total, current URL, requests, errors), a few times a
   * second, and once at its end.
   */
  onDidSyncProgress(listener: (progress: SyncProgress) => void): Unsubscribe;
  /** Fires when a vendor is added, edited, removed or synced, or the authorities change. */
  onDidChange(listener: (change: VendorsChangeEvent) => void): Unsubscribe;
}

/** OpenCTS telemetry: the posture this server publishes, and vendors' telemetry. */
export interface CtsApi {
  /** The telemetry `GET /cts` serves now, its recent changes and the attestation key's id. */
  published(): Promise<CtsPublished>;
  /**
   * A vendor's telemetry as its syncs kept it (offline): the latest document, its history,
   * the attestation check and keys, and its claims against the CTP data we hold.
   */
  vendor(request: { name: string }): Promise<VendorCts>;
  /** The evidence references of a vendor's latest telemetry, with their statuses (offline). */
  evidence(request: { name: string }): Promise<VendorEvidence>;
  /**
   * Compares files with the references: the page hashes them (SHA-256) and sends only name,
   * digest and size; nothing is uploaded or kept but the outcome.
   */
  checkEvidence(request: {
    name: string;
    files: EvidenceFileDigest[];
  }): Promise<{ files: EvidenceFileCheck[]; evidence: VendorEvidence }>;
  /** Downloads the vendor's https references (bounded) and compares them with their digests. */
  fetchEvidence(request: { name: string }): Promise<VendorEvidence>;
  /** Where the vendor's telemetry is read (null: the CtpBase's origin + `/cts`). */
  setVendorUrl(request: { name: string; url: string | null }): Promise<{ url: string }>;
  /** Pins the attestation key a vendor changed to, once the auditor has confirmed it. */
  acceptVendorKey(request: { name: string; kid: string }): Promise<VendorCtsKey[]>;
}

/** Everything the renderer may call: `window.auditor` in Electron, HTTP RPC in a browser. */
export interface AuditorApi {
  app: AppApi;
  server: ServerApi;
  bundles: BundlesApi;
  vendors: VendorsApi;
  alerts: AlertsApi;
  triggers: TriggersApi;
  cts: CtsApi;
}

// ---------------------------------------------------------------------------------------
// Runtime description (what the transports and the dispatcher enumerate and validate)

/** Checks an untrusted argument and returns it typed, or throws APP_INVALID_ARGUMENT. */
export type ArgumentValidator<T> = (value: unknown) => T;

/** Checks `{ purpose }` of `app.chooseFile`. */
export const chooseFileRequest: ArgumentValidator<{ purpose: FilePurpose }> = (value) => ({
  purpose: oneOf(members(value, 'app.chooseFile', ['purpose']).purpose, 'purpose', FILE_PURPOSES),
});

/** Checks `{ name }`: a vendor name as `vendor add` accepts it (bounded, no control characters). */
export const vendorNameRequest: ArgumentValidator<{ name: string }> = (value) => {
  const record = plainObject(value, 'This call takes { name }.');
  const keys = Object.keys(record);
  const { name } = record;
  if (
    keys.length !== 1 ||
    typeof name !== 'string' ||
    name.length === 0 ||
    name.length > 200 ||
    hasControlCharacter(name)
  ) {
    throw new AppError(
      'APP_INVALID_ARGUMENT',
      'This call takes { name }: a vendor name (1 to 200 characters).',
    );
  }
  return { name };
};

function vendorName(value: unknown): string {
  return vendorNameRequest({ name: value }).name;
}

/** Checks a {@link VendorTrustInput}: system CAs, a PEM CA bundle (≤ 1 MiB) or a fingerprint. */
export const vendorTrustInput: ArgumentValidator<VendorTrustInput> = (value) => {
  const kind = plainObject(value, '"trust" must be { kind, … }.').kind;
  if (kind === 'system') {
    members(value, 'trust', ['kind']);
    return { kind };
  }
  if (kind === 'ca') {
    const record = members(value, 'trust', ['kind', 'caPem']);
    return { kind, caPem: boundedText(record.caPem, 'caPem', 1024 * 1024) };
  }
  if (kind === 'fingerprint') {
    const record = members(value, 'trust', ['kind', 'sha256']);
    return { kind, sha256: boundedText(record.sha256, 'sha256', 200) };
  }
  throw new AppError('APP_INVALID_ARGUMENT', '"trust.kind" must be system, ca or fingerprint.');
};

/** A bearer token (≤ 4096 characters), or null for none. */
function tokenValue(value: unknown): string | null {
  return value === null ? null : boundedText(value, 'token', 4096);
}

/** Checks `{ url }`: a CtpBase of at most 2048 characters. */
export const vendorProbeRequest: ArgumentValidator<{ url: string }> = (value) => {
  const record = members(value, 'vendors.probe', ['url']);
  return { url: boundedText(record.url, 'url', 2048) };
};

/** Checks a {@link VendorAddRequest}. */
export const vendorAddRequest: ArgumentValidator<VendorAddRequest> = (value) => {
  const record = members(value, 'vendors.add', ['name', 'url', 'token', 'trust']);
  return {
    name: vendorName(record.name),
    url: boundedText(record.url, 'url', 2048),
    token: tokenValue(record.token),
    trust: vendorTrustInput(record.trust),
  };
};

/** Checks a {@link VendorEditRequest}. */
export const vendorEditRequest: ArgumentValidator<VendorEditRequest> = (value) => {
  const record = members(value, 'vendors.edit', ['name'], ['url', 'token', 'trust']);
  return {
    name: vendorName(record.name),
    ...(record.url === undefined ? {} : { url: boundedText(record.url, 'url', 2048) }),
    ...(record.token === undefined ? {} : { token: tokenValue(record.token) }),
    ...(record.trust === undefined ? {} : { trust: vendorTrustInput(record.trust) }),
  };
};

/** Checks `{ name, url }`: a vendor and one of its measurements' URL. */
export const measurementRequest: ArgumentValidator<{ name: string; url: string }> = (value) => {
  const record = members(value, 'This call', ['name', 'url']);
  return { name: vendorName(record.name), url: boundedText(record.url, 'url', 2048) };
};

function authorityKind(value: unknown): 'key' | 'ca' {
  if (value !== 'key' && value !== 'ca') {
    throw new AppError('APP_INVALID_ARGUMENT', '"kind" must be key or ca.');
  }
  return value;
}

/** Checks an {@link AuthorityAddRequest}: PEM or JWK text of at most 256 KiB. */
export const authorityAddRequest: ArgumentValidator<AuthorityAddRequest> = (value) => {
  const record = members(value, 'vendors.addAuthority', ['kind', 'material'], ['id']);
  return {
    kind: authorityKind(record.kind),
    ...(record.id === undefined ? {} : { id: boundedText(record.id, 'id', 200) }),
    material: boundedText(record.material, 'material', 256 * 1024),
  };
};

/** Checks `{ kind, id }` of a trusted key or CA. */
export const authorityRemoveRequest: ArgumentValidator<{ kind: 'key' | 'ca'; id: string }> = (
  value,
) => {
  const record = members(value, 'vendors.removeAuthority', ['kind', 'id']);
  return { kind: authorityKind(record.kind), id: boundedText(record.id, 'id', 200) };
};

/** `{ name, files: [{ name, sha256, size }] }`: at most 1,000 files, digests in lower-case hex. */
export const checkEvidenceRequest: ArgumentValidator<{
  name: string;
  files: EvidenceFileDigest[];
}> = (value) => {
  const { name, files } = members(value, 'cts.checkEvidence', ['name', 'files']);
  if (!Array.isArray(files) || files.length === 0 || files.length > 1000) {
    throw new AppError('APP_INVALID_ARGUMENT', '"files" must list 1 to 1000 files.');
  }
  return { name: vendorName(name), files: files.map(evidenceFileDigest) };
};

function evidenceFileDigest(file: unknown, index: number): EvidenceFileDigest {
  const entry = plainObject(file, `files[${index}] must be { name, sha256, size }.`);
  const { name, sha256, size } = entry;
  if (
    Object.keys(entry).length !== 3 ||
    typeof name !== 'string' ||
    name.length === 0 ||
    name.length > 255 ||
    hasControlCharacter(name) ||
    typeof sha256 !== 'string' ||
    !/^[0-9a-f]{64}$/.test(sha256) ||
    typeof size !== 'number' ||
    !Number.isSafeInteger(size) ||
    size < 0
  ) {
    throw new AppError(
      'APP_INVALID_ARGUMENT',
      `files[${index}] must be { name (1 to 255 characters), sha256 (64 lower-case hex digits), size (bytes) }.`,
    );
  }
  return { name, sha256, size };
}

/** `{ name, url }`: a URL of at most 2,048 characters, or null. */
export const setVendorUrlRequest: ArgumentValidator<{ name: string; url: string | null }> = (
  value,
) => {
  const record = members(value, 'cts.setVendorUrl', ['name', 'url']);
  return {
    name: vendorName(record.name),
    url: record.url === null ? null : boundedText(record.url, 'url', 2048),
  };
};

/** `{ name, kid }`: a key id of at most 200 characters. */
export const acceptVendorKeyRequest: ArgumentValidator<{ name: string; kid: string }> = (value) => {
  const record = members(value, 'cts.acceptVendorKey', ['name', 'kid']);
  const kid = boundedText(record.kid, 'kid', 200);
  if (hasControlCharacter(kid)) {
    throw new AppError('APP_INVALID_ARGUMENT', '"kid" must be a key id (1 to 200 characters).');
  }
  return { name: vendorName(record.name), kid };
};

/**
 * Every call and event of {@link AuditorApi}, by service. A type test checks that this
 * table and the interfaces name exactly the same members.
 */
export const API_DESCRIPTION = {
  app: { calls: { info: noArguments, chooseFile: chooseFileRequest }, events: [] },
  server: {
    calls: { status: noArguments, ...SERVER_CONSOLE_CALLS },
    events: ['onDidChangeStatus', 'onDidImportProgress'],
  },
  bundles: { calls: BUNDLES_CALLS, events: ['onDidProgress', 'onDidChange'] },
  vendors: {
    calls: {
      list: noArguments,
      probe: vendorProbeRequest,
      add: vendorAddRequest,
      edit: vendorEditRequest,
      remove: vendorNameRequest,
      addDemo: noArguments,
      sync: vendorNameRequest,
      cancelSync: vendorNameRequest,
      tree: vendorNameRequest,
      changes: vendorNameRequest,
      measurement: measurementRequest,
      history: measurementRequest,
      supplyChain: noArguments,
      authorities: noArguments,
      addAuthority: authorityAddRequest,
      removeAuthority: authorityRemoveRequest,
    },
    events: ['onDidSyncProgress', 'onDidChange'],
  },
  alerts: {
    calls: {
      list: alertsFilterRequest,
      setRead: setReadRequest,
      markAllRead: noArguments,
      listenerStatus: noArguments,
      setAccount: accountRequest,
      removeAccount: noArguments,
      notifierStatus: noArguments,
      setNotifier: accountRequest,
      removeNotifier: noArguments,
      testNotifier: testNotifierRequest,
      outbox: outboxRequest,
      retryOutbox: outboxRetryRequest,
    },
    events: ['onDidReceive', 'onDidChangeUnread', 'onDidChangeListener', 'onDidChangeNotifier'],
  },
  triggers: {
    calls: {
      targets: vendorRequest,
      list: vendorRequest,
      create: triggerDraftRequest,
      remove: removeTriggerRequest,
      preview: previewRequest,
    },
    events: [],
  },
  cts: {
    calls: {
      published: noArguments,
      vendor: vendorNameRequest,
      evidence: vendorNameRequest,
      checkEvidence: checkEvidenceRequest,
      fetchEvidence: vendorNameRequest,
      setVendorUrl: setVendorUrlRequest,
      acceptVendorKey: acceptVendorKeyRequest,
    },
    events: [],
  },
} as const satisfies Record<
  keyof AuditorApi,
  { calls: Record<string, ArgumentValidator<unknown>>; events: readonly string[] }
>;

type ServiceName = keyof AuditorApi;
type CallMember<S extends ServiceName> = {
  [M in keyof AuditorApi[S]]: M extends `onDid${string}` ? never : M;
}[keyof AuditorApi[S]];
type EventMember<S extends ServiceName> = {
  [M in keyof AuditorApi[S]]: M extends `onDid${string}` ? M : never;
}[keyof AuditorApi[S]];

/** A call's wire name: `service.call`, e.g. `server.status`. */
export type CallName = {
  [S in ServiceName]: `${S}.${CallMember<S> & string}`;
}[ServiceName];

/** An event's wire name: `service.onDidX`, e.g. `server.onDidChangeStatus`. */
export type EventName = {
  [S in ServiceName]: `${S}.${EventMember<S> & string}`;
}[ServiceName];

type Split<N extends string> = N extends `${infer S}.${infer M}` ? [S, M] : never;
type Member<N extends string> = AuditorApi[Split<N>[0] & ServiceName][Split<N>[1] &
  keyof AuditorApi[Split<N>[0] & ServiceName]];

/** The argument of a call (`undefined` for calls without one). */
export type CallArgument<N extends CallName> =
  Member<N> extends (...args: infer A) => unknown ? (A extends [] ? undefined : A[0]) : never;

/** What a call resolves to. */
export type CallResult<N extends CallName> =
  Member<N> extends (...args: never[]) => Promise<infer R> ? R : never;

/** What an event carries. */
export type EventPayload<N extends EventName> =
  Member<N> extends (listener: (payload: infer P) => void) => Unsubscribe ? P : never;

/** One event as it crosses a transport. */
export interface EventMessage<N extends EventName = EventName> {
  name: N;
  payload: EventPayload<N>;
}

/** Every call's wire name, in a stable order. */
export const CALL_NAMES: readonly CallName[] = Object.entries(API_DESCRIPTION).flatMap(
  ([service, { calls }]) => Object.keys(calls).map((call) => `${service}.${call}` as CallName),
);

/** Every event's wire name, in a stable order. */
export const EVENT_NAMES: readonly EventName[] = Object.entries(API_DESCRIPTION).flatMap(
  ([service, { events }]) => events.map((event) => `${service}.${event}` as EventName),
);

export function isCallName(value: unknown): value is CallName {
  return typeof value === 'string' && (CALL_NAMES as readonly string[]).includes(value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENT_NAMES as readonly string[]).includes(value);
}

/** The validator of a call's argument. */
export function argumentValidator(name: CallName): ArgumentValidator<unknown> {
  const [service, call] = name.split('.') as [ServiceName, string];
  const calls: Record<string, ArgumentValidator<unknown>> = API_DESCRIPTION[service].calls;
  const validator = calls[call];
  if (validator === undefined)
    throw new AppError('APP_UNKNOWN_CALL', `There is no call named ${name}.`);
  return validator;
}

/**
 * Builds an {@link AuditorApi} from a generic transport: `call(name, argument)` and
 * `subscribe(name, listener)`. The preload script and the HTTP RPC client both use it,
 * so that both expose exactly the contract's named functions and nothing else.
 */
export function buildApi(transport: {
  call(name: CallName, argument: unknown): Promise<unknown>;
  subscribe(name: EventName, listener: (payload: unknown) => void): Unsubscribe;
}): AuditorApi {
  const api: Record<string, Record<string, unknown>> = {};
  for (const [service, { calls, events }] of Object.entries(API_DESCRIPTION)) {
    const members: Record<string, unknown> = {};
    for (const call of Object.keys(calls)) {
      const name = `${service}.${call}` as CallName;
      members[call] = (argument?: unknown) => transport.call(name, argument);
    }
    for (const event of events) {
      const name = `${service}.${event}` as EventName;
      members[event] = (listener: (payload: unknown) => void) =>
        transport.subscribe(name, listener);
    }
    api[service] = Object.freeze(members);
  }
  return Object.freeze(api) as unknown as AuditorApi;
}
