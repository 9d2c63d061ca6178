import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ChannelConfigError, ChannelPayloadError } from '@casekit/core';
import type { ChannelAdapter, ChannelRuntime, InboundMessageEvent, WebhookRequest } from '@casekit/core';
import { postTelegramUpdate, telegramUpdate } from '@casekit/testkit/providers';
import { telegramAdapter } from './index.ts';
import type { TelegramConfig, TelegramSecrets } from './index.ts';

// Real updates (webhook-samples/telegram-private-text.json and telegram-group-reply.json, from
// teloxide's tests, MIT), byte for byte.
const PRIVATE_TEXT =
  '{"update_id":892252934,"message":{"message_id":6557,"from":{"id":218485655,"is_bot":false,"first_name":"Waffle","username":"WaffleLapkin","language_code":"en"},"chat":{"id":218485655,"first_name":"Waffle","username":"WaffleLapkin","type":"private"},"date":1569518342,"text":"hello there","link_preview_options":{"is_disabled":true}}}';
const GROUP_REPLY =
  '{"message":{"chat":{"id":-1001293752024,"title":"CryptoInside Chat","type":"supergroup","username":"cryptoinside_talk"},"date":1721592580,"entities":[{"length":7,"offset":0,"type":"bot_command"}],"from":{"first_name":"the Cable Guy","id":5964236329,"is_bot":false,"language_code":"en","username":"spacewhaleblues"},"message_id":134546,"message_thread_id":134545,"reply_to_message":{"chat":{"id":-1001293752024,"title":"CryptoInside Chat","type":"supergroup","username":"cryptoinside_talk"},"date":1721592028,"from":{"first_name":"Wert","id":6962620676,"is_bot":false,"username":"WertCrypto"},"message_id":134545,"story":{"chat":{"id":-1002149282975,"title":"TON Spin","type":"channel","username":"TONSpinChannel"},"id":2}},"text":"/report"},"update_id":439432600}';

const SECRET = 'hook_secret-2026';
const runtime: ChannelRuntime<TelegramConfig, TelegramSecrets> = {
  channel: {
    id: 'ch_telegram',
    workspaceId: 'ws_1',
    kind: 'telegram',
    name: 'Telegram',
    config: { apiBaseUrl: 'http://127.0.0.1:9' },
    secrets: { botToken: '123456:AAE-test-token', webhookSecret: SECRET },
  },
  webhookUrl: 'https://support.example.com/webhooks/ch_telegram',
  publicUrl: 'https://support.example.com',
  fetch,
  now: () => new Date(),
};

function request(body: string, headers: Record<string, string | undefined> = { 'x-telegram-bot-api-secret-token': SECRET }): WebhookRequest {
  return { method: 'POST', url: runtime.webhookUrl, headers, body: new TextEncoder().encode(body) };
}

async function eventsOf(body: string | object): Promise<InboundMessageEvent[]> {
  const parsed = await telegramAdapter.parse(request(typeof body === 'string' ? body : JSON.stringify(body)), runtime);
  return parsed.events.map((event) => {
    assert.equal(event.type, 'message');
    return event as InboundMessageEvent;
  });
}

describe('telegram settings', () => {
  it('fits the plain ChannelAdapter the server keeps adapters as', () => {
    const port: ChannelAdapter = telegramAdapter;
    assert.deepEqual([port.kind, port.medium], ['telegram', 'telegram']);
  });

  it('defaults the API base to Telegram and keeps a given one without its trailing slash', () => {
    const secrets = { botToken: '123456:AAE-test-token', webhookSecret: SECRET };
    assert.equal(telegramAdapter.validate({ config: {}, secrets }).config.apiBaseUrl, 'https://api.telegram.org');
    assert.equal(telegramAdapter.validate({ config: { apiBaseUrl: 'http://127.0.0.1:8081/' }, secrets }).config.apiBaseUrl, 'http://127.0.0.1:8081');
  });

  it('names the field that is wrong', () => {
    const field = (input: { config: unknown; secrets: unknown }) => {
      try {
        telegramAdapter.validate(input);
      } catch (error) {
        assert.ok(error instanceof ChannelConfigError);
        return error.field;
      }
      return 'valid';
    };
    assert.equal(field({ config: {}, secrets: { botToken: 'not a token', webhookSecret: SECRET } }), 'secrets.botToken');
    assert.equal(field({ config: {}, secrets: { botToken: '1:a', webhookSecret: 'has spaces in it' } }), 'secrets.webhookSecret');
    assert.equal(field({ config: {}, secrets: { botToken: '1:a' } }), 'secrets.webhookSecret');
    assert.equal(field({ config: { apiBaseUrl: 'ftp://x' }, secrets: { botToken: '1:a', webhookSecret: SECRET } }), 'config.apiBaseUrl');
  });
});

