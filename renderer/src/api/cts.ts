/** The `cts` service of the contract (OpenCTS telemetry), for the renderer's stores. */
import type { CtsPublished, VendorCts, VendorCtsKey } from '../../../shared/cts';
import type {
  EvidenceFileCheck,
  EvidenceFileDigest,
  VendorEvidence,
} from '../../../shared/ctsEvidence';
import { callApi, toPlain, useAuditorApi } from './auditor';

export interface CtsClient {
  /** The telemetry this server publishes, its changes and the attestation key's id. */
  published(): Promise<CtsPublished>;
  /** A vendor's telemetry as its syncs kept it, with our checks (offline). */
  vendor(name: string): Promise<VendorCts>;
  /** The evidence references of a vendor's telemetry with their statuses (offline). */
  evidence(name: string): Promise<VendorEvidence>;
  /** Compares files hashed in the page with the references. */
  checkEvidence(
    name: string,
    files: EvidenceFileDigest[],
  ): Promise<{ files: EvidenceFileCheck[]; evidence: VendorEvidence }>;
  /** Downloads the https references (bounded) and compares them with their digests. */
  fetchEvidence(name: string): Promise<VendorEvidence>;
  /** Pins the attestation key the vendor changed to. */
  acceptVendorKey(name: string, kid: string): Promise<VendorCtsKey[]>;
}

export function useCtsApi(): CtsClient {
  const api = useAuditorApi();
  return {
    published: () => callApi(() => api.cts.published()),
    vendor: (name) => callApi(() => api.cts.vendor({ name })),
    evidence: (name) => callApi(() => api.cts.evidence({ name })),
    checkEvidence: (name, files) => callApi(() => api.cts.checkEvidence(toPlain({ name, files }))),
    fetchEvidence: (name) => callApi(() => api.cts.fetchEvidence({ name })),
    acceptVendorKey: (name, kid) => callApi(() => api.cts.acceptVendorKey({ name, kid })),
  };
}
