import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BillingAccount, Case, SyncLogResponse, SyncStatus } from '@casekit/protocol';
import { signSplynxHook, startSplynxFake, type SplynxFake } from '@casekit/testkit/providers';
import { createLogger } from './logger.ts';
import { DEMO_PASSWORD, startServer, type RunningServer } from './index.ts';
import { SPLYNX_HOOK_PATH } from './splynx.ts';

const KEY = 'k-2f9a61';
const SECRET = 's-8c03be';
const HOOK = 'hook-4d17';

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > end) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function login(server: RunningServer, role: 'admin' | 'agent'): Promise<(path: string, init?: RequestInit) => Promise<Response>> {
  const agent = (await server.store.listAgents(server.workspaceId)).find((a) => a.role === role)!;
  const res = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: agent.email, password: DEMO_PASSWORD }) });
  const { token } = (await res.json()) as { token: string };
  return (path, init = {}) => fetch(`${server.url}/api/v1${path}`, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...init.headers } });
}

describe('a server connected to Splynx', () => {
  let dir: string;
  let fake: SplynxFake;
  let server: RunningServer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'casekit-splynx-'));
    fake = await startSplynxFake({ apiKey: KEY, apiSecret: SECRET, customers: 60 });
    server = await startServer({
      port: 0,
      dataDir: join(dir, 'data'),
      logger: createLogger('silent'),
      examplesDir: null,
      workspaceId: 'demo',
      demo: true,
      splynx: { url: fake.url, apiKey: KEY, apiSecret: SECRET, hookSecret: HOOK, syncIntervalSeconds: 0 },
    });
    fake.addHook({ url: `${server.url}${SPLYNX_HOOK_PATH}`, secret: HOOK });
  });
  after(async () => {
    await server?.close();
    await fake?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('pulls at start, shows the status to admins only, and gives agents a customer\'s billing account', async () => {
    const admin = await login(server, 'admin');
    const agent = await login(server, 'agent');
    const status = await until(
      async () => (await (await admin('/integrations/splynx')).json()) as SyncStatus,
      (s) => s.runs[0]?.status === 'succeeded',
    );
    assert.equal(status.configured, true);
    assert.equal(status.hooks, true);
    assert.equal(status.linkedCustomers, 60);
    assert.equal((await agent('/integrations/splynx')).status, 403);
    assert.equal((await agent('/integrations/splynx/sync', { method: 'POST', body: '{}' })).status, 403);

    const [splynxId] = [...fake.store.customers.keys()];
    const record = (await server.store.getRecord('demo', 'billing-accounts', `splynx:${splynxId}`))!.value as BillingAccount;
    const res = await agent(`/customers/${record.customerId}/billing`);
    assert.equal(res.status, 200);
    const account = (await res.json()) as BillingAccount;
    assert.equal(account.externalId, splynxId);
    assert.ok(account.services.length > 0);
    assert.equal(account.url, `${fake.url}/admin/customers/view?id=${splynxId}`);
    const unlinked = (await server.store.listCases('demo', { limit: 1 })).items[0]!.customerId;
    if ((await server.store.getCustomer('demo', unlinked))!.splynxId === null) assert.equal((await agent(`/customers/${unlinked}/billing`)).status, 404);
  });

  it('has a change made in Splynx within a second through its hook, and refuses a forged hook with a log line', async () => {
    const [, splynxId] = [...fake.store.customers.keys()];
    const started = Date.now();
    fake.changeCustomer(splynxId!, { status: 'blocked' });
    const account = await until(
      async () => (await server.store.getRecord('demo', 'billing-accounts', `splynx:${splynxId}`))!.value as BillingAccount,
      (a) => a.status === 'blocked',
      2000,
    );
    assert.equal(account.status, 'blocked');
    assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`);

    const body = JSON.stringify({ type: 'event', data: { model: 'models\\admin\\customers\\Customer', action: 'edit', customer_id: splynxId, attributes: { id: splynxId, status: 'active' } } });
    const forged = await fetch(`${server.url}${SPLYNX_HOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-splynx-signature': signSplynxHook('not-the-secret', body) }, body });
    assert.equal(forged.status, 401);
    const ping = JSON.stringify({ type: 'ping' });
    const pinged = await fetch(`${server.url}${SPLYNX_HOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-splynx-signature': signSplynxHook(HOOK, ping) }, body: ping });
    assert.equal(pinged.status, 200);
    const admin = await login(server, 'admin');
    const log = (await (await admin('/integrations/splynx/log?limit=5')).json()) as SyncLogResponse;
    assert.equal(log.items[0]?.code, 'forged_hook');
    assert.equal(log.items[0]?.entity, 'hook');
  });

  it('starts a sync on request (202) and answers 409 while it runs', async () => {
    const admin = await login(server, 'admin');
    const first = await admin('/integrations/splynx/sync', { method: 'POST', body: JSON.stringify({ full: true }) });
    assert.equal(first.status, 202);
    const second = await admin('/integrations/splynx/sync', { method: 'POST', body: '{}' });
    assert.ok(second.status === 409 || second.status === 202, `${second.status}`);
    assert.equal((await admin('/integrations/splynx/sync', { method: 'POST', body: JSON.stringify({ full: 'yes' }) })).status, 400);
  });

  it('routes a blocked customer\'s new case at high priority and an overdue one with the billing skill', async () => {
    const ids = [...fake.store.customers.keys()];
    const overdueId = ids[10]!;
    const invoice = [...fake.store.invoices.values()].find((r) => r.customer_id === overdueId)!;
    fake.changeInvoice(String(invoice.id), { status: 'not_paid', due: String(invoice.total), date_till: '2026-01-05' });
    fake.changeCustomer(ids[11]!, { status: 'blocked' });
    const linked = async (id: string) =>
      until(
        async () => (await server.store.getRecord('demo', 'billing-accounts', `splynx:${id}`))!.value as BillingAccount,
        (a) => (id === overdueId ? a.invoices.some((i) => i.id === String(invoice.id) && i.status === 'not_paid') : a.status === 'blocked'),
      );
    const writeIn = async (id: string): Promise<Case> => {
      const account = await linked(id);
      const email = fake.store.customers.get(id)!.email as string;
      const result = await server.engine.ingest({ workspaceId: 'demo', channelId: 'email', providerMessageId: `<${id}@mail.example>`, from: { externalId: email, email }, subject: 'Question', text: 'Hello, a question about my line.', newTopic: true });
      assert.equal(result.message.customerId, account.customerId);
      return (await server.store.getCase('demo', result.message.caseId))!;
    };
    const overdue = await writeIn(overdueId);
    assert.ok(overdue.skills.some((s) => s.name === 'billing'), JSON.stringify(overdue.skills));
    assert.ok(overdue.tags.includes('overdue'));
    const blocked = await writeIn(ids[11]!);
    assert.equal(blocked.priority, 'high');
    assert.ok(blocked.tags.includes('blocked'));
  });
});
