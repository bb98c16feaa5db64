/** The `app` service of the contract, for the renderer's stores. */
import type { AppInfo } from '../../../shared/api';
import { callApi, useAuditorApi } from './auditor';

export interface AppClient {
  /** Name, version, mode, data folder and component versions. */
  info(): Promise<AppInfo>;
}

export function useAppApi(): AppClient {
  const api = useAuditorApi();
  return {
    info: () => callApi(() => api.app.info()),
  };
}
