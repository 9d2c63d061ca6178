import type { Priority } from '@casekit/protocol';
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

/** The first millisecond at which a case has waited `step.afterSeconds`. */
function stepStart(step: WideningStep, waiting: WaitingCase): Millis {
  return waiting.enqueuedAt + Math.ceil(step.afterSeconds * 1000);
}

/** The index of the widening step a case is on at `now`: the last one whose time has come. */
export function stepIndex(policy: RoutingPolicy, waiting: WaitingCase, now: Millis): number {
  let index = 0;
  for (let i = 1; i < policy.widening.length; i++) if (now >= stepStart(policy.widening[i]!, waiting)) index = i;
  return index;
}

/** When the case moves off the step it is on at `now`, or null on its last step. */
export function nextStepAt(policy: RoutingPolicy, waiting: WaitingCase, now: Millis): Millis | null {
  let next: Millis | null = null;
  for (let i = stepIndex(policy, waiting, now) + 1; i < policy.widening.length; i++) {
    const at = stepStart(policy.widening[i]!, waiting);
    if (next === null || at < next) next = at;
  }
  return next;
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
