// Test support: a loopback HTTP + socket.io server the tests drive step by step, and event builders.
import { createServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { connect as connectNet, createServer as createNetServer, type AddressInfo, type Socket as NetSocket } from 'node:net';
import { Server } from 'socket.io';
import type { Socket } from 'socket.io';
import { encodeEvents, socketIoPath } from '@casekit/protocol';
import type { Case, CaseEvent, Message, ResumeResult } from '@casekit/protocol';

type ResumeAnswer = { ok: true; value: ResumeResult } | { ok: false; error: { code: string; message: string } };

/** What the test decides a `resume(after)` call answers. */
export type ResumeHandler = (after: number, socket: Socket) => ResumeAnswer | Promise<ResumeAnswer>;
/** What the test decides an HTTP request answers; null: 404. */
type HttpHandler = (req: IncomingMessage, body: string, res: ServerResponse) => void | Promise<void>;

/** A real server on 127.0.0.1: HTTP routes and socket.io namespaces under the test's control. */
export interface LoopbackServer {
  url: string;
  http: HttpServer;
  io: Server;
  /** Every `resume(after)` received, per namespace. */
  resumes: Array<{ namespace: string; after: number }>;
  /** Handshake tokens seen, per namespace. */
  tokens: Array<{ namespace: string; token: unknown }>;
  onResume(handler: ResumeHandler): void;
  onHttp(handler: HttpHandler): void;
  /** Refuses handshakes whose token is not in the set (undefined: accept all). */
  acceptTokens(tokens: string[] | undefined): void;
  sockets(namespace: string): Socket[];
  /** Waits until a socket is connected on the namespace and returns it. */
  nextSocket(namespace: string): Promise<Socket>;
  close(): Promise<void>;
  /** Stops listening and cuts every connection, as if the server died. */
  kill(): Promise<void>;
  /** Listens again on the same port. */
  revive(): Promise<void>;
}

/** The event log answers `resume` by default: events after `after`, `pageSize` per call. */
export function logResume(log: () => CaseEvent[], pageSize = 1000): ResumeHandler {
  return (after) => {
    const all = log().filter((e) => e.seq > after).sort((a, b) => a.seq - b.seq);
    const events = all.slice(0, pageSize);
    const newest = log().reduce((max, e) => Math.max(max, e.seq), 0);
    const hasMore = all.length > pageSize;
    return { ok: true, value: { events: encodeEvents(events), lastSeq: hasMore ? events.at(-1)!.seq : newest, hasMore } };
  };
}

export async function startLoopbackServer(namespaces: string[] = ['/agent', '/visitor'], options: { mountPath?: string } = {}): Promise<LoopbackServer> {
  const path = socketIoPath(options.mountPath);
  let resumeHandler: ResumeHandler = () => ({ ok: true, value: { events: encodeEvents([]), lastSeq: 0, hasMore: false } });
  let httpHandler: HttpHandler = (_req, _body, res) => {
    res.writeHead(404, { 'content-type': 'application/json' }).end(
      JSON.stringify({ error: { code: 'not_found', message: 'No such route.' } }),
    );
  };
  let accepted: Set<string> | undefined;
  const waiters = new Map<string, Array<(socket: Socket) => void>>();
  const resumes: LoopbackServer['resumes'] = [];
  const tokens: LoopbackServer['tokens'] = [];

  const http = createServer((req, res) => {
    if (req.url?.startsWith(`${path}/`)) return;
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => void httpHandler(req, body, res));
  });
  const io = new Server(http, { serveClient: false, pingInterval: 1000, pingTimeout: 1000, path });
  for (const name of namespaces) {
    const nsp = io.of(name);
    nsp.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown }).token;
      tokens.push({ namespace: name, token });
      if (accepted && !(typeof token === 'string' && accepted.has(token))) {
        const error = new Error('The token could not be verified.') as Error & { data?: unknown };
        error.data = { code: 'unauthorized', message: 'The token could not be verified.' };
        next(error);
        return;
      }
      next();
    });
    nsp.on('connection', (socket) => {
      socket.on('resume', async (after: number, ack: (answer: ResumeAnswer) => void) => {
        resumes.push({ namespace: name, after });
        ack(await resumeHandler(after, socket));
      });
      const list = waiters.get(name) ?? [];
      waiters.set(name, []);
      for (const resolve of list) resolve(socket);
    });
  }

  const sockets = new Set<import('node:net').Socket>();
  http.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    http,
    io,
    resumes,
    tokens,
    onResume(handler) {
      resumeHandler = handler;
    },
    onHttp(handler) {
      httpHandler = handler;
    },
    acceptTokens(list) {
      accepted = list ? new Set(list) : undefined;
    },
    sockets(namespace) {
      return [...io.of(namespace).sockets.values()];
    },
    nextSocket(namespace) {
      return new Promise((resolve) => {
        const list = waiters.get(namespace) ?? [];
        list.push(resolve);
        waiters.set(namespace, list);
      });
    },
    async close() {
      io.disconnectSockets(true);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
    async kill() {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    async revive() {
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, '127.0.0.1', () => resolve());
      });
    },
  };
}

