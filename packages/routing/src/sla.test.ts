import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PRIORITIES } from '@casekit/protocol';
import { addHappening, nextSlaDeadline, parseSlaConfig, slaClocks, slaPolicyFor, type CaseHappening, type SlaFacts, type SlaMetric } from './sla.ts';
import { RoutingConfigError } from './errors.ts';

const HOUR = 3600;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const office = [['09:00', '17:00']];

// Madrid, Mon–Fri 09:00–17:00 (CET is UTC+1 in March before the 29th); Tuesday 10 March 2026 is a holiday here.
const config = parseSlaConfig({
  calendars: [{ id: 'madrid', timeZone: 'Europe/Madrid', hours: { mon: office, tue: office, wed: office, thu: office, fri: office }, holidays: ['2026-03-10'] }],
  policies: [
    {
      id: 'standard',
      calendarId: 'madrid',
      targets: {
        urgent: { firstResponseSeconds: HOUR, nextResponseSeconds: HOUR / 2, resolutionSeconds: 8 * HOUR },
        normal: { firstResponseSeconds: 4 * HOUR, resolutionSeconds: 24 * HOUR },
        low: { resolutionSeconds: 40 * HOUR },
      },
      warnBeforeSeconds: 900,
      escalation: { raisePriority: true, notifyRole: 'supervisor' },
    },
    { id: 'vip', targets: { normal: { firstResponseSeconds: 600 } }, warnBeforeFraction: 0.25 },
  ],
  default: 'standard',
  teams: { enterprise: 'vip' },
  channels: { whatsapp: 'vip' },
});
const { policy, calendar } = slaPolicyFor(config, { team: null, channel: 'email' });
const vip = slaPolicyFor(config, { team: 'enterprise', channel: 'email' });

const FRIDAY_1630 = at('2026-03-06T15:30:00Z');
const urgentFriday = (...happenings: CaseHappening[]): SlaFacts => ({ createdAt: FRIDAY_1630, priority: 'urgent', happenings });

test('a case created Friday 16:30 with a 1 h first-response target is due Monday 09:30, warned at 09:15', () => {
  const clocks = slaClocks(policy, calendar, urgentFriday(), at('2026-03-06T15:40:00Z'));
  assert.deepEqual(clocks.firstResponse, {
    state: 'running',
    targetSeconds: HOUR,
    elapsedSeconds: 600,
    dueAt: at('2026-03-09T08:30:00Z'),
    warnAt: at('2026-03-09T08:15:00Z'),
    breachedAt: null,
    metAt: null,
  });
  assert.equal(clocks.nextResponse.state, 'none');
  // 8 business hours: 30 min on Friday, 7.5 h on Monday.
  assert.equal(iso(clocks.resolution.dueAt), '2026-03-09T15:30:00.000Z');
  assert.deepEqual(nextSlaDeadline(clocks, at('2026-03-06T15:40:00Z')), { at: at('2026-03-09T08:15:00Z'), kind: 'warning', metric: 'firstResponse' });
});

test('after the warning the next deadline is the breach; past it the clock is breached at the due moment', () => {
  const warned = slaClocks(policy, calendar, urgentFriday(), at('2026-03-09T08:20:00Z'));
  assert.equal(iso(warned.firstResponse.warnAt), '2026-03-09T08:15:00.000Z');
  assert.deepEqual(nextSlaDeadline(warned, at('2026-03-09T08:20:00Z')), { at: at('2026-03-09T08:30:00Z'), kind: 'breach', metric: 'firstResponse' });
  const late = slaClocks(policy, calendar, urgentFriday({ at: at('2026-03-09T09:00:00Z'), kind: 'agent_reply' }), at('2026-03-09T09:05:00Z'));
  assert.equal(late.firstResponse.state, 'breached');
  assert.equal(iso(late.firstResponse.breachedAt), '2026-03-09T08:30:00.000Z');
  assert.equal(iso(late.firstResponse.metAt), '2026-03-09T09:00:00.000Z');
  assert.equal(late.firstResponse.dueAt, null);
  assert.deepEqual(nextSlaDeadline(late, at('2026-03-09T09:05:00Z')), { at: at('2026-03-09T15:15:00Z'), kind: 'warning', metric: 'resolution' });
});

