import { AppError, type ErrorCode } from '../../../shared/errors';
import { fileSourceLabel } from '../../../shared/fileSource';
import type { ProviderImportRequest } from '../../../shared/serverApi';
import {
  IMPORT_PHASES,
  IMPORT_RESOURCES_SHOWN,
  type ImportPhase,
  type ImportProblem,
  type ProviderImportReport,
} from '../../../shared/serverConsole';
import type { ApiHandlers } from '../dispatcher';
import type { EventBus } from '../events';
import { readFileSource } from '../fileSources';
import type { ConsoleReads } from './consoleReads';
import type { ProviderServices } from './services';

/** The console's calls of the `server` service (all but `status`, which the http module answers). */
export type ConsoleCall =
  | 'server.tree'
  | 'server.measurement'
  | 'server.previewImport'
  | 'server.importProvider'
  | 'server.publish'
  | 'server.accounts'
  | 'server.saveAccount'
  | 'server.deleteAccount'
  | 'server.createToken'
  | 'server.rotateTokens'
  | 'server.revokeTokens'
  | 'server.triggers'
  | 'server.resetTrigger';

/** The largest provider file read from a path (as on the admin API's import). */
export const PROVIDER_FILE_MAX_BYTES = 64 * 1024 * 1024;

/** Errors that are the document's problems: shown as problems of the import, not failures. */
const DOCUMENT_PROBLEMS: ReadonlySet<ErrorCode> = new Set([
  'CTP_PROVIDER_INVALID',
  'CTP_RESULT_INVALID',
  'CTP_RESULT_SIGNATURE_INVALID',
]);

/**
 * The provider's console (the Server area), answered with the very services the CLI and
 * the admin API use: the importer (its dry run is the import rolled back), the publisher,
 * the accounts, the trigger service.
 */
export function createConsoleHandlers(deps: {
  services: ProviderServices;
  reads: ConsoleReads;
  events: EventBus;
}): Pick<ApiHandlers, ConsoleCall> {
  const { services, reads } = deps;
  const runImport = importRunner(services, deps.events);
  return {
    'server.tree': async () => reads.tree(),
    'server.measurement': async ({ id }) => reads.measurement(id),
    'server.previewImport': (request) => runImport(request, true),
    'server.importProvider': (request) => runImport(request, false),
    'server.publish': async ({ measurementId, resultText }) => {
      const outcome = await services.publisher.publish(measurementId, resultText);
      return {
        measurementId: outcome.measurementId,
        updateTime: outcome.updateTime,
        objectiveStatus: outcome.objectiveStatus,
        evaluated: outcome.evaluated,
        alerts: await Promise.all(
          outcome.alerts.map(async (alert) => {
            const trigger = await services.repositories.trigger(alert.triggerId);
            return {
              triggerId: alert.triggerId,
              triggerName: trigger?.name ?? '',
              logId: alert.logId,
              kind: alert.kind,
              notification: alert.queued ? (trigger?.notification ?? null) : null,
            };
          }),
        ),
      };
    },
    'server.accounts': async () => services.accounts.details(),
    'server.saveAccount': async ({ name, serviceViews }) => {
      await services.accounts.ensureAccount(name, serviceViews);
      return (await services.accounts.details()).find((account) => account.name === name)!;
    },
    'server.deleteAccount': async ({ name }) => {
      if (!(await services.accounts.deleteAccount(name)))
        throw new AppError('CTP_NOT_FOUND', `No account named "${name}".`);
    },
    'server.createToken': async ({ account, serviceViews }) => {
      if (serviceViews === undefined && (await services.accounts.get(account)) === undefined) {
        throw new AppError(
          'CTP_BAD_REQUEST',
          `Account "${account}" does not exist yet: choose the service views it may see.`,
        );
      }
      return { account, token: await services.accounts.createToken(account, serviceViews) };
    },
    'server.rotateTokens': async ({ account }) => ({
      account,
      token: await services.accounts.rotateTokens(account),
    }),
    'server.revokeTokens': async ({ account, tokenId }) => ({
      revoked:
        tokenId === undefined
          ? await services.accounts.revokeTokens(account)
          : await services.accounts.revokeToken(account, tokenId),
    }),
    'server.triggers': async () => reads.triggers(),
    'server.resetTrigger': async ({ id }) => {
      await services.triggers.reset(id);
      return reads.trigger(id);
    },
  };
}

/** An import or its dry run from a file, with progress events and the document's problems. */
function importRunner(services: ProviderServices, events: EventBus) {
  return async (request: ProviderImportRequest, dryRun: boolean): Promise<ProviderImportReport> => {
    const source = fileSourceLabel(request.source);
    const progress = (phase: ImportPhase): void =>
      events.emit('server.onDidImportProgress', {
        source,
        dryRun,
        phase,
        step: IMPORT_PHASES.indexOf(phase) + 1,
        steps: IMPORT_PHASES.length,
      });
    progress('read');
    const { bytes } = await readFileSource(request.source, {
      maxBytes: PROVIDER_FILE_MAX_BYTES,
      what: 'the provider data',
    });
    const refused = (problems: ImportProblem[]): ProviderImportReport => ({
      applied: false,
      source,
      counts: null,
      resources: [],
      moreResources: 0,
      problems,
    });
    let document: unknown;
    try {
      document = JSON.parse(bytes.toString('utf8')) as unknown;
    } catch (error) {
      return refused([{ path: '', message: `not valid JSON: ${(error as Error).message}` }]);
    }
    try {
      const { summary, resources } = await services.importer.runImport(document, {
        dryRun,
        onPhase: progress,
      });
      return {
        applied: !dryRun,
        source,
        counts: summary,
        resources: resources.slice(0, IMPORT_RESOURCES_SHOWN),
        moreResources: Math.max(0, resources.length - IMPORT_RESOURCES_SHOWN),
        problems: [],
      };
    } catch (error) {
      if (!(error instanceof AppError) || !DOCUMENT_PROBLEMS.has(error.code)) throw error;
      return refused(problemsOf(error));
    }
  };
}

/** The problems an import refusal names (`details.problems`), else its message. */
function problemsOf(error: AppError): ImportProblem[] {
  const listed = error.details?.problems;
  if (Array.isArray(listed) && listed.length > 0) return listed as ImportProblem[];
  const path = typeof error.details?.path === 'string' ? error.details.path : '';
  return [{ path, message: error.message }];
}
