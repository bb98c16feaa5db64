/** The `bundles` service of the contract (OpenWatch rule bundles), for the renderer's stores. */
import type { BundleProgressEvent, Unsubscribe, VerifyBundleRequest } from '../../../shared/api';
import type { BundleReport } from '../../../shared/bundles';
import { callApi, toPlain, useAuditorApi } from './auditor';

export interface BundlesClient {
  /** Verifies a bundle file against the workspace's trust store; never imports. */
  verify(request: VerifyBundleRequest): Promise<BundleReport>;
  /** Progress of running verifications. */
  onDidProgress(listener: (progress: BundleProgressEvent) => void): Unsubscribe;
}

export function useBundlesApi(): BundlesClient {
  const api = useAuditorApi();
  return {
    verify: (request) => callApi(() => api.bundles.verify(toPlain(request))),
    onDidProgress: (listener) => api.bundles.onDidProgress(listener),
  };
}
