import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createCaseEngine,
  createOutboxWorker,
  createRouter,
  createTimerWorker,
  createEngineTimerHandlers,
  type Router,
  type CaseEngine,
  type ChannelAdapter,
  type ChannelRecord,
  type Clock,
  type OutboxWorker,
  type OutboxWorkerOptions,
  type Publisher,
  type Store,
  type TimerHandler,
  type TimerWorker,
  type TimerWorkerOptions,
} from '@casekit/core';
import express, { type Express } from 'express';
import { API_PATH, normalizeMountPath, socketIoPath, WIDGETS_PATH, type Presence } from '@casekit/protocol';
import type { Server as SocketServer, ServerOptions } from 'socket.io';
import { createApiRouter, type ApiRouterOptions } from './api-router.ts';
import { corsMiddleware, isOriginAllowed, staticCorsHeaders, type CorsOrigins } from './cors.ts';
import { createChannelKinds, createMemoryCoordination, createWebhookRunner, type Auth, type Coordination, type BlobStore, type OpenApiOptions, type SplynxIntegration, type UploadLimits, type WebhookRunner } from '@casekit/api';
import type { Attachment } from '@casekit/protocol';
import { webhookRoute } from './webhook-route.ts';
import { attachRealtime, type RealtimeOptions } from './realtime/gateway.ts';
import { createSessionGuard } from './realtime/sessions.ts';
import { createSocketPublisher } from './realtime/publisher.ts';
import { defaultLogger, errorText, type Logger } from './types.ts';
import { createBotRunner, type BotRunner } from './bots/bot-runner.ts';
import { connectRedis } from './internal/redis-link.ts';
import type { RedisClient } from './redis.ts';

export interface CasekitServerOptions extends Pick<ApiRouterOptions, 'search' | 'loginLimits' | 'visitorUploadLimits'>, Pick<RealtimeOptions, 'resumePageSize' | 'maxQueuedBytes'> {
  store: Store;
  auth: Auth;
  workspaceId: string;
  logger?: Logger;
  /** Largest accepted JSON body; default 1 MB. */
  bodyLimit?: number | string;
  clock?: Clock;
  /** More receivers of committed events (bots, integrations), after the sockets. */
  publishers?: Publisher[];
  /** Mount into this Express app instead of a new one (add your own middleware first). */
  app?: Express;
  /**
   * Where casekit lives in the app, e.g. `/support`: the API at `<path>/api/v1`, webhooks at
   * `<path>/webhooks/<channelId>`, widget files at `<path>/widgets/` and socket.io at
   * `<path>/socket.io`. Clients pass the same `path` (or a `baseUrl` that ends with it).
   * Default: the root.
   */
  path?: string;
  /**
   * A folder of the CDN widget files (`@casekit/widgets`' `dist/cdn`) to serve at `<path>/widgets/`,
   * with CORS headers for `corsOrigins`, so host pages on other origins can load the chat from here.
   */
  widgetsDir?: string;
  socketOptions?: Partial<ServerOptions>;
  openapi?: OpenApiOptions;
  /** Where uploaded files go (`createFileBlobStore(dir)`); without one, uploads answer 503. */
  blobStore?: BlobStore;
  /** Largest upload in bytes (default 10 MB) and accepted types (default: images, PDF, plain text). */
  uploads?: Partial<UploadLimits>;
  /** Base URL of `/api/v1` as browsers reach it; links to uploads are made from it (default: a path). */
  publicUrl?: string;
  /**
   * Web origins allowed to call the API and the realtime gateway from a browser, for host pages
   * on another origin than casekit (e.g. `['https://www.example.com']`, or `'*'`). Default: none,
   * so only pages served from casekit's own origin.
   */
  corsOrigins?: CorsOrigins;
  /**
   * Whether agents' presence follows their realtime connections: online while connected; away
   * (no new cases) `awayAfterMs` after the last socket closed (default 15,000), offline (their
   * cases go back to the queue where the routing policy says so) `offlineAfterMs` after it
   * (default 300,000). Every `sweepMs` (default 60,000) each node also steps away agents shown
   * present with no socket on any node (their node was killed). Default true; turn it off when
   * your own system sets presence. A number sets `awayAfterMs`.
   */
  presenceFromConnections?: boolean | number | { awayAfterMs?: number; offlineAfterMs?: number; sweepMs?: number };
  /**
   * Routing (`docs/routing.md`): a pass gives waiting cases to agents whenever cases, presence,
   * load or settings change, and every `intervalMs` (default 30,000) besides. `false` turns
   * automatic assignment off: cases then wait for agents to take them.
   */
  routing?: { intervalMs?: number } | false;
  /**
   * The channels this server runs beside web chat: their adapters (`@casekit/channels`), and
   * `publicUrl`, the server's public base URL (`CASEKIT_PUBLIC_URL`: origin and any mount path,
   * without `/api/v1`). Webhooks arrive at `${publicUrl}/webhooks/<channelId>`, and signatures are
   * checked against that URL, never the Host header. `fetch` reaches the providers' APIs.
   */
  /** The Splynx sync this server runs, for the API's status and "sync now" (`createSplynxSync` of `@casekit/splynx`). */
  splynx?: SplynxIntegration;
  channels?: { adapters?: readonly ChannelAdapter[]; publicUrl?: string; fetch?: typeof fetch };
  /**
   * How long this node keeps the outbox items and timers it claimed (ms, default 60,000); a node
   * that dies holding some leaves them to the others once the lease ends. A send's requests are cut
   * off just before it ends (and tried again later); a timer handler must finish within it.
   */
  leaseMs?: number;
  /**
   * Delivery of replies on channels other than web chat, through their adapters: how often the
   * outbox is polled (ms, default 500). The worker runs while the server listens; delivery is at
   * least once, and items are leased (`leaseMs`), so servers sharing a store do not send one reply
   * at the same time. `false` runs no worker here (another process delivers).
   */
  outbox?: Pick<OutboxWorkerOptions, 'maxAttempts' | 'backoffMs'> & { intervalMs?: number } | false;
  /**
   * Durable timers (`tx.setTimer`), among them each case's SLA timer: the worker runs while the
   * server listens; timers are leased (`leaseMs`), so servers sharing a store run each once. `handlers`
   * adds your own kinds, made with this server's engine. `false`: no timers run here (another
   * process runs them, or SLA warnings and breaches wait).
   */
  timers?: (Pick<TimerWorkerOptions, 'pollMs' | 'maxAttempts'> & { handlers?: (engine: CaseEngine) => Readonly<Record<string, TimerHandler>> }) | false;
  /**
   * Bots answering customers on the cases they hold (see docs/bots.md): on by default; `fetch`
   * reaches external bots. `false` runs none here (another process answers for them). An external
   * bot's timeout is a durable timer: run `timers` on some node, or waits never end in a handoff.
   */
  bots?: { fetch?: typeof fetch } | false;
  /**
   * Redis shared by several nodes serving one store (`CASEKIT_REDIS_URL`): realtime pushes reach
   * sockets of every node (socket.io Redis adapter), and sign-in limits, upload allowances and
   * concurrent creates with one `Idempotency-Key` are counted and locked there. A `{ url }` is
   * connected by `listen` and closed by `close`; a client you pass stays yours to close.
   * Default: none, everything in this process's memory (one node).
   */
  redis?: { url: string } | RedisClient;
}

