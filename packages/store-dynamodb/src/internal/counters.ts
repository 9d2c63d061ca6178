/**
 * One store's turn-taking on its workspaces' counters (event seq, case numbers). Every
 * transaction that takes a number changes the counter item, and only one of two that read the
 * same value can commit: the other runs again. Inside one process that race is pointless, so a
 * transaction waits for the workspace's turn at its first number and keeps it until its commit
 * ends; only transactions of other nodes can still win the race. The values this process
 * committed last are remembered, so a transaction in turn need not read the counter: the commit's
 * condition (`n = :known`) still catches another node's commit, and the retry reads afresh.
 */
/** A turn held longer than this ends by itself (a stuck callback must not stop the node's writers); the commit's condition still keeps counters right. */
const LONGEST_TURN_MS = 10_000;

export class CounterTurns {
  /** Per workspace, the end of the queue of transactions waiting for their turn. */
  readonly #tails = new Map<string, Promise<void>>();
  /** Per counter item, its value as this process last committed it. */
  readonly #known = new Map<string, number>();

  /** Waits for the workspace's turn; the function returned ends it (call it once). */
  async take(workspaceId: string): Promise<() => void> {
    const before = this.#tails.get(workspaceId) ?? Promise.resolve();
    let end!: () => void;
    const mine = new Promise<void>((resolve) => (end = resolve));
    const tail = before.then(() => mine);
    this.#tails.set(workspaceId, tail);
    await before;
    const expiry = setTimeout(end, LONGEST_TURN_MS);
    expiry.unref();
    return () => {
      clearTimeout(expiry);
      end();
      if (this.#tails.get(workspaceId) === tail) this.#tails.delete(workspaceId);
    };
  }

  /** The counter's value as this process last committed it, if it knows one. */
  known(key: string): number | undefined {
    return this.#known.get(key);
  }

  /** After a commit: the counter now holds `n`. */
  learn(key: string, n: number): void {
    this.#known.set(key, n);
  }

  /** After a failed commit: what this process knew may be stale. */
  forget(key: string): void {
    this.#known.delete(key);
  }
}

/** The turns and counters one transaction attempt holds, ended when its commit does. */
export class HeldTurns {
  readonly #ends = new Map<string, () => void>();
  /** Counter items this attempt wrote, with the value it wrote last. */
  readonly #written = new Map<string, number>();

  readonly #turns: CounterTurns;

  constructor(turns: CounterTurns) {
    this.#turns = turns;
  }

  /** The counter's value as this process last committed it, if it knows one. */
  known(key: string): number | undefined {
    return this.#turns.known(key);
  }

  /** Takes the workspace's turn, once per attempt. */
  async enter(workspaceId: string): Promise<void> {
    if (!this.#ends.has(workspaceId)) this.#ends.set(workspaceId, await this.#turns.take(workspaceId));
  }

  wrote(key: string, n: number): void {
    this.#written.set(key, n);
  }

  /** Ends every turn held; after a commit (`committed`) the counters written are remembered, else forgotten. */
  end(committed: boolean): void {
    for (const [key, n] of this.#written) {
      if (committed) this.#turns.learn(key, n);
      else this.#turns.forget(key);
    }
    this.#written.clear();
    for (const end of this.#ends.values()) end();
    this.#ends.clear();
  }
}
