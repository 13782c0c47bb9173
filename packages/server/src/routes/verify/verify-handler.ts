/**
 * @module Verify handler
 *
 * The one implementation of `POST /v1/verify`, answered straight from the Node server. The
 * route sits in front of every call of the platform, and Fastify's per-request pipeline, even
 * for a route without hooks, cost about 18 µs of CPU a request more than this handler
 * (docs/benchmarks.md › "Why the verify route is a handler of its own"), so the app hands this
 * handler every `POST /v1/verify` before Fastify sees it. Fastify keeps the route for the
 * OpenAPI document and for `app.inject`, which it passes here too (verify.ts).
 *
 * It does what Fastify does for the other routes, in the same order: the body is read within
 * the body limit and checked against its declared length, parsed by the same JSON parser and
 * validated by the same compiled schema; then the caller is authenticated by the same
 * authenticator (any credential, session or the local CLI's token), its scope checked, and the
 * verify service asked. Answers and errors are rendered as everywhere else (verify-answer.ts,
 * the one error body), with the request id, and counted in the request metrics.
 *
 * Its answers are written in batches, once Node has read every socket that was ready
 * (app/response-batch.ts), which spares the callers a wake-up per answer. Per-request state is
 * kept beside Node's objects (a `WeakMap`), never on them: a property added to a request or a
 * socket gives it a hidden class of its own and makes Node's stream code polymorphic.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ERROR_CODES, KeywardError, queryKeysIn } from '@keyward/core';
import type { Static } from '@sinclair/typebox';
import type { Logger } from 'pino';
import { describeValidation, errorBody, errorHeaders, expectedError } from '../../app/error-handler.ts';
import { parseJsonBody } from '../../app/json-body.ts';
import type { RequestRecorder } from '../../app/metrics.ts';
import type { OutageReporter } from '../../app/outage-log.ts';
import { requestIdFrom } from '../../app/request-identity.ts';
import { type HeldResponse, ResponseBatch } from '../../app/response-batch.ts';
import { createValidatorCompiler } from '../../app/validators.ts';
import {
  type Authenticator,
  type AuthLog,
  type CallerMemo,
  type CallerRequest,
  requireScopes,
} from '../../auth/authenticator.ts';
import type { Principal } from '../../auth/principal.ts';
import { VerifyBody } from '../../schemas/verify.schema.ts';
import { boundOf, presentedKeyOf, type VerifyService } from '../../services/verify-service.ts';
import { createAnswerSerializer } from './verify-answer.ts';

/** The path of the route. */
export const VERIFY_PATH = '/v1/verify';

export interface VerifyHandlerDeps {
  auth: Authenticator;
  verify: VerifyService;
  /** The Keyward scopes a caller needs. */
  callerScopes: readonly string[];
  allowQueryKey: boolean;
  logger: Logger;
  /** The largest body accepted, in bytes (the app's body limit). */
  bodyLimit: number;
  clientAddress: (request: IncomingMessage) => string;
  /** Counts an answer in the route's request metrics. */
  recordRequest: RequestRecorder;
  /** Told of every answer an unavailable store caused (the app's error handler's). */
  outages: OutageReporter;
}

