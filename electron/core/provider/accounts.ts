import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import { AppError } from '../../../shared/errors';
import type { AccountDetail, TokenInfo } from '../../../shared/serverConsole';
import type { SqliteDatabase } from '../store/database';

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
  authenticate(token: string): Principal | null;
  /** Creates the account if needed; replaces its service views when `serviceViews` is given. */
  ensureAccount(name: string, serviceViews?: readonly string[]): number;
  /** Adds a token (a new random one when `token` is omitted) and returns it in clear, once. */
  addToken(account: string, token?: string): string;
  /**
   * `server token create`: creates the account if needed (with `serviceViews`, which
   * replace its views when given) and a new random token, in one transaction.
   */
  createToken(account: string, serviceViews?: readonly string[]): string;
  /** Revokes every token of the account and returns a new one. */
  rotateTokens(account: string): string;
  revokeTokens(account: string): number;
  /** Revokes one token of the account; 0 when it was revoked already. */
  revokeToken(account: string, tokenId: number): number;
  deleteAccount(account: string): boolean;
  list(): AccountSummary[];
  get(account: string): AccountSummary | undefined;
  /** Every account with its tokens (last use included) and trigger count, for the console. */
  details(): AccountDetail[];
  /**
   * Writes the last uses noted by `authenticate` (at most one per token a minute). Never
   * waits for another process's write lock: when server.db is busy they stay pending.
   */
  flushUses(): number;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The shortest token accepted at import (a guessable token is no authentication). */
export const MIN_TOKEN_LENGTH = 16;