describe('telegram webhook verification', () => {
  it('accepts the secret token setWebhook was given', async () => {
    assert.deepEqual(await telegramAdapter.verify(request(PRIVATE_TEXT), runtime), { ok: true });
  });

  it('answers 401 when the secret header is missing or empty', async () => {
    for (const headers of [{}, { 'x-telegram-bot-api-secret-token': '' }]) {
      const verdict = await telegramAdapter.verify(request(PRIVATE_TEXT, headers), runtime);
      assert.equal(verdict.ok, false);
      assert.equal(!verdict.ok && verdict.status, 401);
    }
  });

  it('answers 403 to a forged secret, of any length', async () => {
    for (const forged of ['hook_secret-2027', 'hook_secret', `${SECRET}x`, SECRET.toUpperCase()]) {
      const verdict = await telegramAdapter.verify(request(PRIVATE_TEXT, { 'x-telegram-bot-api-secret-token': forged }), runtime);
      assert.equal(!verdict.ok && verdict.status, 403, forged);
    }
  });
});

describe('telegram updates', () => {
  it('reads a private chat message: the sender is the chat, no thread key', async () => {
    assert.deepEqual(await eventsOf(PRIVATE_TEXT), [
      {
        type: 'message',
        providerMessageId: '218485655:6557',
        from: { externalId: '218485655', name: 'Waffle' },
        text: 'hello there',
        attachments: [],
        sentAt: '2019-09-26T17:19:02.000Z',
      },
    ]);
  });

  it('reads a supergroup reply: the group is the thread, the sender the customer, the quoted message a reference', async () => {
    const [event] = await eventsOf(GROUP_REPLY);
    assert.equal(event?.providerMessageId, '-1001293752024:134546');
    assert.equal(event?.threadKey, '-1001293752024');
    assert.deepEqual(event?.from, { externalId: '5964236329', name: 'the Cable Guy' });
    assert.deepEqual(event?.references, ['-1001293752024:134545']);
    assert.equal(event?.text, '/report');
  });

  it('names the sender from first and last name, else from the username', async () => {
    const [full] = await eventsOf(telegramUpdate({ from: { id: 5, firstName: 'Ann', lastName: 'Lee', username: 'annl' }, text: 'hi' }));
    assert.equal(full?.from.name, 'Ann Lee');
    const [bare] = await eventsOf(telegramUpdate({ from: { id: 5, firstName: '', username: 'annl' }, text: 'hi' }));
    assert.equal(bare?.from.name, '@annl');
  });

  it('keeps a photo (largest size), a document and a voice note by reference, with the caption as text', async () => {
    const from = { id: 42, firstName: 'Ann' };
    const [photo] = await eventsOf(telegramUpdate({ from, caption: 'my router', photo: { fileId: 'AgACAgQ-big', uniqueId: 'AQADbig' } }));
    assert.equal(photo?.text, 'my router');
    assert.deepEqual(photo?.attachments, [{ name: 'photo_AQADbig.jpg', contentType: 'image/jpeg', url: 'telegram-file:AgACAgQ-big', size: 102_144 }]);

    const document = { fileId: 'BQACAgQ-doc', uniqueId: 'AgADdoc', fileName: 'invoice.pdf', mimeType: 'application/pdf', size: 53_211 };
    const [doc] = await eventsOf(telegramUpdate({ from, document }));
    assert.equal(doc?.text, '');
    assert.deepEqual(doc?.attachments, [{ name: 'invoice.pdf', contentType: 'application/pdf', url: 'telegram-file:BQACAgQ-doc', size: 53_211 }]);

    const [voice] = await eventsOf(telegramUpdate({ from, voice: { fileId: 'AwACAgQ-voice', uniqueId: 'AgADvoice', duration: 3, size: 9_050 } }));
    assert.deepEqual(voice?.attachments, [{ name: 'voice_AgADvoice.ogg', contentType: 'audio/ogg', url: 'telegram-file:AwACAgQ-voice', size: 9_050 }]);
  });

  it('turns an edit into a message of its own that answers the original', async () => {
    const [event] = await eventsOf(telegramUpdate({ from: { id: 42, firstName: 'Ann' }, messageId: 77, text: 'account 1234, not 1243', date: 1_700_000_000, editDate: 1_700_000_090 }));
    assert.equal(event?.providerMessageId, '42:77:edited:1700000090');
    assert.deepEqual(event?.references, ['42:77']);
    assert.deepEqual(event?.headers, { 'telegram-edit-of': '42:77' });
    assert.equal(event?.text, 'account 1234, not 1243');
    assert.equal(event?.sentAt, new Date(1_700_000_090_000).toISOString());
  });

  it('yields nothing for other update kinds, bots and service messages', async () => {
    const callback = { update_id: 1, callback_query: { id: '4382bfdwdsb323b2d9', from: { id: 42, is_bot: false, first_name: 'Ann' }, data: 'yes' } };
    assert.deepEqual(await eventsOf(callback), []);
    const fromBot = { update_id: 2, message: { message_id: 1, date: 1, chat: { id: -5, type: 'group' }, from: { id: 9, is_bot: true, first_name: 'OtherBot' }, text: 'beep' } };
    assert.deepEqual(await eventsOf(fromBot), []);
    const joined = { update_id: 3, message: { message_id: 2, date: 1, chat: { id: -5, type: 'group' }, from: { id: 42, is_bot: false, first_name: 'Ann' }, new_chat_members: [{ id: 42 }] } };
    assert.deepEqual(await eventsOf(joined), []);
  });

  it('refuses a body that is not a Telegram update', async () => {
    await assert.rejects(eventsOf('{"update_id":1,"message":'), ChannelPayloadError);
    await assert.rejects(eventsOf({ update_id: 1, message: { message_id: 1, date: 1, text: 'no chat' } }), (error: unknown) => error instanceof ChannelPayloadError && /message\.chat/.test(error.message));
    await assert.rejects(eventsOf('[1,2]'), ChannelPayloadError);
  });
});

