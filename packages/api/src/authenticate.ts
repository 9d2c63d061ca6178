import { tokenRefusal, type AgentRecord, type Store } from '@casekit/core';
import { CasekitError } from '@casekit/protocol';
import type { AgentTokenFacts, Auth } from './auth.ts';
import { constantTimeEqual, randomBase64Url, sha256Hex } from './internal/crypto.ts';

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
  if (token.startsWith(BOT_TOKEN_PREFIX)) return authenticateBot(store, workspaceId, token);
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

/** Bot API tokens: `ckb_<agent id>.<random>`; only their SHA-256 is stored, on the bot. */
const BOT_TOKEN_PREFIX = 'ckb_';
/** Bot tokens do not expire; an admin revokes them. */
const NEVER = '9999-12-31T23:59:59.000Z';

/** A new API token for a bot, and the hash the engine keeps of it. */
export async function newBotToken(agentId: string): Promise<{ token: string; hash: string }> {
  const token = `${BOT_TOKEN_PREFIX}${agentId}.${randomBase64Url(32)}`;
  return { token, hash: await sha256Hex(token) };
}

async function authenticateBot(store: Pick<Store, 'getAgent'>, workspaceId: string, token: string): Promise<AgentSession> {
  const agentId = /^ckb_([A-Za-z0-9_-]{1,64})\.[A-Za-z0-9_-]{20,100}$/.exec(token)?.[1];
  const agent = agentId ? await store.getAgent(workspaceId, agentId) : null;
  const hash = await sha256Hex(token);
  const stored = agent?.botTokenHash;
  if (!agent || agent.kind !== 'bot' || !stored || !constantTimeEqual(new TextEncoder().encode(stored), new TextEncoder().encode(hash))) {
    throw new CasekitError('unauthorized', 'This bot token is not valid (revoked, replaced or mistyped); an admin can issue a new one.');
  }
  const tokenId = `bot:${hash.slice(0, 32)}`;
  const refused = tokenRefusal(agent, { id: tokenId, generation: null });
  if (refused) throw refused;
  return { agent, token: { tokenId, expiresAt: NEVER } };
}
