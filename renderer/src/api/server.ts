/** The `server` service of the contract (the embedded CTP server), for the renderer's stores. */
import type { ServerStatus, Unsubscribe } from '../../../shared/api';
import { callApi, useAuditorApi } from './auditor';

export interface ServerClient {
  /** Listening address, TLS fingerprint and what the server publishes. */
  status(): Promise<ServerStatus>;
  /** Live status: fires when the server starts, stops or its published data changes. */
  onDidChangeStatus(listener: (status: ServerStatus) => void): Unsubscribe;
}

export function useServerApi(): ServerClient {
  const api = useAuditorApi();
  return {
    status: () => callApi(() => api.server.status()),
    onDidChangeStatus: (listener) => api.server.onDidChangeStatus(listener),
  };
}
