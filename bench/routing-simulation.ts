/**
 * Routing simulation: a discrete-event run of a contact centre through the real `route()` and
 * `agentWentOffline()`, once per policy on the same seeded workload, against plain round-robin
 * (the baseline) in the same run. Poisson arrivals on four channel kinds with their own handle
 * times and capacities, skills with levels, languages, agents going off and on line (their open
 * cases reassigned), exponential handle times, and a pass after every change plus one timer for
 * `nextWideningAt`.
 *   pnpm --filter @casekit/bench routing-simulation [--quick] [--agents 1000 --cases 100000 --utilisation 0.88 --seed 7]
 */
import type { ChannelKind, Priority } from '@casekit/protocol';
import {
  agentWentOffline,
  route,
  type RoutingAgent,
  type RoutingDecisions,
  type RoutingPolicy,
  type RoutingState,
  type WaitingCase,
  type WideningStep,
} from '@casekit/routing';
import { benchOptions, percentile, progress, saveResult, table } from './lib.ts';

const values = benchOptions({
  quick: { type: 'boolean', default: false },
  agents: { type: 'string' },
  cases: { type: 'string' },
  utilisation: { type: 'string', default: '0.88' },
  seed: { type: 'string', default: '7' },
});
const AGENTS = Number(values.agents ?? (values.quick ? 100 : 1000));
const CASES = Number(values.cases ?? (values.quick ? 10_000 : 100_000));
const UTILISATION = Number(values.utilisation);
const SEED = Number(values.seed);
/** Cases that arrive before this share of the run warm the system up and are left out of the figures. */
const WARM_UP = 0.1;
/** After the last arrival, cases still waiting this long past it count as never served. */
const DRAIN_MS = 3_600_000;
const SAMPLE_EVERY_MS = 60_000;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);

// ---- The workload: the same for every policy --------------------------------------------------

/** Mulberry32: a small seeded generator, so every run and every policy sees the same workload. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const random = createRandom(SEED);
const exponential = (mean: number) => -Math.log(1 - random()) * mean;
function weighted<T>(entries: readonly (readonly [T, number])[]): T {
  let r = random() * entries.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [value, weight] of entries) if ((r -= weight) < 0) return value;
  return entries[entries.length - 1]![0];
}

type Kind = 'webchat' | 'email' | 'whatsapp' | 'sms';
const KINDS = ['webchat', 'email', 'whatsapp', 'sms'] as const satisfies readonly ChannelKind[];
/** Share of arrivals and mean handle seconds per channel kind: a slot is held for the handle time. */
const MIX: Record<Kind, { share: number; handleSeconds: number }> = {
  webchat: { share: 0.4, handleSeconds: 450 },
  email: { share: 0.25, handleSeconds: 1_440 },
  whatsapp: { share: 0.2, handleSeconds: 900 },
  sms: { share: 0.15, handleSeconds: 1_200 },
};
/** Agents of one profile have equal capacity. */
const PROFILES = {
  senior: { weight: 0.2, capacity: { webchat: 4, email: 8, whatsapp: 4, sms: 4 }, levels: [3, 5] },
  standard: { weight: 0.6, capacity: { webchat: 3, email: 6, whatsapp: 3, sms: 3 }, levels: [2, 5] },
  trainee: { weight: 0.2, capacity: { webchat: 2, email: 4, whatsapp: 2, sms: 2 }, levels: [1, 3] },
} as const;
type Profile = keyof typeof PROFILES;
const SKILLS = ['fiber', 'billing', 'wifi', 'tv', 'voip'];
/** Customers write English, Spanish or Polish; every agent speaks English, some also the others. */
const CUSTOMER_LANGUAGES = [['en', 0.7], ['es', 0.2], ['pl', 0.1]] as const;
const AGENT_LANGUAGES = { es: 0.35, pl: 0.2 };
/** Mean minutes online and offline: agents take breaks and end shifts during the run. */
const ONLINE_MEAN_MS = 45 * 60_000;
const OFFLINE_MEAN_MS = 8 * 60_000;
const ONLINE_SHARE = ONLINE_MEAN_MS / (ONLINE_MEAN_MS + OFFLINE_MEAN_MS);

interface SimAgent {
  id: string;
  profile: Profile;
  base: Omit<RoutingAgent, 'presence' | 'load' | 'idleSince'>;
  startsOnline: boolean;
  /** Times at which the agent's presence flips, from `startsOnline`. */
  flips: number[];
}
interface SimCase {
  id: string;
  customer: number;
  priority: Priority;
  channel: Kind;
  skills: WaitingCase['skills'];
  language: string;
  arrival: number;
  handleMs: number;
}

