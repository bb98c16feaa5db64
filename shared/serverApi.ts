/**
 * The provider console's calls of the `server` service (shared/api.ts): the published
 * tree, imports with their dry run, publishing, accounts, tokens and triggers; and the
 * strict validators of their arguments (a renderer is never trusted).
 */
import { boundedText, lineText, listOf, members, noArguments, wholeNumber } from './argumentChecks';
import { CTP_ID_PATTERN } from './ctp/ids';
import { AppError } from './errors';
import { fileSource, type FileSource } from './fileSource';
import type {
  AccountDetail,
  ConsoleTrigger,
  IssuedToken,
  MeasurementConsole,
  ProviderImportProgress,
  ProviderImportReport,
  PublishedTree,
  PublishReport,
  PublishRequest,
} from './serverConsole';

type Unsubscribe = () => void;

/** Provider data to import (`server import`): a file on core's machine or an upload. */
export interface ProviderImportRequest {
  source: FileSource;
}

/** The console's part of the `server` service. */
export interface ServerConsoleApi {
  /** Service views → assets → attributes → measurements, with results, objectives, triggers. */
  tree(): Promise<PublishedTree>;
  /** One measurement: metric, current result, objective, triggers, log and recent results. */
  measurement(request: { id: string }): Promise<MeasurementConsole>;
  /**
   * The import's dry run: the importer's own validation and writes, rolled back. Says what
   * would be created, updated or left alone, or every problem with its JSON path.
   */
  previewImport(request: ProviderImportRequest): Promise<ProviderImportReport>;
  /** Imports provider data (`server import`): all or nothing. Progress: `onDidImportProgress`. */
  importProvider(request: ProviderImportRequest): Promise<ProviderImportReport>;
  /** Publishes a result (`server publish`): the objective and the triggers are evaluated. */
  publish(request: PublishRequest): Promise<PublishReport>;
  /** Customer accounts with their service views, tokens and trigger counts. */
  accounts(): Promise<AccountDetail[]>;
  /** Creates an account, or replaces the service views it may see. */
  saveAccount(request: { name: string; serviceViews: string[] }): Promise<AccountDetail>;
  /** Deletes an account and its tokens (its customers' triggers stay with their views). */
  deleteAccount(request: { name: string }): Promise<void>;
  /** A new token for an account (`server token create`), created with `serviceViews` if new. */
  createToken(request: { account: string; serviceViews?: string[] }): Promise<IssuedToken>;
  /** Revokes every token of the account and issues a new one. */
  rotateTokens(request: { account: string }): Promise<IssuedToken>;
  /** Revokes one token (`tokenId`) or every token of the account. */
  revokeTokens(request: { account: string; tokenId?: number }): Promise<{ revoked: number }>;
  /** Every customer trigger, with the accounts that see it. */
  triggers(): Promise<ConsoleTrigger[]>;
  /** Takes a trigger out of `error` (SPEC-NOTES "Triggers"): evaluated again on the next result. */
  resetTrigger(request: { id: string }): Promise<ConsoleTrigger>;
  /** Fires while an import (or its dry run) runs, at each step. */
  onDidImportProgress(listener: (progress: ProviderImportProgress) => void): Unsubscribe;
}

/** The longest result text accepted from the app (as on the admin API). */
export const RESULT_TEXT_MAX = 1024 * 1024;
const ACCOUNT_NAME_MAX = 200;
const VIEWS_MAX = 10_000;

function ctpId(value: unknown, what: string): string {
  if (typeof value !== 'string' || !CTP_ID_PATTERN.test(value)) {
    throw new AppError(
      'APP_INVALID_ARGUMENT',
      `"${what}" must be a CTP identifier (base64url, 1 to 96 characters).`,
    );
  }
  return value;
}

const accountName = (value: unknown, what: string): string =>
  lineText(value, what, ACCOUNT_NAME_MAX);
const viewIds = (value: unknown, what: string): string[] => listOf(value, what, VIEWS_MAX, ctpId);

export const idRequest = (value: unknown): { id: string } => ({
  id: ctpId(members(value, 'This call', ['id']).id, 'id'),
});

export const providerImportRequest = (value: unknown): ProviderImportRequest => ({
  source: fileSource(members(value, 'The import', ['source']).source, 'source'),
});

export const publishRequest = (value: unknown): PublishRequest => {
  const record = members(value, 'server.publish', ['measurementId', 'resultText']);
  return {
    measurementId: ctpId(record.measurementId, 'measurementId'),
    resultText: boundedText(record.resultText, 'resultText', RESULT_TEXT_MAX),
  };
};

export const saveAccountRequest = (value: unknown): { name: string; serviceViews: string[] } => {
  const record = members(value, 'server.saveAccount', ['name', 'serviceViews']);
  return {
    name: accountName(record.name, 'name'),
    serviceViews: viewIds(record.serviceViews, 'serviceViews'),
  };
};

export const accountNameRequest = (value: unknown): { name: string } => ({
  name: accountName(members(value, 'This call', ['name']).name, 'name'),
});

export const createTokenRequest = (
  value: unknown,
): { account: string; serviceViews?: string[] } => {
  const record = members(value, 'server.createToken', ['account'], ['serviceViews']);
  const account = accountName(record.account, 'account');
  return record.serviceViews === undefined
    ? { account }
    : { account, serviceViews: viewIds(record.serviceViews, 'serviceViews') };
};

export const accountRequest = (value: unknown): { account: string } => ({
  account: accountName(members(value, 'This call', ['account']).account, 'account'),
});

export const revokeTokensRequest = (value: unknown): { account: string; tokenId?: number } => {
  const record = members(value, 'server.revokeTokens', ['account'], ['tokenId']);
  const account = accountName(record.account, 'account');
  return record.tokenId === undefined
    ? { account }
    : { account, tokenId: wholeNumber(record.tokenId, 'tokenId', 1, Number.MAX_SAFE_INTEGER) };
};

/** The console's calls, for the `server` entry of `API_DESCRIPTION` (shared/api.ts). */
export const SERVER_CONSOLE_CALLS = {
  tree: noArguments,
  measurement: idRequest,
  previewImport: providerImportRequest,
  importProvider: providerImportRequest,
  publish: publishRequest,
  accounts: noArguments,
  saveAccount: saveAccountRequest,
  deleteAccount: accountNameRequest,
  createToken: createTokenRequest,
  rotateTokens: accountRequest,
  revokeTokens: revokeTokensRequest,
  triggers: noArguments,
  resetTrigger: idRequest,
} as const;
