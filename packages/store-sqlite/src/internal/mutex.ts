/**
 * A first-come, first-served async lock: `run` waits for every earlier holder to finish, so
 * the awaits inside one holder never let another one in.
 */
export interface Mutex {
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Resolves once every holder queued so far has finished. */
  idle(): Promise<void>;
}

export function createMutex(): Mutex {
  let tail: Promise<void> = Promise.resolve();
  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      const previous = tail;
      let release!: () => void;
      tail = new Promise<void>((resolve) => (release = resolve));
      await previous;
      try {
        return await fn();
      } finally {
        release();
      }
    },
    idle: () => tail,
  };
}
