import type { Server as HttpServer } from 'node:http';
import { isVisibleToAgent, privateToAgent, visitorView, type AgentRecord, type Publisher } from '@casekit/core';
import {
  AGENT_NAMESPACE,
  CasekitError,
  TypingPayload,
  VISITOR_NAMESPACE,
  type AgentClientEvents,
  type AgentServerEvents,
  type CaseEvent,
  type Presence,
  type ResumeResult,
  type VisitorClientEvents,
  type VisitorServerEvents,
} from '@casekit/protocol';
import { Server, type Namespace, type ServerOptions, type Socket } from 'socket.io';
import { z } from 'zod';
import { authenticateAgent } from './provision.ts';
import { defaultLogger, errorText, type CasekitDeps } from './types.ts';

/** Room of every agent of a workspace. */
export function agentsRoom(workspaceId: string): string {
  return `ws:${workspaceId}:agents`;
}
/** Room of one agent's sockets (every tab and device). */
export function agentRoom(workspaceId: string, agentId: string): string {
  return `ws:${workspaceId}:agent:${agentId}`;
}
/** Room of one customer's visitor sockets. */
export function customerRoom(workspaceId: string, customerId: string): string {
  return `ws:${workspaceId}:customer:${customerId}`;
}

/** Events replayed per `resume` call; `hasMore` says when to ask again. */
/** Fewer, larger pages: each round trip costs more than the bytes (10,000 events: 204 → 175 ms). */
export const RESUME_PAGE_SIZE = 2500;

export interface RealtimeOptions extends Omit<CasekitDeps, 'engine'> {
  /** Extra socket.io server options (CORS, path, adapter…). */
  socketOptions?: Partial<ServerOptions>;
  /** Events per `resume` answer (default `RESUME_PAGE_SIZE`). */
  resumePageSize?: number;
  /**
   * Presence that follows the agent's connections: an offline agent who connects becomes online,
   * and one whose last socket has been gone for `graceMs` (default 15 s, so a page reload does not
   * count) becomes offline. An agent who set themselves away stays away while connected.
   */
  presence?: { setPresence(workspaceId: string, agentId: string, presence: Presence): Promise<unknown>; graceMs?: number };
}

interface AgentData {
  agent: AgentRecord;
}
interface VisitorData {
  customerId: string;
  channelId: string;
}
type AgentSocket = Socket<AgentClientEvents, AgentServerEvents, Record<string, never>, AgentData>;
type VisitorSocket = Socket<VisitorClientEvents, VisitorServerEvents, Record<string, never>, VisitorData>;
type AgentNamespace = Namespace<AgentClientEvents, AgentServerEvents, Record<string, never>, AgentData>;
type VisitorNamespace = Namespace<VisitorClientEvents, VisitorServerEvents, Record<string, never>, VisitorData>;

/** A seq, or -1 for "from now": no replay, just the newest seq. */
const After = z.number().int().min(-1).max(Number.MAX_SAFE_INTEGER);
/** Typing signals closer together than this (with the same value) are dropped: each costs a read. */
const TYPING_INTERVAL_MS = 250;

/** A per-socket filter that lets a typing signal through when it changed or enough time passed. */
function typingGate(): (key: string, typing: boolean) => boolean {
  const last = new Map<string, { typing: boolean; at: number }>();
  return (key, typing) => {
    const now = Date.now();
    const previous = last.get(key);
    if (previous && previous.typing === typing && now - previous.at < TYPING_INTERVAL_MS) return false;
    if (last.size > 100) last.clear();
    last.set(key, { typing, at: now });
    return true;
  };
}

function handshakeToken(socket: Socket): string {
  const auth: unknown = socket.handshake.auth;
  const token = auth && typeof auth === 'object' ? (auth as Record<string, unknown>).token : undefined;
  return typeof token === 'string' ? token : '';
}

function connectError(error: unknown): Error {
  const known = error instanceof CasekitError ? error : new CasekitError('unauthorized', 'The token could not be verified.');
  const failure = new Error(known.message) as Error & { data?: unknown };
  failure.data = known.toBody().error;
  return failure;
}

function ackError(error: unknown) {
  const known = error instanceof CasekitError ? error : new CasekitError('internal', 'Replay failed; try again.');
  return { ok: false as const, ...known.toBody() };
}

/**
 * Routes committed events to sockets: all to the workspace's agents, public message events
 * (without case metadata) to the customer's visitor sockets.
 */
