/** Wall-clock arithmetic in one IANA time zone, from `Intl.DateTimeFormat` alone, memoised per zone. */

export const MINUTE = 60_000;
export const DAY = 86_400_000;

/** A zone's offsets and local days. A local day is numbered as days since 1970-01-01 on the wall calendar. */
export interface Zone {
  /** Milliseconds to add to an instant to read its wall clock. */
  offsetAt(instant: number): number;
  /** The local day an instant falls on. */
  dayOf(instant: number): number;
  /** The instant the local day starts (its first wall-clock moment). */
  dayStart(day: number): number;
  /**
   * The instant of a wall time (`minute` 0–1440 of `day`). A wall time that occurs twice (clocks
   * going back) is its first occurrence; one that never occurs (clocks going forward) is the moment of the change.
   */
  instantOf(day: number, minute: number): number;
}

const MEMO_LIMIT = 100_000;
const zones = new Map<string, Zone>();

export function zoneFor(timeZone: string): Zone {
  let zone = zones.get(timeZone);
  if (!zone) zones.set(timeZone, (zone = createZone(timeZone)));
  return zone;
}

function createZone(timeZone: string): Zone {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  // Offsets change at most once a day and only on whole minutes: one lookup per UTC day serves the
  // days without a change, and one per minute the days with one.
  const dayOffsets = new Map<number, number | null>();
  const minuteOffsets = new Map<number, number>();
  const dayStarts = new Map<number, number>();

  const minuteOffset = (instant: number): number => {
    const key = Math.floor(instant / MINUTE);
    let offset = minuteOffsets.get(key);
    if (offset === undefined) {
      if (minuteOffsets.size >= MEMO_LIMIT) minuteOffsets.clear();
      minuteOffsets.set(key, (offset = readOffset(format, key * MINUTE)));
    }
    return offset;
  };

  const offsetAt = (instant: number): number => {
    const key = Math.floor(instant / DAY);
    let offset = dayOffsets.get(key);
    if (offset === undefined) {
      if (dayOffsets.size >= MEMO_LIMIT) dayOffsets.clear();
      const first = readOffset(format, key * DAY);
      offset = first === readOffset(format, key * DAY + DAY - MINUTE) ? first : null;
      dayOffsets.set(key, offset);
    }
    return offset ?? minuteOffset(instant);
  };

  const instantOf = (day: number, minute: number): number => {
    const wall = day * DAY + minute * MINUTE;
    const before = offsetAt(wall - DAY);
    const after = offsetAt(wall + DAY);
    if (before === after) return wall - before;
    const early = wall - Math.max(before, after);
    const late = wall - Math.min(before, after);
    const earlyFits = offsetAt(early) === Math.max(before, after);
    const lateFits = offsetAt(late) === Math.min(before, after);
    if (earlyFits) return early;
    if (lateFits) return late;
    // The wall time falls in the gap of a forward change: find the change, to the minute.
    let lo = early;
    let hi = late;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / (2 * MINUTE)) * MINUTE;
      if (offsetAt(mid) === before) lo = mid;
      else hi = mid;
    }
    return hi;
  };

  return {
    offsetAt,
    instantOf,
    dayOf: (instant) => Math.floor((instant + offsetAt(instant)) / DAY),
    dayStart(day) {
      let start = dayStarts.get(day);
      if (start === undefined) {
        if (dayStarts.size >= MEMO_LIMIT) dayStarts.clear();
        dayStarts.set(day, (start = instantOf(day, 0)));
      }
      return start;
    },
  };
}

function readOffset(format: Intl.DateTimeFormat, instant: number): number {
  const name = format.formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/.exec(name);
  if (!match?.[1]) return 0;
  const sign = match[1] === '-' ? -1 : 1;
  return sign * ((Number(match[2]) * 60 + Number(match[3] ?? 0)) * MINUTE + Number(match[4] ?? 0) * 1000);
}

/** The local day number of a `YYYY-MM-DD` date. */
export function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / DAY;
}
