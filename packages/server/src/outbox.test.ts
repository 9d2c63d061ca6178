import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChannelAdapter } from '@casekit/core';
import { collectEvents, connectSocket, startTestServer, WORKSPACE, type TestServer } from './internal/testing.ts';

describe('delivery off web chat', () => {
  let t: TestServer;
  const sent: { text: string; to: string }[] = [];

  before(async () => {
    // Only `send` matters here; the email adapter's own tests cover the rest over real SMTP.
    const email: ChannelAdapter = {
      kind: 'email',
      medium: 'email',
      capabilities: { maxTextLength: 100_000, attachments: null, replyWindowHours: null, receipts: { delivered: false, read: false }, canInitiate: true, rich: true },
      fields: { config: [], secrets: [] },
      validate: () => ({ config: {}, secrets: {} }),
      verify: () => ({ ok: false, status: 403, reason: 'no webhooks' }),
      parse: () => ({ events: [] }),
      async send({ message, to }) {
        sent.push({ text: message.text, to: to.externalId });
        return { providerMessageId: `<mail-${sent.length}@example.com>` };
      },
    };
    t = await startTestServer({ channels: { adapters: [email] }, outbox: { intervalMs: 20 } });
  });
  after(() => t.close());

  it('sends an email reply through the channel\'s sender once, and the agent sees it go from queued to sent', async () => {
    const inbound = await t.engine.ingest({ workspaceId: WORKSPACE, channelId: 'email', from: { externalId: 'ivy@example.com', email: 'ivy@example.com' }, text: 'Where is my refund?' });
    const socket = await connectSocket(t.url, '/agent', t.tokens.agent);
    try {
      const events = collectEvents(socket);
      const reply = await t.request('POST', `/api/v1/cases/${inbound.case.id}/messages`, { token: t.tokens.agent, body: { text: 'It is on its way.' } });
      assert.equal(reply.status, 201, reply.text);
      assert.equal(reply.body.status, 'queued');
      await events.waitFor((e) => e.type === 'message.status' && e.data.messageId === reply.body.id && e.data.status === 'sent');
      assert.deepEqual(sent, [{ text: 'It is on its way.', to: 'ivy@example.com' }]);
      const stored = (await t.store.getMessage(WORKSPACE, reply.body.id))!;
      assert.deepEqual([stored.status, stored.providerMessageId], ['sent', '<mail-1@example.com>']);
    } finally {
      socket.close();
    }
  });

  it('leaves replies queued for another process when this server runs no worker', async () => {
    const quiet = await startTestServer({ outbox: false });
    try {
      const inbound = await quiet.engine.ingest({ workspaceId: WORKSPACE, channelId: 'email', from: { externalId: 'al@example.com', email: 'al@example.com' }, text: 'Hi' });
      const reply = await quiet.request('POST', `/api/v1/cases/${inbound.case.id}/messages`, { token: quiet.tokens.agent, body: { text: 'Hello' } });
      assert.equal(reply.status, 201, reply.text);
      assert.equal(quiet.server.outbox, null);
      const due = await quiet.store.claimOutbox(new Date(Date.now() + 60_000), 1000, 10);
      assert.deepEqual(due.map((item) => item.messageId), [reply.body.id]);
    } finally {
      await quiet.close();
    }
  });
});
