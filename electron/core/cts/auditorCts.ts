import { join } from 'node:path';

import type {
  AttestationCheck,
  ObjectiveReading,
  VendorCts,
  VendorCtsKey,
} from '../../../shared/cts';
import { readObjective } from '../../../shared/cts';
import type {
  EvidenceFileCheck,
  EvidenceFileDigest,
  VendorEvidence,
} from '../../../shared/ctsEvidence';
import { AppError } from '../../../shared/errors';
import type { ClientServices } from '../client/clientModule';
import { checkObjective } from '../client/objectiveCheck';
import { parseMeasurement } from '../client/responseShapes';
import type { SqliteDatabase } from '../store/database';
import { compareClaims, type OurObjective } from './claims';
import { checkFile, collectReferences, evidenceItems } from './evidence';
import { createEvidenceDownloader, type EvidenceLimits } from './evidenceDownloader';
import { createVendorCtsStore, type EvidenceCheckRecord } from './vendorCtsStore';
import { vendorCtsUrl } from './vendorTelemetry';

/** The auditor's side: vendors' telemetry kept in auditor.db, and the checks made on it. */
export interface CtsAuditorServices {
  /** The vendor's telemetry, its history, attestation, keys and claims against our data (offline). */
  view(name: string): VendorCts;
  /** The evidence references of the vendor's latest telemetry, with their statuses (offline). */
  evidence(name: string): VendorEvidence;
  /** Compares files (hashed where they are) with the references and records the outcome. */
  checkFiles(
    name: string,
    files: readonly EvidenceFileDigest[],
  ): { files: EvidenceFileCheck[]; evidence: VendorEvidence };
  /** Downloads every https reference (bounded), keeps the bytes by hash, records the outcome. */
  fetchEvidence(
    name: string,
    onProgress?: (done: number, total: number) => void,
  ): Promise<VendorEvidence>;
  /** `vendor edit --cts URL` (null: back to the CtpBase's origin + /cts); returns the URL in use. */
  setUrl(name: string, url: string | null): string;
  /** Pins a key the vendor offered (by kid or thumbprint) after a key change. */
  acceptKey(name: string, kid: string): VendorCtsKey[];
}

/** Files given that match no reference, newest first (at most 200). */
function unmatchedFiles(checks: readonly EvidenceCheckRecord[]): VendorEvidence['unmatchedFiles'] {
  return checks
    .filter((check) => check.reference === null && check.sha256 !== null)
    .reverse()
    .slice(0, 200)
    .map((check) => ({
      name: check.name,
      sha256: check.sha256!,
      size: check.size ?? 0,
      outcome: 'unmatched' as const,
      references: [],
      checkedAt: check.checkedAt,
    }));
}

/** The comparison shown before any telemetry was read. */
function noComparison(): Pick<VendorCts, 'claims' | 'verdicts'> {
  return {
    claims: [],
    verdicts: { contradiction: 0, consistent: 0, agrees: 0, unverifiable: 0, declared: 0 },
  };
}

export function createCtsAuditorServices(deps: {
  db: SqliteDatabase;
  client: ClientServices;
  dataDir: string;
  clock: () => Date;
  evidenceLimits?: Partial<EvidenceLimits>;
}): CtsAuditorServices {
  const store = createVendorCtsStore(deps.db);
  const { vendors } = deps.client;
  const now = () => deps.clock().toISOString();

  const latestDocument = (vendorId: number) => {
    const id =
      store.lastRead(vendorId)?.documentId ?? store.history(vendorId).at(-1)?.documentId ?? null;
    return id === null ? null : store.document(id);
  };

  const evidence = (name: string): VendorEvidence => {
    const vendor = vendors.get(name);
    const document = latestDocument(vendor.id);
    const collected = document === null ? [] : collectReferences(document.reading);
    const checks = store.evidenceChecks(vendor.id);
    const { items, counts } = evidenceItems(collected, checks, deps.clock().getTime());
    return {
      vendor: vendor.name,
      documentId: document?.id ?? null,
      items,
      counts,
      unmatchedFiles: unmatchedFiles(checks),
    };
  };

  return {
    view(name) {
      const vendor = vendors.get(name);
      const document = latestDocument(vendor.id);
      const comparison =
        document === null
          ? noComparison()
          : compareClaims(
              parseJson(store.body(document.id)),
              document.reading,
              ourObjectives(deps.client, name, deps.clock),
            );
      return {
        vendor: vendor.name,
        url: vendorCtsUrl(vendor, store.url(vendor.id)),
        lastRead: withoutDocumentId(store.lastRead(vendor.id)),
        current: document,
        attestation: afterAcceptance(store.latestAttestation(vendor.id), store.keys(vendor.id)),
        keys: store.keys(vendor.id),
        history: store.history(vendor.id),
        ...comparison,
      };
    },
    evidence,
    checkFiles(name, files) {
      const vendor = vendors.get(name);
      const document = latestDocument(vendor.id);
      const references =
        document === null
          ? []
          : collectReferences(document.reading).map((entry) => entry.reference);
      const at = now();
      const outcomes = files.map((file) => checkFile(file, references, at));
      store.addEvidenceChecks(
        vendor.id,
        outcomes.flatMap((outcome) => outcome.records),
      );
      return { files: outcomes.map((outcome) => outcome.summary), evidence: evidence(name) };
    },
    async fetchEvidence(name, onProgress) {
      const vendor = vendors.get(name);
      const current = evidence(name);
      const wanted = current.items.filter(
        (item) => item.reference.kind === 'https' && item.reference.url !== null,
      );
      const downloader = createEvidenceDownloader({
        dir: join(deps.dataDir, 'evidence'),
        vendor: { baseUrl: vendor.baseUrl, trust: vendor.trust, token: vendors.token(vendor) },
        limits: deps.evidenceLimits,
      });
      try {
        let done = 0;
        for (const item of wanted) {
          onProgress?.(done, wanted.length);
          store.addEvidenceChecks(vendor.id, [
            await fetchOne(downloader, item.reference, item.status, now),
          ]);
          done++;
        }
        onProgress?.(done, wanted.length);
      } finally {
        await downloader.close();
      }
      return evidence(name);
    },
    setUrl(name, url) {
      const vendor = vendors.get(name);
      store.setUrl(vendor.id, url === null ? null : checkCtsUrl(url));
      return vendorCtsUrl(vendor, store.url(vendor.id));
    },
    acceptKey(name, kid) {
      const vendor = vendors.get(name);
      if (!store.acceptKey(vendor.id, kid, now())) {
        throw new AppError(
          'CTS_KEY_NOT_OFFERED',
          `${name} has offered no attestation key "${kid.slice(0, 100)}"; \`vendor cts ${name}\` lists its keys.`,
        );
      }
      return store.keys(vendor.id);
    },
  };
}

