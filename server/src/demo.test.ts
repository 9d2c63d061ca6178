import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Message } from '@casekit/protocol';
import { createLogger } from './logger.ts';
import { DEMO_PASSWORD, startServer, type RunningServer } from './index.ts';

// The demo as a new user meets it: customers write in on SMS, WhatsApp and email through the
// providers' real paths (fakes on loopback), and replies go out.
describe('the demo with simulated customers', () => {
  let dir: string;
  let server: RunningServer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'casekit-demo-'));
    server = await startServer({ port: 0, smtpPort: 0, dataDir: join(dir, 'data'), logger: createLogger('silent'), examplesDir: null, workspaceId: 'demo', demo: true });
  });
  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('brings SMS, WhatsApp and email messages in through webhooks and SMTP, and sends an agent\'s reply out', async () => {
    assert.ok(server.smtpPort, 'the mailroom listens');
    const before = await server.store.lastSeq('demo');
    const res = await fetch(`${server.url}/demo/simulate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: 6 }) });
    assert.equal(res.status, 200, await res.clone().text());
    const result = (await res.json()) as { sent: number; byChannel: Record<string, number> };
    assert.deepEqual(result.byChannel, { 'twilio-sms': 2, 'twilio-whatsapp': 2, email: 2 });
    const events = await server.store.listEvents('demo', { after: before, limit: 500 });
    const arrived = events.filter((e) => e.type === 'message.created').map((e) => (e.data as { message: Message }).message);
    assert.deepEqual([...new Set(arrived.map((m) => m.channelKind))].sort(), ['email', 'sms', 'whatsapp']);

    const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: (await server.store.listAgents('demo')).find((a) => a.role === 'agent')!.email, password: DEMO_PASSWORD }) });
    const { token } = (await login.json()) as { token: string };
    const sms = arrived.find((m) => m.channelKind === 'sms')!;
    const reply = await fetch(`${server.url}/api/v1/cases/${sms.caseId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ text: 'We are on it.' }) });
    assert.equal(reply.status, 201);
    const { id } = (await reply.json()) as { id: string };
    for (let i = 0; i < 200 && (await server.store.getMessage('demo', id))?.status !== 'sent'; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal((await server.store.getMessage('demo', id))?.status, 'sent', 'the reply went out through the Twilio fake');
  });

  it("passes an admin's Test of the SMS, WhatsApp and email channels, against the fakes", async () => {
    const admin = (await server.store.listAgents('demo')).find((a) => a.role === 'admin')!;
    const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: admin.email, password: DEMO_PASSWORD }) });
    const { token } = (await login.json()) as { token: string };
    for (const kind of ['twilio-sms', 'twilio-whatsapp', 'email']) {
      const channel = (await server.store.listChannels('demo')).find((c) => c.kind === kind)!;
      const res = await fetch(`${server.url}/api/v1/channels/${channel.id}/test`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      const result = (await res.json()) as { ok: boolean; detail?: string; error?: { message: string } };
      assert.equal(result.ok, true, `${kind}: ${result.error?.message}`);
    }
  });
});
