// Test support: the visitor half of the casekit API on loopback, small enough to steer from a test
// (drop an answer, refuse a send), faithful where the client depends on it: sessions with resume
// tokens, dedup on clientMessageId, the event log and `resume`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CaseEvent, Message } from '@casekit/protocol';
import { logResume, makeMessage, sendJson, startLoopbackServer } from './loopback.ts';
import type { LoopbackServer } from './loopback.ts';

/** How the next visitorSend is handled. */
type SendMode =
  | 'ok'
  /** Store the message, then cut the connection before answering (the answer is lost). */
  | 'store-then-drop'
  /** Refuse with this status and error code. */
  | { status: number; code: string; message: string };

export interface VisitorBackend {
  server: LoopbackServer;
  url: string;
  channelId: string;
  /** Messages stored, oldest first. */
  messages: Message[];
  events: CaseEvent[];
  /** Every visitorSend that reached the server, with its clientMessageId. */
  sendAttempts: string[];
  sessionsStarted: Array<{ resumeToken?: string; userId?: string }>;
  /** Handling of the following sends, consumed one per request; 'ok' once empty. */
  sendModes: SendMode[];
  /** An agent replies: stored, logged and pushed to the customer's sockets. */
  agentReply(customerId: string, text: string): Message;
  /** Expires a session token: refused for requests and handshakes, still good as a resume token. */
  expire(token: string): void;
  /** Pushes an event to the customer's sockets without logging it. */
  push(customerId: string, event: CaseEvent): void;
  close(): Promise<void>;
}

export async function startVisitorBackend(channelId = 'ch_web'): Promise<VisitorBackend> {
  const server = await startLoopbackServer(['/visitor']);
  const messages: Message[] = [];
  const events: CaseEvent[] = [];
  const sendAttempts: string[] = [];
  const sessionsStarted: VisitorBackend['sessionsStarted'] = [];
  const sendModes: SendMode[] = [];
  /** token → customerId */
  const tokens = new Map<string, string>();
  const customersByUser = new Map<string, string>();
  const expired = new Set<string>();
  let ids = 0;
  let clock = Date.parse('2026-03-01T10:00:00.000Z');
  const now = () => new Date((clock += 1000)).toISOString();

  function append(message: Message): void {
    messages.push(message);
    const event: CaseEvent = {
      seq: events.length + 1,
      workspaceId: 'ws_1',
      at: message.createdAt,
      actorId: message.authorId,
      caseId: message.caseId,
      customerId: message.customerId,
      type: 'message.created',
      data: { message },
    };
    events.push(event);
    for (const socket of server.sockets('/visitor')) {
      if (socket.data.customerId === message.customerId) socket.emit('events', [event]);
    }
  }

  function customerOf(req: IncomingMessage): string | undefined {
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    return token && !expired.has(token) ? tokens.get(token) : undefined;
  }

  server.io.of('/visitor').use((socket, next) => {
    const token = (socket.handshake.auth as { token?: string }).token;
    const customerId = token && !expired.has(token) ? tokens.get(token) : undefined;
    if (!customerId) {
      const error = new Error('This visitor session is no longer valid; start a new one.') as Error & { data?: unknown };
      error.data = { code: 'unauthorized', message: error.message };
      next(error);
      return;
    }
    socket.data.customerId = customerId;
    next();
  });
  server.onResume((after, socket) => {
    const customerId = socket.data.customerId as string;
    return logResume(() => events.filter((e) => e.customerId === customerId))(after, socket);
  });

  server.onHttp(async (req, body, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/api/v1/visitor/sessions') {
      const input = JSON.parse(body) as { channelId: string; resumeToken?: string; userId?: string; name?: string };
      sessionsStarted.push({
        ...(input.resumeToken ? { resumeToken: input.resumeToken } : {}),
        ...(input.userId ? { userId: input.userId } : {}),
      });
      let customerId = input.resumeToken ? tokens.get(input.resumeToken) : undefined;
      if (input.resumeToken && !customerId) {
        return sendJson(res, 401, { error: { code: 'unauthorized', message: 'This resume token is not valid.' } });
      }
      if (input.userId) customerId = customersByUser.get(input.userId) ?? customerId;
      customerId ??= `cu_${++ids}`;
      if (input.userId) customersByUser.set(input.userId, customerId);
      const token = `vt_${++ids}`;
      tokens.set(token, customerId);
      return sendJson(res, 201, {
        token,
        customerId,
        channelId: input.channelId,
        identified: Boolean(input.userId),
        expiresAt: '2030-01-01T00:00:00.000Z',
      });
    }
    const customerId = customerOf(req);
    if (url.pathname.startsWith('/api/v1/visitor/') && !customerId) {
      return sendJson(res, 401, { error: { code: 'unauthorized', message: 'Sign in as a visitor first.' } });
    }
    if (req.method === 'POST' && url.pathname === '/api/v1/visitor/messages') {
      const input = JSON.parse(body) as { text: string; clientMessageId: string };
      sendAttempts.push(input.clientMessageId);
      const mode = sendModes.shift() ?? 'ok';
      if (typeof mode === 'object') {
        return sendJson(res, mode.status, { error: { code: mode.code, message: mode.message } });
      }
      const existing = messages.find((m) => m.customerId === customerId && m.clientMessageId === input.clientMessageId);
      const message =
        existing ??
        makeMessage({
          id: `m_${++ids}`,
          customerId: customerId!,
          text: input.text,
          clientMessageId: input.clientMessageId,
          status: 'delivered',
          createdAt: now(),
        });
      if (!existing) append(message);
      if (mode === 'store-then-drop') {
        res.socket?.destroy();
        return;
      }
      return sendJson(res, 201, message);
    }
    if (req.method === 'GET' && url.pathname === '/api/v1/visitor/messages') {
      const mine = messages.filter((m) => m.customerId === customerId && !m.internal);
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const items = mine.slice(start, start + limit);
      return sendJson(res, 200, { items, nextCursor: start + limit < mine.length ? String(start + limit) : null });
    }
    return sendJson(res, 404, { error: { code: 'not_found', message: `No route ${req.method} ${url.pathname}.` } });
  });

  return {
    server,
    url: server.url,
    channelId,
    messages,
    events,
    sendAttempts,
    sessionsStarted,
    sendModes,
    agentReply(customerId, text) {
      const message = makeMessage({
        id: `m_${++ids}`,
        customerId,
        text,
        direction: 'outbound',
        authorKind: 'agent',
        authorId: 'a_1',
        authorName: 'Ada',
        status: 'sent',
        createdAt: now(),
      });
      append(message);
      return message;
    },
    expire(token) {
      expired.add(token);
    },
    push(customerId, event) {
      for (const socket of server.sockets('/visitor')) {
        if (socket.data.customerId === customerId) socket.emit('events', [event]);
      }
    },
    close: () => server.close(),
  };
}
