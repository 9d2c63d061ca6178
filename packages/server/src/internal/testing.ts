// Test harness shared by this package's tests: a real server on loopback over a real SQLite file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaseEngine, Store } from '@casekit/core';
import { decodeEvents, type Agent, type CaseEvent, type ResumeResult } from '@casekit/protocol';
import { createSqliteStore } from '@casekit/store-sqlite';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import type { Auth, AuthOptions } from '@casekit/api';
import { createAuth } from '../auth.ts';
import { createFileBlobStore } from '../blob-store.ts';
import { createCasekitServer, type CasekitServer, type CasekitServerOptions } from '../compose.ts';
import { provisionAgent, provisionChannel } from '../provision.ts';
import type { Logger } from '../types.ts';

export const WORKSPACE = 'ws_test';
export const PASSWORD = 'correct horse battery';
export const WEBCHAT_SECRET = 'webchat-secret-0123456789abcdef';
export const JWT_SECRET = 'test-secret-that-is-long-enough-0123456789';

export interface HttpResult {
  status: number;
  headers: Headers;
  // Tests read fields of arbitrary answers.
  body: any;
  text: string;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (no JSON encoding). */
  raw?: string | Uint8Array<ArrayBuffer>;
  headers?: Record<string, string>;
}

export interface TestServer {
  url: string;
  store: Store;
  /** The SQLite file of `store`: a second server may open it (a restart). */
  filename: string;
  engine: CaseEngine;
  auth: Auth;
  server: CasekitServer;
  /** The folder the blob store keeps uploads in. */
  uploadsDir: string;
  agents: { admin: Agent; supervisor: Agent; agent: Agent; other: Agent };
  tokens: { admin: string; supervisor: string; agent: string; other: string };
  /** Errors the server logged (a 500 would show here). */
  errors: { message: string; fields?: Record<string, unknown> }[];
  /** Warnings the server logged. */
  warnings: { message: string; fields?: Record<string, unknown> }[];
  request(method: string, path: string, options?: RequestOptions): Promise<HttpResult>;
  visitorSession(body?: Record<string, unknown>): Promise<{ token: string; customerId: string; identified: boolean }>;
  lastSeq(): Promise<number>;
  close(): Promise<void>;
}

/** The server's own options a test may set; presence from connections is off unless a test is about it. */
export interface TestServerOptions
  extends Pick<
    CasekitServerOptions,
    | 'bodyLimit'
    | 'search'
    | 'resumePageSize'
    | 'maxQueuedBytes'
    | 'uploads'
    | 'publicUrl'
    | 'channels'
    | 'loginLimits'
    | 'visitorUploadLimits'
    | 'presenceFromConnections'
    | 'outbox'
    | 'timers'
    | 'clock'
    | 'app'
    | 'path'
    | 'widgetsDir'
    | 'corsOrigins'
  > {
  auth?: Partial<AuthOptions>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'casekit-server-'));
  const filename = join(dir, 'casekit.db');
  const store = await createSqliteStore({ filename });
  const { auth: authOptions, ...serverOptions } = options;
  const auth = createAuth({ jwtSecret: JWT_SECRET, ...authOptions });
  const errors: TestServer['errors'] = [];
  const warnings: TestServer['warnings'] = [];
  const uploadsDir = join(dir, 'uploads');
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (message, fields) => void warnings.push({ message, ...(fields && { fields }) }),
    error: (message, fields) => void errors.push({ message, ...(fields && { fields }) }),
  };
  const server = createCasekitServer({
    store,
    auth,
    workspaceId: WORKSPACE,
    logger,
    blobStore: createFileBlobStore(uploadsDir),
    presenceFromConnections: false,
    ...serverOptions,
  });
  const { engine } = server;
  await engine.ensureWorkspace({ id: WORKSPACE, name: 'Test ISP' });
  await provisionChannel(engine, WORKSPACE, { id: 'webchat', kind: 'webchat', name: 'Website chat', secrets: { identitySecret: WEBCHAT_SECRET } });
  await provisionChannel(engine, WORKSPACE, { id: 'email', kind: 'email', name: 'Support email' });
  const make = (name: string, role: Agent['role']) =>
    provisionAgent(engine, auth, WORKSPACE, { email: `${name}@example.com`, name: name[0]!.toUpperCase() + name.slice(1), password: PASSWORD, role });
  const agents = {
    admin: await make('admin', 'admin'),
    supervisor: await make('super', 'supervisor'),
    agent: await make('agent', 'agent'),
    other: await make('other', 'agent'),
  };
  const address = await server.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${address.port}`;

  async function request(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | Uint8Array<ArrayBuffer> | undefined = opts.raw;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined && { body }) });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  const tokens = {
    admin: (await auth.signAgentToken(agents.admin)).token,
    supervisor: (await auth.signAgentToken(agents.supervisor)).token,
    agent: (await auth.signAgentToken(agents.agent)).token,
    other: (await auth.signAgentToken(agents.other)).token,
  };

  return {
    url,
    store,
    filename,
    engine,
    auth,
    server,
    uploadsDir,
    agents,
    tokens,
    errors,
    warnings,
    request,
    async visitorSession(body = {}) {
      const res = await request('POST', `${options.path ?? ''}/api/v1/visitor/sessions`, { body: { channelId: 'webchat', ...body } });
      if (res.status !== 201) throw new Error(`visitor session failed: ${res.status} ${res.text}`);
      return res.body;
    },
    lastSeq: () => store.lastSeq(WORKSPACE),
    async close() {
      await server.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Connects a socket.io client and resolves once connected (rejects with the connect_error). */
export function connectSocket(url: string, namespace: '/agent' | '/visitor', token: string, path = '/socket.io'): Promise<ClientSocket> {
  const socket = connect(`${url}${namespace}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, path });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Collects the events of `events` pushes; `waitFor` resolves when one matches. */
