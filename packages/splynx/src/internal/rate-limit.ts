import type { SplynxClock } from '../client.ts';

/** A token bucket: bursts up to `perSecond` requests, then `perSecond` a second; callers wait in order. */
export function createRateLimit(perSecond: number, clock: SplynxClock): () => Promise<void> {
  let tokens = perSecond;
  let last = clock.now();
  let queue: Promise<void> = Promise.resolve();
  const take = async (): Promise<void> => {
    for (;;) {
      const now = clock.now();
      tokens = Math.min(perSecond, tokens + ((now - last) * perSecond) / 1000);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await clock.sleep(Math.ceil(((1 - tokens) * 1000) / perSecond));
    }
  };
  return () => {
    const turn = queue.then(take);
    queue = turn;
    return turn;
  };
}
