import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ChannelConfigError } from '@casekit/core';
import { startMetaGraphFake, type MetaGraphFake, expectDeliveryError } from '@casekit/testkit/providers';
import { META_WEBHOOK_SAMPLES } from '@casekit/testkit/providers';
import { postMetaWebhook, sendMetaHandshake, whatsAppStatusWebhook, whatsAppTextWebhook } from '@casekit/testkit/providers';
import { startTestReceiver, testOutbound, testRuntime, type TestReceiver } from './internal/test-support.ts';
import { createWhatsAppCloudAdapter, whatsappCloud, type WhatsAppCloudConfig, type WhatsAppCloudSecrets } from './whatsapp-cloud.ts';

const APP_SECRET = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const VERIFY_TOKEN = 'casekit-verify-7d1f';
const CUSTOMER = '16505551234';

describe('whatsappCloud.validate', () => {
  const secrets = { appSecret: APP_SECRET, accessToken: 'EAAJtoken', verifyToken: VERIFY_TOKEN };

  it("fills in Meta's Graph API base and version and trims pasted values", () => {
    const settings = whatsappCloud.validate({ config: { phoneNumberId: ' 106540352242922 ' }, secrets: { ...secrets, accessToken: ' EAAJtoken\n' } });
    assert.deepEqual(settings.config, { phoneNumberId: '106540352242922', apiBaseUrl: 'https://graph.facebook.com', apiVersion: 'v23.0' });
    assert.equal(settings.secrets.accessToken, 'EAAJtoken');
    const pinned = whatsappCloud.validate({ config: { phoneNumberId: '1', apiBaseUrl: 'http://127.0.0.1:9/', apiVersion: 'v21.0' }, secrets });
    assert.deepEqual(pinned.config, { phoneNumberId: '1', apiBaseUrl: 'http://127.0.0.1:9', apiVersion: 'v21.0' });
  });

  it('names the field that is wrong', () => {
    const field = (input: { config: unknown; secrets: unknown }) => {
      try {
        whatsappCloud.validate(input);
      } catch (error) {
        assert.ok(error instanceof ChannelConfigError);
        return error.field;
      }
      return null;
    };
    assert.equal(field({ config: {}, secrets }), 'config.phoneNumberId');
    assert.equal(field({ config: { phoneNumberId: '+1 650 555 1234' }, secrets }), 'config.phoneNumberId');
    assert.equal(field({ config: { phoneNumberId: '1', apiVersion: '21' }, secrets }), 'config.apiVersion');
    assert.equal(field({ config: { phoneNumberId: '1', apiBaseUrl: 'ftp://graph' }, secrets }), 'config.apiBaseUrl');
    assert.equal(field({ config: { phoneNumberId: '1' }, secrets: { ...secrets, appSecret: '  ' } }), 'secrets.appSecret');
    assert.equal(field({ config: { phoneNumberId: '1' }, secrets: { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN } }), 'secrets.accessToken');
  });
});

describe('whatsappCloud webhook', () => {
  let receiver: TestReceiver;
  const config: WhatsAppCloudConfig = { phoneNumberId: '106540352242922' };
  const secrets: WhatsAppCloudSecrets = { appSecret: APP_SECRET, accessToken: 'EAAJtoken', verifyToken: VERIFY_TOKEN };
  before(async () => {
    receiver = await startTestReceiver(whatsappCloud, { config, secrets });
  });
  after(() => receiver.close());
  beforeEach(() => {
    receiver.events.length = 0;
  });

  it("passes Meta's subscription check only with the channel's verify token", async () => {
    const ok = await sendMetaHandshake(receiver.url, { verifyToken: VERIFY_TOKEN });
    assert.deepEqual([ok.status, ok.body], [200, ok.challenge]);
    const wrong = await sendMetaHandshake(receiver.url, { verifyToken: 'guess' });
    assert.equal(wrong.status, 403);
    assert.notEqual(wrong.body, wrong.challenge);
  });

  it('takes a signed message and hands over its event', async () => {
    const { body, id } = whatsAppTextWebhook({ phoneNumberId: config.phoneNumberId, from: CUSTOMER, name: 'Sheena Nelson', text: 'Mi internet no funciona 😞' });
    const answer = await postMetaWebhook(receiver.url, body, { appSecret: APP_SECRET });
    assert.equal(answer.status, 200);
    assert.deepEqual(
      receiver.events.map((e) => e.type === 'message' && [e.providerMessageId, e.from, e.text]),
      [[id, { externalId: CUSTOMER, name: 'Sheena Nelson', phone: '+16505551234' }, 'Mi internet no funciona 😞']],
    );
  });

  it('refuses unsigned (401), legacy-only (401) and mis-signed (403) posts and reads nothing from them', async () => {
    const { body } = whatsAppTextWebhook({ phoneNumberId: config.phoneNumberId, from: CUSTOMER, text: 'forged' });
    assert.equal((await postMetaWebhook(receiver.url, body, { appSecret: APP_SECRET, signature: 'none' })).status, 401);
    assert.equal((await postMetaWebhook(receiver.url, body, { appSecret: APP_SECRET, signature: 'sha1' })).status, 401);
    assert.equal((await postMetaWebhook(receiver.url, body, { appSecret: 'another app secret' })).status, 403);
    const other = whatsAppTextWebhook({ phoneNumberId: config.phoneNumberId, from: CUSTOMER, text: 'something else' }).body;
    assert.equal((await postMetaWebhook(receiver.url, body, { appSecret: APP_SECRET, signWith: other })).status, 403);
    assert.deepEqual(receiver.events, []);
  });

  it("answers 400 to a verified body of another Meta product, and reads Meta's samples byte for byte", async () => {
    assert.equal((await postMetaWebhook(receiver.url, META_WEBHOOK_SAMPLES.messengerText.body, { appSecret: APP_SECRET })).status, 400);
    for (const sample of [META_WEBHOOK_SAMPLES.whatsappText, META_WEBHOOK_SAMPLES.whatsappReplyEscapedUnicode, META_WEBHOOK_SAMPLES.whatsappStatusRead]) {
      assert.equal((await postMetaWebhook(receiver.url, sample.body, { appSecret: APP_SECRET })).status, 200);
    }
    assert.deepEqual(
      receiver.events.map((e) => e.type),
      ['message', 'message', 'status'],
    );
  });
});

