import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeEvents, type CaseEvent, type Message, type ResumeResult } from '@casekit/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import { startCliChild } from './cli-child.ts';

/** `casekit start` on the SQLite file of `dataDir`. */
const startChild = (dataDir: string) => startCliChild({ CASEKIT_DATA_DIR: dataDir, CASEKIT_WORKSPACE_ID: 'demo' });

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers }, signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.json().catch(() => null) };
}

describe('a server killed with SIGKILL while visitors are sending', { timeout: 120_000 }, () => {
  let dataDir: string;
  const children: ChildProcess[] = [];
  const sockets: Socket[] = [];
  after(async () => {
    for (const socket of sockets) socket.close();
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged message exactly once, and a reconnecting visitor gets what it missed', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'casekit-crash-'));
    let current = await startChild(dataDir);
    children.push(current.process);
    let baseUrl = current.url;

    const VISITORS = 10;
    const PER_VISITOR = 20;
    const visitors: { token: string; customerId: string }[] = [];
    for (let v = 0; v < VISITORS; v++) {
      const res = await json(`${baseUrl}/api/v1/visitor/sessions`, { method: 'POST', body: JSON.stringify({ channelId: 'webchat', name: `Visitor ${v}` }) });
      assert.equal(res.status, 201);
      visitors.push(res.body);
    }

    // Visitor 0 watches live, remembering the last seq it saw.
    const live: CaseEvent[] = [];
    const watcher = connect(`${baseUrl}/visitor`, { auth: { token: visitors[0]!.token }, transports: ['websocket'], reconnection: false });
    sockets.push(watcher);
    watcher.on('events', (events: CaseEvent[]) => live.push(...events));
    await new Promise<void>((resolve, reject) => {
      watcher.once('connect', resolve);
      watcher.once('connect_error', reject);
    });

    let acknowledged = 0;
    let retries = 0;
    const deadline = Date.now() + 90_000;
    /** Sends until a 201, always with the same clientMessageId; follows the server to its new port. */
    async function sendReliably(token: string, clientMessageId: string, text: string): Promise<Message> {
      for (;;) {
        if (Date.now() > deadline) throw new Error(`gave up on ${clientMessageId}`);
        try {
          const res = await json(`${baseUrl}/api/v1/visitor/messages`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}` },
            body: JSON.stringify({ text, clientMessageId }),
          });
          if (res.status === 201) {
            acknowledged++;
            return res.body;
          }
          assert.ok(res.status >= 500, `unexpected ${res.status} for ${clientMessageId}`);
        } catch (error) {
          if (error instanceof assert.AssertionError) throw error;
        }
        retries++;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }

    const acks = new Map<string, Message>();
    const senders = visitors.map(async (visitor, v) => {
      for (let n = 0; n < PER_VISITOR; n++) {
        const id = `v${v}-m${n}`;
        acks.set(id, await sendReliably(visitor.token, id, `message ${n} from visitor ${v}`));
      }
    });

    // Kill the server mid-stream, then start it again on the same data.
    while (acknowledged < 60) await new Promise((resolve) => setTimeout(resolve, 5));
    const seenBeforeCrash = live.reduce((max, e) => Math.max(max, e.seq), 0);
    current.process.kill('SIGKILL');
    assert.equal((await current.exited).signal, 'SIGKILL');
    current = await startChild(dataDir);
    children.push(current.process);
    baseUrl = current.url;
    await Promise.all(senders);
    assert.ok(retries > 0, 'some sends failed and were retried');
    assert.equal(acks.size, VISITORS * PER_VISITOR);

    // Every acknowledged message is stored exactly once, counted through the API.
    for (const [v, visitor] of visitors.entries()) {
      const history = await json(`${baseUrl}/api/v1/visitor/messages?limit=200`, { headers: { authorization: `Bearer ${visitor.token}` } });
      assert.equal(history.status, 200);
      const counts = new Map<string, number>();
      for (const message of history.body.items as Message[]) {
        counts.set(message.clientMessageId ?? '', (counts.get(message.clientMessageId ?? '') ?? 0) + 1);
      }
      for (let n = 0; n < PER_VISITOR; n++) {
        const id = `v${v}-m${n}`;
        assert.equal(counts.get(id), 1, `${id} stored exactly once`);
        assert.equal(history.body.items.find((m: Message) => m.clientMessageId === id).id, acks.get(id)!.id, `${id}: the ack named the stored message`);
      }
      assert.equal(history.body.items.length, PER_VISITOR);
    }

    // Visitor 0 reconnects to the new process and replays from the last seq it saw.
    const reconnected = connect(`${baseUrl}/visitor`, { auth: { token: visitors[0]!.token }, transports: ['websocket'], reconnection: false });
    sockets.push(reconnected);
    await new Promise<void>((resolve, reject) => {
      reconnected.once('connect', resolve);
      reconnected.once('connect_error', reject);
    });
    const replayed: CaseEvent[] = [];
    let afterSeq = seenBeforeCrash;
    for (;;) {
      const page: { ok: boolean; value: ResumeResult } = await reconnected.timeout(5000).emitWithAck('resume', afterSeq);
      assert.equal(page.ok, true);
      replayed.push(...decodeEvents(page.value.events));
      if (!page.value.hasMore) break;
      afterSeq = page.value.lastSeq;
    }
    assert.ok(replayed.every((e) => e.seq > seenBeforeCrash && e.customerId === visitors[0]!.customerId));
    const seen = new Set(
      [...live.filter((e) => e.seq <= seenBeforeCrash), ...replayed].flatMap((e) => (e.type === 'message.created' ? [e.data.message.clientMessageId] : [])),
    );
    for (let n = 0; n < PER_VISITOR; n++) assert.ok(seen.has(`v0-m${n}`), `visitor 0 has message ${n} live or replayed`);
    const replayedIds = replayed.flatMap((e) => (e.type === 'message.created' ? [e.data.message.id] : []));
    assert.equal(new Set(replayedIds).size, replayedIds.length, 'nothing is replayed twice');

    // A graceful stop exits 0.
    current.process.kill('SIGTERM');
    assert.deepEqual(await current.exited, { code: 0, signal: null });
  });
});
