import { SLA_CLOCK_STATES, SLA_METRICS, type CaseStatus, type ChannelKind, type Priority, type SlaPolicy, type SlaSettings } from '@casekit/protocol';
import { SlaSettings as ConfigSchema, toFieldIssues } from '@casekit/protocol/schemas';
import { RoutingConfigError } from './errors.ts';
import type { Millis } from './types.ts';
import { ALWAYS_OPEN, openTime, type BusinessCalendar } from './calendar.ts';

export { SLA_METRICS, SLA_CLOCK_STATES };
/** One of a case's three clocks: `firstResponse`, `nextResponse` or `resolution`. */
export type SlaMetric = (typeof SLA_METRICS)[number];
export type SlaClockState = (typeof SLA_CLOCK_STATES)[number];

/**
 * Targets per priority, when to warn (seconds or a fraction of the target before it is due) and
 * what the server should do on a breach; `calendarId` names the business hours the clocks count.
 */
export type { SlaPolicy };

/** Calendars, policies and which policy applies: the case's team's, else its channel kind's, else `default` (ids). */
export type SlaConfig = SlaSettings;

/**
 * Validates an SLA configuration from JSON or an API body; throws `RoutingConfigError` (`invalid_sla`)
 * naming each bad field, e.g. `sla.policies.0.targets.urgent.firstResponseSeconds`.
 * @example parseSlaConfig({ policies: [{ id: 'std', targets: { normal: { firstResponseSeconds: 3600 } } }], default: 'std' })
 */
export function parseSlaConfig(input: unknown): SlaConfig {
  const result = ConfigSchema.safeParse(input);
  if (!result.success) throw new RoutingConfigError('invalid_sla', toFieldIssues(result.error, 'sla'), { cause: result.error });
  return result.data;
}

/**
 * The policy for a case and the calendar its clocks count, `ALWAYS_OPEN` when the policy names none.
 * `config` comes from `parseSlaConfig`, which has checked every id it refers to.
 */
export function slaPolicyFor(config: SlaConfig, of: { team: string | null; channel: ChannelKind }): { policy: SlaPolicy; calendar: BusinessCalendar } {
  const id = (of.team !== null ? config.teams?.[of.team] : undefined) ?? config.channels?.[of.channel] ?? config.default;
  const policy = config.policies.find((candidate) => candidate.id === id)!;
  const calendar = policy.calendarId === undefined ? ALWAYS_OPEN : config.calendars.find((candidate) => candidate.id === policy.calendarId)!;
  return { policy, calendar };
}

/**
 * Something that happened to a case, for its clocks: a customer message, a public agent reply
 * (not an internal note), a status change, or a priority change.
 */
export type CaseHappening =
  | { at: Millis; kind: 'customer_message' }
  | { at: Millis; kind: 'agent_reply' }
  | { at: Millis; kind: 'status'; status: CaseStatus }
  | { at: Millis; kind: 'priority'; priority: Priority };

/**
 * `happenings` with `next` added when it can move a clock, else as they were: message happenings that
 * change nothing (customer messages before the first reply or while one is awaited, replies to
 * nobody) are left out, and the clocks come out the same. Keep a case's list with it, in time order.
 * @example happenings = addHappening(happenings, { at: Date.now(), kind: 'customer_message' })
 */
export function addHappening<H extends { kind: CaseHappening['kind'] }>(happenings: readonly H[], next: H): H[] {
  if (next.kind === 'customer_message' || next.kind === 'agent_reply') {
    const last = happenings.findLast((happening) => happening.kind === 'customer_message' || happening.kind === 'agent_reply');
    // Creation starts the first response, so what counts alternates: reply, message, reply…
    const expected = last === undefined || last.kind === 'customer_message' ? 'agent_reply' : 'customer_message';
    if (next.kind !== expected) return [...happenings];
  }
  return [...happenings, next];
}

/** Plain data about one case: when it was created, its priority then, and what happened since, oldest first. */
export interface SlaFacts {
  createdAt: Millis;
  priority: Priority;
  happenings: readonly CaseHappening[];
}

