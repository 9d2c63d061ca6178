import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CaseEvent } from '@casekit/protocol';
import type { Socket } from 'socket.io-client';
import { collectEvents, connectSocket, logReadMarker, replayAll, resume, startTestServer, WORKSPACE, type TestServer } from '../internal/testing.ts';
import { createSocketPublisher } from './publisher.ts';
import { createCasekitServer } from '../compose.ts';

let t: TestServer;
const sockets: Socket[] = [];

before(async () => {
  t = await startTestServer();
});
after(async () => {
  for (const socket of sockets) socket.close();
  await t.close();
});

async function open(namespace: '/agent' | '/visitor', token: string): Promise<Socket> {
  const socket = await connectSocket(t.url, namespace, token);
  sockets.push(socket);
  return socket;
}

function message(token: string, text: string, clientMessageId: string) {
  return t.request('POST', '/api/v1/visitor/messages', { token, body: { text, clientMessageId } });
}

describe('live chat between a visitor and an agent', () => {
  it('delivers the visitor message to the agent and the reply to the visitor, in timeline order', async () => {
    const agentSocket = await open('/agent', t.tokens.agent);
    const agentFeed = collectEvents(agentSocket);
    const visitor = await t.visitorSession({ name: 'Olivia Bennett' });
    const visitorSocket = await open('/visitor', visitor.token);
    const visitorFeed = collectEvents(visitorSocket);

    const sent = await t.request('POST', '/api/v1/visitor/messages', {
      token: visitor.token,
      body: { text: 'Hi, my router shows a red light', clientMessageId: 'v-1' },
    });
    assert.equal(sent.status, 201, sent.text);
    const seen = await agentFeed.waitFor((e) => e.type === 'message.created' && e.data.message.id === sent.body.id);
    assert.equal(seen.type === 'message.created' && seen.data.case?.id, sent.body.caseId, 'agents get the case with the message');

    const note = await t.request('POST', `/api/v1/cases/${sent.body.caseId}/notes`, { token: t.tokens.agent, body: { text: 'Check OLT-7' } });
    assert.equal(note.status, 201);
    const reply = await t.request('POST', `/api/v1/cases/${sent.body.caseId}/messages`, {
      token: t.tokens.agent,
      body: { text: 'Sorry about that, resetting your line now.' },
    });
    assert.equal(reply.status, 201, reply.text);
    const pushed = await visitorFeed.waitFor((e) => e.type === 'message.created' && e.data.message.id === reply.body.id);
    assert.equal(pushed.type === 'message.created' && pushed.data.message.text, 'Sorry about that, resetting your line now.');
    await agentFeed.waitFor((e) => e.type === 'message.created' && e.data.message.id === note.body.id);

    // The visitor saw their own message and the reply, never the note or case metadata.
    const visitorMessages = visitorFeed.events.flatMap((e) => (e.type === 'message.created' ? [e] : []));
    assert.deepEqual(
      visitorMessages.map((e) => e.data.message.text),
      ['Hi, my router shows a red light', 'Sorry about that, resetting your line now.'],
    );
    for (const e of visitorFeed.events) {
      assert.ok(e.type === 'message.created' || e.type === 'message.status', `visitor got only message events, not ${e.type}`);
      if (e.type === 'message.created') assert.equal(e.data.case, undefined);
    }

    const timeline = await t.request('GET', `/api/v1/customers/${visitor.customerId}/timeline?limit=200`, { token: t.tokens.agent });
    assert.equal(timeline.status, 200);
    const messageIds = timeline.body.items
      .filter((e: CaseEvent) => e.type === 'message.created')
      .map((e: CaseEvent) => (e.type === 'message.created' ? e.data.message.id : ''))
      .reverse(); // the timeline is newest first
    assert.deepEqual(messageIds, [sent.body.id, note.body.id, reply.body.id]);
    const seqs = timeline.body.items.map((e: CaseEvent) => e.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a));
  });

  it('keeps other customers out of a visitor socket', async () => {
    const mine = await t.visitorSession();
    const theirs = await t.visitorSession();
    const socket = await open('/visitor', mine.token);
    const feed = collectEvents(socket);
    const other = await t.request('POST', '/api/v1/visitor/messages', { token: theirs.token, body: { text: 'private', clientMessageId: 'p-1' } });
    assert.equal(other.status, 201);
    const own = await t.request('POST', '/api/v1/visitor/messages', { token: mine.token, body: { text: 'mine', clientMessageId: 'm-1' } });
    await feed.waitFor((e) => e.type === 'message.created' && e.data.message.id === own.body.id);
    assert.ok(feed.events.every((e) => e.customerId === mine.customerId));

    const replay = await resume(socket, 0);
    assert.equal(replay.ok, true);
    assert.ok(replay.value!.events.length >= 1);
    assert.ok(replay.value!.events.every((e) => e.customerId === mine.customerId && (e.type === 'message.created' || e.type === 'message.status')));
  });
});

