import { CasekitError } from '@casekit/protocol';
import { defaultBackoff } from './outbox.ts';
import type { Clock, DurableTimer, Store, TimerInput } from './ports.ts';
import { SLA_TIMER_KIND } from './internal/sla.ts';
import type { CaseEngine } from './types.ts';

/** The largest payload a timer carries, serialized. Timers point at state; they do not hold it. */
export const MAX_TIMER_PAYLOAD_BYTES = 8192;
const MAX_KEY_LENGTH = 200;
const KIND_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

function invalid(path: string, message: string): CasekitError {
  return new CasekitError('validation_failed', `Timer ${path} ${message}.`, { details: { issues: [{ path, message }] } });
}

/**
 * Checks a timer before a store keeps it and returns what it stores: the due time in ms and the
 * payload as JSON text. Throws `validation_failed` naming the bad field.
 */
export function checkTimerInput(timer: TimerInput): { dueAt: number; payload: string } {
  if (typeof timer.workspaceId !== 'string' || timer.workspaceId === '') throw invalid('workspaceId', 'must be a non-empty string');
  if (typeof timer.key !== 'string' || timer.key === '' || timer.key.length > MAX_KEY_LENGTH) {
    throw invalid('key', `must be a string of 1 to ${MAX_KEY_LENGTH} characters`);
  }
  if (typeof timer.kind !== 'string' || !KIND_PATTERN.test(timer.kind)) throw invalid('kind', 'must be 1 to 64 letters, digits or _ . : -');
  const dueAt = typeof timer.dueAt === 'string' ? Date.parse(timer.dueAt) : Number.NaN;
  if (Number.isNaN(dueAt)) throw invalid('dueAt', `must be an ISO-8601 timestamp, got ${JSON.stringify(timer.dueAt)}`);
  const payload = timer.payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw invalid('payload', 'must be a JSON object');
  let json: string;
  try {
    json = JSON.stringify(payload);
  } catch (error) {
    throw invalid('payload', `must be JSON (${(error as Error).message})`);
  }
  if (new TextEncoder().encode(json).length > MAX_TIMER_PAYLOAD_BYTES) throw invalid('payload', `must be at most ${MAX_TIMER_PAYLOAD_BYTES} bytes as JSON`);
  return { dueAt, payload: json };
}

/** Runs a due timer; a throw is retried with backoff. Runs at least once, so it must be idempotent. */
export type TimerHandler = (timer: DurableTimer) => Promise<void>;

/** `no_handler`: no handler for its kind; `handler_failed`: the handler threw; `store_failed`: claiming or recording failed. */
export type TimerErrorCode = 'no_handler' | 'handler_failed' | 'store_failed';

