import type { Millis, RoutingDecisions, RoutingState, WaitingCase } from './types.ts';
import { policyFor } from './internal/eligibility.ts';
import { route } from './route.ts';

/** What happens when an agent goes offline. */
export interface OfflineDecisions extends RoutingDecisions {
  /** Their cases whose policy says `reassign`: back in the queue, then routed with the rest. */
  released: string[];
  /** Their cases whose policy says `keep`: they stay with the agent. */
  kept: string[];
}

/**
 * Marks `agentId` offline and routes again: each of `openCases` (the cases the agent holds) is
 * released or kept as its policy's `onAgentOffline` says. A released case keeps its `enqueuedAt`,
 * so pass the time it first queued to keep its place.
 * @example
 * const { released, assignments } = agentWentOffline(state, 'ana', anasCases, Date.now());
 */
export function agentWentOffline(state: RoutingState, agentId: string, openCases: WaitingCase[], now: Millis): OfflineDecisions {
  const released: WaitingCase[] = [];
  const kept: string[] = [];
  for (const open of openCases) {
    if (policyFor(state.policies, open).onAgentOffline === 'reassign') released.push(open);
    else kept.push(open.id);
  }
  const agents = state.agents.map((agent) => {
    if (agent.id !== agentId) return agent;
    const load = { ...agent.load };
    for (const open of released) load[open.channel] = Math.max(0, (load[open.channel] ?? 0) - 1);
    return { ...agent, presence: 'offline' as const, load };
  });
  const decisions = route({ ...state, agents, queue: [...state.queue, ...released] }, now);
  return { ...decisions, released: released.map((open) => open.id).sort(), kept: kept.sort() };
}
