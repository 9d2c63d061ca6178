import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { startTestServer, type TestServer } from './internal/testing.ts';

const RULES = {
  greeting: 'Hi! I am the FibreLink assistant.',
  faq: [{ keywords: ['hours'], answer: 'We answer 8:00–20:00.' }],
  fields: [{ name: 'email', prompt: 'What is the email on your account?', kind: 'email' }],
  offerHuman: 'A person from our team will answer that.',
};

/** What the loopback bot received: each post's verified JSON, and the raw request. */
interface Received {
  payload: { type: string; data: { message: { id: string; text: string }; case: { id: string; number: number }; customer: { name: string }; transcript: unknown[]; links: { reply: string; handoff: string } } };
  request: IncomingMessage;
}

/** A bot's HTTP server on loopback; `answer` decides what each post gets. */
async function startLoopbackBot(answer: (received: Received, body: string) => Promise<{ status: number; hang?: boolean }>) {
  const received: Received[] = [];
  const failures: unknown[] = [];
  let secret = '';
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let payload: Received['payload'];
      try {
        payload = new Webhook(secret).verify(body, request.headers as Record<string, string>) as Received['payload'];
      } catch (error) {
        failures.push(error);
        response.writeHead(401).end();
        return;
      }
      const entry = { payload, request };
      received.push(entry);
      void answer(entry, body).then(({ status, hang }) => {
        if (!hang) response.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/casekit`,
    received,
    failures,
    useSecret: (value: string) => void (secret = value),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('bots over HTTP', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => t.close());

  /** A visitor of the web chat and what they send and read. */
  async function visitor() {
    const session = await t.visitorSession();
    let n = 0;
    return {
      ...session,
      async send(text: string, clientMessageId = `cm_${session.customerId}_${++n}`) {
        const res = await t.request('POST', '/api/v1/visitor/messages', { token: session.token, body: { text, clientMessageId } });
        assert.equal(res.status, 201, res.text);
        await t.server.bots!.idle();
        return res.body as { caseId: string };
      },
      async read() {
        return (await t.request('GET', '/api/v1/visitor/messages', { token: session.token })).body.items as { authorKind: string; authorName: string; text: string; handoff?: unknown }[];
      },
    };
  }

  async function createBot(body: Record<string, unknown>) {
    const res = await t.request('POST', '/api/v1/bots', { token: t.tokens.admin, body });
    assert.equal(res.status, 201, res.text);
    return res.body as { bot: { agent: { id: string } }; token: string | null; signingSecret: string | null };
  }

  async function removeBot(id: string) {
    await t.request('PATCH', `/api/v1/bots/${id}`, { token: t.tokens.admin, body: { channelIds: [] } });
  }

  it('refuses a bot on an unknown channel naming the field, and anyone but admins', async () => {
    const unknown = await t.request('POST', '/api/v1/bots', { token: t.tokens.admin, body: { name: 'Bot', channelIds: ['nope'], rules: RULES } });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.details.issues[0].path, 'body.channelIds.0');
    const both = await t.request('POST', '/api/v1/bots', { token: t.tokens.admin, body: { name: 'Bot', channelIds: [], rules: RULES, external: { url: 'https://bot.example' } } });
    assert.equal(both.status, 400);
    const byAgent = await t.request('POST', '/api/v1/bots', { token: t.tokens.supervisor, body: { name: 'Bot', channelIds: [], rules: RULES } });
    assert.equal(byAgent.status, 403);
    assert.deepEqual((await t.request('GET', '/api/v1/bots', { token: t.tokens.agent })).body.items, []);
  });

  it('gives a rules bot made external its token and signing secret in the answer, once', async () => {
    const { bot } = await createBot({ name: 'Becomes external', channelIds: [], rules: RULES });
    const path = `/api/v1/bots/${bot.agent.id}`;
    const changed = await t.request('PATCH', path, { token: t.tokens.admin, body: { external: { url: 'https://bot.example/hook' } } });
    assert.equal(changed.status, 200, changed.text);
    assert.deepEqual([changed.body.bot.settings.rules, changed.body.bot.settings.external], [undefined, { url: 'https://bot.example/hook', timeoutSeconds: 15 }]);
    assert.match(changed.body.signingSecret, /^whsec_/);
    assert.equal((await t.request('GET', '/api/v1/me', { token: changed.body.token })).body.id, bot.agent.id);
    const again = await t.request('PATCH', path, { token: t.tokens.admin, body: { external: { url: 'https://bot.example/other', timeoutSeconds: 5 } } });
    assert.deepEqual([again.body.token, again.body.signingSecret], [null, null], 'credentials it has are never shown again');
  });

  describe('the rules bot', () => {
    let botId: string;
    before(async () => {
      const created = await createBot({ name: 'FibreLink assistant', channelIds: ['webchat'], rules: RULES });
      assert.deepEqual([created.token, created.signingSecret], [null, null], 'a rules bot needs no credentials');
      botId = created.bot.agent.id;
    });
    after(async () => removeBot(botId));

    it('greets, answers, collects the email and hands off to people with it; agents see the note', async () => {
      const chat = await visitor();
      const { caseId } = await chat.send('hello');
      assert.equal((await t.store.getCase('ws_test', caseId))!.assigneeId, botId, 'the bot holds the new case');
      await chat.send('what are your hours?');
      await chat.send('my router is broken');
      await chat.send('it is dana@example.com');
      const seen = await chat.read();
      assert.deepEqual(
        seen.map((m) => [m.authorKind, m.text]),
        [
          ['customer', 'hello'],
          ['bot', RULES.greeting],
          ['customer', 'what are your hours?'],
          ['bot', 'We answer 8:00–20:00.'],
          ['customer', 'my router is broken'],
          ['bot', RULES.offerHuman],
          ['bot', 'What is the email on your account?'],
          ['customer', 'it is dana@example.com'],
          ['system', 'Connecting you to a person…'],
        ],
      );
      assert.equal(seen[1]!.authorName, 'FibreLink assistant');
      const detail = (await t.request('GET', `/api/v1/cases/${caseId}`, { token: t.tokens.agent })).body;
      assert.equal(detail.case.assigneeId, null, 'routing can give it to a person now');
      const messages = (await t.request('GET', `/api/v1/cases/${caseId}/messages`, { token: t.tokens.agent })).body.items;
      const note = messages.find((m: { internal: boolean }) => m.internal);
      assert.deepEqual(note.handoff, { reason: 'bot', fields: { email: 'dana@example.com' } });
      assert.match(note.text, /email: dana@example\.com/);
    });

    it("tells the chat a bot answers on its channel, with or without a visitor's session", async () => {
      const status = async (query: string, token?: string) => (await t.request('GET', `/api/v1/visitor/status${query}`, token ? { token } : {})).body;
      assert.equal((await status('?channelId=webchat')).botAnswers, true);
      assert.equal((await status('', (await t.visitorSession()).token)).botAnswers, true);
      assert.equal((await status('?channelId=email')).botAnswers, undefined);
      assert.equal((await status('')).botAnswers, undefined);
    });

    it('hands off at once on "agent", and answers a retried message only once', async () => {
      const chat = await visitor();
      const { caseId } = await chat.send('hello', 'cm_retry');
      await chat.send('hello', 'cm_retry');
      assert.equal((await chat.read()).filter((m) => m.authorKind === 'bot').length, 1, 'one greeting for one message sent twice');
      await chat.send('I want an AGENT');
      const kase = await t.store.getCase('ws_test', caseId);
      assert.equal(kase!.assigneeId, null);
      const note = (await t.request('GET', `/api/v1/cases/${caseId}/messages`, { token: t.tokens.agent })).body.items.find((m: { internal: boolean }) => m.internal);
      assert.equal(note.handoff.reason, 'requested');
    });
  });

  describe('an external bot', () => {
    let bot: Awaited<ReturnType<typeof startLoopbackBot>>;
    let mode: 'reply' | 'fail' | 'silent' | 'hang' = 'reply';
    let botId: string;
    let botToken: string;

    before(async () => {
      bot = await startLoopbackBot(async ({ payload }) => {
        if (mode === 'fail') return { status: 500 };
        if (mode === 'hang') return { status: 200, hang: true };
        if (mode === 'reply') {
          // The bot answers through the REST API with its own token, as a real one would.
          const { message, case: kase, links } = payload.data;
          const headers = { authorization: `Bearer ${botToken}`, 'content-type': 'application/json' };
          const text = message.text.includes('order') ? null : `You said: ${message.text}`;
          if (text) await fetch(links.reply, { method: 'POST', headers, body: JSON.stringify({ text, clientMessageId: `reply-${message.id}` }) });
          else await fetch(links.handoff, { method: 'POST', headers, body: JSON.stringify({ reason: 'bot', fields: { order: 'A-1042' }, summary: `Order question on #${kase.number}` }) });
        }
        return { status: 200 };
      });
      const created = await createBot({ name: 'Order bot', channelIds: ['webchat'], external: { url: bot.url, timeoutSeconds: 1 } });
      botId = created.bot.agent.id;
      botToken = created.token!;
      assert.match(created.signingSecret!, /^whsec_/);
      bot.useSecret(created.signingSecret!);
    });
    after(async () => {
      await removeBot(botId);
      await bot.close();
    });
    beforeEach(() => void (mode = 'reply'));

    /** Waits until the case leaves the bot (or the time is up) and returns it. */
    async function untilHandedOff(caseId: string, ms = 4000) {
      const end = Date.now() + ms;
      for (;;) {
        const kase = await t.store.getCase('ws_test', caseId);
        if (kase!.assigneeId === null || Date.now() > end) return kase!;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const handoffNote = async (caseId: string) =>
      (await t.request('GET', `/api/v1/cases/${caseId}/messages`, { token: t.tokens.agent })).body.items.find((m: { internal: boolean }) => m.internal);

    it('posts each customer message signed (the standardwebhooks library verifies it) and lets the bot reply and hand off with its token', async () => {
      const chat = await visitor();
      const { caseId } = await chat.send('hi there');
      assert.equal(bot.failures.length, 0, 'every post verified');
      const post = bot.received.at(-1)!;
      assert.equal(post.request.headers['webhook-id'], post.payload.data.message.id);
      assert.equal(post.payload.data.case.id, caseId);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual((await chat.read()).map((m) => [m.authorKind, m.text]).slice(-1), [['bot', 'You said: hi there']]);
      await chat.send('where is my order?');
      const kase = await untilHandedOff(caseId);
      assert.equal(kase.assigneeId, null);
      const note = await handoffNote(caseId);
      assert.deepEqual(note.handoff, { reason: 'bot', fields: { order: 'A-1042' } });
      assert.match(note.text, /Order question on #\d+/);
      // A reply within the timeout counts as an answer: no timeout handoff came after it.
      assert.equal((await t.request('GET', `/api/v1/cases/${caseId}/messages`, { token: t.tokens.agent })).body.items.filter((m: { internal: boolean }) => m.internal).length, 1);
    });

    it('hands off as failed when the bot answers 500', async () => {
      mode = 'fail';
      const { caseId } = await (await visitor()).send('hello');
      const kase = await untilHandedOff(caseId);
      assert.equal(kase.assigneeId, null);
      const note = await handoffNote(caseId);
      assert.equal(note.handoff.reason, 'failed');
      assert.match(note.text, /answered HTTP 500/);
    });

    it('hands off as timed out when the bot accepts but never replies, or never answers the post', async () => {
      mode = 'silent';
      const silent = (await (await visitor()).send('hello')).caseId;
      assert.equal((await t.store.getCase('ws_test', silent))!.assigneeId, botId, 'the bot has its second');
      assert.equal((await untilHandedOff(silent)).assigneeId, null);
      assert.equal((await handoffNote(silent)).handoff.reason, 'timeout');
      mode = 'hang';
      const hung = (await (await visitor()).send('hello')).caseId;
      assert.equal((await untilHandedOff(hung)).assigneeId, null);
      assert.match((await handoffNote(hung)).text, /did not answer within 1 s/);
    });

    it('keeps the wait in the store: with no timer worker running nothing happens, and the next worker hands off', async () => {
      mode = 'silent';
      const { caseId } = await (await visitor()).send('hello');
      const wait = await t.store.getTimer('ws_test', `bot-answer:${caseId}`);
      assert.equal(wait?.kind, 'bot.answer');
      // The node that started the wait stops running timers (as a killed node would).
      await t.server.timers!.stop();
      await new Promise((resolve) => setTimeout(resolve, 1300));
      assert.equal((await t.store.getCase('ws_test', caseId))!.assigneeId, botId, 'nothing ran the wait');
      t.server.timers!.start();
      assert.equal((await untilHandedOff(caseId)).assigneeId, null);
      assert.equal((await handoffNote(caseId)).handoff.reason, 'timeout');
      assert.equal(await t.store.getTimer('ws_test', `bot-answer:${caseId}`), null, 'the timer ran once and is gone');
    });

    it("refuses another bot's token on the case, a revoked token, and a person who is not a supervisor", async () => {
      mode = 'fail';
      const { caseId } = await (await visitor()).send('hello');
      const failed = await untilHandedOff(caseId);
      // Another bot holds the case now, so the order bot's token is the forged one.
      const other = await createBot({ name: 'Other bot', channelIds: [], external: { url: bot.url, timeoutSeconds: 5 } });
      const otherId = other.bot.agent.id;
      const assigned = await t.request('PATCH', `/api/v1/cases/${caseId}`, { token: t.tokens.supervisor, body: { version: failed.version, assigneeId: otherId } });
      assert.equal(assigned.status, 200, assigned.text);
      const forged = await t.request('POST', `/api/v1/cases/${caseId}/handoff`, { token: botToken, body: { reason: 'bot' } });
      assert.equal(forged.status, 403, forged.text);
      const byAgent = await t.request('POST', `/api/v1/cases/${caseId}/handoff`, { token: t.tokens.agent, body: {} });
      assert.equal(byAgent.status, 403);
      const revoked = await t.request('DELETE', `/api/v1/bots/${otherId}/token`, { token: t.tokens.admin });
      assert.equal(revoked.body.hasToken, false);
      assert.equal((await t.request('POST', `/api/v1/cases/${caseId}/handoff`, { token: other.token!, body: {} })).status, 401, 'a revoked token is refused');
      assert.equal((await t.store.getCase('ws_test', caseId))!.assigneeId, otherId, 'nothing changed');
      const renewed = await t.request('POST', `/api/v1/bots/${otherId}/token`, { token: t.tokens.admin });
      const handedOff = await t.request('POST', `/api/v1/cases/${caseId}/handoff`, { token: renewed.body.token, body: { reason: 'requested', fields: { plan: 'Fibre 500' } } });
      assert.deepEqual([handedOff.status, handedOff.body.handedOff, handedOff.body.case.assigneeId], [200, true, null]);
      const again = await t.request('POST', `/api/v1/cases/${caseId}/handoff`, { token: renewed.body.token, body: {} });
      assert.deepEqual([again.status, again.body.handedOff], [200, false], 'a repeat changes nothing');
    });
  });
});
