import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app/app-context.ts';
import { sendError } from '../../app/error-handler.ts';

/** `/healthz` (the process is up) and `/readyz` (the database answers). */
export function healthRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/healthz',
      {
        schema: {
          tags: ['health'],
          summary: 'Liveness',
          response: { 200: Type.Object({ status: Type.Literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );
    app.get(
      '/readyz',
      {
        schema: {
          tags: ['health'],
          summary: 'Readiness: the database answers',
          response: { 200: Type.Object({ status: Type.Literal('ready') }), 503: Type.Ref('Error') },
        },
      },
      async (_request, reply) => {
        if (!(await ctx.store.ping()))
          return sendError(reply, 'NOT_READY', { message: 'The database does not answer.' });
        return { status: 'ready' as const };
      },
    );
  };
}
