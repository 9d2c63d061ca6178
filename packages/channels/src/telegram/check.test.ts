import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChannelRuntime } from '@casekit/core';
import { expectCheckFailure, startTelegramFake, unreachableUrl, type TelegramFake } from '@casekit/testkit/providers';
import { telegramAdapter } from './index.ts';
import type { TelegramConfig, TelegramSecrets } from './index.ts';

const TOKEN = '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const SECRET = 'hook_secret-2026';
const WEBHOOK_URL = 'https://support.example.com/webhooks/ch_telegram';

function runtimeFor(apiBaseUrl: string, botToken = TOKEN): ChannelRuntime<TelegramConfig, TelegramSecrets> {
  const { config, secrets } = telegramAdapter.validate({ config: { apiBaseUrl }, secrets: { botToken, webhookSecret: SECRET } });
  return {
    channel: { id: 'ch_telegram', workspaceId: 'ws_1', kind: 'telegram', name: 'Telegram', config, secrets },
    webhookUrl: WEBHOOK_URL,
    publicUrl: 'https://support.example.com',
    fetch,
    now: () => new Date(),
  };
}

async function setWebhook(telegram: TelegramFake, url: string): Promise<{ ok: boolean; description?: string }> {
  const answer = await fetch(`${telegram.url}/bot${TOKEN}/setWebhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url, secret_token: SECRET }) });
  return (await answer.json()) as { ok: boolean; description?: string };
}

describe('Telegram check: getMe and getWebhookInfo on the fake', () => {
  let telegram: TelegramFake;
  before(async () => {
    telegram = await startTelegramFake({ botToken: TOKEN, username: 'northwind_help_bot' });
  });
  after(() => telegram.close());

  it('says when no webhook is set, and how to set it', async () => {
    const result = await telegramAdapter.check!(runtimeFor(telegram.url));
    assert.match(expectCheckFailure(result, 'misconfigured', undefined), new RegExp(`no webhook for @northwind_help_bot.*setWebhook with url=${WEBHOOK_URL}`));
    assert.equal(result.detail, 'Telegram bot @northwind_help_bot.');
  });

  it("says when the bot's webhook points somewhere else", async () => {
    assert.deepEqual(await setWebhook(telegram, 'https://old-helpdesk.example.net/telegram/hook'), { ok: true, result: true, description: 'Webhook was set' });
    const message = expectCheckFailure(await telegramAdapter.check!(runtimeFor(telegram.url)), 'misconfigured', undefined);
    assert.match(message, /posts @northwind_help_bot's updates to https:\/\/old-helpdesk\.example\.net\/telegram\/hook, not to this channel's webhook URL/);
  });

  it("passes once the webhook is this channel's, with Telegram's last delivery error when it has one", async () => {
    assert.equal((await setWebhook(telegram, WEBHOOK_URL)).ok, true);
    assert.deepEqual(await telegramAdapter.check!(runtimeFor(telegram.url)), { ok: true, detail: 'Telegram bot @northwind_help_bot, webhook set to this channel.' });
    telegram.webhookFailed('Wrong response from the webhook: 403 Forbidden');
    const result = await telegramAdapter.check!(runtimeFor(telegram.url));
    assert.equal(result.ok, true);
    assert.match(result.detail!, /last failed delivery \(\d{4}-\d\d-\d\dT[^)]+\): Wrong response from the webhook: 403 Forbidden\.$/);
  });

  it('blames the bot token Telegram does not know, without showing it', async () => {
    const wrong = '7000000001:AAwrongwrongwrongwrongwrongwrongwrong';
    const message = expectCheckFailure(await telegramAdapter.check!(runtimeFor(telegram.url, wrong)), 'auth', 'secrets.botToken');
    assert.match(message, /Unauthorized/);
    assert.ok(!message.includes(wrong) && !message.includes(TOKEN));
  });

  it('says Telegram cannot be reached, worth another try, and never shows the token-bearing URL', async () => {
    const message = expectCheckFailure(await telegramAdapter.check!(runtimeFor(await unreachableUrl())), 'unreachable', 'config.apiBaseUrl');
    assert.ok(!message.includes(TOKEN));
  });
});

describe('the Telegram fake: setWebhook as Telegram checks it', () => {
  let telegram: TelegramFake;
  before(async () => {
    telegram = await startTelegramFake({ botToken: TOKEN });
  });
  after(() => telegram.close());

  it('refuses plain http and other ports, and keeps what it was given', async () => {
    assert.deepEqual(await setWebhook(telegram, 'http://support.example.com/webhooks/ch_telegram'), {
      ok: false,
      error_code: 400,
      description: 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook',
    });
    assert.equal((await setWebhook(telegram, 'https://support.example.com:3000/hook')).ok, false);
    assert.equal(telegram.webhook.url, '');
    assert.equal((await setWebhook(telegram, WEBHOOK_URL)).ok, true);
    assert.deepEqual(telegram.webhook, { url: WEBHOOK_URL, secretToken: SECRET });
    const info = (await (await fetch(`${telegram.url}/bot${TOKEN}/getWebhookInfo`)).json()) as { ok: boolean; result: Record<string, unknown> };
    assert.deepEqual(info, { ok: true, result: { url: WEBHOOK_URL, has_custom_certificate: false, pending_update_count: 0, max_connections: 40, ip_address: '149.154.167.220' } });
    assert.equal((await (await fetch(`${telegram.url}/bot${TOKEN}/deleteWebhook`, { method: 'POST' })).json() as { ok: boolean }).ok, true);
    assert.equal(telegram.webhook.url, '');
  });
});
