import { CasekitError, type Bot, type BotSettings } from '@casekit/protocol';
import { newId } from '../ids.ts';
import type { AgentRecord, StoreReader } from '../ports.ts';
import { actorIdOf, takesNewCases } from '../rules.ts';
import type { AgentActor, BotAnswerWait, BotPatch, CreateBotInput, CreateOptions, SystemActor } from '../types.ts';
import { publicAgent } from '../visibility.ts';
import { notFound, requireCase, type EngineContext, type Step } from './context.ts';
import { authorizeCurrent } from './agents.ts';

// Bot agents: their settings (the channels whose new cases they take, rules or an external bot),
// their API token's hash and their secrets. Bots sign in with tokens, never passwords.

type Actor = AgentActor | SystemActor;

/** A bot as admins see it: never its token or secrets. */
export function botView(record: AgentRecord): Bot {
  return { agent: publicAgent(record), settings: record.bot ?? { channelIds: [] }, hasToken: record.botTokenHash !== undefined };
}

/**
 * The agent a new case on the channel starts assigned to: the active bot that takes the
 * channel's new cases, else nobody (routing then gives it to a person).
 */
export async function botTakingNewCases(reader: StoreReader, workspaceId: string, channelId: string): Promise<string | null> {
  const agents = await reader.listAgents(workspaceId);
  return agents.find((a) => takesNewCases(a, channelId))?.id ?? null;
}

/** Each channel exists, and no other bot takes its new cases; a 4xx naming `body.channelIds.<n>` otherwise. */
async function assertChannelsFree(step: Step, workspaceId: string, botId: string, channelIds: readonly string[]): Promise<void> {
  const agents = await step.tx.listAgents(workspaceId);
  for (const [index, channelId] of channelIds.entries()) {
    const path = `body.channelIds.${index}`;
    if (!(await step.tx.getChannel(workspaceId, channelId))) {
      throw new CasekitError('validation_failed', `No channel with id "${channelId}" in this workspace.`, { details: { issues: [{ path, message: 'no such channel' }] } });
    }
    const other = agents.find((a) => a.id !== botId && takesNewCases(a, channelId));
    if (other) {
      throw new CasekitError('conflict', `The bot "${other.name}" already takes new cases of channel "${channelId}"; remove it there first.`, {
        details: { issues: [{ path, message: `taken by the bot ${other.id}` }] },
      });
    }
  }
}

async function requireBot(step: Step, workspaceId: string, agentId: string): Promise<AgentRecord> {
  const agent = await step.tx.getAgent(workspaceId, agentId);
  if (!agent) throw notFound('agent', agentId);
  if (agent.kind !== 'bot') throw new CasekitError('conflict', `${agent.name} is a person, not a bot.`);
  return agent;
}

async function saveBot(step: Step, actor: Actor, record: AgentRecord): Promise<Bot> {
  await step.tx.updateAgent(record);
  const { workspaceId } = record;
  await step.emit({ type: 'agent.updated', workspaceId, at: step.at, actorId: actorIdOf(actor), caseId: null, customerId: null, data: { agent: publicAgent(record) } });
  return botView(record);
}

export function createBot(ctx: EngineContext, actor: Actor, input: CreateBotInput, options?: CreateOptions): Promise<Bot> {
  const { workspaceId } = actor;
  return ctx.run(
    workspaceId,
    async (step) => {
      await authorizeCurrent(step, actor, 'manageAgents');
      const id = input.id ?? newId('ag');
      const email = input.email.toLowerCase();
      if (await step.tx.getAgentByEmail(workspaceId, email)) {
        throw new CasekitError('conflict', `An agent with email "${email}" already exists.`, { details: { issues: [{ path: 'body.email', message: 'already taken' }] } });
      }
      await assertChannelsFree(step, workspaceId, id, input.settings.channelIds);
      const record: AgentRecord = {
        id,
        workspaceId,
        kind: 'bot',
        email,
        name: input.name,
        // A bot acts as an agent: it replies and hands off, nothing more.
        role: 'agent',
        teams: [],
        skills: [],
        languages: [],
        capacity: {},
        // Always there: routing never counts on it, and the chat shows no one is away.
        presence: 'online',
        active: true,
        createdAt: step.at,
        passwordHash: null,
        bot: input.settings,
        ...(input.tokenHash !== undefined && { botTokenHash: input.tokenHash }),
        ...(input.secrets && { secrets: { ...input.secrets } }),
      };
      await step.tx.insertAgent(record);
      await step.emit({ type: 'agent.created', workspaceId, at: step.at, actorId: actorIdOf(actor), caseId: null, customerId: null, data: { agent: publicAgent(record) } });
      return botView(record);
    },
    options?.idempotency,
  );
}

export function updateBot(ctx: EngineContext, actor: Actor, agentId: string, patch: BotPatch): Promise<Bot> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async (step) => {
    await authorizeCurrent(step, actor, 'manageAgents');
    const current = await requireBot(step, workspaceId, agentId);
    const before: BotSettings = current.bot ?? { channelIds: [] };
    const given = patch.settings ?? {};
    // Rules and an external bot replace each other.
    const switched = given.rules !== undefined || given.external !== undefined;
    const { rules, external } = switched ? given : before;
    const settings: BotSettings = { channelIds: given.channelIds ?? before.channelIds, ...(rules && { rules }), ...(external && { external }) };
    if (given.channelIds !== undefined) await assertChannelsFree(step, workspaceId, agentId, settings.channelIds);
    const next: AgentRecord = {
      ...current,
      ...(patch.name !== undefined && { name: patch.name }),
      bot: settings,
      ...(patch.secrets && { secrets: { ...current.secrets, ...patch.secrets } }),
    };
    return saveBot(step, actor, next);
  });
}

export function setBotToken(ctx: EngineContext, actor: Actor, agentId: string, tokenHash: string | null): Promise<Bot> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async (step) => {
    await authorizeCurrent(step, actor, 'manageAgents');
    const current = await requireBot(step, workspaceId, agentId);
    const { botTokenHash: _old, ...rest } = current;
    return saveBot(step, actor, tokenHash === null ? rest : { ...rest, botTokenHash: tokenHash });
  });
}

/** The kind of the durable timer that checks an external bot answered in time (`awaitBotAnswer`). */
export const BOT_ANSWER_TIMER_KIND = 'bot.answer';

/**
 * Sets the case's one bot-answer timer (a later message's replaces it) when a bot holds the case;
 * the timer's handler hands the case off if the bot has not answered `messageId` by `dueAt`.
 * Durable and leased like every timer, so a wait survives the node that started it.
 */
export function awaitBotAnswer(ctx: EngineContext, actor: SystemActor, caseId: string, input: BotAnswerWait): Promise<boolean> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async ({ tx }) => {
    const kase = await requireCase(tx, workspaceId, caseId);
    const holder = kase.assigneeId ? await tx.getAgent(workspaceId, kase.assigneeId) : null;
    if (holder?.kind !== 'bot') return false;
    const payload = { caseId, botId: holder.id, messageId: input.messageId };
    await tx.setTimer({ workspaceId, key: `bot-answer:${caseId}`, kind: BOT_ANSWER_TIMER_KIND, dueAt: input.dueAt, payload });
    return true;
  });
}
