/**
 * One XMPP account kept in a one-row table: the provider's notifier account
 * (`notifier_settings` in server.db) and the auditor's alerts account (`alerts_account` in
 * auditor.db). JID, service and CA only: the password is in the secret store, never in a
 * database or a log.
 */
import type { SecretStore } from '../../client/secretStore';
import type { SqlStore } from '../../store/sqlStore';
import { checkAccount, type AccountInput } from './accountInput';
import type { XmppAccountOptions } from './xmppSession';

/** Secret-store keys of the two accounts' passwords. */
export const NOTIFIER_PASSWORD_KEY = 'xmpp-notifier-password';
export const LISTENER_PASSWORD_KEY = 'xmpp-alerts-password';

export interface AccountSettings {
  jid: string;
  service: string | null;
  caPem: string | null;
  updatedAt: string;
}

/** Asynchronous, like the outbox, so that a PostgreSQL store can implement the provider's. */
export interface AccountSettingsRepository {
  get(): Promise<AccountSettings | null>;
  set(settings: AccountSettings): Promise<void>;
  remove(): Promise<boolean>;
}

export function createAccountSettings(
  store: SqlStore,
  table: 'notifier_settings' | 'alerts_account',
): AccountSettingsRepository {
  return {
    async get() {
      const row = await store.get<{
        jid: string;
        service: string | null;
        ca_pem: string | null;
        updated_at: string;
      }>(`SELECT jid, service, ca_pem, updated_at FROM ${table} WHERE id = 1`);
      return row === undefined
        ? null
        : { jid: row.jid, service: row.service, caPem: row.ca_pem, updatedAt: row.updated_at };
    },
    async set(settings) {
      await store.run(
        `INSERT INTO ${table} (id, jid, service, ca_pem, updated_at) VALUES (1, $1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET jid = excluded.jid, service = excluded.service,
           ca_pem = excluded.ca_pem, updated_at = excluded.updated_at`,
        [settings.jid, settings.service, settings.caPem, settings.updatedAt],
      );
    },
    async remove() {
      return (await store.run(`DELETE FROM ${table} WHERE id = 1`)) > 0;
    },
  };
}

/** Checks an account as given and keeps it: settings in the table, password in the secret store. */
export async function storeAccount(
  repository: AccountSettingsRepository,
  secrets: SecretStore,
  passwordKey: string,
  input: AccountInput,
  now: string,
): Promise<AccountSettings> {
  const account = checkAccount(input);
  secrets.set(passwordKey, account.password);
  const settings = {
    jid: account.jid,
    service: account.service,
    caPem: account.caPem,
    updatedAt: now,
  };
  await repository.set(settings);
  return settings;
}

/** Forgets an account and its password. */
export async function forgetAccount(
  repository: AccountSettingsRepository,
  secrets: SecretStore,
  passwordKey: string,
): Promise<boolean> {
  const removed = await repository.remove();
  secrets.delete(passwordKey);
  return removed;
}

/** What a connection needs, or why there is none (no account, no password). */
export function connectionOptions(
  settings: AccountSettings,
  secrets: SecretStore,
  passwordKey: string,
): XmppAccountOptions | null {
  const password = secrets.get(passwordKey);
  if (password === null) return null;
  return { jid: settings.jid, password, service: settings.service, caPem: settings.caPem };
}

/** Two settings name the same connection. */
export function sameAccount(a: AccountSettings | null, b: AccountSettings | null): boolean {
  return (
    a?.jid === b?.jid &&
    a?.service === b?.service &&
    a?.caPem === b?.caPem &&
    a?.updatedAt === b?.updatedAt
  );
}
