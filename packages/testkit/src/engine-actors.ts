import type { AgentActor, SystemActor } from '@casekit/core';

/** The workspace the engine suites run in, seeded by `seedEngineWorkspace`. */
export const WS = 'ws_engine';

const agent = (id: string, name: string, role: AgentActor['agent']['role']): AgentActor => ({ workspaceId: WS, agent: { id, name, role, kind: 'human' } });

/**
 * Who the engine suites act as: the system, and the agents `seedEngineWorkspace` stores (Ann and
 * Sam; Ada, the admin, where a suite adds her).
 */
export const ENGINE_ACTORS: { system: SystemActor; ann: AgentActor; sup: AgentActor; admin: AgentActor } = {
  system: { workspaceId: WS, system: 'test' },
  ann: agent('ag_ann', 'Ann', 'agent'),
  sup: agent('ag_sup', 'Sam', 'supervisor'),
  admin: agent('ag_admin', 'Ada', 'admin'),
};
