import type { ChannelKind } from '@casekit/protocol';
import type {
  Assignment,
  Millis,
  QueuedCase,
  RoutingAgent,
  RoutingDecisions,
  RoutingPolicy,
  RoutingState,
  WaitingCase,
} from './types.ts';
import { compareCases, isEligible, nextStepAt, policyFor, stepIndex } from './internal/eligibility.ts';

const DEFAULT_HANDLE_SECONDS = 300;
/** From this many cases waiting on a channel kind, its agents are sorted once rather than scanned for each case. */
const SORT_FROM = 16;

/**
 * The agents with room on one channel kind during a pass, by their index in `state.agents`.
 * Loads change as the pass assigns; nothing is allocated per agent, so a pass over a short
 * queue costs one read of each online agent.
 */
interface Pool {
  members: number[];
  /** By agent index: open cases on this kind, and capacity (0 for agents not in the pool). */
  load: Float64Array;
  capacity: Float64Array;
  /** Members with a free slot left. */
  free: number;
  /** Members by agent id, for a long queue under round-robin (see SORT_FROM). */
  byId: number[] | null;
  /** Members with room, lightest first, for a long queue under least-loaded (see SORT_FROM). */
  byShare: number[] | null;
  /** Cases waiting on this kind at the start of the pass. */
  waiting: number;
  /** The capacity on this kind of every online agent, for the wait estimate. */
  onlineSlots: number;
}

/** What a pass reads and updates: the pools of the channel kinds in the queue, and idle times. */
interface Index {
  agents: RoutingAgent[];
  pools: Map<ChannelKind, Pool>;
  idleSince: Float64Array;
  /** Agent id → index, made once a pass has looked up a few sticky agents. */
  byAgentId: Map<string, number> | null;
  lookups: number;
}

/**
 * Decides which waiting cases go to which agents at `now`. Pure: the same state and `now` give
 * the same decisions whatever the order of `state.agents` and `state.queue`.
 * @example
 * const { assignments, queue, roundRobin, nextWideningAt } = route(state, Date.now());
 */
export function route(state: RoutingState, now: Millis): RoutingDecisions {
  const queue = [...state.queue].sort(compareCases);
  const index = indexAgents(state.agents, queue);
  const roundRobin = { ...state.roundRobin };
  const assignments: Assignment[] = [];
  const waiting: { waiting: WaitingCase; policy: RoutingPolicy }[] = [];

  for (const waitingCase of queue) {
    const policy = policyFor(state.policies, waitingCase);
    const pool = index.pools.get(waitingCase.channel)!;
    if (policy.mode === 'manual' || pool.free === 0) {
      waiting.push({ waiting: waitingCase, policy });
      continue;
    }
    const step = stepIndex(policy, waitingCase, now);
    const chosen = choose(policy, waitingCase, step, pool, index, roundRobin[policy.id]);
    if (chosen === null) {
      waiting.push({ waiting: waitingCase, policy });
      continue;
    }
    const { agent: i, reason } = chosen;
    const agentId = index.agents[i]!.id;
    if (++pool.load[i]! >= pool.capacity[i]!) pool.free--;
    index.idleSince[i] = now;
    // The agent is heavier on this kind and idle since now on every kind: move them back in the sorted pools.
    for (const other of index.pools.values()) if (other.byShare) reposition(other, index, i);
    if (reason === 'round-robin') roundRobin[policy.id] = agentId;
    assignments.push({ caseId: waitingCase.id, agentId, policyId: policy.id, reason, step });
  }

  return { assignments, queue: queuePositions(state, index, waiting), roundRobin, nextWideningAt: nextWidening(waiting, now) };
}

function indexAgents(agents: RoutingAgent[], queue: WaitingCase[]): Index {
  const pools = new Map<ChannelKind, Pool>();
  for (const { channel } of queue) {
    const pool = pools.get(channel);
    if (pool) pool.waiting++;
    else pools.set(channel, { members: [], load: new Float64Array(agents.length), capacity: new Float64Array(agents.length), free: 0, byId: null, byShare: null, waiting: 1, onlineSlots: 0 });
  }
  const kinds = [...pools];
  const idleSince = new Float64Array(agents.length);
  for (let i = 0; i < agents.length; i++) {
    const agent = agents[i]!;
    if (agent.presence !== 'online') continue;
    idleSince[i] = agent.idleSince;
    for (const [channel, pool] of kinds) {
      const capacity = agent.capacity[channel] ?? 0;
      pool.onlineSlots += capacity;
      const load = agent.load[channel] ?? 0;
      if (load >= capacity) continue;
      pool.members.push(i);
      pool.load[i] = load;
      pool.capacity[i] = capacity;
      pool.free++;
    }
  }
  return { agents, pools, idleSince, byAgentId: null, lookups: 0 };
}

