import type { CtsPublished } from '../../../shared/cts';
import type { CoreModule } from '../module';
import type { SqliteDatabase } from '../store/database';
import { createAttestationSigner, type AttestationSigner } from './attestationSigner';
import { createComplianceStore } from './complianceStore';
import { createProviderTelemetry, type ProviderTelemetry } from './providerTelemetry';

/** The provider's side: its telemetry over server.db and the key that attests it. */
export interface CtsProviderServices {
  telemetry: ProviderTelemetry;
  signer: AttestationSigner;
  /** What the Server page shows: the telemetry, its recent changes, the key's id. */
  published(): Promise<CtsPublished>;
}

export interface CtsServices {
  /** Built on first use (opens server.db). */
  provider(): CtsProviderServices;
}

type CtsCalls = 'cts.published';

/**
 * OpenCTS (DESIGN "Layout": cts/): the telemetry this server publishes, computed from the
 * provider's compliance mapping and its objectives, with its Prometheus exposition and its
 * attestation (the key lives in the data folder, 0600).
 */
export function createCtsModule(deps: {
  dataDir: string;
  clock: () => Date;
  /** server.db, opened on first use. */
  serverDb: () => SqliteDatabase;
}): CoreModule<CtsServices, CtsCalls> {
  let provider: CtsProviderServices | null = null;
  const providerServices = (): CtsProviderServices => {
    if (provider !== null) return provider;
    const db = deps.serverDb();
    // This connection's writes (no I/O) and other processes' commits (CTP server's rule).
    const ownWrites = db.prepare<[], number>('SELECT total_changes()').pluck();
    const otherWrites = db.prepare<[], number>('PRAGMA data_version').pluck();
    const telemetry = createProviderTelemetry({
      store: createComplianceStore(db),
      clock: deps.clock,
      ownWrites: () => ownWrites.get() ?? 0,
      otherWrites: () => otherWrites.get() ?? 0,
    });
    const signer = createAttestationSigner(deps.dataDir);
    provider = {
      telemetry,
      signer,
      async published() {
        const { keys } = await signer.jwks();
        return {
          telemetry: telemetry.snapshot().telemetry,
          changes: telemetry.changes(200),
          keyId: keys[0]?.kid ?? null,
        };
      },
    };
    return provider;
  };
  return {
    services: { provider: providerServices },
    handlers: {
      'cts.published': () => providerServices().published(),
    },
    dispose() {},
  };
}
