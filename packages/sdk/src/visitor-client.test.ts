import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openDB } from 'idb';
import type { Message } from '@casekit/protocol';
import { createVisitorClient } from './visitor-client.ts';
import type { ChatItem, PendingMessage, VisitorClient, VisitorClientOptions } from './visitor-client.ts';
import type { CasekitApiError } from './errors.ts';
import { IDB_NAME } from './internal/visitor-store.ts';
import { startVisitorBackend } from './test-support/visitor-backend.ts';
import type { VisitorBackend } from './test-support/visitor-backend.ts';
import { drained, waitFor } from './test-support/loopback.ts';

function texts(items: ReadonlyArray<ChatItem>): string[] {
  return items.map((m) => ('id' in m ? m.text : `${m.text} (${m.status})`));
}

/** Narrows a send() result that must still be waiting. */
function pendingOf(result: Message | PendingMessage): PendingMessage {
  assert.ok(!('id' in result), `expected a pending message, got the stored message ${'id' in result ? result.id : ''}`);
  return result;
}

/** The newest event seq the stored session remembers, read straight from the database. */
async function storedLastSeq(): Promise<number | undefined> {
  const db = await openDB(IDB_NAME);
  try {
    const [session] = (await db.getAll('sessions')) as Array<{ lastSeq: number }>;
    return session?.lastSeq;
  } finally {
    db.close();
  }
}

/** The outbox rows IndexedDB holds right now, read straight from the database. */
async function outboxRows(): Promise<Array<{ clientMessageId: string; text: string }>> {
  const db = await openDB(IDB_NAME);
  try {
    return (await db.getAll('outbox')) as Array<{ clientMessageId: string; text: string }>;
  } finally {
    db.close();
  }
}

