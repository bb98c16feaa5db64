import type { FastifyRequest } from 'fastify';

import type { SqlStore } from '../../store/sqlStore';
import { sharedPlugin } from '../sharedPlugin';
import { createResponseCache } from './responseCache';

declare module 'fastify' {
  interface FastifyRequest {
    /** Where a CTP GET's response goes in the response cache (null: not cached). */
    cacheSlot: { key: string; version: string } | null;
  }
}

export interface CtpCacheOptions {
  /** The provider store, whose data version keys the cache. */
  store: Pick<SqlStore, 'dataVersion'>;
  /** The CtpBase the response is encoded with (part of the key). */
  baseOf: (request: FastifyRequest) => string;
  maxBytes: number;
}

/**
 * Reads are answered from the cache while the data is unchanged (responseCache.ts). The
 * key holds what a read depends on besides the data: the views the caller may see, the
 * advertised base and the URL (CTP 4.1.5.1: `self` is the URL requested). Visibility and
 * rate limits are checked before (onRequest), on every request.
 */
export const ctpResponseCache = sharedPlugin<CtpCacheOptions>(async (app, options) => {
  const cache = createResponseCache({
    dataVersion: options.store.dataVersion,
    maxBytes: options.maxBytes,
  });
  app.decorateRequest('cacheSlot', null);
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return done();
    const visible = request.principal?.serviceViews.join(' ') ?? '';
    const key = `${visible}\n${options.baseOf(request)}\n${request.url}`;
    const version = cache.version();
    const hit = cache.get(key);
    // Answered here: a callback hook that sends does not call done().
    if (hit !== undefined) return void reply.type(hit.contentType).send(hit.body);
    if (request.method === 'GET' && version !== null) request.cacheSlot = { key, version };
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    const slot = request.cacheSlot;
    if (slot !== null && reply.statusCode === 200 && typeof payload === 'string') {
      const contentType = String(reply.getHeader('content-type'));
      cache.set(slot.key, slot.version, { body: payload, contentType });
    }
    done(null, payload);
  });
});
