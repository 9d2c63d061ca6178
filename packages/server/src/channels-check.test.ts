import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { emailAdapter } from '@casekit/channels/email';
import { telegramAdapter } from '@casekit/channels/telegram';
import { twilioSms } from '@casekit/channels/twilio';
import type { ChannelAdapter } from '@casekit/core';
import { startSmtpSink, startTelegramFake, startTwilioFake, unreachableUrl, type SmtpSink, type TelegramFake, type TwilioFake } from '@casekit/testkit/providers';
import { createChannel } from './internal/channel-testing.ts';
import { startTestServer, type TestServer } from './internal/testing.ts';

const PUBLIC_URL = 'https://support.northwind.example';
const BOT_TOKEN = '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

/** An adapter whose check repeats its token, as a careless one might: the API must not pass it on. */
const careless: ChannelAdapter = {
  ...twilioSms,
  kind: 'careless',
  check: async (runtime) => ({ ok: false, error: { code: 'auth', message: `token ${(runtime.channel.secrets as { authToken: string }).authToken} refused`, retryable: false } }),
};

/** An adapter whose check throws with its token in the message, as a URL with a bot token in its path would. */
const throwing: ChannelAdapter = {
  ...twilioSms,
  kind: 'throwing',
  check: async (runtime) => {
    throw new Error(`GET https://provider.example/bot${(runtime.channel.secrets as { authToken: string }).authToken}/me failed`);
  },
};

