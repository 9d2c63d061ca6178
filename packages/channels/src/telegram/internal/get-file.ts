import { DeliveryError } from '@casekit/core';
import type { ChannelRuntime, FetchedAttachment } from '@casekit/core';
import { download, downloadContext, getText, httpFailure, refuseOversize } from '../../internal/download.ts';
import type { TelegramConfig, TelegramSecrets } from '../settings.ts';

const FILE_REF = /^telegram-file:([A-Za-z0-9_-]{1,256})$/;
const CREDENTIALS_HINT = "Check the channel's secrets.botToken.";

// Telegram's file server answers application/octet-stream; the extension of file_path says more.
const TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  oga: 'audio/ogg',
  ogg: 'audio/ogg',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  wav: 'audio/wav',
  pdf: 'application/pdf',
  txt: 'text/plain',
  zip: 'application/zip',
  tgs: 'application/x-tgsticker',
};

/**
 * Fetches a file a customer sent (`telegram-file:<file_id>`): `getFile` answers its `file_path`,
 * downloaded from `{apiBaseUrl}/file/bot<token>/<file_path>`. Errors never show a URL, since
 * Telegram's carry the bot token.
 */
export async function fetchTelegramFile(ref: string, runtime: ChannelRuntime<TelegramConfig, TelegramSecrets>): Promise<FetchedAttachment> {
  const fileId = FILE_REF.exec(ref)?.[1];
  if (!fileId) {
    throw new DeliveryError('A Telegram attachment is fetched by its file id (telegram-file:<file_id>), and this address is not one.', { retryable: false, code: 'invalid_url' });
  }
  const { config, secrets } = runtime.channel;
  const context = downloadContext('Telegram', runtime.fetch);
  const answer = await getText(`${config.apiBaseUrl}/bot${secrets.botToken}/getFile?file_id=${encodeURIComponent(fileId)}`, context, { accept: 'application/json' });
  const body = parseJson(answer.text) as { ok?: unknown; result?: { file_path?: unknown; file_size?: unknown } } | null;
  if (answer.status < 200 || answer.status >= 300 || body?.ok !== true) throw getFileFailure(answer.status, body, answer.retryAfter);

  const filePath = body.result?.file_path;
  if (typeof filePath !== 'string' || !filePath) {
    throw new DeliveryError('Telegram answered getFile without a file_path: the file cannot be downloaded now.', { retryable: false, code: 'bad_response' });
  }
  const segments = filePath.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new DeliveryError('Telegram answered getFile with a file_path that is not a plain relative path; it is not followed.', { retryable: false, code: 'bad_response' });
  }
  const size = body.result?.file_size;
  refuseOversize('Telegram', typeof size === 'number' ? size : undefined);
  const url = new URL(`${config.apiBaseUrl}/file/bot${secrets.botToken}/${segments.map(encodeURIComponent).join('/')}`);
  const file = await download(url, context, {
    refusal: (status, text, retryAfter) => httpFailure('Telegram', status, descriptionOf(parseJson(text)), retryAfter, CREDENTIALS_HINT),
  });
  const extension = filePath.includes('.') ? filePath.slice(filePath.lastIndexOf('.') + 1).toLowerCase() : '';
  return { bytes: file.bytes, contentType: TYPES[extension] ?? 'application/octet-stream' };
}

// Telegram says "Bad Request: invalid file_id" (or "wrong file identifier") for a file it does not
// have, and "file is too big" past the 20 MB bots may download.
function getFileFailure(status: number, body: unknown, retryAfterHeader: string | null): DeliveryError {
  const code = typeof (body as { error_code?: unknown } | null)?.error_code === 'number' ? (body as { error_code: number }).error_code : status;
  const description = descriptionOf(body);
  if (code === 400 && description && /file_id|file identifier/i.test(description)) {
    return new DeliveryError(`Telegram does not know this file (${description}); it may have been sent to another bot.`, { retryable: false, code: 'not_found' });
  }
  if (code === 400 && description && /too big/i.test(description)) {
    return new DeliveryError(`Telegram refuses to hand over the file (${description}): bots may download files of up to 20 MB.`, { retryable: false, code: 'too_large' });
  }
  if (code >= 200 && code < 300) {
    return new DeliveryError('Telegram answered getFile without a result.', { retryable: false, code: 'bad_response' });
  }
  const retryAfter = (body as { parameters?: { retry_after?: unknown } } | null)?.parameters?.retry_after;
  return httpFailure('Telegram', code, description, typeof retryAfter === 'number' ? String(retryAfter) : retryAfterHeader, CREDENTIALS_HINT);
}

function descriptionOf(body: unknown): string | undefined {
  const description = (body as { description?: unknown } | null)?.description;
  return typeof description === 'string' && description ? description : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
