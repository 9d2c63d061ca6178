// Builders for the tests: plain data with defaults, overridden per test.
import type { PolicySet, RoutingAgent, RoutingPolicy, RoutingState, WaitingCase } from '../types.ts';

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

export function agent(id: string, overrides: Partial<RoutingAgent> = {}): RoutingAgent {
  return { id, presence: 'online', teams: [], skills: [], languages: ['en'], capacity: { webchat: 3, email: 10 }, load: {}, idleSince: T0, ...overrides };
}

export function waiting(id: string, overrides: Partial<WaitingCase> = {}): WaitingCase {
  return { id, priority: 'normal', channel: 'webchat', skills: [], language: null, team: null, enqueuedAt: T0, lastAgentId: null, ...overrides };
}

export function policy(overrides: Partial<RoutingPolicy> = {}): RoutingPolicy {
  return {
    id: 'default',
    mode: 'auto',
    selection: 'least-loaded',
    sticky: false,
    widening: [{ afterSeconds: 0, minLevel: 'case', language: true, team: true }],
    onAgentOffline: 'reassign',
    ...overrides,
  };
}

export function state(agents: RoutingAgent[], queue: WaitingCase[], policies: PolicySet = { default: policy() }): RoutingState {
  return { agents, queue, policies, roundRobin: {} };
}
