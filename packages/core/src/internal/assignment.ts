import type { Case, QueueResponse, RoutingNote } from '@casekit/protocol';
import { route, type Assignment, type QueuedCase, type RoundRobinState, type RoutingDecisions, type RoutingPolicy } from '@casekit/routing';
import type { AgentRecord, StoreReader } from '../ports.ts';
import { MAX_CASES_PER_TRANSACTION, refusedAsTooLarge } from '../store-rules.ts';
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

/** Gives `kase` to the agent of `assignment`: the case routing changed, with the event that says why. */
function assign(step: Step, kase: Case, assignment: Assignment): Promise<void> {
  const after: Case = { ...kase, assigneeId: assignment.agentId, updatedAt: step.at, version: kase.version + 1 };
  return saveRouted(step, kase, after, { policyId: assignment.policyId, reason: assignment.reason, step: assignment.step });
}

/** Stamps each agent that was given cases, for round-robin's "longest since". */
async function stampAssigned(step: Step, agents: Iterable<AgentRecord>): Promise<void> {
  for (const agent of agents) await step.tx.updateAgent({ ...agent, lastAssignedAt: step.at });
}

const passOf = (decisions: RoutingDecisions, assignments: Assignment[], skipped: number): RoutingPass => ({
  assignments,
  waiting: decisions.queue.length + skipped,
  ...(decisions.nextWideningAt !== null && { nextWideningAt: new Date(decisions.nextWideningAt).toISOString() }),
});

/**
 * One routing pass: reads agents, their load and the queue, decides with `@casekit/routing`, and
 * gives each chosen case to its agent (a `case.updated` carrying the policy and reason), in the
 * transaction that read the snapshot, so what it decides on is what it writes over. A store that
 * refuses that many cases at once gets them in transactions of `MAX_CASES_PER_TRANSACTION`.
 */
export async function routeWaitingCases(ctx: EngineContext, memory: RoutingMemory, actor: SystemActor): Promise<RoutingPass> {
  const { workspaceId } = actor;
  // The callback may run again after a lost race: the cursor moves only with the pass that committed.
  let roundRobin: RoundRobinState = {};
  try {
    const pass = await ctx.run(workspaceId, async (step) => {
      const { snapshot, decisions } = await decide(step.tx, memory, workspaceId, step.now);
      for (const assignment of decisions.assignments) await assign(step, snapshot.waiting.get(assignment.caseId)!, assignment);
      await stampAssigned(step, new Set(decisions.assignments.map((a) => snapshot.agents.get(a.agentId)!)));
      roundRobin = decisions.roundRobin;
      return passOf(decisions, decisions.assignments, 0);
    });
    memory.cursors.set(workspaceId, roundRobin);
    return pass;
  } catch (error) {
    if (!refusedAsTooLarge(error)) throw error;
    return routeInParts(ctx, memory, workspaceId);
  }
}

async function decide(reader: StoreReader, memory: RoutingMemory, workspaceId: string, now: Date) {
  const routing = await routingSettingsOf(reader, workspaceId);
  const snapshot = await takeSnapshot(reader, workspaceId, routing, memory.cursors.get(workspaceId) ?? {});
  return { snapshot, decisions: route(snapshot.state, now.getTime()) };
}

/**
 * A pass whose assignments are more than the store commits at once: decided on one snapshot, then
 * written a few cases a transaction. Each transaction checks again that the case still waits as
 * read and its agent is still active and online; what moved meanwhile is left for the next pass
 * (the change that moved it started one).
 */
async function routeInParts(ctx: EngineContext, memory: RoutingMemory, workspaceId: string): Promise<RoutingPass> {
  const { snapshot, decisions } = await decide(ctx.store, memory, workspaceId, ctx.now());
  const given: Assignment[] = [];
  let skipped = 0;
  for (let from = 0; from < decisions.assignments.length; from += MAX_CASES_PER_TRANSACTION) {
    const part = decisions.assignments.slice(from, from + MAX_CASES_PER_TRANSACTION);
    const done = await ctx.run(workspaceId, async (step) => {
      const committed: Assignment[] = [];
      const agents = new Map<string, AgentRecord>();
      for (const assignment of part) {
        const [kase, agent] = await Promise.all([step.tx.getCase(workspaceId, assignment.caseId), step.tx.getAgent(workspaceId, assignment.agentId)]);
        const planned = snapshot.waiting.get(assignment.caseId)!;
        if (kase?.version !== planned.version || !agent || agent.active === false || agent.presence !== 'online') continue;
        await assign(step, kase, assignment);
        agents.set(agent.id, agent);
        committed.push(assignment);
      }
      await stampAssigned(step, agents.values());
      return committed;
    });
    given.push(...done);
    skipped += part.length - done.length;
  }
  memory.cursors.set(workspaceId, decisions.roundRobin);
  return passOf(decisions, given, skipped);
}

/**
 * Gives an agent's open cases back to the queue where their policy says `reassign`, at most
 * `atMost` of them, inside the transaction that takes the agent offline; the next routing pass
 * hands them out again. True when more are left to give back.
 */
export async function releaseCasesOf(step: Step, workspaceId: string, agentId: string, atMost: number): Promise<boolean> {
  const { tx, at } = step;
  const routing = await routingSettingsOf(tx, workspaceId);
  const released: { kase: Case; policy: RoutingPolicy }[] = [];
  let cursor: string | undefined;
  // Pages until one more than `atMost` goes back: enough to know that more are left.
  do {
    const page = await tx.listCases(workspaceId, { assignee: agentId, status: [...ROUTED_STATUSES], limit: 200, ...(cursor && { cursor }) });
    for (const kase of page.items) {
      const policy = offlinePolicy(routing, kase);
      if (policy?.onAgentOffline === 'reassign') released.push({ kase, policy });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor && released.length <= atMost);
  for (const { kase, policy } of released.slice(0, atMost)) {
    // It goes back with the time it first queued: ahead of cases that came later.
    const after: Case = { ...kase, assigneeId: null, queuedAt: kase.queuedAt ?? kase.createdAt, updatedAt: at, version: kase.version + 1 };
    await saveRouted(step, kase, after, { policyId: policy.id, reason: 'agent-offline', step: 0 });
  }
  return released.length > atMost;
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
