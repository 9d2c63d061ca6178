import type { Server as HttpServer } from 'node:http';
import { AGENT_NAMESPACE, CasekitError, VISITOR_NAMESPACE } from '@casekit/protocol';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import { defaultLogger, errorText, type CasekitDeps, type Logger } from '../types.ts';
import { limitBacklog, MAX_QUEUED_BYTES } from './backlog.ts';
import { followPresence, type PresenceFromConnections } from './presence.ts';
import { authenticateAgent, authenticateVisitor, parseResumeAfter, readReplayPage, resolveVisitor, RESUME_PAGE_SIZE, type Reader } from '@casekit/api';
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
   * Presence that follows the agent's connections: an agent who connects becomes online (unless
   * they chose away or offline); one whose last socket has been gone for `awayAfterMs` (default
   * 15 s, so a page reload does not count) becomes away, and after `offlineAfterMs` (default
   * 5 minutes) offline.
   */
  presence?: PresenceFromConnections;
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
      let from: number;
      try {
        from = parseResumeAfter(after);
      } catch (error) {
        ack(ackError(error));
        return;
      }
      try {
        ack({ ok: true, value: await readReplayPage(store, workspaceId, pageSize, from, reader()) });
      } catch (error) {
        logger.error('resume failed', { socket: socket.id, error: errorText(error) });
        ack(ackError(error));
      }
    };
  }

  agents.use(async (socket: AgentSocket, next) => {
    try {
      const token = handshakeToken(socket);
      socket.data.agent = await authenticateAgent(store, auth, workspaceId, token);
      socket.data.token = token;
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
    // A sign-out, deactivation or new password committed after the handshake's check but before
    // the socket joined its agent's room was missed by the session guard: check once more.
    authenticateAgent(store, auth, workspaceId, socket.data.token).then(
      (current) => void (socket.data.agent = current),
      () => socket.disconnect(true),
    );
    presence?.(socket);
    socket.on('resume', onResume(socket, () => ({ agentId: agent.id })));
    relayAgentTyping(socket, typingDeps);
  });

  visitors.use(async (socket: VisitorSocket, next) => {
    try {
      const session = await authenticateVisitor(store, auth, workspaceId, handshakeToken(socket));
      socket.data.session = session;
      socket.data.customerId = session.customer.id;
      socket.data.channelId = session.channelId;
      next();
    } catch (error) {
      next(connectError(error));
    }
  });
  visitors.on('connection', (socket: VisitorSocket) => {
    limitSocket(socket, maxQueuedBytes, logger);
    void socket.join(customerRoom(workspaceId, socket.data.customerId));
    socket.on('resume', onResume(socket, () => ({ customerId: socket.data.customerId })));
    // A merge may have moved this visitor to another profile: a session that may follow it does
    // so before each replay; one that may not has ended (`sessionFollowsMerge`).
    socket.use(async ([name], next) => {
      if (name !== 'resume') return next();
      try {
        const customer = await resolveVisitor(store, socket.data.session);
        if (customer.id !== socket.data.customerId) {
          socket.data.customerId = customer.id;
          void socket.join(customerRoom(workspaceId, customer.id));
        }
        next();
      } catch {
        // Reconnecting, it is refused with the reason and starts a new session.
        socket.disconnect(true);
      }
    });
    relayVisitorTyping(socket, typingDeps);
  });

  return io;
}
