/**
 * @module Verify route
 *
 * `POST /v1/verify`: the platform's services ask whether a key is good for a scope, resource
 * and environment. Every outcome is a 200 with `{ valid, code }`; HTTP errors are kept for a
 * bad request or a bad caller credential. The route is answered by the verify handler
 * (verify-handler.ts) before Fastify sees a request; Fastify holds it for the OpenAPI document
 * and for `app.inject`, whose requests never pass through the server, and which it hands to the
 * same handler untouched (no body parsing, no validation: the handler does both).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { KEYWARD_SCOPES } from '@keyward/core';
import { adminSecurity, errorResponses } from '../../schemas/common.ts';
import { VerifyBody, VerifyResponse } from '../../schemas/verify.schema.ts';
import { VERIFY_PATH, type VerifyHandler } from './verify-handler.ts';

/** The Keyward scope a caller of `POST /v1/verify` needs. */
export const VERIFY_CALLER_SCOPES = [KEYWARD_SCOPES.keysVerify] as const;

/** The route as Fastify knows it: documented, and passed to `handler`. Register it without hooks. */
export function verifyRoutes(handler: VerifyHandler): FastifyPluginAsyncTypebox {
  return async (app) => {
    // The handler reads the body itself, so nothing here may read it first.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null));
    app.post(
      VERIFY_PATH,
      {
        schema: {
          tags: ['verify'],
          security: adminSecurity.slice(0, 4),
          operationId: 'verifyKey',
          summary: 'Verify a key',
          description:
            "Checks, in order: MALFORMED, NOT_FOUND, DISABLED, EXPIRED, ENVIRONMENT_MISMATCH, IP_FORBIDDEN, INSUFFICIENT_SCOPE, RESOURCE_FORBIDDEN, RATE_LIMITED, USAGE_EXCEEDED; the first failure is returned, else VALID. A caller sees only its own organization's keys unless it holds keys:verify-all.",
          body: VerifyBody,
          response: { 200: VerifyResponse, ...errorResponses },
        },
        validatorCompiler: () => () => true,
      },
      (request, reply) => {
        reply.hijack();
        handler.handle(request.raw, reply.raw);
      },
    );
  };
}
