import { CasekitError, type Agent, type CaseEvent, type NewCaseEvent, type Permission } from '@casekit/protocol';
import type { AgentRecord, RevokedToken } from '../ports.ts';
import { actorIdOf, assertAdminRemains, authorize, isAgentActor } from '../rules.ts';
import type { AgentActor, AgentPatch, SystemActor } from '../types.ts';
import { publicAgent } from '../visibility.ts';
import { diff, notFound, type EngineContext, type Step } from './context.ts';

// Changes to an agent's account: an admin's edits, deactivation and password resets, and an
// agent's own password change and sign-out. Passwords arrive hashed: the engine never sees one.

type Actor = AgentActor | SystemActor;

/** Tokens signed out are remembered until they expire, at most this many per agent. */
const MAX_REVOKED = 200;

const isSelf = (actor: Actor, agentId: string) => isAgentActor(actor) && actor.agent.id === agentId;

/**
 * Authorizes the actor as the store has them now, inside the transaction: a request signed in
 * before its agent was demoted or deactivated must not act on the role it had then.
 */
export async function authorizeCurrent(step: Step, actor: Actor, permission: Permission): Promise<void> {
  if (!isAgentActor(actor)) return authorize(actor, permission);
  const current = await step.tx.getAgent(actor.workspaceId, actor.agent.id);
  if (!current) throw new CasekitError('forbidden', 'Your account no longer exists in this workspace.');
  if (current.active === false) throw new CasekitError('agent_deactivated', 'This account is deactivated; an admin of this workspace can reactivate it.');
  authorize({ ...actor, agent: current }, permission);
}

async function requireAgent(step: Step, workspaceId: string, agentId: string): Promise<AgentRecord> {
  const agent = await step.tx.getAgent(workspaceId, agentId);
  if (!agent) throw notFound('agent', agentId);
  return agent;
}

/** Saves a change of role or activity, refused when it would leave the workspace without an active admin. */
async function saveKeepingAnAdmin(step: Step, actor: Actor, current: AgentRecord, next: AgentRecord): Promise<Agent> {
  assertAdminRemains((await step.tx.listAgents(current.workspaceId)).map(publicAgent), publicAgent(current), publicAgent(next));
  return save(step, actor, current, next);
}

/** Writes the agent and tells everyone: `agent.updated`, and `agent.presence` when that moved. */
async function save(step: Step, actor: Actor, before: AgentRecord, next: AgentRecord): Promise<Agent> {
  await step.tx.updateAgent(next);
  const agent = publicAgent(next);
  const base = { workspaceId: next.workspaceId, at: step.at, actorId: actorIdOf(actor), caseId: null, customerId: null } satisfies Partial<CaseEvent>;
  await step.emit({ ...base, type: 'agent.updated', data: { agent } } satisfies NewCaseEvent);
  if (before.presence !== next.presence) {
    await step.emit({ ...base, type: 'agent.presence', data: { agentId: next.id, presence: next.presence } } satisfies NewCaseEvent);
  }
  return agent;
}

/** An admin changes an agent's name, role, teams, skills or languages. */
export function updateAgent(ctx: EngineContext, actor: Actor, agentId: string, patch: AgentPatch): Promise<Agent> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async (step) => {
    await authorizeCurrent(step, actor, 'manageAgents');
    const current = await requireAgent(step, workspaceId, agentId);
    const next: AgentRecord = {
      ...current,
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.role !== undefined && { role: patch.role }),
      ...(patch.teams !== undefined && { teams: [...new Set(patch.teams)] }),
      ...(patch.skills !== undefined && { skills: patch.skills.map((skill) => ({ ...skill })) }),
      ...(patch.languages !== undefined && { languages: [...new Set(patch.languages)] }),
      ...(patch.capacity !== undefined && { capacity: { ...patch.capacity } }),
    };
    if (Object.keys(diff(current, next, ['name', 'role', 'teams', 'skills', 'languages', 'capacity'])).length === 0) return publicAgent(current);
    return saveKeepingAnAdmin(step, actor, current, next);
  });
}

/**
 * An admin deactivates an agent: they cannot sign in, every token they hold stops working, and
 * they go offline. Their cases stay as they are, assigned to them, for a supervisor to move.
 */
export function deactivateAgent(ctx: EngineContext, actor: Actor, agentId: string): Promise<Agent> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async (step) => {
    await authorizeCurrent(step, actor, 'manageAgents');
    if (isSelf(actor, agentId)) throw new CasekitError('conflict', 'You cannot deactivate your own account; ask another admin.');
    const current = await requireAgent(step, workspaceId, agentId);
    if (!current.active) return publicAgent(current);
    const next: AgentRecord = { ...current, active: false, presence: 'offline', tokenGeneration: (current.tokenGeneration ?? 0) + 1, revokedTokens: [] };
    return saveKeepingAnAdmin(step, actor, current, next);
  });
}

/** An admin lets a deactivated agent sign in again (with a new sign-in: old tokens stay refused). */
export function reactivateAgent(ctx: EngineContext, actor: Actor, agentId: string): Promise<Agent> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async (step) => {
    await authorizeCurrent(step, actor, 'manageAgents');
    const current = await requireAgent(step, workspaceId, agentId);
    if (current.active) return publicAgent(current);
    return save(step, actor, current, { ...current, active: true });
  });
}

/**
 * Replaces an agent's password hash: their own change, or an admin's reset. Every token the
 * agent holds stops working; the caller signs a new one for the agent's own session.
 * Returns the record, whose `tokenGeneration` new tokens must carry.
 */
export function setAgentPassword(ctx: EngineContext, actor: Actor, agentId: string, passwordHash: string): Promise<AgentRecord> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async (step) => {
    if (!isSelf(actor, agentId)) await authorizeCurrent(step, actor, 'manageAgents');
    const current = await requireAgent(step, workspaceId, agentId);
    if (current.kind !== 'human') throw new CasekitError('conflict', `${current.name} is a bot; bots sign in with tokens, not passwords.`);
    const next: AgentRecord = { ...current, passwordHash, tokenGeneration: (current.tokenGeneration ?? 0) + 1, revokedTokens: [] };
    await save(step, actor, current, next);
    return { ...next, revokedTokens: [] };
  });
}

/**
 * Signs one token out: it is refused from now until it expires, on every server that shares the
 * store. The agent goes offline too, as leaving does (not as a choice: signing in again puts
 * them online).
 */
export function revokeToken(ctx: EngineContext, actor: Actor, agentId: string, token: RevokedToken): Promise<Agent> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async (step) => {
    if (!isSelf(actor, agentId) && isAgentActor(actor)) throw new CasekitError('forbidden', 'Agents sign out only their own tokens.');
    const current = await requireAgent(step, workspaceId, agentId);
    // Expired ones are refused anyway: forget them. Past the bound, every token is signed out.
    const kept = (current.revokedTokens ?? []).filter((r) => r.expiresAt > step.at && r.id !== token.id);
    const next: AgentRecord =
      kept.length >= MAX_REVOKED
        ? { ...current, revokedTokens: [], tokenGeneration: (current.tokenGeneration ?? 0) + 1, presence: 'offline', presenceChosen: false }
        : { ...current, revokedTokens: [...kept, { id: token.id, expiresAt: token.expiresAt }], presence: 'offline', presenceChosen: false };
    return save(step, actor, current, next);
  });
}
