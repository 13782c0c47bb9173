/**
 * @module Verify fast path
 *
 * `POST /v1/verify` sits in front of every call of the platform, so the common shape of it —
 * a JSON body and one key credential in a header — is answered straight from the Node server,
 * without Fastify's per-request pipeline (request/reply objects, hooks, content-type routing),
 * which costs 20–35 µs of CPU per request here (docs/benchmarks.md).
 *
 * It is the same route, not a second implementation: the body goes through the same JSON
 * parser and the same compiled schema, the caller through the same key authentication and
 * scope check, the answer through {@link answerVerification} and the response schema, errors
 * through the same body and codes, in the same order as Fastify's lifecycle (body, then
 * caller). Whatever is not the common shape — no credential or a session, a password, several
 * credentials, another content type, a query string — is left to the Fastify route.
 * `verify-fast-path.test.ts` sends the same requests both ways and compares the answers.
 *
 * Its answers are written in batches, once Node has read every socket that was ready
 * (app/response-batch.ts), which spares the callers a wake-up per answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  type CredentialMemo,
  ERROR_CODES,
  isKeywardError,
  KeywardError,
  parseApiKeyHeader,
  parseAuthorization,
} from '@keyward/core';
import type { Static } from '@sinclair/typebox';
import fastJson from 'fast-json-stringify';
import type { Logger } from 'pino';
import type { AppContext } from '../../app/app-context.ts';
import { describeValidation, type ErrorOptions, errorBody } from '../../app/error-handler.ts';
import { parseJsonBody } from '../../app/json-body.ts';
import type { RequestRecorder } from '../../app/metrics.ts';
import { requestIdFrom } from '../../app/request-identity.ts';
import { type HeldResponse, ResponseBatch } from '../../app/response-batch.ts';
import { createValidatorCompiler } from '../../app/validators.ts';
import { type AuthLog, type KeyCredential, requireScopes } from '../../auth/authenticator.ts';
import type { Principal } from '../../auth/principal.ts';
import { VerifyBody, VerifyResponse } from '../../schemas/verify.schema.ts';
import { answerVerification, VERIFY_CALLER_SCOPES, type VerifyAnswer } from './verify.ts';

export interface VerifyFastPathDeps {
  ctx: AppContext;
  logger: Logger;
  /** The largest body accepted, in bytes (the app's body limit). */
  bodyLimit: number;
  clientAddress: (request: IncomingMessage) => string;
  /** Counts an answer in the route's request metrics. */
  recordRequest: RequestRecorder;
}

export interface VerifyFastPath {
  /** Takes a request (answering it, returns true) or leaves it to Fastify (returns false). */
  take(request: IncomingMessage, response: ServerResponse): boolean;
  /** Called when the app starts closing: from then on Fastify answers (503). */
  close(): void;
  /** How many requests this path has taken (the rest went to Fastify). */
  taken(): number;
}

const ROUTE = '/v1/verify';
const JSON_TYPE = 'application/json; charset=utf-8';

function isJson(contentType: string | undefined): boolean {
  if (contentType === 'application/json') return true;
  return contentType !== undefined && /^application\/json\s*;/i.test(contentType);
}

/** What the fast path needs of a request's headers. */
interface RequestHead {
  credential: KeyCredential;
  connection: ConnectionMemo;
  /** The declared body length; NaN when none was declared. */
  contentLength: number;
  requestId: string;
}

/**
 * Whether a raw header name is `lowercase` (its length already known to match), trying the two
 * spellings clients send before lowering the case of another.
 */
const isHeader = (name: string, lowercase: string, titleCase: string) =>
  name === lowercase || name === titleCase || name.toLowerCase() === lowercase;

/**
 * Reads the headers of a request in its common shape, in one pass over the raw headers (Node
 * builds `request.headers` only when asked), or returns null when the request is for the
 * Fastify route: another route or method, no JSON, no key credential or more than one, the
 * local CLI's header. Values are read as `request.headers` would give them: the first
 * `Content-Type`, and repeated `X-Request-Id` values joined, which no sane id survives.
 */
