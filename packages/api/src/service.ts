import { requireRole, type ChannelRecord, type ChannelRuntime, type AgentRecord, type CaseEngine, type Clock, type CustomerSearch, type IdempotencyKey, type Store } from '@casekit/core';
import { CasekitError, type FieldIssue, type RouteName, type SyncRun, type SyncStatus } from '@casekit/protocol';
import { ROUTES, toFieldIssues, type RouteDef } from '@casekit/protocol/schemas';
import type { ChannelKindSpec } from './channels.ts';
import type { z } from 'zod';
import type { Auth } from './auth.ts';
import type { BlobInfo, BlobStore } from './blob-store.ts';
import { canonicalJson, illFormedPath, jsonDepth, sha256Hex } from './internal/crypto.ts';
import { bearerToken, validationError } from './internal/errors.ts';
import { consoleLogger, type Logger } from './logger.ts';
import { createOpenApiDocument, type OpenApiOptions } from './openapi.ts';
import { createHandlers, type HandlerContext, type Handlers } from './handlers.ts';
import { verifyVisitor, type VisitorContext } from './visitor-access.ts';
import { fileHeaders, type UploadLimits } from './uploads.ts';
import { createMemoryCoordination, type Coordination } from './window-limit.ts';
import { authenticateAgentSession, type AgentSession } from './authenticate.ts';

/** What the API asks of a billing sync. */
export interface SplynxIntegration {
  status(): Promise<SyncStatus>;
  /** Starts a pull in the background and answers with its run; refuses with `conflict` while one runs. */
  startSync(options: { full: boolean }): Promise<SyncRun>;
}

export interface ApiServiceOptions {
  store: Store;
  /**
   * Where `GET /customers?q` and merge suggestions find customers. Default: the store itself,
   * which every casekit store is; a store without `searchCustomers` needs one.
   */
  search?: CustomerSearch;
  engine: CaseEngine;
  auth: Auth;
  /** The workspace this API serves; tokens for another workspace are refused. */
  workspaceId: string;
  logger?: Logger;
  /** Title, version and base URL of the generated OpenAPI document. */
  openapi?: OpenApiOptions;
  /** Where uploaded files go; without one the upload routes answer 503. */
  blobStore?: BlobStore;
  /** Largest upload in bytes (default 10 MB) and the accepted types (default: images, PDF, plain text). */
  uploads?: Partial<UploadLimits>;
  /**
   * Base URL of this API as browsers reach it, e.g. `https://support.example.com/api/v1`; links to
   * uploaded files are made from it. Default: the path the API is mounted at, which the SDK
   * resolves against its `baseUrl`.
   */
  publicUrl?: string;
  /**
   * Failed sign-ins allowed per email and per client address in a window, before that email or
   * address is refused with 429 until the window ends. Default: 5 per email and 30 per address
   * in 15 minutes. Counted by `coordination`.
   */
  loginLimits?: { perEmail: number; perAddress: number; windowMs: number };
  /**
   * What one visitor may upload per window before further uploads get 429: default 30 files
   * and 100 MB an hour. Agents are not limited.
   */
  visitorUploadLimits?: { files: number; bytes: number; windowMs: number };
  /** The clock limits count time by (default: the system time); give the engine's. */
  clock?: Clock;
  /**
   * Where limits are counted and concurrent creates with one `Idempotency-Key` wait for each
   * other: this process's memory by default; shared (Redis) when several nodes serve one store.
   */
  coordination?: Coordination;
  /**
   * The kinds of channel this server runs beside web chat (`@casekit/channels` adapters), and
   * `webhookBaseUrl`, the server's public URL (`CASEKIT_PUBLIC_URL`, without `/api/v1`) that
   * webhook URLs are made from and signatures are checked against.
   */
  /**
   * The Splynx sync this server runs (`createSplynxSync` of `@casekit/splynx`): its status and
   * "sync now" for admins. Without one the status says `configured: false` and a sync answers 409.
   */
  splynx?: SplynxIntegration;
  channels?: {
    adapters?: readonly ChannelKindSpec[];
    webhookBaseUrl?: string | (() => string);
    /** What an adapter works with for a channel (the webhook runner's `runtime`): to fetch files kept by a provider. */
    runtime?: (channel: ChannelRecord) => ChannelRuntime<object, object>;
  };
}

