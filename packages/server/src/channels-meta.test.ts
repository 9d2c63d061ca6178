import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { messenger, whatsappCloud } from '@casekit/channels/meta';
import {
  messengerEchoWebhook,
  messengerTextWebhook,
  postMetaWebhook,
  sendMetaHandshake,
  startMetaGraphFake,
  whatsAppStatusWebhook,
  whatsAppTextWebhook,
  type MetaGraphFake,
} from '@casekit/testkit/providers';
import { createChannel, messagesOn, waitForMessage } from './internal/channel-testing.ts';
import { startTestServer, WORKSPACE, type TestServer } from './internal/testing.ts';

// Meta end to end over loopback: the real server and SQLite file, the Graph API faked.
describe('Meta channels over HTTP', () => {
  let t: TestServer;
  let graph: MetaGraphFake;
  let wa: { id: string; webhookUrl: string };
  const appSecret = 'meta-app-secret-0123456789';
  const verifyToken = 'verify-me-please';

  before(async () => {
    graph = await startMetaGraphFake();
    t = await startTestServer({ channels: { adapters: [whatsappCloud, messenger] }, outbox: { intervalMs: 10, backoffMs: () => 30 } });
    wa = await createChannel(t, {
      kind: 'whatsapp-cloud',
      name: 'WhatsApp',
      config: { phoneNumberId: graph.phoneNumberId, apiBaseUrl: graph.url },
      secrets: { appSecret, accessToken: graph.accessToken, verifyToken },
    });
  });
  after(async () => {
    await t?.close();
    await graph?.close();
  });

  it('answers Meta\'s subscription handshake only with the verify token', async () => {
    const ok = await sendMetaHandshake(wa.webhookUrl, { verifyToken });
    assert.deepEqual([ok.status, ok.body], [200, ok.challenge]);
    const wrong = await sendMetaHandshake(wa.webhookUrl, { verifyToken: 'guess' });
    assert.equal(wrong.status, 403);
  });

  it('stores a signed WhatsApp message once however often it comes, and refuses unsigned, forged or re-serialized ones', async () => {
    const hook = whatsAppTextWebhook({ phoneNumberId: graph.phoneNumberId, from: '14155550166', name: 'Sheena', text: 'Mi conexión se cae 😞' });
    for (let i = 0; i < 3; i++) assert.equal((await postMetaWebhook(wa.webhookUrl, hook.body, { appSecret })).status, 200);
    const seq = await t.lastSeq();
    const forgedHook = whatsAppTextWebhook({ phoneNumberId: graph.phoneNumberId, from: '14155550166', text: 'forged' });
    assert.equal((await postMetaWebhook(wa.webhookUrl, forgedHook.body, { appSecret, signature: 'none' })).status, 401);
    assert.equal((await postMetaWebhook(wa.webhookUrl, forgedHook.body, { appSecret: 'not-the-secret' })).status, 403);
    // The same JSON written out again (escapes differ from Meta's) is no longer what was signed.
    const reserialized = JSON.stringify(JSON.parse(hook.body));
    assert.notEqual(reserialized, hook.body);
    assert.equal((await postMetaWebhook(wa.webhookUrl, reserialized, { appSecret, signWith: hook.body })).status, 403);
    assert.equal(await t.lastSeq(), seq, 'nothing refused was stored');
    const stored = await messagesOn(t, wa.id);
    assert.equal(stored.length, 1);
    assert.deepEqual([stored[0]!.text, stored[0]!.providerMessageId, stored[0]!.channelKind], ['Mi conexión se cae 😞', hook.id, 'whatsapp']);
    assert.deepEqual((await t.store.getCustomer(WORKSPACE, stored[0]!.customerId))?.phones, ['+14155550166']);
  });

  it('replies through the Graph API and follows Meta\'s statuses forward only', async () => {
    const [inbound] = await messagesOn(t, wa.id);
    const reply = await t.request('POST', `/api/v1/cases/${inbound!.caseId}/messages`, { token: t.tokens.agent, body: { text: 'Ya lo revisamos.' } });
    assert.equal(reply.status, 201, reply.text);
    const sent = await waitForMessage(t, reply.body.id, (m) => m.status === 'sent');
    const out = graph.sent.at(-1)!;
    assert.deepEqual([out.api, (out.body as { to: string }).to], ['whatsapp', '14155550166']);
    assert.equal(sent.providerMessageId, out.id);
    const read = whatsAppStatusWebhook({ phoneNumberId: graph.phoneNumberId, id: out.id, status: 'read', recipientId: '14155550166' });
    assert.equal((await postMetaWebhook(wa.webhookUrl, read.body, { appSecret })).status, 200);
    await waitForMessage(t, reply.body.id, (m) => m.status === 'read');
    const late = whatsAppStatusWebhook({ phoneNumberId: graph.phoneNumberId, id: out.id, status: 'delivered', recipientId: '14155550166' });
    await postMetaWebhook(wa.webhookUrl, late.body, { appSecret });
    assert.equal((await t.store.getMessage(WORKSPACE, reply.body.id))!.status, 'read');
  });

  it('fails a reply after the 24-hour window with a reason that names the way out', async () => {
    const [inbound] = await messagesOn(t, wa.id);
    graph.rejectNext('window_closed');
    const reply = await t.request('POST', `/api/v1/cases/${inbound!.caseId}/messages`, { token: t.tokens.agent, body: { text: '¿Sigue el problema?' } });
    const failed = await waitForMessage(t, reply.body.id, (m) => m.status === 'failed');
    assert.equal(failed.deliveryError?.code, 'window_closed');
    assert.match(failed.deliveryError!.reason, /template/i);
  });

  it('skips Messenger\'s echoes of the Page\'s own sends', async () => {
    const page = await createChannel(t, {
      kind: 'messenger',
      name: 'Messenger',
      config: { pageId: graph.pageId, apiBaseUrl: graph.url },
      secrets: { appSecret, pageAccessToken: graph.pageAccessToken, verifyToken },
    });
    const text = messengerTextWebhook({ pageId: graph.pageId, psid: '6789012345678901', text: 'Hello from Messenger' });
    assert.equal((await postMetaWebhook(page.webhookUrl, text.body, { appSecret })).status, 200);
    const echo = messengerEchoWebhook({ pageId: graph.pageId, psid: '6789012345678901', text: 'Our own reply' });
    assert.equal((await postMetaWebhook(page.webhookUrl, echo.body, { appSecret })).status, 200);
    assert.deepEqual((await messagesOn(t, page.id)).map((m) => m.text), ['Hello from Messenger']);
  });
});
