import { z } from 'zod';
import { CaseStatus, ChannelKind, Priority } from './enums.ts';
import { SLA_CLOCK_STATES, SLA_METRICS, SLA_NOTICE_KINDS, WEEKDAYS } from './values.ts';

// SLA configuration as a workspace keeps it and the API takes it, and the clocks a case carries.
// `@casekit/routing` parses with these same schemas, so the API and the library refuse the same input.

const isKnownTimeZone = (timeZone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
};

const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const TIME = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;
const TimeOfDay = z.string().regex(TIME, { message: 'use "HH:MM" from 00:00 to 24:00' });

const DayHours = z.array(z.tuple([TimeOfDay, TimeOfDay])).superRefine((intervals, ctx) => {
  intervals.forEach(([start, end], i) => {
    if (!TIME.test(start) || !TIME.test(end)) return;
    if (minutesOf(end) <= minutesOf(start)) ctx.addIssue({ code: 'custom', path: [i, 1], message: 'must be after the start' });
    else if (i > 0 && minutesOf(start) < minutesOf(intervals[i - 1]![1])) {
      ctx.addIssue({ code: 'custom', path: [i, 0], message: 'must not be before the end of the interval before' });
    }
  });
});

const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'use "YYYY-MM-DD"' })
  .refine((date) => new Date(`${date}T00:00:00Z`).toISOString().startsWith(date), { message: 'not a calendar date' });

/**
 * Business hours in one time zone: per weekday, `[start, end)` wall-clock intervals ("09:00"–"17:00",
 * "24:00" ends at midnight), and holidays (`YYYY-MM-DD` in that zone).
 */
export const SlaCalendar = z
  .strictObject({
    id: z.string().min(1).max(64),
    timeZone: z.string().refine(isKnownTimeZone, { message: 'unknown time zone; use an IANA name such as "Europe/Madrid"' }),
    hours: z.strictObject(Object.fromEntries(WEEKDAYS.map((day) => [day, DayHours.optional()])) as Record<(typeof WEEKDAYS)[number], z.ZodOptional<typeof DayHours>>),
    holidays: z.array(CalendarDate).default([]),
  })
  .refine((calendar) => Object.values(calendar.hours).some((day) => (day ?? []).length > 0), {
    path: ['hours'],
    message: 'the calendar is never open; give at least one weekday an interval',
  });
export type SlaCalendar = z.output<typeof SlaCalendar>;

const Seconds = z.number().int().positive();

/** What a policy's clocks aim at for one priority, in business seconds; a metric left out has no target. */
export const SlaTargets = z.strictObject({
  firstResponseSeconds: Seconds.optional(),
  nextResponseSeconds: Seconds.optional(),
  resolutionSeconds: Seconds.optional(),
});
export interface SlaTargets extends z.infer<typeof SlaTargets> {}

/** What the server does when a clock breaches: raise the priority one step, give the case to another agent, tell a role. */
export const SlaEscalation = z.strictObject({
  raisePriority: z.boolean().optional(),
  reassign: z.boolean().optional(),
  notifyRole: z.enum(['supervisor', 'admin']).optional(),
});
export interface SlaEscalation extends z.infer<typeof SlaEscalation> {}

/** Targets per priority, when to warn, and what to do on a breach; `calendarId` names the business hours counted. */
export const SlaPolicy = z
  .strictObject({
    id: z.string().min(1).max(64),
    /** Absent: the clocks count every moment. */
    calendarId: z.string().min(1).max(64).optional(),
    targets: z.partialRecord(Priority, SlaTargets),
    warnBeforeSeconds: z.number().int().min(0).optional(),
    warnBeforeFraction: z.number().gt(0).lt(1).optional(),
    escalation: SlaEscalation.optional(),
  })
  .refine((policy) => policy.warnBeforeSeconds === undefined || policy.warnBeforeFraction === undefined, {
    path: ['warnBeforeFraction'],
    message: 'give "warnBeforeSeconds" or "warnBeforeFraction", not both',
  });
export interface SlaPolicy extends z.infer<typeof SlaPolicy> {}

