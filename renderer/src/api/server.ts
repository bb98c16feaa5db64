/** The `server` service of the contract (the embedded CTP server and its console), for the renderer's stores. */
import type { ServerStatus, Unsubscribe } from '../../../shared/api';
import type { FileSource } from '../../../shared/fileSource';
import type {
  AccountDetail,
  ConsoleTrigger,
  IssuedToken,
  MeasurementConsole,
  ProviderImportProgress,
  ProviderImportReport,
  PublishedTree,
  PublishReport,
} from '../../../shared/serverConsole';
import { callApi, toPlain, useAuditorApi } from './auditor';

export interface ServerClient {
  /** Listening address, TLS fingerprint and what the server publishes. */
  status(): Promise<ServerStatus>;
  /** Live status: fires when the server starts, stops or its published data changes. */
  onDidChangeStatus(listener: (status: ServerStatus) => void): Unsubscribe;
  tree(): Promise<PublishedTree>;
  measurement(id: string): Promise<MeasurementConsole>;
  /** The import's dry run: what it would do, or every problem with its JSON path. */
  previewImport(source: FileSource): Promise<ProviderImportReport>;
  importProvider(source: FileSource): Promise<ProviderImportReport>;
  publish(measurementId: string, resultText: string): Promise<PublishReport>;
  accounts(): Promise<AccountDetail[]>;
  saveAccount(name: string, serviceViews: string[]): Promise<AccountDetail>;
  deleteAccount(name: string): Promise<void>;
  createToken(account: string, serviceViews?: string[]): Promise<IssuedToken>;
  rotateTokens(account: string): Promise<IssuedToken>;
  revokeTokens(account: string, tokenId?: number): Promise<{ revoked: number }>;
  triggers(): Promise<ConsoleTrigger[]>;
  resetTrigger(id: string): Promise<ConsoleTrigger>;
  onDidImportProgress(listener: (progress: ProviderImportProgress) => void): Unsubscribe;
}

export function useServerApi(): ServerClient {
  const api = useAuditorApi();
  const server = api.server;
  return {
    status: () => callApi(() => server.status()),
    onDidChangeStatus: (listener) => server.onDidChangeStatus(listener),
    tree: () => callApi(() => server.tree()),
    measurement: (id) => callApi(() => server.measurement({ id })),
    previewImport: (source) => callApi(() => server.previewImport({ source: toPlain(source) })),
    importProvider: (source) => callApi(() => server.importProvider({ source: toPlain(source) })),
    publish: (measurementId, resultText) =>
      callApi(() => server.publish({ measurementId, resultText })),
    accounts: () => callApi(() => server.accounts()),
    saveAccount: (name, serviceViews) =>
      callApi(() => server.saveAccount({ name, serviceViews: [...serviceViews] })),
    deleteAccount: (name) => callApi(() => server.deleteAccount({ name })),
    createToken: (account, serviceViews) =>
      callApi(() =>
        server.createToken(
          serviceViews === undefined ? { account } : { account, serviceViews: [...serviceViews] },
        ),
      ),
    rotateTokens: (account) => callApi(() => server.rotateTokens({ account })),
    revokeTokens: (account, tokenId) =>
      callApi(() =>
        server.revokeTokens(tokenId === undefined ? { account } : { account, tokenId }),
      ),
    triggers: () => callApi(() => server.triggers()),
    resetTrigger: (id) => callApi(() => server.resetTrigger({ id })),
    onDidImportProgress: (listener) => server.onDidImportProgress(listener),
  };
}
