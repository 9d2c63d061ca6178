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
import { compareCases, freeSlots, isEligible, nextStepAt, policyFor, stepIndex } from './internal/eligibility.ts';

const DEFAULT_HANDLE_SECONDS = 300;

interface Seat {
  agent: RoutingAgent;
  load: Partial<Record<ChannelKind, number>>;
  idleSince: Millis;
}

/**
 * Decides which waiting cases go to which agents at `now`. Pure: the same state and `now` give
 * the same decisions whatever the order of `state.agents` and `state.queue`.
 * @example
 * const { assignments, queue, roundRobin } = route(state, Date.now());
 */
export function route(state: RoutingState, now: Millis): RoutingDecisions {
  const seats = new Map<string, Seat>();
  // Per channel kind, the online agents with a free slot on it, by id.
  const open = new Map<ChannelKind, Seat[]>();
  for (const agent of [...state.agents].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const seat: Seat = { agent, load: { ...agent.load }, idleSince: agent.idleSince };
    seats.set(agent.id, seat);
    if (agent.presence !== 'online') continue;
    for (const channel of Object.keys(agent.capacity) as ChannelKind[]) {
      if (freeSlots(agent, channel) <= 0) continue;
      let list = open.get(channel);
      if (!list) open.set(channel, (list = []));
      list.push(seat);
    }
  }

  const roundRobin = { ...state.roundRobin };
  const assignments: Assignment[] = [];
  const waiting: { waiting: WaitingCase; policy: RoutingPolicy }[] = [];

  for (const waitingCase of [...state.queue].sort(compareCases)) {
    const policy = policyFor(state.policies, waitingCase);
    const pool = open.get(waitingCase.channel);
    if (policy.mode === 'manual' || !pool || pool.length === 0) {
      waiting.push({ waiting: waitingCase, policy });
      continue;
    }
    const step = stepIndex(policy, waitingCase, now);
    const chosen = choose(policy, waitingCase, step, pool, seats, roundRobin[policy.id]);
    if (!chosen) {
      waiting.push({ waiting: waitingCase, policy });
      continue;
    }
    const { seat, reason } = chosen;
    const channel = waitingCase.channel;
    seat.load[channel] = (seat.load[channel] ?? 0) + 1;
    seat.idleSince = now;
    if ((seat.agent.capacity[channel] ?? 0) - seat.load[channel]! <= 0) pool.splice(pool.indexOf(seat), 1);
    if (reason === 'round-robin') roundRobin[policy.id] = seat.agent.id;
    assignments.push({ caseId: waitingCase.id, agentId: seat.agent.id, policyId: policy.id, reason, step });
  }

  return { assignments, queue: queuePositions(state, waiting), roundRobin, nextWideningAt: nextWidening(waiting, now) };
}

function choose(
  policy: RoutingPolicy,
  waitingCase: WaitingCase,
  step: number,
  pool: Seat[],
  seats: Map<string, Seat>,
  cursor: string | undefined,
): { seat: Seat; reason: Assignment['reason'] } | null {
  const rule = policy.widening[step]!;
  if (policy.sticky && waitingCase.lastAgentId !== null) {
    const last = seats.get(waitingCase.lastAgentId);
    if (last && pool.includes(last) && isEligible(last.agent, waitingCase, rule)) return { seat: last, reason: 'sticky' };
  }
  if (policy.selection === 'round-robin') {
    // The first eligible agent after the cursor by id, wrapping round to the first eligible one.
    let first: Seat | null = null;
    for (const seat of pool) {
      if (!isEligible(seat.agent, waitingCase, rule)) continue;
      if (cursor === undefined || seat.agent.id > cursor) return { seat, reason: 'round-robin' };
      first ??= seat;
    }
    return first && { seat: first, reason: 'round-robin' };
  }
  // The lowest share of the agent's capacity on this channel in use (load / capacity, compared
  // as load × other's capacity so that it stays exact), then the longest idle, then the id.
  const channel = waitingCase.channel;
  let best: Seat | null = null;
  let bestLoad = 0;
  let bestCapacity = 1;
  for (const seat of pool) {
    const load = seat.load[channel] ?? 0;
    const capacity = seat.agent.capacity[channel]!;
    if (best) {
      const order = load * bestCapacity - bestLoad * capacity;
      if (order > 0 || (order === 0 && seat.idleSince >= best.idleSince)) continue;
    }
    if (!isEligible(seat.agent, waitingCase, rule)) continue;
    best = seat;
    bestLoad = load;
    bestCapacity = capacity;
  }
  return best && { seat: best, reason: 'least-loaded' };
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
function queuePositions(state: RoutingState, waiting: { waiting: WaitingCase; policy: RoutingPolicy }[]): QueuedCase[] {
  const positions = new Map<string, number>();
  const slots = new Map<string, number>();
  return waiting.map(({ waiting: waitingCase, policy }) => {
    const key = `${waitingCase.team ?? ''}\u0000${waitingCase.channel}`;
    const position = (positions.get(key) ?? 0) + 1;
    positions.set(key, position);
    let estimatedWaitSeconds: number | null = null;
    if (policy.mode === 'auto') {
      const widest = policy.widening[policy.widening.length - 1]!;
      const slotKey = `${policy.id}\u0000${widest.team ? key : waitingCase.channel}`;
      let count = slots.get(slotKey);
      if (count === undefined) {
        count = 0;
        for (const agent of state.agents) {
          if (agent.presence !== 'online') continue;
          if (widest.team && waitingCase.team !== null && !agent.teams.includes(waitingCase.team)) continue;
          count += agent.capacity[waitingCase.channel] ?? 0;
        }
        slots.set(slotKey, count);
      }
      if (count > 0) {
        const handle = state.handleSeconds?.[waitingCase.channel] ?? DEFAULT_HANDLE_SECONDS;
        estimatedWaitSeconds = Math.ceil(position / count) * handle;
      }
    }
    return { caseId: waitingCase.id, policyId: policy.id, position, estimatedWaitSeconds };
  });
}
