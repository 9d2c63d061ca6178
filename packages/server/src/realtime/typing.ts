import { agentTyping, typingGate, visitorTyping } from '@casekit/api';
import type { Store } from '@casekit/core';
import { TypingPayload } from '@casekit/protocol/schemas';
import type { Logger } from '../types.ts';
import { errorText } from '../types.ts';
import { agentsRoom, customerRoom } from './rooms.ts';
import type { AgentNamespace, AgentSocket, VisitorNamespace, VisitorSocket } from './types.ts';

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
      const relay = await agentTyping(store, workspaceId, parsed.data, socket.data.agent.name);
      if (relay) visitors.to(customerRoom(workspaceId, relay.customerId)).emit('typing', relay.push);
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
      const relay = await visitorTyping(store, workspaceId, socket.data.customerId, payload);
      if (relay) agents.to(agentsRoom(workspaceId)).emit('typing', relay);
    } catch (error) {
      logger.warn('typing relay failed', { error: errorText(error) });
    }
  });
}