export interface VerifyHandler {
  /** Whether `request` is for this route (`POST /v1/verify`, a trailing slash or query string allowed). */
  claims(request: IncomingMessage): boolean;
  /** Answers a request this route claims. */
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** Called when the app starts closing: from then on requests are refused with 503. */
  close(): void;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const NONE: readonly string[] = Object.freeze([]);

type BodyKind = 'json' | 'text' | 'none' | 'unsupported';

/** How a body of this content type is read, as Fastify's parsers would (JSON, or text that no schema accepts). */
function bodyKindOf(contentType: string | undefined): BodyKind {
  if (contentType === undefined) return 'none';
  if (contentType === 'application/json') return 'json';
  const media = contentType.split(';', 1)[0]?.trim().toLowerCase();
  if (media === 'application/json') return 'json';
  if (media === 'text/plain') return 'text';
  return 'unsupported';
}

/** The `auth-key` values of a request URL, in every spelling core's `queryKeysIn` counts. */
function queryKeysOf(url: string): readonly string[] {
  const mark = url.indexOf('?');
  if (mark === -1) return NONE;
  const keys = queryKeysIn(url.slice(mark + 1));
  return keys.length === 0 ? NONE : keys;
}

/**
 * Whether a raw header name is `lowercase` (its length already known to match), trying the two
 * spellings clients send before lowering the case of another.
 */
const isHeader = (name: string, lowercase: string, titleCase: string) =>
  name === lowercase || name === titleCase || name.toLowerCase() === lowercase;

/** What a connection's caller sent and proved last (see {@link CallerMemo}). */
const connectionMemos = new WeakMap<Socket, CallerMemo>();

function connectionMemoOf(socket: Socket): CallerMemo {
  let memo = connectionMemos.get(socket);
  if (!memo) {
    memo = { proof: {} };
    connectionMemos.set(socket, memo);
  }
  return memo;
}

/** What every exchange shares: the compiled schema and serializer, the app, the answers held. */
interface Shared extends VerifyHandlerDeps {
  validate: ReturnType<ReturnType<typeof createValidatorCompiler>>;
  serialize: ReturnType<typeof createAnswerSerializer>;
  responses: ResponseBatch<VerifyExchange>;
}

const exchanges = new WeakMap<IncomingMessage, VerifyExchange>();

// Shared listeners: the per-request state is found through the request, so taking a request
// creates no closures (this route runs for every call the platform receives).
function onBodyData(this: IncomingMessage, chunk: Buffer): void {
  exchanges.get(this)?.data(chunk);
}
function onBodyEnd(this: IncomingMessage): void {
  exchanges.get(this)?.end();
}
function onBodyError(this: IncomingMessage): void {
  exchanges.get(this)?.abort();
}

/**
 * One verify request: reads its headers in one pass over the raw headers (Node builds
 * `request.headers` only when asked), reads the body, answers in a batch, records the metrics.
 * It is also the request as the authenticator reads it, and the log its failures go to.
 */
class VerifyExchange implements HeldResponse, CallerRequest, AuthLog {
  readonly method = 'POST';
  readonly ip: string;
  readonly requestId: string;
  authorization: readonly string[] = NONE;
  apiKey: readonly string[] = NONE;
  readonly queryKeys: readonly string[];
  readonly memo: CallerMemo;
  private readonly started = performance.now();
  private local: string | undefined = undefined;
  private contentType: string | undefined = undefined;
  /** The declared body length; NaN when none was declared. */
  private declared = Number.NaN;
  private chunks: Buffer[] = [];
  private received = 0;
  private status = 0;
  private payload = '';
  private extraHeaders: Record<string, string> | undefined = undefined;

