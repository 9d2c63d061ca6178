import type { Socket } from 'socket.io-client';
import { decodeEvents, isErrorBody, socketIoPath } from '@casekit/protocol';
import type { CaseEvent, ResumeResult } from '@casekit/protocol';
import type { ErrorBodyShape } from '@casekit/protocol';
import { CasekitApiError, CasekitRealtimeError } from '../errors.ts';
import { splitBaseUrl } from './http.ts';
import type { ConnectionState } from '../connection-state.ts';

type ResumeAnswer = { ok: true; value: ResumeResult } | { ok: false; error: unknown };

/** Options of a replaying socket; the callbacks are how the clients learn what happened. */
export interface RealtimeOptions {
  /** Origin and mount path (`https://x.example/support`); socket.io's path follows from the latter. */
  baseUrl: string;
  /** For the one request that tells an unreachable server from a wrong path. */
  fetch?: typeof fetch;
  namespace: string;
  getToken: () => string | null;
  /** Events with a seq at or below this were seen before (e.g. restored from storage). */
  lastSeq: number;
  onEvent: (event: CaseEvent) => void;
  onState: (state: ConnectionState) => void;
  onError: (error: CasekitApiError) => void;
  /** Called after each (re)connect once the replay is delivered. */
  onSynced?: () => void;
  /** Any other server push (e.g. `typing`), passed through as is. */
  onPush?: (name: string, payload: unknown) => void;
  /** How long to wait for a `resume` answer. */
  resumeTimeoutMs?: number;
  /** Reconnect backoff, first delay and cap. */
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
}

/**
 * socket.io's client, loaded when a client first connects rather than with the page: a page shows
 * its sign-in or its first list over REST while the transport loads beside it.
 */
let transport: Promise<typeof import('./socket-transport.ts')> | undefined;
const loadTransport = () => (transport ??= import('./socket-transport.ts'));

/** How many delivered seqs are remembered to recognise a late duplicate push. */
const SEEN_WINDOW = 2048;

/**
 * A socket.io connection that never loses or repeats an event: on every (re)connect it asks
 * `resume(lastSeq)`, pages through `hasMore`, holds live pushes back meanwhile, then delivers
 * everything in seq order, skipping seqs already delivered.
 */
/** `resume(-1)` asks for no replay, only the newest seq: "start from now". */
export const START_FROM_NOW = -1;

export class ReplayingSocket {
  #options: RealtimeOptions;
  #socket: Socket | null = null;
  /** The transport being loaded for a `connect()`; cleared by `disconnect()` to call it off. */
  #loading: Promise<void> | undefined;
  #state: ConnectionState = 'idle';
  #lastSeq: number;
  /** Every seq at or below the floor counts as delivered (restored, or too old to track). */
  #floor: number;
  /** Seqs above the floor delivered so far; a late push above the floor that is not here is new. */
  #seen = new Set<number>();
  /** Live pushes held back while a replay is in flight; null when not syncing. */
  #buffer: CaseEvent[] | null = null;
  /** Bumped on every connect and disconnect so a stale replay never delivers. */
  #generation = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Server hang-ups in a row, for the backoff; reset once a replay succeeds. */
  #serverHangups = 0;
  /** Whether this outage was reported already (once, after the first failed attempt). */
  #failureReported = false;

  constructor(options: RealtimeOptions) {
    this.#options = options;
    this.#lastSeq = options.lastSeq;
    this.#floor = options.lastSeq;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  get active(): boolean {
    return this.#socket !== null || this.#loading !== undefined;
  }

  /** Sets where the next replay starts (only before connecting, or after a reset). */
  setLastSeq(seq: number): void {
    this.#lastSeq = seq;
    this.#floor = seq;
    this.#seen.clear();
  }

