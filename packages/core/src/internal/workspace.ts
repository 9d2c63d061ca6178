import { CasekitError, type Agent, type Channel, type Presence, type Workspace, type WorkspaceSettings } from '@casekit/protocol';
import { newId } from '../ids.ts';
import type { AgentRecord, ChannelRecord } from '../ports.ts';
import { actorIdOf, authorize, isAgentActor } from '../rules.ts';
import type { AgentActor, ChannelPatch, CreateAgentInput, CreateChannelInput, CreateOptions, SystemActor } from '../types.ts';
import { DEFAULT_CAPACITY, DEFAULT_SETTINGS } from '../defaults.ts';
import { publicAgent, publicChannel } from '../visibility.ts';
import { notFound, type EngineContext } from './context.ts';
import { authorizeCurrent } from './agents.ts';
import { releaseCasesOf } from './assignment.ts';
import { MAX_CASES_PER_TRANSACTION, refusedAsTooLarge } from '../store-rules.ts';

export function ensureWorkspace(
  ctx: EngineContext,
  input: { id: string; name?: string; settings?: Partial<WorkspaceSettings> },
): Promise<Workspace & { settings: WorkspaceSettings }> {
  return ctx.run(input.id, async ({ tx, at }) => {
    const existing = await tx.getWorkspace(input.id);
    if (existing) return existing;
    const workspace = { id: input.id, name: input.name ?? input.id, createdAt: at, settings: { ...DEFAULT_SETTINGS, ...input.settings } };
    await tx.putWorkspace(workspace);
    return workspace;
  });
}

export function updateSettings(ctx: EngineContext, actor: AgentActor | SystemActor, patch: Partial<WorkspaceSettings>): Promise<WorkspaceSettings> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async ({ tx, emit, at }) => {
    authorize(actor, 'updateSettings');
    const workspace = await tx.getWorkspace(workspaceId);
    if (!workspace) throw new CasekitError('not_found', `Workspace "${workspaceId}" is not set up yet.`);
    const settings = { ...workspace.settings, ...patch };
    if (JSON.stringify(settings) === JSON.stringify(workspace.settings)) return settings;
    await tx.putWorkspace({ ...workspace, settings });
    await emit({ type: 'settings.updated', workspaceId, at, actorId: actorIdOf(actor), caseId: null, customerId: null, data: { settings } });
    return settings;
  });
}

export function createAgent(ctx: EngineContext, actor: AgentActor | SystemActor, input: CreateAgentInput, options?: CreateOptions): Promise<Agent> {
  const { workspaceId } = actor;
  return ctx.run(
    workspaceId,
    async (step) => {
      const { tx, emit, at } = step;
      await authorizeCurrent(step, actor, 'createAgent');
      const email = input.email.toLowerCase();
      if (await tx.getAgentByEmail(workspaceId, email)) {
        throw new CasekitError('conflict', `An agent with email "${email}" already exists.`, {
          details: { issues: [{ path: 'body.email', message: 'already taken' }] },
        });
      }
      const record: AgentRecord = {
        id: input.id ?? newId('ag'),
        workspaceId,
        kind: input.kind ?? 'human',
        email,
        name: input.name,
        role: input.role,
        teams: input.teams ?? [],
        skills: input.skills ?? [],
        languages: input.languages ?? ['en'],
        capacity: input.capacity ?? DEFAULT_CAPACITY,
        presence: 'offline',
        active: true,
        createdAt: at,
        passwordHash: input.passwordHash,
      };
      await tx.insertAgent(record);
      const agent = publicAgent(record);
      await emit({ type: 'agent.created', workspaceId, at, actorId: actorIdOf(actor), caseId: null, customerId: null, data: { agent } });
      return agent;
    },
    options?.idempotency,
  );
}

