import { WEEKDAYS, type SlaCalendar } from '@casekit/protocol';
import { SlaCalendar as CalendarSchema, toFieldIssues } from '@casekit/protocol/schemas';
import { RoutingConfigError } from './errors.ts';
import type { Millis } from './types.ts';
import { DAY, MINUTE, dayNumber, zoneFor, type Zone } from './internal/zone.ts';

export { WEEKDAYS };
/** Weekday keys of `BusinessCalendar.hours`. */
export type Weekday = (typeof WEEKDAYS)[number];

const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/**
 * Business hours in one time zone (the protocol's `SlaCalendar`): per weekday, `[start, end)` wall-clock
 * intervals, and holidays (`YYYY-MM-DD` in that zone). Compiled once per object: do not mutate.
 */
export type BusinessCalendar = SlaCalendar;

/** The calendar of a policy that names none: open every moment, so business time is plain time. */
export const ALWAYS_OPEN: BusinessCalendar = {
  id: 'always-open',
  timeZone: 'UTC',
  hours: Object.fromEntries(WEEKDAYS.map((day) => [day, [['00:00', '24:00']]])) as BusinessCalendar['hours'],
  holidays: [],
};

interface Compiled {
  zone: Zone;
  /** Per weekday (0 = Monday), flat `[start, end, start, end…]` minutes of the day. */
  week: number[][];
  /** Open milliseconds of a whole week without a holiday or a clock change. */
  weekOpen: number;
  holidays: Set<number>;
  sortedHolidays: number[];
  alwaysOpen: boolean;
  scratch: number[];
}

const compiled = new WeakMap<BusinessCalendar, Compiled>();

function compile(calendar: BusinessCalendar): Compiled {
  let done = compiled.get(calendar);
  if (done) return done;
  const result = CalendarSchema.safeParse(calendar);
  if (!result.success) throw new RoutingConfigError('invalid_sla', toFieldIssues(result.error, 'calendar'), { cause: result.error });
  const week = WEEKDAYS.map((day) => (result.data.hours[day] ?? []).flatMap(([start, end]) => [minutesOf(start), minutesOf(end)]));
  const sortedHolidays = [...new Set(result.data.holidays.map(dayNumber))].sort((a, b) => a - b);
  done = {
    zone: zoneFor(result.data.timeZone),
    week,
    weekOpen: week.reduce((sum, day) => sum + openMinutes(day), 0) * MINUTE,
    holidays: new Set(sortedHolidays),
    sortedHolidays,
    alwaysOpen: sortedHolidays.length === 0 && week.every((day) => openMinutes(day) === 1440),
    scratch: [],
  };
  compiled.set(calendar, done);
  return done;
}

function openMinutes(day: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < day.length; i += 2) sum += day[i + 1]! - day[i]!;
  return sum;
}

const weekdayOf = (day: number): number => (((day + 3) % 7) + 7) % 7; // day 0, 1970-01-01, was a Thursday

/**
 * The open intervals of one local day as flat `[start, end…]` instants in `cal.scratch`; returns how
 * many numbers it wrote. The buffer is reused, so read it before the next call.
 */
function openIntervals(cal: Compiled, day: number): number {
  const minutes = cal.week[weekdayOf(day)]!;
  if (minutes.length === 0 || cal.holidays.has(day)) return 0;
  const start = cal.zone.dayStart(day);
  const next = cal.zone.dayStart(day + 1);
  const plain = next - start === DAY;
  for (let i = 0; i < minutes.length; i++) {
    const minute = minutes[i]!;
    // On the day the clocks change, each boundary is placed by its wall time.
    cal.scratch[i] = plain ? start + minute * MINUTE : minute === 1440 ? next : cal.zone.instantOf(day, minute);
  }
  return minutes.length;
}

/** Whether the week from local day `day` is a plain one: no holiday and no clock change. */
function isPlainWeek(cal: Compiled, day: number): boolean {
  if (cal.zone.dayStart(day + 7) - cal.zone.dayStart(day) !== 7 * DAY) return false;
  const holidays = cal.sortedHolidays;
  let lo = 0;
  let hi = holidays.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (holidays[mid]! < day) lo = mid + 1;
    else hi = mid;
  }
  return lo === holidays.length || holidays[lo]! >= day + 7;
}

/**
 * The moment `seconds` of business time after `start`: the earliest instant by which the calendar has
 * been open that long (so it may be the end of an open interval).
 * @example addBusinessTime(madrid, Date.parse('2026-03-06T15:30:00Z'), 3600) // Friday 16:30 + 1 h → Monday 09:30 local
 */
export function addBusinessTime(calendar: BusinessCalendar, start: Millis, seconds: number): Millis {
  if (!Number.isFinite(start)) throw new RangeError(`start must be epoch milliseconds, got ${start}`);
  if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new RangeError(`seconds must be a finite number, 0 or more, got ${seconds}`);
  return addOpenMillis(compile(calendar), start, Math.round(seconds * 1000));
}

function addOpenMillis(cal: Compiled, start: Millis, millis: number): Millis {
  if (millis === 0 || cal.alwaysOpen) return start + millis;
  let remaining = millis;
  let day = cal.zone.dayOf(start);
  let from = start;
  for (;;) {
    const count = openIntervals(cal, day);
    const intervals = cal.scratch;
    for (let i = 0; i < count; i += 2) {
      const begin = Math.max(intervals[i]!, from);
      const available = intervals[i + 1]! - begin;
      if (available <= 0) continue;
      if (remaining <= available) return begin + remaining;
      remaining -= available;
    }
    day++;
    while (remaining > cal.weekOpen && isPlainWeek(cal, day)) {
      remaining -= cal.weekOpen;
      day += 7;
    }
    from = cal.zone.dayStart(day);
  }
}

/**
 * Business seconds between two moments: how long the calendar was open in `[a, b)`; negative when `b` is before `a`.
 * @example businessSecondsBetween(madrid, fridayAt16_30, mondayAt09_30) // 3600
 */
export function businessSecondsBetween(calendar: BusinessCalendar, a: Millis, b: Millis): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new RangeError(`a and b must be epoch milliseconds, got ${a} and ${b}`);
  return openMillisBetween(compile(calendar), a, b) / 1000;
}

function openMillisBetween(cal: Compiled, a: Millis, b: Millis): number {
  if (b < a) return 0 - openMillisBetween(cal, b, a);
  if (cal.alwaysOpen) return b - a;
  let sum = 0;
  let day = cal.zone.dayOf(a);
  let from = a;
  while (from < b) {
    const count = openIntervals(cal, day);
    const intervals = cal.scratch;
    for (let i = 0; i < count; i += 2) {
      const overlap = Math.min(intervals[i + 1]!, b) - Math.max(intervals[i]!, from);
      if (overlap > 0) sum += overlap;
    }
    day++;
    while (cal.zone.dayStart(day + 7) <= b && isPlainWeek(cal, day)) {
      sum += cal.weekOpen;
      day += 7;
    }
    from = cal.zone.dayStart(day);
  }
  return sum;
}

/** The calendar's arithmetic in milliseconds, for the SLA clocks, which step through a case's events. */
interface OpenTime {
  add(start: Millis, millis: number): Millis;
  between(a: Millis, b: Millis): number;
}

/** Validates the calendar once (cached per object, so treat it as immutable) and returns its millisecond arithmetic. */
export function openTime(calendar: BusinessCalendar): OpenTime {
  const cal = compile(calendar);
  return { add: (start, millis) => addOpenMillis(cal, start, millis), between: (a, b) => openMillisBetween(cal, a, b) };
}