function readHead(request: IncomingMessage): RequestHead | null {
  if (request.method !== 'POST' || request.url !== ROUTE) return null;
  const raw = request.rawHeaders;
  let credentialCount = 0;
  let authorization: string | undefined;
  let apiKey: string | undefined;
  let contentType: string | undefined;
  let contentLength = Number.NaN;
  let requestIds = 0;
  let requestId: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    switch (name.length) {
      case 13:
        if (isHeader(name, 'authorization', 'Authorization')) {
          credentialCount++;
          authorization = value;
        }
        break;
      case 9:
        if (isHeader(name, 'x-api-key', 'X-API-Key')) {
          credentialCount++;
          apiKey = value;
        }
        break;
      case 12:
        if (isHeader(name, 'content-type', 'Content-Type')) contentType ??= value;
        else if (isHeader(name, 'x-request-id', 'X-Request-Id')) {
          requestIds++;
          requestId = value;
        }
        break;
      case 14:
        if (isHeader(name, 'content-length', 'Content-Length')) contentLength = Number(value);
        break;
      case 15:
        if (isHeader(name, 'x-keyward-local', 'X-Keyward-Local')) return null;
        break;
    }
  }
  if (credentialCount !== 1 || !isJson(contentType)) return null;
  const connection = connectionMemoOf(request);
  const credential = credentialOf(connection, authorization, apiKey as string);
  if (!credential) return null;
  return {
    credential,
    connection,
    contentLength,
    requestId: requestIdFrom(requestIds > 1 ? undefined : requestId),
  };
}

/**
 * The key credential in the request's one credential header, or null for any other kind. The
 * header a connection sent last is parsed once: the platform's services send the very same
 * header on every request of a kept-alive connection.
 */
function credentialOf(
  connection: ConnectionMemo,
  authorization: string | undefined,
  apiKey: string,
): KeyCredential | null {
  const text = authorization ?? apiKey;
  const inAuthorization = authorization !== undefined;
  const last = connection.lastHeader;
  if (last && last.text === text && last.inAuthorization === inAuthorization) return last.credential;
  const credential = inAuthorization ? parseAuthorization(text) : parseApiKeyHeader(text);
  if (credential.kind !== 'key' && credential.kind !== 'key-pair') return null;
  connection.lastHeader = { text, inAuthorization, credential };
  return credential;
}

/**
 * What a connection's caller sent and proved last: the platform's services present the same
 * key on every request of a kept-alive connection. The memo is only ever compared with what the
 * same connection sent before (see {@link CredentialMemo}).
 */
interface ConnectionMemo {
  /** The caller's proven credential, for the authenticator. */
  caller: CredentialMemo;
  /** The credential header of the last request taken, and what it parsed to. */
  lastHeader?: { text: string; inAuthorization: boolean; credential: KeyCredential };
}

/**
 * Kept beside Node's objects rather than on them: a property added to a socket or a request
 * gives it a hidden class of its own, and Node's stream code then runs polymorphic for every
 * request.
 */
const connectionMemos = new WeakMap<Socket, ConnectionMemo>();

function connectionMemoOf(request: IncomingMessage): ConnectionMemo {
  let memo = connectionMemos.get(request.socket);
  if (!memo) {
    memo = { caller: {} };
    connectionMemos.set(request.socket, memo);
  }
  return memo;
}

/** Carries the request id into security log lines, as Fastify's request logger does. */
class RequestLog implements AuthLog {
  constructor(
    private readonly logger: Logger,
    private readonly requestId: string,
  ) {}
  warn(fields: Record<string, unknown>, message: string): void {
    this.logger.warn({ requestId: this.requestId, ...fields }, message);
  }
}

/** What every exchange shares: the compiled schema and serializer, the app, the answers held. */
interface FastPathShared extends VerifyFastPathDeps {
  validate: ReturnType<ReturnType<typeof createValidatorCompiler>>;
  serialize: (answer: VerifyAnswer) => string;
  responses: ResponseBatch<VerifyExchange>;
}

/**
 * Serializes answers, reusing the text of a key's plain VALID answer: it is byte for byte the
 * same on every verification of that key while it stays loaded (its shown identity is one
 * object per loaded key, see answerVerification), and it is most of what this path sends.
 */
function answerSerializer(serialize: (answer: VerifyAnswer) => string): (answer: VerifyAnswer) => string {
  const validAnswers = new WeakMap<object, string>();
  return (answer) => {
    const key = answer.key;
    if (!key || answer.code !== 'VALID' || answer.ratelimit || answer.remaining !== undefined) {
      return serialize(answer);
    }
    let text = validAnswers.get(key);
    if (text === undefined) {
      text = serialize(answer);
      validAnswers.set(key, text);
    }
    return text;
  };
}

const exchanges = new WeakMap<IncomingMessage, VerifyExchange>();