/** The bytes of an uploaded file a reply carries, for providers that take uploads. */
async function loadUpload(blobs: BlobStore, attachment: Attachment): Promise<Uint8Array> {
  const id = /\/uploads\/(up_[A-Za-z0-9_-]+)$/.exec(attachment.url)?.[1];
  const file = id ? await blobs.open(id) : null;
  if (!file) throw new Error(`The file "${attachment.name}" is no longer stored.`);
  const chunks: Uint8Array[] = [];
  for await (const chunk of file.stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The composed server: an Express app with `/api/v1`, its HTTP server and the socket.io gateway. */
export interface CasekitServer {
  app: Express;
  httpServer: HttpServer;
  io: SocketServer;
  engine: CaseEngine;
  /** Listens on loopback by default; resolves with the bound address (port 0 picks a free port). */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** Gives waiting cases to agents; started by `listen`, stopped by `close` (absent with `routing: false`). */
  router: Router | null;
  /** Delivers queued replies; started by `listen`, stopped by `close` (absent with `outbox: false`). */
  outbox: OutboxWorker | null;
  /** Runs due timers; started by `listen`, stopped by `close` (absent with `timers: false`). */
  timers: TimerWorker | null;
  /** Verifies and stores what providers send; also takes mail that arrives over SMTP. */
  webhooks: WebhookRunner;
  /** Answers customers on the cases bots hold (absent with `bots: false`). */
  bots: BotRunner | null;
  /**
   * Limits and locks shared by every node (in Redis when configured, else this process's memory):
   * work one node at a time should do, such as an integration's sync, runs under `withLock`.
   */
  coordination: Coordination;
  /** Stops accepting, disconnects sockets and closes open connections. The store stays open. */
  close(): Promise<void>;
}

/**
 * Composes the engine, the REST router and the realtime gateway over one store, wired so that
 * every committed event reaches the right sockets.
 * @example const server = createCasekitServer({ store, auth, workspaceId: 'demo' }); await server.listen(3000)
 */
export function createCasekitServer(options: CasekitServerOptions): CasekitServer {
  const app = options.app ?? express();
  app.disable('x-powered-by');
  const mount = normalizeMountPath(options.path);
  const httpServer = createServer(app);
  const corsOrigins = options.corsOrigins ?? [];
  const crossOrigin = corsOrigins === '*' || corsOrigins.length > 0;
  const followPresence = options.presenceFromConnections ?? true;
  const io = attachRealtime(httpServer, {
    ...options,
    ...(followPresence !== false && {
      presence: {
        // The engine is made below; sockets only connect once the server listens.
        setPresence: (workspaceId: string, agentId: string, presence: Presence) => engine.setPresence({ workspaceId, system: 'presence' }, agentId, presence),
        ...(typeof followPresence === 'number' ? { awayAfterMs: followPresence } : typeof followPresence === 'object' && followPresence),
      },
    }),
    socketOptions: {
      ...(crossOrigin && {
        // CORS answers cover HTTP long-polling; a WebSocket handshake is checked here, since
        // browsers do not apply CORS to it. Pages of casekit's own origin always pass.
        cors: { origin: (origin: string | undefined, callback: (error: Error | null, allow?: boolean) => void) => callback(null, origin === undefined || isOriginAllowed(corsOrigins, origin)) },
        allowRequest: (req: IncomingMessage, callback: (error: string | null | undefined, success: boolean) => void) => {
          const origin = req.headers.origin;
          const sameHost = origin !== undefined && URL.canParse(origin) && new URL(origin).host === req.headers.host;
          callback(null, origin === undefined || sameHost || isOriginAllowed(corsOrigins, origin));
        },
      }),
      // The SDK derives the same from its `path`; a `path` in socketOptions overrides both.
      path: socketIoPath(mount),
      ...options.socketOptions,
    },
  });
  const redis = options.redis && connectRedis(options.redis, options.workspaceId, options.logger ?? defaultLogger);
  const coordination = redis ? redis.coordination : createMemoryCoordination(() => (options.clock?.now() ?? new Date()).getTime());
  const sockets = createSocketPublisher(io);
  // The engine is made below; bots answer only once events are published.
  const bots =
    options.bots === false
      ? null
      : createBotRunner({
          store: options.store,
          get engine() {
            return engine;
          },
          workspaceId: options.workspaceId,
          logger: options.logger ?? defaultLogger,
          apiUrl: () => (options.channels?.publicUrl ? `${publicUrl()}${API_PATH}` : `${listening}${mount}${API_PATH}`),
          ...(options.bots?.fetch && { fetch: options.bots.fetch }),
          ...(options.clock && { clock: options.clock }),
        });
  const extra = [...(bots ? [bots] : []), ...(options.publishers ?? [])];
  const logger = options.logger;
  const sessions = createSessionGuard(io, { store: options.store, auth: options.auth, workspaceId: options.workspaceId, logger: logger ?? defaultLogger });
  const routingOptions = options.routing ?? {};
  const router = routingOptions
    ? createRouter({
        // The engine is made below; the router only runs once events arrive or the server listens.
        engine: () => engine,
        withLock: (key, fn) => coordination.withLock(key, fn),
        ...(routingOptions.intervalMs !== undefined && { intervalMs: routingOptions.intervalMs }),
        ...(options.clock && { clock: options.clock }),
        onError: (error) => logger?.warn('routing pass failed', { error: errorText(error) }),
      })
    : null;
  const publisher: Publisher = {
    publish(events) {
      for (const target of [sockets, sessions, ...(router ? [router] : []), ...extra]) {
        try {
          target.publish(events);
        } catch (error) {
          logger?.error('publisher failed', { error: errorText(error) });
        }
      }
    },
  };
  const adapters = options.channels?.adapters ?? [];
  // Without a configured public URL, webhooks are made from the address this server listens on.
  let listening = 'http://127.0.0.1';
  const publicUrl = () => (options.channels?.publicUrl ?? listening).replace(/\/+$/, '');
  // The webhook runner is made below; the API only asks it for a runtime when serving a file.
  const channels = { adapters, webhookBaseUrl: publicUrl, runtime: (channel: ChannelRecord) => webhooks.runtime(channel) };
  const kinds = createChannelKinds(adapters, publicUrl);
  const engine = createCaseEngine({
    store: options.store,
    publisher,
    channelCapabilities: kinds.capabilities,
    ...(options.clock && { clock: options.clock }),
  });
  const webhooks = createWebhookRunner({
    store: options.store,
    engine,
    workspaceId: options.workspaceId,
    kinds,
    publicUrl,
    // Like agents' uploads: under the configured public URL, else a path the SDK resolves.
    uploadUrl: (id) => `${options.publicUrl ?? (options.channels?.publicUrl ? `${publicUrl()}${API_PATH}` : `${mount}${API_PATH}`)}/uploads/${id}`,
    logger: logger ?? defaultLogger,
    ...(options.blobStore && { blobStore: options.blobStore }),
    ...(options.channels?.fetch && { fetch: options.channels.fetch }),
    ...(options.clock && { clock: options.clock }),
  });
  app.all(`${mount}/webhooks/:channelId`, webhookRoute(webhooks, logger ?? defaultLogger));
  // Also without allowed origins: a preflight from another origin then gets the 403 that says why.
  app.use(`${mount}${API_PATH}`, corsMiddleware(corsOrigins));
  // The OpenAPI document names the API where it is mounted, so its try-it calls reach it.
  const openapi = { ...options.openapi, serverUrl: options.openapi?.serverUrl ?? `${mount}${API_PATH}` };
  app.use(
    `${mount}${API_PATH}`,
    createApiRouter({ ...options, openapi, channels, engine, logger: options.logger ?? defaultLogger, coordination }),
  );
  if (options.widgetsDir) {
    // The chat's loader imports the full chat as a module: another origin needs CORS for that.
    app.use(`${mount}${WIDGETS_PATH}`, staticCorsHeaders(corsOrigins), express.static(options.widgetsDir, { fallthrough: false, index: false }));
  }

  const outboxOptions = options.outbox ?? {};
  const outbox = outboxOptions
    ? createOutboxWorker({
        store: options.store,
        engine,
        adapters: Object.fromEntries(adapters.map((adapter) => [adapter.kind, adapter])),
        runtime: webhooks.runtime,
        ...(options.blobStore && { loadAttachment: (attachment) => loadUpload(options.blobStore!, attachment) }),
        ...(outboxOptions.maxAttempts !== undefined && { maxAttempts: outboxOptions.maxAttempts }),
        ...(outboxOptions.backoffMs && { backoffMs: outboxOptions.backoffMs }),
        ...(options.leaseMs !== undefined && { leaseMs: options.leaseMs }),
        ...(options.clock && { clock: options.clock }),
        onError: (error, item) => logger?.warn('delivery failed', { messageId: item.messageId, attempt: item.attempts + 1, error: errorText(error) }),
      })
    : null;

  const timerOptions = options.timers ?? {};
  const timers = timerOptions
    ? createTimerWorker({
        store: options.store,
        handlers: { ...createEngineTimerHandlers(engine), ...bots?.timerHandlers, ...timerOptions.handlers?.(engine) },
        ...(timerOptions.pollMs !== undefined && { pollMs: timerOptions.pollMs }),
        ...(timerOptions.maxAttempts !== undefined && { maxAttempts: timerOptions.maxAttempts }),
        ...(options.leaseMs !== undefined && { leaseMs: options.leaseMs }),
        ...(options.clock && { clock: options.clock }),
        onError: (error, timer) => {
          const fields = { key: timer?.key, kind: timer?.kind, code: error.code, error: errorText(error) };
          if (error.dropped) logger?.error('timer dropped', fields);
          else logger?.warn('timer failed', fields);
        },
      })
    : null;

  let closing: Promise<void> | undefined;
  return {
    app,
    httpServer,
    io,
    engine,
    outbox,
    router,
    timers,
    webhooks,
    bots,
    coordination,
    async listen(port = 0, host = '127.0.0.1') {
      // Requests and sockets count on Redis from the first one on.
      if (redis) io.adapter(await redis.connect());
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          const bound = httpServer.address() as AddressInfo;
          // Bound to every interface: loopback is the one address that surely reaches it.
          const address = bound.address === '0.0.0.0' || bound.address === '::' ? '127.0.0.1' : bound.address;
          listening = `http://${bound.family === 'IPv6' && address !== '127.0.0.1' ? `[${address}]` : address}:${bound.port}`;
          if (outboxOptions) outbox?.start(outboxOptions.intervalMs);
          router?.start([options.workspaceId]);
          timers?.start();
          resolve(httpServer.address() as AddressInfo);
        });
      });
    },
    close() {
      closing ??= (async () => {
        // A batch being delivered, a routing pass and timers being run finish before the store may close.
        await Promise.all([outbox?.stop(), router?.stop(), timers?.stop()]);
        await new Promise<void>((resolve) => {
          io.disconnectSockets(true);
          // io.close() also closes the HTTP server; idle keep-alive connections must go too.
          void io.close(() => resolve());
          httpServer.closeIdleConnections();
          setTimeout(() => httpServer.closeAllConnections(), 2000).unref();
        });
        await redis?.close();
      })();
      return closing;
    },
  };
}