/** One request as an adapter (Express, msw, …) hands it over, already matched to its route. */
export interface ApiCall {
  /** A request header by its lower-case name. */
  header(name: string): string | undefined;
  /** Path parameters of the route, e.g. `{ caseId }`. */
  params: Record<string, string>;
  /** The query string, parsed (`string` or `string[]` values). */
  query: Record<string, unknown>;
  /**
   * Reads and parses the JSON body (undefined when the request has none); called only for routes
   * with a body and only once the caller is authenticated. Throws a `CasekitError` for a body it
   * cannot read (not JSON, too large, another content type).
   */
  readBody(): Promise<unknown>;
  /** The raw body of a file upload. */
  bytes?: AsyncIterable<Uint8Array>;
  /** The client's address, for rate limits (IPv6 counted by its /64). */
  address: string;
  /** The path the API is mounted at as this request reached it (e.g. `/api/v1`), for links. */
  basePath: string;
}

/** What to send back. */
export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  /** A JSON body. */
  json?: unknown;
  /** A file's bytes (the download route). */
  file?: AsyncIterable<Uint8Array>;
}

/** The casekit REST API without a web framework. */
export interface ApiService {
  /** Answers one call of a route. Never throws: every failure is an error answer. */
  handle(route: RouteName, call: ApiCall): Promise<ApiAnswer>;
  /** The answer for a failure outside a route's handler (an unreadable body, say); logs unknown errors. */
  errorAnswer(error: unknown, context?: Record<string, unknown>): ApiAnswer;
  /** The OpenAPI 3.1 document of every route. */
  openApiDocument: Record<string, unknown>;
}

/** JSON bodies nesting deeper than this are refused before anything looks at them. */
export const MAX_BODY_DEPTH = 32;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

type FileAnswer = { info: BlobInfo; stream: AsyncIterable<Uint8Array> };

/** The search given, else the store's own; refused at start when there is neither. */
function customerSearchOf({ store, search }: Pick<ApiServiceOptions, 'store' | 'search'>): CustomerSearch {
  if (search) return search;
  const own = store as Store & Partial<CustomerSearch>;
  if (typeof own.searchCustomers === 'function') return own as CustomerSearch;
  throw new CasekitError('bad_request', 'This store does not search customers itself: pass `search` (a CustomerSearch) with it.', { details: { field: 'search' } });
}

/**
 * Creates the API: every route of `ROUTES` authenticated, validated with its schemas and answered
 * through its response schema, with `{ error }` answers for every failure. Adapters put it
 * behind a web framework (`@casekit/server`'s Express router) or a mock (`@casekit/mocks`).
 * @example const api = createApiService({ store, engine, auth, workspaceId: 'demo' })
 */
