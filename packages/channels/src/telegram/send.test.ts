import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ChannelRuntime, OutboundMessage } from '@casekit/core';
import { makeConversation, makeMessage } from '@casekit/testkit';
import { startTelegramFake, expectDeliveryError } from '@casekit/testkit/providers';
import type { TelegramFake } from '@casekit/testkit/providers';
import { telegramAdapter } from './index.ts';
import type { TelegramConfig, TelegramSecrets } from './index.ts';

const TOKEN = '123456:AAE-test-token';
let telegram: TelegramFake;
let runtime: ChannelRuntime<TelegramConfig, TelegramSecrets>;

function runtimeFor(apiBaseUrl: string, botToken = TOKEN): ChannelRuntime<TelegramConfig, TelegramSecrets> {
  return {
    channel: { id: 'ch_telegram', workspaceId: 'ws_1', kind: 'telegram', name: 'Telegram', config: { apiBaseUrl }, secrets: { botToken, webhookSecret: 'hook' } },
    webhookUrl: 'https://support.example.com/webhooks/ch_telegram',
    publicUrl: 'https://support.example.com',
    fetch,
    now: () => new Date(),
  };
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
const PDF = new TextEncoder().encode('%PDF-1.7 invoice');

function outbound(text: string, options: { chat?: string; lastInbound?: string; file?: 'png' | 'pdf'; bytes?: boolean } = {}): OutboundMessage {
  const conversation = makeConversation({ channelKind: 'telegram', externalThreadId: options.chat ?? null });
  const attachments = !options.file
    ? []
    : options.file === 'png'
      ? [{ name: 'router.png', contentType: 'image/png', size: PNG.length, url: '/api/v1/uploads/up_router' }]
      : [{ name: 'invoice.pdf', contentType: 'application/pdf', size: PDF.length, url: '/api/v1/uploads/up_invoice' }];
  const message = makeMessage({ channelKind: 'telegram', conversationId: conversation.id, direction: 'outbound', authorKind: 'agent', text, attachments, status: 'queued' });
  const lastInbound = options.lastInbound ? makeMessage({ channelKind: 'telegram', providerMessageId: options.lastInbound }) : null;
  const loadAttachment = async (file: { url: string }) => (file.url.endsWith('up_router') ? PNG : PDF);
  return { message, conversation, to: { externalId: '218485655', name: 'Waffle' }, lastInbound, ...(options.bytes === false ? {} : { loadAttachment }) };
}

describe('telegram send', () => {
  before(async () => {
    telegram = await startTelegramFake({ botToken: TOKEN });
    runtime = runtimeFor(telegram.url);
  });
  after(() => telegram.close());
  beforeEach(() => {
    telegram.sent.length = 0;
  });

  it("sends to the customer's private chat and returns chat and message id", async () => {
    const result = await telegramAdapter.send(outbound('Your line is back up.'), runtime);
    assert.deepEqual(
      telegram.sent.map(({ chatId, text, replyTo }) => ({ chatId, text, replyTo })),
      [{ chatId: 218485655, text: 'Your line is back up.', replyTo: undefined }],
    );
    assert.equal(result.providerMessageId, `218485655:${telegram.sent[0]?.messageId}`);
  });

  it("sends to the group of the conversation, answering the customer's last message there", async () => {
    const result = await telegramAdapter.send(outbound('Looking into it', { chat: '-1001293752024', lastInbound: '-1001293752024:134546' }), runtime);
    assert.equal(telegram.sent[0]?.chatId, -1001293752024);
    assert.equal(telegram.sent[0]?.replyTo, 134546);
    assert.equal(result.providerMessageId, `-1001293752024:${telegram.sent[0]?.messageId}`);
  });

  it('answers nothing in particular when the last message came from another chat', async () => {
    await telegramAdapter.send(outbound('Hello group', { chat: '-100777', lastInbound: '-100888:5' }), runtime);
    assert.equal(telegram.sent[0]?.replyTo, undefined);
  });

  it('uploads an image with sendPhoto, the text as its caption', async () => {
    const result = await telegramAdapter.send(outbound('This is what the lights should look like', { file: 'png' }), runtime);
    const [sent] = telegram.sent;
    assert.equal(sent?.method, 'sendPhoto');
    assert.equal(sent?.text, 'This is what the lights should look like');
    assert.deepEqual(sent?.file, { kind: 'photo', name: 'router.png', contentType: 'image/png', bytes: PNG });
    assert.equal(result.providerMessageId, `218485655:${sent?.messageId}`);
  });

  it('uploads other files with sendDocument, in a group answering the last message', async () => {
    await telegramAdapter.send(outbound('', { file: 'pdf', chat: '-1001293752024', lastInbound: '-1001293752024:134546' }), runtime);
    const [sent] = telegram.sent;
    assert.equal(sent?.method, 'sendDocument');
    assert.deepEqual([sent?.chatId, sent?.replyTo, sent?.text], [-1001293752024, 134546, '']);
    assert.deepEqual(sent?.file, { kind: 'document', name: 'invoice.pdf', contentType: 'application/pdf', bytes: PDF });
  });

  it('sends text longer than a caption first, then the file; the id is the text’s', async () => {
    const long = 'step '.repeat(300).trim();
    const result = await telegramAdapter.send(outbound(long, { file: 'pdf' }), runtime);
    assert.deepEqual(
      telegram.sent.map((sent) => [sent.method, sent.text.length]),
      [
        ['sendMessage', long.length],
        ['sendDocument', 0],
      ],
    );
    assert.equal(result.providerMessageId, `218485655:${telegram.sent[0]?.messageId}`);
  });

  it('hands Telegram the file’s public URL when its bytes cannot be loaded here', async () => {
    await telegramAdapter.send(outbound('see attached', { file: 'pdf', bytes: false }), runtime);
    assert.deepEqual(telegram.sent[0]?.file, { kind: 'document', url: 'https://support.example.com/api/v1/uploads/up_invoice' });
  });

  it('retries a 500 and a proxy 502 page, then the send goes out', async () => {
    telegram.failNext(1, 500);
    telegram.failNext(1, 502);
    const first = await expectDeliveryError(telegramAdapter.send(outbound('retry me'), runtime));
    assert.deepEqual([first.retryable, first.code], [true, '500']);
    const second = await expectDeliveryError(telegramAdapter.send(outbound('retry me'), runtime));
    assert.deepEqual([second.retryable, second.code], [true, '502']);
    await telegramAdapter.send(outbound('retry me'), runtime);
    assert.equal(telegram.sent.length, 1);
  });

  it('waits as long as a 429 says', async () => {
    telegram.failNext(1, 429);
    const error = await expectDeliveryError(telegramAdapter.send(outbound('slow down'), runtime));
    assert.deepEqual([error.retryable, error.code, error.options.retryAfterMs], [true, '429', 7000]);
  });

  it('fails for good when the customer blocked the bot', async () => {
    telegram.blockChat(555);
    const message = outbound('anyone there?');
    message.to.externalId = '555';
    const error = await expectDeliveryError(telegramAdapter.send(message, runtime));
    assert.deepEqual([error.retryable, error.code, error.message], [false, 'blocked', 'Forbidden: bot was blocked by the user']);
  });

  it('fails for good on a 400, with Telegram’s description', async () => {
    telegram.failNext(1, 400);
    const error = await expectDeliveryError(telegramAdapter.send(outbound('where to?'), runtime));
    assert.deepEqual([error.retryable, error.code, error.message], [false, '400', 'Bad Request: chat not found']);
    const empty = await expectDeliveryError(telegramAdapter.send(outbound(''), runtime));
    assert.deepEqual([empty.retryable, empty.message], [false, 'Bad Request: message text is empty']);
  });

  it('fails for good with a revoked token, without writing the token in the reason', async () => {
    const error = await expectDeliveryError(telegramAdapter.send(outbound('hi'), runtimeFor(telegram.url, '123456:revoked')));
    assert.deepEqual([error.retryable, error.code, error.message], [false, '401', 'Unauthorized']);
  });

  it('retries when Telegram cannot be reached or does not answer in time', async () => {
    const closed = await startTelegramFake({ botToken: TOKEN });
    await closed.close();
    const refused = await expectDeliveryError(telegramAdapter.send(outbound('hi'), runtimeFor(closed.url)));
    assert.deepEqual([refused.retryable, refused.code], [true, 'network']);

    const slow = { ...runtime, fetch: async () => Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError')) };
    const timedOut = await expectDeliveryError(telegramAdapter.send(outbound('hi'), slow));
    assert.deepEqual([timedOut.retryable, timedOut.code], [true, 'timeout']);
    assert.ok(!timedOut.message.includes(TOKEN));
  });
});
