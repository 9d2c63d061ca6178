import type { Server as HttpServer } from 'node:http';
import { AGENT_NAMESPACE, CasekitError, VISITOR_NAMESPACE } from '@casekit/protocol';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import { z } from 'zod';
import { authenticateAgent } from '../provision.ts';
import { defaultLogger, errorText, type CasekitDeps, type Logger } from '../types.ts';
import { limitBacklog, MAX_QUEUED_BYTES } from './backlog.ts';
import { followPresence, type PresenceFromConnections } from './presence.ts';
import { readReplayPage, RESUME_PAGE_SIZE, type Reader } from '@casekit/api';
import { agentRoom, agentsRoom, customerRoom } from './rooms.ts';
import { relayAgentTyping, relayVisitorTyping } from './typing.ts';
import type { AgentNamespace, AgentSocket, VisitorNamespace, VisitorSocket } from './types.ts';

export interface RealtimeOptions extends Omit<CasekitDeps, 'engine'> {
  /** Extra socket.io server options (CORS, path, adapter…). */
  socketOptions?: Partial<ServerOptions>;
  /** Events per `resume` answer (default `RESUME_PAGE_SIZE`). */
  resumePageSize?: number;
  /**
   * What this process may hold back for one socket, in bytes, while a write to it has not gone
   * out (default 1 MB). A client that stops reading is disconnected past it, and resumes by seq
   * when it reads again, instead of growing the server's memory.
   */
  maxQueuedBytes?: number;
  /**
   * Presence that follows the agent's connections: an offline agent who connects becomes online,
   * and one whose last socket has been gone for `graceMs` (default 15 s, so a page reload does not
   * count) becomes offline. An agent who set themselves away stays away while connected.
   */
  presence?: PresenceFromConnections;
}

/** A seq, or -1 for "from now": no replay, just the newest seq. */
const After = z.number().int().min(-1).max(Number.MAX_SAFE_INTEGER);

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

/** Drops a socket past `limit` queued bytes, saying so in the log. */
function limitSocket(socket: Socket, limit: number, logger: Logger): void {
  limitBacklog(socket, limit, (heldBytes) =>
    logger.warn('dropped a realtime socket that stopped reading; it resumes by seq when it reconnects', {
      socket: socket.id,
      namespace: socket.nsp.name,
      heldBytes,
      maxQueuedBytes: limit,
    }),
  );
}

/**
 * Attaches the socket.io gateway (`/agent`, `/visitor`) to an HTTP server: handshake tokens,
 * rooms by permission, `resume(after)` replay, typing relays and a bound on what a socket that
 * does not read may make the server hold.
 * @example const io = attachRealtime(httpServer, { store, auth, workspaceId: 'demo' })
 */
export function attachRealtime(httpServer: HttpServer, options: RealtimeOptions): Server {
  const { store, auth, workspaceId } = options;
  const logger = options.logger ?? defaultLogger;
  const pageSize = options.resumePageSize ?? RESUME_PAGE_SIZE;
  const maxQueuedBytes = options.maxQueuedBytes ?? MAX_QUEUED_BYTES;
  const io = new Server(httpServer, { serveClient: false, maxHttpBufferSize: 64 * 1024, ...options.socketOptions });
  const agents = io.of(AGENT_NAMESPACE) as unknown as AgentNamespace;
  const visitors = io.of(VISITOR_NAMESPACE) as unknown as VisitorNamespace;
  const typingDeps = { store, workspaceId, logger, agents, visitors };

  function onResume(socket: Socket, reader: () => Reader) {
    return async (after: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const parsed = After.safeParse(after);
      if (!parsed.success) {
        ack(ackError(new CasekitError('validation_failed', 'resume(after): after must be an integer seq, or -1 to start from now.')));
        return;
      }
      try {
        ack({ ok: true, value: await readReplayPage(store, workspaceId, pageSize, parsed.data, reader()) });
      } catch (error) {
        logger.error('resume failed', { socket: socket.id, error: errorText(error) });
        ack(ackError(error));
      }
    };
  }

  agents.use(async (socket: AgentSocket, next) => {
    try {
      socket.data.agent = await authenticateAgent(store, auth, workspaceId, handshakeToken(socket));
      next();
    } catch (error) {
      next(connectError(error));
    }
  });
  const presence = options.presence && followPresence(io, agents, { store, workspaceId, logger, presence: options.presence });
  agents.on('connection', (socket: AgentSocket) => {
    const { agent } = socket.data;
    limitSocket(socket, maxQueuedBytes, logger);
    void socket.join(agentsRoom(workspaceId));
    void socket.join(agentRoom(workspaceId, agent.id));
    presence?.(socket);
    socket.on('resume', onResume(socket, () => ({ agentId: agent.id })));
    relayAgentTyping(socket, typingDeps);
  });

  visitors.use(async (socket: VisitorSocket, next) => {
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
  visitors.on('connection', (socket: VisitorSocket) => {
    limitSocket(socket, maxQueuedBytes, logger);
    void socket.join(customerRoom(workspaceId, socket.data.customerId));
    socket.on('resume', onResume(socket, () => ({ customerId: socket.data.customerId })));
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
    relayVisitorTyping(socket, typingDeps);
  });

  return io;
}
