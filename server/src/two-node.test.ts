// Two `casekit start` processes on one DynamoDB Local table and one Redis, as two machines behind
// a load balancer: a push crosses nodes, and killing one mid-load loses nothing it acknowledged,
// while the replies it had claimed go out from the other once their lease ends.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROUTE_META, type CaseEvent, type Message } from '@casekit/protocol';
import { startDynamoDbLocal, type DynamoDbLocal } from '@casekit/testkit/dynamodb-local';
import { startRedis, type RunningRedis } from '@casekit/testkit';
import { postTwilioSms, startTwilioFake, type TwilioFake } from '@casekit/testkit/providers';
import { io as connect, type Socket } from 'socket.io-client';
import { clusterNodeEnv, startCliChild, type CliChild } from './cli-child.ts';

const LEASE_MS = 4000;
const WORKSPACE = 'ws_twonode';
const SMS_NUMBER = '+14155550100';

async function call(url: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(options.token && { authorization: `Bearer ${options.token}` }), ...options.headers },
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
}

async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** A send to Twilio as the gate saw it: which node made it (the port of its status callback) and when. */
interface GatedSend {
  port: number;
  text: string;
  at: number;
  /** The sender hung up before it was answered (it was killed). */
  dropped: boolean;
  /** Passes it on to Twilio, once, unless its sender is gone. */
  release(): void;
}

/**
 * A pass-through in front of the Twilio fake that holds the sends of the node listening on
 * `holdPort` (told by their status callback URL) until each is released; a held send whose sender
 * went away is never passed on. Everything else goes straight through.
 */
