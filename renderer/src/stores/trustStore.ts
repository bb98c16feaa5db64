/**
 * The trust store (`bundle trust`): the trusted publisher keys, a key read before it is
 * trusted (its key id, to compare out of band), adding and removing. Reloads when the
 * store changes in this window.
 */
import { defineStore } from 'pinia';

import type { TrustStoreListing } from '../../../shared/api';
import type { KeyInspection } from '../../../shared/bundles';
import type { FileSource } from '../../../shared/fileSource';
import { useBundlesApi } from '../api/bundles';
import { loadedValue } from './loadedValue';
import { sharedSubscription } from './sharedSubscription';

export const useTrustStore = defineStore('trustStore', () => {
  const api = useBundlesApi();
  const {
    value: listing,
    loading,
    error,
    load,
  } = loadedValue<TrustStoreListing>(() => api.trustedKeys());

  /** Reads a key without trusting it (errors are thrown for the form to show). */
  function inspect(source: FileSource): Promise<KeyInspection> {
    return api.inspectKey(source);
  }

  async function trust(source: FileSource, name: string): Promise<void> {
    await api.trustKey(source, name.trim() === '' ? undefined : name.trim());
    await load();
  }

  async function untrust(keyId: string): Promise<void> {
    await api.untrustKey(keyId);
    await load();
  }

  const follow = sharedSubscription(() =>
    api.onDidChange((change) => {
      if (change.reason === 'keys') void load();
    }),
  );

  return { listing, loading, error, load, inspect, trust, untrust, follow };
});
