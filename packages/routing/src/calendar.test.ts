import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addBusinessTime, businessSecondsBetween, ALWAYS_OPEN, WEEKDAYS, type BusinessCalendar, type Weekday } from './calendar.ts';
import { RoutingConfigError } from './errors.ts';

const HOUR = 3600;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const weekdays = (intervals: [string, string][]): BusinessCalendar['hours'] => ({ mon: intervals, tue: intervals, wed: intervals, thu: intervals, fri: intervals });

// Mon–Fri 09:00–17:00 in Madrid; 2026-01-06 (Epiphany, a Tuesday) and 2026-03-30 (a Monday) are holidays.
const madrid: BusinessCalendar = { id: 'madrid', timeZone: 'Europe/Madrid', hours: weekdays([['09:00', '17:00']]), holidays: ['2026-01-06', '2026-03-30'] };

test('Madrid office hours: Friday 16:30 plus one hour is Monday 09:30, or Tuesday when Monday is a holiday', () => {
  // 2026-03-06 is a Friday; 16:30 CET is 15:30 UTC.
  assert.equal(iso(addBusinessTime(madrid, at('2026-03-06T15:30:00Z'), HOUR)), '2026-03-09T08:30:00.000Z');
  assert.equal(iso(addBusinessTime(madrid, at('2026-01-05T16:30:00Z'), 0.5 * HOUR)), '2026-01-07T08:30:00.000Z');
  // Friday 27 March, the clocks go forward on Sunday 29, Monday 30 is a holiday: Tuesday 09:30 CEST.
  assert.equal(iso(addBusinessTime(madrid, at('2026-03-27T15:30:00Z'), HOUR)), '2026-03-31T07:30:00.000Z');
  assert.equal(businessSecondsBetween(madrid, at('2026-03-27T15:30:00Z'), at('2026-03-31T07:30:00Z')), HOUR);
});

test('a due time at the end of an open interval is that end, not the next opening', () => {
  assert.equal(iso(addBusinessTime(madrid, at('2026-03-06T15:30:00Z'), 0.5 * HOUR)), '2026-03-06T16:00:00.000Z');
  // Starting while closed counts from the next opening.
  assert.equal(iso(addBusinessTime(madrid, at('2026-03-07T12:00:00Z'), HOUR)), '2026-03-09T09:00:00.000Z');
  assert.equal(addBusinessTime(madrid, at('2026-03-07T12:00:00Z'), 0), at('2026-03-07T12:00:00Z'));
});

test('October: the clocks go back on Sunday 25 and Monday opens at 09:00 CET', () => {
  assert.equal(iso(addBusinessTime(madrid, at('2026-10-23T14:30:00Z'), HOUR)), '2026-10-26T08:30:00.000Z');
  // A week of business hours across the change is still 40 hours.
  assert.equal(businessSecondsBetween(madrid, at('2026-10-19T00:00:00Z'), at('2026-10-26T23:00:00Z')), 48 * HOUR);
});

test('a calendar open all Sunday counts 23 hours on the spring-forward Sunday and 25 on the fall-back one', () => {
  const sundays: BusinessCalendar = { id: 'sundays', timeZone: 'Europe/Madrid', hours: { sun: [['00:00', '24:00']] }, holidays: [] };
  assert.equal(businessSecondsBetween(sundays, at('2026-03-23T00:00:00Z'), at('2026-03-30T00:00:00Z')), 23 * HOUR);
  assert.equal(businessSecondsBetween(sundays, at('2026-10-19T00:00:00Z'), at('2026-10-26T00:00:00Z')), 25 * HOUR);
  // The open hours of a week of Sundays later are still counted in whole weeks.
  assert.equal(businessSecondsBetween(sundays, at('2026-04-01T00:00:00Z'), at('2026-05-01T00:00:00Z')), 4 * 24 * HOUR);
});

