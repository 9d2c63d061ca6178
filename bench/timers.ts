/**
 * Timers: due timers claimed and completed per second on SQLite, against the outbox's claim and
 * complete path on the same number of due items (the baseline), with and without a backlog
 * already leased by another worker (which the outbox's claim walks past and the timers' does not).
 *   pnpm --filter @casekit/bench timers [--items 20000 --batch 20 --leased 5000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@casekit/core';
import { createSqliteStore } from '@casekit/store-sqlite';
import { makeOutboxItem } from '@casekit/testkit';
import { benchOptions, saveResult, table } from './lib.ts';

const values = benchOptions({
  items: { type: 'string', default: '20000' },
  batch: { type: 'string', default: '20' },
  leased: { type: 'string', default: '5000' },
  runs: { type: 'string', default: '3' },
});
const ITEMS = Number(values.items);
const BATCH = Number(values.batch);
const LEASED = Number(values.leased);
const RUNS = Number(values.runs);
const WS = 'bench';
const DUE = new Date('2026-03-02T09:00:00.000Z');
const NOW = new Date(DUE.getTime() + 1000);

interface Path {
  name: string;
  /** Stores `count` due entries, numbered from `from`. */
  fill(store: Store, from: number, count: number): Promise<void>;
  /** Claims up to `limit` due entries for `leaseMs`, and returns what completes them. */
  claim(store: Store, leaseMs: number, limit: number): Promise<{ count: number; complete(): Promise<unknown> }>;
}

const outbox: Path = {
  name: 'outbox claim + complete (baseline)',
  async fill(store, from, count) {
    await store.transaction(async (tx) => {
      for (let i = from; i < from + count; i++) await tx.enqueueOutbox(makeOutboxItem({ id: `ob_${i}`, workspaceId: WS, nextAttemptAt: DUE.toISOString() }));
    });
  },
  async claim(store, leaseMs, limit) {
    const items = await store.claimOutbox(NOW, leaseMs, limit);
    return { count: items.length, complete: () => Promise.all(items.map((item) => store.completeOutbox(item.workspaceId, item.id))) };
  },
};

const timers: Path = {
  name: 'timers claim + complete',
  async fill(store, from, count) {
    await store.transaction(async (tx) => {
      for (let i = from; i < from + count; i++) await tx.setTimer({ workspaceId: WS, key: `sla:c_${i}`, kind: 'sla', dueAt: DUE.toISOString(), payload: { caseId: `c_${i}` } });
    });
  },
  async claim(store, leaseMs, limit) {
    const claimed = await store.claimTimers(NOW, leaseMs, limit);
    return { count: claimed.length, complete: () => Promise.all(claimed.map((timer) => store.completeTimer(timer.workspaceId, timer.key, timer.version))) };
  },
};

/** Entries claimed and completed per second, after `leased` due entries were claimed by a worker still running them. */
async function measure(path: Path, leased: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'casekit-bench-timers-'));
  const store = await createSqliteStore({ filename: join(dir, 'casekit.db') });
  try {
    for (let from = 0; from < leased + ITEMS; from += 1000) await path.fill(store, from, Math.min(1000, leased + ITEMS - from));
    // Another worker holds the first `leased` for an hour.
    if (leased > 0) await path.claim(store, 3_600_000, leased);
    let done = 0;
    const started = performance.now();
    for (;;) {
      const batch = await path.claim(store, 60_000, BATCH);
      if (batch.count === 0) break;
      await batch.complete();
      done += batch.count;
    }
    const seconds = (performance.now() - started) / 1000;
    if (done !== ITEMS) throw new Error(`${path.name}: drained ${done} of ${ITEMS}`);
    return done / seconds;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: Record<string, string | number>[] = [];
const result: Record<string, number> = {};
for (const leased of [0, LEASED]) {
  // Alternating runs, best of each: the machine is shared, so the best run is the least disturbed.
  let base = 0;
  let mine = 0;
  for (let run = 0; run < RUNS; run++) {
    base = Math.max(base, await measure(outbox, leased));
    mine = Math.max(mine, await measure(timers, leased));
  }
  const scenario = leased === 0 ? 'nothing leased' : `${leased.toLocaleString('en')} leased elsewhere`;
  rows.push({ scenario, path: outbox.name, 'items/s': Math.round(base) }, { scenario, path: timers.name, 'items/s': Math.round(mine) });
  result[leased === 0 ? 'outbox' : 'outboxLeased'] = base;
  result[leased === 0 ? 'timers' : 'timersLeased'] = mine;
}

console.log(`\nTimers: ${ITEMS.toLocaleString('en')} due entries on a SQLite file, ${BATCH} per claim, each completed on its own, best of ${RUNS}`);
console.log(table(rows));
console.log(
  `\ntimers: ${Math.round(result.timers!)} claimed+completed/s, ${(result.timers! / result.outbox!).toFixed(2)} of the outbox's; ` +
    `with ${LEASED.toLocaleString('en')} leased elsewhere ${(result.timersLeased! / result.outboxLeased!).toFixed(2)}`,
);
saveResult('timers', { items: ITEMS, batch: BATCH, leased: LEASED, ...result });
