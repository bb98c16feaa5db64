import type { AuditorApi } from '../../shared/api';

declare global {
  interface Window {
    /** The contract's calls and events, exposed by the preload script in the desktop app. */
    auditor?: AuditorApi;
  }
}

export {};
