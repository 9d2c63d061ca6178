import { privateToAgent, sessionFollowsMerge, visitorView, type Publisher } from '@casekit/core';
import { AGENT_NAMESPACE, VISITOR_NAMESPACE, type CaseEvent } from '@casekit/protocol';
import type { Server } from 'socket.io';
import { agentRoom, agentsRoom, customerRoom } from './rooms.ts';
import type { AgentNamespace, VisitorNamespace } from './types.ts';

/**
 * Pushes are at least this far apart: events that commit sooner wait and go out together. At 200
 * messages a second that is 5 events a frame instead of 1; a quiet room is pushed at once.
 */
const PUSH_INTERVAL_MS = 25;

interface Batch {
  push(events: CaseEvent[]): void;
  events: CaseEvent[];
}

/**
 * Routes committed events to sockets: all to the workspace's agents (a read marker only to the
 * agent who read), public message events without case metadata to the customer's visitors.
 * Events go out as `events` pushes, one per room for everything that committed since the last
 * push (at most one every `PUSH_INTERVAL_MS`): what costs is a frame per socket, not its size,
 * and socket.io encodes each push once for every socket of the room.
 */
export function createSocketPublisher(io: Server): Publisher {
  const agents = io.of(AGENT_NAMESPACE) as unknown as AgentNamespace;
  const visitors = io.of(VISITOR_NAMESPACE) as unknown as VisitorNamespace;
  /** Events waiting for the next push, per namespace and room. */
  const batches = new Map<string, Batch>();
  let scheduled: ReturnType<typeof setTimeout> | null = null;
  let lastFlush = -Infinity;

  function add(key: string, push: Batch['push'], event: CaseEvent): void {
    const batch = batches.get(key);
    if (batch) batch.events.push(event);
    else batches.set(key, { push, events: [event] });
  }
  /** The agent room the last event went to. */
  let lastAgentKey: string | null = null;
  function toAgents(room: string, event: CaseEvent): void {
    const key = `agent ${room}`;
    // An agent's socket is in the workspace's room and in its own: when events switch between
    // the two, what waits goes out first, so that socket still receives in seq order.
    if (lastAgentKey !== null && lastAgentKey !== key && batches.has(lastAgentKey)) flush();
    lastAgentKey = key;
    add(key, (events) => agents.to(room).emit('events', events), event);
  }
  function toVisitors(room: string, event: CaseEvent): void {
    add(`visitor ${room}`, (events) => visitors.to(room).emit('events', events), event);
  }

  function flush(): void {
    if (scheduled) clearTimeout(scheduled);
    scheduled = null;
    lastFlush = performance.now();
    const due = [...batches.values()];
    batches.clear();
    for (const { push, events } of due) {
      // Commits publish in seq order; sorting keeps a push in order whoever published first.
      events.sort((a, b) => a.seq - b.seq);
      push(events);
    }
  }

  return {
    publish(events) {
      for (const event of events) {
        const only = privateToAgent(event);
        toAgents(only ? agentRoom(event.workspaceId, only) : agentsRoom(event.workspaceId), event);
        if (event.type === 'customer.merged') {
          // Visitors of the merged-away profile whose sessions may follow the merge receive under
          // the surviving one from here on (and not what was meant for it before); the others'
          // sessions have ended (`sessionFollowsMerge`).
          flush();
          const target = customerRoom(event.workspaceId, event.data.targetId);
          void visitors
            .in(customerRoom(event.workspaceId, event.data.sourceId))
            .fetchSockets()
            .then((sockets) => {
              for (const socket of sockets) {
                if (sessionFollowsMerge(socket.data.session)) socket.join(target);
                else socket.disconnect(true);
              }
            })
            // A node that cannot be asked keeps its sockets; they follow, or end, at their next resume.
            .catch(() => undefined);
        }
        const view = visitorView(event);
        if (view && event.customerId) toVisitors(customerRoom(event.workspaceId, event.customerId), view);
      }
      scheduled ??= setTimeout(flush, Math.max(0, lastFlush + PUSH_INTERVAL_MS - performance.now()));
    },
  };
}
