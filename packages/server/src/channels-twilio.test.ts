import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { twilioSms, twilioWhatsApp } from '@casekit/channels/twilio';
import { postTwilioMms, postTwilioSms, postTwilioStatus, postTwilioWebhook, postTwilioWhatsApp, startTwilioFake, type TwilioFake } from '@casekit/testkit/providers';
import { createChannel, messagesOn, waitForMessage } from './internal/channel-testing.ts';
import { startTestServer, WORKSPACE, type TestServer } from './internal/testing.ts';

// Twilio end to end over loopback: the real server and SQLite file, the provider faked.
describe('Twilio channels over HTTP', () => {
  let t: TestServer;
  let twilio: TwilioFake;
  let sms: { id: string; webhookUrl: string };
  const customer = '+14155550123';

  before(async () => {
    twilio = await startTwilioFake();
    t = await startTestServer({ channels: { adapters: [twilioSms, twilioWhatsApp] }, outbox: { intervalMs: 10, backoffMs: () => 30 } });
    sms = await createChannel(t, {
      kind: 'twilio-sms',
      name: 'SMS',
      config: { accountSid: twilio.accountSid, from: '+14155550100', apiBaseUrl: twilio.url },
      secrets: { authToken: twilio.authToken },
    });
  });
  after(async () => {
    await t?.close();
    await twilio?.close();
  });

  it('is configured by an admin through the API: its webhook URL comes back, its token never does', async () => {
    assert.equal(sms.webhookUrl, `${t.url}/webhooks/${sms.id}`);
    const shown = await t.request('GET', `/api/v1/channels/${sms.id}`, { token: t.tokens.agent });
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body.secretNames, ['authToken']);
    assert.ok(!shown.text.includes(twilio.authToken), 'the auth token is not in the answer');
    assert.equal(shown.body.capabilities.maxTextLength, 1600);
    const byAgent = await t.request('POST', '/api/v1/channels', { token: t.tokens.agent, body: { kind: 'twilio-sms', name: 'x', config: {}, secrets: {} } });
    assert.equal(byAgent.status, 403);
    const bad = await t.request('POST', '/api/v1/channels', { token: t.tokens.admin, body: { kind: 'twilio-sms', name: 'x', config: { accountSid: 'nope', from: '+14155550100' }, secrets: { authToken: 'x' } } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details.issues[0].path, 'body.config.accountSid');
  });

  it('stores a signed message once, however often Twilio delivers it', async () => {
    const before = await t.lastSeq();
    const first = await postTwilioSms({ url: sms.webhookUrl, authToken: twilio.authToken, accountSid: twilio.accountSid, from: customer, to: '+14155550100', body: 'My fibre is down' });
    assert.equal(first.response.status, 200);
    assert.match(await first.response.text(), /<Response><\/Response>/);
    for (let i = 0; i < 3; i++) {
      const again = await postTwilioWebhook({ url: sms.webhookUrl, authToken: twilio.authToken, params: first.params });
      assert.equal(again.response.status, 200);
    }
    const stored = await messagesOn(t, sms.id);
    assert.equal(stored.length, 1);
    assert.deepEqual([stored[0]!.text, stored[0]!.providerMessageId, stored[0]!.channelKind], ['My fibre is down', first.params.MessageSid, 'sms']);
    const profile = await t.store.getCustomer(WORKSPACE, stored[0]!.customerId);
    assert.deepEqual(profile?.phones, [customer]);
    assert.ok(await t.lastSeq() > before);
  });

  it('lets an agent open a photo the customer sent by MMS, fetched from Twilio with the channel\'s credentials', async () => {
    const photo = Buffer.from('\xff\xd8\xff\xe0 a small jpeg', 'latin1');
    const mms = await postTwilioMms({ url: sms.webhookUrl, authToken: twilio.authToken, accountSid: twilio.accountSid, from: customer, to: '+14155550100', body: 'The router', media: [{ url: twilio.addMedia('image/jpeg', photo), contentType: 'image/jpeg' }] });
    assert.equal(mms.response.status, 200);
    const message = (await messagesOn(t, sms.id)).find((m) => m.providerMessageId === mms.params.MessageSid)!;
    assert.equal(message.attachments.length, 1);
    const file = await fetch(`${t.url}/api/v1/cases/${message.caseId}/messages/${message.id}/attachments/0`, { headers: { authorization: `Bearer ${t.tokens.agent}` } });
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), photo);
  });

  it('stores one message when Twilio delivers the same one ten times at once', async () => {
    const params = { MessageSid: `SM${'c'.repeat(32)}`, AccountSid: twilio.accountSid, From: '+14155550124', To: '+14155550100', Body: 'all at once', NumMedia: '0' };
    const answers = await Promise.all(Array.from({ length: 10 }, () => postTwilioWebhook({ url: sms.webhookUrl, authToken: twilio.authToken, params })));
    assert.deepEqual(answers.map((a) => a.response.status), Array(10).fill(200));
    assert.equal((await messagesOn(t, sms.id)).filter((m) => m.text === 'all at once').length, 1);
  });

  it('refuses unsigned, forged, tampered and mis-addressed deliveries before reading them, storing nothing', async () => {
    const seq = await t.lastSeq();
    const params = { MessageSid: 'SM' + 'f'.repeat(32), AccountSid: twilio.accountSid, From: customer, To: '+14155550100', Body: 'forged', NumMedia: '0' };
    const unsigned = await fetch(sms.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
    assert.equal(unsigned.status, 401);
    const forged = await postTwilioWebhook({ url: sms.webhookUrl, authToken: 'not-the-token', params });
    assert.equal(forged.response.status, 403);
    const signed = await postTwilioWebhook({ url: sms.webhookUrl, authToken: twilio.authToken, params });
    await signed.response.text();
    const tampered = await fetch(sms.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signed.signature },
      body: new URLSearchParams({ ...params, Body: 'tampered' }).toString(),
    });
    assert.equal(tampered.status, 403);
    const elsewhere = await postTwilioWebhook({ url: sms.webhookUrl, signedUrl: 'https://attacker.example/webhooks/x', authToken: twilio.authToken, params: { ...params, MessageSid: 'SM' + 'e'.repeat(32) } });
    assert.equal(elsewhere.response.status, 403);
    // The signed one went through; nothing else did.
    assert.deepEqual((await messagesOn(t, sms.id)).filter((m) => !['My fibre is down', 'all at once', 'The router'].includes(m.text)).map((m) => m.text), ['forged']);
    assert.ok(await t.lastSeq() > seq);
    const afterAll = await t.lastSeq();
    const missing = await postTwilioSms({ url: `${t.url}/webhooks/ch_missing`, authToken: twilio.authToken, body: 'x' });
    assert.equal(missing.response.status, 404);
    const huge = await fetch(sms.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'x' }, body: `Body=${'a'.repeat(2 * 1024 * 1024)}` });
    assert.equal(huge.status, 413, 'a body past the limit is refused before it is checked');
    assert.equal(await t.lastSeq(), afterAll);
  });

  it('sends the reply on the customer\'s channel, keeps Twilio\'s id, and moves its status forward only', async () => {
    const [inbound] = await messagesOn(t, sms.id);
    const reply = await t.request('POST', `/api/v1/cases/${inbound!.caseId}/messages`, { token: t.tokens.agent, body: { text: 'A technician is on the way.' } });
    assert.equal(reply.status, 201, reply.text);
    assert.equal(reply.body.status, 'queued');
    const sent = await waitForMessage(t, reply.body.id, (m) => m.status === 'sent');
    const out = twilio.sent.find((m) => m.body === 'A technician is on the way.');
    assert.ok(out, 'Twilio received it');
    assert.deepEqual([out.to, out.from, out.statusCallback], [customer, '+14155550100', sms.webhookUrl]);
    assert.equal(sent.providerMessageId, out.sid);
    assert.equal((await postTwilioStatus({ url: sms.webhookUrl, authToken: twilio.authToken, accountSid: twilio.accountSid, messageSid: out.sid, status: 'delivered' })).response.status, 200);
    await waitForMessage(t, reply.body.id, (m) => m.status === 'delivered');
    // A late "sent" callback does not move it back.
    await postTwilioStatus({ url: sms.webhookUrl, authToken: twilio.authToken, accountSid: twilio.accountSid, messageSid: out.sid, status: 'sent' });
    assert.equal((await t.store.getMessage(WORKSPACE, reply.body.id))!.status, 'delivered');
  });

  it('rides out an outage: the reply waits, is retried and goes out exactly once', async () => {
    const [inbound] = await messagesOn(t, sms.id);
    const count = twilio.sent.length;
    twilio.failNext(3, 500);
    const reply = await t.request('POST', `/api/v1/cases/${inbound!.caseId}/messages`, { token: t.tokens.agent, body: { text: 'After the outage' } });
    assert.equal(reply.status, 201);
    await waitForMessage(t, reply.body.id, (m) => m.status === 'sent');
    assert.equal(twilio.sent.length, count + 1);
    assert.equal(twilio.sent.filter((m) => m.body === 'After the outage').length, 1);
  });

  it('fails a reply Twilio refuses for good, with its reason, and does not try it again', async () => {
    const [inbound] = await messagesOn(t, sms.id);
    twilio.failPermanently(21610);
    try {
      const requests = twilio.requests;
      const reply = await t.request('POST', `/api/v1/cases/${inbound!.caseId}/messages`, { token: t.tokens.agent, body: { text: 'Are you there?' } });
      const failed = await waitForMessage(t, reply.body.id, (m) => m.status === 'failed');
      assert.equal(failed.deliveryError?.code, '21610');
      assert.ok(failed.deliveryError!.reason.length > 0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(twilio.requests, requests + 1, 'tried once');
      // Once the customer can be reached again, the agent sends it again.
      twilio.failPermanently(null);
      const retried = await t.request('POST', `/api/v1/cases/${inbound!.caseId}/messages/${reply.body.id}/retry`, { token: t.tokens.agent });
      assert.equal(retried.status, 200, retried.text);
      assert.deepEqual([retried.body.status, retried.body.deliveryError], ['queued', undefined]);
      const sent = await waitForMessage(t, reply.body.id, (m) => m.status === 'sent');
      assert.equal(sent.deliveryError, undefined);
      const again = await t.request('POST', `/api/v1/cases/${inbound!.caseId}/messages/${reply.body.id}/retry`, { token: t.tokens.agent });
      assert.equal(again.status, 409, 'only a failed reply can be sent again');
    } finally {
      twilio.failPermanently(null);
    }
  });

  it('stores nothing for a disabled channel, and takes messages again once it is enabled', async () => {
    const disable = await t.request('PATCH', `/api/v1/channels/${sms.id}`, { token: t.tokens.admin, body: { enabled: false } });
    assert.equal(disable.status, 200);
    assert.equal(disable.body.enabled, false);
    const seq = await t.lastSeq();
    const refused = await postTwilioSms({ url: sms.webhookUrl, authToken: twilio.authToken, accountSid: twilio.accountSid, from: customer, body: 'while disabled' });
    assert.equal(refused.response.status, 410);
    assert.equal(await t.lastSeq(), seq);
    await t.request('PATCH', `/api/v1/channels/${sms.id}`, { token: t.tokens.admin, body: { enabled: true } });
    const taken = await postTwilioSms({ url: sms.webhookUrl, authToken: twilio.authToken, accountSid: twilio.accountSid, from: customer, body: 'enabled again' });
    assert.equal(taken.response.status, 200);
  });

  it('asks for the secrets again when the channel is pointed somewhere else, so a changed URL cannot take them', async () => {
    const moved = await t.request('PATCH', `/api/v1/channels/${sms.id}`, { token: t.tokens.admin, body: { config: { accountSid: twilio.accountSid, from: '+14155550100', apiBaseUrl: 'https://collector.example' } } });
    assert.equal(moved.status, 400, moved.text);
    assert.equal(moved.body.error.details.issues[0].path, 'body.secrets.authToken');
    assert.equal((await t.store.getChannel(WORKSPACE, sms.id))?.config.apiBaseUrl, twilio.url, 'nothing changed');
    const renamed = await t.request('PATCH', `/api/v1/channels/${sms.id}`, { token: t.tokens.admin, body: { config: { accountSid: twilio.accountSid, from: '+14155550100', apiBaseUrl: twilio.url }, name: 'SMS' } });
    assert.equal(renamed.status, 200, 'the same destinations keep the secrets');
    assert.deepEqual(renamed.body.secretNames, ['authToken']);
  });

  it('rotates the auth token: the old one no longer verifies', async () => {
    const rotated = await t.request('PATCH', `/api/v1/channels/${sms.id}`, { token: t.tokens.admin, body: { secrets: { authToken: 'rotated-token-0123456789' } } });
    assert.equal(rotated.status, 200, rotated.text);
    const old = await postTwilioSms({ url: sms.webhookUrl, authToken: twilio.authToken, accountSid: twilio.accountSid, from: customer, body: 'old token' });
    assert.equal(old.response.status, 403);
    const fresh = await postTwilioSms({ url: sms.webhookUrl, authToken: 'rotated-token-0123456789', accountSid: twilio.accountSid, from: customer, body: 'new token' });
    assert.equal(fresh.response.status, 200);
    await t.request('PATCH', `/api/v1/channels/${sms.id}`, { token: t.tokens.admin, body: { secrets: { authToken: twilio.authToken } } });
  });

  it('answers a reply outside WhatsApp\'s 24-hour window with a clear error', async () => {
    const wa = await createChannel(t, {
      kind: 'twilio-whatsapp',
      name: 'WhatsApp',
      config: { accountSid: twilio.accountSid, from: 'whatsapp:+14155550111', apiBaseUrl: twilio.url },
      secrets: { authToken: twilio.authToken },
    });
    const inbound = await postTwilioWhatsApp({ url: wa.webhookUrl, authToken: twilio.authToken, accountSid: twilio.accountSid, from: 'whatsapp:+14155550188', to: 'whatsapp:+14155550111', body: 'Hola' });
    assert.equal(inbound.response.status, 200);
    const [message] = await messagesOn(t, wa.id);
    // Twilio itself refuses with 63016 when the window has closed.
    twilio.failPermanently(63016);
    try {
      const reply = await t.request('POST', `/api/v1/cases/${message!.caseId}/messages`, { token: t.tokens.agent, body: { text: 'Hola, ¿cómo podemos ayudar?' } });
      const failed = await waitForMessage(t, reply.body.id, (m) => m.status === 'failed');
      assert.equal(failed.deliveryError?.code, 'window_closed');
      assert.match(failed.deliveryError!.reason, /template/i);
    } finally {
      twilio.failPermanently(null);
    }
  });
});
