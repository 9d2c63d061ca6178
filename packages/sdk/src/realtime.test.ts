import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CaseEvent, Message } from '@casekit/protocol';
import { createAgentClient } from './agent-client.ts';
import type { AgentClient } from './agent-client.ts';
import type { CasekitApiError } from './errors.ts';
import type { ConnectionState } from './connection-state.ts';
import {
  drained,
  logResume,
  makeCase,
  messageEvent,
  presenceEvent,
  startLoopbackServer,
  waitFor,
} from './test-support/loopback.ts';
import type { LoopbackServer } from './test-support/loopback.ts';

function seqs(events: CaseEvent[]): number[] {
  return events.map((e) => e.seq);
}

describe('agent realtime: replay without gaps or repeats', () => {
  let server: LoopbackServer;
  let client: AgentClient | undefined;
  let log: CaseEvent[];
  let received: CaseEvent[];
  let states: ConnectionState[];
  let errors: CasekitApiError[];

  beforeEach(async () => {
    server = await startLoopbackServer(['/agent']);
    log = [];
    received = [];
    states = [];
    errors = [];
    server.onResume(logResume(() => log));
  });
  afterEach(async () => {
    client?.disconnect();
    client = undefined;
    await server.close();
  });

  function connect(options: { lastSeq?: number; token?: string } = {}): AgentClient {
    const c = createAgentClient({ baseUrl: server.url, token: options.token ?? 'tok_agent', lastSeq: options.lastSeq ?? 0 });
    c.on('event', (e) => received.push(e));
    c.on('connection', (s) => states.push(s));
    c.on('error', (e) => errors.push(e));
    c.connect();
    client = c;
    return c;
  }

  it('sends the token in the handshake and replays the log page by page, in order', async () => {
    log = [1, 2, 3, 4, 5].map(presenceEvent);
    server.onResume(logResume(() => log, 2));
    const c = connect();
    await waitFor(() => c.connection === 'connected', 5000, 'connected');
    assert.deepEqual(seqs(received), [1, 2, 3, 4, 5]);
    assert.deepEqual(
      server.resumes.map((r) => r.after),
      [0, 2, 4],
      'pages through hasMore from the last seq of each page',
    );
    assert.deepEqual(server.tokens, [{ namespace: '/agent', token: 'tok_agent' }]);
    assert.equal(c.lastSeq, 5);
    assert.deepEqual(states, ['connecting', 'connected']);
  });

  it('holds live pushes back during the replay, then delivers everything once in seq order', async () => {
    log = [1, 2, 3, 4, 5].map(presenceEvent);
    let answerResume: () => void = () => {};
    server.onResume(
      (after) =>
        new Promise((resolve) => {
          answerResume = () => resolve(logResume(() => log)(after, undefined as never) as never);
        }),
    );
    const socketReady = server.nextSocket('/agent');
    const c = connect({ lastSeq: 2 });
    const socket = await socketReady;
    await waitFor(() => server.resumes.length === 1, 5000, 'resume call');
    assert.equal(server.resumes[0]!.after, 2);
    // While the replay is in flight: new events out of order, and one the replay also carries.
    log.push(presenceEvent(6), presenceEvent(7));
    socket.emit('events', [presenceEvent(7)]);
    socket.emit('events', [presenceEvent(4)]);
    socket.emit('events', [presenceEvent(6)]);
    socket.emit('events', [presenceEvent(2)]); // seen before this page load (lastSeq 2)
    await drained(socket, c);
    assert.deepEqual(received, [], 'nothing is shown before the replay is complete');
    answerResume();
    await waitFor(() => c.connection === 'connected', 5000, 'connected');
    assert.deepEqual(seqs(received), [3, 4, 5, 6, 7]);
    // A repeated live push after the replay is not shown again; a new one is.
    socket.emit('events', [presenceEvent(6)]);
    log.push(presenceEvent(8));
    socket.emit('events', [presenceEvent(8)]);
    await drained(socket, c);
    assert.deepEqual(seqs(received), [3, 4, 5, 6, 7, 8]);
    assert.equal(c.lastSeq, 8);
  });

  it('shows a live push that arrives late (below lastSeq, never seen) once, instead of losing it', async () => {
    log = [1, 2, 3].map(presenceEvent);
    const socketReady = server.nextSocket('/agent');
    const c = connect();
    const socket = await socketReady;
    await waitFor(() => c.connection === 'connected', 5000, 'connected');
    socket.emit('events', [presenceEvent(5)]);
    socket.emit('events', [presenceEvent(4)]);
    socket.emit('events', [presenceEvent(5)]);
    socket.emit('events', [presenceEvent(4)]);
    await drained(socket, c);
    assert.deepEqual(seqs(received), [1, 2, 3, 5, 4]);
    assert.equal(c.lastSeq, 5);
  });

  it('after a dropped connection, reconnects by itself and resumes from the last seq seen', async () => {
    log = [1, 2, 3].map(presenceEvent);
    let socketReady = server.nextSocket('/agent');
    const c = connect();
    let socket = await socketReady;
    await waitFor(() => c.connection === 'connected', 5000, 'connected');
    socket.emit('events', [presenceEvent(4)]);
    log.push(presenceEvent(4));
    await waitFor(() => received.length === 4, 5000, 'event 4');

    // The network drops; meanwhile more happens on the server.
    socketReady = server.nextSocket('/agent');
    socket.conn.close();
    await waitFor(() => c.connection === 'reconnecting', 5000, 'reconnecting');
    log.push(presenceEvent(5), presenceEvent(6));
    socket = await socketReady;
    await waitFor(() => c.connection === 'connected', 5000, 'reconnected');

    assert.deepEqual(seqs(received), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(
      server.resumes.map((r) => r.after),
      [0, 4],
    );
    assert.deepEqual(states, ['connecting', 'connected', 'reconnecting', 'connected']);
  });

  it('comes back after the server hangs up on it (a restart), resuming from the last seq', async () => {
    log = [1, 2].map(presenceEvent);
    let socketReady = server.nextSocket('/agent');
    const c = connect();
    const socket = await socketReady;
    await waitFor(() => c.connection === 'connected', 5000, 'connected');
    socketReady = server.nextSocket('/agent');
    log.push(presenceEvent(3));
    socket.disconnect(true);
    await socketReady;
    await waitFor(() => received.length === 3, 5000, 'replay after the hang-up');
    assert.deepEqual(seqs(received), [1, 2, 3]);
    assert.deepEqual(
      server.resumes.map((r) => r.after),
      [0, 2],
    );
    assert.deepEqual(states, ['connecting', 'connected', 'reconnecting', 'connected']);
  });

  it('survives the server going away and coming back on the same address', async () => {
    log = [1].map(presenceEvent);
    const c = connect();
    await waitFor(() => c.connection === 'connected', 5000, 'connected');
    await server.kill();
    await waitFor(() => c.connection === 'reconnecting', 5000, 'reconnecting');
    log.push(presenceEvent(2));
    await server.revive();
    await waitFor(() => received.length === 2, 15_000, 'replay after the server is back');
    assert.deepEqual(seqs(received), [1, 2]);
    assert.equal(c.connection, 'connected');
  });

  it('retries a failed replay, still holding live pushes, and reports the failure', async () => {
    log = [1, 2].map(presenceEvent);
    let calls = 0;
    const fromLog = logResume(() => log);
    server.onResume((after, socket) => {
      calls++;
      if (calls === 1) {
        socket.emit('events', [presenceEvent(3)]);
        log.push(presenceEvent(3));
        return { ok: false, error: { code: 'internal', message: 'Replay failed; try again.' } };
      }
      return fromLog(after, socket);
    });
    const c = connect();
    await waitFor(() => c.connection === 'connected', 5000, 'connected after retry');
    assert.deepEqual(seqs(received), [1, 2, 3]);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.code, 'internal');
    assert.equal(errors[0]!.message, 'Replay failed; try again.');
  });

  it('goes offline with an unauthorized error when the handshake is refused, and reconnects after setToken', async () => {
    server.acceptTokens(['good']);
    const c = connect({ token: 'bad' });
    await waitFor(() => c.connection === 'offline', 5000, 'offline');
    assert.equal(errors[0]?.code, 'unauthorized');
    assert.equal(errors[0]?.message, 'The token could not be verified.');
    c.setToken('good');
    await waitFor(() => c.connection === 'connected', 5000, 'connected with the new token');
    assert.equal(server.tokens.at(-1)?.token, 'good');
  });

  it('turns message events into message and case events, and passes typing through', async () => {
    const kase = makeCase({ id: 'c_9', preview: 'Is it down?' });
    log = [messageEvent(1, { caseId: 'c_9', text: 'Is it down?' }, kase)];
    const messages: Array<[Message, string | undefined]> = [];
    const cases: string[] = [];
    const typing: unknown[] = [];
    const socketReady = server.nextSocket('/agent');
    const c = connect();
    c.on('message', (m, k) => messages.push([m, k?.id]));
    c.on('case', (k) => cases.push(k.preview));
    c.on('typing', (t) => typing.push(t));
    const socket = await socketReady;
    await waitFor(() => c.connection === 'connected', 5000, 'connected');
    socket.emit('typing', { caseId: 'c_9', customerId: 'cu_1', typing: true, by: 'customer' });
    await waitFor(() => typing.length === 1, 5000, 'typing');
    assert.equal(messages.length, 1);
    assert.equal(messages[0]![0].text, 'Is it down?');
    assert.equal(messages[0]![1], 'c_9');
    assert.deepEqual(cases, ['Is it down?']);
    assert.deepEqual(typing, [{ caseId: 'c_9', customerId: 'cu_1', typing: true }]);

    const sent = new Promise((resolve) => socket.on('typing', resolve));
    c.sendTyping('c_9', true);
    assert.deepEqual(await sent, { caseId: 'c_9', typing: true });
  });

  it('disconnect() stops for good and connect() resumes from where it stopped', async () => {
    log = [1, 2].map(presenceEvent);
    const socketReady = server.nextSocket('/agent');
    const c = connect();
    const socket = await socketReady;
    await waitFor(() => c.connection === 'connected', 5000, 'connected');
    const gone = new Promise((resolve) => socket.once('disconnect', resolve));
    c.disconnect();
    assert.equal(c.connection, 'idle');
    log.push(presenceEvent(3));
    await gone;
    assert.deepEqual(seqs(received), [1, 2]);
    assert.equal(c.connection, 'idle', 'it does not come back by itself');
    c.connect();
    await waitFor(() => received.length === 3, 5000, 'event 3');
    assert.deepEqual(
      server.resumes.map((r) => r.after),
      [0, 2],
    );
  });
});