const simAgents: SimAgent[] = Array.from({ length: AGENTS }, (_, i) => {
  const profile = weighted(Object.entries(PROFILES).map(([name, p]) => [name as Profile, p.weight] as const));
  const [low, high] = PROFILES[profile].levels;
  const skills = SKILLS.filter(() => random() < 0.6).map((name) => ({ name, level: low + Math.floor(random() * (high - low + 1)) }));
  if (skills.length === 0) skills.push({ name: SKILLS[i % SKILLS.length]!, level: low });
  const languages = ['en', ...(random() < AGENT_LANGUAGES.es ? ['es'] : []), ...(random() < AGENT_LANGUAGES.pl ? ['pl'] : [])];
  return {
    id: `agent-${String(i).padStart(4, '0')}`,
    profile,
    base: { id: `agent-${String(i).padStart(4, '0')}`, teams: [], skills, languages, capacity: { ...PROFILES[profile].capacity } },
    startsOnline: random() < ONLINE_SHARE,
    flips: [],
  };
});

// Arrivals: the rate that puts the online slots of each channel kind at UTILISATION, given the
// mix and handle times (each kind's offered load per online agent is the same by construction).
const meanCapacity = (kind: Kind) => Object.values(PROFILES).reduce((sum, p) => sum + p.weight * p.capacity[kind], 0);
const erlangsPerArrival = Math.max(...KINDS.map((kind) => (MIX[kind].share * MIX[kind].handleSeconds) / meanCapacity(kind)));
const ARRIVALS_PER_SECOND = (UTILISATION * AGENTS * ONLINE_SHARE) / erlangsPerArrival;
const CUSTOMERS = Math.round(CASES * 0.5);
const customerLanguage = new Map<number, string>();
function createCase(i: number, arrival: number, customer: number, language: string, channel: Kind): SimCase {
  return {
    id: `case-${String(i).padStart(6, '0')}`,
    customer,
    priority: weighted([['urgent', 0.03], ['high', 0.12], ['normal', 0.75], ['low', 0.1]] as const),
    channel,
    skills: random() < 0.7 ? [{ name: SKILLS[Math.floor(random() * SKILLS.length)]!, minLevel: weighted([[3, 0.6], [4, 0.3], [5, 0.1]]) }] : [],
    language,
    arrival,
    handleMs: Math.max(1, Math.round(exponential(MIX[channel].handleSeconds * 1000))),
  };
}
let clock = T0;
const simCases: SimCase[] = Array.from({ length: CASES }, (_, i) => {
  clock += exponential(1000 / ARRIVALS_PER_SECOND);
  const customer = Math.floor(random() * CUSTOMERS);
  let language = customerLanguage.get(customer);
  if (language === undefined) customerLanguage.set(customer, (language = weighted(CUSTOMER_LANGUAGES)));
  return createCase(i, Math.round(clock), customer, language, weighted(KINDS.map((kind) => [kind, MIX[kind].share] as const)));
});
const LAST_ARRIVAL = simCases[simCases.length - 1]!.arrival;
// The run starts in steady state: each agent online at the start already holds, per channel kind,
// Binomial(capacity, utilisation) cases (with exponential handle times left), which are not measured.
const prefill: { agent: number; case: number }[] = [];
simAgents.forEach((agent, a) => {
  if (!agent.startsOnline) return;
  for (const kind of KINDS) {
    for (let slot = 0; slot < agent.base.capacity[kind]!; slot++) {
      if (random() >= UTILISATION) continue;
      const language = agent.base.languages[Math.floor(random() * agent.base.languages.length)]!;
      prefill.push({ agent: a, case: simCases.push({ ...createCase(simCases.length, T0, -1 - simCases.length, language, kind), skills: [] }) - 1 });
    }
  }
});
const MEASURE_FROM = simCases[Math.floor(CASES * WARM_UP)]!.arrival;
for (const agent of simAgents) {
  let online = agent.startsOnline;
  for (let at = T0 + exponential(online ? ONLINE_MEAN_MS : OFFLINE_MEAN_MS); at < LAST_ARRIVAL + DRAIN_MS; at += exponential(online ? ONLINE_MEAN_MS : OFFLINE_MEAN_MS)) {
    agent.flips.push(Math.round(at));
    online = !online;
  }
}
const caseIndex = new Map(simCases.map((c, i) => [c.id, i]));
const agentIndex = new Map(simAgents.map((a, i) => [a.id, i]));