  constructor(
    private readonly shared: Shared,
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
  ) {
    let requestIds = 0;
    let requestId: string | undefined;
    const raw = request.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i] as string;
      const value = raw[i + 1] as string;
      switch (name.length) {
        case 13:
          if (isHeader(name, 'authorization', 'Authorization'))
            this.authorization = [...this.authorization, value];
          break;
        case 9:
          if (isHeader(name, 'x-api-key', 'X-API-Key')) this.apiKey = [...this.apiKey, value];
          break;
        case 12:
          if (isHeader(name, 'content-type', 'Content-Type')) this.contentType ??= value;
          else if (isHeader(name, 'x-request-id', 'X-Request-Id')) {
            requestIds++;
            requestId = value;
          }
          break;
        case 14:
          if (isHeader(name, 'content-length', 'Content-Length')) this.declared = Number(value);
          break;
        case 15:
          if (isHeader(name, 'x-keyward-local', 'X-Keyward-Local')) this.local = value;
          break;
      }
    }
    // Repeated X-Request-Id values arrive joined, as `request.headers` gives them: no sane id survives that.
    this.requestId = requestIdFrom(requestIds > 1 ? undefined : requestId);
    this.queryKeys = queryKeysOf(request.url ?? '');
    this.ip = shared.clientAddress(request);
    this.memo = connectionMemoOf(request.socket);
  }

  get log(): AuthLog {
    return this;
  }

  header(name: string): string | undefined {
    // The local CLI's header is asked for on every request, and read in the pass above.
    if (name === 'x-keyward-local') return this.local;
    const value = this.request.headers[name];
    return typeof value === 'string' ? value : undefined;
  }

  setHeader(name: string, value: string): void {
    this.extraHeaders = { ...this.extraHeaders, [name]: value };
  }

  /** Carries the request id into security log lines, as Fastify's request logger does. */
  warn(fields: Record<string, unknown>, message: string): void {
    this.shared.logger.warn({ requestId: this.requestId, ...fields }, message);
  }

  /** Reads the body within the limit, as Fastify's body reader does, then answers. */
  start(): void {
    const kind = bodyKindOf(this.contentType);
    if (kind === 'unsupported' || (kind === 'none' && this.declared > 0)) {
      this.refuseBody(new KeywardError('UNSUPPORTED_MEDIA_TYPE'));
      return;
    }
    if (this.declared > this.shared.bodyLimit) {
      this.refuseBody(new KeywardError('PAYLOAD_TOO_LARGE'));
      return;
    }
    exchanges.set(this.request, this);
    this.request.on('data', onBodyData);
    this.request.on('end', onBodyEnd);
    this.request.on('error', onBodyError);
  }

  data(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.received > this.shared.bodyLimit) {
      this.stop();
      this.refuseBody(new KeywardError('PAYLOAD_TOO_LARGE'));
      return;
    }
    this.chunks.push(chunk);
  }

  end(): void {
    this.stop();
    if (!Number.isNaN(this.declared) && this.received !== this.declared) {
      this.refuseBody(new KeywardError('VALIDATION_FAILED'));
      return;
    }
    if (bodyKindOf(this.contentType) === 'none' && this.received > 0) {
      this.refuseBody(new KeywardError('UNSUPPORTED_MEDIA_TYPE'));
      return;
    }
    const text =
      this.chunks.length === 1
        ? (this.chunks[0] as Buffer).toString('utf8')
        : Buffer.concat(this.chunks, this.received).toString('utf8');
    this.answer(text);
  }

  /** The client went away mid-body: nobody is left to answer. */
  abort(): void {
    this.stop();
    this.response.destroy();
  }

  /**
   * Unlinks the exchange from the request: the shared listeners stay (the request is done
   * with, and the error listener keeps a late socket error from being uncaught) but do nothing.
   */
  private stop(): void {
    exchanges.delete(this.request);
  }

  /** The body as its content type reads it: parsed JSON, the text itself, or nothing. */
  private bodyOf(text: string): unknown {
    switch (bodyKindOf(this.contentType)) {
      case 'json':
        return parseJsonBody(text);
      case 'text':
        return text;
      default:
        return undefined;
    }
  }

  /**
   * Parses and validates the body, authenticates the caller and answers, all without a promise
   * when neither the caller's nor the body's key had to be waited for (see `verifyNow`).
   */
  private answer(text: string): void {
    let body: unknown;
    try {
      body = this.bodyOf(text);
    } catch (error) {
      this.refuseBody(error);
      return;
    }
    try {
      const { validate } = this.shared;
      // As Fastify reads the compiled validator: false for a failed schema, or a refusal of its own.
      const verdict = validate(body);
      if (verdict === false) {
        const options = describeValidation(validate.errors ?? undefined, 'body');
        throw new KeywardError('VALIDATION_FAILED', { message: options.message, details: options.details });
      }
      if (typeof verdict === 'object' && 'error' in verdict && verdict.error) throw verdict.error;
      const input = body as Static<typeof VerifyBody>;
      const principal = this.shared.auth.authenticate(this, { allowPassword: false });
      const result =
        principal instanceof Promise
          ? principal.then((caller) => this.verifyFor(caller, input))
          : this.verifyFor(principal, input);
      if (result instanceof Promise) {
        result.then((answer) => this.send(200, answer)).catch((error) => this.fail(error));
      } else {
        this.send(200, result);
      }
    } catch (error) {
      this.fail(error);
    }
  }

  /** Checks the caller's scope, asks the service, and serializes its answer. */
  private verifyFor(caller: Principal, body: Static<typeof VerifyBody>): string | Promise<string> {
    requireScopes(caller, this.shared.callerScopes, this);
    const input = {
      key: presentedKeyOf(body.key),
      scopes: body.scopes,
      resource: body.resource,
      environment: body.environment,
      ip: body.ip,
      cost: body.cost,
    };
    const result = this.shared.verify.verify(input, boundOf(caller));
    return result instanceof Promise
      ? result.then((settled) => this.shared.serialize(settled))
      : this.shared.serialize(result);
  }

  /**
   * A body that could not be read or parsed leaves the stream in doubt (the client may still be
   * sending), so, as Fastify does, the connection is closed after the answer.
   */
  private refuseBody(error: unknown): void {
    this.response.setHeader('connection', 'close');
    this.fail(error);
  }

  fail(error: unknown): void {
    let failure = expectedError(error, this.shared.outages);
    if (!failure) {
      this.shared.logger.error({ requestId: this.requestId, err: error }, 'unhandled error');
      failure = new KeywardError('INTERNAL_ERROR');
    }
    const body = errorBody(failure.code, this.requestId, {
      message: failure.message,
      details: failure.details,
    });
    const headers = errorHeaders(failure.code);
    if (failure.headers || headers)
      this.extraHeaders = { ...this.extraHeaders, ...headers, ...failure.headers };
    this.send(ERROR_CODES[failure.code].status, JSON.stringify(body));
  }

  /** Holds the answer for the batch being read (see {@link ResponseBatch}). */
  private send(status: number, payload: string): void {
    this.status = status;
    this.payload = payload;
    this.shared.responses.hold(this);
  }

  /** Writes the held answer and counts it (the batch calls this once the ready sockets are read). */
  write(): void {
    const payload = this.payload;
    // A flat list: Node stores it as is, where an object is first walked key by key.
    const headers: (string | number)[] = [
      'x-request-id',
      this.requestId,
      'content-type',
      JSON_TYPE,
      'content-length',
      Buffer.byteLength(payload),
    ];
    const extraHeaders = this.extraHeaders;
    if (extraHeaders) for (const name in extraHeaders) headers.push(name, extraHeaders[name] as string);
    this.response.writeHead(this.status, headers as string[]);
    this.response.end(payload);
    this.shared.recordRequest(this.status, (performance.now() - this.started) / 1000);
  }

  /** The answer could not be written: the connection cannot be trusted with another. */
  writeFailed(error: unknown): void {
    this.shared.logger.error({ requestId: this.requestId, err: error }, 'answer could not be written');
    this.response.destroy();
  }
}

