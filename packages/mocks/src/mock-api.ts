import {
  createApiService,
  createMemoryBlobStore,
  createTokenAuth,
  readJsonBody,
  type ApiAnswer,
  type ApiService,
  type Auth,
  type BlobStore,
  type UploadLimits,
  createChannelKinds,
  type ChannelKindSpec,
} from '@casekit/api';
import { createCaseEngine, createRouter, type AgentActor, type CaseEngine, type ChannelRecord, type ChannelRuntime, type CustomerSearch, type Store, type SystemActor } from '@casekit/core';
import { CasekitError, type CaseEvent, type RouteName } from '@casekit/protocol';
import { ROUTES, type RouteDef } from '@casekit/protocol/schemas';
import { createMemoryStore } from '@casekit/store-memory';
import { delay, http, HttpResponse, type RequestHandler, type WebSocketHandler } from 'msw';
import { seedDemo, seedEmpty } from './demo.ts';
import { createRealtimeHandler } from './realtime.ts';
import { webCryptoPasswords } from './passwords.ts';

/** A clock the mocks run on, which seeds and tests may move. */
export interface MockClock {
  now(): Date;
  /** Sets the time; `null` goes back to the real one. */
  set(time: Date | number | null): void;
}

export interface MockApiOptions {
  /**
   * What the workspace starts with: `'demo'` (default: agents, customers on several channels,
   * cases), `'empty'` (one admin and a web-chat channel), or a function that fills it through
   * the engine.
   */
  seed?: 'demo' | 'empty' | ((mock: MockApi) => Promise<void>);
  /** Origin (and path) the API answers at, e.g. `https://support.example.com` (default: any origin). */
  baseUrl?: string;
  /** Artificial latency per request in ms (default 0). */
  latencyMs?: number;
  workspaceId?: string;
  /** Largest upload in bytes and the accepted types (default: as the server). */
  uploads?: Partial<UploadLimits>;
  /** Largest JSON body in bytes (default 1 MB, as the server). */
  bodyLimit?: number;
  /**
   * Kinds of channel the mock runs beside web chat (default: none), as a server runs its adapters:
   * `GET /channel-kinds` lists their fields, new channels are checked by their `validate`, replies
   * by their capabilities. Kinds with `verify` and `parse` get a webhook URL on `baseUrl`.
   * @example createMockApi({ channelKinds: [{ kind: 'twilio-sms', medium: 'sms', capabilities, fields, validate }] })
   */
  channelKinds?: readonly ChannelKindSpec[];
}

/** The mock backend: msw handlers over the real engine, its store and its event log. */
export interface MockApi {
  /**
   * Every route of the API, a 404 for anything else under it, and the realtime gateway over
   * WebSocket. Pass them to `setupWorker` or `setupServer`.
   */
  handlers: (RequestHandler | WebSocketHandler)[];
  store: Store;
  /** The memory store's customer search, which `GET /customers?q` answers from. */
  search: CustomerSearch;
  engine: CaseEngine;
  auth: Auth;
  api: ApiService;
  blobs: BlobStore;
  workspaceId: string;
  clock: MockClock;
  /** The server itself, for changes no agent makes (seeding, a customer writing in). */
  system: SystemActor;
  /** An agent of the workspace as the actor of engine calls. */
  actorOf(agentId: string): Promise<AgentActor>;
  /** Calls `listener` with every event committed from now on; returns the unsubscribe function. */
  subscribe(listener: (events: readonly CaseEvent[]) => void): () => void;
}

/** The JWT secret of mock tokens: they are only ever checked by the mock itself. */
const MOCK_SECRET = 'casekit-mocks-sign-tokens-for-the-mock-only';

function queryOf(params: URLSearchParams): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  return query;
}