function choose(
  policy: RoutingPolicy,
  waitingCase: WaitingCase,
  step: number,
  pool: Pool,
  index: Index,
  cursor: string | undefined,
): { agent: number; reason: Assignment['reason'] } | null {
  const rule = policy.widening[step]!;
  const { agents } = index;
  const { members, load, capacity } = pool;
  if (policy.sticky && waitingCase.lastAgentId !== null) {
    const last = agentIndex(index, waitingCase.lastAgentId);
    if (last >= 0 && load[last]! < capacity[last]! && isEligible(agents[last]!, waitingCase, rule)) return { agent: last, reason: 'sticky' };
  }
  if (policy.selection === 'round-robin') {
    // The first eligible agent after the cursor by id, wrapping round to the first eligible one.
    // A short queue scans the pool for the lowest id after the cursor (and the lowest of all);
    // a long one sorts the pool by id once and walks it.
    if (pool.waiting < SORT_FROM) {
      let next = -1;
      let first = -1;
      for (const i of members) {
        if (load[i]! >= capacity[i]!) continue;
        const id = agents[i]!.id;
        const after = cursor === undefined || id > cursor;
        if (after ? next >= 0 && id > agents[next]!.id : next >= 0 || (first >= 0 && id > agents[first]!.id)) continue;
        if (!isEligible(agents[i]!, waitingCase, rule)) continue;
        if (after) next = i;
        else first = i;
      }
      const chosen = next >= 0 ? next : first;
      return chosen < 0 ? null : { agent: chosen, reason: 'round-robin' };
    }
    pool.byId ??= [...members].sort((a, b) => (agents[a]!.id < agents[b]!.id ? -1 : agents[a]!.id > agents[b]!.id ? 1 : 0));
    let first = -1;
    for (const i of pool.byId) {
      if (load[i]! >= capacity[i]!) continue;
      const after = cursor === undefined || agents[i]!.id > cursor;
      if (!after && first >= 0) continue;
      if (!isEligible(agents[i]!, waitingCase, rule)) continue;
      if (after) return { agent: i, reason: 'round-robin' };
      first = i;
    }
    return first < 0 ? null : { agent: first, reason: 'round-robin' };
  }
  // The lightest eligible agent (see `lighter`). A short queue scans the pool for each case,
  // checking eligibility only for an agent lighter than the best so far; a long one sorts it once.
  if (pool.waiting >= SORT_FROM) {
    pool.byShare ??= members.filter((i) => load[i]! < capacity[i]!).sort((a, b) => lighter(pool, index, a, b));
    for (const i of pool.byShare) if (isEligible(agents[i]!, waitingCase, rule)) return { agent: i, reason: 'least-loaded' };
    return null;
  }
  let best = -1;
  for (const i of members) {
    if (load[i]! >= capacity[i]!) continue;
    if (best >= 0 && lighter(pool, index, i, best) > 0) continue;
    if (isEligible(agents[i]!, waitingCase, rule)) best = i;
  }
  return best < 0 ? null : { agent: best, reason: 'least-loaded' };
}

/** The index of the agent with this id, or -1: a scan for the first few, then a map. */
function agentIndex(index: Index, id: string): number {
  if (index.byAgentId === null && ++index.lookups > 8) {
    index.byAgentId = new Map();
    index.agents.forEach((agent, i) => index.byAgentId!.has(agent.id) || index.byAgentId!.set(agent.id, i));
  }
  return index.byAgentId ? (index.byAgentId.get(id) ?? -1) : index.agents.findIndex((agent) => agent.id === id);
}

/**
 * Least-loaded order: the lowest share of the agent's capacity on the kind in use (load / capacity,
 * compared as load × other's capacity so that it stays exact), then the longest idle, then the id.
 */
function lighter({ load, capacity }: Pool, { agents, idleSince }: Index, a: number, b: number): number {
  return load[a]! * capacity[b]! - load[b]! * capacity[a]! || idleSince[a]! - idleSince[b]! || (agents[a]!.id < agents[b]!.id ? -1 : agents[a]!.id > agents[b]!.id ? 1 : 0);
}

/** Puts agent `i` back in its place in a sorted pool after their load or idle time changed, or out when full. */
function reposition(pool: Pool, index: Index, i: number): void {
  const order = pool.byShare!;
  const at = order.indexOf(i);
  if (at < 0) return; // full on this kind since before: loads only grow during a pass
  order.splice(at, 1);
  if (pool.load[i]! >= pool.capacity[i]!) return;
  let low = 0;
  let high = order.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (lighter(pool, index, order[middle]!, i) < 0) low = middle + 1;
    else high = middle;
  }
  order.splice(low, 0, i);
}

/** The earliest time a case left waiting moves to its next widening step; manual cases never do. */
function nextWidening(waiting: { waiting: WaitingCase; policy: RoutingPolicy }[], now: Millis): Millis | null {
  let next: Millis | null = null;
  for (const { waiting: waitingCase, policy } of waiting) {
    if (policy.mode === 'manual') continue;
    const at = nextStepAt(policy, waitingCase, now);
    if (at !== null && (next === null || at < next)) next = at;
  }
  return next;
}

/**
 * Positions count within a team and channel kind. The estimate assumes every slot any online
 * agent of the team has on that channel frees once per average handle time.
 */
function queuePositions(state: RoutingState, index: Index, waiting: { waiting: WaitingCase; policy: RoutingPolicy }[]): QueuedCase[] {
  const positions = new Map<string, number>();
  const teamSlots = new Map<string, number>();
  return waiting.map(({ waiting: waitingCase, policy }) => {
    const channel = waitingCase.channel;
    const key = `${waitingCase.team ?? ''}\u0000${channel}`;
    const position = (positions.get(key) ?? 0) + 1;
    positions.set(key, position);
    let estimatedWaitSeconds: number | null = null;
    if (policy.mode === 'auto') {
      const widest = policy.widening[policy.widening.length - 1]!;
      let count = index.pools.get(channel)!.onlineSlots;
      if (widest.team && waitingCase.team !== null) {
        const team = waitingCase.team;
        count = teamSlots.get(key) ?? 0;
        if (!teamSlots.has(key)) {
          for (const agent of state.agents) if (agent.presence === 'online' && agent.teams.includes(team)) count += agent.capacity[channel] ?? 0;
          teamSlots.set(key, count);
        }
      }
      if (count > 0) {
        const handle = state.handleSeconds?.[channel] ?? DEFAULT_HANDLE_SECONDS;
        estimatedWaitSeconds = Math.ceil(position / count) * handle;
      }
    }
    return { caseId: waitingCase.id, policyId: policy.id, position, estimatedWaitSeconds };
  });
}
