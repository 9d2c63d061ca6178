import { tokenRefusal, type AgentRecord, type Store } from '@casekit/core';
import { CasekitError } from '@casekit/protocol';
import type { AgentTokenFacts, Auth } from './auth.ts';

/** A signed-in agent and the token they signed in with. */
export interface AgentSession {
  agent: AgentRecord;
  token: AgentTokenFacts;
}

/**
 * Finds the agent a token speaks for, and checks the token still does: a token signed here names
 * the agent id; an external token's `sub` (an agent id) or `email` claim must match an agent of
 * the workspace. A deactivated agent's token, a signed-out one and one from before a password
 * change are refused (`tokenRefusal`).
 */
export async function authenticateAgentSession(store: Pick<Store, 'getAgent' | 'getAgentByEmail'>, auth: Auth, workspaceId: string, token: string): Promise<AgentSession> {
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
  const refused = tokenRefusal(agent, { id: claims.tokenId, generation: claims.source === 'builtin' ? claims.generation : null });
  if (refused) throw refused;
  return { agent, token: { tokenId: claims.tokenId, expiresAt: claims.expiresAt } };
}

/** The agent a token speaks for (see `authenticateAgentSession`). */
export async function authenticateAgent(store: Pick<Store, 'getAgent' | 'getAgentByEmail'>, auth: Auth, workspaceId: string, token: string): Promise<AgentRecord> {
  return (await authenticateAgentSession(store, auth, workspaceId, token)).agent;
}
