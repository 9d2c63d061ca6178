import type { Store } from '@casekit/core';
import { TypingPayload } from '@casekit/protocol';
import type { Logger } from '../types.ts';
import { errorText } from '../types.ts';
import { agentsRoom, customerRoom } from './rooms.ts';
import type { AgentNamespace, AgentSocket, VisitorNamespace, VisitorSocket } from './types.ts';

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

interface TypingDeps {
  store: Store;
  workspaceId: string;
  logger: Logger;
  agents: AgentNamespace;
  visitors: VisitorNamespace;
}

/** Relays an agent's typing to the visitors of the case's customer; typing is not an event. */
export function relayAgentTyping(socket: AgentSocket, { store, workspaceId, logger, visitors }: TypingDeps): void {
  const gate = typingGate();
  socket.on('typing', async (payload: unknown) => {
    const parsed = TypingPayload.safeParse(payload);
    if (!parsed.success || !gate(parsed.data.caseId, parsed.data.typing)) return;
    try {
      const kase = await store.getCase(workspaceId, parsed.data.caseId);
      if (!kase) return;
      visitors.to(customerRoom(workspaceId, kase.customerId)).emit('typing', { typing: parsed.data.typing, by: 'agent', name: socket.data.agent.name });
    } catch (error) {
      logger.warn('typing relay failed', { error: errorText(error) });
    }
  });
}

/** Relays a visitor's typing to the workspace's agents, with the case it is about. */
export function relayVisitorTyping(socket: VisitorSocket, { store, workspaceId, logger, agents }: TypingDeps): void {
  const gate = typingGate();
  socket.on('typing', async (payload: unknown) => {
    const typing = payload && typeof payload === 'object' ? (payload as Record<string, unknown>).typing : undefined;
    if (typeof typing !== 'boolean' || !gate('', typing)) return;
    try {
      const kase = await store.findActiveCase(workspaceId, socket.data.customerId);
      if (!kase) return;
      agents.to(agentsRoom(workspaceId)).emit('typing', { caseId: kase.id, typing, by: 'customer', customerId: socket.data.customerId });
    } catch (error) {
      logger.warn('typing relay failed', { error: errorText(error) });
    }
  });
}