/** Why a timer did not run through: `dropped` says whether it is gone for good or will be tried again. */
export class TimerRunError extends Error {
  override readonly name = 'TimerRunError';
  readonly code: TimerErrorCode;
  readonly dropped: boolean;
  constructor(code: TimerErrorCode, message: string, options: { dropped: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.code = code;
    this.dropped = options.dropped;
  }
}

export interface TimerWorkerOptions {
  store: Pick<Store, 'claimTimers' | 'completeTimer' | 'failTimer' | 'nextTimerAt'>;
  /** The handler of each timer kind; a timer of a kind without one is dropped (`no_handler`). */
  handlers: Readonly<Record<string, TimerHandler>>;
  clock?: Clock;
  /** How long a claimed timer stays ours. Default 60 s: a handler must finish well within it. */
  leaseMs?: number;
  /** The longest wait between claims, in ms. Default 1000; a sooner due time is waited for exactly. */
  pollMs?: number;
  /** Timers per claim. Default 20. */
  batchSize?: number;
  /** Runs before a timer whose handler keeps throwing is dropped. Default 10. */
  maxAttempts?: number;
  /** Delay before run n + 1 after n failures (1-based). Default: exponential from 2 s to 15 min, with jitter. */
  backoffMs?: (attempt: number) => number;
  /** Told of every failed run, and of claims that failed (timer null). */
  onError?: (error: TimerRunError, timer: DurableTimer | null) => void;
}

export interface TimerWorker {
  /** Claims and runs one batch; resolves to how many timers it claimed. */
  runOnce(): Promise<number>;
  /** Claims until `stop()`: at once after a full batch, else at the next due time or after `pollMs`. */
  start(): void;
  /** Claims now rather than at the next poll (a timer was just set for now). */
  wake(): void;
  /** Stops claiming and resolves once the handlers running have finished. */
  stop(): Promise<void>;
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Runs durable timers (`StoreTx.setTimer`) when they fall due: each is leased to one worker at
 * a time, completed only if it was not rescheduled meanwhile, retried with backoff when its
 * handler throws, and run again after the lease if the process dies mid-run.
 * @example createTimerWorker({ store, handlers: { sla: (timer) => checkSla(timer.payload) } }).start()
 */
export function createTimerWorker(options: TimerWorkerOptions): TimerWorker {
  const { store, handlers } = options;
  const clock = options.clock ?? { now: () => new Date() };
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 1000;
  const batchSize = options.batchSize ?? 20;
  const maxAttempts = options.maxAttempts ?? 10;
  const backoff = options.backoffMs ?? ((attempt: number) => defaultBackoff(attempt));
  const report = (error: TimerRunError, timer: DurableTimer | null) => options.onError?.(error, timer);
  let sleeping: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  let passing = false;
  let woken = false;
  let stopped = true;

  async function run(timer: DurableTimer): Promise<void> {
    // Read before the handler runs: what it does to its copy changes nothing here.
    const { workspaceId, key, version, attempts } = timer;
    const handler = Object.hasOwn(handlers, timer.kind) ? handlers[timer.kind] : undefined;
    if (!handler) {
      const message = `No handler for timer kind "${timer.kind}" (key "${key}"); the timer is dropped.`;
      await store.failTimer(workspaceId, key, version, `no_handler: ${message}`, null);
      report(new TimerRunError('no_handler', message, { dropped: true }), timer);
      return;
    }
    try {
      await handler(timer);
    } catch (error) {
      const attempt = attempts + 1;
      const dropped = attempt >= maxAttempts;
      const retryAt = dropped ? null : new Date(clock.now().getTime() + backoff(attempt));
      await store.failTimer(workspaceId, key, version, reason(error).slice(0, 1000), retryAt);
      const next = dropped ? `dropped after ${attempt} runs` : `run ${attempt} of ${maxAttempts}, tried again at ${retryAt!.toISOString()}`;
      report(new TimerRunError('handler_failed', `Timer "${key}" (${timer.kind}) failed: ${reason(error)}; ${next}.`, { dropped, cause: error }), timer);
      return;
    }
    await store.completeTimer(workspaceId, key, version);
  }

  async function runOnce(): Promise<number> {
    const timers = await store.claimTimers(clock.now(), leaseMs, batchSize);
    await Promise.all(
      timers.map((timer) =>
        run(timer).catch((error: unknown) => {
          // The store failed to record the outcome: the lease runs out and the timer runs again.
          report(new TimerRunError('store_failed', `Timer "${timer.key}" ran but its outcome was not stored: ${reason(error)}.`, { dropped: false, cause: error }), timer);
        }),
      ),
    );
    return timers.length;
  }

  /** How long to sleep after a pass that claimed `claimed` timers. */
  async function pause(claimed: number): Promise<number> {
    if (claimed === batchSize) return 0;
    const next = await store.nextTimerAt();
    return next === null ? pollMs : Math.min(pollMs, Math.max(0, next.getTime() - clock.now().getTime()));
  }

  function tick(): void {
    passing = true;
    woken = false;
    running = runOnce()
      .then(pause)
      .catch((error: unknown) => {
        report(new TimerRunError('store_failed', `Claiming timers failed: ${reason(error)}.`, { dropped: false, cause: error }), null);
        return pollMs;
      })
      .then((delay) => {
        passing = false;
        if (!stopped) sleeping = setTimeout(tick, woken ? 0 : delay);
      });
  }

  return {
    runOnce,
    start() {
      if (!stopped) return;
      stopped = false;
      tick();
    },
    wake() {
      if (stopped) return;
      if (passing) woken = true;
      else {
        clearTimeout(sleeping);
        tick();
      }
    },
    async stop() {
      stopped = true;
      clearTimeout(sleeping);
      await running;
    },
  };
}

/**
 * The handlers of the timers the engine itself sets (a case's SLA timer), for `createTimerWorker`.
 * @example createTimerWorker({ store, handlers: { ...createEngineTimerHandlers(engine), ...mine } })
 */
export function createEngineTimerHandlers(engine: Pick<CaseEngine, 'checkSla'>): Record<string, TimerHandler> {
  return {
    [SLA_TIMER_KIND]: async (timer) => {
      if (typeof timer.payload.caseId === 'string') await engine.checkSla({ workspaceId: timer.workspaceId, system: 'sla' }, timer.payload.caseId);
    },
  };
}
