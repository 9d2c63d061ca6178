import { DEFAULT_ROUTING, type Case, type CaseStatus, type ChannelKind, type Customer, type RoutingPolicy, type RoutingSettings } from '@casekit/protocol';
import { applyRules, policyFor, type RoundRobinState, type RoutingAgent, type RoutingState, type WaitingCase } from '@casekit/routing';
import type { AgentRecord, StoreReader } from '../ports.ts';
import { WAITING_STATUSES } from '../rules.ts';

/** Statuses in which a case holds an agent's slot, or waits for one when nobody has it (the waiting statuses). */
export const ROUTED_STATUSES: readonly CaseStatus[] = [...WAITING_STATUSES];

/** Cases read per page while taking a routing snapshot. */
const SNAPSHOT_PAGE = 500;

/** The channel kind a case is routed and counted on: the one it started on. */
export const routedChannel = (kase: Case): ChannelKind | null => kase.channels[0] ?? null;

/** Whether the case waits for an agent: unassigned and new or open. */
const isWaiting = (kase: Case): boolean => kase.assigneeId === null && WAITING_STATUSES.has(kase.status);

/**
 * The one rule for a case's place in line: it starts waiting now when it was not waiting before
 * (new, reopened, unassigned, transferred); a case that keeps waiting, or is assigned, keeps its time,
 * so a case released when its agent leaves goes back ahead of newer ones.
 */
export function stampQueue(before: Case | null, after: Case, at: string): Case {
  if (!isWaiting(after) || (before !== null && isWaiting(before) && before.queuedAt)) return after;
  return { ...after, queuedAt: at };
}

export async function routingSettingsOf(reader: StoreReader, workspaceId: string): Promise<RoutingSettings> {
  return (await reader.getWorkspace(workspaceId))?.settings.routing ?? DEFAULT_ROUTING;
}

/** What rules set on a new case, from what it looks like: its channel, first words and customer. */
export function routeNewCase(routing: RoutingSettings, customer: Customer, attributes: Customer['attributes'], channel: ChannelKind, text: string): Pick<Case, 'priority' | 'team' | 'skills' | 'tags' | 'language'> {
  const language = typeof customer.attributes.language === 'string' ? customer.attributes.language.toLowerCase().slice(0, 10) : null;
  const outcome = applyRules(routing.rules, { channel, firstMessage: text, language, attributes });
  return { priority: outcome.priority ?? 'normal', team: outcome.team, skills: outcome.skills, tags: outcome.tags, language: language && language.length >= 2 ? language : null };
}

/** The agent who last served the customer, from their most recent cases: sticky routing offers it to them. */
export async function previousAgentOf(reader: StoreReader, workspaceId: string, customerId: string): Promise<string | null> {
  const recent = await reader.listCases(workspaceId, { customerId, limit: 5 });
  return recent.items.find((kase) => kase.assigneeId !== null)?.assigneeId ?? null;
}

/** Every new or open case of the workspace. */
async function routedCases(reader: StoreReader, workspaceId: string): Promise<Case[]> {
  const cases: Case[] = [];
  let cursor: string | undefined;
  do {
    const page = await reader.listCases(workspaceId, { status: [...ROUTED_STATUSES], limit: SNAPSHOT_PAGE, ...(cursor && { cursor }) });
    cases.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return cases;
}

function waitingCaseOf(kase: Case, channel: ChannelKind): WaitingCase {
  return {
    id: kase.id,
    priority: kase.priority,
    channel,
    skills: kase.skills,
    language: kase.language ?? null,
    team: kase.team,
    enqueuedAt: Date.parse(kase.queuedAt ?? kase.createdAt),
    lastAgentId: kase.previousAgentId ?? null,
    avoidAgentId: kase.sla?.reassignedFrom ?? null,
  };
}

/** The agents routing may give cases to: active people (bots take cases through their own channels). */
const routable = (agent: AgentRecord): boolean => agent.kind === 'human' && agent.active !== false;

export interface RoutingSnapshot {
  state: RoutingState;
  /** The waiting cases, by id. */
  waiting: Map<string, Case>;
  agents: Map<string, AgentRecord>;
}

/** Everything a routing pass needs, read from the store: agents with their load, and the queue. */
export async function takeSnapshot(reader: StoreReader, workspaceId: string, routing: RoutingSettings, roundRobin: RoundRobinState): Promise<RoutingSnapshot> {
  const [records, cases] = await Promise.all([reader.listAgents(workspaceId), routedCases(reader, workspaceId)]);
  const agents = new Map(records.filter(routable).map((agent) => [agent.id, agent]));
  const routingAgents = new Map<string, RoutingAgent>();
  for (const agent of agents.values()) {
    routingAgents.set(agent.id, {
      id: agent.id,
      presence: agent.presence,
      teams: agent.teams,
      skills: agent.skills,
      languages: agent.languages,
      capacity: agent.capacity,
      load: {},
      idleSince: Date.parse(agent.lastAssignedAt ?? agent.createdAt),
    });
  }
  const waiting = new Map<string, Case>();
  const queue: WaitingCase[] = [];
  for (const kase of cases) {
    const channel = routedChannel(kase);
    if (!channel) continue;
    if (kase.assigneeId === null) {
      waiting.set(kase.id, kase);
      queue.push(waitingCaseOf(kase, channel));
      continue;
    }
    const holder = routingAgents.get(kase.assigneeId);
    if (holder) holder.load[channel] = (holder.load[channel] ?? 0) + 1;
  }
  const state: RoutingState = {
    agents: [...routingAgents.values()],
    queue,
    policies: routing.policies,
    roundRobin,
    ...(routing.handleSeconds && { handleSeconds: routing.handleSeconds }),
  };
  return { state, waiting, agents };
}

/** The policy that decides what happens to this case when its agent goes offline; null for a case routing does not see. */
export function offlinePolicy(routing: RoutingSettings, kase: Case): RoutingPolicy | null {
  const channel = routedChannel(kase);
  return channel === null ? null : policyFor(routing.policies, waitingCaseOf(kase, channel));
}
