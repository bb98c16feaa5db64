/**
 * Customer accounts of the embedded server (`server token`): their service views, tokens
 * (a new one is shown once), rotation and revocation. Follows the server's status events.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

import type { AppError } from '../../../shared/errors';
import type { AccountDetail, IssuedToken } from '../../../shared/serverConsole';
import { toAppError } from '../api/auditor';
import { useServerApi } from '../api/server';
import { sharedSubscription } from './sharedSubscription';

export const useServerAccountsStore = defineStore('serverAccounts', () => {
  const api = useServerApi();
  const accounts = shallowRef<AccountDetail[] | null>(null);
  const loading = ref(false);
  const error = shallowRef<AppError | null>(null);
  /** The token just issued, in clear: shown once, forgotten when dismissed. */
  const issued = shallowRef<IssuedToken | null>(null);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      accounts.value = await api.accounts();
      error.value = null;
    } catch (caught) {
      error.value = toAppError(caught);
    } finally {
      loading.value = false;
    }
  }

  async function issue(token: Promise<IssuedToken>): Promise<void> {
    issued.value = await token;
    await load();
  }

  return {
    accounts,
    loading,
    error,
    issued,
    load,
    /** A new account with its service views, and its first token. */
    create: (name: string, serviceViews: string[]) => issue(api.createToken(name, serviceViews)),
    saveViews: async (name: string, serviceViews: string[]) => {
      await api.saveAccount(name, serviceViews);
      await load();
    },
    newToken: (account: string) => issue(api.createToken(account)),
    rotate: (account: string) => issue(api.rotateTokens(account)),
    revoke: async (account: string, tokenId?: number) => {
      await api.revokeTokens(account, tokenId);
      await load();
    },
    remove: async (name: string) => {
      await api.deleteAccount(name);
      await load();
    },
    dismissToken: () => (issued.value = null),
    follow: sharedSubscription(() => api.onDidChangeStatus(() => void load())),
  };
});