  connect(): void {
    if (this.#socket) {
      if (!this.#socket.connected && !this.#socket.active) this.#socket.connect();
      return;
    }
    if (this.#loading) return;
    this.#setState('connecting');
    const loading: Promise<void> = loadTransport().then(
      (loaded) => {
        if (this.#loading !== loading) return; // disconnected meanwhile
        this.#loading = undefined;
        this.#open(loaded);
      },
      (err: unknown) => {
        if (this.#loading !== loading) return;
        this.#loading = undefined;
        transport = undefined; // the next connect() tries the download again
        this.#setState('offline');
        const cause = err instanceof Error ? err : new Error(String(err));
        this.#options.onError(
          new CasekitRealtimeError('unreachable', 'unavailable', `casekit's realtime client could not be loaded (${cause.message}); call connect() to try again.`, { status: 0, cause }),
        );
      },
    );
    this.#loading = loading;
  }

  #open({ io, transports }: Awaited<ReturnType<typeof loadTransport>>): void {
    const { origin, mountPath } = splitBaseUrl(this.#options.baseUrl);
    const path = socketIoPath(mountPath);
    const socket = io(origin + this.#options.namespace, {
      path,
      transports,
      // A function, so every reconnect sends the current token.
      auth: (cb) => cb({ token: this.#options.getToken() ?? '' }),
      reconnection: true,
      reconnectionDelay: this.#options.reconnectDelayMs ?? 500,
      reconnectionDelayMax: this.#options.reconnectDelayMaxMs ?? 10_000,
      randomizationFactor: 0.5,
      forceNew: true,
    });
    this.#socket = socket;
    this.#setState('connecting');

    socket.on('connect', () => {
      this.#failureReported = false;
      this.#onConnect(socket);
    });
    socket.on('events', (events: CaseEvent[]) => this.#onLive(events));
    socket.onAny((name: string, payload: unknown) => {
      if (name !== 'events') this.#options.onPush?.(name, payload);
    });
    socket.on('disconnect', (reason) => {
      this.#generation++;
      this.#buffer = null;
      clearTimeout(this.#retryTimer);
      if (reason === 'io client disconnect') {
        this.#setState('idle');
      } else if (reason === 'io server disconnect') {
        // socket.io does not come back by itself after the server hung up (a restart or a
        // deploy does that); try again with backoff. A revoked token then fails the handshake.
        this.#setState('reconnecting');
        const delay = Math.min((this.#options.reconnectDelayMs ?? 500) * 2 ** this.#serverHangups++, this.#options.reconnectDelayMaxMs ?? 10_000);
        this.#retryTimer = setTimeout(() => {
          if (this.#socket === socket) socket.connect();
        }, delay);
      } else {
        this.#setState(socket.active ? 'reconnecting' : 'offline');
      }
    });
    socket.on('connect_error', (err: Error & { data?: unknown }) => {
      if (socket.active) {
        this.#setState(this.#state === 'connecting' ? 'connecting' : 'reconnecting');
        // socket.io keeps trying; the client hears once per outage why it does not get through.
        if (!this.#failureReported) {
          this.#failureReported = true;
          void this.#reportFailure(socket, `${origin}${path}/`, err);
        }
        return;
      }
      // The server refused the handshake (bad token): retrying would not help.
      this.#setState('offline');
      this.#options.onError(handshakeError(err, `${origin}${path}/`, this.#options.namespace));
    });
    socket.io.on('reconnect_attempt', () => this.#setState('reconnecting'));
  }

  /** Drops the connection and forgets the socket; `connect()` starts a new one. */
  disconnect(): void {
    const socket = this.#socket;
    this.#socket = null;
    this.#loading = undefined;
    this.#generation++;
    this.#buffer = null;
    clearTimeout(this.#retryTimer);
    if (socket) {
      socket.removeAllListeners();
      socket.io.removeAllListeners();
      socket.offAny();
      socket.disconnect();
    }
    this.#setState('idle');
  }

  /** Reconnects with a fresh handshake (e.g. after the token changed), resuming from lastSeq. */
  reconnect(): void {
    if (!this.#socket && !this.#loading) return;
    this.disconnect();
    this.connect();
  }

  /** Sends a client event when connected; dropped silently otherwise (typing is best effort). */
  emit(name: string, payload: unknown): void {
    if (this.#socket?.connected) this.#socket.emit(name, payload);
  }

  /**
   * Reports a failed attempt as `unreachable` or, when something other than socket.io answers
   * where it should be, `wrong_path`: engine.io answers an unknown transport with 400 and
   * `{"code":0}` before opening any session, so that question costs the server nothing.
   */
  async #reportFailure(socket: Socket, socketUrl: string, err: Error): Promise<void> {
    let answered: number | null = null;
    try {
      const doFetch = this.#options.fetch ?? globalThis.fetch;
      const res = await doFetch(`${socketUrl}?EIO=4&transport=casekit-probe`, { cache: 'no-store' });
      const body = await res.text();
      if (!(res.status === 400 && /"code":\s*0\b/.test(body))) answered = res.status;
    } catch {
      // Nothing answered (or the browser withheld the answer from this origin).
    }
    if (this.#socket !== socket || socket.connected) return;
    this.#options.onError(
      answered === null
        ? new CasekitRealtimeError(
            'unreachable',
            'unavailable',
            `The realtime server at ${socketUrl} cannot be reached (${err.message}); still trying. Check that it runs and, for a page on another origin, that it allows this origin (corsOrigins).`,
            { status: 0, cause: err },
          )
        : new CasekitRealtimeError(
            'wrong_path',
            'wrong_path',
            `Nothing serves casekit's realtime at ${socketUrl} (HTTP ${answered}): set the client's \`path\` to where the server is mounted (its \`path\` option, e.g. '/support').`,
            { cause: err },
          ),
    );
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#options.onState(state);
  }

  #onLive(events: CaseEvent[]): void {
    if (this.#buffer) for (const event of events) this.#buffer.push(event);
    else this.#deliver(events);
  }

  #onConnect(socket: Socket): void {
    const generation = ++this.#generation;
    this.#buffer = [];
    void this.#sync(socket, generation, 0);
  }

  async #sync(socket: Socket, generation: number, attempt: number): Promise<void> {
    const replayed: CaseEvent[] = [];
    try {
      let after = this.#lastSeq;
      let next = this.#resume(socket, after);
      for (let page = 0; page < 10_000; page++) {
        const result = await next;
        if (generation !== this.#generation) return;
        if (after === START_FROM_NOW) {
          // The server answered with the newest seq: deliver only what comes after it.
          this.setLastSeq(result.lastSeq);
          break;
        }
        // Ask for the next page before reading this one: the server reads while this side parses.
        // Should this replay be abandoned meanwhile, that page fails quietly.
        if (result.hasMore) (next = this.#resume(socket, (after = result.lastSeq))).catch(() => undefined);
        for (const event of decodeEvents(result.events)) replayed.push(event);
        if (!result.hasMore) break;
      }
    } catch (err) {
      if (generation !== this.#generation) return;
      this.#options.onError(
        err instanceof CasekitApiError
          ? err
          : new CasekitApiError('unavailable', `Replaying missed events failed: ${String(err)}`, { status: 0, cause: err }),
      );
      // Keep holding live pushes and try the replay again, backing off.
      const delay = Math.min(500 * 2 ** attempt, 10_000);
      this.#retryTimer = setTimeout(() => {
        if (generation === this.#generation) void this.#sync(socket, generation, attempt + 1);
      }, delay);
      return;
    }
    for (const event of this.#buffer ?? []) replayed.push(event);
    this.#buffer = null;
    this.#deliver(replayed);
    this.#serverHangups = 0;
    this.#setState('connected');
    this.#options.onSynced?.();
  }

  async #resume(socket: Socket, after: number): Promise<ResumeResult> {
    const timeout = this.#options.resumeTimeoutMs ?? 10_000;
    let answer: ResumeAnswer;
    try {
      answer = (await socket.timeout(timeout).emitWithAck('resume', after)) as ResumeAnswer;
    } catch (err) {
      throw new CasekitApiError('unavailable', `resume(${after}) got no answer within ${timeout} ms.`, {
        status: 0,
        cause: err,
      });
    }
    if (answer?.ok === true) return answer.value;
    if (isErrorBody(answer)) throw apiErrorFromBody(answer);
    throw new CasekitApiError('internal', `resume(${after}) got an answer that is neither ok nor an error.`, { status: 0 });
  }

  /** Delivers in seq order, each seq once; a late push below lastSeq that was never delivered still goes out. */
  #deliver(events: CaseEvent[]): void {
    const sorted = [...events].sort((a, b) => a.seq - b.seq);
    for (const event of sorted) {
      if (event.seq <= this.#floor || this.#seen.has(event.seq)) continue;
      this.#remember(event.seq);
      if (event.seq > this.#lastSeq) this.#lastSeq = event.seq;
      this.#options.onEvent(event);
    }
  }

  #remember(seq: number): void {
    this.#seen.add(seq);
    if (this.#seen.size <= SEEN_WINDOW * 2) return;
    // Forget the oldest half: everything at or below the floor counts as delivered.
    const ordered = [...this.#seen].sort((a, b) => a - b);
    for (const old of ordered.slice(0, SEEN_WINDOW)) this.#seen.delete(old);
    this.#floor = ordered[SEEN_WINDOW - 1] ?? this.#floor;
  }
}

/** Reads `{ code, message }` (or `{ error: { … } }`) off a refused handshake's `data`. */
function handshakeError(err: Error & { data?: unknown }, socketUrl: string, namespace: string): CasekitRealtimeError {
  const data = err.data;
  const wrapped = data && typeof data === 'object' && !('error' in data) ? { error: data } : data;
  if (isErrorBody(wrapped)) {
    const { code, message, details } = wrapped.error;
    return new CasekitRealtimeError('refused', code, message, { ...(details ? { details } : {}), cause: err });
  }
  if (err.message === 'Invalid namespace') {
    // A socket.io server that is not casekit's (the host's own, say) answers at this path.
    return new CasekitRealtimeError(
      'wrong_path',
      'wrong_path',
      `The socket.io server at ${socketUrl} has no casekit namespace ${namespace}: casekit is mounted elsewhere; set the client's \`path\` to the server's \`path\` option (e.g. '/support').`,
      { cause: err },
    );
  }
  return new CasekitRealtimeError('refused', 'unauthorized', `The realtime server refused the connection: ${err.message}`, {
    status: 401,
    cause: err,
  });
}

function apiErrorFromBody(body: ErrorBodyShape, cause?: unknown): CasekitApiError {
  const { code, message, details } = body.error;
  return new CasekitApiError(code, message, { ...(details ? { details } : {}), cause });
}