/** A workspace's SLA: calendars, policies and which applies (the case's team's, else its channel kind's, else `default`). */
export const SlaSettings = z
  .strictObject({
    calendars: z.array(SlaCalendar).max(50).default([]),
    policies: z.array(SlaPolicy).min(1).max(100),
    /** The id of the policy for cases no team or channel entry names. */
    default: z.string().min(1),
    teams: z.record(z.string().min(1), z.string().min(1)).optional(),
    channels: z.partialRecord(ChannelKind, z.string().min(1)).optional(),
  })
  .superRefine((config, ctx) => {
    const unique = (ids: string[], list: 'calendars' | 'policies') =>
      ids.forEach((id, i) => {
        if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: [list, i, 'id'], message: `"${id}" is already used by ${list}.${ids.indexOf(id)}` });
      });
    const calendarIds = config.calendars.map((calendar) => calendar.id);
    const policyIds = config.policies.map((policy) => policy.id);
    unique(calendarIds, 'calendars');
    unique(policyIds, 'policies');
    config.policies.forEach((policy, i) => {
      if (policy.calendarId !== undefined && !calendarIds.includes(policy.calendarId)) {
        ctx.addIssue({ code: 'custom', path: ['policies', i, 'calendarId'], message: `no calendar has the id "${policy.calendarId}"` });
      }
    });
    const known = (path: (string | number)[], id: string) => {
      if (!policyIds.includes(id)) ctx.addIssue({ code: 'custom', path, message: `no policy has the id "${id}"` });
    };
    known(['default'], config.default);
    for (const [team, id] of Object.entries(config.teams ?? {})) known(['teams', team], id);
    for (const [kind, id] of Object.entries(config.channels ?? {})) known(['channels', kind], id!);
  });
/** SLA settings after defaults (`calendars` present). */
export type SlaSettings = z.output<typeof SlaSettings>;
/** SLA settings as written (`calendars` and `holidays` may be left out). */
export type SlaSettingsInput = z.input<typeof SlaSettings>;

const Timestamp = z.iso.datetime();
const SlaMetric = z.enum(SLA_METRICS);

/** One clock of a case as of `Case.sla.computedAt`; times are ISO, durations business seconds. */
export const SlaClock = z.object({
  state: z.enum(SLA_CLOCK_STATES),
  /** The target for the case's current priority, or null when the policy has none. */
  targetSeconds: z.number().nullable(),
  elapsedSeconds: z.number().min(0),
  /** When it breaches if it keeps running; null unless running. */
  dueAt: Timestamp.nullable(),
  /** When it warned or will warn in this cycle; a future one only while running. */
  warnAt: Timestamp.nullable(),
  breachedAt: Timestamp.nullable(),
  metAt: Timestamp.nullable(),
});
export interface SlaClock extends z.infer<typeof SlaClock> {}

/** Something that moved a case's clocks, as the case keeps it (only those that changed a clock). */
export const SlaHappening = z.discriminatedUnion('kind', [
  z.object({ at: Timestamp, kind: z.literal('customer_message') }),
  z.object({ at: Timestamp, kind: z.literal('agent_reply') }),
  z.object({ at: Timestamp, kind: z.literal('status'), status: CaseStatus }),
  z.object({ at: Timestamp, kind: z.literal('priority'), priority: Priority }),
]);
export type SlaHappening = z.infer<typeof SlaHappening>;

/** A warning or breach the server has announced (`case.sla`), by the moment it was reached. */
const Notified = z.partialRecord(z.enum(['firstResponse.warning', 'firstResponse.breach', 'nextResponse.warning', 'nextResponse.breach', 'resolution.warning', 'resolution.breach']), Timestamp);

/**
 * A case's SLA clocks under its policy, kept by the engine on every change that moves them. Absent
 * while the workspace has no SLA settings.
 */
export const CaseSla = z.object({
  policyId: z.string(),
  /** When the clocks below were computed: a running clock's remaining time is `dueAt` minus now. */
  computedAt: Timestamp,
  firstResponse: SlaClock,
  nextResponse: SlaClock,
  resolution: SlaClock,
  /** What the clocks are computed from: the priority when they started, and what moved them since. */
  basis: z.object({ startedAt: Timestamp, priority: Priority, happenings: z.array(SlaHappening) }),
  /** The warnings and breaches already announced, so that each is announced once. */
  notified: Notified,
  /** The agent a breach took the case from (escalation `reassign`): routing gives it to someone else. */
  reassignedFrom: z.string().nullable().optional(),
});
export interface CaseSla extends z.infer<typeof CaseSla> {}

/** The data of a `case.sla` event: which clock, a warning or a breach, and when it is (was) due. */
export const SlaNotice = z.object({
  metric: SlaMetric,
  kind: z.enum(SLA_NOTICE_KINDS),
  dueAt: Timestamp,
  policyId: z.string(),
  /** The role the policy asks to tell (on a breach); the workbench shows it to them. */
  notifyRole: z.enum(['supervisor', 'admin']).optional(),
});
export interface SlaNotice extends z.infer<typeof SlaNotice> {}