test('a reply meets the first response; a customer message after it starts the next response, later messages do not restart it', () => {
  const facts = urgentFriday(
    { at: at('2026-03-06T15:50:00Z'), kind: 'agent_reply' },
    { at: at('2026-03-09T08:10:00Z'), kind: 'customer_message' },
    { at: at('2026-03-09T08:20:00Z'), kind: 'customer_message' },
  );
  const waiting = slaClocks(policy, calendar, facts, at('2026-03-09T08:25:00Z'));
  assert.deepEqual(waiting.firstResponse, { state: 'met', targetSeconds: HOUR, elapsedSeconds: 1200, dueAt: null, warnAt: null, breachedAt: null, metAt: at('2026-03-06T15:50:00Z') });
  assert.equal(waiting.nextResponse.state, 'running');
  assert.equal(waiting.nextResponse.elapsedSeconds, 900);
  assert.equal(iso(waiting.nextResponse.dueAt), '2026-03-09T08:40:00.000Z');
  const answered = slaClocks(policy, calendar, { ...facts, happenings: [...facts.happenings, { at: at('2026-03-09T08:30:00Z'), kind: 'agent_reply' }] }, at('2026-03-09T09:00:00Z'));
  assert.equal(answered.nextResponse.state, 'met');
  assert.equal(answered.nextResponse.elapsedSeconds, 1200);
});

test('pending and on-hold pause every clock; the due time moves by the business time spent paused', () => {
  const facts = urgentFriday({ at: at('2026-03-06T15:40:00Z'), kind: 'status', status: 'pending' }, { at: at('2026-03-09T10:00:00Z'), kind: 'status', status: 'open' });
  const paused = slaClocks(policy, calendar, facts, at('2026-03-09T09:00:00Z'));
  assert.equal(paused.firstResponse.state, 'paused');
  assert.equal(paused.firstResponse.elapsedSeconds, 600);
  assert.equal(paused.firstResponse.dueAt, null);
  assert.equal(nextSlaDeadline(paused, at('2026-03-09T09:00:00Z')), null);
  const resumed = slaClocks(policy, calendar, facts, at('2026-03-09T10:00:00Z'));
  assert.equal(iso(resumed.firstResponse.dueAt), '2026-03-09T10:50:00.000Z');
});

test('resolution stops when solved and carries on from a reopen with the time already counted', () => {
  const monday = at('2026-03-09T08:00:00Z'); // 09:00 local
  const facts: SlaFacts = {
    createdAt: monday,
    priority: 'normal',
    happenings: [
      { at: at('2026-03-09T09:00:00Z'), kind: 'agent_reply' },
      { at: at('2026-03-09T12:00:00Z'), kind: 'status', status: 'solved' },
      { at: at('2026-03-11T09:00:00Z'), kind: 'status', status: 'open' },
    ],
  };
  const solved = slaClocks(policy, calendar, facts, at('2026-03-09T13:00:00Z'));
  assert.equal(solved.resolution.state, 'met');
  assert.equal(solved.resolution.elapsedSeconds, 4 * HOUR);
  // Reopened Wednesday 10:00 (Tuesday is a holiday); two hours later 6 h are counted, 18 h to go: Friday 14:00.
  const reopened = slaClocks(policy, calendar, facts, at('2026-03-11T11:00:00Z'));
  assert.equal(reopened.resolution.state, 'running');
  assert.equal(reopened.resolution.elapsedSeconds, 6 * HOUR);
  assert.equal(reopened.resolution.metAt, null);
  assert.equal(iso(reopened.resolution.dueAt), '2026-03-13T13:00:00.000Z');
});

