/**
 * SLA: addBusinessTime over a Madrid office calendar (Mon–Fri 09:00–17:00, national holidays) for
 * 1 h, 8 h and 40 h targets from random minutes of 2026, against a naive baseline measured in the same
 * run that steps minute by minute and reads each minute's wall clock with Intl; then slaClocks for a
 * case with 20 happenings.
 *   pnpm --filter @casekit/bench sla [--ops 20000] [--naive-ops 200]
 */
import { addBusinessTime, slaClocks, type BusinessCalendar, type CaseHappening, type SlaPolicy, type Weekday } from '@casekit/routing';
import { benchOptions, saveResult, table } from './lib.ts';

const values = benchOptions({
  ops: { type: 'string', default: '20000' },
  'naive-ops': { type: 'string', default: '200' },
});
const OPS = Number(values.ops);
const NAIVE_OPS = Number(values['naive-ops']);

const office: [string, string][] = [['09:00', '17:00']];
const madrid: BusinessCalendar = {
  id: 'madrid',
  timeZone: 'Europe/Madrid',
  hours: { mon: office, tue: office, wed: office, thu: office, fri: office },
  holidays: ['2026-01-01', '2026-01-06', '2026-04-03', '2026-05-01', '2026-08-15', '2026-10-12', '2026-12-08', '2026-12-25'],
};

let seed = 7;
const random = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
const YEAR = Date.UTC(2026, 0, 1);
const starts = Array.from({ length: OPS }, () => YEAR + Math.floor(random() * 365 * 1440) * 60_000);

// The baseline: step one minute at a time, counting the minutes the wall clock says are open.
const wallClock = new Intl.DateTimeFormat('en-US', { timeZone: madrid.timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
function naiveOpen(instant: number): boolean {
  const parts = Object.fromEntries(wallClock.formatToParts(instant).map((part) => [part.type, part.value]));
  if (madrid.holidays.includes(`${parts.year}-${parts.month}-${parts.day}`)) return false;
  const minute = Number(parts.hour) * 60 + Number(parts.minute);
  return (madrid.hours[parts.weekday!.toLowerCase() as Weekday] ?? []).some(([s, e]) => minute >= toMinutes(s) && minute < toMinutes(e));
}
const toMinutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3));
function naiveAdd(start: number, seconds: number): number {
  let left = seconds / 60;
  let t = start;
  while (left > 0) {
    if (naiveOpen(t)) left--;
    t += 60_000;
  }
  return t;
}

/** Runs `fn` over the first `count` starts and returns microseconds per call. */
function perCall(count: number, fn: (start: number) => unknown): number {
  const begin = performance.now();
  for (let i = 0; i < count; i++) fn(starts[i]!);
  return ((performance.now() - begin) * 1000) / count;
}

// The zone's offsets and day starts are memoised: the first pass over the year pays for the Intl calls.
const coldMicros = perCall(OPS, (start) => addBusinessTime(madrid, start, 3600));

const rows: Record<string, string | number>[] = [];
const results: Record<string, unknown>[] = [];
for (const hours of [1, 8, 40]) {
  const seconds = hours * 3600;
  // The two must agree before their speeds are compared.
  for (let i = 0; i < 50; i++) {
    if (addBusinessTime(madrid, starts[i]!, seconds) !== naiveAdd(starts[i]!, seconds)) throw new Error(`addBusinessTime and the naive baseline disagree from ${new Date(starts[i]!).toISOString()} + ${hours} h`);
  }
  perCall(Math.min(OPS, 2000), (start) => addBusinessTime(madrid, start, seconds)); // warm-up
  const fast = perCall(OPS, (start) => addBusinessTime(madrid, start, seconds));
  const naive = perCall(NAIVE_OPS, (start) => naiveAdd(start, seconds));
  results.push({ hours, microsPerCall: fast, naiveMicrosPerCall: naive });
  rows.push({ target: `${hours} h`, 'µs per call': fast, 'calls/s': Math.round(1e6 / fast), 'naive µs (baseline)': Math.round(naive), 'speed-up vs naive': Math.round(naive / fast) });
}

const policy: SlaPolicy = {
  id: 'standard',
  calendarId: 'madrid',
  targets: { normal: { firstResponseSeconds: 4 * 3600, nextResponseSeconds: 2 * 3600, resolutionSeconds: 40 * 3600 } },
  warnBeforeSeconds: 900,
};
const facts = (createdAt: number) => {
  const happenings: CaseHappening[] = [];
  for (let i = 1; i <= 20; i++) {
    const at = createdAt + i * 47 * 60_000;
    if (i % 5 === 0) happenings.push({ at, kind: 'status', status: i % 10 === 0 ? 'open' : 'pending' });
    else happenings.push({ at, kind: i % 2 === 0 ? 'agent_reply' : 'customer_message' });
  }
  return { createdAt, priority: 'normal' as const, happenings };
};
const cases = starts.slice(0, Math.min(OPS, 5000)).map(facts);
cases.forEach((one) => slaClocks(policy, madrid, one, one.createdAt + 86_400_000)); // warm-up
const begin = performance.now();
for (const one of cases) slaClocks(policy, madrid, one, one.createdAt + 86_400_000);
const clocksMicros = ((performance.now() - begin) * 1000) / cases.length;

console.log(`\nSLA: addBusinessTime on Mon–Fri 09:00–17:00 Europe/Madrid with holidays, ${OPS.toLocaleString('en')} random starts in 2026 (naive: ${NAIVE_OPS})`);
console.log(table(rows));
console.log(`\nfirst pass with empty memos (1 h targets): ${coldMicros.toFixed(2)} µs per call`);
console.log(`slaClocks, a case with 20 happenings: ${clocksMicros.toFixed(1)} µs per case (${Math.round(1e6 / clocksMicros).toLocaleString('en')} cases/s)`);
saveResult('sla', { ops: OPS, naiveOps: NAIVE_OPS, coldMicrosPerCall: coldMicros, results, slaClocksMicrosPerCase: clocksMicros });
