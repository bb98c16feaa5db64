import type { FastifyRequest } from 'fastify';

import {
  encodeLogText,
  encodeMeasurementText,
  encodeTrigger,
} from '../../../../shared/ctp/encodings';
import { parseLogQuery } from '../../../../shared/ctp/pagination';
import { parseRfc3339 } from '../../../../shared/ctp/time';
import { AppError } from '../../../../shared/errors';
import type { ProviderServices } from '../../provider/services';
import type { TriggerInput } from '../../provider/triggerService';
import { parsedQuery, type CtpRouteKit } from './routeKit';
import {
  COLLECTION_QUERY,
  ID_PARAMS,
  LOG_QUERY,
  NO_QUERY,
  STATE_BODY,
  TRIGGER_BODY,
} from './schemas';

type Id = { id: string };

/**
 * What a customer does: activate measurements (CTP 5.2.11), create, read and delete
 * triggers (CTP 5.2.14-5.2.17, at most `maxTriggersPerAccount` in the views it sees), and
 * read the log (CTP 5.2.18, 5.2.19).
 */
export function registerTriggerRoutes(
  kit: CtpRouteKit,
  services: Pick<ProviderServices, 'repositories' | 'triggers'>,
  options: { maxTriggersPerAccount: number },
): void {
  const { repositories, triggers } = services;
  const { route, guard } = kit;

  // CTP 5.2.11 (SPEC-NOTES: `/measurement/` and `x=initiate` are accepted too)
  for (const word of ['measurements', 'measurement']) {
    route<Id>(
      'PUT',
      `/${word}/:id`,
      { params: ID_PARAMS, querystring: NO_QUERY, body: STATE_BODY },
      async (request, reply) => {
        checkStateX(request);
        await guard(request, 'measurement', request.params.id);
        const body = request.body as { state: 'activated' | 'deactivated' };
        const measurement = await triggers.setState(request.params.id, body.state);
        return kit.sendJson(reply, encodeMeasurementText(kit.baseOf(request), measurement));
      },
      { auth: 'required', takesX: true },
    );
  }
  // CTP 5.2.14, 5.2.16
  route<Id>(
    'GET',
    '/serviceViews/:id/triggers',
    { params: ID_PARAMS, querystring: COLLECTION_QUERY },
    async (request, reply) => {
      const { id } = request.params;
      await guard(request, 'serviceView', id);
      const page = await repositories.triggers(id, kit.windowOf(request));
      return kit.sendCollection(request, reply, `/serviceViews/${id}`, 'triggers', page);
    },
  );
  route<Id>(
    'POST',
    '/serviceViews/:id/triggers',
    { params: ID_PARAMS, querystring: NO_QUERY, body: TRIGGER_BODY },
    async (request, reply) => {
      await guard(request, 'serviceView', request.params.id);
      const quota = {
        serviceViews: request.principal?.serviceViews ?? [],
        max: options.maxTriggersPerAccount,
      };
      const input = request.body as TriggerInput;
      const { trigger } = await triggers.create(request.params.id, input, quota);
      const encoded = encodeTrigger(kit.baseOf(request), trigger);
      return reply.code(201).header('location', encoded.self).send(encoded);
    },
  );
  // CTP 5.2.15, 5.2.17
  route<Id>(
    'GET',
    '/triggers/:id',
    { params: ID_PARAMS, querystring: NO_QUERY },
    async (request, reply) => {
      await guard(request, 'trigger', request.params.id);
      return reply.send(
        encodeTrigger(kit.baseOf(request), (await repositories.trigger(request.params.id))!),
      );
    },
  );
  route<Id>(
    'DELETE',
    '/triggers/:id',
    { params: ID_PARAMS, querystring: NO_QUERY },
    async (request, reply) => {
      await guard(request, 'trigger', request.params.id);
      await triggers.delete(request.params.id);
      return reply.code(204).send();
    },
  );
  // CTP 5.2.18 (filters, then pagination), 5.2.19
  route<Id>(
    'GET',
    '/serviceViews/:id/logs',
    { params: ID_PARAMS, querystring: LOG_QUERY },
    async (request, reply) => {
      const { id } = request.params;
      await guard(request, 'serviceView', id);
      const q = parsedQuery(() =>
        parseLogQuery(request.query as Record<string, unknown>, parseRfc3339),
      );
      const filter = {
        ...kit.windowOf(request, q),
        oldestMs: q.oldest,
        newestMs: q.newest,
        tags: q.tags,
      };
      return kit.sendCollection(
        request,
        reply,
        `/serviceViews/${id}`,
        'logs',
        await repositories.logs(id, filter),
      );
    },
  );
  route<Id>(
    'GET',
    '/logs/:id',
    { params: ID_PARAMS, querystring: NO_QUERY },
    async (request, reply) => {
      await guard(request, 'log', request.params.id);
      const log = (await repositories.log(request.params.id))!;
      return kit.sendJson(reply, encodeLogText(kit.baseOf(request), log));
    },
  );
}

/** A PUT on a measurement needs `x=state` (or `x=initiate`, SPEC-NOTES). */
function checkStateX(request: FastifyRequest): void {
  const x = (request.query as { x?: string }).x;
  if (x !== 'state' && x !== 'initiate') {
    throw new AppError(
      'CTP_BAD_REQUEST',
      x === undefined
        ? 'A PUT on a measurement needs ?x=state (CTP 5.2.11).'
        : `Unknown query extension x=${x}; use x=state.`,
    );
  }
}
