import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALL_CHANNEL_ADAPTERS } from '@casekit/channels';
import { generateSigningSecret } from '@casekit/channels/api';
import { signApiChannelWebhook, signMetaPayload, signTwilioRequest, xWebhookSignature } from '@casekit/testkit/providers';
import { createChannel } from './internal/channel-testing.ts';
import { startTestServer, type TestServer } from './internal/testing.ts';

// What someone outside the team would send: garbage, unsigned or signed with the right secret.
// Nothing may answer 5xx, and nothing may be stored.
describe('hostile webhooks', () => {
  let t: TestServer;
  const apiSecret = generateSigningSecret();
  const secrets = {
    twilio: 'twilio-token-0123', meta: 'meta-app-secret-0123', telegram: 'telegram-secret-0123', x: 'x-consumer-secret-0123',
  };
  const urls: Record<string, string> = {};
  // A body of each hostile shape, as text.
  const bodies = [
    '',
    '\u0000\u0000\u0000',
    'not json at all',
    '{"object":',
    '[]',
    'null',
    '{"object":"whatsapp_business_account","entry":"nope"}',
    '{"object":"page","entry":[{"messaging":[{"sender":{},"message":{"text":42}}]}]}',
    '{"update_id":"x","message":{"chat":null}}',
    '{"direct_message_events":[{"type":"message_create","message_create":null}]}',
    '{"type":"message.created","data":{"from":{},"text":null}}',
    `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
    `{"a":"${'\ud800'}"}`,
    JSON.stringify({ object: 'whatsapp_business_account', entry: [{ changes: [{ value: { messages: [{ from: '\u0000', id: 'x'.repeat(10_000), type: 'text', text: { body: 'hi' } }] } }] }] }),
    'From=%00&Body=%FF%FE&MessageSid=SM&NumMedia=99999',
    'Body=x&MediaUrl0=javascript:alert(1)&NumMedia=1&MessageSid=SM' + 'a'.repeat(32),
  ];

  before(async () => {
    t = await startTestServer({ channels: { adapters: ALL_CHANNEL_ADAPTERS }, outbox: false });
    const make = async (kind: string, config: object, channelSecrets: object) => (urls[kind] = (await createChannel(t, { kind, name: kind, config, secrets: channelSecrets })).webhookUrl);
    await make('twilio-sms', { accountSid: `AC${'a'.repeat(32)}`, from: '+14155550100' }, { authToken: secrets.twilio });
    await make('whatsapp-cloud', { phoneNumberId: '106540352242922' }, { appSecret: secrets.meta, accessToken: 'x', verifyToken: 'y' });
    await make('messenger', { pageId: '104857600012345' }, { appSecret: secrets.meta, pageAccessToken: 'x', verifyToken: 'y' });
    await make('telegram', {}, { botToken: '1:x', webhookSecret: secrets.telegram });
    await make('x', { userId: '3805104374' }, { consumerKey: 'a', consumerSecret: secrets.x, accessToken: 'b', accessTokenSecret: 'c' });
    await make('api', { callbackUrl: 'http://127.0.0.1:9/x' }, { signingSecret: apiSecret });
    await make('email', { address: 'mg@fibrelink.example', inbound: 'mailgun', smtp: { host: '127.0.0.1', port: 25, secure: false } }, { mailgunSigningKey: 'mailgun-key-0123' });
  });
  after(() => t?.close());

  /** The headers that make `body` correctly signed for each kind. */
  const signed = (kind: string, url: string, body: string): Record<string, string> => {
    const now = Math.floor(Date.now() / 1000);
    switch (kind) {
      case 'twilio-sms':
        return { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signTwilioRequest(secrets.twilio, url, Object.fromEntries(new URLSearchParams(body))) };
      case 'whatsapp-cloud':
      case 'messenger':
        return { 'content-type': 'application/json', ...signMetaPayload(secrets.meta, body) };
      case 'telegram':
        return { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secrets.telegram };
      case 'x':
        return { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xWebhookSignature(secrets.x, body) };
      case 'api':
        return { 'content-type': 'application/json', ...signApiChannelWebhook(apiSecret, `msg_${Math.random()}`, now, body) };
      default:
        return { 'content-type': 'application/x-www-form-urlencoded' };
    }
  };

  it('answers garbage, unsigned or correctly signed, with a 4xx and stores nothing', async () => {
    const seq = await t.lastSeq();
    const answered: Record<number, number> = {};
    let requests = 0;
    for (const [kind, url] of Object.entries(urls)) {
      for (const body of bodies) {
        for (const headers of [{ 'content-type': 'application/json' }, signed(kind, url, body), { ...signed(kind, url, body), 'content-type': 'text/plain' }]) {
          const res = await fetch(url, { method: 'POST', headers, body });
          await res.arrayBuffer();
          requests++;
          answered[res.status] = (answered[res.status] ?? 0) + 1;
          assert.ok(res.status < 500, `${kind} answered ${res.status} to ${JSON.stringify(body.slice(0, 60))}`);
        }
      }
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1&crc_token=%00`, { method });
        await res.arrayBuffer();
        assert.ok(res.status < 500 && res.status !== 200, `${kind} ${method} answered ${res.status}`);
      }
    }
    const stored = await t.store.listEvents('ws_test', { after: seq, limit: 50 });
    assert.deepEqual(stored.map((e) => JSON.stringify(e.data).slice(0, 300)), [], 'nothing was stored');
    assert.deepEqual(t.errors, [], 'nothing was logged as an error');
    assert.ok(requests > 300);
    assert.ok(Object.keys(answered).every((status) => Number(status) >= 200 && Number(status) < 500));
  });
});
