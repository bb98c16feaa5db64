/** The `bundles` service of the contract (OpenWatch rule bundles), for the renderer's stores. */
import type {
  BundleImportRequest,
  BundleProgressEvent,
  BundlesChangeEvent,
  TrustStoreListing,
  Unsubscribe,
  VerifyBundleRequest,
} from '../../../shared/api';
import type {
  BundleImportRecord,
  BundleImportResult,
  BundleReport,
  KeyInspection,
  RuleDetail,
  RuleFacets,
  RulePage,
  RuleSearch,
  TrustedKeyInfo,
} from '../../../shared/bundles';
import type { FileSource } from '../../../shared/fileSource';
import { callApi, toPlain, useAuditorApi } from './auditor';

export interface BundlesClient {
  /** Verifies a bundle file against the workspace's trust store; never imports. */
  verify(request: VerifyBundleRequest): Promise<BundleReport>;
  /** Verifies again and imports (`trust-auditor import`). */
  import(request: BundleImportRequest): Promise<BundleImportResult>;
  /** Earlier imports of these bytes, or of this name and version. */
  previousImports(report: BundleReport): Promise<BundleImportRecord[]>;
  imports(): Promise<BundleImportRecord[]>;
  rules(search: RuleSearch): Promise<RulePage>;
  ruleFacets(): Promise<RuleFacets>;
  rule(ruleId: string): Promise<RuleDetail>;
  trustedKeys(): Promise<TrustStoreListing>;
  inspectKey(source: FileSource): Promise<KeyInspection>;
  trustKey(source: FileSource, name?: string): Promise<TrustedKeyInfo & { added: boolean }>;
  untrustKey(keyId: string): Promise<TrustedKeyInfo>;
  /** Progress of running verifications and imports. */
  onDidProgress(listener: (progress: BundleProgressEvent) => void): Unsubscribe;
  /** An import finished or the trust store changed. */
  onDidChange(listener: (change: BundlesChangeEvent) => void): Unsubscribe;
}

export function useBundlesApi(): BundlesClient {
  const api = useAuditorApi();
  return {
    verify: (request) => callApi(() => api.bundles.verify(toPlain(request))),
    import: (request) => callApi(() => api.bundles.import(toPlain(request))),
    previousImports: (report) =>
      callApi(() =>
        api.bundles.previousImports({
          sha256: report.bundle.sha256,
          name: report.bundle.name,
          version: report.bundle.version,
        }),
      ),
    imports: () => callApi(() => api.bundles.imports()),
    rules: (search) => callApi(() => api.bundles.rules(toPlain(search))),
    ruleFacets: () => callApi(() => api.bundles.ruleFacets()),
    rule: (ruleId) => callApi(() => api.bundles.rule({ ruleId })),
    trustedKeys: () => callApi(() => api.bundles.trustedKeys()),
    inspectKey: (source) => callApi(() => api.bundles.inspectKey({ source: toPlain(source) })),
    trustKey: (source, name) =>
      callApi(() =>
        api.bundles.trustKey(
          name === undefined ? { source: toPlain(source) } : { source: toPlain(source), name },
        ),
      ),
    untrustKey: (keyId) => callApi(() => api.bundles.untrustKey({ keyId })),
    onDidProgress: (listener) => api.bundles.onDidProgress(listener),
    onDidChange: (listener) => api.bundles.onDidChange(listener),
  };
}