export function createAccounts(db: SqliteDatabase, clock: () => Date = () => new Date()): Accounts {
  const byHash = db.prepare<
    [string],
    {
      id: number;
      account_id: number;
      name: string;
      token_hash: string;
      last_used_at: string | null;
    }
  >(`
    SELECT t.id, t.account_id, a.name, t.token_hash, t.last_used_at
    FROM tokens t JOIN accounts a ON a.id = t.account_id
    WHERE t.token_hash = ? AND t.revoked_at IS NULL`);
  const viewsOf = db.prepare<[number], { id: string }>(
    'SELECT service_view_id AS id FROM account_service_views WHERE account_id = ? ORDER BY rowid',
  );
  const accountId = db.prepare<[string], { id: number }>('SELECT id FROM accounts WHERE name = ?');
  const insertAccount = db.prepare<[string], { id: number }>(
    'INSERT INTO accounts (name) VALUES (?) RETURNING id',
  );
  const clearViews = db.prepare<[number]>('DELETE FROM account_service_views WHERE account_id = ?');
  const addView = db.prepare<[number, string]>(
    'INSERT OR IGNORE INTO account_service_views (account_id, service_view_id) VALUES (?, ?)',
  );
  const viewExists = db.prepare<[string], { id: string }>(
    'SELECT id FROM service_views WHERE id = ? AND parent_id IS NULL',
  );
  const insertToken = db.prepare<[number, string, string]>(
    'INSERT OR IGNORE INTO tokens (account_id, token_hash, created_at) VALUES (?, ?, ?)',
  );
  const revoke = db.prepare<[string, number]>(
    'UPDATE tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL',
  );
  const revokeOne = db.prepare<[string, number, number]>(
    'UPDATE tokens SET revoked_at = ? WHERE account_id = ? AND id = ? AND revoked_at IS NULL',
  );
  const tokenExists = db.prepare<[number, number], { id: number }>(
    'SELECT id FROM tokens WHERE account_id = ? AND id = ?',
  );
  const tokensOf = db.prepare<
    [number],
    { id: number; created_at: string; revoked_at: string | null; last_used_at: string | null }
  >(
    'SELECT id, created_at, revoked_at, last_used_at FROM tokens WHERE account_id = ? ORDER BY revoked_at IS NOT NULL, id DESC',
  );
  const triggersSeen = db.prepare<[number], { n: number }>(`
    SELECT count(*) AS n FROM triggers
    WHERE service_view_id IN (SELECT service_view_id FROM account_service_views WHERE account_id = ?)`);
  const recordUse = db.prepare<[{ at: string; id: number }]>(
    'UPDATE tokens SET last_used_at = @at WHERE id = @id AND (last_used_at IS NULL OR last_used_at < @at)',
  );
  const remove = db.prepare<[string]>('DELETE FROM accounts WHERE name = ?');
  const all = db.prepare<[], { id: number; name: string; active: number }>(`
    SELECT a.id, a.name, (SELECT count(*) FROM tokens t WHERE t.account_id = a.id AND t.revoked_at IS NULL) AS active
    FROM accounts a ORDER BY a.name`);

  // Principals are remembered for a second (the hot path of every CTP request); a write
  // through this object forgets them at once, a write by another process within 1 s.
  const remembered = new Map<string, { principal: Principal; tokenId: number; until: number }>();
  const forget = (): void => remembered.clear();
  const uses = createUseLog(db, recordUse, clock);

  const requireAccount = (name: string): number => {
    const row = accountId.get(name);
    if (row === undefined) throw new AppError('CTP_NOT_FOUND', `No account named "${name}".`);
    return row.id;
  };
  const summary = (row: { id: number; name: string; active: number }): AccountSummary => ({
    name: row.name,
    serviceViews: viewsOf.all(row.id).map((v) => v.id),
    activeTokens: row.active,
  });

  const ensureAccount = db.transaction((name: string, views?: readonly string[]): number => {
    const id = accountId.get(name)?.id ?? insertAccount.get(name)!.id;
    if (views !== undefined) {
      for (const view of views) {
        if (viewExists.get(view) === undefined) {
          throw new AppError(
            'CTP_PROVIDER_INVALID',
            `Account "${name}": there is no service view "${view}" (dependencies cannot be granted: they come with their view).`,
          );
        }
      }
      clearViews.run(id);
      for (const view of views) addView.run(id, view);
    }
    return id;
  });

  const addToken = (account: string, token?: string): string => {
    const id = requireAccount(account);
    const value = token ?? newToken();
    insertToken.run(id, hashToken(value), clock().toISOString());
    return value;
  };

  return {
    authenticate(token) {
      if (token.length === 0 || token.length > 512) return null;
      const digest = hashToken(token);
      const now = Date.now();
      const hit = remembered.get(digest);
      if (hit !== undefined && hit.until > now) {
        uses.note(hit.tokenId, null);
        return hit.principal;
      }
      const row = byHash.get(digest);
      if (row === undefined) return null;
      if (!timingSafeEqual(Buffer.from(row.token_hash, 'hex'), Buffer.from(digest, 'hex')))
        return null;
      const principal = {
        accountId: row.account_id,
        account: row.name,
        serviceViews: viewsOf.all(row.account_id).map((v) => v.id),
      };
      if (remembered.size > 10_000) forget();
      remembered.set(digest, { principal, tokenId: row.id, until: now + 1000 });
      uses.note(row.id, row.last_used_at);
      return principal;
    },
    ensureAccount: (name, views) => {
      forget();
      return ensureAccount(name, views);
    },
    addToken,
    createToken: db.transaction((account: string, views?: readonly string[]): string => {
      forget();
      ensureAccount(account, views);
      return addToken(account);
    }),
    rotateTokens: db.transaction((account: string): string => {
      forget();
      const id = requireAccount(account);
      revoke.run(clock().toISOString(), id);
      const value = newToken();
      insertToken.run(id, hashToken(value), clock().toISOString());
      return value;
    }),
    revokeTokens(account) {
      forget();
      return revoke.run(clock().toISOString(), requireAccount(account)).changes;
    },
    revokeToken(account, tokenId) {
      forget();
      const id = requireAccount(account);
      if (tokenExists.get(id, tokenId) === undefined) {
        throw new AppError('CTP_NOT_FOUND', `Account "${account}" has no token ${tokenId}.`);
      }
      return revokeOne.run(clock().toISOString(), id, tokenId).changes;
    },
    deleteAccount: (account) => {
      forget();
      return remove.run(account).changes > 0;
    },
    list: () => all.all().map(summary),
    get(account) {
      const row = all.all().find((r) => r.name === account);
      return row === undefined ? undefined : summary(row);
    },
    details: () =>
      all.all().map((row) => ({
        name: row.name,
        serviceViews: viewsOf.all(row.id).map((v) => v.id),
        tokens: tokensOf.all(row.id).map((token): TokenInfo => ({
          id: token.id,
          createdAt: token.created_at,
          revokedAt: token.revoked_at,
          lastUsedAt: uses.lastUse(token.id, token.last_used_at),
        })),
        triggers: triggersSeen.get(row.id)?.n ?? 0,
      })),
    flushUses: () => uses.flush(),
  };
}

/**
 * The last use of each token, noted in memory on every authentication and written at
 * most once a minute per token ({@link TOKEN_USE_RESOLUTION_MS}): a write on every CTP
 * request would empty the response cache and take the write lock on the read path.
 */
function createUseLog(
  db: SqliteDatabase,
  recordUse: { run(use: { at: string; id: number }): unknown },
  clock: () => Date,
) {
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
    flush(): number {
      if (pending.size === 0) return 0;
      const batch = [...pending];
      const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
      db.pragma('busy_timeout = 0');
      try {
        db.transaction(() => {
          for (const [id, at] of batch) recordUse.run({ at, id });
        })();
        for (const [id, at] of batch) if (pending.get(id) === at) pending.delete(id);
        return batch.length;
      } catch (error) {
        if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) return 0;
        throw error;
      } finally {
        db.pragma(`busy_timeout = ${busyTimeout}`);
      }
    },
  };
}
