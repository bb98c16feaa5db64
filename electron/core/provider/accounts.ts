import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import { AppError } from '../../../shared/errors';
import type { AccountDetail, TokenInfo } from '../../../shared/serverConsole';
import type { SqlQueries, SqlStore } from '../store/sqlStore';

/** Who a bearer token speaks for, and the service views that account may see (CTP 6.1). */
export interface Principal {
  accountId: number;
  account: string;
  serviceViews: string[];
}

export interface AccountSummary {
  name: string;
  serviceViews: string[];
  activeTokens: number;
}

/** How often a token's last use is written: once a minute at most (a write empties the response cache). */
export const TOKEN_USE_RESOLUTION_MS = 60_000;

/**
 * Accounts and their bearer tokens (CTP 6.3). Tokens are stored as SHA-256 digests: the
 * lookup is by digest (an index), and the match is confirmed with a constant-time
 * comparison, so neither the token nor its length leaks through timing.
 */
export interface Accounts {
  authenticate(token: string): Promise<Principal | null>;
  /** Creates the account if needed; replaces its service views when `serviceViews` is given. */
  ensureAccount(name: string, serviceViews?: readonly string[]): Promise<number>;
  /** Adds a token (a new random one when `token` is omitted) and returns it in clear, once. */
  addToken(account: string, token?: string): Promise<string>;
  /**
   * `server token create`: creates the account if needed (with `serviceViews`, which
   * replace its views when given) and a new random token, in one transaction.
   */
  createToken(account: string, serviceViews?: readonly string[]): Promise<string>;
  /** Revokes every token of the account and returns a new one. */
  rotateTokens(account: string): Promise<string>;
  revokeTokens(account: string): Promise<number>;
  /** Revokes one token of the account; 0 when it was revoked already. */
  revokeToken(account: string, tokenId: number): Promise<number>;
  deleteAccount(account: string): Promise<boolean>;
  list(): Promise<AccountSummary[]>;
  get(account: string): Promise<AccountSummary | undefined>;
  /** Every account with its tokens (last use included) and trigger count, for the console. */
  details(): Promise<AccountDetail[]>;
  /**
   * Writes the last uses noted by `authenticate` (at most one per token a minute). Never
   * waits for another process's write lock: while it is held they stay pending.
   */
  flushUses(): Promise<number>;
  /** The same writes inside a caller's write transaction (the provider import). */
  within(tx: SqlQueries): AccountWrites;
}

export type AccountWrites = Pick<Accounts, 'ensureAccount' | 'addToken' | 'get'>;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The shortest token accepted at import (a guessable token is no authentication). */
export const MIN_TOKEN_LENGTH = 16;

