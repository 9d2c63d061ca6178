import {
  agentTyping,
  authenticateAgent,
  authenticateVisitor,
  parseResumeAfter,
  readReplayPage,
  resolveVisitor,
  RESUME_PAGE_SIZE,
  typingGate,
  visitorTyping,
  type Auth,
  type VisitorContext,
} from '@casekit/api';
import { isVisibleToAgent, sessionFollowsMerge, visitorView, type Store } from '@casekit/core';
import { AGENT_NAMESPACE, CasekitError, VISITOR_NAMESPACE, type CaseEvent } from '@casekit/protocol';
import { ws, type WebSocketHandler } from 'msw';
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';

/** Engine.IO heartbeat: the mock pings as a server would, so clients never time out. */
const PING_INTERVAL_MS = 25_000;
const PING_TIMEOUT_MS = 20_000;

type Principal =
  /** `token`: the handshake's, checked again whenever the agent changes. */
  | { kind: 'agent'; agentId: string; name: string; token: string }
  /** `customerIds`: the profiles whose pushes the session receives (its own, and one it followed into a merge). */
  | { kind: 'visitor'; session: VisitorContext; customerId: string; customerIds: Set<string> };

interface Connection {
  /** Sends one socket.io packet on the namespace. */
  send(packet: Omit<Packet, 'nsp'>): void;
  /** Ends the namespace connection from the server's side. */
  end(): void;
  principal: Principal;
  /** Lets a typing signal through when it changed or enough time passed, as the server does. */
  typingGate: (key: string, typing: boolean) => boolean;
}

interface GatewayDeps {
  store: Store;
  auth: Auth;
  workspaceId: string;
  /** Committed events, as the engine publishes them. */
  subscribe(listener: (events: readonly CaseEvent[]) => void): () => void;
}

function errorData(error: unknown) {
  const known = error instanceof CasekitError ? error : new CasekitError('unauthorized', 'The token could not be verified.');
  return known.toBody().error;
}

/**
 * The realtime gateway of the mocks: socket.io's protocol over msw's WebSocket interception, with
 * the server's namespaces, handshake tokens, `resume(after)` replay and typing relays. What it
 * decides comes from `@casekit/api` and `@casekit/core`, as on the server; only the bytes differ.
 */
