/**
 * Customer search: p50/p99 of a page of 50 customers matching a piece of a name, email or
 * phone, at 200,000 customers in the SQLite store, against the scan the store used before the
 * trigram index (`LIKE '%…%'` over the workspace, newest first) measured in the same run.
 *   pnpm --filter @casekit/bench customer-search [--customers 200000 --runs 200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '@casekit/core';
import type { Customer } from '@casekit/protocol';
import { createSqliteStore } from '@casekit/store-sqlite';
import Database from 'better-sqlite3';
import { benchOptions, percentile, progress, sample, saveResult, table } from './lib.ts';

const values = benchOptions({ customers: { type: 'string', default: '200000' }, runs: { type: 'string', default: '200' } });
const TOTAL = Number(values.customers);
const RUNS = Number(values.runs);
const WS = 'bench';
const dir = mkdtempSync(join(tmpdir(), 'casekit-bench-customers-'));
const filename = join(dir, 'casekit.db');
const store = await createSqliteStore({ filename });

let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const FIRST = ['Ana', 'Bruno', 'Carla', 'Dmitri', 'Elif', 'Farah', 'Goran', 'Hana', 'Ivan', 'Jana', 'Kemal', 'Lena', 'Marko', 'Nina', 'Omar', 'Petra'];
const LAST = ['Horvat', 'Kovač', 'Babić', 'Marić', 'Novak', 'Jurić', 'Knežević', 'Vuković', 'Petrović', 'Popescu', 'Yilmaz', 'Schmidt', 'Rossi', 'Silva'];

const createdAt = '2026-01-01T00:00:00.000Z';
await store.transaction((tx) => tx.putWorkspace({ id: WS, name: 'Bench', createdAt, settings: { reopenWindowHours: 72, displayName: 'Bench' } }));
const tick = progress('seeding customers', TOTAL);
const BATCH = 10_000;
for (let done = 0; done < TOTAL; done += BATCH) {
  await store.transaction(async (tx) => {
    for (let i = done; i < Math.min(TOTAL, done + BATCH); i++) {
      const name = `${pick(FIRST)} ${pick(LAST)}`;
      const customer: Customer = {
        id: newId('cu'),
        workspaceId: WS,
        // One customer in 20,000 is a Mulder: a rare name.
        name: i % 20_000 === 7 ? 'Fox Mulder' : name,
        emails: [`${name.toLowerCase().replace(/[^a-z]+/g, '.')}${i}@mail.example`],
        phones: [`+3859${String(10_000_000 + i).slice(-8)}`],
        identities: [],
        splynxId: String(100_000 + i),
        attributes: {},
        createdAt,
        updatedAt: createdAt,
      };
      await tx.insertCustomer(customer);
    }
  });
  tick(Math.min(TOTAL, done + BATCH));
}

// The baseline: the scan customer search ran before, on its own connection.
const raw = new Database(filename, { readonly: true });
const scan = raw.prepare(`SELECT pos, json FROM customers INDEXED BY customers_by_ws WHERE ws = ? AND merged_into IS NULL AND search LIKE ? ESCAPE '\\' ORDER BY pos DESC LIMIT ?`);

const QUERIES: [string, string][] = [
  ['rare name "mulder"', 'mulder'],
  ['common name "horvat"', 'horvat'],
  ['part of a phone "0000012"', '0000012'],
  ['no match "zzzq"', 'zzzq'],
];
const rows: Record<string, string | number>[] = [];
const results: Record<string, { p50: number; p99: number; scanP50: number; scanP99: number; hits: number }> = {};
for (const [label, q] of QUERIES) {
  const hits = (await store.searchCustomers(WS, q, 50)).items.length;
  if (hits !== (scan.all(WS, `%${q}%`, 51) as unknown[]).slice(0, 50).length) throw new Error(`${label}: the index and the scan disagree`);
  const indexed = await sample(RUNS, () => store.searchCustomers(WS, q, 50));
  const scanned = await sample(Math.max(10, Math.round(RUNS / 10)), () => scan.all(WS, `%${q}%`, 51));
  const p50 = percentile(indexed, 50);
  const p99 = percentile(indexed, 99);
  results[q] = { p50, p99, scanP50: percentile(scanned, 50), scanP99: percentile(scanned, 99), hits };
  rows.push({ query: label, hits, p50_ms: p50, p99_ms: p99, 'scan p50_ms (baseline)': percentile(scanned, 50), 'p50 / scan': (p50 / percentile(scanned, 50)).toPrecision(2) });
}
raw.close();
await store.close();
rmSync(dir, { recursive: true, force: true });

console.log(`\nCustomer search: page of 50 at ${TOTAL.toLocaleString('en')} customers (SQLite, ${RUNS} runs each; scan ${Math.max(10, Math.round(RUNS / 10))})`);
console.log(table(rows));
const worst = Math.max(...Object.values(results).map((r) => r.p99));
console.log(`\nworst p99: ${worst.toFixed(2)} ms`);
saveResult('customer-search', { customers: TOTAL, runs: RUNS, results });
