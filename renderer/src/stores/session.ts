/** How this window talks to core, and whether the server accepted our token. */
import { defineStore } from 'pinia';
import { ref } from 'vue';

import type { TransportKind } from '../api/transport';

export const useSessionStore = defineStore('session', () => {
  /** `ipc` in the desktop app, `http` in a browser on `trust-auditor serve --ui`. */
  const transport = ref<TransportKind>('ipc');
  /** True once the headless server refused the access token (HTTP 401). */
  const unauthorized = ref(false);

  function setTransport(kind: TransportKind): void {
    transport.value = kind;
  }

  function markUnauthorized(): void {
    unauthorized.value = true;
  }

  return { transport, unauthorized, setTransport, markUnauthorized };
});
