import type { ChannelRuntime, ChannelTestResult } from '@casekit/core';
import { failed, isCheckResult, passed, probe, refusalByStatus } from '../../internal/check.ts';
import type { TelegramConfig, TelegramSecrets } from '../settings.ts';

type BotApiAnswer = { ok?: unknown; result?: Record<string, unknown>; error_code?: unknown; description?: unknown };

/**
 * `getMe` proves the bot token and names the bot; `getWebhookInfo` says where Telegram posts its
 * updates, which must be this channel's webhook URL (a bot moved from another server, or set up
 * by hand, often still points elsewhere). Nothing here shows a URL with the token in it.
 */
export async function checkTelegramBot(runtime: ChannelRuntime<TelegramConfig, TelegramSecrets>): Promise<ChannelTestResult> {
  const me = await callBotApi('getMe', runtime);
  if (isCheckResult(me)) return me;
  const username = typeof me.username === 'string' ? me.username : undefined;
  const bot = username ? `@${username}` : `bot ${String(me.id)}`;
  const hook = await callBotApi('getWebhookInfo', runtime);
  if (isCheckResult(hook)) return hook;

  const url = typeof hook.url === 'string' ? hook.url : '';
  const pending = typeof hook.pending_update_count === 'number' ? hook.pending_update_count : 0;
  const setWebhook = `call setWebhook with url=${runtime.webhookUrl} and secret_token set to the channel's webhook secret`;
  if (!url) return failed('misconfigured', `Telegram has no webhook for ${bot}, so its updates never reach casekit: ${setWebhook}.`, { detail: `Telegram bot ${bot}.` });
  if (url !== runtime.webhookUrl) {
    return failed('misconfigured', `Telegram posts ${bot}'s updates to ${url}, not to this channel's webhook URL: ${setWebhook}.`, { detail: `Telegram bot ${bot}.` });
  }
  const lastError = typeof hook.last_error_message === 'string' && hook.last_error_message ? hook.last_error_message : undefined;
  const lastErrorAt = typeof hook.last_error_date === 'number' ? new Date(hook.last_error_date * 1000).toISOString() : undefined;
  const notes = [
    pending > 0 && `${pending} update${pending === 1 ? '' : 's'} waiting`,
    lastError && `Telegram's last failed delivery${lastErrorAt ? ` (${lastErrorAt})` : ''}: ${lastError}`,
  ].filter(Boolean);
  return passed(`Telegram bot ${bot}, webhook set to this channel${notes.length ? `; ${notes.join('; ')}` : ''}.`);
}

async function callBotApi(method: 'getMe' | 'getWebhookInfo', runtime: ChannelRuntime<TelegramConfig, TelegramSecrets>): Promise<Record<string, unknown> | ChannelTestResult> {
  const { config, secrets } = runtime.channel;
  const answer = await probe('Telegram', runtime.fetch, `${config.apiBaseUrl}/bot${secrets.botToken}/${method}`, { headers: { accept: 'application/json' }, field: 'config.apiBaseUrl' });
  if (isCheckResult(answer)) return answer;
  const body = (answer.body ?? {}) as BotApiAnswer;
  if (answer.status === 200 && body.ok === true && body.result && typeof body.result === 'object') return body.result;
  const code = typeof body.error_code === 'number' ? body.error_code : answer.status;
  const description = typeof body.description === 'string' ? body.description : undefined;
  // Telegram answers 401 for a token it does not know, and 404 for one that is not a token at all.
  if (code === 401 || code === 404) {
    return failed('auth', `Telegram does not know this bot token (${description ?? `HTTP ${code}`}): copy it again from @BotFather (/token).`, { field: 'secrets.botToken' });
  }
  return refusalByStatus('Telegram', code, description, { authField: 'secrets.botToken' });
}
