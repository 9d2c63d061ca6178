import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTimerWorker, TimerRunError, type DurableTimer, type Store, type TimerInput, type TimerWorkerOptions } from '@casekit/core';
import { createMemoryStore } from './index.ts';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const WS = 'ws_timers';

describe('timer worker', () => {
  let store: Store;
  let now: number;
  const clock = { now: () => new Date(now) };
  const set = (...timers: Partial<TimerInput>[]) =>
    store.transaction(async (tx) => {
      for (const timer of timers) await tx.setTimer({ workspaceId: WS, key: 'sla:c_1', kind: 'sla', dueAt: new Date(T0).toISOString(), payload: {}, ...timer });
    });
  const worker = (options: Partial<TimerWorkerOptions>) => createTimerWorker({ store, clock, handlers: {}, backoffMs: (attempt) => attempt * 1000, ...options });

  beforeEach(() => {
    store = createMemoryStore();
    now = T0;
  });
  afterEach(() => store.close());

  it('runs a timer once it is due, with its payload, and removes it', async () => {
    const ran: unknown[] = [];
    const timers = worker({ handlers: { sla: async (timer) => void ran.push(timer.payload) } });
    await set({ dueAt: new Date(T0 + 1000).toISOString(), payload: { caseId: 'c_1' } });
    assert.equal(await timers.runOnce(), 0);
    now = T0 + 1000;
    assert.equal(await timers.runOnce(), 1);
    assert.equal(await timers.runOnce(), 0);
    assert.deepEqual(ran, [{ caseId: 'c_1' }]);
    assert.equal(await store.getTimer(WS, 'sla:c_1'), null);
  });

  it('keeps a timer rescheduled while its handler ran, and runs it at its new time', async () => {
    const ran: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const timers = worker({
      handlers: {
        sla: async (timer) => {
          ran.push(timer.dueAt);
          if (ran.length === 1) await gate;
        },
      },
    });
    await set({});
    const first = timers.runOnce();
    while (ran.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await set({ dueAt: new Date(T0 + 5000).toISOString() });
    release();
    await first;
    assert.equal((await store.getTimer(WS, 'sla:c_1'))?.dueAt, new Date(T0 + 5000).toISOString(), 'the new schedule survives the old run');
    now = T0 + 5000;
    await timers.runOnce();
    assert.deepEqual(ran, [new Date(T0).toISOString(), new Date(T0 + 5000).toISOString()]);
    assert.equal(await store.getTimer(WS, 'sla:c_1'), null);
  });

  it('retries a throwing handler with backoff, then drops the timer and says so', async () => {
    const errors: TimerRunError[] = [];
    let runs = 0;
    const timers = worker({
      maxAttempts: 3,
      handlers: {
        sla: async () => {
          runs++;
          throw new Error('engine busy');
        },
      },
      onError: (error) => errors.push(error),
    });
    await set({});
    await timers.runOnce();
    const stored = await store.getTimer(WS, 'sla:c_1');
    assert.deepEqual([stored?.attempts, stored?.lastError, stored?.runAt, stored?.leaseUntil], [1, 'engine busy', new Date(T0 + 1000).toISOString(), null]);
    now = T0 + 999;
    assert.equal(await timers.runOnce(), 0, 'waits for its backoff');
    now = T0 + 1000;
    await timers.runOnce();
    now = T0 + 1000 + 2000;
    await timers.runOnce();
    assert.equal(runs, 3);
    assert.equal(await store.getTimer(WS, 'sla:c_1'), null);
    assert.deepEqual(errors.map((e) => [e.code, e.dropped]), [['handler_failed', false], ['handler_failed', false], ['handler_failed', true]]);
    assert.equal((errors[2]!.cause as Error).message, 'engine busy');
    assert.match(errors[2]!.message, /dropped after 3 runs/);
  });

  it('drops a timer of a kind it has no handler for, and still runs the others', async () => {
    const errors: [TimerRunError, DurableTimer | null][] = [];
    const ran: string[] = [];
    const timers = worker({ handlers: { sla: async (timer) => void ran.push(timer.key) }, onError: (error, timer) => errors.push([error, timer]) });
    await set({ key: 'bot:c_1', kind: 'bot-timeout' }, { key: 'sla:c_1' });
    assert.equal(await timers.runOnce(), 2);
    assert.deepEqual(ran, ['sla:c_1']);
    assert.deepEqual(errors.map(([error, timer]) => [error.code, error.dropped, timer?.key]), [['no_handler', true, 'bot:c_1']]);
    assert.equal(await store.getTimer(WS, 'bot:c_1'), null);
  });

  it('runs each timer once when two workers share the store', async () => {
    const runs = new Map<string, number>();
    const handlers = {
      sla: async (timer: DurableTimer) => {
        await new Promise((resolve) => setImmediate(resolve));
        runs.set(timer.key, (runs.get(timer.key) ?? 0) + 1);
      },
    };
    const a = worker({ handlers, batchSize: 3 });
    const b = worker({ handlers, batchSize: 3 });
    await set(...Array.from({ length: 20 }, (_, i) => ({ key: `sla:c_${i}` })));
    let claimed = 0;
    for (let pass = 0; pass < 10; pass++) claimed += (await Promise.all([a.runOnce(), b.runOnce()])).reduce((sum, n) => sum + n, 0);
    assert.equal(claimed, 20);
    assert.equal(runs.size, 20);
    assert.ok([...runs.values()].every((n) => n === 1));
  });

  describe('running on its own', () => {
    const waitFor = async (done: () => boolean, ms: number) => {
      const until = Date.now() + ms;
      while (!done()) {
        if (Date.now() > until) throw new Error(`not done within ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };

    it('wakes at the next due time rather than the next poll, and on wake()', async () => {
      const fired: number[] = [];
      const timers = createTimerWorker({ store, pollMs: 60_000, handlers: { sla: async () => void fired.push(Date.now()) } });
      const started = Date.now();
      await set({ dueAt: new Date(started + 150).toISOString() });
      timers.start();
      try {
        await waitFor(() => fired.length === 1, 2000);
        assert.ok(fired[0]! - started >= 150 && fired[0]! - started < 1000, `fired after ${fired[0]! - started} ms`);
        // Nothing is stored now, so the worker sleeps a full poll unless woken.
        await new Promise((resolve) => setTimeout(resolve, 20));
        await set({ dueAt: new Date().toISOString() });
        timers.wake();
        await waitFor(() => fired.length === 2, 1000);
      } finally {
        await timers.stop();
      }
    });

    it('stops only once the handlers running have finished', async () => {
      let release!: () => void;
      let finished = false;
      const timers = createTimerWorker({
        store,
        handlers: {
          sla: async () => {
            await new Promise<void>((resolve) => (release = resolve));
            finished = true;
          },
        },
      });
      await set({ dueAt: new Date().toISOString() });
      timers.start();
      await waitFor(() => release !== undefined, 1000);
      let stopped = false;
      const stopping = timers.stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(stopped, false);
      release();
      await stopping;
      assert.equal(finished, true);
      assert.equal(await store.getTimer(WS, 'sla:c_1'), null, 'the run completed before stop resolved');
    });
  });
});
