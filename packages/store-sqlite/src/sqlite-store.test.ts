import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createTimerWorker, type CaseQuery, type DurableTimer, type StoreTx } from '@casekit/core';
import { makeCase, makeCustomer, runEngineContract, runSearchContract, runStoreContract } from '@casekit/testkit';
import { createSqliteStore, MIGRATIONS } from './index.ts';
import { MAX_CUSTOMER_WALKS, planCaseList } from './internal/case-list.ts';
import { migrate } from './schema.ts';

let dir: string;
let files = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'casekit-store-sqlite-test-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});
const freshFile = () => join(dir, `store-${++files}.db`);

runStoreContract('sqlite file', () => createSqliteStore({ filename: freshFile() }));
runStoreContract('sqlite :memory:', () => createSqliteStore({ filename: ':memory:' }));
runEngineContract('sqlite file', () => createSqliteStore({ filename: freshFile() }));
runSearchContract('sqlite fts', async () => {
  const store = await createSqliteStore({ filename: freshFile() });
  return { store, search: store };
});

const T0 = '2026-03-02T09:00:00.000Z';
const workspace = (id: string) => ({ id, name: id, createdAt: T0, settings: { reopenWindowHours: 24, displayName: id } });
const presence = (workspaceId: string) =>
  ({ type: 'agent.presence', workspaceId, at: T0, actorId: 'ag_1', caseId: null, customerId: null, data: { agentId: 'ag_1', presence: 'away' } }) as const;

/** Runs `code` (an ES module body with `createSqliteStore` in scope) in a child Node process. */
function child(code: string): ChildProcessWithoutNullStreams & { lines: AsyncIterator<string> } {
  const index = new URL('./index.ts', import.meta.url).href;
  const source = `const { createSqliteStore } = await import(${JSON.stringify(index)});\n${code}`;
  const proc = spawn(process.execPath, ['--conditions=casekit-source', '--input-type=module', '-e', source], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (chunk) => (stderr += chunk));
  proc.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGKILL') console.error(`child exited with ${code}: ${stderr}`);
  });
  return Object.assign(proc, { lines: createInterface({ input: proc.stdout })[Symbol.asyncIterator]() });
}

async function nextLine(lines: AsyncIterator<string>): Promise<string> {
  const { value, done } = await lines.next();
  assert.equal(done, false, 'the child process ended early');
  return value;
}