test('a priority change sets the target from then on: raised past the new target it breaches at the change', () => {
  const monday = at('2026-03-09T08:00:00Z');
  const raised = slaClocks(policy, calendar, { createdAt: monday, priority: 'normal', happenings: [{ at: monday + 1.5 * HOUR * 1000, kind: 'priority', priority: 'urgent' }] }, monday + 2 * HOUR * 1000);
  assert.equal(raised.firstResponse.state, 'breached');
  assert.equal(raised.firstResponse.breachedAt, monday + 1.5 * HOUR * 1000);
  assert.equal(raised.firstResponse.targetSeconds, HOUR);
  const lowered = slaClocks(policy, calendar, { createdAt: monday, priority: 'urgent', happenings: [{ at: monday + 1800_000, kind: 'priority', priority: 'normal' }] }, monday + 3600_000);
  assert.equal(lowered.firstResponse.state, 'running');
  assert.equal(iso(lowered.firstResponse.dueAt), '2026-03-09T12:00:00.000Z');
  const low = slaClocks(policy, calendar, { createdAt: monday, priority: 'low', happenings: [] }, monday);
  assert.equal(low.firstResponse.state, 'none');
  assert.equal(low.firstResponse.targetSeconds, null);
});

test('solving without a reply leaves the response clocks paused; a policy without a calendar counts plain time', () => {
  const created = at('2026-03-07T10:00:00Z'); // a Saturday
  const solved = slaClocks(vip.policy, vip.calendar, { createdAt: created, priority: 'normal', happenings: [{ at: created + 60_000, kind: 'status', status: 'solved' }] }, created + HOUR * 1000);
  assert.equal(solved.firstResponse.state, 'paused');
  assert.equal(solved.firstResponse.elapsedSeconds, 60);
  assert.equal(solved.resolution.state, 'none');
  const open = slaClocks(vip.policy, vip.calendar, { createdAt: created, priority: 'normal', happenings: [] }, created);
  // 10 min on a Saturday, warned with a quarter of the target left.
  assert.equal(open.firstResponse.dueAt, created + 600_000);
  assert.equal(open.firstResponse.warnAt, created + 450_000);
  // Asked before the case existed, the clocks count from its creation.
  const early = slaClocks(vip.policy, vip.calendar, { createdAt: created, priority: 'normal', happenings: [] }, created - HOUR * 1000);
  assert.equal(early.firstResponse.dueAt, created + 600_000);
});

test('the policy is the team\'s, else the channel kind\'s, else the default', () => {
  assert.equal(slaPolicyFor(config, { team: 'enterprise', channel: 'email' }).policy.id, 'vip');
  assert.equal(slaPolicyFor(config, { team: 'support', channel: 'whatsapp' }).policy.id, 'vip');
  assert.equal(slaPolicyFor(config, { team: 'support', channel: 'email' }).policy.id, 'standard');
  assert.equal(slaPolicyFor(config, { team: null, channel: 'email' }).calendar.id, 'madrid');
});

const issuesOf = (input: unknown): string[] => {
  try {
    parseSlaConfig(input);
  } catch (error) {
    assert.ok(error instanceof RoutingConfigError && error.code === 'invalid_sla' && error.status === 400);
    return error.issues.map((issue) => issue.path);
  }
  assert.fail('expected a RoutingConfigError');
};

test('parseSlaConfig names each field at fault', () => {
  assert.deepEqual(
    issuesOf({
      calendars: [{ id: 'c', timeZone: 'Mars/Olympus', hours: { mon: [['25:00', '17:00'], ['10:00', '09:00']], fun: [] }, holidays: ['2026-02-30'] }],
      policies: [{ id: 'p', targets: { urgent: { firstResponseSeconds: -5 }, someday: {} }, warnBeforeSeconds: 60, warnBeforeFraction: 0.5 }],
      default: 'p',
    }).sort(),
    [
      'sla.calendars.0.holidays.0',
      'sla.calendars.0.hours',
      'sla.calendars.0.hours.mon.0.0',
      'sla.calendars.0.hours.mon.1.1',
      'sla.calendars.0.timeZone',
      'sla.policies.0.targets', // Unrecognized key: "someday"
      'sla.policies.0.targets.urgent.firstResponseSeconds',
      'sla.policies.0.warnBeforeFraction',
    ],
  );
  assert.deepEqual(issuesOf({ calendars: [{ id: 'c', timeZone: 'UTC', hours: { sun: [] } }], policies: [{ id: 'p', targets: {} }], default: 'p' }), ['sla.calendars.0.hours']);
});

