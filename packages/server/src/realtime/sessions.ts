import type { Publisher, Store } from '@casekit/core';
import { authenticateAgent, type Auth } from '@casekit/api';
import { AGENT_NAMESPACE } from '@casekit/protocol';
import type { Server } from 'socket.io';
import { errorText, type Logger } from '../types.ts';
import { agentRoom } from './rooms.ts';
import type { AgentNamespace } from './types.ts';

/**
 * Ends the sockets whose token no longer signs their agent in: after a change to an agent
 * (deactivated, signed out, a new password), each of that agent's sockets, on every node, is
 * checked again the way its handshake was, and disconnected when refused. Its client then sees
 * the reason when it tries to come back.
 */
export function createSessionGuard(io: Server, deps: { store: Store; auth: Auth; workspaceId: string; logger: Logger }): Publisher {
  const agents = io.of(AGENT_NAMESPACE) as unknown as AgentNamespace;
  async function recheck(agentId: string): Promise<void> {
    const sockets = await agents.in(agentRoom(deps.workspaceId, agentId)).fetchSockets();
    await Promise.all(
      sockets.map((socket) =>
        authenticateAgent(deps.store, deps.auth, deps.workspaceId, socket.data.token).then(
          (agent) => void (socket.data.agent = agent),
          () => socket.disconnect(true),
        ),
      ),
    );
  }
  return {
    publish(events) {
      const changed = new Set(events.flatMap((event) => (event.type === 'agent.updated' && event.workspaceId === deps.workspaceId ? [event.data.agent.id] : [])));
      for (const agentId of changed) {
        recheck(agentId).catch((error: unknown) => deps.logger.warn('checking an agent’s sockets failed', { agentId, error: errorText(error) }));
      }
    },
  };
}
