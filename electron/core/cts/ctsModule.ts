import type { CtsPublished } from '../../../shared/cts';
import type { ClientServices } from '../client/clientModule';
import type { CoreModule } from '../module';
import type { SqliteDatabase } from '../store/database';
import type { SqlStore } from '../store/sqlStore';
import { createAttestationSigner, type AttestationSigner } from './attestationSigner';
import type { CtsAuditorServices } from './auditorCts';
import { createComplianceStore } from './complianceStore';
import { createProviderTelemetry, type ProviderTelemetry } from './providerTelemetry';

/** The provider's side: its telemetry over the provider store and the key that attests it. */
export interface CtsProviderServices {
  telemetry: ProviderTelemetry;
  signer: AttestationSigner;
  /** What the Server page shows: the telemetry, its recent changes, the key's id. */
  published(): Promise<CtsPublished>;
}

export interface CtsServices {
  /** Built on first use. */
  provider(): CtsProviderServices;
  /** Built on first use (opens auditor.db and the client module). */
  auditor(): Promise<CtsAuditorServices>;
}

type CtsCalls =
  | 'cts.published'
  | 'cts.vendor'
  | 'cts.evidence'
  | 'cts.checkEvidence'
  | 'cts.fetchEvidence'
  | 'cts.setVendorUrl'
  | 'cts.acceptVendorKey';

/** The provider's telemetry over the provider store, the attestation key in `dataDir`. */
export function createCtsProviderServices(deps: {
  dataDir: string;
  clock: () => Date;
  store: SqlStore;
}): CtsProviderServices {
  const { store } = deps;
  const telemetry = createProviderTelemetry({
    store: createComplianceStore(store),
    clock: deps.clock,
    // Writes by this process and by any other (the CTP API's response cache follows it too).
    dataVersion: store.dataVersion,
  });
  const signer = createAttestationSigner(deps.dataDir);
  return {
    telemetry,
    signer,
    async published() {
      const { keys } = await signer.jwks();
      return {
        telemetry: (await telemetry.snapshot()).telemetry,
        changes: await telemetry.changes(200),
        keyId: keys[0]?.kid ?? null,
      };
    },
  };
}

/**
 * OpenCTS (DESIGN "Layout": cts/): the telemetry this server publishes, computed from the
 * provider's compliance mapping and its objectives, with its Prometheus exposition and its
 * attestation (the key lives in the data folder, 0600); and vendors' telemetry, read by
 * their syncs into auditor.db (vendorTelemetry.ts), with the checks made on it.
 */
export function createCtsModule(deps: {
  dataDir: string;
  clock: () => Date;
  /** The provider store (server.db or PostgreSQL). */
  providerStore: () => SqlStore;
  /** auditor.db, opened on first use. */
  auditorDb: () => SqliteDatabase;
  /** The followed vendors (their records, tokens and workspaces). */
  client: () => ClientServices | Promise<ClientServices>;
}): CoreModule<CtsServices, CtsCalls> {
  let provider: CtsProviderServices | null = null;
  const providerServices = (): CtsProviderServices =>
    (provider ??= createCtsProviderServices({ ...deps, store: deps.providerStore() }));
  let auditor: Promise<CtsAuditorServices> | null = null;
  const auditorServices = (): Promise<CtsAuditorServices> =>
    (auditor ??= (async () => {
      // The evidence checks and their downloader load only when a vendor's telemetry is asked for.
      const { createCtsAuditorServices } = await import('./auditorCts');
      return createCtsAuditorServices({
        db: deps.auditorDb(),
        client: await deps.client(),
        dataDir: deps.dataDir,
        clock: deps.clock,
      });
    })());
  return {
    services: { provider: providerServices, auditor: auditorServices },
    handlers: {
      'cts.published': () => providerServices().published(),
      'cts.vendor': async ({ name }) => (await auditorServices()).view(name),
      'cts.evidence': async ({ name }) => (await auditorServices()).evidence(name),
      'cts.checkEvidence': async ({ name, files }) =>
        (await auditorServices()).checkFiles(name, files),
      'cts.fetchEvidence': async ({ name }) => (await auditorServices()).fetchEvidence(name),
      'cts.setVendorUrl': async ({ name, url }) => ({
        url: (await auditorServices()).setUrl(name, url),
      }),
      'cts.acceptVendorKey': async ({ name, kid }) =>
        (await auditorServices()).acceptKey(name, kid),
    },
    dispose() {},
  };
}