async function startGate(target: string): Promise<{ url: string; sends: GatedSend[]; holdPort: number | null; close(): Promise<void> }> {
  const gate = { url: '', sends: [] as GatedSend[], holdPort: null as number | null, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const pass = async () => {
      const answer = await fetch(`${target}${req.url}`, {
        method: req.method!,
        headers: Object.fromEntries(['authorization', 'content-type', 'accept'].flatMap((name) => (req.headers[name] ? [[name, String(req.headers[name])]] : []))),
        ...(req.method === 'POST' && { body }),
      });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(await answer.text());
    };
    if (req.method !== 'POST' || !req.url?.endsWith('/Messages.json')) return void pass();
    const form = new URLSearchParams(body);
    const send: GatedSend = {
      port: Number(new URL(form.get('StatusCallback') ?? 'http://x:0').port),
      text: form.get('Body') ?? '',
      at: Date.now(),
      dropped: false,
      release: () => {
        if (released || send.dropped) return;
        released = true;
        void pass();
      },
    };
    let released = false;
    res.on('close', () => (send.dropped = !res.writableFinished));
    gate.sends.push(send);
    if (send.port !== gate.holdPort) send.release();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gate.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return gate;
}

/** An agent socket and every event it received. */
async function agentSocket(url: string, token: string): Promise<{ socket: Socket; seen: CaseEvent[] }> {
  const socket = connect(`${url}/agent`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => (socket.once('connect', resolve), socket.once('connect_error', reject)));
  const seen: CaseEvent[] = [];
  socket.on('events', (batch: CaseEvent[]) => seen.push(...batch));
  return { socket, seen };
}

const created = (seen: CaseEvent[], text: string) => seen.flatMap((e) => (e.type === 'message.created' && e.data.message.text === text ? [e.data.message] : []));

describe('two casekit processes on one DynamoDB table and one Redis', { timeout: 150_000 }, () => {
  let dynamo: DynamoDbLocal;
  let redis: RunningRedis;
  let twilio: TwilioFake;
  let gate: Awaited<ReturnType<typeof startGate>>;
  let dir: string;
  let a: CliChild;
  let b: CliChild;
  let token: string;
  let sms: { id: string; webhookUrl: string };
  let onB: { socket: Socket; seen: CaseEvent[] };
  const sockets: Socket[] = [];
  // What node A held when it was killed, for the takeover test.
  const held: { text: string; id: string; requestedAt: number; gated: GatedSend }[] = [];
  // The replies node B claimed and sent at once.
  const replies: string[] = [];
  let killedAt = 0;
  // The cases of three customers' SMS, which the replies answer.
  let smsCases: string[] = [];

  before(async () => {
    const started = performance.now();
    [dynamo, redis, twilio] = await Promise.all([startDynamoDbLocal(), startRedis(), startTwilioFake()]);
    gate = await startGate(twilio.url);
    dir = await mkdtemp(join(tmpdir(), 'casekit-twonode-'));
    const env = { ...clusterNodeEnv({ dynamoEndpoint: dynamo.endpoint, redisUrl: redis.url, table: 'casekit_twonode', workspace: WORKSPACE }), CASEKIT_LEASE_MS: String(LEASE_MS) };
    // A first, so that one node creates the table, the workspace and its first admin.
    const nodesFrom = performance.now();
    a = await startCliChild({ ...env, CASEKIT_DATA_DIR: join(dir, 'a') });
    const aUp = performance.now();
    b = await startCliChild({ ...env, CASEKIT_DATA_DIR: join(dir, 'b') });
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(`# DynamoDB Local answered in ${s(dynamo.startMs)}; node A listened after ${s(aUp - nodesFrom)}, node B after ${s(performance.now() - aUp)}; ${s(performance.now() - started)} in all`);
    const admin = a.logs.find((line) => String(line.msg).startsWith('created the first admin'));
    assert.ok(admin, 'node A created the first admin');
    const login = await call(b.url, 'POST', '/auth/login', { body: { email: admin.email, password: admin.password } });
    assert.equal(login.status, 200, login.text);
    token = login.body.token;
    const channel = await call(a.url, 'POST', '/channels', {
      token,
      body: { kind: 'twilio-sms', name: 'SMS', config: { accountSid: twilio.accountSid, from: SMS_NUMBER, apiBaseUrl: gate.url }, secrets: { authToken: twilio.authToken } },
    });
    assert.equal(channel.status, 201, channel.text);
    sms = channel.body;
    onB = await agentSocket(b.url, token);
    sockets.push(onB.socket);
  });

  after(async () => {
    for (const socket of sockets) socket.close();
    for (const child of [a, b]) if (child && child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await Promise.all([a?.exited, b?.exited]);
    await Promise.all([gate?.close(), twilio?.close(), redis?.stop(), dynamo?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('pushes a visitor message ingested through node A to an agent socket on node B, once', async () => {
    const visitor = await call(a.url, 'POST', '/visitor/sessions', { body: { channelId: 'webchat', name: 'Vera' } });
    assert.equal(visitor.status, 201, visitor.text);
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const text = `hello ${i} through node A`;
      const sentAt = performance.now();
      const sent = await call(a.url, 'POST', '/visitor/messages', { token: visitor.body.token, body: { text, clientMessageId: `push-${i}` } });
      assert.equal(sent.status, 201, sent.text);
      await until(() => created(onB.seen, text).length > 0, `"${text}" on node B's socket`);
      latencies.push(performance.now() - sentAt);
    }
    await sleep(200);
    for (let i = 0; i < 20; i++) assert.equal(created(onB.seen, `hello ${i} through node A`).length, 1, `message ${i} pushed once`);
    latencies.sort((x, y) => x - y);
    console.log(`# visitor POST on A → agent socket on B, 20 messages: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms`);
  });

  it('stores one thing for one Idempotency-Key sent to both nodes at once, for every create that takes a key', async () => {
    const visitor = await call(a.url, 'POST', '/visitor/sessions', { body: { channelId: 'webchat', name: 'Ida' } });
    const opened = await call(a.url, 'POST', '/visitor/messages', { token: visitor.body.token, body: { text: 'once, please', clientMessageId: 'idem-0' } });
    assert.equal(opened.status, 201, opened.text);
    const caseId: string = opened.body.caseId;
    const items = async (path: string): Promise<Record<string, unknown>[]> => {
      const listed = await call(b.url, 'GET', path, { token });
      assert.equal(listed.status, 200, listed.text);
      return Array.isArray(listed.body) ? listed.body : listed.body.items;
    };
    const creates: Record<string, { path: string; body: unknown; stored: () => Promise<number> }> = {
      reply: { path: `/cases/${caseId}/messages`, body: { text: 'One reply' }, stored: async () => (await items(`/cases/${caseId}/messages?limit=100`)).filter((m) => m.text === 'One reply').length },
      addNote: { path: `/cases/${caseId}/notes`, body: { text: 'One note' }, stored: async () => (await items(`/cases/${caseId}/messages?limit=100`)).filter((m) => m.text === 'One note').length },
      createAgent: { path: '/agents', body: { email: 'twin@example.com', name: 'Twin', password: 'another long password', role: 'agent' }, stored: async () => (await items('/agents')).filter((x) => x.email === 'twin@example.com').length },
      createChannel: {
        path: '/channels',
        body: { kind: 'twilio-sms', name: 'Twin SMS', config: { accountSid: twilio.accountSid, from: '+14155550999', apiBaseUrl: gate.url }, secrets: { authToken: twilio.authToken } },
        stored: async () => (await items('/channels')).filter((x) => x.name === 'Twin SMS').length,
      },
      createBot: {
        path: '/bots',
        body: { name: 'Twin bot', channelIds: [], external: { url: 'https://bots.example/twin', timeoutSeconds: 15 } },
        stored: async () => (await items('/bots')).filter((x) => (x.agent as { name: string }).name === 'Twin bot').length,
      },
    };
    const keyed = Object.entries(ROUTE_META).filter(([, route]) => 'idempotent' in route && route.idempotent).map(([name]) => name);
    assert.deepEqual(Object.keys(creates).sort(), keyed.sort(), 'every route that takes an Idempotency-Key is tried here');
    for (const [name, { path, body, stored }] of Object.entries(creates)) {
      const headers = { 'idempotency-key': `twin-${name}` };
      const [fromA, fromB] = await Promise.all([call(a.url, 'POST', path, { token, body, headers }), call(b.url, 'POST', path, { token, body, headers })]);
      assert.deepEqual([fromA.status, fromB.status], [201, 201], `${name}: ${fromA.text} ${fromB.text}`);
      // A channel's webhook URL names the node that answered (these nodes have no CASEKIT_PUBLIC_URL),
      // and a bot's token and signing secret are shown once, never in a replay.
      const same = (body: Record<string, unknown>) => ({ ...body, webhookUrl: undefined, token: undefined, signingSecret: undefined });
      assert.deepEqual(same(fromA.body), same(fromB.body), `${name}: both nodes answer the same`);
      if (name === 'createBot') assert.equal([fromA.body.token, fromB.body.token].filter(Boolean).length, 1, 'the token shown once');
      assert.deepEqual([fromA, fromB].map((r) => r.headers.get('idempotent-replayed')).sort(), ['true', null].sort(), `${name}: one of them replayed`);
      assert.equal(await stored(), 1, `${name}: stored once`);
    }
  });

  it('keeps every message node A acknowledged exactly once when A is killed mid-load, and stores each resent one once', async () => {
    // Three customers' SMS, for the replies node A will be holding when it dies.
    smsCases = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const body = `My line is down (${i})`;
        const inbound = await postTwilioSms({ url: sms.webhookUrl, authToken: twilio.authToken, accountSid: twilio.accountSid, from: `+1415555012${i}`, to: SMS_NUMBER, body });
        assert.equal(inbound.response.status, 200);
        return (await until(() => created(onB.seen, body)[0], `SMS ${i} on node B`)).caseId;
      }),
    );

    const VISITORS = 8;
    // Each visitor sends until node A is killed, then this many more (to node B).
    const AFTER_KILL = 5;
    const visitors: { token: string }[] = [];
    for (let v = 0; v < VISITORS; v++) {
      const session = await call(a.url, 'POST', '/visitor/sessions', { body: { channelId: 'webchat', name: `Visitor ${v}` } });
      assert.equal(session.status, 201, session.text);
      visitors.push(session.body);
    }
    let target = a;
    const acks = new Map<string, { node: 'A' | 'B'; message: Message }>();
    let failures = 0;
    // How many messages each visitor has sent (each acknowledged).
    const sent: number[] = Array(VISITORS).fill(0);
    let busy = 0;
    let abandoned = false;
    /** Sends until a 201, always with the same clientMessageId, to whichever node is up. */
    async function sendReliably(token: string, clientMessageId: string, text: string): Promise<void> {
      while (!abandoned) {
        const node = target;
        try {
          const res = await call(node.url, 'POST', '/visitor/messages', { token, body: { text, clientMessageId } });
          if (res.status === 201) {
            acks.set(clientMessageId, { node: node === a ? 'A' : 'B', message: res.body });
            return;
          }
          assert.ok(res.status >= 500, `unexpected ${res.status} for ${clientMessageId}: ${res.text}`);
          if (res.status === 503) busy++;
        } catch (error) {
          if (error instanceof assert.AssertionError) throw error;
        }
        failures++;
        await sleep(25);
      }
    }
    const senders = visitors.map(async (visitor, v) => {
      let last = Infinity;
      for (let n = 0; n <= last && n < 150 && !abandoned; n++) {
        await sendReliably(visitor.token, `v${v}-m${n}`, `load ${n} from visitor ${v}`);
        if (last === Infinity && killedAt > 0) last = n + AFTER_KILL;
        sent[v] = n + 1;
      }
    });

    const loaded = Promise.all(senders);
    loaded.catch(() => undefined);
    try {
      await killMidLoad();
      await loaded;
    } finally {
      abandoned = true;
      await Promise.allSettled(senders);
    }
    assert.equal(acks.size, sent.reduce((sum, n) => sum + n, 0));
    const byA = [...acks.values()].filter((ack) => ack.node === 'A').length;
    assert.ok(failures > 0, 'sends in flight at the kill failed and were sent again');
    console.log(`# ${byA} acknowledged by A, ${acks.size - byA} by B after ${failures} failed tries; ${busy} requests were answered 503 (the workspace busy) and sent again`);
    for (const [v, visitor] of visitors.entries()) {
      const history = await call(b.url, 'GET', '/visitor/messages?limit=200', { token: visitor.token });
      assert.equal(history.status, 200, history.text);
      const items = history.body.items as Message[];
      for (let n = 0; n < sent[v]!; n++) {
        const id = `v${v}-m${n}`;
        const stored = items.filter((m) => m.clientMessageId === id);
        assert.equal(stored.length, 1, `${id} stored exactly once`);
        assert.equal(stored[0]!.id, acks.get(id)!.message.id, `${id}: the acknowledgement named the stored message`);
      }
      assert.equal(items.length, sent[v], `visitor ${v} has nothing else`);
    }

    /** Once the load is under way: has node A claim replies it cannot finish sending, and kills it. */
    async function killMidLoad(): Promise<void> {
      await until(() => acks.size >= 30, 'the load to be under way', 30_000);
      // Node A's sends to Twilio get no answer: replies go out until one is claimed by A, which then waits on it.
      gate.holdPort = a.port;
      /** An agent's reply through node A; answered 503 (the workspace busy), sent again after Retry-After with the same key. */
      const reply = async (caseId: string, text: string) => {
        const requestedAt = Date.now();
        for (let attempt = 1; ; attempt++) {
          const res = await call(a.url, 'POST', `/cases/${caseId}/messages`, { token, body: { text }, headers: { 'idempotency-key': text.replaceAll(' ', '-') } });
          if (res.status === 503 && attempt < 5) {
            busy++;
            await sleep(1000 * Number(res.body.error.details.retryAfterSeconds));
            continue;
          }
          assert.equal(res.status, 201, res.text);
          return { text, id: res.body.id as string, requestedAt };
        }
      };
      const gated = (text: string) => until(() => gate.sends.find((s) => s.text === text), `a send of "${text}"`, 15_000);
      for (let round = 0; held.length === 0; round++) {
        assert.ok(round < 10, 'node A claimed one of 30 replies');
        // One per case at once, so that one claim tends to take them all.
        const sent = await Promise.all(smsCases.map((caseId, i) => reply(caseId, `reply ${round}.${i}`)));
        for (const entry of sent) {
          const send = await gated(entry.text);
          if (send.port === a.port) held.push({ ...entry, gated: send });
          else replies.push(entry.text);
        }
      }
      const ackedBeforeKill = acks.size;
      a.process.kill('SIGKILL');
      killedAt = Date.now();
      assert.equal((await a.exited).signal, 'SIGKILL');
      target = b;
      gate.holdPort = null;
      const claimedAgo = Math.min(...held.map((entry) => killedAt - entry.gated.at));
      console.log(`# node A killed after ${ackedBeforeKill} acknowledgements, ${claimedAgo} ms after sending the last of the ${held.length} replies it claimed (${replies.length} went out through B meanwhile)`);
    }
  });

  it('has node B send the replies node A held, each once, after A\'s lease ran out', async () => {
    assert.ok(held.length > 0, 'node A held replies when it was killed');
    const texts = [...held.map((entry) => entry.text), ...replies];
    const messagesOnB = async () => {
      const lists = await Promise.all(smsCases.map((caseId) => call(b.url, 'GET', `/cases/${caseId}/messages?limit=100`, { token })));
      for (const res of lists) assert.equal(res.status, 200, res.text);
      return lists.flatMap((res) => res.body.items as Message[]);
    };
    const stored = await until(async () => {
      const items = (await messagesOnB()).filter((m) => texts.includes(m.text));
      return items.length === texts.length && items.every((m) => m.status === 'sent') && items;
    }, 'every reply sent', LEASE_MS + 15_000);
    await sleep(1000);
    for (const text of texts) {
      const out = twilio.sent.filter((m) => m.body === text);
      assert.equal(out.length, 1, `"${text}" reached Twilio once`);
      assert.equal(stored.find((m) => m.text === text)!.providerMessageId, out[0]!.sid, `"${text}" keeps Twilio's id`);
    }
    for (const entry of held) {
      assert.ok(entry.gated.dropped, `A's send of "${entry.text}" never got through`);
      const fromB = gate.sends.filter((s) => s.text === entry.text && s.port === b.port);
      assert.equal(fromB.length, 1, `node B sent "${entry.text}" once`);
      // A claimed it after it was created: its lease cannot have ended sooner than this.
      assert.ok(fromB[0]!.at >= entry.requestedAt + LEASE_MS, `B sent "${entry.text}" ${fromB[0]!.at - entry.requestedAt} ms after it was created, within A's lease`);
    }
    const bodies = twilio.sent.map((m) => m.body);
    assert.deepEqual(bodies, [...new Set(bodies)], 'nothing reached Twilio twice');
    const byB = (entry: (typeof held)[number]) => gate.sends.find((s) => s.text === entry.text && s.port === b.port)!.at;
    console.log(
      `# takeover: B sent the ${held.length} held by A ${held.map((e) => byB(e) - killedAt).join('/')} ms after the kill; ` +
        `A's lease (${LEASE_MS} ms) had ended at most ${held.map((e) => e.gated.at + LEASE_MS - killedAt).join('/')} ms after the kill`,
    );
  });
});
