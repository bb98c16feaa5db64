/**
 * Triggers on a followed vendor's CTP server (CTP 4.2.7, 5.2.14–5.2.17), from the auditor's
 * side: the measurements a trigger may watch and the condition's preview come from the
 * offline workspace; creating and deleting are writes to the vendor (its token, its TLS
 * trust, its origin only); listing reads the vendor's triggers through a sync, so the
 * workspace holds them too (alerts name their trigger's condition and measurement).
 *
 * A draft is checked before anything is sent: a measurement the workspace knows and that
 * allows triggers, a condition that passes the same static check the server runs, a
 * guard time ≥ 0, an `xmpp:` notification (default: the auditor's own alerts account).
 */
import type {
  TriggerDraft,
  TriggerPreview,
  TriggerTarget,
  VendorTrigger,
} from '../../../../shared/alerts';
import type { PreviewRequest } from '../../../../shared/alertsApi';
import type { SyncReport } from '../../../../shared/client';
import { parseXmppUri, xmppUriOf } from '../../../../shared/ctp/xmppUri';
import { compileConditionOrThrow } from '../../../../shared/ctpscript';
import { AppError } from '../../../../shared/errors';
import type { ClientServices } from '../../client/clientModule';
import type { HistoryRepository } from '../../client/historyRepository';
import {
  createVendorHttp,
  type VendorHttpClient,
  type VendorHttpOptions,
} from '../../client/httpClient';
import {
  parseMeasurement,
  parseMetric,
  parseTrigger,
  type Trigger,
} from '../../client/responseShapes';
import type { AccountSettingsRepository } from '../xmpp/accountSettings';
import { previewTrigger } from './triggerPreview';

export interface VendorTriggerService {
  targets(vendor: string): TriggerTarget[];
  /** Syncs the vendor, then lists its triggers (with the sync's report, for its errors). */
  list(vendor: string): Promise<{ triggers: VendorTrigger[]; report: SyncReport }>;
  create(draft: TriggerDraft): Promise<VendorTrigger>;
  remove(vendor: string, url: string): Promise<void>;
  preview(request: PreviewRequest): TriggerPreview;
}

const TRIGGER_PATH = /^triggers\/[A-Za-z0-9_=-]{1,96}$/;

function invalid(message: string): AppError {
  return new AppError('TRIGGER_INVALID', message);
}

export function toVendorTrigger(trigger: Trigger): VendorTrigger {
  return {
    url: trigger.self,
    serviceView: trigger.scope,
    name: trigger.name,
    annotation: trigger.annotation,
    measurement: trigger.measurement,
    condition: trigger.condition,
    notification: trigger.notification,
    guardTime: trigger.guardTime,
    tags: trigger.tags,
    status: trigger.status,
    statusUpdateTime: trigger.statusUpdateTime,
  };
}

/** The vendor's error message (`{"error": …}`, CTP 5.1.4), bounded, or its status. */
function refusal(vendor: string, action: string, status: number, text: string): AppError {
  let reason = '';
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') reason = `: ${parsed.error.slice(0, 500)}`;
  } catch {
    // Not JSON: the status says enough.
  }
  return new AppError(
    'TRIGGER_REFUSED',
    `${vendor} refused to ${action} (HTTP ${status})${reason}.`,
    {
      details: { status },
    },
  );
}

/** The measurement at `url` as the workspace holds it (synced). */
function measurementOf(workspace: HistoryRepository, vendor: string, url: string) {
  const stored = workspace.resource(url);
  const parsed = stored?.kind === 'measurement' ? parseMeasurement(stored.body) : null;
  if (parsed === null || !parsed.ok) {
    throw invalid(
      `${url} is not a measurement the workspace holds for ${vendor}: run \`vendor sync ${vendor}\` first.`,
    );
  }
  return parsed.value;
}

/** The measurements of a vendor's workspace that a trigger could watch. */
function measurementTargets(workspace: HistoryRepository, vendor: string): TriggerTarget[] {
  const nameOf = (url: string | null): string =>
    url === null ? '' : (workspace.resource(url)?.name ?? '');
  return workspace.resources('measurement').flatMap((stored) => {
    const parsed = parseMeasurement(stored.body);
    if (!parsed.ok) return [];
    const measurement = parsed.value;
    const metric = measurement.metric === null ? null : workspace.resource(measurement.metric);
    const format = metric === null ? null : parseMetric(metric.body);
    const attribute = workspace.resource(stored.parentUrl ?? '');
    return [
      {
        vendor,
        measurementUrl: stored.url,
        name: measurement.name || nameOf(stored.parentUrl) || stored.url,
        path: [nameOf(attribute?.parentUrl ?? null), nameOf(stored.parentUrl)]
          .filter(Boolean)
          .join(' › '),
        resultFields: format?.ok === true ? format.value.resultFormat : [],
        objective: measurement.objective?.condition || null,
        triggersAllowed: measurement.createTrigger !== null,
        historyLength: workspace.history(stored.url).length,
      },
    ];
  });
}

