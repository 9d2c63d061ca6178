import type { CaseEvent } from '@casekit/protocol';
import type { Clock, Publisher } from './ports.ts';
import type { CaseEngine, RoutingPass } from './types.ts';

export interface RouterOptions {
  /** The engine to route with; a function, since the engine is created with the router among its publishers. */
  engine: () => Pick<CaseEngine, 'routeWaitingCases'>;
  /** A pass at least this often even without events (ms, default 30 s): what another node changed, clocks that moved. */
  intervalMs?: number;
  /** The engine's clock, which the widening times come from (default: the system time). */
  clock?: Clock;
  /**
   * Runs one pass while no other node runs one for the workspace (the server's shared lock, in
   * Redis with several nodes): passes racing on other nodes would only lose on case versions.
   * Default: passes run as they come (one node).
   */
  withLock?: <T>(key: string, fn: () => Promise<T>) => Promise<T>;
  /** Hears a failed pass; the next event or tick tries again. Default: `console.error`. */
  onError?: (error: unknown) => void;
}

/**
 * Runs routing passes when something routing depends on changed: receives the engine's committed
 * events as a `Publisher`, and runs one pass per workspace at a time (changes that arrive during
 * a pass start one more). Also runs when a waiting case's requirements widen.
 */
export interface Router extends Publisher {
  /** Runs a pass for the workspace soon (coalesced with any already asked for); nothing before `start`. */
  kick(workspaceId: string): void;
  /** Resolves once no pass runs or waits to run: for tests and orderly shutdown. */
  idle(): Promise<void>;
  /** Starts routing: a pass now and periodic passes for these workspaces, and passes on events from then on. */
  start(workspaceIds: readonly string[]): void;
  stop(): Promise<void>;
}

/** The least wait before a pass for a widening step. */
const MIN_WIDENING_DELAY_MS = 100;

/** Case changes routing reads: a change to any of these can free or need an agent. */
const ROUTED_FIELDS = ['status', 'assigneeId', 'team', 'priority', 'skills', 'queuedAt', 'language'];

/** Whether the event can change what routing decides. Routing's own assignments do not need another pass. */
function mattersToRouting(event: CaseEvent): boolean {
  switch (event.type) {
    case 'case.created':
    case 'case.merged':
    case 'agent.presence':
    case 'agent.created':
    case 'agent.updated':
    case 'settings.updated':
      return true;
    case 'case.updated':
      if (event.data.routing && event.data.routing.reason !== 'agent-offline') return false;
      return Object.keys(event.data.changes).some((field) => ROUTED_FIELDS.includes(field));
    default:
      return false;
  }
}

/**
 * Creates the router; add it to the engine's publishers.
 * @example
 * const router = createRouter({ engine: () => engine });
 * const engine = createCaseEngine({ store, publisher: router });
 * router.start(['ws_main']); // events before this start no pass
 */
export function createRouter(options: RouterOptions): Router {
  const intervalMs = options.intervalMs ?? 30_000;
  const clock = options.clock ?? { now: () => new Date() };
  const onError = options.onError ?? ((error) => console.error('routing pass failed', error));
  /** Per workspace: the pass running now, and whether another was asked for meanwhile. */
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  const wideningTimers = new Map<string, ReturnType<typeof setTimeout>>();
  let ticker: ReturnType<typeof setInterval> | undefined;
  // Inert until started: a seed or an import writes first, without passes racing its updates.
  let stopped = true;

  function scheduleWidening(workspaceId: string, pass: RoutingPass): void {
    clearTimeout(wideningTimers.get(workspaceId));
    wideningTimers.delete(workspaceId);
    if (!pass.nextWideningAt || stopped) return;
    // Never sooner than a moment: a clock that disagrees with the engine's cannot spin passes.
    const delay = Math.max(MIN_WIDENING_DELAY_MS, Date.parse(pass.nextWideningAt) - clock.now().getTime());
    const timer = setTimeout(() => kick(workspaceId), delay);
    timer.unref?.();
    wideningTimers.set(workspaceId, timer);
  }

  async function runPasses(workspaceId: string): Promise<void> {
    do {
      again.delete(workspaceId);
      try {
        const pass = () => options.engine().routeWaitingCases({ workspaceId, system: 'routing' });
        scheduleWidening(workspaceId, await (options.withLock ? options.withLock(`routing:${workspaceId}`, pass) : pass()));
      } catch (error) {
        onError(error);
      }
    } while (again.has(workspaceId) && !stopped);
  }

  function kick(workspaceId: string): void {
    if (stopped) return;
    if (running.has(workspaceId)) {
      again.add(workspaceId);
      return;
    }
    const pass = runPasses(workspaceId).finally(() => running.delete(workspaceId));
    running.set(workspaceId, pass);
  }

  return {
    publish(events) {
      const workspaces = new Set(events.filter(mattersToRouting).map((event) => event.workspaceId));
      for (const workspaceId of workspaces) kick(workspaceId);
    },
    kick,
    async idle() {
      while (running.size > 0) await Promise.all(running.values());
    },
    start(workspaceIds) {
      stopped = false;
      clearInterval(ticker);
      for (const workspaceId of workspaceIds) kick(workspaceId);
      ticker = setInterval(() => workspaceIds.forEach(kick), intervalMs);
      ticker.unref?.();
    },
    async stop() {
      stopped = true;
      clearInterval(ticker);
      for (const timer of wideningTimers.values()) clearTimeout(timer);
      wideningTimers.clear();
      while (running.size > 0) await Promise.all(running.values());
    },
  };
}
