import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DatabaseSync } from 'node:sqlite';
import type { SyncRun } from '@casekit/protocol';
import { createSqliteStore } from '@casekit/store-sqlite';
import { startSplynxFake, type SplynxFake } from '@casekit/testkit/providers';
import { resolveSecretKey } from './config.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = join(ROOT, 'node_modules/.bin/node');
const CLI = join(ROOT, 'server/src/cli.ts');
const CUSTOMERS = 6000;

describe('casekit splynx sync killed with SIGKILL mid-pull', () => {
  let dir: string;
  let fake: SplynxFake;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'casekit-splynx-kill-'));
    fake = await startSplynxFake({ apiKey: 'kill-key', apiSecret: 'kill-secret', customers: CUSTOMERS });
  });
  after(async () => {
    await fake?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const env = () => ({
    ...process.env,
    CASEKIT_DATA_DIR: join(dir, 'data'),
    CASEKIT_WORKSPACE_ID: 'demo',
    CASEKIT_SPLYNX_URL: fake.url,
    CASEKIT_SPLYNX_API_KEY: 'kill-key',
    CASEKIT_SPLYNX_API_SECRET: 'kill-secret',
  });

  /** Accounts written so far, read from the SQLite file beside the running process. */
  function linkedNow(): number {
    const file = join(dir, 'data', 'casekit.db');
    if (!existsSync(file)) return 0;
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      const row = db.prepare("SELECT count(*) AS n FROM integration_records WHERE collection = 'billing-accounts'").get() as { n: number } | undefined;
      return row?.n ?? 0;
    } catch {
      return 0; // the schema is not there yet
    } finally {
      db.close();
    }
  }

  it('resumes after the last page it wrote: every customer once, nothing read twice', async () => {
    const child = spawn(NODE, ['--conditions=casekit-source', CLI, 'splynx', 'sync', '--full'], { env: env(), stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    let linked = 0;
    for (let i = 0; i < 3000 && linked === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      linked = linkedNow();
    }
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    linked = linkedNow();
    assert.ok(linked > 0 && linked < CUSTOMERS, `killed with ${linked} of ${CUSTOMERS} written`);
    assert.equal(linked % 500, 0, 'pages are written whole');

    const again = spawn(NODE, ['--conditions=casekit-source', CLI, 'splynx', 'sync'], { env: env(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    again.stderr!.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => again.once('exit', (c) => resolve(c)));
    assert.equal(code, 0, stderr);

    const store = await createSqliteStore({ filename: join(dir, 'data', 'casekit.db'), secretKey: await resolveSecretKey({ secretKey: undefined, dataDir: join(dir, 'data') }) });
    try {
      const runs = (await store.listRecords('demo', 'sync-runs', { reverse: true, limit: 5 })).map((r) => r.value as SyncRun);
      const [resumed, killed] = runs;
      assert.equal(killed?.status, 'interrupted', 'the killed run is marked as such');
      assert.equal(resumed?.kind, 'full', 'an unfinished full pull goes on first');
      assert.equal(resumed?.status, 'succeeded');
      assert.deepEqual(resumed?.counts, { created: CUSTOMERS - linked, updated: 0, unchanged: 0, failed: 0 });
      assert.equal(await store.countRecords('demo', 'billing-accounts'), CUSTOMERS);
      const customers = new Set<string>();
      for (const record of await store.listRecords('demo', 'billing-accounts', { limit: CUSTOMERS + 1 })) customers.add((record.value as { customerId: string }).customerId);
      assert.equal(customers.size, CUSTOMERS, 'one casekit customer per Splynx customer');
    } finally {
      await store.close();
    }
  });
});
