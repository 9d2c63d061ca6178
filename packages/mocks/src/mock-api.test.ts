import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setupServer } from 'msw/node';
import { CasekitApiError, createAgentClient, createVisitorClient } from '@casekit/sdk';
import { CHANNEL_CAPABILITIES } from '@casekit/protocol';
import { ChannelConfigError, createMockApi, DEMO_PASSWORD, type ChannelKindSpec, type MockApi } from './index.ts';

const BASE = 'https://support.example.test';

describe('the mock API over the real engine, driven through the SDK', () => {
  let api: MockApi;
  const server = setupServer();
  before(() => server.listen({ onUnhandledFrame: 'error' }));
  after(() => server.close());
  beforeEach(async () => {
    api = await createMockApi({ baseUrl: BASE });
    server.resetHandlers(...api.handlers);
  });

  async function signIn(email = 'ada@northwind.example') {
    const client = createAgentClient({ baseUrl: BASE });
    await client.login(email, DEMO_PASSWORD);
    return client;
  }

  it('signs agents in with the demo password and refuses a wrong one', async () => {
    const client = await signIn('ben@northwind.example');
    assert.equal((await client.me()).name, 'Ben Okafor');
    await assert.rejects(createAgentClient({ baseUrl: BASE }).login('ben@northwind.example', 'nope'), {
      code: 'unauthorized',
      status: 401,
    });
    await assert.rejects(createAgentClient({ baseUrl: BASE }).listCases(), { code: 'unauthorized' });
  });

  it('lists believable cases across channels, newest activity first, honouring filters and pages', async () => {
    const client = await signIn();
    const all = await client.listCases({ limit: 50 });
    assert.ok(all.items.length >= 6, 'a handful of cases');
    const times = all.items.map((c) => c.lastActivityAt);
    assert.deepEqual(times, [...times].sort().reverse());
    const kinds = new Set(all.items.flatMap((c) => c.channels));
    for (const kind of ['webchat', 'email', 'sms', 'whatsapp', 'telegram'] as const) assert.ok(kinds.has(kind), kind);

    const omni = await client.listCases({ channel: ['whatsapp'] });
    assert.equal(omni.items.length, 1);
    assert.deepEqual(omni.items[0]!.channels, ['webchat', 'whatsapp'], 'one case spanning two channels');

    const open = await client.listCases({ status: ['new'] });
    assert.ok(open.items.length > 0 && open.items.every((c) => c.status === 'new'));
    const unassigned = await client.listCases({ assignee: 'unassigned' });
    assert.ok(unassigned.items.every((c) => c.assigneeId === null));
    const mine = await createAgentClient({ baseUrl: BASE, token: (await signIn('ben@northwind.example')).token! }).listCases({ assignee: 'me' });
    assert.ok(mine.items.length > 0 && mine.items.every((c) => c.assigneeId === 'a_ben'));
    const found = await client.listCases({ q: 'refund' });
    assert.equal(found.items[0]?.customerId, 'cu_tom');

    const first = await client.listCases({ limit: 2 });
    assert.equal(first.items.length, 2);
    assert.ok(first.nextCursor);
    const second = await client.listCases({ limit: 2, cursor: first.nextCursor });
    assert.notEqual(second.items[0]!.id, first.items[0]!.id);
    assert.deepEqual(
      [...first.items, ...second.items].map((c) => c.id),
      all.items.slice(0, 4).map((c) => c.id),
    );
  });

  it("serves the demo's Splynx accounts to agents, and no Splynx connection", async () => {
    const client = await signIn();
    const maria = await client.getCustomerBilling('cu_maria');
    assert.equal(maria?.status, 'active');
    assert.deepEqual(maria?.invoices.map((i) => i.status), ['not_paid', 'not_paid', 'paid', 'paid']);
    assert.equal((await client.getCustomerBilling('cu_tom'))?.status, 'blocked');
    assert.equal(await client.getCustomerBilling('cu_li'), null, 'Li has no Splynx link');
    assert.equal((await client.getCustomer('cu_maria')).name, 'María García', 'the sync left the demo profile as it was');
    assert.equal((await client.getSplynxStatus()).configured, false);
    await assert.rejects(client.startSplynxSync({ full: true }), { code: 'conflict', status: 409 });
  });

  it('keeps per-agent read state like the server', async () => {
    const ada = await signIn();
    const { items } = await ada.listCases({ limit: 5 });
    const kase = items[0]!;
    const { readAt } = await ada.markCaseRead(kase.id);
    assert.ok(readAt >= kase.lastActivityAt);
    assert.equal((await ada.listCases({ limit: 5 })).readAt[kase.id], readAt);
    await assert.rejects(ada.markCaseRead('c_unknown'), { code: 'not_found' });
  });

  it('answers bad query values with validation_failed naming the field', async () => {
    const client = await signIn();
    await assert.rejects(
      client.request('listCases', { query: { status: ['bogus' as 'open'] } }),
      (err: unknown) => {
        assert.ok(err instanceof CasekitApiError);
        assert.equal(err.code, 'validation_failed');
        assert.equal(err.status, 400);
        assert.equal(err.details?.issues?.[0]?.path, 'query.status.0');
        return true;
      },
    );
  });

  it('replies and notes show up in the case, and case updates follow versions and the lifecycle', async () => {
    const client = await signIn('ben@northwind.example');
    const [aisha] = (await client.listCases({ customerId: 'cu_aisha' })).items;
    assert.ok(aisha);
    assert.equal(aisha.status, 'new');
    const reply = await client.reply(aisha.id, { text: 'An engineer is on the way.' }, { idempotencyKey: 'k1' });
    const again = await client.reply(aisha.id, { text: 'An engineer is on the way.' }, { idempotencyKey: 'k1' });
    assert.equal(again.id, reply.id, 'the same Idempotency-Key gets the first answer');
    await client.addNote(aisha.id, { text: 'Checked OLT-3: fibre cut on the street.' });

    const detail = await client.getCase(aisha.id);
    assert.equal(detail.customer.name, 'Aisha Khan');
    assert.equal(detail.case.status, 'open', 'a reply opens a new case');
    assert.equal(detail.case.assigneeId, 'a_ben', 'and assigns it to the agent who replied');
    const messages = await client.listMessages(aisha.id);
    assert.deepEqual(
      messages.items.map((m) => [m.authorKind, m.internal, m.text]),
      [
        ['customer', false, 'Router lights all red, no connection at all. I work from home, please help'],
        ['agent', false, 'An engineer is on the way.'],
        ['agent', true, 'Checked OLT-3: fibre cut on the street.'],
      ],
    );

    await assert.rejects(client.updateCase(aisha.id, { version: 1, status: 'pending' }), { code: 'version_conflict', status: 409 });
    const solved = await client.updateCase(aisha.id, { version: detail.case.version, status: 'solved' });
    assert.equal(solved.status, 'solved');
    assert.ok(solved.solvedAt);
    await assert.rejects(client.updateCase(aisha.id, { version: solved.version, status: 'pending' }), {
      code: 'invalid_transition',
      status: 422,
    });

    const events = await client.listEvents({ after: 0 });
    assert.equal(events.lastSeq, events.events.at(-1)!.seq);
    assert.ok(events.events.some((e) => e.type === 'case.updated' && e.caseId === aisha.id));
  });

  it('enforces roles: an agent cannot change settings, an admin can', async () => {
    const ben = await signIn('ben@northwind.example');
    await assert.rejects(ben.updateSettings({ displayName: 'Hacked' }), { code: 'forbidden', status: 403 });
    const ada = await signIn();
    assert.equal((await ada.updateSettings({ displayName: 'Northwind' })).displayName, 'Northwind');
    assert.equal((await ben.getSettings()).displayName, 'Northwind');
  });

  it('runs the channel kinds it is given: their fields, their checks, their webhook URL', async () => {
    const twilioSms: ChannelKindSpec = {
      kind: 'twilio-sms',
      medium: 'sms',
      capabilities: CHANNEL_CAPABILITIES['twilio-sms'],
      fields: {
        config: [{ name: 'accountSid', label: 'Account SID', required: true }],
        secrets: [{ name: 'authToken', label: 'Auth token', required: true }],
      },
      validate({ config, secrets }) {
        const sid = (config as { accountSid?: unknown } | undefined)?.accountSid;
        if (typeof sid !== 'string' || !sid.startsWith('AC')) throw new ChannelConfigError('config.accountSid', 'config.accountSid: must start with AC.');
        return { config: { accountSid: sid }, secrets: secrets as Record<string, string> };
      },
      verify: () => ({ ok: true }),
      parse: () => ({ events: [] }),
    };
    api = await createMockApi({ baseUrl: BASE, channelKinds: [twilioSms] });
    server.resetHandlers(...api.handlers);
    const ada = await signIn();
    const kinds = await ada.listChannelKinds();
    assert.deepEqual(kinds.items.map((k) => [k.kind, k.webhooks]), [['webchat', false], ['twilio-sms', true]]);
    assert.equal(kinds.items[1]!.fields.config[0]!.label, 'Account SID');

    await assert.rejects(ada.createChannel({ kind: 'twilio-sms', name: 'SMS', config: { accountSid: 'nope' }, secrets: { authToken: 't' } }), {
      status: 400,
      details: { issues: [{ path: 'body.config.accountSid', message: 'config.accountSid: must start with AC.' }] },
    });
    const created = await ada.createChannel({ kind: 'twilio-sms', name: 'SMS', config: { accountSid: 'AC123' }, secrets: { authToken: 't' } });
    assert.equal(created.webhookUrl, `${BASE}/webhooks/${created.id}`);
    assert.deepEqual(created.secretNames, ['authToken']);
    const disabled = await ada.updateChannel(created.id, { enabled: false });
    assert.equal(disabled.enabled, false);
    assert.equal((await ada.getChannel(created.id)).enabled, false);
    const ben = await signIn('ben@northwind.example');
    await assert.rejects(ben.updateChannel(created.id, { enabled: true }), { code: 'forbidden', status: 403 });
  });

  it('searches and merges customers; the merged id keeps resolving', async () => {
    const ada = await signIn();
    const found = await ada.listCustomers({ q: 'garcía' });
    assert.deepEqual(
      found.items.map((c) => c.id),
      ['cu_maria'],
    );
    const chloe = await signIn('chloe@northwind.example');
    const merged = await chloe.mergeCustomer('cu_maria', 'cu_visitor');
    assert.ok(merged.identities.length >= 3);
    assert.equal((await ada.getCustomer('cu_visitor')).id, 'cu_maria');
    const timeline = await ada.timeline('cu_maria', { limit: 5 });
    assert.equal(timeline.items[0]!.type, 'customer.updated', 'newest first');
  });

  it('serves a visitor chat that an agent then sees and answers', async () => {
    const chat = createVisitorClient({ baseUrl: BASE, channelId: 'ch_web', storage: 'memory', realtime: false, name: 'Sam' });
    await chat.start();
    const sent = await chat.send('Is there an outage in Ruzafa?');
    assert.ok('id' in sent);
    assert.equal(sent.authorName, 'Sam');

    const ada = await signIn();
    const [kase] = (await ada.listCases({ q: 'outage in Ruzafa' })).items;
    assert.ok(kase, 'the new chat is a case');
    assert.equal(kase.status, 'new');
    await ada.reply(kase.id, { text: 'Yes, fixed by 6 pm.' });
    await ada.addNote(kase.id, { text: 'Visitors never see this.' });

    const history = await chat.history();
    assert.deepEqual(
      history.items.map((m) => m.text),
      ['Is there an outage in Ruzafa?', 'Yes, fixed by 6 pm.'],
    );
    chat.close();
  });

  it('fakes uploads, attachments, the visitor status and profile like the server', async () => {
    const chat = createVisitorClient({ baseUrl: BASE, channelId: 'ch_web', storage: 'memory', realtime: false, name: 'Pat' });
    assert.deepEqual(await chat.status(), { agentsAvailable: true, queuePosition: null, estimatedWaitSeconds: null }, 'Ada and Ben are online in the demo');
    const file = await chat.uploadAttachment(new Blob(['%PDF-1.7 bill'], { type: 'application/pdf' }), 'bill.pdf');
    assert.match(file.url, /^\/api\/v1\/uploads\/up_[A-Za-z0-9_-]{24}$/);
    const sent = await chat.send('My bill', { attachments: [{ ...file, name: 'other.exe' }] });
    assert.ok('id' in sent);
    assert.deepEqual(sent.attachments, [file], 'stored facts, not the claimed ones');
    // Routing runs as on the server: Ada or Ben, online with room for chats, takes the new case.
    let status = await chat.status();
    for (let i = 0; i < 50 && status.queuePosition !== null; i++) status = await new Promise((r) => setTimeout(r, 20)).then(() => chat.status());
    assert.deepEqual(status, { agentsAvailable: true, queuePosition: null, estimatedWaitSeconds: null });
    const download = await fetch(new URL(file.url, BASE));
    assert.equal(download.headers.get('content-type'), 'application/pdf');
    assert.equal(await download.text(), '%PDF-1.7 bill');

    await assert.rejects(chat.uploadAttachment(new Blob(['<html>'], { type: 'text/html' }), 'a.html'), { code: 'unsupported_media_type' });
    const stranger = createVisitorClient({ baseUrl: BASE, channelId: 'ch_web', storage: 'memory', realtime: false });
    await stranger.start();
    const stolen = await fetch(`${BASE}/api/v1/visitor/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stranger.session!.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'mine now', clientMessageId: 's1', attachments: [file] }),
    });
    assert.equal(stolen.status, 400, "another visitor's file is refused");
    assert.equal((await stolen.json()).error.details.issues[0].path, 'body.attachments.0.url');

    await chat.updateProfile({ email: 'pat@example.com' });
    const ada = await signIn();
    const profile = await ada.getCustomer(chat.session!.customerId);
    assert.deepEqual(profile.emails, [], 'a typed email is no key for matching mail');
    assert.equal(profile.attributes.contactEmail, 'pat@example.com');
    chat.close();
    stranger.close();
  });

  it("serves realtime to the SDK: an agent sees a visitor's chat arrive live, the visitor the agent's answer", async () => {
    const ada = await signIn();
    const arrived = new Promise<string>((resolve) =>
      ada.on('event', (event) => {
        if (event.type === 'message.created' && event.data.message.text === 'Anyone there?') resolve(event.data.message.caseId);
      }),
    );
    ada.connect();
    await new Promise<void>((resolve) => ada.on('connection', (state) => state === 'connected' && resolve()));
    const chat = createVisitorClient({ baseUrl: BASE, channelId: 'ch_web', storage: 'memory', name: 'Lee' });
    await chat.start();
    await chat.send('Anyone there?');
    const caseId = await arrived;
    const answered = new Promise<void>((resolve) => chat.on('message', (m) => m.text === 'Yes, Ada here.' && resolve()));
    await ada.reply(caseId, { text: 'Yes, Ada here.' });
    await answered;
    chat.close();
    ada.disconnect();
  });
});
