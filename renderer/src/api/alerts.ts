/** The `alerts` and `triggers` services of the contract, for the renderer's stores. */
import type {
  AlertEvent,
  AlertsFilter,
  AlertsPage,
  ListenerStatus,
  NotifierStatus,
  OutboxEntry,
  TriggerDraft,
  TriggerPreview,
  TriggerTarget,
  VendorTrigger,
} from '../../../shared/alerts';
import type { AccountRequest, OutboxRequest, PreviewRequest } from '../../../shared/alertsApi';
import type { Unsubscribe } from '../../../shared/api';
import { callApi, toPlain, useAuditorApi } from './auditor';

export interface AlertsClient {
  list(filter: AlertsFilter): Promise<AlertsPage>;
  setRead(ids: number[], read: boolean): Promise<{ unread: number }>;
  markAllRead(): Promise<{ unread: number }>;
  listenerStatus(): Promise<ListenerStatus>;
  setAccount(request: AccountRequest): Promise<ListenerStatus>;
  removeAccount(): Promise<ListenerStatus>;
  notifierStatus(): Promise<NotifierStatus>;
  outbox(request: OutboxRequest): Promise<OutboxEntry[]>;
  /** Queues failed notifications again: these rows, or every failed one without `seqs`. */
  retryOutbox(seqs?: number[]): Promise<{ requeued: number[] }>;
  onDidReceive(listener: (event: AlertEvent) => void): Unsubscribe;
  onDidChangeUnread(listener: (count: { unread: number }) => void): Unsubscribe;
  onDidChangeListener(listener: (status: ListenerStatus) => void): Unsubscribe;
  onDidChangeNotifier(listener: (status: NotifierStatus) => void): Unsubscribe;
}

export function useAlertsApi(): AlertsClient {
  const api = useAuditorApi();
  return {
    list: (filter) => callApi(() => api.alerts.list(toPlain(filter))),
    setRead: (ids, read) => callApi(() => api.alerts.setRead(toPlain({ ids, read }))),
    markAllRead: () => callApi(() => api.alerts.markAllRead()),
    listenerStatus: () => callApi(() => api.alerts.listenerStatus()),
    setAccount: (request) => callApi(() => api.alerts.setAccount(toPlain(request))),
    removeAccount: () => callApi(() => api.alerts.removeAccount()),
    notifierStatus: () => callApi(() => api.alerts.notifierStatus()),
    outbox: (request) => callApi(() => api.alerts.outbox(toPlain(request))),
    retryOutbox: (seqs) =>
      callApi(() => api.alerts.retryOutbox(seqs === undefined ? {} : { seqs: [...seqs] })),
    onDidReceive: (listener) => api.alerts.onDidReceive(listener),
    onDidChangeUnread: (listener) => api.alerts.onDidChangeUnread(listener),
    onDidChangeListener: (listener) => api.alerts.onDidChangeListener(listener),
    onDidChangeNotifier: (listener) => api.alerts.onDidChangeNotifier(listener),
  };
}

export interface TriggersClient {
  targets(vendor: string): Promise<TriggerTarget[]>;
  list(vendor: string): Promise<VendorTrigger[]>;
  create(draft: TriggerDraft): Promise<VendorTrigger>;
  remove(vendor: string, url: string): Promise<void>;
  preview(request: PreviewRequest): Promise<TriggerPreview>;
}

export function useTriggersApi(): TriggersClient {
  const api = useAuditorApi();
  return {
    targets: (vendor) => callApi(() => api.triggers.targets({ vendor })),
    list: (vendor) => callApi(() => api.triggers.list({ vendor })),
    create: (draft) => callApi(() => api.triggers.create(toPlain(draft))),
    remove: (vendor, url) => callApi(() => api.triggers.remove({ vendor, url })),
    preview: (request) => callApi(() => api.triggers.preview(toPlain(request))),
  };
}