test('parseSlaConfig refuses repeated ids and references to calendars or policies that do not exist', () => {
  const calendarEntry = { id: 'c', timeZone: 'UTC', hours: { mon: [['00:00', '24:00']] } };
  assert.deepEqual(
    issuesOf({
      calendars: [calendarEntry, calendarEntry],
      policies: [{ id: 'p', calendarId: 'nope', targets: {} }, { id: 'p', targets: {} }],
      default: 'q',
      teams: { support: 'p', billing: 'r' },
      channels: { email: 's' },
    }),
    ['sla.calendars.1.id', 'sla.policies.1.id', 'sla.policies.0.calendarId', 'sla.default', 'sla.teams.billing', 'sla.channels.email'],
  );
});

// Property tests: random message, reply and priority histories over a fortnight of Madrid office hours.
const START = at('2026-03-02T07:00:00Z');
const happeningArb: fc.Arbitrary<CaseHappening> = fc.oneof(
  fc.record({ at: fc.integer({ min: START, max: START + 14 * 86_400_000 }), kind: fc.constantFrom('customer_message' as const, 'agent_reply' as const) }),
  fc.record({ at: fc.integer({ min: START, max: START + 14 * 86_400_000 }), kind: fc.constant('priority' as const), priority: fc.constantFrom(...PRIORITIES) }),
);
const factsArb = fc.record({
  createdAt: fc.integer({ min: START, max: START + 3 * 86_400_000 }),
  priority: fc.constantFrom(...PRIORITIES),
  happenings: fc.array(happeningArb, { maxLength: 12 }).map((list) => list.sort((a, b) => a.at - b.at)),
});
const nowArb = fc.integer({ min: START, max: START + 16 * 86_400_000 });
const METRICS: SlaMetric[] = ['firstResponse', 'nextResponse', 'resolution'];

test('property: pausing never makes a clock due or breach earlier', () => {
  fc.assert(
    fc.property(factsArb, nowArb, fc.integer({ min: START, max: START + 14 * 86_400_000 }), fc.integer({ min: 0, max: 3 * 86_400_000 }), (facts, now, pauseAt, pauseFor) => {
      const pause: CaseHappening[] = [
        { at: pauseAt, kind: 'status', status: 'on_hold' },
        { at: pauseAt + pauseFor, kind: 'status', status: 'open' },
      ];
      const paused: SlaFacts = { ...facts, happenings: [...facts.happenings, ...pause].sort((a, b) => a.at - b.at) };
      const before = slaClocks(policy, calendar, facts, now);
      const after = slaClocks(policy, calendar, paused, now);
      for (const metric of METRICS) {
        const [a, b] = [before[metric], after[metric]];
        assert.ok(b.elapsedSeconds <= a.elapsedSeconds, metric);
        if (a.dueAt !== null && b.dueAt !== null) assert.ok(b.dueAt >= a.dueAt, metric);
        if (b.breachedAt !== null) assert.ok(a.breachedAt !== null && b.breachedAt >= a.breachedAt, metric);
      }
    }),
    { numRuns: 300 },
  );
});

test('property: the happenings addHappening keeps give the same clocks as every happening, in fewer entries', () => {
  fc.assert(
    fc.property(factsArb, nowArb, (facts, now) => {
      const kept = facts.happenings.reduce<CaseHappening[]>((list, happening) => addHappening(list, happening), []);
      assert.deepEqual(slaClocks(policy, calendar, { ...facts, happenings: kept }, now), slaClocks(policy, calendar, facts, now));
      const messages = kept.filter((h) => h.kind !== 'priority').map((h) => h.kind);
      messages.forEach((kind, i) => assert.equal(kind, i % 2 === 0 ? 'agent_reply' : 'customer_message'));
    }),
    { numRuns: 300 },
  );
});