export function createSocketPublisher(io: Server): Publisher {
  const agents = io.of(AGENT_NAMESPACE);
  const visitors = io.of(VISITOR_NAMESPACE);
  return {
    publish(events) {
      for (const event of events) {
        const only = privateToAgent(event);
        agents.to(only ? agentRoom(event.workspaceId, only) : agentsRoom(event.workspaceId)).emit('event', event);
        if (event.type === 'customer.merged') {
          // Visitors of the merged-away profile keep receiving under the surviving one.
          visitors.in(customerRoom(event.workspaceId, event.data.sourceId)).socketsJoin(customerRoom(event.workspaceId, event.data.targetId));
        }
        const view = visitorView(event);
        if (view && event.customerId) visitors.to(customerRoom(event.workspaceId, event.customerId)).emit('event', view);
      }
    },
  };
}

/**
 * Attaches the socket.io gateway (`/agent`, `/visitor`) to an HTTP server: handshake tokens,
 * rooms by permission, `resume(after)` replay and typing relays.
 * @example const io = attachRealtime(httpServer, { store, auth, workspaceId: 'demo' })
 */
export function attachRealtime(httpServer: HttpServer, options: RealtimeOptions): Server {
  const { store, auth, workspaceId } = options;
  const logger = options.logger ?? defaultLogger;
  const pageSize = options.resumePageSize ?? RESUME_PAGE_SIZE;
  const io = new Server(httpServer, { serveClient: false, maxHttpBufferSize: 64 * 1024, ...options.socketOptions });

  /** One page of the log after `after`, filtered for who asks. */
  async function replay(after: number, visitor: VisitorData | null, agentId: string | null): Promise<ResumeResult> {
    const lastSeq = await store.lastSeq(workspaceId);
    if (after < 0) return { events: [], lastSeq, hasMore: false };
    const rows = await store.listEvents(workspaceId, {
      after,
      limit: pageSize + 1,
      ...(visitor && { customerId: visitor.customerId, publicOnly: true }),
    });
    const hasMore = rows.length > pageSize;
    const page = rows.slice(0, pageSize);
    const events = visitor
      ? page.flatMap((event) => {
          const view = event.customerId === visitor.customerId ? visitorView(event) : null;
          return view ? [view] : [];
        })
      : page.filter((event) => isVisibleToAgent(event, agentId!));
    return { events, lastSeq: hasMore ? (page.at(-1)?.seq ?? after) : Math.max(lastSeq, page.at(-1)?.seq ?? 0), hasMore };
  }

  function onResume(socket: Socket, visitor: () => VisitorData | null, agentId: string | null) {
    return async (after: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const parsed = After.safeParse(after);
      if (!parsed.success) {
        ack(ackError(new CasekitError('validation_failed', 'resume(after): after must be an integer seq, or -1 to start from now.')));
        return;
      }
      try {
        ack({ ok: true, value: await replay(parsed.data, visitor(), agentId) });
      } catch (error) {
        logger.error('resume failed', { socket: socket.id, error: errorText(error) });
        ack(ackError(error));
      }
    };
  }

  const agentNsp = io.of(AGENT_NAMESPACE) as unknown as AgentNamespace;
  agentNsp.use(async (socket: AgentSocket, next) => {
    try {
      socket.data.agent = await authenticateAgent(store, auth, workspaceId, handshakeToken(socket));
      next();
    } catch (error) {
      next(connectError(error));
    }
  });
  const leaving = new Map<string, ReturnType<typeof setTimeout>>();
  /** Connections seen per agent on this node: a timer that finds the count moved stands down. */
  const connects = new Map<string, number>();
  function setPresence(agentId: string, presence: Presence): Promise<void> {
    return (options.presence?.setPresence(workspaceId, agentId, presence) ?? Promise.resolve()).then(
      () => undefined,
      (error: unknown) => logger.warn('presence update failed', { agentId, presence, error: errorText(error) }),
    );
  }
  /** Online on connection (unless away), offline once the last one has been gone for the grace period. */
  function followPresence(socket: AgentSocket): void {
    const { agent } = socket.data;
    if (!options.presence || agent.kind !== 'human') return;
    clearTimeout(leaving.get(agent.id));
    leaving.delete(agent.id);
    const seen = (connects.get(agent.id) ?? 0) + 1;
    connects.set(agent.id, seen);
    // Read now, not at the handshake: a grace timer may have written offline in between.
    void store
      .getAgent(workspaceId, agent.id)
      .then((fresh) => (fresh && fresh.presence !== 'away' ? setPresence(agent.id, 'online') : undefined))
      .catch((error: unknown) => logger.warn('presence read failed', { agentId: agent.id, error: errorText(error) }));
    socket.on('disconnect', () => {
      clearTimeout(leaving.get(agent.id));
      const atDisconnect = connects.get(agent.id);
      const timer = setTimeout(async () => {
        leaving.delete(agent.id);
        try {
          // Across every node: with the Redis adapter, a socket on another server counts too.
          const remaining = await agentNsp.in(agentRoom(workspaceId, agent.id)).fetchSockets();
          if (remaining.length === 0 && connects.get(agent.id) === atDisconnect) await setPresence(agent.id, 'offline');
        } catch (error) {
          logger.warn('presence check failed', { agentId: agent.id, error: errorText(error) });
        }
      }, options.presence?.graceMs ?? 15_000);
      timer.unref();
      leaving.set(agent.id, timer);
    });
  }
  // A closing server leaves presence to whichever node the agents reconnect to.
  const close = io.close.bind(io);
  io.close = (fn) => {
    for (const timer of leaving.values()) clearTimeout(timer);
    leaving.clear();
    return close(fn);
  };

  agentNsp.on('connection', (socket: AgentSocket) => {
    const { agent } = socket.data;
    void socket.join(agentsRoom(workspaceId));
    void socket.join(agentRoom(workspaceId, agent.id));
    followPresence(socket);
    socket.on('resume', onResume(socket, () => null, agent.id));
    const agentGate = typingGate();
    socket.on('typing', async (payload: unknown) => {
      const parsed = TypingPayload.safeParse(payload);
      if (!parsed.success || !agentGate(parsed.data.caseId, parsed.data.typing)) return;
      try {
        const kase = await store.getCase(workspaceId, parsed.data.caseId);
        if (!kase) return;
        (io.of(VISITOR_NAMESPACE) as unknown as VisitorNamespace)
          .to(customerRoom(workspaceId, kase.customerId))
          .emit('typing', { typing: parsed.data.typing, by: 'agent', name: agent.name });
      } catch (error) {
        logger.warn('typing relay failed', { error: errorText(error) });
      }
    });
  });

  const visitorNsp = io.of(VISITOR_NAMESPACE) as unknown as VisitorNamespace;
  visitorNsp.use(async (socket: VisitorSocket, next) => {
    try {
      const claims = await auth.verifyVisitorToken(handshakeToken(socket));
      if (claims.workspaceId !== workspaceId) throw new CasekitError('unauthorized', 'This visitor token belongs to another workspace.');
      const customer = await store.getCustomer(workspaceId, claims.customerId);
      if (!customer) throw new CasekitError('unauthorized', 'This visitor session is no longer valid; start a new one.');
      socket.data.customerId = customer.id;
      socket.data.channelId = claims.channelId;
      next();
    } catch (error) {
      next(connectError(error));
    }
  });
  visitorNsp.on('connection', (socket: VisitorSocket) => {
    void socket.join(customerRoom(workspaceId, socket.data.customerId));
    socket.on('resume', onResume(socket, () => socket.data, null));
    const visitorGate = typingGate();
    // A merge may have moved this visitor to another profile; follow it before each replay.
    socket.use(async ([name], next) => {
      if (name === 'resume') {
        const customer = await store.getCustomer(workspaceId, socket.data.customerId).catch(() => null);
        if (customer && customer.id !== socket.data.customerId) {
          socket.data.customerId = customer.id;
          void socket.join(customerRoom(workspaceId, customer.id));
        }
      }
      next();
    });
    socket.on('typing', async (payload: unknown) => {
      const typing = payload && typeof payload === 'object' ? (payload as Record<string, unknown>).typing : undefined;
      if (typeof typing !== 'boolean' || !visitorGate('', typing)) return;
      try {
        const kase = await store.findActiveCase(workspaceId, socket.data.customerId);
        if (!kase) return;
        agentNsp.to(agentsRoom(workspaceId)).emit('typing', { caseId: kase.id, typing, by: 'customer', customerId: socket.data.customerId });
      } catch (error) {
        logger.warn('typing relay failed', { error: errorText(error) });
      }
    });
  });

  return io;
}
