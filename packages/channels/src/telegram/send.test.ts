import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DeliveryError } from '@casekit/core';
import type { ChannelRuntime, OutboundMessage } from '@casekit/core';
import { makeConversation, makeMessage } from '../../../testkit/src/fixtures.ts';
import { startTelegramFake } from '../../../testkit/src/providers/telegram.ts';
import type { TelegramFake } from '../../../testkit/src/providers/telegram.ts';
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

function outbound(text: string, options: { chat?: string; lastInbound?: string } = {}): OutboundMessage {
  const conversation = makeConversation({ channelKind: 'telegram', externalThreadId: options.chat ?? null });
  const message = makeMessage({ channelKind: 'telegram', conversationId: conversation.id, direction: 'outbound', authorKind: 'agent', text, status: 'queued' });
  const lastInbound = options.lastInbound ? makeMessage({ channelKind: 'telegram', providerMessageId: options.lastInbound }) : null;
  return { message, conversation, to: { externalId: '218485655', name: 'Waffle' }, lastInbound };
}

async function deliveryError(promise: Promise<unknown>): Promise<DeliveryError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DeliveryError, `expected a DeliveryError, got ${String(error)}`);
    return error;
  }
  assert.fail('the send went out');
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

  it('retries a 500 and a proxy 502 page, then the send goes out', async () => {
    telegram.failNext(1, 500);
    telegram.failNext(1, 502);
    const first = await deliveryError(telegramAdapter.send(outbound('retry me'), runtime));
    assert.deepEqual([first.retryable, first.code], [true, '500']);
    const second = await deliveryError(telegramAdapter.send(outbound('retry me'), runtime));
    assert.deepEqual([second.retryable, second.code], [true, '502']);
    await telegramAdapter.send(outbound('retry me'), runtime);
    assert.equal(telegram.sent.length, 1);
  });

  it('waits as long as a 429 says', async () => {
    telegram.failNext(1, 429);
    const error = await deliveryError(telegramAdapter.send(outbound('slow down'), runtime));
    assert.deepEqual([error.retryable, error.code, error.options.retryAfterMs], [true, '429', 7000]);
  });

  it('fails for good when the customer blocked the bot', async () => {
    telegram.blockChat(555);
    const message = outbound('anyone there?');
    message.to.externalId = '555';
    const error = await deliveryError(telegramAdapter.send(message, runtime));
    assert.deepEqual([error.retryable, error.code, error.message], [false, 'blocked', 'Forbidden: bot was blocked by the user']);
  });

  it('fails for good on a 400, with Telegram’s description', async () => {
    telegram.failNext(1, 400);
    const error = await deliveryError(telegramAdapter.send(outbound('where to?'), runtime));
    assert.deepEqual([error.retryable, error.code, error.message], [false, '400', 'Bad Request: chat not found']);
    const empty = await deliveryError(telegramAdapter.send(outbound(''), runtime));
    assert.deepEqual([empty.retryable, empty.message], [false, 'Bad Request: message text is empty']);
  });

  it('fails for good with a revoked token, without writing the token in the reason', async () => {
    const error = await deliveryError(telegramAdapter.send(outbound('hi'), runtimeFor(telegram.url, '123456:revoked')));
    assert.deepEqual([error.retryable, error.code, error.message], [false, '401', 'Unauthorized']);
  });

  it('retries when Telegram cannot be reached or does not answer in time', async () => {
    const closed = await startTelegramFake({ botToken: TOKEN });
    await closed.close();
    const refused = await deliveryError(telegramAdapter.send(outbound('hi'), runtimeFor(closed.url)));
    assert.deepEqual([refused.retryable, refused.code], [true, 'network']);

    const slow = { ...runtime, fetch: async () => Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError')) };
    const timedOut = await deliveryError(telegramAdapter.send(outbound('hi'), slow));
    assert.deepEqual([timedOut.retryable, timedOut.code], [true, 'timeout']);
    assert.ok(!timedOut.message.includes(TOKEN));
  });
});
