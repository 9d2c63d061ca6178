import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ChannelConfigError } from '@casekit/core';
import { startMetaGraphFake, type MetaGraphFake, expectDeliveryError } from '@casekit/testkit/providers';
import { META_WEBHOOK_SAMPLES } from '@casekit/testkit/providers';
import {
  instagramMessageWebhook,
  instagramSeenWebhook,
  messengerDeliveryWebhook,
  messengerEchoWebhook,
  messengerTextWebhook,
  postMetaWebhook,
  sendMetaHandshake,
} from '@casekit/testkit/providers';
import { startTestReceiver, testOutbound, testRuntime, type TestReceiver } from './internal/test-support.ts';
import { createInstagramAdapter, createMessengerAdapter, instagram, messenger, type PageMessagingConfig, type PageMessagingSecrets } from './page-messaging.ts';

const APP_SECRET = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const VERIFY_TOKEN = 'page-verify-31';
const PSID = '6543219876543210';
const IG_ACCOUNT = '17841400000000000';

describe('messenger and instagram validate', () => {
  const secrets = { appSecret: APP_SECRET, pageAccessToken: 'EAAJpage', verifyToken: VERIFY_TOKEN };

  it("fill in Meta's defaults and name a wrong field", () => {
    assert.deepEqual(messenger.validate({ config: { pageId: '104857600012345' }, secrets }).config, {
      pageId: '104857600012345',
      apiBaseUrl: 'https://graph.facebook.com',
      apiVersion: 'v23.0',
    });
    assert.deepEqual(instagram.validate({ config: { pageId: '1', instagramAccountId: IG_ACCOUNT }, secrets }).config.instagramAccountId, IG_ACCOUNT);
    assert.throws(() => messenger.validate({ config: { pageId: 'my-page' }, secrets }), (e: unknown) => e instanceof ChannelConfigError && e.field === 'config.pageId');
    assert.throws(
      () => instagram.validate({ config: { pageId: '1' }, secrets: { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN } }),
      (e: unknown) => e instanceof ChannelConfigError && e.field === 'secrets.pageAccessToken',
    );
  });
});

describe('messenger webhook', () => {
  let receiver: TestReceiver;
  const config: PageMessagingConfig = { pageId: '104857600012345' };
  const secrets: PageMessagingSecrets = { appSecret: APP_SECRET, pageAccessToken: 'EAAJpage', verifyToken: VERIFY_TOKEN };
  before(async () => {
    receiver = await startTestReceiver(messenger, { config, secrets });
  });
  after(() => receiver.close());
  beforeEach(() => {
    receiver.events.length = 0;
  });

  it('passes the subscription check with its verify token only', async () => {
    assert.equal((await sendMetaHandshake(receiver.url, { verifyToken: VERIFY_TOKEN })).status, 200);
    assert.equal((await sendMetaHandshake(receiver.url, { verifyToken: VERIFY_TOKEN, mode: 'unsubscribe' })).status, 403);
  });

  it("hands over a customer's signed message, skips the Page's own echo and refuses a bad signature", async () => {
    const text = messengerTextWebhook({ pageId: config.pageId, psid: PSID, text: 'My bill is wrong' });
    const echo = messengerEchoWebhook({ pageId: config.pageId, psid: PSID, text: 'We are on it' });
    assert.equal((await postMetaWebhook(receiver.url, text.body, { appSecret: APP_SECRET })).status, 200);
    assert.equal((await postMetaWebhook(receiver.url, echo.body, { appSecret: APP_SECRET })).status, 200);
    assert.equal((await postMetaWebhook(receiver.url, text.body, { appSecret: 'not the app secret' })).status, 403);
    assert.deepEqual(
      receiver.events.map((e) => e.type === 'message' && [e.providerMessageId, e.from.externalId, e.text]),
      [[text.id, PSID, 'My bill is wrong']],
    );
  });

  it('answers 400 to an Instagram or WhatsApp body', async () => {
    for (const sample of [META_WEBHOOK_SAMPLES.instagramReply, META_WEBHOOK_SAMPLES.whatsappText]) {
      assert.equal((await postMetaWebhook(receiver.url, sample.body, { appSecret: APP_SECRET })).status, 400);
    }
    assert.deepEqual(receiver.events, []);
  });
});

