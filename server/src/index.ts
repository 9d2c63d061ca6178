import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaseEngine, CustomerSearch, Store } from '@casekit/core';
import {
  createAuth,
  createCasekitServer,
  createFileBlobStore,
  errorText,
  provisionAgent,
  type Auth,
  type Logger,
} from '@casekit/server';
import { ALL_CHANNEL_ADAPTERS } from '@casekit/channels';
import { startMailroom } from '@casekit/channels/email';
import { openStore } from './store.ts';
import express, { type Express } from 'express';
import { loadConfig, resolveJwtSecret, resolveSecretKey, type Config } from './config.ts';
import { startDemoProviders } from './demo/providers.ts';
import { startDemoSplynx } from './demo/splynx.ts';
import { serverSplynx, SPLYNX_HOOK_PATH } from './splynx.ts';
import { seedDemo, type SeedResult } from './demo/seed.ts';
import { createLogger } from './logger.ts';
import { ensureBaseline } from './setup.ts';
import { FAVICON_SVG, startPage } from './start-page.ts';

export { loadConfig, resolveJwtSecret, resolveSecretKey, parseSize, ConfigError, LOG_LEVELS } from './config.ts';
export type { Config, LogLevel } from './config.ts';
export { createLogger } from './logger.ts';
export { seedDemo, DEMO_PASSWORD } from './demo/seed.ts';
export type { SeedResult } from './demo/seed.ts';

export { ensureBaseline, WEBCHAT_CHANNEL_ID } from './setup.ts';

// `casekit start` as a child process, for tests and benchmarks that run it as operators do.
export { clusterNodeEnv, startCliChild } from './cli-child.ts';
export type { CliChild } from './cli-child.ts';

export interface StartOptions extends Partial<Config> {
  /** Use this store instead of `<dataDir>/casekit.db` (it is not closed by `close()`). */
  store?: Store;
  /** With `store`: where customers are searched. Default: the store itself. */
  search?: CustomerSearch;
  logger?: Logger;
  /** Seed the demo workspace before listening. */
  demo?: boolean;
  onSeedProgress?: (done: number, total: number) => void;
  /** Folder served at `/examples` (default: the repository's `examples/` when it exists). */
  examplesDir?: string | null;
  /** The CDN widget files served at `/widgets/` (default: `packages/widgets/dist/cdn` when built). */
  widgetsDir?: string | null;
}

export interface RunningServer {
  url: string;
  port: number;
  /** The port of the SMTP listener for email channels; null when none runs. */
  smtpPort: number | null;
  store: Store;
  engine: CaseEngine;
  auth: Auth;
  workspaceId: string;
  /** The Splynx this server syncs with (the demo's fake when `demo` and none is configured); null: none. */
  splynxUrl: string | null;
  /** What `demo: true` seeded. */
  seed?: SeedResult;
  /** Stops accepting, disconnects sockets, waits for open requests, closes the store. */
  close(): Promise<void>;
}

/** How long an upload that no message carries is kept. */
export const UNATTACHED_UPLOAD_MS = 24 * 3_600_000;

const DEFAULT_EXAMPLES_DIR = fileURLToPath(new URL('../../examples', import.meta.url));
const DEFAULT_WIDGETS_DIR = fileURLToPath(new URL('../../packages/widgets/dist/cdn', import.meta.url));

/** Logs one line per request: method, path (no query, no upload ids), status and milliseconds. */
function requestLog(logger: Logger): express.RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // An upload's id is the only key to its file: it stays out of the logs.
      const path = (req.originalUrl.split('?')[0] ?? '').replace(/\/uploads\/[^/]+/, '/uploads/:id');
      const fields = { method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10 };
      if (res.statusCode >= 500) logger.error('request', fields);
      else logger.info('request', fields);
    });
    next();
  };
}

/** Serves `/` (the start page), the favicon, and `/examples/*` from the examples folder when it exists. */
function mountStatic(app: Express, examplesDir: string | null, seed: () => SeedResult | undefined): void {
  app.get('/', async (_req, res) => void res.type('html').send(await startPage(examplesDir, seed())));
  app.get(['/favicon.svg', '/favicon.ico'], (_req, res) => void res.type('image/svg+xml').set('cache-control', 'public, max-age=86400').send(FAVICON_SVG));
  if (examplesDir && existsSync(examplesDir)) app.use('/examples', express.static(examplesDir, { fallthrough: true }));
}