/** Answers with JSON. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

const AT = '2026-01-01T00:00:00.000Z';

/** A full Message with sensible defaults. */
export function makeMessage(overrides: Partial<Message> & { id: string }): Message {
  return {
    workspaceId: 'ws_1',
    caseId: 'c_1',
    conversationId: 'cv_1',
    customerId: 'cu_1',
    channelId: 'ch_web',
    channelKind: 'webchat',
    direction: 'inbound',
    authorKind: 'customer',
    authorId: null,
    authorName: 'Visitor',
    internal: false,
    text: `text of ${overrides.id}`,
    attachments: [],
    providerMessageId: null,
    clientMessageId: null,
    status: 'delivered',
    createdAt: AT,
    ...overrides,
  };
}

/** A full Case with sensible defaults. */
export function makeCase(overrides: Partial<Case> = {}): Case {
  return {
    id: 'c_1',
    workspaceId: 'ws_1',
    number: 1,
    subject: 'Help',
    status: 'open',
    priority: 'normal',
    customerId: 'cu_1',
    assigneeId: null,
    team: null,
    skills: [],
    tags: [],
    channels: ['webchat'],
    preview: '',
    messageCount: 1,
    createdAt: AT,
    updatedAt: AT,
    lastActivityAt: AT,
    solvedAt: null,
    version: 1,
    ...overrides,
  };
}

/** A message.created event at `seq`. */
export function messageEvent(seq: number, message: Partial<Message> = {}, kase?: Case): CaseEvent {
  const m = makeMessage({ id: `m_${seq}`, createdAt: new Date(Date.parse(AT) + seq * 1000).toISOString(), ...message });
  return {
    seq,
    workspaceId: 'ws_1',
    at: m.createdAt,
    actorId: null,
    caseId: m.caseId,
    customerId: m.customerId,
    type: 'message.created',
    data: kase ? { message: m, case: kase } : { message: m },
  };
}

/** An agent.presence event at `seq`. */
export function presenceEvent(seq: number): CaseEvent {
  return {
    seq,
    workspaceId: 'ws_1',
    at: AT,
    actorId: 'a_1',
    caseId: null,
    customerId: null,
    type: 'agent.presence',
    data: { agentId: 'a_1', presence: seq % 2 ? 'online' : 'away' },
  };
}

/** Resolves when `predicate` holds, polling; fails after `ms`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > until) throw new Error(`Timed out after ${ms} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Resolves once `client` has handled everything the server sent on its socket so far: socket.io
 * keeps order on a connection, so a typing push sent now is handled after all of it.
 */
export function drained(sockets: Socket | Socket[], client: { once(event: 'typing', listener: () => void): unknown }): Promise<void> {
  const handled = new Promise<void>((resolve) => client.once('typing', () => resolve()));
  for (const socket of [sockets].flat()) socket.emit('typing', { typing: false });
  return handled;
}

/** A TCP proxy in front of a server on loopback that can stop reading the server's side. */
export interface StallingProxy {
  url: string;
  /** Stops reading from the server on the connections open now, as a stalled network would; later ones flow. */
  stall(): void;
  /** Reads again, passing on what waited. */
  flow(): void;
  close(): Promise<void>;
}

export async function startStallingProxy(targetPort: number): Promise<StallingProxy> {
  const pairs = new Set<{ client: NetSocket; upstream: NetSocket }>();
  const proxy = createNetServer((client) => {
    const upstream = connectNet(targetPort, '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    upstream.on('end', () => client.end());
    const cut = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const side of [client, upstream]) side.on('error', cut).on('close', cut);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    stall() {
      for (const { upstream } of pairs) upstream.pause();
    },
    flow() {
      for (const { upstream } of pairs) upstream.resume();
    },
    close() {
      for (const { client, upstream } of pairs) (client.destroy(), upstream.destroy());
      return new Promise((resolve) => proxy.close(() => resolve()));
    },
  };
}