describe('instagram webhook', () => {
  it('hands over a signed direct message with its reply reference', async () => {
    const receiver = await startTestReceiver(instagram, {
      config: { pageId: '104857600012345', instagramAccountId: IG_ACCOUNT },
      secrets: { appSecret: APP_SECRET, pageAccessToken: 'EAAJpage', verifyToken: VERIFY_TOKEN },
    });
    try {
      const { body, id } = instagramMessageWebhook({ accountId: IG_ACCOUNT, igsid: 'IGSID_77', text: 'Still waiting', replyTo: 'aWdf_earlier' });
      assert.equal((await postMetaWebhook(receiver.url, body, { appSecret: APP_SECRET })).status, 200);
      assert.equal((await postMetaWebhook(receiver.url, META_WEBHOOK_SAMPLES.instagramReply.body, { appSecret: APP_SECRET })).status, 200);
      assert.deepEqual(
        receiver.events.map((e) => e.type === 'message' && [e.providerMessageId, e.from.externalId, e.references]),
        [
          [id, 'IGSID_77', ['aWdf_earlier']],
          [
            'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDAwOjM0MDI4MjM2Njg0MTcxMDMwMTI0NDI1OTkwMjc2NDQwMDQ4OTk4NQZDZD',
            'IGSID_1234',
            ['aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDAwOjM0MDI4MjM2Njg0MTcxMDMwMTI0NDI1OTkwMjc2NDQwMDQ4OTk4NAZDZD'],
          ],
        ],
      );
      assert.equal((await postMetaWebhook(receiver.url, META_WEBHOOK_SAMPLES.messengerText.body, { appSecret: APP_SECRET })).status, 400);
    } finally {
      await receiver.close();
    }
  });
});

