import type { Case, QueueResponse, RoutingNote } from '@casekit/protocol';
import { route, type QueuedCase, type RoundRobinState } from '@casekit/routing';
import { authorize } from '../rules.ts';
import type { AgentActor, RoutingPass, SystemActor } from '../types.ts';
import type { EngineContext, Step } from './context.ts';
import { offlinePolicy, ROUTED_STATUSES, routedChannel, routingSettingsOf, takeSnapshot, type RoutingSnapshot } from './routing.ts';

/** How long a computed queue answers customers' "where am I" before it is taken again. */
const QUEUE_VIEW_TTL_MS = 2_000;

/** Per workspace: the round-robin cursors, and the last queue computed with the events it saw. */
export interface RoutingMemory {
  cursors: Map<string, RoundRobinState>;
  queues: Map<string, { generation: number; takenAt: number; places: Map<string, QueuedCase> }>;
}

export const createRoutingMemory = (): RoutingMemory => ({ cursors: new Map(), queues: new Map() });

/** Writes a case routing changed (its assignee), with the event that says which policy and why. */
async function saveRouted({ tx, emit, at }: Step, before: Case, after: Case, note: RoutingNote): Promise<void> {
  await tx.updateCase(after, before.version);
  await emit({
    type: 'case.updated',
    workspaceId: after.workspaceId,
    at,
    actorId: null,
    caseId: after.id,
    customerId: after.customerId,
    data: { case: after, changes: { assigneeId: [before.assigneeId, after.assigneeId] }, routing: note },
  });
}

/**
 * One routing pass, one transaction: reads agents, their load and the queue, decides with
 * `@casekit/routing`, and gives each chosen case to its agent (a `case.updated` carrying the
 * policy and reason). The snapshot is read in the same transaction, so what it decides on is
 * what it writes over.
 */
export async function routeWaitingCases(ctx: EngineContext, memory: RoutingMemory, actor: SystemActor): Promise<RoutingPass> {
  const { workspaceId } = actor;
  // The callback may run again after a lost race: the cursor moves only with the pass that committed.
  let roundRobin: RoundRobinState = {};
  const pass = await ctx.run(workspaceId, async (step) => {
    const { tx, at, now } = step;
    const routing = await routingSettingsOf(tx, workspaceId);
    const snapshot = await takeSnapshot(tx, workspaceId, routing, memory.cursors.get(workspaceId) ?? {});
    const decisions = route(snapshot.state, now.getTime());
    const assignedAgents = new Set<string>();
    for (const assignment of decisions.assignments) {
      const kase = snapshot.waiting.get(assignment.caseId)!;
      const after: Case = { ...kase, assigneeId: assignment.agentId, updatedAt: at, version: kase.version + 1 };
      await saveRouted(step, kase, after, { policyId: assignment.policyId, reason: assignment.reason, step: assignment.step });
      assignedAgents.add(assignment.agentId);
    }
    for (const agentId of assignedAgents) await tx.updateAgent({ ...snapshot.agents.get(agentId)!, lastAssignedAt: at });
    roundRobin = decisions.roundRobin;
    return {
      assignments: decisions.assignments,
      waiting: decisions.queue.length,
      ...(decisions.nextWideningAt !== null && { nextWideningAt: new Date(decisions.nextWideningAt).toISOString() }),
    };
  });
  memory.cursors.set(workspaceId, roundRobin);
  return pass;
}

/**
 * Gives an agent's open cases back to the queue where their policy says `reassign`, inside the
 * transaction that takes the agent offline; the next routing pass hands them out again.
 */
export async function releaseCasesOf(step: Step, workspaceId: string, agentId: string): Promise<number> {
  const { tx, at } = step;
  const routing = await routingSettingsOf(tx, workspaceId);
  const held: Case[] = [];
  let cursor: string | undefined;
  do {
    const page = await tx.listCases(workspaceId, { assignee: agentId, status: [...ROUTED_STATUSES], limit: 200, ...(cursor && { cursor }) });
    held.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  let released = 0;
  for (const kase of held) {
    const policy = offlinePolicy(routing, kase);
    if (policy?.onAgentOffline !== 'reassign') continue;
    // It goes back with the time it first queued: ahead of cases that came later.
    const after: Case = { ...kase, assigneeId: null, queuedAt: kase.queuedAt ?? kase.createdAt, updatedAt: at, version: kase.version + 1 };
    await saveRouted(step, kase, after, { policyId: policy.id, reason: 'agent-offline', step: 0 });
    released++;
  }
  return released;
}

/**
 * Where every waiting case stands now, in routing order: a case a pass would give out right now
 * is first in line with no wait (the pass is on its way); the others have their place and estimate.
 */
async function currentQueue(ctx: EngineContext, memory: RoutingMemory, workspaceId: string, now: number): Promise<{ snapshot: RoutingSnapshot; places: Map<string, QueuedCase> }> {
  const routing = await routingSettingsOf(ctx.store, workspaceId);
  const snapshot = await takeSnapshot(ctx.store, workspaceId, routing, memory.cursors.get(workspaceId) ?? {});
  const decisions = route(snapshot.state, now);
  const places = new Map<string, QueuedCase>();
  for (const assignment of decisions.assignments) places.set(assignment.caseId, { caseId: assignment.caseId, position: 1, estimatedWaitSeconds: 0, policyId: assignment.policyId });
  for (const queued of decisions.queue) places.set(queued.caseId, queued);
  return { snapshot, places };
}

/** Where a waiting case stands: its place among cases of its team and channel, and a rough wait; null when it is not waiting. */
export async function placeInQueue(ctx: EngineContext, memory: RoutingMemory, workspaceId: string, caseId: string): Promise<QueuedCase | null> {
  const now = ctx.now().getTime();
  const generation = ctx.generation(workspaceId);
  let cached = memory.queues.get(workspaceId);
  if (!cached || cached.generation !== generation || now - cached.takenAt >= QUEUE_VIEW_TTL_MS) {
    cached = { generation, takenAt: now, places: (await currentQueue(ctx, memory, workspaceId, now)).places };
    memory.queues.set(workspaceId, cached);
  }
  return cached.places.get(caseId) ?? null;
}

/** The live queue for supervisors: every waiting case in routing order with its place, and every agent's load. */
export async function queueView(ctx: EngineContext, memory: RoutingMemory, actor: AgentActor): Promise<QueueResponse> {
  authorize(actor, 'viewQueue');
  const now = ctx.now();
  const { snapshot, places } = await currentQueue(ctx, memory, actor.workspaceId, now.getTime());
  return {
    at: now.toISOString(),
    cases: [...places.values()].map((place) => {
      const kase = snapshot.waiting.get(place.caseId)!;
      return {
        case: kase,
        channel: routedChannel(kase)!,
        waitingSince: kase.queuedAt ?? kase.createdAt,
        position: place.position,
        estimatedWaitSeconds: place.estimatedWaitSeconds,
        policyId: place.policyId,
      };
    }),
    agents: snapshot.state.agents.map((agent) => ({ agentId: agent.id, presence: agent.presence, load: agent.load, capacity: agent.capacity })),
  };
}