/** A key change the auditor has since accepted is no longer an alert: that key verified it. */
function afterAcceptance(
  check: AttestationCheck | null,
  keys: VendorCtsKey[],
): AttestationCheck | null {
  if (check?.status !== 'key_changed') return check;
  const pinned = keys.find((key) => key.status === 'pinned' && key.kid === check.kid);
  if (pinned === undefined) return check;
  return {
    status: 'verified',
    kid: check.kid,
    message: `signed by the key accepted on ${pinned.changedAt}`,
  };
}

/** One download, as a check record: verified, mismatch, no digest, expired or unreachable. */
async function fetchOne(
  downloader: ReturnType<typeof createEvidenceDownloader>,
  reference: VendorEvidence['items'][number]['reference'],
  status: string,
  now: () => string,
): Promise<EvidenceCheckRecord> {
  const base = {
    reference: reference.text,
    source: 'download' as const,
    name: reference.url!,
    checkedAt: now(),
  };
  if (status === 'expired') {
    return {
      ...base,
      sha256: null,
      size: null,
      outcome: 'expired',
      detail: `the pre-signed URL expired at ${reference.expiresAt ?? '?'}; not fetched`,
    };
  }
  try {
    const file = await downloader.download(reference.url!);
    const outcome =
      reference.digest === null
        ? 'no_digest'
        : reference.digest === file.sha256
          ? 'verified'
          : 'mismatch';
    const detail =
      outcome === 'mismatch'
        ? `the download hashes to ${file.sha256}, the reference names ${reference.digest}`
        : null;
    return { ...base, sha256: file.sha256, size: file.size, outcome, detail };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { ...base, sha256: null, size: null, outcome: 'unreachable', detail: error.message };
  }
}

/** Our evaluation of the vendor's objectives we hold, by measurement id (CTP 5.2.10 URLs). */
function ourObjectives(client: ClientServices, name: string, clock: () => Date): OurObjective {
  const byId = new Map<
    string,
    { url: string; reading: ObjectiveReading; message: string | null }
  >();
  for (const resource of client.sync.workspace(name).resources('measurement')) {
    const id = /\/measurements\/([^/?#]+)$/.exec(resource.url)?.[1];
    const parsed = parseMeasurement(resource.body);
    if (id === undefined || !parsed.ok) continue;
    const measurement = { ...parsed.value, self: resource.url };
    const check = checkObjective(measurement, clock);
    const reading = readObjective({
      state:
        measurement.state === 'activated' ||
        measurement.state === 'pending' ||
        measurement.state === 'deactivated'
          ? measurement.state
          : 'activated',
      hasObjective: measurement.objective !== null,
      hasResult: measurement.result !== null,
      objectiveStatus: check === null || check.ours === 'no_result' ? null : check.ours,
    });
    byId.set(decodeURIComponent(id), {
      url: resource.url,
      reading,
      message: check?.message ?? null,
    });
  }
  return (id) => byId.get(id) ?? null;
}

function parseJson(text: string | null): unknown {
  try {
    return text === null ? null : (JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}

function withoutDocumentId(
  read: ReturnType<ReturnType<typeof createVendorCtsStore>['lastRead']>,
): VendorCts['lastRead'] {
  if (read === null) return null;
  return { at: read.at, status: read.status, message: read.message };
}

/** A `--cts` URL: absolute https (http on loopback only), no credentials, query or fragment. */
function checkCtsUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppError(
      'VENDOR_INVALID',
      `${JSON.stringify(text.slice(0, 200))} is not a URL; give the vendor's telemetry URL, e.g. https://trust.example.com/cts.`,
    );
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new AppError(
      'VENDOR_INVALID',
      'The telemetry URL must be https (http is accepted on loopback only).',
    );
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new AppError(
      'VENDOR_INVALID',
      'The telemetry URL must not carry credentials, a query or a fragment.',
    );
  }
  return url.href.replace(/\/+$/, '');
}
