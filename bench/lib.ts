/** Shared helpers for the benchmarks: percentiles, a progress line and a result table. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Parses `--name value` options; a lone `--` (as `pnpm run x -- --n 5` passes it) is ignored. */
export function benchOptions<const T extends NonNullable<ParseArgsConfig['options']>>(options: T) {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  return parseArgs({ args, options }).values;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

/** Times `fn` `runs` times after `warmup` runs; returns sorted milliseconds. */
export async function sample(runs: number, fn: (i: number) => unknown, warmup = Math.min(50, runs)): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

/** A one-line progress bar on stderr, redrawn in place on a terminal. */
export function progress(label: string, total: number) {
  const tty = process.stderr.isTTY;
  let lastDrawn = -1;
  return (done: number) => {
    const pct = Math.floor((done / total) * 100);
    if (pct === lastDrawn) return;
    lastDrawn = pct;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% (${done.toLocaleString('en')}/${total.toLocaleString('en')})`;
    if (tty) process.stderr.write(`\r${line}${done >= total ? '\n' : ''}`);
    else if (pct % 25 === 0) process.stderr.write(`${line}\n`);
  };
}

export function table(rows: Record<string, string | number>[]): string {
  const keys = Object.keys(rows[0] ?? {});
  const fmt = (v: string | number) => (typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en') : v.toFixed(2)) : v);
  const cells = [keys, ...rows.map((r) => keys.map((k) => fmt(r[k]!)))];
  const widths = keys.map((_, i) => Math.max(...cells.map((row) => String(row[i]).length)));
  const line = (row: (string | number)[]) => `| ${row.map((c, i) => String(c).padEnd(widths[i]!)).join(' | ')} |`;
  return [line(keys), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.slice(1).map(line)].join('\n');
}

/** Writes a run's figures to bench/results/<name>.json for docs/performance.md. */
export function saveResult(name: string, result: unknown): void {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ at: new Date().toISOString(), ...(result as object) }, null, 2));
}

/** Runs `run(from)`, `run(from + 1)` … `run(from + total - 1)` with `concurrency` of them in flight. */
export async function inFlight(total: number, concurrency: number, run: (i: number) => Promise<unknown>, from = 0): Promise<void> {
  let next = from;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < from + total) await run(next++);
    }),
  );
}
