/** The `app` service of the contract, for the renderer's stores. */
import type { AppInfo, FilePurpose } from '../../../shared/api';
import { callApi, useAuditorApi } from './auditor';

export interface AppClient {
  /** Name, version, mode, data folder and component versions. */
  info(): Promise<AppInfo>;
  /** The desktop app's file picker: a path, or null when cancelled (APP_NOT_AVAILABLE headless). */
  chooseFile(purpose: FilePurpose): Promise<string | null>;
}

export function useAppApi(): AppClient {
  const api = useAuditorApi();
  return {
    info: () => callApi(() => api.app.info()),
    chooseFile: (purpose) =>
      callApi(async () => (await api.app.chooseFile({ purpose }))?.path ?? null),
  };
}