describe('live events', () => {
  it('delivers events committed together in seq order, each once, several to a push', async () => {
    const socket = await open('/agent', t.tokens.supervisor);
    const feed = collectEvents(socket);
    let pushes = 0;
    socket.on('events', () => void pushes++);
    const visitors = await Promise.all(Array.from({ length: 8 }, () => t.visitorSession()));
    const mark = await t.lastSeq();

    const sent = await Promise.all(Array.from({ length: 40 }, (_, i) => message(visitors[i % 8]!.token, `burst ${i}`, `burst-${i}`)));
    assert.ok(sent.every((res) => res.status === 201));
    const end = await t.lastSeq();
    await feed.waitFor((e) => e.seq === end);

    const logged = (await t.store.listEvents(WORKSPACE, { after: mark, limit: 1000 })).map((e) => e.seq);
    const received = feed.events.map((e) => e.seq).filter((seq) => seq > mark);
    assert.deepEqual(received, logged, 'every event once, in seq order');
    assert.ok(logged.length >= 48, `each first message opens a case, so there are more events (${logged.length}) than messages`);
    assert.ok(pushes < logged.length, `${logged.length} events came in ${pushes} pushes`);
  });

  it('sends a read marker only to the agent who read, and visitors only their own public messages', async () => {
    const reader = await open('/agent', t.tokens.agent);
    const readerFeed = collectEvents(reader);
    const other = await open('/agent', t.tokens.other);
    const otherFeed = collectEvents(other);
    const mine = await t.visitorSession({ name: 'Mira' });
    const theirs = await t.visitorSession({ name: 'Theo' });
    const first = await message(mine.token, 'Is the outage over?', 'vis-1');
    assert.equal(first.status, 201);
    const visitorSocket = await open('/visitor', mine.token);
    const visitorFeed = collectEvents(visitorSocket);
    const mark = await t.lastSeq();

    // A read marker, logged and published the way the engine does with every event.
    const marker = await logReadMarker(t.store, t.agents.agent.id, first.body.caseId, mine.customerId);
    createSocketPublisher(t.server.io).publish([marker]);
    const note = await t.request('POST', `/api/v1/cases/${first.body.caseId}/notes`, { token: t.tokens.agent, body: { text: 'Known outage, OLT-3' } });
    assert.equal(note.status, 201);
    assert.equal((await message(theirs.token, 'Someone else', 'vis-2')).status, 201);
    const reply = await t.request('POST', `/api/v1/cases/${first.body.caseId}/messages`, { token: t.tokens.agent, body: { text: 'Yes, since 10:05.' } });
    assert.equal(reply.status, 201);

    // Pushes keep seq order: once the reply is in, anything sent before it would have come.
    const isReply = (e: CaseEvent) => e.type === 'message.created' && e.data.message.id === reply.body.id;
    await Promise.all([readerFeed.waitFor(isReply), otherFeed.waitFor(isReply), visitorFeed.waitFor(isReply)]);
    assert.ok(readerFeed.events.some((e) => e.type === 'case.read' && e.caseId === first.body.caseId), 'the reader gets their marker');
    assert.ok(!otherFeed.events.some((e) => e.type === 'case.read'), 'another agent does not');
    assert.ok(otherFeed.events.some((e) => e.type === 'message.created' && e.data.message.id === note.body.id), 'agents get notes');

    const visitorSaw = visitorFeed.events.filter((e) => e.seq > mark);
    assert.deepEqual(
      visitorSaw.map((e) => e.type === 'message.created' && e.data.message.text),
      ['Yes, since 10:05.'],
      'the visitor gets the reply: not the note, not another customer, not the read marker',
    );
    for (const e of visitorFeed.events) {
      assert.equal(e.customerId, mine.customerId);
      if (e.type === 'message.created') assert.equal(e.data.case, undefined, 'no case metadata');
    }

    // Replays hold to the same rules.
    const readerReplay = await replayAll(reader, mark);
    const otherReplay = await replayAll(other, mark);
    const visitorReplay = await replayAll(visitorSocket, mark);
    assert.ok(readerReplay.some((e) => e.type === 'case.read'));
    assert.ok(!otherReplay.some((e) => e.type === 'case.read'));
    assert.deepEqual(
      otherReplay.map((e) => e.seq),
      readerReplay.filter((e) => e.type !== 'case.read').map((e) => e.seq),
    );
    assert.deepEqual(visitorReplay, visitorSaw);
  });
});