// "Test this channel" end to end: the real server over loopback, each provider faked.
describe('POST /api/v1/channels/:id/test over HTTP', () => {
  let t: TestServer;
  let twilio: TwilioFake;
  let telegram: TelegramFake;
  let relay: SmtpSink;
  const test = (id: string, token = t.tokens.admin) => t.request('POST', `/api/v1/channels/${id}/test`, { token });

  before(async () => {
    [twilio, telegram, relay] = await Promise.all([
      startTwilioFake({ friendlyName: 'Northwind ISP', phoneNumbers: ['+14155550100'] }),
      startTelegramFake({ botToken: BOT_TOKEN, username: 'northwind_help_bot' }),
      startSmtpSink({ user: 'support@northwind.example', password: 'relay-pass-1' }),
    ]);
    t = await startTestServer({ channels: { adapters: [twilioSms, telegramAdapter, emailAdapter, careless, throwing], publicUrl: PUBLIC_URL }, outbox: false });
  });
  after(async () => {
    await t?.close();
    await Promise.all([twilio?.close(), telegram?.close(), relay?.close()]);
  });

  it('Twilio: names the account; after a wrong Auth Token is saved, blames that field, never showing a token', async () => {
    const sms = await createChannel(t, {
      kind: 'twilio-sms',
      name: 'SMS',
      config: { accountSid: twilio.accountSid, from: '+14155550100', apiBaseUrl: twilio.url },
      secrets: { authToken: twilio.authToken },
    });
    const passed = await test(sms.id);
    assert.equal(passed.status, 200);
    assert.deepEqual(passed.body, { ok: true, detail: `Twilio account “Northwind ISP” (${twilio.accountSid}), sending from +14155550100.` });
    assert.ok(!passed.text.includes(twilio.authToken), "Twilio's answer carries the token; ours does not");

    const wrong = 'e'.repeat(32);
    assert.equal((await t.request('PATCH', `/api/v1/channels/${sms.id}`, { token: t.tokens.admin, body: { secrets: { authToken: wrong } } })).status, 200);
    const failed = await test(sms.id);
    assert.equal(failed.status, 200, 'a failed check is a successful request');
    assert.equal(failed.body.ok, false);
    assert.deepEqual([failed.body.error.code, failed.body.error.field, failed.body.error.retryable], ['auth', 'secrets.authToken', false]);
    assert.ok(!failed.text.includes(wrong) && !failed.text.includes(twilio.authToken));
  });

  it("Telegram: says the webhook is not set, then passes once Telegram posts to the channel's webhook URL", async () => {
    const bot = await createChannel(t, { kind: 'telegram', name: 'Telegram', config: { apiBaseUrl: telegram.url }, secrets: { botToken: BOT_TOKEN, webhookSecret: 'hook_secret-2026' } });
    assert.equal(bot.webhookUrl, `${PUBLIC_URL}/webhooks/${bot.id}`);
    const unset = await test(bot.id);
    assert.deepEqual([unset.status, unset.body.ok, unset.body.error.code, unset.body.detail], [200, false, 'misconfigured', 'Telegram bot @northwind_help_bot.']);
    assert.ok(unset.body.error.message.includes(bot.webhookUrl), 'it says which URL to give setWebhook');
    assert.ok(!unset.text.includes(BOT_TOKEN));

    const set = await fetch(`${telegram.url}/bot${BOT_TOKEN}/setWebhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: bot.webhookUrl, secret_token: 'hook_secret-2026' }) });
    assert.equal(set.status, 200);
    assert.deepEqual((await test(bot.id)).body, { ok: true, detail: 'Telegram bot @northwind_help_bot, webhook set to this channel.' });
  });

  it('email: logs in to the SMTP relay without sending; a wrong password and an unreachable relay are told apart', async () => {
    const smtp = { host: '127.0.0.1', port: relay.port, secure: false, user: 'support@northwind.example' };
    const mail = await createChannel(t, { kind: 'email', name: 'Mail', config: { address: 'support@northwind.example', inbound: 'smtp', smtp }, secrets: { smtpPassword: 'relay-pass-1' } });
    const passed = await test(mail.id);
    assert.deepEqual(passed.body, { ok: true, detail: `SMTP relay 127.0.0.1:${relay.port} logged in as support@northwind.example; replies go out from support@northwind.example.` });
    assert.equal(relay.messages.length, 0, 'nothing was sent');

    await t.request('PATCH', `/api/v1/channels/${mail.id}`, { token: t.tokens.admin, body: { secrets: { smtpPassword: 'not-the-password' } } });
    const refused = await test(mail.id);
    assert.deepEqual([refused.body.ok, refused.body.error.code, refused.body.error.field], [false, 'auth', 'secrets.smtpPassword']);
    assert.ok(!refused.text.includes('not-the-password'));

    // Secure on and then off: the password would go out in the clear, so it must be given again.
    const tls = await t.request('PATCH', `/api/v1/channels/${mail.id}`, { token: t.tokens.admin, body: { config: { address: 'support@northwind.example', inbound: 'smtp', smtp: { ...smtp, secure: true } }, secrets: { smtpPassword: 'relay-pass-1' } } });
    assert.equal(tls.status, 200, tls.text);
    const plain = await t.request('PATCH', `/api/v1/channels/${mail.id}`, { token: t.tokens.admin, body: { config: { address: 'support@northwind.example', inbound: 'smtp', smtp } } });
    assert.equal(plain.status, 400, plain.text);
    assert.match(plain.text, /secrets\.smtpPassword/);
    const kept = await t.request('GET', `/api/v1/channels/${mail.id}`, { token: t.tokens.admin });
    assert.deepEqual([kept.body.config.smtp.secure, kept.body.secretNames], [true, ['smtpPassword']], 'nothing changed');

    const port = Number(new URL(await unreachableUrl()).port);
    const moved = await t.request('PATCH', `/api/v1/channels/${mail.id}`, { token: t.tokens.admin, body: { config: { address: 'support@northwind.example', inbound: 'smtp', smtp: { ...smtp, port } }, secrets: { smtpPassword: 'relay-pass-1' } } });
    assert.equal(moved.status, 200, moved.text);
    const down = await test(mail.id);
    assert.deepEqual([down.body.ok, down.body.error.code, down.body.error.field, down.body.error.retryable], [false, 'unreachable', 'config.smtp', true]);
  });

  it('is for admins; a missing channel is 404; web chat and an unfinished channel say why there is nothing to check', async () => {
    const sms = (await t.request('GET', '/api/v1/channels', { token: t.tokens.admin })).body.items.find((c: { kind: string }) => c.kind === 'twilio-sms');
    assert.equal((await test(sms.id, t.tokens.agent)).status, 403);
    assert.equal((await test(sms.id, t.tokens.supervisor)).status, 403);
    assert.equal((await t.request('POST', `/api/v1/channels/${sms.id}/test`, {})).status, 401);
    const missing = await test('ch_nope');
    assert.deepEqual([missing.status, missing.body.error.code], [404, 'not_found']);

    const web = await test('webchat');
    assert.deepEqual([web.status, web.body.ok, web.body.error.code], [200, false, 'unsupported']);
    // Provisioned outside the API with no settings at all.
    const bare = await test('email');
    assert.deepEqual([bare.body.ok, bare.body.error.code, bare.body.error.field], [false, 'misconfigured', 'config.address']);
  });

  it("blanks out a channel's secret that an adapter's check lets slip", async () => {
    const token = 'careless-token-123456';
    const channel = await createChannel(t, { kind: 'careless', name: 'Careless', config: { accountSid: `AC${'1'.repeat(32)}`, from: '+14155550100' }, secrets: { authToken: token } });
    const answer = await test(channel.id);
    assert.equal(answer.body.error.message, 'token •••• refused');
    assert.ok(!answer.text.includes(token));
  });

  it("keeps a channel's secret out of the answer and the server's log when an adapter's check throws", async () => {
    const token = 'throwing-token-654321';
    const channel = await createChannel(t, { kind: 'throwing', name: 'Throwing', config: { accountSid: `AC${'2'.repeat(32)}`, from: '+14155550100' }, secrets: { authToken: token } });
    const answer = await test(channel.id);
    assert.equal(answer.body.error.code, 'rejected');
    assert.ok(!answer.text.includes(token));
    const logged = t.errors.find((entry) => entry.message === 'channel check failed');
    assert.ok(logged, 'the fault is logged for the team');
    assert.ok(!JSON.stringify(logged).includes(token), 'the log names no secret');
  });
});
