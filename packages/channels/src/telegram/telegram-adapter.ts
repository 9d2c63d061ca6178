import { ChannelPayloadError } from '@casekit/core';
import { CHANNEL_CAPABILITIES } from '@casekit/protocol';
import type { ChannelAdapter, Verification, WebhookRequest } from '@casekit/core';
import { safeEqual } from '../internal/crypto.ts';
import { checkTelegramBot } from './internal/check.ts';
import { fetchTelegramFile } from './internal/get-file.ts';
import { parseTelegramUpdate } from './internal/parse-update.ts';
import { sendTelegramMessage } from './internal/send-message.ts';
import { telegramFields, validateTelegramSettings } from './settings.ts';
import type { TelegramConfig, TelegramSecrets } from './settings.ts';

/**
 * A Telegram bot. Its webhook is set with `setWebhook(url, secret_token)`; Telegram echoes the
 * secret in a header and signs nothing else, so the secret is all that is checked. Messages and
 * edits in private and group chats become messages; replies go out with `sendMessage`, a file
 * with `sendPhoto` or `sendDocument`. A customer's files are fetched with `getFile`;
 * the check reads `getMe` and `getWebhookInfo`.
 */
export const telegramAdapter: ChannelAdapter<TelegramConfig, TelegramSecrets> = {
  kind: 'telegram',
  medium: 'telegram',
  // 4096 characters, one file of up to 50 MB, no receipts; a bot may only write to someone who
  // has started a chat with it.
  capabilities: CHANNEL_CAPABILITIES.telegram,
  fields: telegramFields,
  validate: validateTelegramSettings,
  verify: (request, runtime) => verifySecretToken(request, runtime.channel.secrets.webhookSecret),
  parse(request) {
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(request.body));
    } catch {
      throw new ChannelPayloadError('The Telegram update is not JSON');
    }
    return { events: parseTelegramUpdate(body) };
  },
  send: sendTelegramMessage,
  fetchAttachment: fetchTelegramFile,
  check: checkTelegramBot,
};

function verifySecretToken(request: WebhookRequest, secret: string): Verification {
  const token = request.headers['x-telegram-bot-api-secret-token'];
  if (token === undefined || token === '') return { ok: false, status: 401, reason: 'X-Telegram-Bot-Api-Secret-Token is missing' };
  if (!safeEqual(token, secret)) return { ok: false, status: 403, reason: 'X-Telegram-Bot-Api-Secret-Token does not match the webhook secret' };
  return { ok: true };
}
