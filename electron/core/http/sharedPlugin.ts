import type { FastifyPluginAsync, FastifyPluginOptions } from 'fastify';

/**
 * Marks a plugin as shared with the context that registers it: its hooks and request
 * decorations apply to that context's routes, instead of to the plugin's own (Fastify's
 * `skip-override`, what the fastify-plugin package sets; not a dependency here).
 */
export function sharedPlugin<Options extends FastifyPluginOptions>(
  plugin: FastifyPluginAsync<Options>,
): FastifyPluginAsync<Options> {
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true });
}
