// End to end: the reference backend (SQLite in a temp dir, real HTTP and socket.io on loopback)
// driven only through the SDK's clients, the way a chat widget and a workbench would.
import 'fake-indexeddb/auto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, WEBCHAT_CHANNEL_ID } from '@casekit/app';
import type { RunningServer } from '@casekit/app';
import type { Case, CaseEvent, Message } from '@casekit/protocol';
import { createAgentClient } from './agent-client.ts';
import type { AgentClient } from './agent-client.ts';
import { createVisitorClient } from './visitor-client.ts';
import type { VisitorClient } from './visitor-client.ts';
import { startStallingProxy, waitFor } from './test-support/loopback.ts';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('SDK against the reference backend', () => {
  let dir: string;
  let server: RunningServer;
  let adminPassword = '';
  let agent: AgentClient;
  let visitor: VisitorClient;
  const agentEvents: CaseEvent[] = [];
  const agentMessages: Array<{ message: Message; kase: Case | undefined }> = [];
  const visitorMessages: Message[] = [];
  const warnings: string[] = [];

  async function start(port = 0): Promise<RunningServer> {
    return startServer({
      port,
      host: '127.0.0.1',
      dataDir: join(dir, 'data'),
      workspaceId: 'demo',
      examplesDir: null,
      logger: {
        ...quiet,
        warn(message, fields) {
          warnings.push(message);
          // The first start creates an admin with a random password and logs it once.
          if (message.includes('first admin') && typeof fields?.password === 'string') adminPassword = fields.password;
        },
      },
    });
  }

  let typing = true;
  /** Resolves once the agent has the visitor's typing signal: whatever the server sent the agent before it is in. */
  function visitorTypingRelayed(): Promise<unknown> {
    const relayed = new Promise((resolve) => agent.once('typing', resolve));
    // The server drops a repeat of the same signal, so each call flips it.
    typing = !typing;
    visitor.sendTyping(typing);
    return relayed;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'casekit-sdk-e2e-'));
    server = await start();
    assert.ok(adminPassword, 'the first admin password was logged');
  });
  after(async () => {
    visitor?.close();
    agent?.disconnect();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('visitor → agent → visitor, live, each message once, notes never reaching the visitor', async () => {
    agent = createAgentClient({ baseUrl: server.url });
    await agent.login('admin@casekit.local', adminPassword);
    agent.on('event', (e) => agentEvents.push(e));
    agent.on('message', (message, kase) => agentMessages.push({ message, kase }));
    agent.connect();
    await waitFor(() => agent.connection === 'connected', 5000, 'agent connected');

    visitor = createVisitorClient({ baseUrl: server.url, channelId: WEBCHAT_CHANNEL_ID, storage: 'memory', name: 'Sam Visitor' });
    visitor.on('message', (m) => visitorMessages.push(m));
    const session = await visitor.start();
    await waitFor(() => visitor.connection === 'connected', 5000, 'visitor connected');

    const sent = await visitor.send('My fibre has been down since this morning');
    assert.ok('id' in sent, 'acknowledged by the server');
    await waitFor(() => agentMessages.length === 1, 5000, 'agent sees the message');
    const { message, kase } = agentMessages[0]!;
    assert.equal(message.text, 'My fibre has been down since this morning');
    assert.equal(message.customerId, session.customerId);
    assert.ok(kase, 'the agent gets the case with the message');
    assert.equal(kase.status, 'new');

    const typing: Array<{ caseId: string; typing: boolean }> = [];
    agent.on('typing', (t) => typing.push(t));
    visitor.sendTyping(true);
    await waitFor(() => typing.length === 1, 5000, 'typing relayed');
    assert.deepEqual(typing[0], { caseId: kase.id, customerId: session.customerId, typing: true });

    await agent.addNote(kase.id, { text: 'Line test shows no light on the PON.' });
    await agent.reply(kase.id, { text: 'Sorry Sam, a technician is on the way.' });
    await waitFor(() => visitorMessages.length === 2, 5000, 'visitor sees the reply');
    // Relayed on the visitor's socket after the note and the reply: anything else would be in by then.
    const relayed = new Promise((resolve) => visitor.once('typing', resolve));
    agent.sendTyping(kase.id, true);
    await relayed;
    assert.deepEqual(
      visitorMessages.map((m) => m.text),
      ['My fibre has been down since this morning', 'Sorry Sam, a technician is on the way.'],
    );
    assert.deepEqual(
      visitor.messages.map((m) => m.text),
      ['My fibre has been down since this morning', 'Sorry Sam, a technician is on the way.'],
      'the note is not in the visitor view',
    );

    const detail = await agent.getCase(kase.id);
    assert.equal(detail.case.status, 'open', 'the reply opened the case');
    const listed = await agent.listMessages(kase.id);
    assert.deepEqual(
      listed.items.map((m) => m.internal),
      [false, true, false],
    );
  });

  it('an agent that was away gets what it missed, once, in order', async () => {
    const before = agentEvents.length;
    agent.disconnect();
    await visitor.send('Any news?');
    await visitor.send('The light is blinking now');
    agent.connect();
    await waitFor(() => agentMessages.length === 5, 5000, 'missed messages replayed');
    await visitorTypingRelayed();
    const texts = agentMessages.slice(3).map((m) => m.message.text);
    assert.deepEqual(texts, ['Any news?', 'The light is blinking now']);
    const seqs = agentEvents.map((e) => e.seq);
    assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b), 'strictly increasing, no repeats');
    assert.ok(agentEvents.length > before);
    assert.equal(agent.lastSeq, seqs.at(-1));
  });

  it('a new agent client starts from now: no history replayed, live events delivered', async () => {
    const fresh = createAgentClient({ baseUrl: server.url, token: agent.token! });
    const seen: number[] = [];
    fresh.on('event', (e) => seen.push(e.seq));
    fresh.connect();
    await waitFor(() => fresh.connection === 'connected', 5000, 'fresh agent connected');
    const startedAt = fresh.lastSeq;
    assert.ok(startedAt >= agent.lastSeq, 'starts at the newest seq');
    assert.deepEqual(seen, []);
    await visitor.send('Still there?');
    await waitFor(() => seen.length > 0, 5000, 'live event after connect');
    assert.ok(seen.every((seq) => seq > startedAt));
    fresh.disconnect();
  });

  it('an agent whose connection stalls is dropped by the server, then catches up: every event once, in order', async () => {
    const proxy = await startStallingProxy(server.port);
    const from = await server.store.lastSeq('demo');
    const slow = createAgentClient({ baseUrl: proxy.url, token: agent.token!, lastSeq: from });
    const seen: number[] = [];
    const states: string[] = [];
    slow.on('event', (e) => seen.push(e.seq));
    slow.on('connection', (state) => states.push(state));
    try {
      slow.connect();
      await waitFor(() => slow.connection === 'connected', 5000, 'connected through the proxy');
      proxy.stall();
      // Long messages until the server gives up on the stalled socket (past the kernel's buffers and its bound).
      const text = 'The connection drops every evening around eight. '.repeat(180);
      const ingest = () => server.engine.ingest({ workspaceId: 'demo', channelId: WEBCHAT_CHANNEL_ID, from: { externalId: 'anon:stalled', name: 'Stella Stall' }, text });
      for (let sent = 0; !warnings.some((w) => w.includes('stopped reading')); sent++) {
        assert.ok(sent < 3000, 'the server never dropped the stalled socket');
        await ingest();
      }
      proxy.flow();
      await ingest();
      const end = await server.store.lastSeq('demo');
      await waitFor(() => slow.lastSeq >= end && slow.connection === 'connected', 20_000, 'the stalled agent caught up');
      const logged = (await server.store.listEvents('demo', { after: from, limit: 10_000 })).map((e) => e.seq);
      assert.deepEqual(seen.filter((seq) => seq <= end), logged, 'every event once, in order');
      assert.deepEqual(states, ['connecting', 'connected', 'reconnecting', 'connected']);
    } finally {
      slow.disconnect();
      await proxy.close();
    }
  });

  it('a visitor and an agent exchange files: uploaded, attached, seen on both sides, downloadable', async () => {
    const photo = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4])], { type: 'image/png' });
    const progress: number[] = [];
    const attachment = await visitor.uploadAttachment(photo, 'router.png', { onProgress: (sent) => progress.push(sent) });
    assert.deepEqual({ ...attachment, url: '' }, { name: 'router.png', contentType: 'image/png', size: 12, url: '' });
    assert.equal(progress.at(-1), 12, 'progress ends at the full size');
    const sent = await visitor.send('A photo of the lights', { attachments: [attachment] });
    assert.ok('id' in sent);
    assert.deepEqual(sent.attachments, [attachment]);
    await waitFor(() => agentMessages.some((m) => m.message.id === sent.id), 5000, 'agent sees the photo');
    const seen = agentMessages.find((m) => m.message.id === sent.id)!.message;
    const download = await fetch(agent.resolveUrl(seen.attachments[0]!.url));
    assert.equal(download.headers.get('content-type'), 'image/png');
    assert.deepEqual(new Uint8Array(await download.arrayBuffer()), new Uint8Array(await photo.arrayBuffer()));

    const guide = await agent.uploadAttachment(new Blob(['Unplug the router for 30 seconds.\n'], { type: 'text/plain' }), 'steps.txt');
    await agent.reply(sent.caseId, { text: 'These steps should help', attachments: [guide] });
    await waitFor(() => visitorMessages.some((m) => m.attachments[0]?.name === 'steps.txt'), 5000, 'visitor sees the file');
    assert.equal(await (await fetch(visitor.resolveUrl(guide.url))).text(), 'Unplug the router for 30 seconds.\n');

    await assert.rejects(visitor.uploadAttachment(new Blob(['<svg/>'], { type: 'image/svg+xml' }), 'x.svg'), {
      name: 'CasekitApiError',
      code: 'unsupported_media_type',
      status: 415,
    });
    await assert.rejects(visitor.uploadAttachment(new Blob(['x'])), { code: 'validation_failed', status: 0 }, 'a Blob needs a name');
  });

  it("tells a visitor whether anyone is online and their place in the queue; the profile takes the visitor's email", async () => {
    const other = createVisitorClient({ baseUrl: server.url, channelId: WEBCHAT_CHANNEL_ID, storage: 'memory', realtime: false });
    // The agent client's live connection made its agent online; step away for a moment.
    await agent.setPresence('offline');
    assert.deepEqual(await other.status(), { agentsAvailable: false, queuePosition: null, estimatedWaitSeconds: null }, 'anonymous, before any session');
    await agent.setPresence('away');
    await other.updateProfile({ name: 'Quinn Queue', email: 'quinn@example.com' });
    await other.send('Hello, anyone?');
    const status = await other.status();
    assert.equal(status.agentsAvailable, false);
    assert.ok(status.queuePosition !== null && status.queuePosition >= 1, `a place in the queue: ${JSON.stringify(status)}`);
    // Back online with room for chats, the agent is given the waiting case: the visitor waits no more.
    await agent.setPresence('online');
    let later = await other.status();
    for (let i = 0; i < 50 && later.queuePosition !== null; i++) later = await new Promise((r) => setTimeout(r, 20)).then(() => other.status());
    assert.deepEqual(later, { agentsAvailable: true, queuePosition: null, estimatedWaitSeconds: null });
    const customer = await agent.getCustomer(other.session!.customerId);
    assert.equal(customer.name, 'Quinn Queue');
    assert.equal(customer.attributes.contactEmail, 'quinn@example.com');
    await other.setAttributes({ plan: 'Fibre 500' });
    assert.equal((await agent.getCustomer(other.session!.customerId)).attributes['visitor.plan'], 'Fibre 500');
    await agent.setPresence('offline');
    other.close();
  });

  it('a returning visitor who gives an email on a later page load gets it on the same profile', async () => {
    const firstPage = createVisitorClient({ baseUrl: server.url, channelId: WEBCHAT_CHANNEL_ID, storage: 'indexeddb', realtime: false });
    const { customerId } = await firstPage.start();
    firstPage.close();
    const laterPage = createVisitorClient({ baseUrl: server.url, channelId: WEBCHAT_CHANNEL_ID, storage: 'indexeddb', realtime: false });
    await laterPage.updateProfile({ name: 'Rita Return', email: 'rita@example.com' });
    assert.equal(laterPage.session!.customerId, customerId, 'the session was resumed');
    const customer = await agent.getCustomer(customerId);
    assert.equal(customer.name, 'Rita Return');
    assert.equal(customer.attributes.contactEmail, 'rita@example.com');
    await laterPage.reset();
    laterPage.close();
  });

  it('an agent changes their password and carries on live with the new token; signing out and deactivation end the sign-in', async () => {
    const admin = createAgentClient({ baseUrl: server.url });
    await admin.login('admin@casekit.local', adminPassword);
    const created = await admin.createAgent({ email: 'kim@casekit.local', name: 'Kim', password: 'first password 1' });
    const kim = createAgentClient({ baseUrl: server.url });
    await kim.login('kim@casekit.local', 'first password 1');
    const before = kim.token!;
    const seen: CaseEvent[] = [];
    const errors: string[] = [];
    kim.on('event', (e) => seen.push(e));
    kim.on('error', (e) => errors.push(e.code));
    kim.connect();
    await waitFor(() => kim.connection === 'connected', 5000, 'kim connected');

    const changed = await kim.changePassword('first password 1', 'second password 2');
    assert.notEqual(kim.token, before);
    assert.equal(changed.token, kim.token);
    await assert.rejects(createAgentClient({ baseUrl: server.url, token: before }).me(), { code: 'unauthorized' });
    await waitFor(() => kim.connection === 'connected', 5000, 'reconnected with the new token');
    await admin.updateAgent(created.id, { teams: ['billing'] });
    await waitFor(() => seen.some((e) => e.type === 'agent.updated' && e.data.agent.teams.includes('billing')), 5000, 'live after the change');

    const other = createAgentClient({ baseUrl: server.url });
    await other.login('kim@casekit.local', 'second password 2');
    const otherToken = other.token!;
    await other.signOut();
    assert.equal(other.token, null);
    await assert.rejects(createAgentClient({ baseUrl: server.url, token: otherToken }).me(), { code: 'unauthorized' });
    assert.equal((await kim.me()).id, created.id, 'signing out one device leaves the others signed in');

    await admin.deactivateAgent(created.id);
    await waitFor(() => errors.includes('agent_deactivated'), 5000, 'the live client is told why it was ended');
    assert.equal(kim.connection, 'offline');
    await assert.rejects(kim.me(), { code: 'agent_deactivated' });
    kim.disconnect();
    admin.disconnect();
  });

  it('a message sent while the server restarts waits in the outbox and arrives exactly once', async () => {
    const port = server.port;
    await server.close();
    await waitFor(() => visitor.connection !== 'connected', 5000, 'visitor notices');
    const pending = await visitor.send('Are you still there?');
    assert.ok(!('id' in pending), 'not acknowledged while the server is down');
    assert.equal(pending.status, 'pending');

    server = await start(port);
    await waitFor(() => visitor.messages.every((m) => 'id' in m), 20_000, 'outbox flushed after reconnect');
    await waitFor(() => agentMessages.some((m) => m.message.text === 'Are you still there?'), 20_000, 'agent sees it');
    await visitor.flush(); // a send still under way finishes first
    await visitorTypingRelayed();
    assert.equal(visitor.messages.filter((m) => m.text === 'Are you still there?').length, 1);
    assert.equal(agentMessages.filter((m) => m.message.text === 'Are you still there?').length, 1);
    assert.deepEqual(await visitor.pending(), []);
    const [kase] = (await agent.listCases({ customerId: visitor.session!.customerId })).items;
    const stored = await agent.listMessages(kase!.id);
    assert.equal(stored.items.filter((m) => m.text === 'Are you still there?').length, 1, 'stored once');
  });
});
