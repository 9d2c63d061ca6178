import type { AgentRecord, Store } from '@casekit/core';
import { CasekitError } from '@casekit/protocol';
import type { Auth } from './auth.ts';

/**
 * Finds the agent a token speaks for: a token signed here names the agent id; an external
 * token's `sub` (an agent id) or `email` claim must match an agent of the workspace.
 */
export async function authenticateAgent(store: Pick<Store, 'getAgent' | 'getAgentByEmail'>, auth: Auth, workspaceId: string, token: string): Promise<AgentRecord> {
  const claims = await auth.verifyAgentToken(token);
  let agent: AgentRecord | null = null;
  if (claims.source === 'builtin') {
    if (claims.workspaceId !== workspaceId) throw new CasekitError('unauthorized', 'This token belongs to another workspace.');
    agent = await store.getAgent(workspaceId, claims.agentId);
  } else {
    if (claims.subject && /^[A-Za-z0-9_-]{1,64}$/.test(claims.subject)) agent = await store.getAgent(workspaceId, claims.subject);
    if (!agent && claims.email) agent = await store.getAgentByEmail(workspaceId, claims.email);
  }
  if (!agent) throw new CasekitError('unauthorized', 'The token is valid but names no agent of this workspace.');
  return agent;
}