export function createVendorTriggerService(deps: {
  client: ClientServices;
  /** The auditor's alerts account: the default notification target. */
  account: AccountSettingsRepository;
  /** Replaced in tests only. */
  createHttp?: (options: VendorHttpOptions) => VendorHttpClient;
}): VendorTriggerService {
  const { client } = deps;
  const makeHttp = deps.createHttp ?? createVendorHttp;

  const withHttp = async <T>(
    vendorName: string,
    work: (http: VendorHttpClient) => Promise<T>,
  ): Promise<T> => {
    const vendor = client.vendors.get(vendorName);
    const http = makeHttp({
      baseUrl: vendor.baseUrl,
      token: client.vendors.token(vendor),
      trust: vendor.trust,
    });
    try {
      return await work(http);
    } finally {
      await http.close();
    }
  };

  /** After a write, the workspace learns the vendor's new triggers; a failed sync is not the write's. */
  const refresh = async (vendor: string): Promise<void> => {
    await client.sync.sync(vendor).catch(() => undefined);
  };

  const defaultNotification = async (): Promise<string> => {
    const account = await deps.account.get();
    return account === null ? '' : (xmppUriOf(account.jid) ?? '');
  };

  return {
    targets: (vendor) => measurementTargets(client.sync.workspace(vendor), vendor),

    async list(vendor) {
      const { report } = await client.sync.sync(vendor);
      const triggers = client.sync
        .workspace(vendor)
        .resources('trigger')
        .flatMap((stored) => {
          const parsed = parseTrigger(stored.body);
          return parsed.ok ? [toVendorTrigger(parsed.value)] : [];
        });
      return { triggers, report };
    },

    async create(draft) {
      const workspace = client.sync.workspace(draft.vendor);
      const measurement = measurementOf(workspace, draft.vendor, draft.measurement);
      if (measurement.createTrigger === null) {
        throw invalid(
          `${draft.measurement} allows no triggers (its createTrigger is null, CTP 5.2.16).`,
        );
      }
      try {
        compileConditionOrThrow(draft.condition);
      } catch (error) {
        if (error instanceof AppError) throw invalid(`condition: ${error.message}`);
        throw error;
      }
      const guardTime = draft.guardTime ?? 0;
      if (!Number.isFinite(guardTime) || guardTime < 0)
        throw invalid('The guard time must be a number of seconds, 0 or more.');
      const notification = draft.notification ?? (await defaultNotification());
      if (notification !== '') {
        const parsed = parseXmppUri(notification);
        if (!parsed.ok)
          throw invalid(
            `The notification ${JSON.stringify(notification.slice(0, 100))} is not an XMPP URI: ${parsed.reason}.`,
          );
      }
      const body = {
        name: draft.name ?? '',
        annotation: draft.annotation ?? '',
        measurement: measurement.self,
        condition: draft.condition,
        notification,
        guardTime,
        tags: draft.tags ?? [],
      };
      const created = await withHttp(draft.vendor, async (http) => {
        const answer = await http.write('POST', measurement.createTrigger!, body);
        if (answer.status !== 201 && answer.status !== 200) {
          throw refusal(draft.vendor, 'create the trigger', answer.status, answer.text);
        }
        const parsed = parseTrigger(answer.text);
        if (!parsed.ok) {
          throw new AppError(
            'TRIGGER_REFUSED',
            `${draft.vendor} answered with something that is not a trigger: ${parsed.error}.`,
          );
        }
        return toVendorTrigger(parsed.value);
      });
      await refresh(draft.vendor);
      return created;
    },

    async remove(vendor, url) {
      const base = client.vendors.get(vendor).baseUrl;
      if (!url.startsWith(base) || !TRIGGER_PATH.test(url.slice(base.length))) {
        throw invalid(`${url} is not a trigger of ${vendor} (${base}triggers/ID).`);
      }
      await withHttp(vendor, async (http) => {
        const answer = await http.write('DELETE', url);
        if (answer.status !== 204 && answer.status !== 200) {
          throw refusal(vendor, 'delete the trigger', answer.status, answer.text);
        }
      });
      await refresh(vendor);
    },

    preview(request) {
      const workspace = client.sync.workspace(request.vendor);
      measurementOf(workspace, request.vendor, request.measurement);
      const history = workspace.history(request.measurement).map((entry) => ({
        result: JSON.parse(entry.resultText) as unknown,
        atMs: Date.parse(entry.updateTime ?? '') || Date.parse(entry.firstSeenAt),
        updateTime: entry.updateTime,
      }));
      return previewTrigger(request.condition, request.guardTime ?? 0, history);
    },
  };
}
