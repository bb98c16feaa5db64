/**
 * The imported rules (the Rules page): a search, its page of results, the choices the
 * workspace offers (frameworks, platforms, severities) and the import history. Reloads
 * when an import finishes in this window.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

import type { BundleImportRecord, RuleFacets, RulePage, RuleSearch } from '../../../shared/bundles';
import type { AppError } from '../../../shared/errors';
import { toAppError } from '../api/auditor';
import { useBundlesApi } from '../api/bundles';
import { sharedSubscription } from './sharedSubscription';

/** Rules per page of results. */
export const RULES_PAGE_SIZE = 50;

export const useRulesStore = defineStore('rules', () => {
  const api = useBundlesApi();
  const search = ref<RuleSearch>({});
  const page = shallowRef<RulePage | null>(null);
  const facets = shallowRef<RuleFacets | null>(null);
  const imports = shallowRef<BundleImportRecord[]>([]);
  const loading = ref(false);
  const error = shallowRef<AppError | null>(null);
  let revision = 0;

  async function load(next: RuleSearch = search.value, offset = 0): Promise<void> {
    const mine = ++revision;
    search.value = next;
    loading.value = true;
    error.value = null;
    try {
      const [found, choices, history] = await Promise.all([
        api.rules({ ...next, offset, limit: RULES_PAGE_SIZE }),
        api.ruleFacets(),
        api.imports(),
      ]);
      if (mine !== revision) return;
      page.value = found;
      facets.value = choices;
      imports.value = history;
    } catch (caught) {
      if (mine === revision) error.value = toAppError(caught);
    } finally {
      if (mine === revision) loading.value = false;
    }
  }

  const follow = sharedSubscription(() =>
    api.onDidChange((change) => {
      if (change.reason === 'imported') void load();
    }),
  );

  return { search, page, facets, imports, loading, error, load, follow };
});