describe('telegram webhook over HTTP', () => {
  // Stands in for the webhook runner: the raw bytes as they arrived, verified, then parsed.
  const received: InboundMessageEvent[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]));
      const webhook: WebhookRequest = { method: req.method ?? 'POST', url: runtime.webhookUrl, headers, body: Buffer.concat(chunks) };
      const verdict = await telegramAdapter.verify(webhook, runtime);
      if (!verdict.ok) return void res.writeHead(verdict.status).end(verdict.reason);
      const parsed = await telegramAdapter.parse(webhook, runtime);
      received.push(...(parsed.events as InboundMessageEvent[]));
      res.writeHead(200).end();
    });
  });
  let url = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/ch_telegram`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('takes an update posted with the secret and refuses one without or with another', async () => {
    const update = telegramUpdate({ from: { id: 218485655, firstName: 'Waffle' }, messageId: 9001, text: 'over the wire' });
    assert.equal((await postTelegramUpdate(url, update, SECRET)).status, 200);
    assert.equal((await postTelegramUpdate(url, update, undefined)).status, 401);
    assert.equal((await postTelegramUpdate(url, update, 'someone-else')).status, 403);
    assert.deepEqual(
      received.map((event) => [event.providerMessageId, event.text]),
      [['218485655:9001', 'over the wire']],
    );
  });
});