/** One clock as of `now`. Seconds are business seconds of the policy's calendar. */
export interface SlaClock {
  state: SlaClockState;
  /** The target for the case's current priority, or null when the policy has none. */
  targetSeconds: number | null;
  elapsedSeconds: number;
  /** When it breaches if it keeps running; null unless running. */
  dueAt: Millis | null;
  /** When the warning was or will be reached in this cycle; a future one only while running. */
  warnAt: Millis | null;
  breachedAt: Millis | null;
  metAt: Millis | null;
}

/** A case's three clocks, as `slaClocks` returns them and `nextSlaDeadline` reads them. */
export type SlaClocks = Record<SlaMetric, SlaClock>;

/** The clocks run only in these statuses; `pending` and `on_hold` pause them, as do `solved` and `closed`. */
const RUNNING: ReadonlySet<CaseStatus> = new Set(['new', 'open']);
const DONE: ReadonlySet<CaseStatus> = new Set(['solved', 'closed']);

interface Cycle {
  started: boolean;
  active: boolean;
  elapsed: number;
  warnedAt: Millis | null;
  breachedAt: Millis | null;
  metAt: Millis | null;
}

const idle = (): Cycle => ({ started: false, active: false, elapsed: 0, warnedAt: null, breachedAt: null, metAt: null });
const TARGET_FIELD = { firstResponse: 'firstResponseSeconds', nextResponse: 'nextResponseSeconds', resolution: 'resolutionSeconds' } as const;

/**
 * The first-response, next-response and resolution clocks of one case as of `now`; the same facts
 * always give the same clocks. docs/sla.md has the semantics.
 * @example slaClocks(policy, calendar, { createdAt, priority: 'high', happenings: [{ at, kind: 'agent_reply' }] }, Date.now())
 */