describe('sqlite store', () => {
  it('migrates a fresh file to the latest schema and reopens it without migrating again', async () => {
    const filename = freshFile();
    const store = await createSqliteStore({ filename });
    await store.transaction((tx) => tx.putWorkspace(workspace('ws_a')));
    await store.close();
    const raw = new Database(filename, { readonly: true });
    assert.equal(raw.pragma('user_version', { simple: true }), MIGRATIONS.length);
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    const tables = raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all().map((r) => (r as { name: string }).name);
    for (const table of ['workspaces', 'counters', 'customers', 'customer_keys', 'cases', 'case_tags', 'cases_fts', 'conversations', 'messages', 'events', 'outbox', 'idempotency', 'timers']) {
      assert.ok(tables.includes(table), `table ${table}`);
    }
    raw.close();
    const again = await createSqliteStore({ filename });
    assert.equal((await again.getWorkspace('ws_a'))?.name, 'ws_a');
    await again.close();
  });

  it('applies only the migrations a file is missing, each in its own transaction', async () => {
    const filename = freshFile();
    const db = new Database(filename);
    assert.equal(migrate(db, MIGRATIONS), MIGRATIONS.length);
    const extra = [...MIGRATIONS, 'CREATE TABLE later_feature (id TEXT PRIMARY KEY);', 'CREATE TABLE broken (;'];
    assert.throws(() => migrate(db, extra), /syntax error/);
    // The good migration stayed; the broken one left nothing behind.
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length + 1);
    assert.ok(db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'later_feature'`).get());
    db.close();
  });

  it('upgrades a file from the first schema, keeping its cases searchable', async () => {
    const filename = freshFile();
    const db = new Database(filename);
    migrate(db, MIGRATIONS.slice(0, 1));
    const kase = { id: 'c_old', workspaceId: 'ws_up', number: 7, subject: 'Fibre installation', preview: 'Technician never came', status: 'open', lastActivityAt: T0 };
    db.prepare(`INSERT INTO customers (ws, id, merged_into, search, json) VALUES ('ws_up', 'cu_1', NULL, '', '{}')`).run();
    const { lastInsertRowid } = db
      .prepare(`INSERT INTO cases (ws, id, number, status, priority, customer_id, channel_mask, activity, version, json) VALUES ('ws_up', 'c_old', 7, 'open', 'normal', 'cu_1', 1, ?, 1, ?)`)
      .run(Date.parse(T0), JSON.stringify(kase));
    db.prepare('INSERT INTO cases_fts (rowid, subject, preview) VALUES (?, ?, ?)').run(lastInsertRowid, kase.subject, kase.preview);
    db.close();
    const store = await createSqliteStore({ filename });
    for (const q of ['fibre', 'INSTALL', 'technician came', '#7']) {
      assert.deepEqual((await store.listCases('ws_up', { q, limit: 5 })).items.map((c) => c.id), ['c_old'], q);
    }
    await store.close();
  });

  it('upgrades agents stored before deactivation existed to active ones', async () => {
    const filename = freshFile();
    const db = new Database(filename);
    migrate(db, MIGRATIONS.slice(0, 6));
    const old = { id: 'ag_old', workspaceId: 'ws_up', kind: 'human', email: 'old@example.com', name: 'Old', role: 'admin', teams: [], skills: [], languages: ['en'], capacity: {}, presence: 'online', createdAt: T0 };
    db.prepare(`INSERT INTO agents (ws, id, email, password_hash, json) VALUES ('ws_up', 'ag_old', 'old@example.com', 'h', ?)`).run(JSON.stringify(old));
    db.close();
    const store = await createSqliteStore({ filename });
    const agent = await store.getAgent('ws_up', 'ag_old');
    assert.deepEqual([agent?.active, agent?.passwordHash], [true, 'h']);
    await store.close();
  });

  it('finds the cases of more customers than it walks one by one, newest first across pages', async () => {
    const store = await createSqliteStore({ filename: freshFile() });
    const count = MAX_CUSTOMER_WALKS + 6;
    await store.transaction(async (tx) => {
      await tx.putWorkspace(workspace('ws_many'));
      for (let i = 0; i < count; i++) {
        await tx.insertCustomer(makeCustomer({ id: `cu_${i}`, workspaceId: 'ws_many', name: `Acme branch ${i}` }));
        const at = new Date(Date.parse(T0) + i * 1000).toISOString();
        await tx.insertCase(makeCase({ id: `c_${i}`, workspaceId: 'ws_many', number: i + 1, customerId: `cu_${i}`, subject: 'Line down', lastActivityAt: at }));
      }
    });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listCases('ws_many', { q: 'acme', limit: 30, ...(cursor && { cursor }) });
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    assert.deepEqual(seen, Array.from({ length: count }, (_, i) => `c_${count - 1 - i}`));
    await store.close();
  });

  it('refuses a file written by a newer schema', async () => {
    const filename = freshFile();
    const db = new Database(filename);
    db.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    db.close();
    await assert.rejects(createSqliteStore({ filename }), /newer than this @casekit\/store-sqlite knows/);
  });

  it('keeps committed data across close and reopen', async () => {
    const filename = freshFile();
    const store = await createSqliteStore({ filename, synchronous: 'full' });
    await store.transaction(async (tx) => {
      await tx.putWorkspace(workspace('ws_keep'));
      for (let i = 0; i < 5; i++) await tx.appendEvent(presence('ws_keep'));
    });
    await store.close();
    const reopened = await createSqliteStore({ filename });
    assert.equal(await reopened.lastSeq('ws_keep'), 5);
    assert.equal((await reopened.transaction((tx) => tx.appendEvent(presence('ws_keep')))).seq, 6);
    await reopened.close();
  });

  it('shows another process\'s transaction only once it commits', async () => {
    const filename = freshFile();
    const store = await createSqliteStore({ filename });
    const writer = child(`
      const store = await createSqliteStore({ filename: ${JSON.stringify(filename)} });
      await store.transaction(async (tx) => {
        await tx.putWorkspace(${JSON.stringify(workspace('ws_child'))});
        await tx.appendEvent(${JSON.stringify(presence('ws_child'))});
        console.log('written');
        await new Promise((resolve) => process.stdin.once('data', resolve));
      });
      console.log('committed');
      await store.close();
    `);
    assert.equal(await nextLine(writer.lines), 'written');
    assert.equal(await store.getWorkspace('ws_child'), null);
    assert.equal(await store.lastSeq('ws_child'), 0);
    writer.stdin.end('go\n');
    assert.equal(await nextLine(writer.lines), 'committed');
    assert.equal((await store.getWorkspace('ws_child'))?.name, 'ws_child');
    assert.equal(await store.lastSeq('ws_child'), 1);
    await once(writer, 'exit');
    await store.close();
  });

  it('keeps every transaction a killed process had committed', async () => {
    const filename = freshFile();
    const writer = child(`
      const store = await createSqliteStore({ filename: ${JSON.stringify(filename)} });
      for (let i = 1; ; i++) {
        await store.transaction((tx) => tx.appendEvent(${JSON.stringify(presence('ws_kill'))}));
        console.log(String(i));
      }
    `);
    let reported = 0;
    while (reported < 300) reported = Number(await nextLine(writer.lines));
    writer.kill('SIGKILL');
    await once(writer, 'exit');
    const store = await createSqliteStore({ filename });
    const seq = await store.lastSeq('ws_kill');
    assert.ok(seq >= reported, `lastSeq ${seq} after ${reported} reported commits`);
    const events = await store.listEvents('ws_kill', { after: 0, limit: 100_000 });
    assert.deepEqual(events.map((e) => e.seq), Array.from({ length: seq }, (_, i) => i + 1));
    await store.close();
  });

  it('undoes only the failing transactions of a group that commits together, and shows each one as soon as it resolves', async () => {
    const store = await createSqliteStore({ filename: freshFile() });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        store
          .transaction(async (tx) => {
            await tx.putWorkspace(workspace(`ws_g${i}`));
            const event = await tx.appendEvent(presence('ws_group'));
            if (i % 3 === 1) throw new Error(`job ${i} fails`);
            return event.seq;
          })
          .then(async (seq) => {
            // Resolved means committed: a plain read sees it at once.
            assert.equal((await store.getWorkspace(`ws_g${i}`))?.id, `ws_g${i}`);
            return seq;
          }),
      ),
    );
    const kept = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
    assert.deepEqual(kept, Array.from({ length: 30 }, (_, i) => i).filter((i) => i % 3 !== 1));
    for (let i = 0; i < 30; i++) assert.equal((await store.getWorkspace(`ws_g${i}`)) !== null, i % 3 !== 1, `ws_g${i}`);
    // The failed ones consumed no seq: the kept ones are numbered 1..20 in the order they ran.
    const seqs = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    assert.deepEqual(seqs, Array.from({ length: 20 }, (_, i) => i + 1));
    await store.close();
  });

  it('refuses a tx used after its transaction ended, and calls after close', async () => {
    const store = await createSqliteStore({ filename: ':memory:' });
    let leaked: StoreTx | undefined;
    await store.transaction(async (tx) => {
      leaked = tx;
    });
    await assert.rejects(leaked!.lastSeq('ws_x'), { code: 'internal' });
    // close() waits for a transaction in flight.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = store.transaction(async (tx) => {
      await gate;
      return (await tx.appendEvent(presence('ws_x'))).seq;
    });
    const closing = store.close();
    release();
    await closing;
    assert.equal(await slow, 1);
    await assert.rejects(store.getWorkspace('ws_x'), { code: 'unavailable' });
    await assert.rejects(store.transaction(async () => 1), { code: 'unavailable' });
    await store.close();
  });

  it('finds by prefix the words of a case whose first writer rolled back', async () => {
    // The store remembers which words its vocabulary holds; a rolled-back write must not count.
    const store = await createSqliteStore({ filename: ':memory:' });
    const customer = makeCustomer({ workspaceId: 'ws_t' });
    await store.transaction(async (tx) => {
      await tx.putWorkspace(workspace('ws_t'));
      await tx.insertCustomer(customer);
    });
    const first = makeCase({ workspaceId: 'ws_t', customerId: customer.id, number: 1, subject: 'Zebrafish tank heater' });
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.insertCase(first);
        throw new Error('abandoned');
      }),
      /abandoned/,
    );
    const second = makeCase({ workspaceId: 'ws_t', customerId: customer.id, number: 2, subject: 'Zebrafish tank heater' });
    await store.transaction((tx) => tx.insertCase(second));
    assert.deepEqual((await store.listCases('ws_t', { q: 'zebraf', limit: 5 })).items.map((c) => c.id), [second.id]);
    // And a preview's new words after an update.
    await store.transaction((tx) => tx.updateCase({ ...second, preview: 'Quetzalcoatl sighted', version: 2 }, 1));
    assert.deepEqual((await store.listCases('ws_t', { q: 'quetzal', limit: 5 })).items.map((c) => c.id), [second.id]);
    await store.close();
  });

  it('treats search text as words, never as FTS syntax', async () => {
    const store = await createSqliteStore({ filename: ':memory:' });
    for (const q of ['"', 'AND OR NOT', 'router*', 'NEAR(a b)', 'subject:x', '-', '#', '#0', '💥']) {
      assert.deepEqual((await store.listCases('ws_q', { q, limit: 5 })).items, [], q);
    }
    await store.close();
  });

  it('walks one index in list order for every filter, without sorting', async () => {
    const filename = freshFile();
    const store = await createSqliteStore({ filename });
    await store.close();
    const db = new Database(filename, { readonly: true });
    const queries: CaseQuery[] = [
      { limit: 50 },
      { status: ['open', 'pending'], limit: 50 },
      { assignee: 'ag_1', limit: 50 },
      { assignee: 'unassigned', status: ['new'], channel: ['email'], limit: 50 },
      { team: 'billing', priority: ['urgent'], limit: 50 },
      { tag: 'vip', status: ['open'], limit: 50 },
      { customerId: 'cu_1', status: ['open'], limit: 50 },
      { priority: ['high', 'urgent'], channel: ['sms'], cursor: Buffer.from(JSON.stringify(['case', 1, 'c_1'])).toString('base64url'), limit: 50 },
      { q: 'router', limit: 50 },
      { q: '#12 router', status: ['open'], cursor: Buffer.from(JSON.stringify(['case', 1, 'c_1'])).toString('base64url'), limit: 50 },
      { q: '12', assignee: 'ag_1', limit: 50 },
      { q: 'dana@example.com', status: ['open', 'new'], limit: 50 },
    ];
    for (const query of queries) {
      for (const arm of planCaseList('ws', query, (prefix) => [prefix, `${prefix}s`], () => ['cu_1', 'cu_2'])!) {
        const plan = db.prepare(`EXPLAIN QUERY PLAN ${arm.sql}`).all(...arm.params).map((row) => (row as { detail: string }).detail).join(' | ');
        assert.doesNotMatch(plan, /TEMP B-TREE/, `${JSON.stringify(query)}: ${plan}`);
        assert.match(plan, /^(SEARCH (c|t) USING (INDEX|PRIMARY KEY)|SCAN f VIRTUAL TABLE)/, `${JSON.stringify(query)}: ${plan}`);
      }
    }
    db.close();
  });
});

describe('channel secrets at rest', () => {
  const KEY = 'k'.repeat(16) + 'another-32-character-key';
  const channel = (id: string, secrets: Record<string, string>) => ({
    id,
    workspaceId: 'ws_s',
    kind: 'webchat',
    medium: 'webchat' as const,
    name: id,
    enabled: true,
    config: {},
    secretNames: Object.keys(secrets),
    secrets,
    createdAt: T0,
    updatedAt: T0,
  });

  it('stores secrets encrypted under a key, reads them back, and never writes the plain text', async () => {
    const filename = freshFile();
    const store = await createSqliteStore({ filename, secretKey: KEY });
    await store.transaction(async (tx) => {
      await tx.putWorkspace(workspace('ws_s'));
      await tx.insertChannel(channel('web', { identitySecret: 'plain-secret-value-123', other: 'second-secret-456' }));
      await tx.insertChannel(channel('none', {}));
    });
    assert.deepEqual((await store.getChannel('ws_s', 'web'))?.secrets, { identitySecret: 'plain-secret-value-123', other: 'second-secret-456' });
    assert.deepEqual((await store.getChannel('ws_s', 'none'))?.secrets, {});
    await store.transaction((tx) => tx.updateChannel({ ...channel('web', { identitySecret: 'rotated-secret-789' }), enabled: false }));
    const updated = await store.getChannel('ws_s', 'web');
    assert.deepEqual([updated?.secrets, updated?.enabled], [{ identitySecret: 'rotated-secret-789' }, false]);
    await store.close();
    const raw = new Database(filename, { readonly: true });
    const stored = raw.prepare("SELECT secret, json FROM channels WHERE id = 'web'").get() as { secret: string; json: string };
    raw.close();
    assert.match(stored.secret, /^enc1:/);
    assert.ok(!stored.json.includes('rotated-secret-789'));
    const bytes = readFileSync(filename);
    for (const secret of ['plain-secret-value-123', 'second-secret-456', 'rotated-secret-789']) assert.ok(!bytes.includes(secret), `${secret} is not in the file`);
  });

  it('seals secrets stored before a key was set, and refuses to open without the key or with another', async () => {
    const filename = freshFile();
    const plain = await createSqliteStore({ filename });
    await plain.transaction(async (tx) => {
      await tx.putWorkspace(workspace('ws_s'));
      await tx.insertChannel(channel('web', { identitySecret: 'legacy-secret' }));
    });
    await plain.close();
    const keyed = await createSqliteStore({ filename, secretKey: KEY });
    assert.deepEqual((await keyed.getChannel('ws_s', 'web'))?.secrets, { identitySecret: 'legacy-secret' });
    await keyed.close();
    await assert.rejects(createSqliteStore({ filename }), { code: 'unavailable', message: /secret key/ });
    await assert.rejects(createSqliteStore({ filename, secretKey: 'x'.repeat(40) }), { code: 'unavailable', message: /does not open/ });
    await assert.rejects(createSqliteStore({ filename, secretKey: 'short' }), { code: 'internal', message: /at least 32/ });
    const again = await createSqliteStore({ filename, secretKey: KEY });
    assert.deepEqual((await again.listChannels('ws_s')).map((c) => c.secrets), [{ identitySecret: 'legacy-secret' }]);
    await again.close();
  });

  it('upgrades channels written before kinds named their provider, keeping their one secret', async () => {
    const filename = freshFile();
    const db = new Database(filename);
    migrate(db, MIGRATIONS.slice(0, 5));
    const old = (id: string, kind: string) => JSON.stringify({ id, workspaceId: 'ws_s', kind, name: id, createdAt: T0 });
    db.prepare(`INSERT INTO channels (ws, id, secret, json) VALUES ('ws_s', 'web', 'web-secret-0123456789', ?)`).run(old('web', 'webchat'));
    db.prepare(`INSERT INTO channels (ws, id, secret, json) VALUES ('ws_s', 'sms', NULL, ?)`).run(old('sms', 'sms'));
    db.close();
    const store = await createSqliteStore({ filename });
    const web = await store.getChannel('ws_s', 'web');
    const sms = await store.getChannel('ws_s', 'sms');
    assert.deepEqual(
      [web?.kind, web?.medium, web?.enabled, web?.secretNames, web?.secrets, web?.updatedAt],
      ['webchat', 'webchat', true, ['identitySecret'], { identitySecret: 'web-secret-0123456789' }, T0],
    );
    assert.deepEqual([sms?.kind, sms?.medium, sms?.config, sms?.secrets], ['twilio-sms', 'sms', {}, {}]);
    await store.close();
  });
});

describe('durable timers on a file', () => {
  const timer = (key: string, dueAt: string) => ({ workspaceId: 'ws_t', key, kind: 'sla', dueAt, payload: { key } });
  const core = import.meta.resolve('@casekit/core');
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('keeps every timer a killed process had committed', async () => {
    const filename = freshFile();
    const writer = child(`
      const store = await createSqliteStore({ filename: ${JSON.stringify(filename)} });
      for (let i = 1; ; i++) {
        await store.transaction((tx) => tx.setTimer({ workspaceId: 'ws_t', key: 't' + i, kind: 'sla', dueAt: new Date(Date.parse(${JSON.stringify(T0)}) + i).toISOString(), payload: { i } }));
        console.log(String(i));
      }
    `);
    let reported = 0;
    while (reported < 200) reported = Number(await nextLine(writer.lines));
    writer.kill('SIGKILL');
    await once(writer, 'exit');
    const store = await createSqliteStore({ filename });
    const due = await store.claimTimers(new Date(Date.parse(T0) + 1_000_000), 1000, 100_000);
    assert.ok(due.length >= reported, `${due.length} timers after ${reported} reported commits`);
    assert.deepEqual(due.map((t) => t.payload.i), Array.from({ length: due.length }, (_, i) => i + 1), 'in due order, none missing');
    await store.close();
  });

  it('runs a timer again after the lease when its process died inside the handler, and exactly once more', async () => {
    const filename = freshFile();
    const seed = await createSqliteStore({ filename });
    await seed.transaction((tx) => tx.setTimer(timer('sla:c_1', new Date().toISOString())));
    await seed.close();
    const dying = child(`
      const { createTimerWorker } = await import(${JSON.stringify(core)});
      const store = await createSqliteStore({ filename: ${JSON.stringify(filename)} });
      const worker = createTimerWorker({ store, leaseMs: 400, pollMs: 20, handlers: { sla: () => { console.log('running'); return new Promise(() => {}); } } });
      worker.start();
    `);
    assert.equal(await nextLine(dying.lines), 'running');
    dying.kill('SIGKILL');
    await once(dying, 'exit');

    const store = await createSqliteStore({ filename });
    const claimed = (await store.getTimer('ws_t', 'sla:c_1'))!;
    assert.ok(claimed.leaseUntil !== null, 'the dead process had claimed it');
    const runs: DurableTimer[] = [];
    const worker = createTimerWorker({ store, leaseMs: 400, pollMs: 20, handlers: { sla: async (t) => void runs.push(t) } });
    assert.equal(await worker.runOnce(), 0, 'not before the lease ends');
    worker.start();
    try {
      const until = Date.parse(claimed.leaseUntil) + 2000;
      while (runs.length === 0 && Date.now() < until) await sleep(10);
      assert.equal(runs.length, 1, 'ran once the lease ran out');
      assert.ok(Date.now() >= Date.parse(claimed.leaseUntil));
      await sleep(600);
      assert.equal(runs.length, 1, 'and only once');
      assert.deepEqual([runs[0]!.version, runs[0]!.payload], [claimed.version, { key: 'sla:c_1' }]);
      assert.equal(await store.getTimer('ws_t', 'sla:c_1'), null);
    } finally {
      await worker.stop();
      await store.close();
    }
  });

  it('runs each timer once when workers on two connections to one file claim at the same time', async () => {
    const filename = freshFile();
    const [a, b] = [await createSqliteStore({ filename }), await createSqliteStore({ filename })];
    const now = new Date().toISOString();
    await a.transaction(async (tx) => {
      for (let i = 0; i < 60; i++) await tx.setTimer(timer(`sla:c_${i}`, now));
    });
    const runs = new Map<string, number>();
    const handlers = { sla: async (t: DurableTimer) => void runs.set(t.key, (runs.get(t.key) ?? 0) + 1) };
    const workers = [a, b].map((store) => createTimerWorker({ store, handlers, batchSize: 7, pollMs: 10 }));
    for (const worker of workers) worker.start();
    const until = Date.now() + 5000;
    while (runs.size < 60 && Date.now() < until) await sleep(10);
    await sleep(100);
    await Promise.all(workers.map((worker) => worker.stop()));
    assert.equal(runs.size, 60);
    assert.ok([...runs.values()].every((n) => n === 1), 'no timer ran twice');
    await Promise.all([a.close(), b.close()]);
  });
});