test('wall times skipped or repeated by a clock change: a skipped one opens at the change, a repeated one at its first occurrence', () => {
  const skipped: BusinessCalendar = { id: 'night', timeZone: 'Europe/Madrid', hours: { sun: [['02:30', '05:00']] }, holidays: [] };
  // 29 March: 02:00 CET jumps to 03:00 CEST (01:00 UTC); open from then until 05:00 CEST (03:00 UTC).
  assert.equal(iso(addBusinessTime(skipped, at('2026-03-28T12:00:00Z'), 60)), '2026-03-29T01:01:00.000Z');
  assert.equal(businessSecondsBetween(skipped, at('2026-03-28T12:00:00Z'), at('2026-03-30T00:00:00Z')), 2 * HOUR);
  // 25 October: 02:30 first happens at 00:30 UTC (CEST); 05:00 CET is 04:00 UTC.
  assert.equal(iso(addBusinessTime(skipped, at('2026-10-24T12:00:00Z'), 60)), '2026-10-25T00:31:00.000Z');
  assert.equal(businessSecondsBetween(skipped, at('2026-10-24T12:00:00Z'), at('2026-10-26T00:00:00Z')), 3.5 * HOUR);
});

test('New York: hours across midnight, and the March change on a weekend', () => {
  const nights: BusinessCalendar = { id: 'nights', timeZone: 'America/New_York', hours: { mon: [['22:00', '24:00']], tue: [['00:00', '06:00']] }, holidays: [] };
  // Monday 2 March 23:00 EST (04:00 UTC Tuesday) plus 3 h is Tuesday 02:00 EST.
  assert.equal(iso(addBusinessTime(nights, at('2026-03-03T04:00:00Z'), 3 * HOUR)), '2026-03-03T07:00:00.000Z');
  // Tuesday 05:00 plus 2 h: one hour that night, the next from 22:00 EDT the Monday after (02:00 UTC).
  assert.equal(iso(addBusinessTime(nights, at('2026-03-03T10:00:00Z'), 2 * HOUR)), '2026-03-10T03:00:00.000Z');
  const office: BusinessCalendar = { id: 'ny', timeZone: 'America/New_York', hours: weekdays([['08:00', '20:00']]), holidays: [] };
  // Friday 6 March 19:30 EST plus 1 h is Monday 9 March 08:30 EDT.
  assert.equal(iso(addBusinessTime(office, at('2026-03-07T00:30:00Z'), HOUR)), '2026-03-09T12:30:00.000Z');
});

test('Kolkata: a half-hour offset and no clock changes', () => {
  const kolkata: BusinessCalendar = { id: 'in', timeZone: 'Asia/Kolkata', hours: { ...weekdays([['10:00', '18:30']]), sat: [['10:00', '14:00']] }, holidays: ['2026-08-15'] };
  // Saturday 8 August 13:30 IST (08:00 UTC) plus 1 h: 30 min that day, 30 min from Monday 10:00 IST (04:30 UTC).
  assert.equal(iso(addBusinessTime(kolkata, at('2026-08-08T08:00:00Z'), HOUR)), '2026-08-10T05:00:00.000Z');
  // Friday 14 August 18:00 IST plus 2 h: Saturday 15 is a holiday, so 30 min Friday then Monday 10:00–11:30.
  assert.equal(iso(addBusinessTime(kolkata, at('2026-08-14T12:30:00Z'), 2 * HOUR)), '2026-08-17T06:00:00.000Z');
});

test('the always-open calendar counts plain time', () => {
  assert.equal(addBusinessTime(ALWAYS_OPEN, at('2026-03-29T00:30:00Z'), 5 * HOUR), at('2026-03-29T05:30:00Z'));
  assert.equal(businessSecondsBetween(ALWAYS_OPEN, 0, 90_000), 90);
});

test('a calendar never open, an unknown zone or a negative amount is refused with the field named', () => {
  const closed = { id: 'closed', timeZone: 'Europe/Madrid', hours: { mon: [] }, holidays: [] };
  assert.throws(() => addBusinessTime(closed, 0, 60), (error: unknown) => error instanceof RoutingConfigError && error.code === 'invalid_sla' && error.issues[0]!.path === 'calendar.hours');
  const nowhere = { ...madrid, timeZone: 'Europe/Atlantis' };
  assert.throws(() => businessSecondsBetween(nowhere, 0, 60), (error: unknown) => error instanceof RoutingConfigError && error.issues[0]!.path === 'calendar.timeZone');
  assert.throws(() => addBusinessTime(madrid, 0, -1), RangeError);
  assert.throws(() => addBusinessTime(madrid, Number.NaN, 60), RangeError);
  assert.throws(() => businessSecondsBetween(madrid, 0, Number.POSITIVE_INFINITY), RangeError);
});