const SQL = {
  byHash: `SELECT t.id, t.account_id, a.name, t.token_hash, t.last_used_at
    FROM tokens t JOIN accounts a ON a.id = t.account_id
    WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
  viewsOf:
    'SELECT service_view_id AS id FROM account_service_views WHERE account_id = $1 ORDER BY rowid',
  accountId: 'SELECT id FROM accounts WHERE name = $1',
  insertAccount: 'INSERT INTO accounts (name) VALUES ($1) RETURNING id',
  clearViews: 'DELETE FROM account_service_views WHERE account_id = $1',
  addView: `INSERT INTO account_service_views (account_id, service_view_id) VALUES ($1, $2)
    ON CONFLICT DO NOTHING`,
  viewExists: 'SELECT id FROM service_views WHERE id = $1 AND parent_id IS NULL',
  insertToken: `INSERT INTO tokens (account_id, token_hash, created_at) VALUES ($1, $2, $3)
    ON CONFLICT DO NOTHING`,
  revoke: 'UPDATE tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL',
  revokeOne:
    'UPDATE tokens SET revoked_at = $1 WHERE account_id = $2 AND id = $3 AND revoked_at IS NULL',
  tokenExists: 'SELECT id FROM tokens WHERE account_id = $1 AND id = $2',
  tokensOf: `SELECT id, created_at, revoked_at, last_used_at FROM tokens WHERE account_id = $1
    ORDER BY revoked_at IS NOT NULL, id DESC`,
  triggersSeen: `SELECT count(*) AS n FROM triggers
    WHERE service_view_id IN (SELECT service_view_id FROM account_service_views WHERE account_id = $1)`,
  recordUse: `UPDATE tokens SET last_used_at = $1
    WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)`,
  remove: 'DELETE FROM accounts WHERE name = $1',
  summaries: `SELECT a.id, a.name,
      (SELECT count(*) FROM tokens t WHERE t.account_id = a.id AND t.revoked_at IS NULL) AS active
    FROM accounts a WHERE CAST($1 AS text) IS NULL OR a.name = $1 ORDER BY a.name`,
};

type SummaryRow = { id: number; name: string; active: number };
type TokenRow = {
  id: number;
  account_id: number;
  name: string;
  token_hash: string;
  last_used_at: string | null;
};
type TokenInfoRow = {
  id: number;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
};

async function viewsOf(q: SqlQueries, accountId: number): Promise<string[]> {
  return (await q.all<{ id: string }>(SQL.viewsOf, [accountId])).map((v) => v.id);
}

async function requireAccount(q: SqlQueries, name: string): Promise<number> {
  const row = await q.get<{ id: number }>(SQL.accountId, [name]);
  if (row === undefined) throw new AppError('CTP_NOT_FOUND', `No account named "${name}".`);
  return row.id;
}

async function summaries(q: SqlQueries, name: string | null): Promise<AccountSummary[]> {
  const rows = await q.all<SummaryRow>(SQL.summaries, [name]);
  return Promise.all(
    rows.map(async (row) => ({
      name: row.name,
      serviceViews: await viewsOf(q, row.id),
      activeTokens: row.active,
    })),
  );
}

function accountWrites(tx: SqlQueries, clock: () => Date): AccountWrites {
  const addToken = async (account: string, token?: string): Promise<string> => {
    const id = await requireAccount(tx, account);
    const value = token ?? newToken();
    await tx.run(SQL.insertToken, [id, hashToken(value), clock().toISOString()]);
    return value;
  };
  return {
    async ensureAccount(name, views) {
      const id =
        (await tx.get<{ id: number }>(SQL.accountId, [name]))?.id ??
        (await tx.get<{ id: number }>(SQL.insertAccount, [name]))!.id;
      if (views !== undefined) {
        for (const view of views) {
          if ((await tx.get(SQL.viewExists, [view])) === undefined) {
            throw new AppError(
              'CTP_PROVIDER_INVALID',
              `Account "${name}": there is no service view "${view}" (dependencies cannot be granted: they come with their view).`,
            );
          }
        }
        await tx.run(SQL.clearViews, [id]);
        for (const view of views) await tx.run(SQL.addView, [id, view]);
      }
      return id;
    },
    addToken,
    get: async (account) => (await summaries(tx, account))[0],
  };
}

export function createAccounts(store: SqlStore, clock: () => Date = () => new Date()): Accounts {
  // Principals are remembered for a second (the hot path of every CTP request); a write
  // through this object forgets them at once, a write by another process (another
  // `serve` instance) is seen within 1 s (docs/ctp-server.md "Deployment").
  const remembered = new Map<string, { principal: Principal; tokenId: number; until: number }>();
  const uses = createUseLog(store, clock);
  const forgetting =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      remembered.clear();
      return call(...args);
    };
  const write = <R>(body: (writes: AccountWrites, tx: SqlQueries) => Promise<R>) =>
    store.write((tx) => body(accountWrites(tx, clock), tx));

  return {
    async authenticate(token) {
      if (token.length === 0 || token.length > 512) return null;
      const digest = hashToken(token);
      const now = Date.now();
      const hit = remembered.get(digest);
      if (hit !== undefined && hit.until > now) {
        uses.note(hit.tokenId, null);
        return hit.principal;
      }
      const row = await store.get<TokenRow>(SQL.byHash, [digest]);
      if (row === undefined) return null;
      if (!timingSafeEqual(Buffer.from(row.token_hash, 'hex'), Buffer.from(digest, 'hex')))
        return null;
      const principal = {
        accountId: row.account_id,
        account: row.name,
        serviceViews: await viewsOf(store, row.account_id),
      };
      if (remembered.size > 10_000) remembered.clear();
      remembered.set(digest, { principal, tokenId: row.id, until: now + 1000 });
      uses.note(row.id, row.last_used_at);
      return principal;
    },
    ensureAccount: forgetting((name: string, views?: readonly string[]) =>
      write((writes) => writes.ensureAccount(name, views)),
    ),
    addToken: forgetting((account: string, token?: string) =>
      write((writes) => writes.addToken(account, token)),
    ),
    createToken: forgetting((account: string, views?: readonly string[]) =>
      write(async (writes) => {
        await writes.ensureAccount(account, views);
        return writes.addToken(account);
      }),
    ),
    rotateTokens: forgetting((account: string) =>
      write(async (writes, tx) => {
        const id = await requireAccount(tx, account);
        await tx.run(SQL.revoke, [clock().toISOString(), id]);
        return writes.addToken(account);
      }),
    ),
    revokeTokens: forgetting((account: string) =>
      write(async (_, tx) =>
        tx.run(SQL.revoke, [clock().toISOString(), await requireAccount(tx, account)]),
      ),
    ),
    revokeToken: forgetting((account: string, tokenId: number) =>
      write(async (_, tx) => {
        const id = await requireAccount(tx, account);
        if ((await tx.get(SQL.tokenExists, [id, tokenId])) === undefined) {
          throw new AppError('CTP_NOT_FOUND', `Account "${account}" has no token ${tokenId}.`);
        }
        return tx.run(SQL.revokeOne, [clock().toISOString(), id, tokenId]);
      }),
    ),
    deleteAccount: forgetting(
      async (account: string) => (await store.write((tx) => tx.run(SQL.remove, [account]))) > 0,
    ),
    list: () => summaries(store, null),
    get: async (account) => (await summaries(store, account))[0],
    within(tx) {
      remembered.clear();
      return accountWrites(tx, clock);
    },
    details: async () =>
      Promise.all(
        (await store.all<SummaryRow>(SQL.summaries, [null])).map(async (row) => ({
          name: row.name,
          serviceViews: await viewsOf(store, row.id),
          tokens: (await store.all<TokenInfoRow>(SQL.tokensOf, [row.id])).map(
            (token): TokenInfo => ({
              id: token.id,
              createdAt: token.created_at,
              revokedAt: token.revoked_at,
              lastUsedAt: uses.lastUse(token.id, token.last_used_at),
            }),
          ),
          triggers: (await store.get<{ n: number }>(SQL.triggersSeen, [row.id]))?.n ?? 0,
        })),
      ),
    flushUses: () => uses.flush(),
  };
}

/**
 * The last use of each token, noted in memory on every authentication and written at
 * most once a minute per token ({@link TOKEN_USE_RESOLUTION_MS}): a write on every CTP
 * request would empty the response cache and take the write lock on the read path.
 */
function createUseLog(store: SqlStore, clock: () => Date) {
  /** When each token's last use was noted (written or pending), in ms. */
  const noted = new Map<number, number>();
  const pending = new Map<number, string>();
  return {
    note(tokenId: number, storedIso: string | null): void {
      const now = clock().getTime();
      if (!noted.has(tokenId) && storedIso !== null) noted.set(tokenId, Date.parse(storedIso));
      if (now - (noted.get(tokenId) ?? Number.NEGATIVE_INFINITY) < TOKEN_USE_RESOLUTION_MS) return;
      if (noted.size > 100_000) noted.clear();
      noted.set(tokenId, now);
      pending.set(tokenId, new Date(now).toISOString());
    },
    lastUse(tokenId: number, storedIso: string | null): string | null {
      const waiting = pending.get(tokenId);
      return waiting !== undefined && (storedIso === null || waiting > storedIso)
        ? waiting
        : storedIso;
    },
    async flush(): Promise<number> {
      if (pending.size === 0) return 0;
      const batch = [...pending];
      try {
        // Nothing the CTP API serves (tree: false), and never waiting for another
        // process's write lock (wait: false): busy, the uses stay pending.
        await store.write(
          async (tx) => {
            for (const [id, at] of batch) await tx.run(SQL.recordUse, [at, id]);
          },
          { tree: false, wait: false },
        );
      } catch (error) {
        if (error instanceof AppError && error.code === 'SERVER_BUSY') return 0;
        throw error;
      }
      for (const [id, at] of batch) if (pending.get(id) === at) pending.delete(id);
      return batch.length;
    },
  };
}
