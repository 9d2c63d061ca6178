import { authenticateAgent, readReplayPage, RESUME_PAGE_SIZE, type Auth } from '@casekit/api';
import { isVisibleToAgent, visitorView, type Store } from '@casekit/core';
import { AGENT_NAMESPACE, CasekitError, TypingPayload, VISITOR_NAMESPACE, type CaseEvent } from '@casekit/protocol';
import { ws, type WebSocketHandler } from 'msw';
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';

/** Engine.IO heartbeat: the mock pings as a server would, so clients never time out. */
const PING_INTERVAL_MS = 25_000;
const PING_TIMEOUT_MS = 20_000;

type Principal = { kind: 'agent'; agentId: string; name: string } | { kind: 'visitor'; customerIds: Set<string> };

interface Connection {
  /** Sends one socket.io packet on the namespace. */
  send(packet: Omit<Packet, 'nsp'>): void;
  principal: Principal;
  nsp: string;
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
 * the server's namespaces, handshake tokens, `resume(after)` replay and typing relays. Who sees
 * what comes from `@casekit/core` (`isVisibleToAgent`, `visitorView`), as on the server.
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
        // Visitors of the merged-away profile go on receiving under the surviving one.
        for (const c of connections) if (c.principal.kind === 'visitor' && c.principal.customerIds.has(event.data.sourceId)) c.principal.customerIds.add(event.data.targetId);
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
  });

  async function authenticate(nsp: string, token: string): Promise<Principal> {
    if (nsp === AGENT_NAMESPACE) {
      const agent = await authenticateAgent(store, auth, workspaceId, token);
      return { kind: 'agent', agentId: agent.id, name: agent.name };
    }
    if (nsp === VISITOR_NAMESPACE) {
      const claims = await auth.verifyVisitorToken(token);
      if (claims.workspaceId !== workspaceId) throw new CasekitError('unauthorized', 'This visitor token belongs to another workspace.');
      const customer = await store.getCustomer(workspaceId, claims.customerId);
      if (!customer) throw new CasekitError('unauthorized', 'This visitor session is no longer valid; start a new one.');
      return { kind: 'visitor', customerIds: new Set([claims.customerId, customer.id]) };
    }
    throw new CasekitError('not_found', `No realtime namespace "${nsp}"; use ${AGENT_NAMESPACE} or ${VISITOR_NAMESPACE}.`);
  }

  async function replay(principal: Principal, after: unknown) {
    if (typeof after !== 'number' || !Number.isInteger(after) || after < -1) {
      throw new CasekitError('validation_failed', 'resume(after): after must be an integer seq, or -1 to start from now.');
    }
    if (principal.kind === 'agent') return readReplayPage(store, workspaceId, RESUME_PAGE_SIZE, after, { agentId: principal.agentId });
    // A merge may have moved this visitor to another profile: replay the surviving one's.
    const customer = await store.getCustomer(workspaceId, [...principal.customerIds][0]!);
    if (customer) principal.customerIds.add(customer.id);
    return readReplayPage(store, workspaceId, RESUME_PAGE_SIZE, after, { customerId: customer?.id ?? '' });
  }

  async function relayTyping(from: Connection, payload: unknown): Promise<void> {
    if (from.principal.kind === 'agent') {
      const parsed = TypingPayload.safeParse(payload);
      if (!parsed.success) return;
      const kase = await store.getCase(workspaceId, parsed.data.caseId);
      if (!kase) return;
      const name = from.principal.name;
      for (const c of connections) {
        if (c.principal.kind === 'visitor' && c.principal.customerIds.has(kase.customerId)) c.send({ type: PacketType.EVENT, data: ['typing', { typing: parsed.data.typing, by: 'agent', name }] });
      }
      return;
    }
    const typing = payload && typeof payload === 'object' ? (payload as Record<string, unknown>).typing : undefined;
    if (typeof typing !== 'boolean') return;
    const customerId = [...from.principal.customerIds].at(-1)!;
    const kase = await store.findActiveCase(workspaceId, customerId);
    if (!kase) return;
    for (const c of connections) {
      if (c.principal.kind === 'agent') c.send({ type: PacketType.EVENT, data: ['typing', { caseId: kase.id, typing, by: 'customer', customerId: kase.customerId }] });
    }
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
    const write = (packet: Packet) => {
      // Text packets travel as engine.io messages ("4…"), attachments as binary frames.
      for (const part of encoder.encode(packet)) client.send(typeof part === 'string' ? `4${part}` : (part as Uint8Array<ArrayBuffer>));
    };
    const sid = crypto.randomUUID();
    client.send(`0${JSON.stringify({ sid, upgrades: [], pingInterval: PING_INTERVAL_MS, pingTimeout: PING_TIMEOUT_MS, maxPayload: 1_000_000 })}`);
    const heartbeat = setInterval(() => client.send('2'), PING_INTERVAL_MS);
    const close = () => {
      clearInterval(heartbeat);
      for (const c of mine.values()) connections.delete(c);
      mine.clear();
    };
    client.addEventListener('close', close);

    decoder.on('decoded', (packet: Packet) => {
      const nsp = packet.nsp;
      if (packet.type === PacketType.CONNECT) {
        const token = packet.data && typeof packet.data === 'object' ? String((packet.data as Record<string, unknown>).token ?? '') : '';
        authenticate(nsp, token).then(
          (principal) => {
            const connection: Connection = { nsp, principal, send: (p) => write({ ...p, nsp }) };
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
      if (packet.type === PacketType.DISCONNECT) {
        connections.delete(connection);
        mine.delete(nsp);
        return;
      }
      if (packet.type !== PacketType.EVENT && packet.type !== PacketType.BINARY_EVENT) return;
      const [name, ...args] = (packet.data ?? []) as [string, ...unknown[]];
      if (name === 'resume' && packet.id !== undefined) {
        replay(connection.principal, args[0]).then(
          (value) => write({ type: PacketType.ACK, nsp, id: packet.id, data: [{ ok: true, value }] }),
          (error: unknown) => write({ type: PacketType.ACK, nsp, id: packet.id, data: [{ ok: false, error: errorData(error) }] }),
        );
      } else if (name === 'typing') {
        void relayTyping(connection, args[0]);
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