export function createApiService(options: ApiServiceOptions): ApiService {
  const { store, auth, workspaceId } = options;
  const logger = options.logger ?? consoleLogger;
  const search = customerSearchOf(options);
  const coordination = options.coordination ?? createMemoryCoordination(() => (options.clock?.now() ?? new Date()).getTime());
  const handlers: Handlers = createHandlers({ ...options, search, coordination });

  function errorAnswer(error: unknown, context: Record<string, unknown> = {}): ApiAnswer {
    let known = error instanceof CasekitError ? error : null;
    if (!known) {
      logger.error('request failed', { ...context, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      known = new CasekitError('internal', 'Something went wrong on our side; it has been logged.');
    }
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (known.code === 'unauthorized') headers['www-authenticate'] = 'Bearer';
    const retryAfter = (known.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (typeof retryAfter === 'number') headers['retry-after'] = String(retryAfter);
    return { status: known.status, headers, json: known.toBody() };
  }

  /** The Idempotency-Key of a create call, checked, with the hash of what the request asks for. */
  async function idempotencyOf(call: ApiCall, name: RouteName, route: RouteDef, scope: string, parsed: { params: unknown; body: unknown }): Promise<IdempotencyKey | undefined> {
    const key = call.header('idempotency-key');
    if (!route.idempotent || key === undefined) return undefined;
    if (!IDEMPOTENCY_KEY.test(key)) {
      throw validationError([{ path: 'headers.idempotency-key', message: 'must be 1 to 255 visible ASCII characters' }]);
    }
    // Of the validated request: what validation drops cannot change the answer, so it does not count.
    const requestHash = await sha256Hex(`${name}\n${canonicalJson(parsed.params)}\n${canonicalJson(parsed.body)}`);
    return { scope, key, requestHash, status: route.status };
  }

  async function run(name: RouteName, call: ApiCall): Promise<ApiAnswer> {
    const route: RouteDef = ROUTES[name];
    let agent: AgentRecord | undefined;
    let session: AgentSession | undefined;
    let visitor: VisitorContext | undefined;
    if (route.auth === 'agent') {
      session = await authenticateAgentSession(store, auth, workspaceId, bearerToken(call.header('authorization')));
      agent = session.agent;
      if (route.role) requireRole({ workspaceId, agent }, route.role);
    } else if (route.auth === 'visitor' || (route.auth === 'visitor-optional' && call.header('authorization') !== undefined)) {
      // No store read here: this is the hot path of web chat; handlers resolve the profile.
      visitor = await verifyVisitor(auth, workspaceId, bearerToken(call.header('authorization')));
    }

    const issues: FieldIssue[] = [];
    const parse = (schema: z.ZodType | undefined, value: unknown, prefix: string): unknown => {
      if (!schema) return undefined;
      const result = schema.safeParse(value);
      if (result.success) return result.data;
      const found = toFieldIssues(result.error, prefix);
      issues.push(...(found.length > 0 ? found : [{ path: prefix, message: 'invalid' }]));
      return undefined;
    };
    const raw = route.body ? await call.readBody() : undefined;
    if (raw !== undefined && jsonDepth(raw, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
      throw validationError([{ path: 'body', message: `nests deeper than ${MAX_BODY_DEPTH} levels` }]);
    }
    const broken = illFormedPath(call.params, 'params') ?? illFormedPath(call.query, 'query') ?? (raw === undefined ? null : illFormedPath(raw, 'body'));
    if (broken) throw validationError([{ path: broken, message: 'is not valid Unicode text (a lone surrogate)' }]);
    const params = parse(route.params, call.params, 'params') ?? {};
    const query = parse(route.query, call.query, 'query');
    const body =
      route.body && raw === undefined
        ? void issues.push({ path: 'body', message: 'required: send a JSON object with "Content-Type: application/json"' })
        : parse(route.body, raw, 'body');
    if (issues.length > 0) throw validationError(issues);

    const headers: Record<string, string> = {};
    const idempotency = agent ? await idempotencyOf(call, name, route, `agent:${agent.id}`, { params, body }) : undefined;
    if (idempotency) idempotency.onReplay = () => void (headers['idempotent-replayed'] = 'true');
    const ctx = { params, query, body, agent, token: session?.token, visitor, call, headers, idempotency } as HandlerContext<RouteDef>;
    const handler = handlers[name] as (ctx: HandlerContext<RouteDef>) => Promise<unknown>;
    // A retry sent while the first call still runs (on any node) waits for it, then gets its answer.
    const result = idempotency ? await coordination.withLock(`idempotency:${workspaceId}:${idempotency.scope}:${idempotency.key}`, () => handler(ctx)) : await handler(ctx);
    if (route.fileResponse) {
      const file = result as FileAnswer;
      return { status: 200, headers: { ...headers, ...fileHeaders(file.info) }, file: file.stream };
    }
    const checked = route.response.safeParse(result);
    if (!checked.success) {
      logger.error('response does not match its schema', { route: name, issues: toFieldIssues(checked.error, 'response') });
      throw new CasekitError('internal', 'The server produced an invalid response; it has been logged.');
    }
    return { status: route.status, headers: { ...headers, 'content-type': 'application/json; charset=utf-8' }, json: checked.data };
  }

  const openApiDocument = createOpenApiDocument(options.openapi) as Record<string, unknown>;
  return {
    openApiDocument,
    errorAnswer,
    async handle(name, call) {
      try {
        return await run(name, call);
      } catch (error) {
        return errorAnswer(error, { route: name });
      }
    },
  };
}