describe('messenger and instagram send', () => {
  let graph: MetaGraphFake;
  const adapters = { messenger: createMessengerAdapter({ timeoutMs: 300 }), instagram: createInstagramAdapter({ timeoutMs: 300 }) };
  const runtime = (overrides: Partial<PageMessagingConfig & PageMessagingSecrets> = {}) => {
    const { pageAccessToken = graph.pageAccessToken, ...config } = overrides;
    return testRuntime<PageMessagingConfig, PageMessagingSecrets>(
      'messenger',
      { pageId: graph.pageId, apiBaseUrl: graph.url, ...config },
      { appSecret: APP_SECRET, pageAccessToken, verifyToken: VERIFY_TOKEN },
    );
  };
  before(async () => {
    graph = await startMetaGraphFake();
  });
  after(() => graph.close());
  beforeEach(() => {
    graph.sent.length = 0;
  });

  it('sends a Messenger reply as a RESPONSE from the Page and matches its delivery receipt', async () => {
    const result = await adapters.messenger.send(testOutbound('messenger', PSID, 'A technician comes tomorrow.'), runtime());
    assert.equal(graph.sent.length, 1);
    assert.deepEqual(graph.sent[0]?.body, { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'A technician comes tomorrow.' } });
    assert.equal(graph.sent[0]?.objectId, graph.pageId);
    assert.equal(result.providerMessageId, graph.sent[0]?.id);
    const receipt = messengerDeliveryWebhook({ pageId: graph.pageId, psid: PSID, mids: [result.providerMessageId] });
    const parsed = await adapters.messenger.parse({ method: 'POST', url: 'http://x', headers: {}, body: new TextEncoder().encode(receipt) }, runtime());
    assert.deepEqual(parsed.events, [{ type: 'status', providerMessageId: result.providerMessageId, status: 'delivered' }]);
  });

  it('sends an Instagram reply through the linked Page and matches its seen receipt', async () => {
    const result = await adapters.instagram.send(testOutbound('instagram', 'IGSID_77', 'Shipped today'), runtime());
    assert.deepEqual(graph.sent[0]?.body.recipient, { id: 'IGSID_77' });
    const seen = instagramSeenWebhook({ accountId: IG_ACCOUNT, igsid: 'IGSID_77', mid: result.providerMessageId });
    const parsed = await adapters.instagram.parse({ method: 'POST', url: 'http://x', headers: {}, body: new TextEncoder().encode(seen) }, runtime());
    assert.deepEqual(parsed.events, [{ type: 'status', providerMessageId: result.providerMessageId, status: 'read' }]);
  });

  it('sends text and a file as two messages (the Send API takes one or the other), by link or upload', async () => {
    const photo = { name: 'router.jpg', contentType: 'image/jpeg', size: 52_000, url: 'https://files.example.com/u/router.jpg' };
    const result = await adapters.messenger.send(testOutbound('messenger', PSID, 'Like this?', { attachments: [photo] }), runtime());
    assert.deepEqual(
      graph.sent.map((s) => s.body.message),
      [{ text: 'Like this?' }, { attachment: { type: 'image', payload: { url: photo.url, is_reusable: false } } }],
    );
    assert.equal(result.providerMessageId, graph.sent[0]?.id);

    graph.sent.length = 0;
    const bytes = new TextEncoder().encode('%PDF-1.7 invoice');
    const pdf = { name: 'invoice.pdf', contentType: 'application/pdf', size: bytes.length, url: '/api/v1/uploads/up_pdf' };
    await adapters.messenger.send(testOutbound('messenger', PSID, '', { attachments: [pdf], loadAttachment: async () => bytes }), runtime());
    assert.equal(graph.sent.length, 1);
    assert.deepEqual(graph.sent[0]?.body.message, { attachment: { type: 'file', payload: { is_reusable: false } } });
    assert.deepEqual([graph.sent[0]?.file?.name, graph.sent[0]?.file?.contentType, new TextDecoder().decode(graph.sent[0]?.file?.bytes)], [
      'invoice.pdf',
      'application/pdf',
      '%PDF-1.7 invoice',
    ]);
  });

  it('fails for good outside the 24 h window, on Messenger (2018278) and Instagram (2534022)', async () => {
    graph.rejectNext('window_closed');
    const closed = await expectDeliveryError(adapters.messenger.send(testOutbound('messenger', PSID, 'Checking in'), runtime()));
    assert.deepEqual([closed.retryable, closed.code], [false, 'window_closed']);
    assert.match(closed.message, /24 hours/);
    assert.match(closed.message, /10\/2018278/);
    graph.rejectNext('instagram_window_closed');
    const ig = await expectDeliveryError(adapters.instagram.send(testOutbound('instagram', 'IGSID_77', 'Checking in'), runtime()));
    assert.deepEqual([ig.retryable, ig.code], [false, 'window_closed']);
    assert.equal(graph.sent.length, 0);
  });

  it("retries rate limits and Meta's outages, fails for good on a revoked token or an unreachable person", async () => {
    graph.rejectNext('rate_limited');
    graph.failNext(1, 503);
    graph.rejectNext('user_unavailable');
    const outcomes: Array<[boolean, string]> = [];
    for (let i = 0; i < 3; i++) {
      const error = await expectDeliveryError(adapters.messenger.send(testOutbound('messenger', PSID, 'x'), runtime()));
      outcomes.push([error.retryable, error.code]);
    }
    const token = await expectDeliveryError(adapters.messenger.send(testOutbound('messenger', PSID, 'x'), runtime({ pageAccessToken: 'EAAJold' })));
    outcomes.push([token.retryable, token.code]);
    assert.deepEqual(outcomes, [
      [true, 'rate_limited'],
      [true, '2'],
      [false, '551'],
      [false, 'auth'],
    ]);
  });

  it('gives up on a hanging send with a retryable timeout', async () => {
    graph.stallNext();
    const error = await expectDeliveryError(adapters.instagram.send(testOutbound('instagram', 'IGSID_77', 'slow'), runtime()));
    assert.deepEqual([error.retryable, error.code], [true, 'timeout']);
  });
});
