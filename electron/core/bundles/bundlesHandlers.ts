import type { BundleImportRequest, VerifyBundleRequest } from '../../../shared/bundlesApi';
import type { BundleImportRecord, BundleProgress, TrustedKeyInfo } from '../../../shared/bundles';
import { DEFAULT_BUNDLE_LIMITS } from '../../../shared/bundles';
import { AppError } from '../../../shared/errors';
import { fileSourceLabel, type FileSource } from '../../../shared/fileSource';
import type { DataVersionWatcher } from '../dataVersionWatcher';
import type { ApiHandlers } from '../dispatcher';
import type { EventBus } from '../events';
import { readFileSource, resolveCallPath } from '../fileSources';
import { withThrottledProgress } from '../throttle';
import type { BundleImporter } from './import/importBundle';
import { loadPublicKey } from './signing/keyId';
import type { TrustedKey, TrustStore } from './signing/trustStore';
import type { BundleVerifier } from './verify/verifyBundle';

export type BundlesCall = `bundles.${
  | 'verify'
  | 'import'
  | 'previousImports'
  | 'imports'
  | 'rules'
  | 'ruleFacets'
  | 'rule'
  | 'trustedKeys'
  | 'inspectKey'
  | 'trustKey'
  | 'untrustKey'}`;

/** The largest public key file read (a PEM RSA-16384 public key is about 3 KiB). */
const KEY_FILE_MAX_BYTES = 64 * 1024;

/**
 * The `bundles` calls, answered with the services the CLI's `verify`, `import` and
 * `bundle trust` use. Paths are on core's machine (relative ones resolved from where it
 * started); uploads are verified from memory (a detached signature cannot come with them).
 */
export function createBundlesHandlers(deps: {
  verifier: BundleVerifier;
  importer: () => BundleImporter;
  trustStore: TrustStore;
  events: EventBus;
  /**
   * The watchers of other processes' changes (bundlesModule.ts): a read sets their
   * baseline, a change of this process (announced here) is marked seen.
   */
  watchers?: Record<'imports' | 'keys', Pick<DataVersionWatcher, 'baseline' | 'markSeen'>>;
}): Pick<ApiHandlers, BundlesCall> {
  const { verifier, trustStore, events } = deps;
  const withProgress = <T>(
    label: string,
    work: (onProgress: (p: BundleProgress) => void) => Promise<T>,
  ) =>
    withThrottledProgress(
      (value: BundleProgress) => events.emit('bundles.onDidProgress', { ...value, path: label }),
      work,
    );
  const keyBytes = (source: FileSource) =>
    readFileSource(source, { maxBytes: KEY_FILE_MAX_BYTES, what: 'the public key' });
  const changed = (reason: 'imported' | 'keys') => {
    events.emit('bundles.onDidChange', { reason });
    deps.watchers?.[reason === 'keys' ? 'keys' : 'imports'].markSeen();
  };
  /** The rules as a page reads them: from now on, another process's import fires. */
  const rules = () => {
    deps.watchers?.imports.baseline();
    return deps.importer().rules;
  };

  return {
    'bundles.verify': async (request) => {
      const { report } = await withProgress(labelOf(request), (onProgress) =>
        verifyRequest(verifier, request, onProgress),
      );
      return report;
    },
    'bundles.import': async (request) => {
      const result = await withProgress(fileSourceLabel(request.source), (onProgress) =>
        importRequest(verifier, deps.importer(), request, onProgress),
      );
      changed('imported');
      return result;
    },
    'bundles.previousImports': async ({ sha256, name, version }) =>
      newestFirst(rules().listImports()).filter(
        (record) =>
          record.bundleSha256 === sha256 ||
          (name !== null && version !== null && record.name === name && record.version === version),
      ),
    'bundles.imports': async () => newestFirst(rules().listImports()),
    'bundles.rules': async (search) => rules().searchRules(search),
    'bundles.ruleFacets': async () => rules().facets(),
    'bundles.rule': async ({ ruleId }) => {
      const versions = rules().ruleHistory(ruleId).reverse();
      if (versions.length === 0) {
        throw new AppError('BUNDLE_RULE_NOT_FOUND', `No imported rule has the id "${ruleId}".`);
      }
      const importIds = new Set(versions.map((version) => version.importId));
      const imports = newestFirst(rules().listImports()).filter((record) =>
        importIds.has(record.id),
      );
      return { ruleId, versions, imports };
    },
    'bundles.trustedKeys': async () => {
      deps.watchers?.keys.baseline();
      const { keys, problems } = await trustStore.list();
      return { dir: trustStore.dir, keys: keys.map(keyInfo), problems };
    },
    'bundles.inspectKey': async ({ source }) => {
      const read = await keyBytes(source);
      const key = loadPublicKey(read.bytes, read.label);
      const trusted = await trustStore.find(key.keyId);
      return {
        keyId: key.keyId,
        fingerprint: key.fingerprint,
        bits: key.bits,
        trustedAs: trusted === null ? null : keyInfo(trusted).name,
      };
    },
    'bundles.trustKey': async ({ source, name }) => {
      const read = await keyBytes(source);
      const added = await trustStore.add(read.bytes, name);
      changed('keys');
      return { ...keyInfo(added), added: added.added };
    },
    'bundles.untrustKey': async ({ keyId }) => {
      const removed = await trustStore.remove(keyId);
      changed('keys');
      return keyInfo(removed);
    },
  };
}

function labelOf(request: VerifyBundleRequest): string {
  return 'path' in request ? request.path : request.upload.name;
}

function newestFirst(records: BundleImportRecord[]): BundleImportRecord[] {
  return [...records].reverse();
}

function keyInfo(key: TrustedKey): TrustedKeyInfo {
  return {
    keyId: key.keyId,
    fingerprint: key.fingerprint,
    bits: key.bits,
    name: key.file.replace(/\.pem$/i, ''),
    file: key.file,
    addedAt: key.addedAt,
  };
}

async function verifyRequest(
  verifier: BundleVerifier,
  request: VerifyBundleRequest,
  onProgress: (progress: BundleProgress) => void,
) {
  const { lenient } = request;
  if ('path' in request)
    return verifier.verifyFile(resolveCallPath(request.path), { lenient, onProgress });
  return verifier.verify(await uploadedBundle({ upload: request.upload }), { lenient, onProgress });
}

async function importRequest(
  verifier: BundleVerifier,
  importer: BundleImporter,
  request: BundleImportRequest,
  onProgress: (progress: BundleProgress) => void,
) {
  const options = {
    strategy: request.strategy,
    lenient: request.lenient,
    allowUnsigned: request.allowUnsigned,
    onProgress,
  };
  const { source } = request;
  if ('path' in source) return importer.importFile(resolveCallPath(source.path), options);
  const verification = await verifier.verify(await uploadedBundle(source), {
    lenient: request.lenient,
    onProgress,
    keepContent: true,
  });
  return importer.importVerified(verification, options);
}

async function uploadedBundle(source: FileSource): Promise<Buffer> {
  const { bytes } = await readFileSource(source, {
    maxBytes: DEFAULT_BUNDLE_LIMITS.maxCompressedBytes,
    what: 'the bundle',
  });
  return bytes;
}
