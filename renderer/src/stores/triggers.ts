/** The trigger form's data: vendors, their measurements, triggers, and the live preview. */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

import type {
  TriggerDraft,
  TriggerPreview,
  TriggerTarget,
  VendorTrigger,
} from '../../../shared/alerts';
import type { VendorSummary } from '../../../shared/client';
import type { AppError } from '../../../shared/errors';
import { toAppError } from '../api/auditor';
import { useTriggersApi } from '../api/alerts';
import { useVendorsApi } from '../api/vendors';

export const useTriggersStore = defineStore('triggers', () => {
  const triggersApi = useTriggersApi();
  const vendorsApi = useVendorsApi();
  const vendors = ref<VendorSummary[]>([]);
  const targets = ref<TriggerTarget[]>([]);
  const triggers = ref<VendorTrigger[]>([]);
  const preview = ref<TriggerPreview | null>(null);
  const busy = ref(false);
  const error = shallowRef<AppError | null>(null);

  async function guarded<T>(run: () => Promise<T>): Promise<T | null> {
    busy.value = true;
    error.value = null;
    try {
      return await run();
    } catch (caught) {
      error.value = toAppError(caught);
      return null;
    } finally {
      busy.value = false;
    }
  }

  const loadVendors = () => guarded(async () => (vendors.value = await vendorsApi.list()));

  /** A vendor's measurements (from the workspace) and triggers (read from its server). */
  const selectVendor = (vendor: string) =>
    guarded(async () => {
      targets.value = await triggersApi.targets(vendor);
      triggers.value = await triggersApi.list(vendor);
    });

  let previewRevision = 0;
  /** The condition against the latest result and the kept history; the newest answer wins. */
  async function updatePreview(request: {
    vendor: string;
    measurement: string;
    condition: string;
    guardTime: number;
  }) {
    const revision = ++previewRevision;
    try {
      const answer = await triggersApi.preview(request);
      if (revision === previewRevision) preview.value = answer;
    } catch {
      if (revision === previewRevision) preview.value = null;
    }
  }

  const create = (draft: TriggerDraft) =>
    guarded(async () => {
      const created = await triggersApi.create(draft);
      triggers.value = await triggersApi.list(draft.vendor);
      return created;
    });

  const remove = (vendor: string, url: string) =>
    guarded(async () => {
      await triggersApi.remove(vendor, url);
      triggers.value = triggers.value.filter((trigger) => trigger.url !== url);
    });

  return {
    vendors,
    targets,
    triggers,
    preview,
    busy,
    error,
    loadVendors,
    selectVendor,
    updatePreview,
    create,
    remove,
  };
});