export function createChannel(ctx: EngineContext, actor: AgentActor | SystemActor, input: CreateChannelInput, options?: CreateOptions): Promise<Channel> {
  const { workspaceId } = actor;
  return ctx.run(
    workspaceId,
    async ({ tx, emit, at }) => {
      authorize(actor, 'createChannel');
      const secrets = { ...input.secrets };
      const record: ChannelRecord = {
        id: input.id ?? newId('ch'),
        workspaceId,
        kind: input.kind,
        medium: input.medium,
        name: input.name,
        enabled: input.enabled ?? true,
        config: { ...input.config },
        secretNames: Object.keys(secrets).sort(),
        secrets,
        createdAt: at,
        updatedAt: at,
      };
      if (await tx.getChannel(workspaceId, record.id)) {
        throw new CasekitError('conflict', `A channel with id "${record.id}" already exists.`);
      }
      await tx.insertChannel(record);
      const channel = publicChannel(record);
      await emit({ type: 'channel.created', workspaceId, at, actorId: actorIdOf(actor), caseId: null, customerId: null, data: { channel } });
      return channel;
    },
    options?.idempotency,
  );
}

/** Renames, reconfigures, disables or re-enables a channel; its kind and medium never change. */
export function updateChannel(ctx: EngineContext, actor: AgentActor | SystemActor, channelId: string, patch: ChannelPatch): Promise<Channel> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async ({ tx, emit, at }) => {
    authorize(actor, 'updateChannel');
    const current = await tx.getChannel(workspaceId, channelId);
    if (!current) throw notFound('channel', channelId);
    const secrets = patch.secrets ? { ...patch.secrets } : current.secrets;
    const next: ChannelRecord = {
      ...current,
      name: patch.name ?? current.name,
      enabled: patch.enabled ?? current.enabled,
      config: patch.config ? { ...patch.config } : current.config,
      secrets,
      secretNames: Object.keys(secrets).sort(),
      updatedAt: at,
    };
    await tx.updateChannel(next);
    const channel = publicChannel(next);
    await emit({ type: 'channel.updated', workspaceId, at, actorId: actorIdOf(actor), caseId: null, customerId: null, data: { channel } });
    return channel;
  });
}

/**
 * Sets an agent's presence: their own, or anyone's for a supervisor or the system. What an agent
 * sets is a person's choice; what the system sets (following connections) is not. Going offline
 * gives their cases back where policy says so, in the same transaction; when they hold more than
 * a store commits at once, the first few go with it and the rest a few a transaction after.
 */
export async function setPresence(ctx: EngineContext, actor: AgentActor | SystemActor, agentId: string, presence: Presence): Promise<Agent> {
  try {
    return await presenceStep(ctx, actor, agentId, presence, Infinity);
  } catch (error) {
    if (!refusedAsTooLarge(error)) throw error;
    const agent = await presenceStep(ctx, actor, agentId, presence, MAX_CASES_PER_TRANSACTION);
    const { workspaceId } = actor;
    // Until none is left, or they came back (the cases they still hold stay theirs).
    const releaseMore = () =>
      ctx.run(workspaceId, async (step) => (await step.tx.getAgent(workspaceId, agentId))?.presence === 'offline' && releaseCasesOf(step, workspaceId, agentId, MAX_CASES_PER_TRANSACTION));
    while (await releaseMore());
    return agent;
  }
}

function presenceStep(ctx: EngineContext, actor: AgentActor | SystemActor, agentId: string, presence: Presence, releaseAtMost: number): Promise<Agent> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async (step) => {
    const { tx, emit, at } = step;
    if (isAgentActor(actor) && actor.agent.id !== agentId) authorize(actor, 'setOthersPresence');
    const agent = await tx.getAgent(workspaceId, agentId);
    if (!agent) throw notFound('agent', agentId);
    // A connection accepted just before the deactivation must not bring them back online.
    if (agent.active === false && presence !== 'offline') {
      throw new CasekitError('conflict', `${agent.name} is deactivated and stays offline; an admin can reactivate them.`);
    }
    const presenceChosen = isAgentActor(actor);
    if (agent.presence === presence && (agent.presenceChosen ?? false) === presenceChosen) return publicAgent(agent);
    const updated = { ...agent, presence, presenceChosen };
    await tx.updateAgent(updated);
    // Who set it is not news to the others: only a change of presence is.
    if (agent.presence === presence) return publicAgent(updated);
    await emit({ type: 'agent.presence', workspaceId, at, actorId: actorIdOf(actor) ?? agentId, caseId: null, customerId: null, data: { agentId, presence } });
    // Nobody is left holding a case for someone who is gone: their policy may give it back.
    if (presence === 'offline' && agent.kind === 'human') await releaseCasesOf(step, workspaceId, agentId, releaseAtMost);
    return publicAgent(updated);
  });
}