export function createRealtimeHandler(url: string, deps: GatewayDeps): WebSocketHandler {
  const { store, auth, workspaceId } = deps;
  const connections = new Set<Connection>();

  // Each commit's events go out as one `events` push per socket, in seq order, as the server's
  // publisher sends them (it also gathers commits close together; here each commit is a push).
  deps.subscribe((events) => {
    const pushes = new Map<Connection, CaseEvent[]>();
    const add = (c: Connection, event: CaseEvent) => (pushes.get(c) ?? pushes.set(c, []).get(c)!).push(event);
    for (const event of events) {
      if (event.type === 'customer.merged') {
        for (const c of connections) {
          const { principal } = c;
          if (principal.kind !== 'visitor' || !principal.customerIds.has(event.data.sourceId)) continue;
          if (sessionFollowsMerge(principal.session)) principal.customerIds.add(event.data.targetId);
          else c.end();
        }
      }
      const view = visitorView(event);
      for (const c of connections) {
        const { principal } = c;
        if (principal.kind === 'agent') {
          if (isVisibleToAgent(event, principal.agentId)) add(c, event);
        } else if (view && event.customerId && principal.customerIds.has(event.customerId)) {
          add(c, view);
        }
      }
    }
    for (const [c, batch] of pushes) c.send({ type: PacketType.EVENT, data: ['events', batch] });
    // As the server's session guard: a changed agent's sockets end once their token no longer holds.
    const changed = new Set(events.flatMap((event) => (event.type === 'agent.updated' ? [event.data.agent.id] : [])));
    for (const c of connections) {
      const { principal } = c;
      if (principal.kind !== 'agent' || !changed.has(principal.agentId)) continue;
      authenticateAgent(store, auth, workspaceId, principal.token).catch(() => c.end());
    }
  });

  async function authenticate(nsp: string, token: string): Promise<Principal> {
    if (nsp === AGENT_NAMESPACE) {
      const agent = await authenticateAgent(store, auth, workspaceId, token);
      return { kind: 'agent', agentId: agent.id, name: agent.name, token };
    }
    if (nsp === VISITOR_NAMESPACE) {
      const session = await authenticateVisitor(store, auth, workspaceId, token);
      return { kind: 'visitor', session, customerId: session.customer.id, customerIds: new Set([session.customerId, session.customer.id]) };
    }
    throw new CasekitError('not_found', `No realtime namespace "${nsp}"; use ${AGENT_NAMESPACE} or ${VISITOR_NAMESPACE}.`);
  }

  async function replay(connection: Connection, after: unknown) {
    const from = parseResumeAfter(after);
    const { principal } = connection;
    if (principal.kind === 'agent') return readReplayPage(store, workspaceId, RESUME_PAGE_SIZE, from, { agentId: principal.agentId });
    // A merge may have moved this visitor: a session that may follow it does; one that may not has ended.
    const customer = await resolveVisitor(store, principal.session).catch((error: unknown) => {
      connection.end();
      throw error;
    });
    principal.customerId = customer.id;
    principal.customerIds.add(customer.id);
    return readReplayPage(store, workspaceId, RESUME_PAGE_SIZE, from, { customerId: customer.id });
  }

  async function relayTyping(from: Connection, payload: unknown): Promise<void> {
    const { principal } = from;
    if (principal.kind === 'agent') {
      const relay = await agentTyping(store, workspaceId, payload, principal.name);
      if (!relay) return;
      for (const c of connections) {
        if (c.principal.kind === 'visitor' && c.principal.customerIds.has(relay.customerId)) c.send({ type: PacketType.EVENT, data: ['typing', relay.push] });
      }
      return;
    }
    const relay = await visitorTyping(store, workspaceId, principal.customerId, payload);
    if (!relay) return;
    for (const c of connections) if (c.principal.kind === 'agent') c.send({ type: PacketType.EVENT, data: ['typing', relay] });
  }

  const link = ws.link(url);
  return link.addEventListener('connection', ({ client, server }) => {
    if (!client.url.pathname.startsWith('/socket.io/')) {
      // Not the gateway (a dev server's own socket, say): connect it to where it was going.
      server.connect();
      return;
    }
    const encoder = new Encoder();
    const decoder = new Decoder();
    const mine = new Map<string, Connection>();
    let closed = false;
    const write = (packet: Packet) => {
      if (closed) return;
      // Text packets travel as engine.io messages ("4…"), attachments as binary frames.
      for (const part of encoder.encode(packet)) client.send(typeof part === 'string' ? `4${part}` : (part as Uint8Array<ArrayBuffer>));
    };
    const drop = (nsp: string) => {
      const connection = mine.get(nsp);
      if (connection) connections.delete(connection);
      mine.delete(nsp);
    };
    const sid = crypto.randomUUID();
    client.send(`0${JSON.stringify({ sid, upgrades: [], pingInterval: PING_INTERVAL_MS, pingTimeout: PING_TIMEOUT_MS, maxPayload: 1_000_000 })}`);
    const heartbeat = setInterval(() => !closed && client.send('2'), PING_INTERVAL_MS);
    client.addEventListener('close', () => {
      closed = true;
      clearInterval(heartbeat);
      for (const nsp of [...mine.keys()]) drop(nsp);
    });

    decoder.on('decoded', (packet: Packet) => {
      const nsp = packet.nsp;
      if (packet.type === PacketType.CONNECT) {
        drop(nsp);
        const token = packet.data && typeof packet.data === 'object' ? String((packet.data as Record<string, unknown>).token ?? '') : '';
        authenticate(nsp, token).then(
          (principal) => {
            // The page may have gone, or asked again, while the token was checked.
            if (closed || mine.has(nsp)) return;
            const connection: Connection = {
              principal,
              typingGate: typingGate(),
              send: (p) => write({ ...p, nsp }),
              end: () => {
                drop(nsp);
                write({ type: PacketType.DISCONNECT, nsp });
              },
            };
            mine.set(nsp, connection);
            connections.add(connection);
            write({ type: PacketType.CONNECT, nsp, data: { sid: `${sid}${nsp}` } });
          },
          (error: unknown) => write({ type: PacketType.CONNECT_ERROR, nsp, data: { message: errorData(error).message, data: errorData(error) } }),
        );
        return;
      }
      const connection = mine.get(nsp);
      if (!connection) return;
      if (packet.type === PacketType.DISCONNECT) return drop(nsp);
      if (packet.type !== PacketType.EVENT && packet.type !== PacketType.BINARY_EVENT) return;
      const [name, ...args] = (packet.data ?? []) as [string, ...unknown[]];
      if (name === 'resume' && packet.id !== undefined) {
        replay(connection, args[0]).then(
          (value) => write({ type: PacketType.ACK, nsp, id: packet.id, data: [{ ok: true, value }] }),
          (error: unknown) => write({ type: PacketType.ACK, nsp, id: packet.id, data: [{ ok: false, error: errorData(error) }] }),
        );
      } else if (name === 'typing') {
        const typing = args[0] && typeof args[0] === 'object' ? (args[0] as Record<string, unknown>) : {};
        if (connection.typingGate(String(typing.caseId ?? ''), typing.typing === true)) void relayTyping(connection, args[0]).catch(() => undefined);
      }
    });

    client.addEventListener('message', (event) => {
      const data = event.data;
      if (typeof data !== 'string') {
        decoder.add(data);
        return;
      }
      if (data === '3') return; // pong
      if (data === '2') return void client.send('3');
      if (data === '1') return void client.close();
      if (data.startsWith('4')) decoder.add(data.slice(1));
    });
  });
}