describe('visitor client', () => {
  let backend: VisitorBackend;
  const clients: VisitorClient[] = [];

  beforeEach(async () => {
    backend = await startVisitorBackend();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.reset().catch(() => c.close());
    for (const c of clients) c.close();
    await backend.close();
  });

  function open(options: Partial<VisitorClientOptions> = {}) {
    const client = createVisitorClient({ baseUrl: backend.url, channelId: backend.channelId, ...options });
    const seen = { messages: [] as Message[], pending: [] as PendingMessage[], errors: [] as CasekitApiError[] };
    client.on('message', (m) => seen.messages.push(m));
    client.on('pending', (p) => seen.pending.push(p));
    client.on('error', (e) => seen.errors.push(e));
    clients.push(client);
    return { client, seen };
  }

  it('starts a session, loads history, and shows an agent reply pushed live once', async () => {
    const { client, seen } = open();
    const session = await client.start();
    assert.equal(session.channelId, 'ch_web');
    backend.agentReply(session.customerId, 'Hi, how can we help?');
    await waitFor(() => seen.messages.length === 1, 5000, 'agent reply');
    assert.equal(seen.messages[0]!.authorName, 'Ada');
    assert.deepEqual(texts(client.messages), ['Hi, how can we help?']);
    await waitFor(() => client.connection === 'connected', 5000, 'connected');
    assert.equal(client.lastSeq, 1);
  });

  it('sends a message once and shows it once, though both the answer and the realtime push carry it', async () => {
    const { client, seen } = open();
    await client.start();
    await waitFor(() => client.connection === 'connected', 5000, 'connected');
    const result = await client.send('My router is blinking red');
    assert.ok('id' in result, 'the server acknowledged it');
    assert.equal(result.text, 'My router is blinking red');
    await waitFor(() => client.lastSeq === backend.events.length, 5000, 'the realtime push of the same message');
    assert.deepEqual(texts(client.messages), ['My router is blinking red']);
    assert.equal(seen.messages.length, 1);
    assert.equal(seen.pending.length, 1, 'it was queued locally first');
    assert.equal(backend.sendAttempts.length, 1);
    assert.deepEqual(await client.pending(), []);
    assert.deepEqual(await outboxRows(), []);
  });

  it('keeps a message in IndexedDB while the server is down and sends it exactly once when it is back', async () => {
    const { client, seen } = open();
    const session = await client.start();
    await waitFor(() => client.connection === 'connected', 5000, 'connected');

    await backend.server.kill();
    const result = await client.send('Are you there?');
    assert.ok(!('id' in result), 'no acknowledgement while the server is down');
    assert.equal(result.status, 'pending');
    assert.deepEqual(texts(client.messages), ['Are you there? (pending)']);
    const rows = await outboxRows();
    assert.deepEqual(
      rows.map((r) => [r.clientMessageId, r.text]),
      [[result.clientMessageId, 'Are you there?']],
    );
    assert.ok(seen.errors.some((e) => e.code === 'unavailable' && e.status === 0));
    assert.equal(backend.sendAttempts.length, 0);

    await backend.server.revive();
    await waitFor(() => client.messages.every((m) => 'id' in m) && client.messages.length === 1, 15_000, 'resent');
    assert.deepEqual(texts(client.messages), ['Are you there?']);
    assert.deepEqual(backend.sendAttempts, [result.clientMessageId]);
    assert.equal(backend.messages.filter((m) => m.customerId === session.customerId).length, 1);
    assert.equal(seen.messages.length, 1);
    assert.deepEqual(await outboxRows(), []);
  });

  it('a reloaded page finds the unsent messages and the session, and sends them in order', async () => {
    const first = open({ realtime: false });
    const session = await first.client.start();
    await backend.server.kill();
    const a = await first.client.send('first');
    const b = await first.client.send('second');
    assert.equal(a.status, 'pending');
    assert.equal(b.status, 'pending');
    first.client.close(); // the tab is closed
    clients.splice(clients.indexOf(first.client), 1);

    await backend.server.revive();
    const second = open();
    const resumed = await second.client.start();
    assert.equal(resumed.customerId, session.customerId, 'same customer through the stored resume token');
    assert.equal(backend.sessionsStarted.at(-1)?.resumeToken, session.token);
    await waitFor(() => backend.messages.length === 2, 10_000, 'both sent');
    await waitFor(() => second.client.messages.every((m) => 'id' in m), 5000, 'view settled');
    assert.deepEqual(
      backend.messages.map((m) => m.text),
      ['first', 'second'],
    );
    assert.deepEqual(backend.sendAttempts, [a.clientMessageId, b.clientMessageId]);
    assert.deepEqual(texts(second.client.messages), ['first', 'second']);
    assert.deepEqual(await outboxRows(), []);
  });

  it('when the answer is lost after the server stored the message, the resend is recognised and shown once', async () => {
    const { client, seen } = open({ realtime: false });
    await client.start();
    backend.sendModes.push('store-then-drop');
    const result = await client.send('Did this arrive?');
    assert.equal(result.status, 'pending');
    assert.equal(backend.messages.length, 1, 'the server has it already');

    await client.flush();
    assert.deepEqual(backend.sendAttempts, [result.clientMessageId, result.clientMessageId]);
    assert.equal(backend.messages.length, 1, 'deduplicated on clientMessageId');
    assert.deepEqual(texts(client.messages), ['Did this arrive?']);
    assert.equal(seen.messages.length, 1);
    assert.deepEqual(await client.pending(), []);
  });

  it('a message the server refuses is marked failed, not resent, and can be retried or discarded', async () => {
    const { client } = open({ realtime: false });
    await client.start();
    backend.sendModes.push({ status: 413, code: 'payload_too_large', message: 'The message is too large.' });
    const failed = pendingOf(await client.send('x'.repeat(50)));
    assert.equal(failed.status, 'failed');
    await client.flush();
    assert.equal(backend.sendAttempts.length, 1, 'a refused message is not sent again by itself');
    assert.deepEqual(
      (await client.pending()).map((p) => p.status),
      ['failed'],
    );

    const retried = await client.retry(failed.clientMessageId);
    assert.ok('id' in retried);
    assert.equal(backend.sendAttempts.length, 2);

    backend.sendModes.push({ status: 400, code: 'validation_failed', message: 'Bad.' });
    const again = pendingOf(await client.send('another'));
    await client.discard(again.clientMessageId);
    assert.deepEqual(texts(client.messages), ['x'.repeat(50)]);
    assert.deepEqual(await client.pending(), []);
  });

  it('a reloaded page resumes realtime after the last seq it saw, not from the start', async () => {
    const first = open();
    const session = await first.client.start();
    backend.agentReply(session.customerId, 'one');
    backend.agentReply(session.customerId, 'two');
    await waitFor(() => first.client.lastSeq === 2, 5000, 'two events');
    await waitFor(async () => (await storedLastSeq()) === 2, 5000, 'the seq written to IndexedDB');
    first.client.close();
    clients.splice(clients.indexOf(first.client), 1);

    backend.agentReply(session.customerId, 'three');
    const second = open();
    await second.client.start();
    await waitFor(() => second.client.connection === 'connected', 5000, 'connected');
    assert.equal(backend.server.resumes.at(-1)?.after, 2);
    assert.deepEqual(texts(second.client.messages), ['one', 'two', 'three'], 'history covers the time away');
    backend.agentReply(session.customerId, 'four');
    await waitFor(() => second.seen.messages.length === 1, 5000, 'live reply');
    await drained(backend.server.sockets('/visitor'), second.client);
    assert.deepEqual(
      second.seen.messages.map((m) => m.text),
      ['four'],
      'history is not announced again; the live reply once',
    );
    assert.equal(second.client.lastSeq, 4);
  });

  it('reset() forgets the session and the outbox; a different signed-in user never inherits a session', async () => {
    const first = open({ identity: { userId: 'u1', userHash: 'a'.repeat(64) }, realtime: false });
    const s1 = await first.client.start();
    await backend.server.kill();
    await first.client.send('unsent by u1');
    await backend.server.revive();
    first.client.close();
    clients.splice(clients.indexOf(first.client), 1);

    const other = open({ identity: { userId: 'u2', userHash: 'b'.repeat(64) }, realtime: false });
    const s2 = await other.client.start();
    assert.notEqual(s2.customerId, s1.customerId);
    assert.equal(backend.sessionsStarted.at(-1)?.resumeToken, undefined, "u1's token is not offered for u2");
    assert.deepEqual(await other.client.pending(), [], "u1's unsent message is dropped");
    assert.deepEqual(backend.sendAttempts, []);

    await other.client.reset();
    assert.deepEqual(other.client.messages, []);
    assert.equal(other.client.session, null);
    const fresh = await other.client.start();
    assert.notEqual(fresh.customerId, s2.customerId, 'after reset the visitor is anonymous and new');
  });

  it('the memory store gives the same outbox behaviour without IndexedDB', async () => {
    const { client } = open({ storage: 'memory', realtime: false });
    await client.start();
    await backend.server.kill();
    const pending = await client.send('offline hello');
    assert.equal(pending.status, 'pending');
    assert.deepEqual(await outboxRows(), [], 'nothing written to IndexedDB');
    await backend.server.revive();
    await client.flush();
    assert.deepEqual(backend.sendAttempts, [pending.clientMessageId]);
    assert.deepEqual(texts(client.messages), ['offline hello']);
  });

  it('when the server is down at page load, a message typed meanwhile goes out by itself once it is back', async () => {
    await backend.server.kill();
    const { client } = open();
    await assert.rejects(client.start(), { code: 'unavailable', status: 0 });
    const pending = pendingOf(await client.send('Hello? Anyone?'));
    assert.equal(pending.status, 'pending');
    await backend.server.revive();
    await waitFor(() => backend.messages.length === 1, 15_000, 'sent after the server came back');
    await waitFor(() => client.messages.length === 1 && 'id' in client.messages[0]!, 5000, 'acknowledged');
    assert.deepEqual(backend.sendAttempts, [pending.clientMessageId]);
    await waitFor(() => client.connection === 'connected', 5000, 'realtime connected');
  });

  it('identify() keeps the anonymous chat and continues it as the signed-in user', async () => {
    const { client } = open();
    const anonymous = await client.start();
    assert.equal(anonymous.identified, false);
    await client.send('Question before signing in');
    await client.identify({ userId: 'u42', userHash: 'c'.repeat(64), name: 'Kim' });
    const session = client.session!;
    assert.equal(session.identified, true);
    assert.equal(session.customerId, anonymous.customerId, 'the server linked the anonymous visitor');
    assert.deepEqual(backend.sessionsStarted.at(-1), { resumeToken: anonymous.token, userId: 'u42' });
    await waitFor(() => client.connection === 'connected', 5000, 'reconnected with the new token');
    assert.equal(backend.server.tokens.at(-1)?.token, session.token);
    backend.agentReply(session.customerId, 'Hi Kim');
    await waitFor(() => client.messages.length === 2, 5000, 'reply');
    assert.deepEqual(texts(client.messages), ['Question before signing in', 'Hi Kim']);
  });

  it('renews an expired session (same customer) when the realtime handshake is refused', async () => {
    const { client, seen } = open();
    const first = await client.start();
    await waitFor(() => client.connection === 'connected', 5000, 'connected');
    backend.expire(first.token);
    const socket = backend.server.sockets('/visitor')[0]!;
    socket.conn.close();
    await waitFor(() => client.session !== null && client.session.token !== first.token, 10_000, 'a new token');
    await waitFor(() => client.connection === 'connected', 10_000, 'connected again');
    assert.equal(client.session!.customerId, first.customerId);
    assert.equal(backend.sessionsStarted.at(-1)?.resumeToken, first.token);
    assert.ok(seen.errors.some((e) => e.code === 'unauthorized'));
    const sent = await client.send('Still me');
    assert.ok('id' in sent);
  });

  it('refuses an empty message with a validation error naming the field', async () => {
    const { client } = open({ realtime: false });
    await assert.rejects(client.send('   '), { code: 'validation_failed', message: 'send(text): text must not be empty.' });
  });
});
