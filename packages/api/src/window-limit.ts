/**
 * Counts what a key does in fixed windows (failed sign-ins, uploaded bytes…) and says how long
 * the key stays blocked once its count reaches `limit`. In memory, per process: behind a load
 * balancer each node counts alone.
 */
export interface WindowLimiter {
  /** Seconds until `key` may go on; 0 when it may go on now. */
  blockedFor(key: string): number;
  /** Adds `amount` (default 1, negative to take back a reservation) to the key's count in the current window. */
  record(key: string, amount?: number): void;
  clear(key: string): void;
}

export interface WindowLimit {
  /** Count per window at which the key is blocked until the window ends. */
  limit: number;
  windowMs: number;
}

/** Entries kept at most; the oldest windows go first. */
const MAX_KEYS = 100_000;

export function createWindowLimiter({ limit, windowMs }: WindowLimit, now: () => number = Date.now): WindowLimiter {
  const windows = new Map<string, { count: number; endsAt: number }>();
  const current = (key: string) => {
    const entry = windows.get(key);
    if (entry && entry.endsAt <= now()) {
      windows.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    blockedFor(key) {
      const entry = current(key);
      return entry && entry.count >= limit ? Math.max(1, Math.ceil((entry.endsAt - now()) / 1000)) : 0;
    },
    record(key, amount = 1) {
      const entry = current(key);
      if (entry) {
        entry.count += amount;
        return;
      }
      // Taking back what a window that has since ended counted: nothing to do.
      if (amount <= 0) return;
      if (windows.size >= MAX_KEYS) windows.delete(windows.keys().next().value!);
      windows.set(key, { count: amount, endsAt: now() + windowMs });
    },
    clear(key) {
      windows.delete(key);
    },
  };
}
