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
          security: [],
          operationId: 'getLiveness',
          summary: 'Liveness',
          description:
            'Answers 200 while the process runs; for restarting a stuck node, not for routing traffic.',
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
          security: [],
          operationId: 'getReadiness',
          summary: 'Readiness: the database answers',
          description:
            'Answers 200 when this node can serve verifications (its database answers), 503 otherwise.',
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
