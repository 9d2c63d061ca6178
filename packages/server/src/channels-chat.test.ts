import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiChannelAdapter, generateSigningSecret } from '@casekit/channels/api';
import { telegramAdapter } from '@casekit/channels/telegram';
import { xAdapter } from '@casekit/channels/x';
import {
  apiChannelMessage,
  getXCrc,
  postApiChannelMessage,
  postTelegramUpdate,
  postXActivity,
  startApiChannelReceiver,
  startTelegramFake,
  startXFake,
  telegramUpdate,
  xCrcResponseToken,
  xDirectMessageActivity,
  type ApiChannelReceiver,
  type TelegramFake,
  type XFake,
} from '@casekit/testkit/providers';
import { createChannel, messagesOn, waitForMessage } from './internal/channel-testing.ts';
import { startTestServer, type TestServer } from './internal/testing.ts';

// Telegram, X and the signed API channel end to end over loopback, the providers faked.
describe('Telegram, X and API channels over HTTP', () => {
  let t: TestServer;
  let telegram: TelegramFake;
  let x: XFake;
  let receiver: ApiChannelReceiver;
  const botToken = '7012345678:AAF-test-token';
  const webhookSecret = 'tg-secret-0123456789';
  const xCredentials = { consumerKey: 'ck', consumerSecret: 'cs-0123456789', accessToken: 'at', accessTokenSecret: 'ats' };
  const xUserId = '3805104374';
  const signingSecret = generateSigningSecret();

  before(async () => {
    telegram = await startTelegramFake({ botToken });
    x = await startXFake({ ...xCredentials, userId: xUserId });
    receiver = await startApiChannelReceiver({ signingSecret });
    t = await startTestServer({ channels: { adapters: [telegramAdapter, xAdapter, apiChannelAdapter] }, outbox: { intervalMs: 10, backoffMs: () => 30 } });
  });
  after(async () => {
    await t?.close();
    await Promise.all([telegram?.close(), x?.close(), receiver?.close()]);
  });

  it('Telegram: a message with the webhook secret is stored once; without it or with another, nothing; the reply goes to the chat', async () => {
    const channel = await createChannel(t, { kind: 'telegram', name: 'Bot', config: { apiBaseUrl: telegram.url }, secrets: { botToken, webhookSecret } });
    const update = telegramUpdate({ from: { id: 91_234_567, firstName: 'Lena' }, text: 'Kein Internet seit gestern' });
    for (let i = 0; i < 3; i++) assert.equal((await postTelegramUpdate(channel.webhookUrl, update, webhookSecret)).status, 200);
    const seq = await t.lastSeq();
    assert.equal((await postTelegramUpdate(channel.webhookUrl, telegramUpdate({ from: { id: 1, firstName: 'Eve' }, text: 'x' }), undefined)).status, 401);
    assert.equal((await postTelegramUpdate(channel.webhookUrl, telegramUpdate({ from: { id: 1, firstName: 'Eve' }, text: 'x' }), 'wrong-secret')).status, 403);
    assert.equal(await t.lastSeq(), seq);
    const [inbound, ...rest] = await messagesOn(t, channel.id);
    assert.deepEqual([inbound?.text, rest.length, inbound?.authorName], ['Kein Internet seit gestern', 0, 'Lena']);
    const reply = await t.request('POST', `/api/v1/cases/${inbound!.caseId}/messages`, { token: t.tokens.agent, body: { text: 'Wir prüfen das.' } });
    await waitForMessage(t, reply.body.id, (m) => m.status === 'sent');
    assert.deepEqual(telegram.sent.map((m) => [String(m.chatId), m.text]), [['91234567', 'Wir prüfen das.']]);
  });

  it('X: the CRC check is answered with the consumer secret; a signed DM is stored once, forged ones are refused, our own echo skipped', async () => {
    const channel = await createChannel(t, { kind: 'x', name: 'X', config: { userId: xUserId, apiBaseUrl: x.url }, secrets: xCredentials });
    const crc = await getXCrc(channel.webhookUrl, 'challenge_token_123');
    assert.equal(crc.status, 200);
    assert.deepEqual(await crc.json(), { response_token: xCrcResponseToken(xCredentials.consumerSecret, 'challenge_token_123') });
    const activity = xDirectMessageActivity({ forUserId: xUserId, senderId: '944480690', senderName: 'Marco', text: 'My bill is wrong' });
    for (let i = 0; i < 3; i++) assert.equal((await postXActivity(channel.webhookUrl, activity, xCredentials.consumerSecret)).status, 200);
    const seq = await t.lastSeq();
    assert.equal((await postXActivity(channel.webhookUrl, activity, undefined)).status, 401);
    assert.equal((await postXActivity(channel.webhookUrl, xDirectMessageActivity({ forUserId: xUserId, senderId: '1', text: 'x' }), 'not-the-secret')).status, 403);
    const echo = xDirectMessageActivity({ forUserId: xUserId, senderId: xUserId, text: 'our own reply' });
    assert.equal((await postXActivity(channel.webhookUrl, echo, xCredentials.consumerSecret)).status, 200);
    assert.equal(await t.lastSeq(), seq);
    const stored = await messagesOn(t, channel.id);
    assert.deepEqual(stored.map((m) => m.text), ['My bill is wrong']);
    const reply = await t.request('POST', `/api/v1/cases/${stored[0]!.caseId}/messages`, { token: t.tokens.agent, body: { text: 'We will fix it today.' } });
    await waitForMessage(t, reply.body.id, (m) => m.status === 'sent');
    assert.equal(x.sent.at(-1)?.text, 'We will fix it today.');
  });

  it('API channel: signed messages are stored once per webhook-id, stale or forged ones refused; replies are signed to the callback', async () => {
    const channel = await createChannel(t, { kind: 'api', name: 'Partner portal', config: { callbackUrl: receiver.url }, secrets: { signingSecret } });
    const envelope = apiChannelMessage({ from: { externalId: 'portal-user-42', name: 'Ada', email: 'ada@example.com' }, text: 'Please call me back' });
    for (let i = 0; i < 3; i++) assert.equal((await postApiChannelMessage(channel.webhookUrl, envelope, signingSecret, { webhookId: 'msg_once' })).status, 200);
    const seq = await t.lastSeq();
    assert.equal((await postApiChannelMessage(channel.webhookUrl, envelope, undefined)).status, 401);
    assert.equal((await postApiChannelMessage(channel.webhookUrl, envelope, generateSigningSecret())).status, 403);
    const stale = Math.floor(Date.now() / 1000) - 3_600;
    assert.equal((await postApiChannelMessage(channel.webhookUrl, envelope, signingSecret, { timestamp: stale })).status, 403);
    assert.equal(await t.lastSeq(), seq);
    const stored = await messagesOn(t, channel.id);
    assert.deepEqual(stored.map((m) => [m.text, m.providerMessageId]), [['Please call me back', 'msg_once']]);
    const reply = await t.request('POST', `/api/v1/cases/${stored[0]!.caseId}/messages`, { token: t.tokens.agent, body: { text: 'Calling you at 3 pm.' } });
    const sent = await waitForMessage(t, reply.body.id, (m) => m.status === 'sent');
    const delivery = receiver.deliveries.at(-1)!;
    assert.equal(delivery.webhookId, reply.body.id, 'the webhook-id of a reply is its message id, the same on every retry');
    assert.equal(sent.providerMessageId, 'ext_1');
  });
});