// ---- The policies ------------------------------------------------------------------------------

const anyLevel: WideningStep = { afterSeconds: 0, minLevel: 1, language: true, team: false };
const policy = (id: string, overrides: Partial<RoutingPolicy>): RoutingPolicy => ({
  id, mode: 'auto', selection: 'least-loaded', sticky: false, widening: [anyLevel], onAgentOffline: 'reassign', ...overrides,
});
const POLICIES: { name: string; policy: RoutingPolicy }[] = [
  { name: 'round-robin (baseline)', policy: policy('round-robin', { selection: 'round-robin' }) },
  { name: 'least-loaded', policy: policy('least-loaded', {}) },
  {
    name: 'skills, level ≥ 3 for 60 s',
    policy: policy('skills', { widening: [{ ...anyLevel, minLevel: 3 }, { ...anyLevel, afterSeconds: 60 }] }),
  },
  { name: 'sticky + least-loaded', policy: policy('sticky', { sticky: true }) },
];

// ---- The event loop ------------------------------------------------------------------------------

const ARRIVE = 0;
const COMPLETE = 1;
const FLIP = 2;
const TIMER = 3;
const SAMPLE = 4;
interface SimEvent {
  at: number;
  seq: number;
  kind: number;
  /** The case (ARRIVE, COMPLETE) or agent (FLIP) index. */
  index: number;
  /** COMPLETE: the case's assignment it ends; FLIP: which of the agent's flips. */
  tag: number;
}