/** Whether a URL's path is the route's, with or without a trailing slash (as the router ignores it). */
function isVerifyPath(url: string | undefined): boolean {
  if (url === VERIFY_PATH) return true;
  if (url === undefined || !url.startsWith(VERIFY_PATH)) return false;
  const rest = url.slice(VERIFY_PATH.length);
  return rest === '/' || rest.startsWith('?') || rest.startsWith('/?');
}

/**
 * Builds the handler.
 *
 * @example
 * const verifyHandler = createVerifyHandler(deps);
 * createServer((req, res) => (verifyHandler.claims(req) ? verifyHandler.handle(req, res) : fastify(req, res)));
 */
export function createVerifyHandler(deps: VerifyHandlerDeps): VerifyHandler {
  const shared: Shared = {
    ...deps,
    validate: createValidatorCompiler()({
      schema: VerifyBody,
      httpPart: 'body',
      method: 'POST',
      url: VERIFY_PATH,
    }),
    serialize: createAnswerSerializer(),
    responses: new ResponseBatch<VerifyExchange>((error, exchange) => exchange.writeFailed(error)),
  };
  let closing = false;
  return {
    claims: (request) => request.method === 'POST' && isVerifyPath(request.url),
    handle(request, response) {
      const exchange = new VerifyExchange(shared, request, response);
      if (closing) {
        response.setHeader('connection', 'close');
        exchange.fail(new KeywardError('NOT_READY', { message: 'The server is shutting down.' }));
        return;
      }
      exchange.start();
    },
    close() {
      closing = true;
    },
  };
}