// Shared listeners: the per-request state is found through the request, so taking a request
// creates no closures (this path runs for every call the platform receives).
function onBodyData(this: IncomingMessage, chunk: Buffer): void {
  exchanges.get(this)?.data(chunk);
}
function onBodyEnd(this: IncomingMessage): void {
  exchanges.get(this)?.end();
}
function onBodyError(this: IncomingMessage): void {
  exchanges.get(this)?.abort();
}

/** One verify request on the fast path: reads the body, answers (in a batch), records the metrics. */
class VerifyExchange implements HeldResponse {
  private readonly started = performance.now();
  private readonly credential: KeyCredential;
  private readonly connection: ConnectionMemo;
  private readonly requestId: string;
  private readonly declared: number;
  private chunks: Buffer[] = [];
  private received = 0;
  private status = 0;
  private payload = '';
  private extraHeaders: Record<string, string> | undefined = undefined;

  constructor(
    private readonly shared: FastPathShared,
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
    head: RequestHead,
  ) {
    this.credential = head.credential;
    this.connection = head.connection;
    this.requestId = head.requestId;
    this.declared = head.contentLength;
  }

  /** Reads the body within the limit, as Fastify's body reader does, then answers. */
  start(): void {
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

  /**
   * Parses and validates the body, authenticates the caller and answers, all without a promise
   * when neither the caller's nor the body's key had to be waited for (see `verifyNow`).
   */
  private answer(text: string): void {
    let body: unknown;
    try {
      body = parseJsonBody(text);
    } catch (error) {
      this.refuseBody(error);
      return;
    }
    try {
      const { validate } = this.shared;
      if (!validate(body)) {
        const options = describeValidation(validate.errors ?? undefined, 'body');
        throw new KeywardError('VALIDATION_FAILED', { message: options.message, details: options.details });
      }
      const request = body as Static<typeof VerifyBody>;
      const log = new RequestLog(this.shared.logger, this.requestId);
      const ip = this.shared.clientAddress(this.request);
      const principal = this.shared.ctx.auth.authenticateKey(
        this.credential,
        ip,
        log,
        this.connection.caller,
      );
      const answer =
        principal instanceof Promise
          ? principal.then((caller) => this.answerCaller(caller, request, log))
          : this.answerCaller(principal, request, log);
      if (answer instanceof Promise) {
        answer.then((settled) => this.succeed(settled)).catch((error) => this.fail(error));
      } else {
        this.succeed(answer);
      }
    } catch (error) {
      this.fail(error);
    }
  }

  private answerCaller(
    caller: Principal,
    body: Static<typeof VerifyBody>,
    log: AuthLog,
  ): VerifyAnswer | Promise<VerifyAnswer> {
    requireScopes(caller, VERIFY_CALLER_SCOPES, log);
    return answerVerification(this.shared.ctx, caller, body);
  }

  private succeed(answer: VerifyAnswer): void {
    this.send(200, this.shared.serialize(answer));
  }

  /**
   * A body that could not be read or parsed leaves the stream in doubt (the client may still be
   * sending), so, as Fastify does, the connection is closed after the answer.
   */
  private refuseBody(error: unknown): void {
    this.response.setHeader('connection', 'close');
    this.fail(error);
  }

  private fail(error: unknown): void {
    if (!isKeywardError(error)) {
      this.shared.logger.error({ requestId: this.requestId, err: error }, 'unhandled error');
      error = new KeywardError('INTERNAL_ERROR');
    }
    const failure = error as KeywardError;
    const options: ErrorOptions = { message: failure.message, details: failure.details };
    const body = JSON.stringify(errorBody(failure.code, this.requestId, options));
    this.send(ERROR_CODES[failure.code].status, body, failure.headers);
  }

  /** Holds the answer for the batch being read (see {@link ResponseBatch}). */
  private send(status: number, payload: string, extraHeaders?: Record<string, string>): void {
    this.status = status;
    this.payload = payload;
    this.extraHeaders = extraHeaders;
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

export function createVerifyFastPath(deps: VerifyFastPathDeps): VerifyFastPath {
  const shared: FastPathShared = {
    ...deps,
    validate: createValidatorCompiler()({ schema: VerifyBody, httpPart: 'body', method: 'POST', url: ROUTE }),
    serialize: answerSerializer(fastJson(VerifyResponse)),
    responses: new ResponseBatch<VerifyExchange>((error, exchange) => exchange.writeFailed(error)),
  };
  let closing = false;
  let taken = 0;
  return {
    take(request, response) {
      if (closing) return false;
      const head = readHead(request);
      if (!head) return false;
      taken++;
      new VerifyExchange(shared, request, response, head).start();
      return true;
    },
    close() {
      closing = true;
    },
    taken: () => taken,
  };
}