export function collectEvents(socket: ClientSocket): { events: CaseEvent[]; waitFor(match: (e: CaseEvent) => boolean, ms?: number): Promise<CaseEvent> } {
  const events: CaseEvent[] = [];
  const waiters: { match: (e: CaseEvent) => boolean; resolve: (e: CaseEvent) => void }[] = [];
  socket.on('events', (batch: CaseEvent[]) => {
    for (const event of batch) {
      events.push(event);
      for (const waiter of [...waiters]) {
        if (waiter.match(event)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      }
    }
  });
  return {
    events,
    waitFor(match, ms = 5000) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for an event')), ms);
        waiters.push({
          match,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
  };
}

/** The TCP connection under a client's WebSocket: pausing it stops the client reading, as a stalled network would. */
export function tcpOf(socket: ClientSocket): { pause(): void; resume(): void } {
  const transport = socket.io.engine.transport as unknown as { ws?: { _socket?: { pause(): void; resume(): void } } };
  const tcp = transport.ws?._socket;
  if (!tcp) throw new Error('the socket is not on a WebSocket');
  return tcp;
}

/** Logs that an agent read a case up to now, as the engine logs any event, and returns the event. */
export function logReadMarker(store: Store, agentId: string, caseId: string, customerId: string): Promise<CaseEvent> {
  const at = new Date().toISOString();
  return store.transaction((tx) => tx.appendEvent({ type: 'case.read', workspaceId: WORKSPACE, at, actorId: agentId, caseId, customerId, data: { readAt: at } }));
}

/** A `resume` answer with the page's events decoded. */
export interface ResumeAnswer {
  ok: boolean;
  value?: Omit<ResumeResult, 'events'> & { events: CaseEvent[] };
  error?: { code: string };
}

/** Calls `resume(after)` on a socket and decodes the page it answers. */
export async function resume(socket: ClientSocket, afterSeq: unknown): Promise<ResumeAnswer> {
  const answer: { ok: boolean; value?: ResumeResult; error?: { code: string } } = await socket.timeout(5000).emitWithAck('resume', afterSeq);
  const { value, ...rest } = answer;
  return value ? { ...rest, value: { ...value, events: decodeEvents(value.events) } } : rest;
}

/** Every event a replay after `afterSeq` gives, page after page. */
export async function replayAll(socket: ClientSocket, afterSeq: number): Promise<CaseEvent[]> {
  const events: CaseEvent[] = [];
  for (let next = afterSeq; ; ) {
    const page = await resume(socket, next);
    if (!page.value) throw new Error(`resume(${next}) failed: ${page.error?.code}`);
    events.push(...page.value.events);
    if (!page.value.hasMore) return events;
    next = page.value.lastSeq;
  }
}