async function* chunksOf(body: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  if (!body) return;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

async function responseOf(answer: ApiAnswer): Promise<Response> {
  if (answer.file) {
    const parts: Uint8Array[] = [];
    for await (const part of answer.file) parts.push(part);
    return new HttpResponse(new Blob(parts as BlobPart[]), { status: answer.status, headers: answer.headers });
  }
  return new HttpResponse(JSON.stringify(answer.json), { status: answer.status, headers: answer.headers });
}

/**
 * The whole casekit API in memory, for pages and tests without a backend: the real case engine
 * over `@casekit/store-memory`, answered through `@casekit/api` — the same handlers, validation
 * and rules as the server, so what works against the mocks works against casekit.
 * @example
 * const mock = await createMockApi({ seed: 'demo' });
 * await setupWorker(...mock.handlers).start();
 */
export async function createMockApi(options: MockApiOptions = {}): Promise<MockApi> {
  const workspaceId = options.workspaceId ?? 'ws_demo';
  let fixed: number | null = null;
  const clock: MockClock = {
    now: () => new Date(fixed ?? Date.now()),
    set: (time) => void (fixed = time === null ? null : typeof time === 'number' ? time : time.getTime()),
  };
  const listeners = new Set<(events: readonly CaseEvent[]) => void>();
  const store = createMemoryStore();
  // Routing runs as on the server: cases go to online agents with room as soon as they wait.
  const router = createRouter({ engine: () => engine, clock, onError: (error) => console.error('a mock routing pass failed', error) });
  const publish = (events: readonly CaseEvent[]) => {
    router.publish(events);
    for (const listener of listeners) {
      try {
        listener(events);
      } catch (error) {
        // One listener's failure must not keep the others, the gateway among them, from hearing.
        console.error('a mock event listener failed', error);
      }
    }
  };
  const base = options.baseUrl ? new URL(options.baseUrl) : null;
  // Adapters reach their providers with the page's fetch, as the server's do with its own.
  const webhookBase = (base?.href ?? 'http://localhost/').replace(/\/+$/, '');
  const runtime = (channel: ChannelRecord): ChannelRuntime<object, object> => ({
    channel: { id: channel.id, workspaceId: channel.workspaceId, kind: channel.kind, name: channel.name, config: channel.config, secrets: channel.secrets },
    webhookUrl: `${webhookBase}/webhooks/${channel.id}`,
    publicUrl: webhookBase,
    fetch: (input, init) => globalThis.fetch(input, init),
    now: () => clock.now(),
  });
  const channels = { adapters: options.channelKinds ?? [], runtime, ...(base && { webhookBaseUrl: base.href }) };
  // Replies are checked against the kinds' capabilities (the shipped table for the rest), as the server checks them.
  const engine = createCaseEngine({ store, clock, publisher: { publish }, channelCapabilities: createChannelKinds(channels.adapters, undefined).capabilities });
  const auth = createTokenAuth({ jwtSecret: MOCK_SECRET, passwords: webCryptoPasswords });
  const blobs = createMemoryBlobStore();
  const api = createApiService({
    store,
    engine,
    auth,
    workspaceId,
    clock,
    blobStore: blobs,
    ...(options.uploads && { uploads: options.uploads }),
    channels,
    logger: { debug() {}, info() {}, warn: (message, fields) => console.warn(message, fields), error: (message, fields) => console.error(message, fields) },
  });
  const basePath = `${base ? base.pathname.replace(/\/+$/, '') : ''}/api/v1`;
  const prefix = `${base ? base.origin : '*'}${basePath}`;
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;

  const handlers: (RequestHandler | WebSocketHandler)[] = (Object.keys(ROUTES) as RouteName[]).map((name) => {
    const route: RouteDef = ROUTES[name];
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
    return http[method](`${prefix}${route.path}`, async ({ request, params }) => {
      if (options.latencyMs) await delay(options.latencyMs);
      const answer = await api.handle(name, {
        header: (header) => request.headers.get(header) ?? undefined,
        params: Object.fromEntries(Object.entries(params).map(([key, value]) => [key, Array.isArray(value) ? value.join('/') : String(value)])),
        query: queryOf(new URL(request.url).searchParams),
        async readBody() {
          const bytes = new Uint8Array(await request.arrayBuffer());
          return readJsonBody({ contentType: request.headers.get('content-type') ?? undefined, hasBody: bytes.byteLength > 0, chunks: [bytes] }, bodyLimit);
        },
        ...(route.rawBody && { bytes: chunksOf(request.body) }),
        address: '127.0.0.1',
        basePath,
      });
      return responseOf(answer);
    });
  });
  // Every WebSocket of the origin: the gateway answers /socket.io/ and lets any other through.
  const socketUrl = base ? `${base.origin.replace(/^http/, 'ws')}/*` : '*';
  handlers.push(
    createRealtimeHandler(socketUrl, { store, auth, workspaceId, subscribe: (listener) => (listeners.add(listener), () => void listeners.delete(listener)) }),
    http.get(`${prefix}/openapi.json`, () => HttpResponse.json(api.openApiDocument)),
    http.all(`${prefix}/*`, ({ request }) =>
      responseOf(api.errorAnswer(new CasekitError('not_found', `No route ${request.method} ${new URL(request.url).pathname}; see ${basePath}/openapi.json.`))),
    ),
  );

  const mock: MockApi = {
    handlers,
    store,
    search: store,
    engine,
    auth,
    api,
    blobs,
    workspaceId,
    clock,
    system: { workspaceId, system: 'mocks' },
    async actorOf(agentId) {
      const agent = await store.getAgent(workspaceId, agentId);
      if (!agent) throw new CasekitError('not_found', `No agent with id "${agentId}" in this workspace.`);
      return { workspaceId, agent: { id: agent.id, name: agent.name, role: agent.role, kind: agent.kind } };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  await engine.ensureWorkspace({ id: workspaceId, name: 'Mock workspace' });
  const seed = options.seed ?? 'demo';
  if (seed === 'demo') await seedDemo(mock);
  else if (seed === 'empty') await seedEmpty(mock);
  else await seed(mock);
  router.start([workspaceId]);
  return mock;
}
