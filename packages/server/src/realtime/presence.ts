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
  /** How long after an agent's last socket closed an online agent becomes away: no new cases (default 15 s, so a reload does not count). */
  awayAfterMs?: number;
  /** How long after the last socket closed they become offline, and routing may give their cases to others (default 5 minutes). */
  offlineAfterMs?: number;
  /**
   * How often each node looks for agents shown present with no socket on any node, as when the
   * node they were connected to was killed, and starts their away and offline steps (default 60 s).
   */
  sweepMs?: number;
}

/** The defaults of `PresenceFromConnections`. */
const AWAY_AFTER_MS = 15_000;
const OFFLINE_AFTER_MS = 300_000;
const SWEEP_MS = 60_000;

/**
 * Presence that follows an agent's connections: online on connection (unless away or offline by
 * the agent's own choice); once the last one has been gone a while, away (routing gives them no
 * new cases), and later offline (routing may give their cases to others). Returns what to call
 * on each agent connection.
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
  const awayAfter = presence.awayAfterMs ?? AWAY_AFTER_MS;
  const offlineAfter = Math.max(awayAfter, presence.offlineAfterMs ?? OFFLINE_AFTER_MS);

  /** An agent's connections are gone from here: away after a while, offline later, unless one comes back. */
  function leave(agentId: string): void {
    clearTimeout(leaving.get(agentId));
    const atDisconnect = connects.get(agentId);
    /** Still gone everywhere? Across every node: with the Redis adapter, a socket on another server counts too. */
    const stillGone = async () => connects.get(agentId) === atDisconnect && (await agents.in(agentRoom(workspaceId, agentId)).fetchSockets()).length === 0;
    const later = (ms: number, step: () => Promise<void>) => {
      const timer = setTimeout(() => {
        leaving.delete(agentId);
        step().catch((error: unknown) => logger.warn('presence check failed', { agentId, error: errorText(error) }));
      }, ms);
      timer.unref();
      leaving.set(agentId, timer);
    };
    later(awayAfter, async () => {
      if (!(await stillGone())) return;
      const fresh = await store.getAgent(workspaceId, agentId);
      // Only an online agent steps away; a chosen away or offline stays as chosen.
      if (fresh?.presence === 'online') await setPresence(agentId, 'away');
      later(offlineAfter - awayAfter, async () => {
        if (await stillGone()) await setPresence(agentId, 'offline');
      });
    });
  }

  // After a restart nobody disconnects, and a node that was killed disconnects nobody: agents
  // shown present with no socket on any node step away and go offline as if their last socket
  // had just closed. Checked at start and then every `sweepMs`, on every node.
  async function sweep(): Promise<void> {
    const all = await store.listAgents(workspaceId);
    const present = all.filter((agent) => agent.kind === 'human' && agent.presence !== 'offline' && !leaving.has(agent.id));
    if (present.length === 0) return;
    // One request across the nodes (with the Redis adapter) for every connected agent.
    const connected = new Set((await agents.fetchSockets()).map((socket) => socket.data.agent.id));
    for (const agent of present) if (!connected.has(agent.id) && !leaving.has(agent.id)) leave(agent.id);
  }
  const sweepNow = () => void sweep().catch((error: unknown) => logger.warn('presence sweep failed', { error: errorText(error) }));
  sweepNow();
  const sweeper = setInterval(sweepNow, presence.sweepMs ?? SWEEP_MS);
  sweeper.unref();

  // A closing server leaves presence to whichever node the agents reconnect to.
  const close = io.close.bind(io);
  io.close = (fn) => {
    clearInterval(sweeper);
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
      .then((fresh) => (fresh && fresh.active !== false && !(fresh.presence !== 'online' && fresh.presenceChosen) ? setPresence(agent.id, 'online') : undefined))
      .catch((error: unknown) => logger.warn('presence read failed', { agentId: agent.id, error: errorText(error) }));
    socket.on('disconnect', () => leave(agent.id));
  };
}