describe('resume', () => {
  it('replays everything an agent missed after a seq, in order', async () => {
    const socket = await open('/agent', t.tokens.supervisor);
    const start = await resume(socket, 0);
    assert.equal(start.ok, true);
    const mark = start.value!.lastSeq;
    socket.close();
    const visitor = await t.visitorSession();
    for (let i = 0; i < 3; i++) {
      const res = await t.request('POST', '/api/v1/visitor/messages', { token: visitor.token, body: { text: `missed ${i}`, clientMessageId: `r-${i}` } });
      assert.equal(res.status, 201);
    }
    const again = await open('/agent', t.tokens.supervisor);
    const replay = await resume(again, mark);
    assert.equal(replay.ok, true);
    const texts = replay.value!.events.flatMap((e) => (e.type === 'message.created' ? [e.data.message.text] : []));
    assert.deepEqual(texts, ['missed 0', 'missed 1', 'missed 2']);
    assert.ok(replay.value!.events.every((e) => e.seq > mark));
    assert.ok(replay.value!.events.some((e) => e.type === 'customer.created'), 'agents also get non-message events');
    assert.equal(replay.value!.hasMore, false);
    assert.equal(replay.value!.lastSeq, await t.lastSeq());
  });

  it('pages a long replay with hasMore, for agents and visitors alike', async () => {
    const small = await startTestServer({ resumePageSize: 4 });
    try {
      const visitor = await small.visitorSession();
      for (let i = 0; i < 9; i++) {
        const res = await small.request('POST', '/api/v1/visitor/messages', { token: visitor.token, body: { text: `m${i}`, clientMessageId: `pg-${i}` } });
        assert.equal(res.status, 201);
      }
      for (const [namespace, token] of [['/agent', small.tokens.agent], ['/visitor', visitor.token]] as const) {
        const socket = await connectSocket(small.url, namespace, token);
        sockets.push(socket);
        const texts: string[] = [];
        let afterSeq = 0;
        let pages = 0;
        for (;;) {
          const page = await resume(socket, afterSeq);
          assert.equal(page.ok, true);
          pages++;
          assert.ok(page.value!.events.length <= 4);
          texts.push(...page.value!.events.flatMap((e) => (e.type === 'message.created' ? [e.data.message.text] : [])));
          if (!page.value!.hasMore) break;
          afterSeq = page.value!.lastSeq;
        }
        assert.deepEqual(texts, ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8'], namespace);
        assert.ok(pages >= 3, `${namespace} needed several pages`);
      }
    } finally {
      await small.close();
    }
  });

  it('answers a bad seq with a clear error instead of failing', async () => {
    const socket = await open('/agent', t.tokens.agent);
    for (const bad of [-2, 'abc', 1.5, null]) {
      const res = await resume(socket, bad);
      assert.equal(res.ok, false);
      assert.equal(res.error?.code, 'validation_failed');
    }
  });

  it('answers resume(-1) with no events and the newest seq, to start from now', async () => {
    const socket = await open('/agent', t.tokens.agent);
    const res = await resume(socket, -1);
    assert.equal(res.ok, true);
    assert.deepEqual(res.value?.events, []);
    assert.equal(res.value?.lastSeq, await t.lastSeq());
    assert.ok((res.value?.lastSeq ?? 0) > 0);
  });
});

describe('handshake and typing', () => {
  it('refuses a socket without a valid token, with a clear connect_error', async () => {
    await assert.rejects(connectSocket(t.url, '/agent', ''), /Sign in first/);
    await assert.rejects(connectSocket(t.url, '/agent', 'not-a-token'), /not valid/);
    const visitor = await t.visitorSession();
    await assert.rejects(connectSocket(t.url, '/agent', visitor.token), /not an agent token/);
    await assert.rejects(connectSocket(t.url, '/visitor', t.tokens.agent), /not a visitor token/);
  });

  it('relays typing both ways without logging it', async () => {
    const visitor = await t.visitorSession({ name: 'Typist' });
    const sent = await t.request('POST', '/api/v1/visitor/messages', { token: visitor.token, body: { text: 'hello', clientMessageId: 'ty-1' } });
    const agentSocket = await open('/agent', t.tokens.agent);
    const visitorSocket = await open('/visitor', visitor.token);
    const seq = await t.lastSeq();

    const agentSees = new Promise((resolve) => agentSocket.on('typing', resolve));
    visitorSocket.emit('typing', { typing: true });
    assert.deepEqual(await agentSees, { caseId: sent.body.caseId, typing: true, by: 'customer', customerId: visitor.customerId });

    const visitorSees = new Promise((resolve) => visitorSocket.on('typing', resolve));
    agentSocket.emit('typing', { caseId: sent.body.caseId, typing: true });
    assert.deepEqual(await visitorSees, { typing: true, by: 'agent', name: 'Agent' });
    assert.equal(await t.lastSeq(), seq, 'typing is not an event');
  });
});

describe('presence from connections', () => {
  it('puts an agent online while any of their sockets is connected, away a grace period after the last one, then offline', async () => {
    const p = await startTestServer({ presenceFromConnections: { awayAfterMs: 150, offlineAfterMs: 600 } });
    const opened: Socket[] = [];
    try {
      const presence = async () => (await p.store.getAgent(WORKSPACE, p.agents.agent.id))!.presence;
      const until = async (want: string) => {
        for (let i = 0; i < 100 && (await presence()) !== want; i++) await new Promise((r) => setTimeout(r, 20));
        assert.equal(await presence(), want);
      };
      assert.equal(await presence(), 'offline');
      const first = await connectSocket(p.url, '/agent', p.tokens.agent);
      const second = await connectSocket(p.url, '/agent', p.tokens.agent);
      opened.push(first, second);
      await until('online');
      // One tab closes: the other keeps the agent online past the grace period.
      first.close();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await presence(), 'online');
      // A reload within the grace period does not flicker to offline, not even for a moment.
      const mark = await p.lastSeq();
      second.close();
      const reloaded = await connectSocket(p.url, '/agent', p.tokens.agent);
      opened.push(reloaded);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await presence(), 'online');
      const changes = (await p.store.listEvents(WORKSPACE, { after: mark, limit: 100 })).filter((e) => e.type === 'agent.presence');
      assert.deepEqual(changes, [], 'no presence was written');
      reloaded.close();
      await until('away');
      await until('offline');
      const steps = (await p.store.listEvents(WORKSPACE, { after: mark, limit: 100 })).filter((e) => e.type === 'agent.presence');
      assert.deepEqual(steps.map((e) => e.type === 'agent.presence' && e.data.presence), ['away', 'offline']);
      // An away the agent chose stays away while connected.
      await p.request('PUT', '/api/v1/me/presence', { token: p.tokens.other, body: { presence: 'away' } });
      const away = await connectSocket(p.url, '/agent', p.tokens.other);
      opened.push(away);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal((await p.store.getAgent(WORKSPACE, p.agents.other.id))!.presence, 'away');
      assert.deepEqual(p.errors, []);
    } finally {
      for (const socket of opened) socket.close();
      await p.close();
    }
  });

  it('steps away and then offline an agent shown online with no socket on any node (its node was killed), and leaves a connected one online', async () => {
    const p = await startTestServer({ presenceFromConnections: { awayAfterMs: 100, offlineAfterMs: 250, sweepMs: 150 } });
    const opened: Socket[] = [];
    try {
      const presence = async (id: string) => (await p.store.getAgent(WORKSPACE, id))!.presence;
      const connected = await connectSocket(p.url, '/agent', p.tokens.agent);
      opened.push(connected);
      // Online in the store with nothing connected: what a node killed mid-shift leaves behind.
      await p.engine.setPresence({ workspaceId: WORKSPACE, system: 'presence' }, p.agents.other.id, 'online');
      assert.equal(await presence(p.agents.other.id), 'online');
      for (let i = 0; i < 100 && (await presence(p.agents.other.id)) !== 'offline'; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await presence(p.agents.other.id), 'offline');
      assert.equal(await presence(p.agents.agent.id), 'online', 'a connected agent stays online through the sweeps');
      assert.deepEqual(p.errors, []);
    } finally {
      for (const socket of opened) socket.close();
      await p.close();
    }
  });

  it('after a restart, steps away and then offline the agents shown present who do not connect again', async () => {
    const p = await startTestServer();
    try {
      await p.request('PUT', '/api/v1/me/presence', { token: p.tokens.agent, body: { presence: 'online' } });
      await p.request('PUT', '/api/v1/me/presence', { token: p.tokens.other, body: { presence: 'away' } });
      // A new server on the same store: nobody is connected to it, and nobody disconnects from it.
      const restarted = createCasekitServer({ store: p.store, auth: p.auth, workspaceId: WORKSPACE, presenceFromConnections: { awayAfterMs: 100, offlineAfterMs: 250 }, outbox: false });
      try {
        const presence = async (id: string) => (await p.store.getAgent(WORKSPACE, id))!.presence;
        const until = async (id: string, want: string) => {
          for (let i = 0; i < 100 && (await presence(id)) !== want; i++) await new Promise((r) => setTimeout(r, 10));
          assert.equal(await presence(id), want);
        };
        await until(p.agents.agent.id, 'away');
        assert.equal(await presence(p.agents.other.id), 'away');
        await until(p.agents.agent.id, 'offline');
        await until(p.agents.other.id, 'offline');
        assert.equal(await presence(p.agents.admin.id), 'offline', 'an offline agent is left as it is');
      } finally {
        await restarted.close();
      }
    } finally {
      await p.close();
    }
  });

  it('keeps an agent offline who chose it while connected, until their connections have been gone a while', async () => {
    const p = await startTestServer({ presenceFromConnections: { awayAfterMs: 100, offlineAfterMs: 150 } });
    const opened: Socket[] = [];
    const presence = async () => (await p.store.getAgent(WORKSPACE, p.agents.agent.id))!.presence;
    const until = async (want: string) => {
      for (let i = 0; i < 100 && (await presence()) !== want; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await presence(), want);
    };
    try {
      const first = await connectSocket(p.url, '/agent', p.tokens.agent);
      opened.push(first);
      await until('online');
      const chosen = await p.request('PUT', '/api/v1/me/presence', { token: p.tokens.agent, body: { presence: 'offline' } });
      assert.equal(chosen.body.presence, 'offline');
      // A reload or a network blip reconnects: the choice holds.
      first.close();
      opened.push(await connectSocket(p.url, '/agent', p.tokens.agent));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await presence(), 'offline');
      // Gone past the grace period, the choice ends with the session: the next connection is online.
      for (const socket of opened) socket.close();
      await new Promise((r) => setTimeout(r, 400));
      opened.push(await connectSocket(p.url, '/agent', p.tokens.agent));
      await until('online');
      assert.deepEqual(p.errors, []);
    } finally {
      for (const socket of opened) socket.close();
      await p.close();
    }
  });
});
