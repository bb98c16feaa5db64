import type { FastifyError } from 'fastify';

/**
 * One JSON Schema violation of a request, naming the field (`guardTime must be number`,
 * `colour is not a known property`): the CTP, admin and RPC answers quote it.
 */
export function describeValidation(issue: NonNullable<FastifyError['validation']>[number]): string {
  const where = issue.instancePath === '' ? '' : issue.instancePath.slice(1).replace(/\//g, '.');
  const extra = (issue.params as { additionalProperty?: string }).additionalProperty;
  const subject = extra !== undefined ? `${where === '' ? '' : `${where}.`}${extra}` : where;
  const message = extra !== undefined ? 'is not a known property' : (issue.message ?? 'is invalid');
  return subject === '' ? message : `${subject} ${message}`;
}
