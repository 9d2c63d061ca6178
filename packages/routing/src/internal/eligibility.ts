import type { ChannelKind, Priority } from '@casekit/protocol';
import type { Millis, PolicySet, RoutingAgent, RoutingPolicy, WaitingCase, WideningStep } from '../types.ts';

const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

/** Routing order: higher priority first, then the longest waiting, then the id so ties never depend on input order. */
export function compareCases(a: WaitingCase, b: WaitingCase): number {
  return PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.enqueuedAt - b.enqueuedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function policyFor(policies: PolicySet, waiting: WaitingCase): RoutingPolicy {
  return (
    (waiting.team !== null ? policies.teams?.[waiting.team] : undefined) ?? policies.channels?.[waiting.channel] ?? policies.default
  );
}

/** The index of the widening step a case is on after waiting until `now`. */
export function stepIndex(policy: RoutingPolicy, waiting: WaitingCase, now: Millis): number {
  const waited = (now - waiting.enqueuedAt) / 1000;
  let index = 0;
  for (let i = 1; i < policy.widening.length; i++) if (waited >= policy.widening[i]!.afterSeconds) index = i;
  return index;
}

/** Whether the agent may take the case under `step`, capacity aside. */
export function isEligible(agent: RoutingAgent, waiting: WaitingCase, step: WideningStep): boolean {
  if (agent.presence !== 'online' || agent.id === waiting.avoidAgentId) return false;
  if (step.team && waiting.team !== null && !agent.teams.includes(waiting.team)) return false;
  if (step.language && waiting.language !== null && !agent.languages.includes(waiting.language)) return false;
  for (const need of waiting.skills) {
    const min = step.minLevel === 'case' ? need.minLevel : Math.min(step.minLevel, need.minLevel);
    if (!agent.skills.some((skill) => skill.name === need.name && skill.level >= min)) return false;
  }
  return true;
}

export function freeSlots(agent: RoutingAgent, channel: ChannelKind): number {
  return (agent.capacity[channel] ?? 0) - (agent.load[channel] ?? 0);
}

export function totalLoad(agent: RoutingAgent): number {
  let total = 0;
  for (const count of Object.values(agent.load)) total += count ?? 0;
  return total;
}