describe('whatsappCloud.send', () => {
  let graph: MetaGraphFake;
  const adapter = createWhatsAppCloudAdapter({ timeoutMs: 300 });
  const runtime = (overrides: Partial<WhatsAppCloudConfig & WhatsAppCloudSecrets> = {}) => {
    const { accessToken = graph.accessToken, ...config } = overrides;
    return testRuntime<WhatsAppCloudConfig, WhatsAppCloudSecrets>(
      'whatsapp-cloud',
      { phoneNumberId: graph.phoneNumberId, apiBaseUrl: graph.url, ...config },
      { appSecret: APP_SECRET, accessToken, verifyToken: VERIFY_TOKEN },
    );
  };
  before(async () => {
    graph = await startMetaGraphFake();
  });
  after(() => graph.close());
  beforeEach(() => {
    graph.sent.length = 0;
    graph.uploads.length = 0;
  });

  it('posts a text reply to the customer and returns the wamid that later statuses name', async () => {
    const result = await adapter.send(testOutbound('whatsapp', CUSTOMER, 'Your line is back up.'), runtime());
    assert.match(result.providerMessageId, /^wamid\./);
    assert.equal(graph.sent.length, 1);
    const sent = graph.sent[0]!;
    assert.equal(sent.id, result.providerMessageId);
    assert.equal(sent.version, 'v23.0');
    assert.deepEqual(sent.body, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: CUSTOMER,
      type: 'text',
      text: { preview_url: false, body: 'Your line is back up.' },
    });
    const status = whatsAppStatusWebhook({ phoneNumberId: graph.phoneNumberId, id: result.providerMessageId, status: 'delivered', recipientId: CUSTOMER });
    const events = await adapter.parse({ method: 'POST', url: 'http://x/webhooks/ch_test', headers: {}, body: new TextEncoder().encode(status.body) }, runtime());
    assert.deepEqual(events.events, [{ type: 'status', providerMessageId: result.providerMessageId, status: 'delivered' }]);
  });

  it('uses the pinned Graph API version', async () => {
    await adapter.send(testOutbound('whatsapp', CUSTOMER, 'hi'), runtime({ apiVersion: 'v21.0' }));
    assert.equal(graph.sent[0]?.version, 'v21.0');
  });

  it('fails with a retryable error on 5xx and 429, then goes out once Meta recovers', async () => {
    graph.failNext(2, 500);
    graph.failNext(1, 429);
    for (const expected of ['2', '2', 'rate_limited']) {
      const error = await expectDeliveryError(adapter.send(testOutbound('whatsapp', CUSTOMER, 'retry me'), runtime()));
      assert.deepEqual([error.retryable, error.code], [true, expected]);
    }
    assert.equal(graph.sent.length, 0);
    await adapter.send(testOutbound('whatsapp', CUSTOMER, 'retry me'), runtime());
    assert.equal(graph.sent.length, 1);
  });

  it('fails for good outside the 24 h window, saying a template is needed', async () => {
    graph.rejectNext('window_closed');
    const error = await expectDeliveryError(adapter.send(testOutbound('whatsapp', CUSTOMER, 'Following up'), runtime()));
    assert.equal(error.retryable, false);
    assert.equal(error.code, 'window_closed');
    assert.match(error.message, /template/);
    assert.match(error.message, /131047/);
  });

  it('treats WhatsApp throughput limits as retryable and a revoked token as a permanent auth failure', async () => {
    graph.rejectNext('rate_limited');
    const limited = await expectDeliveryError(adapter.send(testOutbound('whatsapp', CUSTOMER, 'x'), runtime()));
    assert.deepEqual([limited.retryable, limited.code], [true, 'rate_limited']);
    const refused = await expectDeliveryError(adapter.send(testOutbound('whatsapp', CUSTOMER, 'x'), runtime({ accessToken: 'EAAJrevoked' })));
    assert.deepEqual([refused.retryable, refused.code], [false, 'auth']);
    assert.match(refused.message, /access token/);
  });

  it("fails for good with Meta's code when the phone number id is not the app's", async () => {
    const error = await expectDeliveryError(adapter.send(testOutbound('whatsapp', CUSTOMER, 'x'), runtime({ phoneNumberId: '999' })));
    assert.deepEqual([error.retryable, error.code], [false, '100']);
    assert.match(error.message, /does not exist/);
  });

  it('gives up on a send that hangs and lets it be retried', async () => {
    graph.stallNext();
    const started = Date.now();
    const error = await expectDeliveryError(adapter.send(testOutbound('whatsapp', CUSTOMER, 'slow'), runtime()));
    assert.deepEqual([error.retryable, error.code], [true, 'timeout']);
    assert.ok(Date.now() - started < 3000);
  });

  it('reports an unreachable API as a retryable network error', async () => {
    const closed = await startMetaGraphFake();
    await closed.close();
    const error = await expectDeliveryError(adapter.send(testOutbound('whatsapp', CUSTOMER, 'x'), runtime({ apiBaseUrl: closed.url })));
    assert.deepEqual([error.retryable, error.code], [true, 'network']);
  });

  it('sends a file with a public URL by link, the text as its caption', async () => {
    const photo = { name: 'router.jpg', contentType: 'image/jpeg', size: 52_000, url: 'https://files.example.com/u/router.jpg' };
    const result = await adapter.send(testOutbound('whatsapp', CUSTOMER, 'Is it blinking like this?', { attachments: [photo] }), runtime());
    assert.equal(graph.sent.length, 1);
    assert.deepEqual(graph.sent[0]?.body.image, { link: photo.url, caption: 'Is it blinking like this?' });
    assert.equal(result.providerMessageId, graph.sent[0]?.id);
    const pdf = { name: 'invoice-0420.pdf', contentType: 'application/pdf', size: 80_000, url: 'https://files.example.com/u/invoice.pdf' };
    await adapter.send(testOutbound('whatsapp', CUSTOMER, '', { attachments: [pdf] }), runtime());
    assert.deepEqual(graph.sent[1]?.body.document, { link: pdf.url, filename: 'invoice-0420.pdf' });
  });

  it('sends the text first when the file cannot carry it (audio), returning the first id', async () => {
    const voice = { name: 'steps.ogg', contentType: 'audio/ogg', size: 9_000, url: 'https://files.example.com/u/steps.ogg' };
    const result = await adapter.send(testOutbound('whatsapp', CUSTOMER, 'Listen to this', { attachments: [voice] }), runtime());
    assert.deepEqual(
      graph.sent.map((s) => s.body.type),
      ['text', 'audio'],
    );
    assert.deepEqual(graph.sent[1]?.body.audio, { link: voice.url });
    assert.equal(result.providerMessageId, graph.sent[0]?.id);
  });

  it("uploads a file of this server that Meta cannot fetch and sends it by media id", async () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const shot = { name: 'screenshot.png', contentType: 'image/png', size: bytes.length, url: '/api/v1/uploads/up_abc' };
    await adapter.send(testOutbound('whatsapp', CUSTOMER, 'Here', { attachments: [shot], loadAttachment: async () => bytes }), runtime());
    assert.equal(graph.uploads.length, 1);
    assert.deepEqual([graph.uploads[0]?.type, graph.uploads[0]?.name, [...(graph.uploads[0]?.bytes ?? [])]], ['image/png', 'screenshot.png', [...bytes]]);
    assert.deepEqual(graph.sent[0]?.body.image, { id: graph.uploads[0]?.id, caption: 'Here' });
  });

  it('fails for good when a file has no public URL and cannot be loaded', async () => {
    const shot = { name: 'screenshot.png', contentType: 'image/png', size: 10, url: '/api/v1/uploads/up_abc' };
    const error = await expectDeliveryError(adapter.send(testOutbound('whatsapp', CUSTOMER, 'Here', { attachments: [shot] }), runtime()));
    assert.deepEqual([error.retryable, error.code], [false, 'attachment_unavailable']);
    assert.equal(graph.sent.length, 0);
  });
});