test('property: the same facts always give the same clocks, and a due time is in open hours', () => {
  fc.assert(
    fc.property(factsArb, nowArb, (facts, now) => {
      const clocks = slaClocks(policy, calendar, facts, now);
      const copy = structuredClone({ policy, calendar, facts });
      assert.deepEqual(slaClocks(copy.policy, copy.calendar, copy.facts, now), clocks);
      for (const metric of METRICS) {
        const due = clocks[metric].dueAt;
        if (due === null) continue;
        const local = new Date(due - 1000 + 3600_000 * (due < at('2026-03-29T01:00:00Z') ? 1 : 2));
        const open = local.getUTCDay() >= 1 && local.getUTCDay() <= 5 && local.getUTCHours() >= 9 && local.getUTCHours() < 17;
        assert.ok(open && !local.toISOString().startsWith('2026-03-10'), `${metric} due ${iso(due)}`);
      }
      const next = nextSlaDeadline(clocks, now);
      if (next !== null) assert.ok(next.at > now);
    }),
    { numRuns: 300 },
  );
});

/**
 * The oracle: the semantics of docs/sla.md re-done minute by minute, for whole-minute facts in March
 * 2026 before the clock change, when the Madrid calendar is open at 09:00–17:00 UTC+1 on weekdays but the 10th.
 */
function clocksMinuteByMinute(facts: SlaFacts, now: number) {
  const MIN = 60_000;
  const isOpen = (t: number) => {
    const local = new Date(t + 3600_000);
    return local.getUTCDay() >= 1 && local.getUTCDay() <= 5 && local.getUTCHours() >= 9 && local.getUTCHours() < 17 && local.getUTCDate() !== 10;
  };
  type Cycle = { started: boolean; active: boolean; elapsed: number; warnedAt: number | null; breachedAt: number | null; metAt: number | null };
  const fresh = (started: boolean): Cycle => ({ started, active: started, elapsed: 0, warnedAt: null, breachedAt: null, metAt: null });
  const cycles: Record<SlaMetric, Cycle> = { firstResponse: fresh(true), nextResponse: fresh(false), resolution: fresh(true) };
  let priority = facts.priority;
  let status = 'new';
  let replied = false;
  const target = (metric: SlaMetric) => {
    const field = ({ firstResponse: 'firstResponseSeconds', nextResponse: 'nextResponseSeconds', resolution: 'resolutionSeconds' } as const)[metric];
    return policy.targets[priority]?.[field] ?? null;
  };
  const check = (at: number) => {
    for (const metric of METRICS) {
      const cycle = cycles[metric];
      const seconds = target(metric);
      if (!cycle.active || seconds === null) continue;
      if (cycle.warnedAt === null && cycle.elapsed >= seconds - 900) cycle.warnedAt = at;
      if (cycle.breachedAt === null && cycle.elapsed >= seconds) cycle.breachedAt = at;
    }
  };
  const tick = (t: number) => {
    if ((status !== 'new' && status !== 'open') || !isOpen(t)) return;
    for (const metric of METRICS) if (cycles[metric].active) cycles[metric].elapsed += 60;
    check(t + MIN);
  };
  const pending = [...facts.happenings];
  for (let t = facts.createdAt; t <= now; t += MIN) {
    while (pending.length > 0 && pending[0]!.at <= t) {
      const happening = pending.shift()!;
      if (happening.kind === 'customer_message' && replied && !cycles.nextResponse.active) cycles.nextResponse = fresh(true);
      if (happening.kind === 'agent_reply') {
        const answered = [cycles.firstResponse, cycles.nextResponse].find((cycle) => cycle.active);
        if (answered) Object.assign(answered, { active: false, metAt: t });
        replied = true;
      }
      if (happening.kind === 'status') {
        const done = (s: string) => s === 'solved' || s === 'closed';
        if (done(happening.status) && cycles.resolution.active) Object.assign(cycles.resolution, { active: false, metAt: t });
        if (done(status) && !done(happening.status)) Object.assign(cycles.resolution, { active: true, metAt: null });
        status = happening.status;
      }
      if (happening.kind === 'priority') priority = happening.priority;
      check(t);
    }
    if (t < now) tick(t);
  }
  // What is due later: run on from now with nothing more happening.
  const running = status === 'new' || status === 'open';
  const future = (metric: SlaMetric, mark: number | null) => {
    const cycle = cycles[metric];
    if (!running || !cycle.active || mark === null) return null;
    let elapsed = cycle.elapsed;
    for (let t = now; ; t += MIN) if (isOpen(t) && (elapsed += 60) >= mark) return t + MIN;
  };
  return Object.fromEntries(
    METRICS.map((metric) => {
      const cycle = cycles[metric];
      const seconds = target(metric);
      const state = cycle.breachedAt !== null ? 'breached' : seconds === null || !cycle.started ? 'none' : !cycle.active ? 'met' : running ? 'running' : 'paused';
      return [
        metric,
        {
          state,
          targetSeconds: seconds,
          elapsedSeconds: cycle.elapsed,
          dueAt: state === 'running' ? future(metric, seconds) : null,
          warnAt: cycle.warnedAt ?? (state === 'running' ? future(metric, seconds! - 900) : null),
          breachedAt: cycle.breachedAt,
          metAt: cycle.metAt,
        },
      ];
    }),
  );
}