// Property tests over random calendars. Interval boundaries avoid 01:00–04:00, where clock changes
// make a wall time skipped or repeated, so the wall-clock oracle below has one answer.
const ZONES = ['Europe/Madrid', 'America/New_York', 'Asia/Kolkata', 'America/St_Johns', 'Australia/Lord_Howe', 'UTC'];
const boundary = fc.oneof(fc.constant(0), fc.integer({ min: 16, max: 96 }).map((q) => q * 15));
const dayHours = fc.uniqueArray(boundary, { maxLength: 6 }).map((points) => {
  const sorted = points.sort((a, b) => a - b);
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const intervals: [string, string][] = [];
  for (let i = 0; i + 1 < sorted.length; i += 2) intervals.push([hhmm(sorted[i]!), hhmm(sorted[i + 1]!)]);
  return intervals;
});
const START = at('2026-01-01T00:00:00Z');
const SPAN = 366 * 86_400_000;
const calendarArb = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    days: fc.array(dayHours, { minLength: 7, maxLength: 7 }),
    holidays: fc.uniqueArray(fc.integer({ min: 0, max: 380 }), { maxLength: 25 }),
  })
  .filter(({ days }) => days.some((day) => day.length > 0))
  .map(({ timeZone, days, holidays }): BusinessCalendar => ({
    id: 'random',
    timeZone,
    hours: Object.fromEntries(WEEKDAYS.map((day, i) => [day, days[i]!])) as Record<Weekday, [string, string][]>,
    holidays: holidays.map((offset) => new Date(START + offset * 86_400_000).toISOString().slice(0, 10)),
  }));
const instantArb = fc.integer({ min: START, max: START + SPAN });
const secondsArb = fc.integer({ min: 0, max: 400 * HOUR });

/** Whether the calendar is open at `instant`, read from the wall clock with Intl: the oracle. */
function openAt(calendar: BusinessCalendar, instant: number): boolean {
  const parts = Object.fromEntries(wallClock(calendar.timeZone).formatToParts(instant).map((part) => [part.type, part.value]));
  if (calendar.holidays.includes(`${parts.year}-${parts.month}-${parts.day}`)) return false;
  const minute = Number(parts.hour) * 60 + Number(parts.minute);
  const hours = calendar.hours[parts.weekday!.toLowerCase() as Weekday] ?? [];
  return hours.some(([start, end]) => minute >= toMinutes(start) && minute < toMinutes(end));
}
const wallClocks = new Map<string, Intl.DateTimeFormat>();
const wallClock = (timeZone: string) => {
  const options = { timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' } as const;
  if (!wallClocks.has(timeZone)) wallClocks.set(timeZone, new Intl.DateTimeFormat('en-US', options));
  return wallClocks.get(timeZone)!;
};
const toMinutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3));

test('property: businessSecondsBetween undoes addBusinessTime, and addBusinessTime undoes it up to closed time', () => {
  fc.assert(
    fc.property(calendarArb, instantArb, secondsArb, instantArb, (calendar, start, seconds, other) => {
      const due = addBusinessTime(calendar, start, seconds);
      assert.ok(due >= start);
      assert.equal(businessSecondsBetween(calendar, start, due), seconds);
      const [a, b] = start <= other ? [start, other] : [other, start];
      const back = addBusinessTime(calendar, a, businessSecondsBetween(calendar, a, b));
      assert.ok(back <= b);
      assert.equal(businessSecondsBetween(calendar, back, b), 0);
      assert.equal(businessSecondsBetween(calendar, b, a) + businessSecondsBetween(calendar, a, b), 0);
    }),
    { numRuns: 300 },
  );
});

test('property: a due time never falls outside open hours (the second before it is open)', () => {
  fc.assert(
    fc.property(calendarArb, instantArb, fc.integer({ min: 1, max: 400 * HOUR }), (calendar, start, seconds) => {
      const due = addBusinessTime(calendar, start, seconds);
      assert.ok(openAt(calendar, due - 1000), `${iso(due)} follows a closed second in ${calendar.timeZone}`);
    }),
    { numRuns: 300 },
  );
});

test('property: the open time counted over a few days matches the wall clock read minute by minute', () => {
  fc.assert(
    fc.property(calendarArb, instantArb.map((ms) => ms - (ms % 60_000)), fc.integer({ min: 0, max: 3 * 24 * 60 }), (calendar, start, minutes) => {
      let open = 0;
      for (let m = 0; m < minutes; m++) if (openAt(calendar, start + m * 60_000)) open += 60;
      assert.equal(businessSecondsBetween(calendar, start, start + minutes * 60_000), open);
    }),
    { numRuns: 40 },
  );
});
