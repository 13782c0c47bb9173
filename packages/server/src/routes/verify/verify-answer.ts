/**
 * @module Verify answer
 *
 * The one place a verification becomes the body of `POST /v1/verify`'s 200. Most answers are a
 * key's plain VALID answer, byte for byte the same on every verification of that key while it
 * stays loaded, so its text is kept in the key's view (verification/key-views.ts) and written
 * as it is; every other answer is serialized from the response schema.
 */
import type { VerifyResult } from '@keyward/core';
import type { Static } from '@sinclair/typebox';
import fastJson from 'fast-json-stringify';
import { VerifyResponse } from '../../schemas/verify.schema.ts';
import { keyView } from '../../verification/key-views.ts';

/** The body of a verify answer. */
export type VerifyAnswer = Static<typeof VerifyResponse>;

/** The answer to show for a verification. */
export function answerOf(result: VerifyResult): VerifyAnswer {
  // Built field by field: this runs on every verification, and spreads cost more here.
  const answer: VerifyAnswer = { valid: result.valid, code: result.code };
  if (result.key) answer.key = keyView(result.key).shown as NonNullable<VerifyAnswer['key']>;
  if (result.ratelimit) {
    answer.ratelimit = {
      limit: result.ratelimit.limit,
      remaining: result.ratelimit.remaining,
      reset: new Date(result.ratelimit.resetAt).toISOString(),
    };
  }
  if (result.remaining !== undefined) answer.remaining = result.remaining;
  return answer;
}

/** Builds the serializer of verify answers: the text to send for a verification. */
export function createAnswerSerializer(): (result: VerifyResult) => string {
  const serialize = fastJson(VerifyResponse);
  return (result) => {
    const plainValid = result.key && result.valid && !result.ratelimit && result.remaining === undefined;
    if (!plainValid || !result.key) return serialize(answerOf(result));
    const view = keyView(result.key);
    view.validAnswer ??= serialize(answerOf(result));
    return view.validAnswer;
  };
}
