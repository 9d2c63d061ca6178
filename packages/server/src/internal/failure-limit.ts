/**
 * Counts failures per key in fixed windows and says how long a key stays blocked once it has
 * failed `limit` times. In memory, per process: behind a load balancer each node counts alone.
 */
export interface FailureLimiter {
  /** Seconds until `key` may try again; 0 when it may try now. */
  blockedFor(key: string): number;
  recordFailure(key: string): void;
  clear(key: string): void;
}

export interface FailureLimit {
  /** Failures allowed per window before the key is blocked until the window ends. */
  limit: number;
  windowMs: number;
}

/** Entries kept at most; the oldest windows go first. */
const MAX_KEYS = 100_000;

export function createFailureLimiter({ limit, windowMs }: FailureLimit, now: () => number = Date.now): FailureLimiter {
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
    recordFailure(key) {
      const entry = current(key);
      if (entry) {
        entry.count += 1;
        return;
      }
      if (windows.size >= MAX_KEYS) windows.delete(windows.keys().next().value!);
      windows.set(key, { count: 1, endsAt: now() + windowMs });
    },
    clear(key) {
      windows.delete(key);
    },
  };
}
