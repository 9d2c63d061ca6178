/**
 * Counts what a key does in fixed windows (failed sign-ins, uploaded bytes…) and says how long
 * the key stays blocked once its count reaches `limit`. Asynchronous, so that several server
 * nodes can count in one place (Redis, through `Coordination`).
 */
export interface WindowLimiter {
  /** Seconds until `key` may go on; 0 when it may go on now. */
  blockedFor(key: string): Promise<number>;
  /**
   * Adds `amount` (default 1, negative to take back a reservation) to the key's count in the
   * current window. Resolves with the seconds the key was already blocked for (its count had
   * reached the limit before this), 0 otherwise: callers that raced past `blockedFor` refuse then.
   */
  record(key: string, amount?: number): Promise<number>;
  clear(key: string): Promise<void>;
}

export interface WindowLimit {
  /** Count per window at which the key is blocked until the window ends. */
  limit: number;
  windowMs: number;
}

/**
 * What several server nodes must share to keep the API's guarantees: limit counters and locks.
 * `createMemoryCoordination` serves one process; `@casekit/server` has one in Redis.
 */
export interface Coordination {
  /** A limiter; `name` keeps its keys apart from other limiters' (`login-email`, …). */
  limiter(name: string, limit: WindowLimit): WindowLimiter;
  /** Runs `fn` while no other caller of any node runs under `key`; callers wait their turn. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/** Entries kept at most; the oldest windows go first. */
const MAX_KEYS = 100_000;

/** Seconds left of a window with `msLeft` to go, at least 1. */
const secondsLeft = (msLeft: number): number => Math.max(1, Math.ceil(msLeft / 1000));

/** A limiter in this process's memory: behind a load balancer each node would count alone. */
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
  const wait = (entry: { count: number; endsAt: number } | undefined, count = entry?.count ?? 0) =>
    entry && count >= limit ? secondsLeft(entry.endsAt - now()) : 0;
  return {
    async blockedFor(key) {
      return wait(current(key));
    },
    async record(key, amount = 1) {
      const entry = current(key);
      if (entry) {
        const before = entry.count;
        entry.count += amount;
        return amount > 0 ? wait(entry, before) : 0;
      }
      // Taking back what a window that has since ended counted: nothing to do.
      if (amount <= 0) return 0;
      if (windows.size >= MAX_KEYS) windows.delete(windows.keys().next().value!);
      windows.set(key, { count: amount, endsAt: now() + windowMs });
      return 0;
    },
    async clear(key) {
      windows.delete(key);
    },
  };
}

/**
 * Limits and locks in this process's memory: the default, right for one server process.
 * `now` is the clock windows are counted by.
 */
export function createMemoryCoordination(now: () => number = Date.now): Coordination {
  const tails = new Map<string, Promise<void>>();
  return {
    limiter: (_name, limit) => createWindowLimiter(limit, now),
    async withLock(key, fn) {
      const before = tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((resolve) => (release = resolve));
      const tail = before.then(() => mine);
      tails.set(key, tail);
      await before;
      try {
        return await fn();
      } finally {
        release();
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}
