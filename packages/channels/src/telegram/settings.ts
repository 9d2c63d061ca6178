import type { ChannelField } from '@casekit/core';
import { z } from 'zod';
import { baseUrl, validateSettings } from '../internal/settings.ts';

// Types rather than interfaces, so the adapter also fits the plain `ChannelAdapter` (whose
// settings are `Record<…>`) that the server keeps its adapters as.

/** Where the Bot API is reached; tests point it at a fake. */
export type TelegramConfig = {
  apiBaseUrl: string;
};

/** The bot's token from @BotFather and the `secret_token` given to `setWebhook`. */
export type TelegramSecrets = {
  botToken: string;
  webhookSecret: string;
};

const configSchema = z.object({
  apiBaseUrl: baseUrl.default('https://api.telegram.org'),
});

const secretsSchema = z.object({
  botToken: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, 'must be a bot token such as "123456:ABC-DEF…" from @BotFather'),
  // Telegram allows 1–256 characters of A-Z, a-z, 0-9, _ and - in `secret_token`.
  webhookSecret: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1–256 characters of A-Z, a-z, 0-9, _ and -'),
});

/** Checks a Telegram channel's settings; the API base defaults to Telegram's own. */
export function validateTelegramSettings(input: { config: unknown; secrets: unknown }): { config: TelegramConfig; secrets: TelegramSecrets } {
  return validateSettings({ config: configSchema, secrets: secretsSchema }, input);
}

/** The fields a Telegram channel's form asks for. */
export const telegramFields = {
  config: [
    { name: 'apiBaseUrl', label: 'Bot API base URL', required: false, type: 'url', help: 'Default https://api.telegram.org; a local Bot API server also works.' },
  ],
  secrets: [
    { name: 'botToken', label: 'Bot token', required: true, help: 'From @BotFather.' },
    {
      name: 'webhookSecret',
      label: 'Webhook secret',
      required: true,
      help: 'The secret_token you pass to setWebhook; Telegram sends it back in X-Telegram-Bot-Api-Secret-Token.',
    },
  ],
} as const satisfies { config: readonly ChannelField[]; secrets: readonly ChannelField[] };