/** A binary min-heap of events by time, then by the order they were scheduled. */
class EventQueue {
  private heap: SimEvent[] = [];
  private seq = 0;
  get size() {
    return this.heap.length;
  }
  push(at: number, kind: number, index = 0, tag = 0) {
    const heap = this.heap;
    const event = { at, seq: this.seq++, kind, index, tag };
    let i = heap.push(event) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(event, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = event;
  }
  pop(): SimEvent {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const child = left + 1 < heap.length && before(heap[left + 1]!, heap[left]!) ? left + 1 : left;
        if (!before(heap[child]!, last)) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}
const before = (a: SimEvent, b: SimEvent) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

interface PolicyResult {
  waitsSeconds: number[];
  /** The same per customer language: English, Spanish and Polish speakers differ in number. */
  waitsByLanguage: Map<string, number[]>;
  neverServed: number;
  measured: number;
  routeMs: number;
  decisions: number;
  passes: number;
  spread: { all: number[]; equalCapacity: number[]; equalCapacityPerKind: number[]; equalCapacityDeviation: number[] };
  utilisation: number[];
  /** The same for agents who speak English only, and for those who also speak Spanish or Polish. */
  utilisationEnglishOnly: number[];
  utilisationMultilingual: number[];
  atLevelAsked: number;
  assigned: number;
  returning: number;
  backToLastAgent: number;
  reassigned: number;
  simulatedSeconds: number;
}

function simulate(name: string, chosen: RoutingPolicy): PolicyResult {
  const agents: RoutingAgent[] = simAgents.map((a) => ({ ...a.base, presence: a.startsOnline ? 'online' : 'offline', load: {}, idleSince: T0 }));
  const open = simAgents.map(() => new Set<number>());
  const total = simCases.length;
  const assignedTo = new Int32Array(total).fill(-1);
  const token = new Int32Array(total);
  const waitStart = new Float64Array(total);
  const waited = new Float64Array(total);
  const servedFrom = new Float64Array(total);
  const remaining = Float64Array.from(simCases, (c) => c.handleMs);
  const everAssigned = new Uint8Array(total);
  const lastAgent = new Map<number, string>();
  const policies = { default: chosen };
  let roundRobin: RoutingState['roundRobin'] = {};
  let waiting: WaitingCase[] = [];
  let timerAt: number | null = null;
  const result: PolicyResult = {
    waitsSeconds: [], waitsByLanguage: new Map(), neverServed: 0, measured: 0, routeMs: 0, decisions: 0, passes: 0,
    spread: { all: [], equalCapacity: [], equalCapacityPerKind: [], equalCapacityDeviation: [] }, utilisation: [], utilisationEnglishOnly: [], utilisationMultilingual: [],
    atLevelAsked: 0, assigned: 0, returning: 0, backToLastAgent: 0, reassigned: 0, simulatedSeconds: 0,
  };
  const events = new EventQueue();
  for (let i = 0; i < CASES; i++) events.push(simCases[i]!.arrival, ARRIVE, i);
  simAgents.forEach((a, i) => a.flips.length > 0 && events.push(a.flips[0]!, FLIP, i, 0));
  events.push(MEASURE_FROM, SAMPLE);
  const tick = progress(name.padEnd(28), CASES);
  let arrived = 0;

  const waitingCase = (i: number): WaitingCase => {
    const c = simCases[i]!;
    return { id: c.id, priority: c.priority, channel: c.channel, skills: c.skills, language: c.language, team: null, enqueuedAt: c.arrival, lastAgentId: lastAgent.get(c.customer) ?? null };
  };

  function apply(decisions: RoutingDecisions, now: number) {
    roundRobin = decisions.roundRobin;
    if (decisions.assignments.length > 0) {
      for (const { caseId, agentId } of decisions.assignments) {
        const i = caseIndex.get(caseId)!;
        const a = agentIndex.get(agentId)!;
        const c = simCases[i]!;
        const agent = agents[a]!;
        agent.load[c.channel] = (agent.load[c.channel] ?? 0) + 1;
        agent.idleSince = now;
        open[a]!.add(i);
        waited[i] = waited[i]! + now - waitStart[i]!;
        assignedTo[i] = a;
        servedFrom[i] = now;
        events.push(now + remaining[i]!, COMPLETE, i, ++token[i]!);
        if (!everAssigned[i]) {
          everAssigned[i] = 1;
          result.assigned++;
          if (c.skills.every((need) => agent.skills.some((s) => s.name === need.name && s.level >= need.minLevel))) result.atLevelAsked++;
          const last = lastAgent.get(c.customer);
          if (last !== undefined) {
            result.returning++;
            if (last === agentId) result.backToLastAgent++;
          }
        }
        lastAgent.set(c.customer, agentId);
      }
      const taken = new Set(decisions.assignments.map((a) => a.caseId));
      waiting = waiting.filter((w) => !taken.has(w.id));
    }
    const next = decisions.nextWideningAt;
    if (next !== null && (timerAt === null || next < timerAt || timerAt <= now)) {
      timerAt = next;
      events.push(next, TIMER);
    }
  }

  function pass(now: number) {
    if (waiting.length === 0) return;
    const start = performance.now();
    const decisions = route({ agents, queue: waiting, policies, roundRobin }, now);
    result.routeMs += performance.now() - start;
    result.decisions += waiting.length;
    result.passes++;
    apply(decisions, now);
  }

  function goOffline(a: number, now: number) {
    const agent = agents[a]!;
    const held = [...open[a]!];
    const start = performance.now();
    const decisions = agentWentOffline({ agents, queue: waiting, policies, roundRobin }, agent.id, held.map(waitingCase), now);
    result.routeMs += performance.now() - start;
    result.decisions += waiting.length + decisions.released.length;
    result.passes++;
    agent.presence = 'offline';
    for (const id of decisions.released) {
      const i = caseIndex.get(id)!;
      const c = simCases[i]!;
      agent.load[c.channel]! -= 1;
      open[a]!.delete(i);
      token[i]!++;
      assignedTo[i] = -1;
      remaining[i] = Math.max(1, remaining[i]! - (now - servedFrom[i]!));
      waitStart[i] = now;
      waiting.push(waitingCase(i));
      result.reassigned++;
    }
    apply(decisions, now);
  }

  function sample(now: number) {
    let busy = 0;
    let slots = 0;
    const english = { busy: 0, slots: 0 };
    const multilingual = { busy: 0, slots: 0 };
    let low = Infinity;
    let high = -Infinity;
    const byProfile = new Map<Profile, { low: number; high: number; kindLow: number[]; kindHigh: number[]; totals: number[] }>();
    agents.forEach((agent, a) => {
      if (agent.presence !== 'online') return;
      let total = 0;
      let own = 0;
      for (const kind of KINDS) {
        total += agent.load[kind] ?? 0;
        own += agent.capacity[kind] ?? 0;
      }
      busy += total;
      slots += own;
      const speakers = agent.languages.length > 1 ? multilingual : english;
      speakers.busy += total;
      speakers.slots += own;
      low = Math.min(low, total);
      high = Math.max(high, total);
      const profile = simAgents[a]!.profile;
      let group = byProfile.get(profile);
      if (!group) byProfile.set(profile, (group = { low: Infinity, high: -Infinity, kindLow: KINDS.map(() => Infinity), kindHigh: KINDS.map(() => -Infinity), totals: [] }));
      group.totals.push(total);
      group.low = Math.min(group.low, total);
      group.high = Math.max(group.high, total);
      KINDS.forEach((kind, k) => {
        group.kindLow[k] = Math.min(group.kindLow[k]!, agent.load[kind] ?? 0);
        group.kindHigh[k] = Math.max(group.kindHigh[k]!, agent.load[kind] ?? 0);
      });
    });
    if (slots === 0) return;
    result.utilisation.push(busy / slots);
    result.utilisationEnglishOnly.push(english.busy / english.slots);
    result.utilisationMultilingual.push(multilingual.busy / multilingual.slots);
    result.spread.all.push(high - low);
    const groups = [...byProfile.values()];
    result.spread.equalCapacity.push(Math.max(...groups.map((g) => g.high - g.low)));
    result.spread.equalCapacityPerKind.push(Math.max(...groups.flatMap((g) => g.kindHigh.map((h, k) => h - g.kindLow[k]!))));
    // The standard deviation of open cases within each profile, weighted by the profile's size.
    const agentsOnline = groups.reduce((sum, g) => sum + g.totals.length, 0);
    result.spread.equalCapacityDeviation.push(groups.reduce((sum, g) => sum + standardDeviation(g.totals) * g.totals.length, 0) / agentsOnline);
  }

  for (const { agent: a, case: i } of prefill) {
    const agent = agents[a]!;
    const kind = simCases[i]!.channel;
    agent.load[kind] = (agent.load[kind] ?? 0) + 1;
    open[a]!.add(i);
    assignedTo[i] = a;
    everAssigned[i] = 1;
    servedFrom[i] = T0;
    events.push(T0 + remaining[i]!, COMPLETE, i, token[i]!);
  }

  let now = T0;
  while (events.size > 0) {
    const event = events.pop();
    now = event.at;
    if (now > LAST_ARRIVAL + DRAIN_MS) break;
    if (event.kind === ARRIVE) {
      waitStart[event.index] = now;
      waiting.push(waitingCase(event.index));
      tick(++arrived);
      pass(now);
    } else if (event.kind === COMPLETE) {
      const i = event.index;
      if (event.tag !== token[i]) continue; // released when its agent went offline
      const a = assignedTo[i]!;
      const agent = agents[a]!;
      agent.load[simCases[i]!.channel]! -= 1;
      open[a]!.delete(i);
      assignedTo[i] = -1;
      if (open[a]!.size === 0) agent.idleSince = now;
      pass(now);
    } else if (event.kind === FLIP) {
      const a = event.index;
      const flips = simAgents[a]!.flips;
      if (event.tag + 1 < flips.length) events.push(flips[event.tag + 1]!, FLIP, a, event.tag + 1);
      if (agents[a]!.presence === 'online') goOffline(a, now);
      else {
        agents[a]!.presence = 'online';
        agents[a]!.idleSince = now;
        pass(now);
      }
    } else if (event.kind === TIMER) {
      if (event.at !== timerAt) continue;
      timerAt = null;
      pass(now);
    } else if (event.kind === SAMPLE) {
      sample(now);
      if (now + SAMPLE_EVERY_MS <= LAST_ARRIVAL) events.push(now + SAMPLE_EVERY_MS, SAMPLE);
    }
    if (arrived === CASES && waiting.length === 0) break;
  }
  result.simulatedSeconds = (now - T0) / 1000;
  // A case still waiting when the run stops (never taken, or released and not taken again) was never served.
  const left = new Set(waiting.map((w) => w.id));
  for (let i = Math.floor(CASES * WARM_UP); i < CASES; i++) {
    result.measured++;
    if (left.has(simCases[i]!.id) || i >= arrived) result.neverServed++;
    else {
      result.waitsSeconds.push(waited[i]! / 1000);
      const language = simCases[i]!.language;
      if (!result.waitsByLanguage.has(language)) result.waitsByLanguage.set(language, []);
      result.waitsByLanguage.get(language)!.push(waited[i]! / 1000);
    }
  }
  result.waitsSeconds.sort((a, b) => a - b);
  for (const waits of result.waitsByLanguage.values()) waits.sort((a, b) => a - b);
  return result;
}

function standardDeviation(list: readonly number[]): number {
  const average = list.reduce((sum, n) => sum + n, 0) / list.length;
  return Math.sqrt(list.reduce((sum, n) => sum + (n - average) ** 2, 0) / list.length);
}

// ---- Run and report ----------------------------------------------------------------------------

console.log(
  `\nRouting simulation: ${AGENTS.toLocaleString('en')} agents (${Math.round(ONLINE_SHARE * 100)} % online on average), ` +
    `${CASES.toLocaleString('en')} cases at ${ARRIVALS_PER_SECOND.toFixed(2)}/s over ${((LAST_ARRIVAL - T0) / 3_600_000).toFixed(1)} simulated hours, ` +
    `offered load ${Math.round(UTILISATION * 100)} % of the online slots; seed ${SEED}; the first ${WARM_UP * 100} % of cases warm up and are left out. ` +
    `Customers write ${CUSTOMER_LANGUAGES.map(([language, share]) => `${language} ${share * 100} %`).join(', ')}; ` +
    `agents speaking es: ${simAgents.filter((a) => a.base.languages.includes('es')).length}, pl: ${simAgents.filter((a) => a.base.languages.includes('pl')).length}\n`,
);
const runs: { name: string; policy: RoutingPolicy; result: PolicyResult }[] = [];
for (const { name, policy: chosen } of POLICIES) runs.push({ name, policy: chosen, result: simulate(name, chosen) });

const seconds = (n: number) => (Number.isNaN(n) ? '—' : n < 10 ? n.toFixed(2) : n.toFixed(1));
const mean = (list: readonly number[]) => (list.length === 0 ? NaN : list.reduce((sum, n) => sum + n, 0) / list.length);
const summary = runs.map(({ name, policy: chosen, result }) => {
  const waits = result.waitsSeconds;
  return {
    name,
    policy: chosen,
    meanWait: mean(waits),
    p50: percentile(waits, 50),
    p95: percentile(waits, 95),
    p99: percentile(waits, 99),
    maxWait: waits[waits.length - 1] ?? NaN,
    byLanguage: Object.fromEntries(
      [...result.waitsByLanguage].sort(([a], [b]) => (a < b ? -1 : 1)).map(([language, list]) => [
        language,
        { cases: list.length, waitedAtAll: list.filter((w) => w > 0).length / list.length, p95: percentile(list, 95), p99: percentile(list, 99) },
      ]),
    ),
    waitedAtAll: waits.filter((w) => w > 0).length / Math.max(1, waits.length),
    neverServed: result.neverServed / result.measured,
    utilisation: mean(result.utilisation),
    utilisationEnglishOnly: mean(result.utilisationEnglishOnly),
    utilisationMultilingual: mean(result.utilisationMultilingual),
    spread: {
      meanAll: mean(result.spread.all),
      maxAll: Math.max(...result.spread.all),
      meanEqualCapacity: mean(result.spread.equalCapacity),
      maxEqualCapacity: Math.max(...result.spread.equalCapacity),
      meanEqualCapacityPerKind: mean(result.spread.equalCapacityPerKind),
      maxEqualCapacityPerKind: Math.max(...result.spread.equalCapacityPerKind),
      meanEqualCapacityDeviation: mean(result.spread.equalCapacityDeviation),
    },
    decisionsPerSecond: result.decisions / (result.routeMs / 1000),
    microsecondsPerPass: (result.routeMs * 1000) / result.passes,
    passes: result.passes,
    decisions: result.decisions,
    routeSeconds: result.routeMs / 1000,
    atLevelAsked: result.atLevelAsked / Math.max(1, result.assigned),
    backToLastAgent: result.backToLastAgent / Math.max(1, result.returning),
    reassigned: result.reassigned,
    simulatedHours: result.simulatedSeconds / 3600,
  };
});
const baseline = summary[0]!;
const ratio = (value: number, base: number) => (base > 0 ? (value / base).toFixed(2) : '—');
const percent = (n: number) => `${(n * 100).toFixed(n > 0 && n < 0.001 ? 3 : 1)} %`;

console.log('\nWaiting time in seconds (time in the queue, counting again after a reassignment)');
console.log(
  table(
    summary.map((s) => ({
      policy: s.name,
      mean: seconds(s.meanWait),
      p50: seconds(s.p50),
      p95: seconds(s.p95),
      p99: seconds(s.p99),
      max: seconds(s.maxWait),
      'waited at all': percent(s.waitedAtAll),
      'never served': percent(s.neverServed),
      'p95 / round-robin': ratio(s.p95, baseline.p95),
      'p99 / round-robin': ratio(s.p99, baseline.p99),
      'mean / round-robin': ratio(s.meanWait, baseline.meanWait),
    })),
  ),
);
console.log('\nBy the customer\'s language: share of cases that waited at all, and p95 wait (s); agents speaking es and pl are fewer');
console.log(
  table(
    summary.map((s) => ({
      policy: s.name,
      ...Object.fromEntries(Object.entries(s.byLanguage).map(([language, w]) => [`${language} (${w.cases.toLocaleString('en')})`, `${percent(w.waitedAtAll)} · ${seconds(w.p95)}`])),
    })),
  ),
);
console.log('\nLoad and speed (open cases per online agent sampled every simulated minute: max − min, mean over samples / worst)');
console.log(
  table(
    summary.map((s) => ({
      policy: s.name,
      utilisation: percent(s.utilisation),
      'en only / es, pl': `${percent(s.utilisationEnglishOnly)} / ${percent(s.utilisationMultilingual)}`,
      'spread, all': `${s.spread.meanAll.toFixed(1)} / ${s.spread.maxAll}`,
      'spread, equal capacity': `${s.spread.meanEqualCapacity.toFixed(1)} / ${s.spread.maxEqualCapacity}`,
      'same, per channel kind': `${s.spread.meanEqualCapacityPerKind.toFixed(1)} / ${s.spread.maxEqualCapacityPerKind}`,
      'sd, equal capacity': s.spread.meanEqualCapacityDeviation.toFixed(2),
      'decisions/s': Math.round(s.decisionsPerSecond),
      passes: s.passes,
      'µs/pass': Math.round(s.microsecondsPerPass),
      'at the level asked': percent(s.atLevelAsked),
      'back to last agent': percent(s.backToLastAgent),
    })),
  ),
);

/** Horizontal bars scaled to the largest value, one group per policy and one bar per series. */
function bars(title: string, series: { mark: string; name: string; values: number[]; text: (n: number) => string }[], width = 44) {
  const top = Math.max(...series.flatMap((s) => s.values), Number.MIN_VALUE);
  const labelWidth = Math.max(...summary.map((s) => s.name.length));
  console.log(`\n${title}${series.length > 1 ? `  (${series.map((s) => `${s.mark} ${s.name}`).join(', ')})` : ''}`);
  summary.forEach((s, i) => {
    series.forEach((one, j) => {
      const value = one.values[i]!;
      const length = Math.round((value / top) * width);
      const label = j === 0 ? s.name : '';
      console.log(`  ${label.padEnd(labelWidth)} |${one.mark.repeat(length)}${length === 0 && value > 0 ? '▏' : ''} ${one.text(value)}`);
    });
  });
}
bars('wait (s)', [
  { mark: '█', name: 'p95', values: summary.map((s) => s.p95), text: (n) => `p95 ${seconds(n)} s` },
  { mark: '░', name: 'p99', values: summary.map((s) => s.p99), text: (n) => `p99 ${seconds(n)} s` },
]);
console.log(`  against round-robin, p95: ${summary.slice(1).map((s) => `${s.name} ${ratio(s.p95, baseline.p95)}`).join(', ')}`);
console.log(`                     p99: ${summary.slice(1).map((s) => `${s.name} ${ratio(s.p99, baseline.p99)}`).join(', ')} (— where round-robin's is 0 s)`);
bars('mean load spread among agents of equal capacity (open cases, max − min)', [
  { mark: '█', name: 'spread', values: summary.map((s) => s.spread.meanEqualCapacity), text: (n) => n.toFixed(1) },
]);
bars('routing decisions per second (wall clock inside route() and agentWentOffline())', [
  { mark: '█', name: 'decisions/s', values: summary.map((s) => s.decisionsPerSecond), text: (n) => Math.round(n).toLocaleString('en') },
]);

saveResult('routing-simulation', {
  agents: AGENTS,
  cases: CASES,
  seed: SEED,
  offeredUtilisation: UTILISATION,
  arrivalsPerSecond: ARRIVALS_PER_SECOND,
  warmUpShare: WARM_UP,
  mix: MIX,
  profiles: PROFILES,
  results: summary,
});