test('property: the clocks match the semantics replayed minute by minute', () => {
  const minute = (min: number, max: number) => fc.integer({ min: min / 60_000, max: max / 60_000 }).map((m) => m * 60_000);
  const when = minute(START, START + 5 * 86_400_000);
  const happening: fc.Arbitrary<CaseHappening> = fc.oneof(
    fc.record({ at: when, kind: fc.constantFrom('customer_message' as const, 'agent_reply' as const) }),
    fc.record({ at: when, kind: fc.constant('status' as const), status: fc.constantFrom('open' as const, 'pending' as const, 'on_hold' as const, 'solved' as const) }),
    fc.record({ at: when, kind: fc.constant('priority' as const), priority: fc.constantFrom(...PRIORITIES) }),
  );
  const minuteFacts = fc.record({
    createdAt: minute(START, START + 2 * 86_400_000),
    priority: fc.constantFrom(...PRIORITIES),
    happenings: fc.array(happening, { maxLength: 15 }),
  });
  fc.assert(
    fc.property(minuteFacts, minute(START, START + 6 * 86_400_000), (facts, now) => {
      const sorted: SlaFacts = { ...facts, happenings: facts.happenings.map((h) => ({ ...h, at: Math.max(h.at, facts.createdAt) })).sort((a, b) => a.at - b.at) };
      assert.deepEqual(slaClocks(policy, calendar, sorted, now), clocksMinuteByMinute(sorted, Math.max(now, facts.createdAt)));
    }),
    { numRuns: 150 },
  );
});

test('a reopened case whose priority was raised while it was solved warns at the reopening', () => {
  // Found by the property below: solved, then raised to urgent and reopened on hold in the same minute.
  const facts: SlaFacts = {
    createdAt: 1772434800000,
    priority: 'low',
    happenings: [
      { at: 1772466300000, kind: 'status', status: 'solved' },
      { at: 1772466360000, kind: 'priority', priority: 'urgent' },
      { at: 1772466360000, kind: 'status', status: 'on_hold' },
    ],
  };
  const clocks = slaClocks(policy, calendar, facts, 1772466360000);
  assert.deepEqual([clocks.resolution.state, clocks.resolution.warnAt], ['paused', 1772466360000]);
  assert.deepEqual(clocks, clocksMinuteByMinute(facts, 1772466360000));
});
