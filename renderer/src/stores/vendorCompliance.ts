/**
 * A vendor's OpenCTS telemetry and evidence (the vendor's compliance page): loaded from
 * the offline workspace, with the evidence checks the auditor runs from the page.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

import type { VendorCts } from '../../../shared/cts';
import type {
  EvidenceFileCheck,
  EvidenceFileDigest,
  VendorEvidence,
} from '../../../shared/ctsEvidence';
import type { AppError } from '../../../shared/errors';
import { toAppError } from '../api/auditor';
import { useCtsApi } from '../api/cts';

export const useVendorComplianceStore = defineStore('vendorCompliance', () => {
  const ctsApi = useCtsApi();
  const vendor = ref<string | null>(null);
  const view = shallowRef<VendorCts | null>(null);
  const evidence = shallowRef<VendorEvidence | null>(null);
  /** The files checked by the last drop or pick, newest first. */
  const checkedFiles = shallowRef<EvidenceFileCheck[]>([]);
  const loading = ref(false);
  /** What runs now: checking files, fetching evidence, accepting a key. */
  const busy = ref<'check' | 'fetch' | 'key' | null>(null);
  const error = shallowRef<AppError | null>(null);
  /** An error of the last action (the page stays as it was). */
  const actionError = shallowRef<AppError | null>(null);
  let revision = 0;

  /** Loads a vendor's telemetry and evidence; a later call wins over an earlier one. */
  async function load(name: string): Promise<void> {
    const mine = ++revision;
    if (vendor.value !== name) {
      view.value = null;
      evidence.value = null;
      checkedFiles.value = [];
    }
    vendor.value = name;
    loading.value = true;
    error.value = null;
    try {
      const [nextView, nextEvidence] = await Promise.all([
        ctsApi.vendor(name),
        ctsApi.evidence(name),
      ]);
      if (mine !== revision) return;
      view.value = nextView;
      evidence.value = nextEvidence;
    } catch (caught) {
      if (mine === revision) error.value = toAppError(caught);
    } finally {
      if (mine === revision) loading.value = false;
    }
  }

  async function act<T>(kind: 'check' | 'fetch' | 'key', work: (name: string) => Promise<T>) {
    const name = vendor.value;
    if (name === null || busy.value !== null) return null;
    busy.value = kind;
    actionError.value = null;
    try {
      return await work(name);
    } catch (caught) {
      actionError.value = toAppError(caught);
      return null;
    } finally {
      busy.value = null;
    }
  }

  /** Compares files hashed in the page with the references. */
  async function checkFiles(files: EvidenceFileDigest[]): Promise<void> {
    const outcome = await act('check', (name) => ctsApi.checkEvidence(name, files));
    if (outcome === null) return;
    evidence.value = outcome.evidence;
    checkedFiles.value = [...outcome.files, ...checkedFiles.value].slice(0, 50);
  }

  /** Downloads the https references and compares them with their digests. */
  async function fetchEvidence(): Promise<void> {
    const outcome = await act('fetch', (name) => ctsApi.fetchEvidence(name));
    if (outcome !== null) evidence.value = outcome;
  }

  /** Pins the key the vendor changed to, then reloads the view. */
  async function acceptKey(kid: string): Promise<void> {
    const keys = await act('key', (name) => ctsApi.acceptVendorKey(name, kid));
    if (keys !== null && vendor.value !== null) await load(vendor.value);
  }

  return {
    vendor,
    view,
    evidence,
    checkedFiles,
    loading,
    busy,
    error,
    actionError,
    load,
    checkFiles,
    fetchEvidence,
    acceptKey,
  };
});