/** Creates a first admin with a random password when the workspace has no agent at all. */
async function ensureFirstAdmin(store: Store, engine: CaseEngine, auth: Auth, workspaceId: string, logger: Logger): Promise<void> {
  if ((await store.listAgents(workspaceId)).length > 0) return;
  const password = randomBytes(12).toString('base64url');
  const agent = await provisionAgent(engine, auth, workspaceId, {
    email: 'admin@casekit.local',
    name: 'Administrator',
    password,
    role: 'admin',
  });
  logger.warn("created the first admin; sign in and change the password from the workbench's account menu (or POST /api/v1/me/password)", { email: agent.email, password });
}

/**
 * Starts the reference backend: SQLite store, `/api/v1`, realtime, `/healthz`, static examples.
 * Options override the environment (`loadConfig`); `port: 0` picks a free port.
 * @example const server = await startServer({ port: 0, dataDir: tmp }); await server.close()
 */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const { store: givenStore, search: givenSearch, logger: givenLogger, demo, onSeedProgress, examplesDir: givenExamples, widgetsDir: givenWidgets, ...overrides } = options;
  const config: Config = { ...loadConfig(process.env), ...overrides };
  const logger = givenLogger ?? createLogger(config.logLevel);
  await mkdir(config.dataDir, { recursive: true });
  const { store, search } = givenStore ? { store: givenStore, search: givenSearch } : await openStore(config);
  if (!givenStore && config.storeKind === 'dynamodb' && !config.secretKey) {
    logger.warn('CASEKIT_SECRET_KEY is not set: this node seals channel secrets with a key kept in its data directory, which other nodes sharing the table do not have; set the same CASEKIT_SECRET_KEY on every node');
  }
  const ownsStore = !givenStore;
  try {
    const auth = createAuth({
      jwtSecret: await resolveJwtSecret(config),
      ...(config.jwksUrl && { jwksUrl: config.jwksUrl }),
      ...(config.jwtIssuer && { issuer: config.jwtIssuer }),
      ...(config.jwtAudience && { audience: config.jwtAudience }),
    });
    const { workspaceId } = config;

    const app = express();
    app.disable('x-powered-by');
    // Behind a reverse proxy, the client's address (sign-in and upload limits count by it).
    app.set('trust proxy', config.trustProxy);
    app.use(requestLog(logger));
    app.get('/healthz', async (_req, res) => {
      try {
        const lastSeq = await store.lastSeq(workspaceId);
        res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()), lastSeq });
      } catch (error) {
        logger.error('health check failed', { error: errorText(error) });
        res.status(503).json({ error: { code: 'unavailable', message: 'The store is not answering.' } });
      }
    });
    let seed: SeedResult | undefined;
    mountStatic(app, givenExamples === undefined ? DEFAULT_EXAMPLES_DIR : givenExamples, () => seed);

    const widgetsDir = givenWidgets === undefined ? DEFAULT_WIDGETS_DIR : givenWidgets;
    const blobStore = createFileBlobStore(join(config.dataDir, 'uploads'));
    // Files uploaded but never sent with a message go after a day; the check runs hourly.
    const sweepUploads = async () => {
      try {
        const removed = await blobStore.sweep!(new Date(Date.now() - UNATTACHED_UPLOAD_MS));
        if (removed > 0) logger.info('removed uploads no message carries', { removed });
      } catch (error) {
        logger.warn('upload sweep failed', { error: errorText(error) });
      }
    };
    void sweepUploads();
    const sweeper = setInterval(() => void sweepUploads(), 3_600_000);
    sweeper.unref();
    // Splynx: the configured one, or in the demo a fake on loopback holding the demo's customers.
    const demoSplynx = demo && !config.splynx ? await startDemoSplynx() : null;
    const splynxConfig = config.splynx ?? demoSplynx?.config;
    const splynx = splynxConfig ? serverSplynx(splynxConfig) : null;
    const server = createCasekitServer({
      app,
      ...(splynx && { splynx: splynx.integration }),
      store,
      ...(search && { search }),
      auth,
      workspaceId,
      logger,
      bodyLimit: config.bodyLimit,
      blobStore,
      uploads: { maxBytes: config.uploadLimit, contentTypes: config.uploadTypes },
      maxQueuedBytes: config.realtimeQueueLimit,
      ...(config.publicUrl && { publicUrl: `${config.publicUrl}/api/v1` }),
      channels: { adapters: ALL_CHANNEL_ADAPTERS, ...(config.publicUrl && { publicUrl: config.publicUrl }) },
      corsOrigins: config.corsOrigins,
      ...(widgetsDir && existsSync(widgetsDir) && { widgetsDir }),
      ...(config.redisUrl && { redis: { url: config.redisUrl } }),
      leaseMs: config.leaseMs,
    });
    await ensureBaseline({ store, engine: server.engine }, workspaceId, { name: workspaceId === 'demo' ? 'Demo ISP' : workspaceId });
    if (ownsStore && !config.redisUrl) {
      // This process is the only server of its SQLite file and nobody is connected yet: whoever
      // the file still shows online lost their connection when the last process stopped. With
      // Redis other nodes share the file, and their agents are connected to them.
      for (const agent of await store.listAgents(workspaceId)) {
        if (agent.presence === 'online') await server.engine.setPresence({ workspaceId, system: 'startup' }, agent.id, 'offline');
      }
    }
    if (demo) {
      seed = await seedDemo({ store, auth, workspaceId, ...(onSeedProgress && { onProgress: onSeedProgress }) });
    } else {
      await ensureFirstAdmin(store, server.engine, auth, workspaceId, logger);
    }
    if (splynx) {
      splynx.attach({ engine: server.engine, store, workspaceId, app, logger, coordination: server.coordination });
    }
    // The demo's SMS, WhatsApp and email go through fakes of the providers on loopback.
    const providers = demo ? await startDemoProviders() : null;
    if (providers) await providers.configure(server.engine, store, workspaceId);
    const address = await server.listen(config.port, config.host);
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${address.port}`;
    // The demo's Splynx tells this server of its changes, as a real one does through a hook.
    if (demoSplynx?.config.hookSecret) demoSplynx.fake.addHook({ url: `${url}${SPLYNX_HOOK_PATH}`, secret: demoSplynx.config.hookSecret });
    const mailroom =
      config.smtpPort === undefined
        ? null
        : await startMailroom({ port: config.smtpPort, host: config.host, channels: () => store.listChannels(workspaceId), receive: server.webhooks.receive });
    if (providers) {
      // The demo's "simulate" control: believable customer messages through the providers' real paths.
      app.post('/demo/simulate', express.json(), (req, res) => {
        // JSON only: a form another site posts cannot start it.
        if (!req.is('application/json')) {
          res.status(415).json({ error: { code: 'unsupported_media_type', message: 'Send {"count": n} as application/json.' } });
          return;
        }
        const count = Math.min(Math.max(Number((req.body as { count?: unknown } | undefined)?.count ?? 6) || 6, 1), 100);
        providers.simulate({ origin: url, smtpPort: mailroom?.port ?? null, store, workspaceId }, count).then(
          (result) => res.json(result),
          (error: unknown) => res.status(503).json({ error: { code: 'unavailable', message: errorText(error) } }),
        );
      });
    }
    logger.info('listening', { url, port: address.port, workspaceId, dataDir: config.dataDir, ...(mailroom && { smtpPort: mailroom.port }) });
    if (!config.publicUrl && !demo) {
      logger.warn('CASEKIT_PUBLIC_URL is not set: channels\' webhook URLs use this address, which providers on the internet cannot reach', { url });
    }

    let closing: Promise<void> | undefined;
    return {
      url,
      port: address.port,
      smtpPort: mailroom?.port ?? null,
      splynxUrl: splynxConfig?.url ?? null,
      store,
      engine: server.engine,
      auth,
      workspaceId,
      ...(seed && { seed }),
      close() {
        closing ??= (async () => {
          clearInterval(sweeper);
          await mailroom?.close();
          await splynx?.close();
          await server.close();
          await demoSplynx?.fake.close();
          await providers?.close();
          if (ownsStore) await store.close();
          logger.info('stopped');
        })();
        return closing;
      },
    };
  } catch (error) {
    if (ownsStore) await store.close().catch(() => undefined);
    throw error;
  }
}
