import type { Store } from '@casekit/core';
import type { Presence } from '@casekit/protocol';
import type { Server } from 'socket.io';
import type { Logger } from '../types.ts';
import { errorText } from '../types.ts';
import { agentRoom } from './rooms.ts';
import type { AgentNamespace, AgentSocket } from './types.ts';

/** Where presence that follows connections is written, and how long a reload may take. */
export interface PresenceFromConnections {
  setPresence(workspaceId: string, agentId: string, presence: Presence): Promise<unknown>;
  /** How long after an agent's last socket closed they become offline (default 15 s). */
  graceMs?: number;
}

/**
 * Presence that follows an agent's connections: online on connection (unless away, or offline by
 * the agent's own choice), offline once the last one has been gone for the grace period. Returns
 * what to call on each agent connection.
 */
export function followPresence(
  io: Server,
  agents: AgentNamespace,
  { store, workspaceId, logger, presence }: { store: Store; workspaceId: string; logger: Logger; presence: PresenceFromConnections },
): (socket: AgentSocket) => void {
  const leaving = new Map<string, ReturnType<typeof setTimeout>>();
  /** Connections seen per agent on this node: a timer that finds the count moved stands down. */
  const connects = new Map<string, number>();
  function setPresence(agentId: string, value: Presence): Promise<void> {
    return presence.setPresence(workspaceId, agentId, value).then(
      () => undefined,
      (error: unknown) => logger.warn('presence update failed', { agentId, presence: value, error: errorText(error) }),
    );
  }
  // A closing server leaves presence to whichever node the agents reconnect to.
  const close = io.close.bind(io);
  io.close = (fn) => {
    for (const timer of leaving.values()) clearTimeout(timer);
    leaving.clear();
    return close(fn);
  };

  return (socket) => {
    const { agent } = socket.data;
    if (agent.kind !== 'human') return;
    clearTimeout(leaving.get(agent.id));
    leaving.delete(agent.id);
    const seen = (connects.get(agent.id) ?? 0) + 1;
    connects.set(agent.id, seen);
    // Read now, not at the handshake: a grace timer may have written offline in between.
    void store
      .getAgent(workspaceId, agent.id)
      .then((fresh) => (fresh && fresh.active !== false && fresh.presence !== 'away' && !(fresh.presence === 'offline' && fresh.presenceChosen) ? setPresence(agent.id, 'online') : undefined))
      .catch((error: unknown) => logger.warn('presence read failed', { agentId: agent.id, error: errorText(error) }));
    socket.on('disconnect', () => {
      clearTimeout(leaving.get(agent.id));
      const atDisconnect = connects.get(agent.id);
      const timer = setTimeout(async () => {
        leaving.delete(agent.id);
        try {
          // Across every node: with the Redis adapter, a socket on another server counts too.
          const remaining = await agents.in(agentRoom(workspaceId, agent.id)).fetchSockets();
          if (remaining.length === 0 && connects.get(agent.id) === atDisconnect) await setPresence(agent.id, 'offline');
        } catch (error) {
          logger.warn('presence check failed', { agentId: agent.id, error: errorText(error) });
        }
      }, presence.graceMs ?? 15_000);
      timer.unref();
      leaving.set(agent.id, timer);
    });
  };
}