export function slaClocks(policy: SlaPolicy, calendar: BusinessCalendar, facts: SlaFacts, now: Millis): SlaClocks {
  const time = openTime(calendar);
  const until = Math.max(now, facts.createdAt); // nothing counts before the case exists
  const cycles: Record<SlaMetric, Cycle> = { firstResponse: idle(), nextResponse: idle(), resolution: idle() };
  let priority = facts.priority;
  let status: CaseStatus = 'new';
  let replied = false;
  const targetOf = (metric: SlaMetric): number | null => {
    const seconds = policy.targets[priority]?.[TARGET_FIELD[metric]];
    return seconds === undefined ? null : seconds * 1000;
  };
  // How far into the cycle the warning comes, or null for no warning.
  const warnMarkOf = (target: number): number | null => {
    const before = policy.warnBeforeFraction !== undefined ? Math.round(target * policy.warnBeforeFraction) : (policy.warnBeforeSeconds ?? 0) * 1000;
    return before > 0 ? Math.max(0, target - before) : null;
  };
  // The moment a cycle reaches `mark` if it does within `open` more milliseconds from `from`, else null.
  const reached = (cycle: Cycle, mark: number, from: Millis, open: number): Millis | null =>
    cycle.elapsed + open < mark ? null : mark <= cycle.elapsed ? from : time.add(from, mark - cycle.elapsed);
  // Records warnings and breaches reached while running `open` milliseconds from `from`; with 0, those
  // already behind the clock (a cycle started under a large warning, a priority raised) are reached at `from`.
  const notice = (from: Millis, open: number) => {
    for (const metric of SLA_METRICS) {
      const cycle = cycles[metric];
      const target = targetOf(metric);
      if (!cycle.active || target === null) continue;
      const warnMark = warnMarkOf(target);
      if (cycle.warnedAt === null && warnMark !== null) cycle.warnedAt = reached(cycle, warnMark, from, open);
      if (cycle.breachedAt === null) cycle.breachedAt = reached(cycle, target, from, open);
    }
  };
  const start = (metric: SlaMetric, at: Millis) => {
    cycles[metric] = { ...idle(), started: true, active: true };
    notice(at, 0);
  };
  const advance = (from: Millis, to: Millis) => {
    if (to <= from || !RUNNING.has(status)) return;
    const open = time.between(from, to);
    notice(from, open);
    for (const metric of SLA_METRICS) if (cycles[metric].active) cycles[metric].elapsed += open;
  };

  start('firstResponse', facts.createdAt);
  start('resolution', facts.createdAt);
  let clock = facts.createdAt;
  for (const happening of chronological(facts.happenings)) {
    const at = Math.max(happening.at, facts.createdAt);
    if (at > until) break;
    advance(clock, at);
    clock = at;
    switch (happening.kind) {
      case 'customer_message':
        if (replied && !cycles.nextResponse.active) start('nextResponse', at);
        break;
      case 'agent_reply': {
        const answered = cycles.firstResponse.active ? cycles.firstResponse : cycles.nextResponse;
        if (answered.active) Object.assign(answered, { active: false, metAt: at });
        replied = true;
        break;
      }
      case 'status': {
        const wasDone = DONE.has(status);
        status = happening.status;
        const resolution = cycles.resolution;
        if (DONE.has(status) && resolution.active) Object.assign(resolution, { active: false, metAt: at });
        else if (wasDone && !DONE.has(status)) {
          Object.assign(resolution, { active: true, metAt: null });
          // A target tightened while it was solved (a priority raised) may already be behind it.
          notice(at, 0);
        }
        break;
      }
      case 'priority':
        priority = happening.priority;
        notice(at, 0);
        break;
    }
  }
  advance(clock, until);
  const running = RUNNING.has(status);
  const report = (metric: SlaMetric): SlaClock => {
    const cycle = cycles[metric];
    const target = targetOf(metric);
    const clock: SlaClock = {
      state: 'none',
      targetSeconds: target === null ? null : target / 1000,
      elapsedSeconds: cycle.elapsed / 1000,
      dueAt: null,
      warnAt: cycle.warnedAt,
      breachedAt: cycle.breachedAt,
      metAt: cycle.metAt,
    };
    if (cycle.breachedAt !== null) clock.state = 'breached';
    else if (target === null || !cycle.started) clock.state = 'none';
    else if (!cycle.active) clock.state = 'met';
    else if (!running) clock.state = 'paused';
    else {
      clock.state = 'running';
      clock.dueAt = time.add(until, target - cycle.elapsed);
      const warnMark = warnMarkOf(target);
      if (clock.warnAt === null && warnMark !== null) clock.warnAt = time.add(until, warnMark - cycle.elapsed);
    }
    return clock;
  };
  return { firstResponse: report('firstResponse'), nextResponse: report('nextResponse'), resolution: report('resolution') };
}

function chronological(happenings: readonly CaseHappening[]): readonly CaseHappening[] {
  for (let i = 1; i < happenings.length; i++) {
    if (happenings[i]!.at < happenings[i - 1]!.at) return [...happenings].sort((a, b) => a.at - b.at);
  }
  return happenings;
}

/** The one moment a case's SLA timer should fire next, after `now`. */
export interface SlaDeadline {
  at: Millis;
  kind: 'warning' | 'breach';
  metric: SlaMetric;
}

/**
 * The single next moment after `now` at which a running clock warns or breaches, or null: schedule
 * one durable timer per case for it, and when it fires compute the clocks again at that moment.
 */
export function nextSlaDeadline(clocks: SlaClocks, now: Millis): SlaDeadline | null {
  let next: SlaDeadline | null = null;
  const consider = (at: Millis | null, kind: SlaDeadline['kind'], metric: SlaMetric) => {
    if (at !== null && at > now && (next === null || at < next.at)) next = { at, kind, metric };
  };
  for (const metric of SLA_METRICS) {
    const clock = clocks[metric];
    if (clock.state !== 'running') continue;
    consider(clock.warnAt, 'warning', metric);
    consider(clock.dueAt, 'breach', metric);
  }
  return next;
}
