// Bots through the SDK against the reference backend (SQLite in a temp dir, real HTTP on loopback):
// an admin manages bots, and an external bot answers with its own token, as docs/bots.md tells it to.
import 'fake-indexeddb/auto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, WEBCHAT_CHANNEL_ID } from '@casekit/app';
import type { RunningServer } from '@casekit/app';
import { createAgentClient } from './agent-client.ts';
import type { AgentClient } from './agent-client.ts';
import { createVisitorClient } from './visitor-client.ts';
import { CasekitApiError } from './errors.ts';
import { waitFor } from './test-support/loopback.ts';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const RULES = {
  greeting: 'Hi! I am the FibreLink assistant.',
  faq: [{ keywords: ['hours'], answer: 'We answer 8:00–20:00.' }],
  offerHuman: 'A person from our team will answer that.',
};

/** Rejects with the API error the promise fails with (and fails the test if it resolves). */
async function apiError(promise: Promise<unknown>): Promise<CasekitApiError> {
  const error = await promise.then(
    () => assert.fail('expected the call to be refused'),
    (err: unknown) => err,
  );
  assert.ok(error instanceof CasekitApiError, String(error));
  return error;
}

describe('bots through the SDK', () => {
  let dir: string;
  let server: RunningServer;
  let admin: AgentClient;
  let botServer: Server;
  let botUrl = '';
  /** Case ids of the posts the external bot received. */
  const posted: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'casekit-sdk-bots-'));
    let password = '';
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir: join(dir, 'data'),
      workspaceId: 'demo',
      examplesDir: null,
      logger: { ...quiet, warn: (message, fields) => void (message.includes('first admin') && (password = String(fields?.password))) },
    });
    admin = createAgentClient({ baseUrl: server.url });
    await admin.login('admin@casekit.local', password);
    // The external bot: accepts each post at once and answers through the API later.
    botServer = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        posted.push((JSON.parse(body) as { data: { case: { id: string } } }).data.case.id);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => botServer.listen(0, '127.0.0.1', resolve));
    botUrl = `http://127.0.0.1:${(botServer.address() as AddressInfo).port}/casekit`;
  });
  after(async () => {
    await server.close();
    await new Promise<void>((resolve) => botServer.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('creates and changes a rules bot; a bad channel is refused naming it and changes nothing', async () => {
    const created = await admin.createBot({ name: 'FAQ bot', channelIds: [], rules: RULES });
    assert.equal(created.token, null, 'a rules bot gets no credentials');
    assert.equal(created.signingSecret, null);
    assert.equal(created.bot.agent.kind, 'bot');
    assert.deepEqual(created.bot.settings.rules?.handoffKeywords.slice(0, 2), ['human', 'agent'], 'the default keywords');

    const updated = await admin.updateBot(created.bot.agent.id, { name: 'FAQ assistant', rules: { ...RULES, greeting: 'Hello!' } });
    assert.equal(updated.bot.agent.name, 'FAQ assistant');
    assert.equal(updated.bot.settings.rules?.greeting, 'Hello!');

    const refused = await apiError(admin.updateBot(created.bot.agent.id, { channelIds: ['no-such-channel'] }));
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.details?.issues?.map((i) => i.path), ['body.channelIds.0']);
    const listed = (await admin.listBots()).items.find((b) => b.agent.id === created.bot.agent.id);
    assert.deepEqual(listed?.settings.channelIds, [], 'the refused change changed nothing');
    assert.equal(listed?.hasToken, false);
  });

  it('creates an external bot once per idempotency key, its credentials shown in the first answer only', async () => {
    const body = { name: 'Order bot', channelIds: [WEBCHAT_CHANNEL_ID], external: { url: botUrl, timeoutSeconds: 30 } };
    const first = await admin.createBot(body, { idempotencyKey: 'order-bot-1' });
    assert.match(first.token ?? '', /^ckb_/);
    assert.match(first.signingSecret ?? '', /^whsec_/);
    const retry = await admin.createBot(body, { idempotencyKey: 'order-bot-1' });
    assert.equal(retry.bot.agent.id, first.bot.agent.id, 'the retry answers the same bot');
    assert.deepEqual([retry.token, retry.signingSecret], [null, null], 'credentials are never shown twice');
    const bots = (await admin.listBots()).items.filter((b) => b.agent.name === 'Order bot');
    assert.equal(bots.length, 1);
    assert.equal(bots[0]!.hasToken, true);
    const reused = await apiError(admin.createBot({ ...body, name: 'Other bot' }, { idempotencyKey: 'order-bot-1' }));
    assert.equal(reused.code, 'conflict');
  });

  it('lets the external bot hand a case off with its token; a new token replaces it and a revoked one stops', async () => {
    const bot = (await admin.listBots()).items.find((b) => b.agent.name === 'Order bot')!;
    const issued = await admin.newBotToken(bot.agent.id);
    assert.equal(issued.bot.hasToken, true);
    const botClient = createAgentClient({ baseUrl: server.url, token: issued.token });

    const visitor = createVisitorClient({ baseUrl: server.url, channelId: WEBCHAT_CHANNEL_ID, storage: 'memory', name: 'Maria Lopez' });
    await visitor.start();
    await visitor.send('Where is my order?');
    await waitFor(() => posted.length === 1, 5000, 'the bot got the message');
    const caseId = posted[0]!;
    assert.equal((await admin.getCase(caseId)).case.assigneeId, bot.agent.id, 'the bot holds the new case');

    const handed = await botClient.handoff(caseId, { reason: 'bot', fields: { order: 'A-1042' }, summary: 'Order question' });
    assert.equal(handed.handedOff, true);
    assert.equal(handed.case.assigneeId, null, 'routing gives it to people now');
    assert.equal((await botClient.handoff(caseId, { reason: 'bot' })).handedOff, false, 'a second handoff changes nothing');
    const note = (await admin.listMessages(caseId)).items.find((m) => m.handoff);
    assert.deepEqual(note?.handoff, { reason: 'bot', fields: { order: 'A-1042' } });
    visitor.close();

    const replaced = await admin.newBotToken(bot.agent.id);
    assert.equal((await apiError(botClient.me())).status, 401, 'the earlier token stops at once');
    botClient.setToken(replaced.token);
    assert.equal((await botClient.me()).id, bot.agent.id);

    const revoked = await admin.revokeBotToken(bot.agent.id);
    assert.equal(revoked.hasToken, false);
    assert.equal((await apiError(botClient.me())).status, 401);
  });

  it('refuses bot management to agents who are not admins', async () => {
    await admin.createAgent({ email: 'sam@casekit.local', name: 'Sam', password: 'a-long-password' });
    const agent = createAgentClient({ baseUrl: server.url });
    await agent.login('sam@casekit.local', 'a-long-password');
    assert.ok((await agent.listBots()).items.length >= 2, 'agents see the bots');
    const refused = await apiError(agent.createBot({ name: 'Mine', channelIds: [], rules: RULES }));
    assert.equal(refused.status, 403);
    const bot = (await admin.listBots()).items[0]!;
    assert.equal((await apiError(agent.newBotToken(bot.agent.id))).status, 403);
  });
});
