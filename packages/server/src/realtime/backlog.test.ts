import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { collectEvents, connectSocket, replayAll, resume, startTestServer, tcpOf, WORKSPACE, type TestServer } from '../internal/testing.ts';

const BOUND = 32 * 1024;
let t: TestServer;
const sockets: Socket[] = [];

before(async () => {
  t = await startTestServer({ maxQueuedBytes: BOUND });
});
after(async () => {
  for (const socket of sockets) socket.close();
  await t.close();
});

async function open(): Promise<Socket> {
  const socket = await connectSocket(t.url, '/agent', t.tokens.supervisor);
  sockets.push(socket);
  return socket;
}

let sent = 0;
/** A long visitor message straight through the engine: about 9 KB of events. */
function longMessage() {
  const n = sent++;
  return t.server.engine.ingest({
    workspaceId: WORKSPACE,
    channelId: 'webchat',
    from: { externalId: `anon:backlog-${n % 3}`, name: 'Slow reader test' },
    text: `Message ${n}: ${'my line drops every evening. '.repeat(150)}`,
  });
}

const dropped = () => t.warnings.some((w) => w.message.includes('stopped reading'));

describe('a socket that stops reading', () => {
  it('is dropped past the bound, and resuming by seq gets every event it missed, once and in order', async () => {
    const socket = await open();
    const feed = collectEvents(socket);
    const start = await t.lastSeq();
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const tcp = tcpOf(socket);
    tcp.pause();

    // The kernel's buffers take the first few hundred KB; past them the server holds pushes back.
    while (!dropped()) {
      await longMessage();
      assert.ok(sent < 5000, 'the server never dropped the socket');
    }
    const warning = t.warnings.find((w) => w.message.includes('stopped reading'))!;
    assert.ok((warning.fields?.heldBytes as number) > BOUND);
    assert.equal(t.server.io.of('/agent').sockets.has(socket.id!), false, 'the server let go of it');
    await longMessage();
    const end = await t.lastSeq();

    // Reading again, the client gets what the kernel still held, then the end of the connection.
    tcp.resume();
    await closed;
    const before = feed.events.map((e) => e.seq).filter((seq) => seq > start);
    assert.deepEqual(before, Array.from({ length: before.length }, (_, i) => start + 1 + i), 'what arrived is the log in order, up to a point');
    assert.ok(before.length < end - start, 'events were missed');

    const again = await open();
    const replayed = (await replayAll(again, before.at(-1) ?? start)).map((e) => e.seq);
    const logged = (await t.store.listEvents(WORKSPACE, { after: start, limit: 10_000 })).map((e) => e.seq);
    assert.deepEqual([...before, ...replayed], logged, 'every event once, in order');
    assert.equal(logged.at(-1), end);
  });

  it('is not a socket that reads: a replay page far past the bound goes out, and pushes follow', async () => {
    const socket = await open();
    const feed = collectEvents(socket);
    const mark = await t.lastSeq();
    for (let i = 0; i < 20; i++) await longMessage();
    const page = await resume(socket, mark);
    assert.ok(JSON.stringify(page.value?.events).length > 2 * BOUND, 'the page is larger than the bound');
    const next = await longMessage();
    await feed.waitFor((e) => e.type === 'message.created' && e.data.message.id === next.message.id);
    assert.equal(socket.connected, true);
    assert.ok(!t.warnings.some((w) => w.fields?.socket === socket.id));
  });
});
