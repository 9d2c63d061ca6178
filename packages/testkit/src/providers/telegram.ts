import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson } from './internal/http.ts';

// A faithful stand-in for the Telegram Bot API (reference/channels.md §4): `getMe`, `setWebhook`,
// `deleteWebhook` and `getWebhookInfo`; `sendMessage`, `sendPhoto` and `sendDocument` behind
// `/bot<token>/` (JSON, form or multipart bodies, files uploaded or by URL), `getFile` and
// downloads from `/file/bot<token>/<file_path>`, answers and errors shaped like Telegram's, and
// updates posted the way Telegram posts them, with the `secret_token` echoed in
// X-Telegram-Bot-Api-Secret-Token.

/** A file sent with `sendPhoto` or `sendDocument`: uploaded (with its bytes) or by URL. */
export interface TelegramSentFile {
  kind: 'photo' | 'document';
  name?: string;
  contentType?: string;
  bytes?: Uint8Array;
  url?: string;
}

/** A message the fake accepted. */
export interface TelegramSentMessage {
  /** The method it came by. */
  method: 'sendMessage' | 'sendPhoto' | 'sendDocument';
  chatId: number | string;
  /** The text, or a file's caption ('' without one). */
  text: string;
  file?: TelegramSentFile;
  /** `reply_parameters.message_id`, when the send answered a message. */
  replyTo?: number;
  /** The `message_id` the fake gave it. */
  messageId: number;
  /** The request's fields as the fake read them (an uploaded file left out). */
  body: Record<string, unknown>;
}

/** Errors the fake can be told to answer, by HTTP status. */
export type TelegramFakeFailure = 400 | 403 | 429 | 500 | 502;

export interface TelegramFake {
  /** The Bot API base to put in `config.apiBaseUrl`. */
  url: string;
  /** Messages accepted, in order. */
  sent: TelegramSentMessage[];
  /** Send calls received, accepted or not. */
  readonly attempts: number;
  /**
   * Answers the next `count` sends with `status`: 500 (JSON), 502 (an HTML page from the proxy),
   * 429 (retry_after 7), 400 (chat not found) or 403 (bot was blocked by the user).
   */
  failNext(count: number, status?: TelegramFakeFailure): void;
  /** Every later send to this chat answers 403 "bot was blocked by the user". */
  blockChat(chatId: number | string): void;
  /**
   * Keeps a file a customer sent at `path` (`photos/file_12.jpg`) and answers its `file_id`:
   * `getFile` gives its `file_path`, downloaded from `/file/bot<token>/<file_path>`.
   * @example const fileId = telegram.addFile(jpeg, 'photos/file_12.jpg'); // the attachment url is `telegram-file:${fileId}`
   */
  addFile(bytes: Uint8Array, path: string): string;
  /** Answers the next `count` getFile calls with `status`, as `failNext` does for sends. */
  failDownloadsNext(count: number, status?: TelegramFakeFailure): void;
  /** The webhook `setWebhook` set (`url` '' when none), as `getWebhookInfo` reports it. */
  readonly webhook: { url: string; secretToken?: string };
  /** Records a failed delivery to the webhook, which `getWebhookInfo` then reports (`last_error_message`). */
  webhookFailed(message: string): void;
  close(): Promise<void>;
}

const BOT = { id: 7_000_000_001, is_bot: true, first_name: 'Casekit Support', username: 'casekit_support_bot' };

/**
 * Starts the fake Bot API on 127.0.0.1 for the bot with `botToken`; any other token answers 401.
 * @example const telegram = await startTelegramFake({ botToken: '123:abc' }); // config.apiBaseUrl = telegram.url
 */
export async function startTelegramFake(options: { botToken: string; username?: string; firstName?: string }): Promise<TelegramFake> {
  const sent: TelegramSentMessage[] = [];
  const blocked = new Set<string>();
  const nextIds = new Map<string, number>();
  const failures: TelegramFakeFailure[] = [];
  const downloadFailures: TelegramFakeFailure[] = [];
  let attempts = 0;
  const bot = { ...BOT, ...(options.username && { username: options.username }), ...(options.firstName && { first_name: options.firstName }) };
  let webhook: { url: string; secretToken?: string; lastError?: { date: number; message: string } } = { url: '' };
  // Files by file_id, and the same files by file_path.
  const files = new Map<string, { uniqueId: string; path: string; bytes: Uint8Array }>();
  const paths = new Map<string, Uint8Array>();

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => sendJson(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (download) return serveFile(res, download[1]!, decodeURIComponent(download[2]!));
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!match) return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (match[1] !== options.botToken) return sendJson(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = match[2];
    if (method === 'getFile') return getFile(res, url, req.headers['content-type'] ?? '', raw);
    if (method === 'getMe') return sendJson(res, 200, { ok: true, result: { ...bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false } });
    if (method === 'getWebhookInfo') return sendJson(res, 200, { ok: true, result: webhookInfo() });
    if (method === 'setWebhook' || method === 'deleteWebhook') return setWebhook(res, method, url, req.headers['content-type'] ?? '', raw);
    if (method !== 'sendMessage' && method !== 'sendPhoto' && method !== 'sendDocument') return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    attempts += 1;

    const failure = failures.shift();
    if (failure) return fail(res, failure);
    const read = await readParams(req.headers['content-type'] ?? '', raw);
    if (!read) return sendJson(res, 400, { ok: false, error_code: 400, description: "Bad Request: can't parse JSON object" });
    const { fields: body, files } = read;
    const chatId = body.chat_id;
    if (chatId === undefined || chatId === '') return sendJson(res, 400, { ok: false, error_code: 400, description: 'Bad Request: chat_id is empty' });
    if (typeof chatId !== 'number' && typeof chatId !== 'string') return sendJson(res, 400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });

    let text: string;
    let file: TelegramSentFile | undefined;
    if (method === 'sendMessage') {
      if (typeof body.text !== 'string' || body.text.trim() === '') return sendJson(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message text is empty' });
      if ([...body.text].length > 4096) return sendJson(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message is too long' });
      text = body.text;
    } else {
      const kind = method === 'sendPhoto' ? 'photo' : 'document';
      const caption = typeof body.caption === 'string' ? body.caption : '';
      if ([...caption].length > 1024) return sendJson(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message caption is too long' });
      const upload = files.get(kind);
      const url = typeof body[kind] === 'string' ? (body[kind] as string) : undefined;
      if (upload) {
        const limit = kind === 'photo' ? 10 * 1024 * 1024 : 50 * 1024 * 1024;
        if (upload.bytes.length > limit) return sendJson(res, kind === 'photo' ? 400 : 413, { ok: false, error_code: kind === 'photo' ? 400 : 413, description: kind === 'photo' ? 'Bad Request: file is too big' : 'Request Entity Too Large' });
        file = { kind, ...upload };
      } else if (url && /^https?:\/\//.test(url)) {
        file = { kind, url };
      } else {
        return sendJson(res, 400, { ok: false, error_code: 400, description: `Bad Request: there is no ${kind} in the request` });
      }
      text = caption;
    }
    if (blocked.has(String(chatId))) return fail(res, 403);

    const messageId = (nextIds.get(String(chatId)) ?? 1000) + 1;
    nextIds.set(String(chatId), messageId);
    const replyParameters = body.reply_parameters as { message_id?: unknown } | undefined;
    const replyTo = typeof replyParameters?.message_id === 'number' ? replyParameters.message_id : undefined;
    sent.push({ method, chatId, text, messageId, body, ...(file ? { file } : {}), ...(replyTo === undefined ? {} : { replyTo }) });
    const id = Number.isSafeInteger(Number(chatId)) ? Number(chatId) : -1_001_000_000_001;
    const chat = id > 0 ? { id, first_name: 'Customer', type: 'private' } : { id, title: 'Customers', type: 'supergroup' };
    const date = Math.floor(Date.now() / 1000);
    const content = !file
      ? { text }
      : file.kind === 'photo'
        ? { photo: [{ file_id: `AgACAgQ-${messageId}`, file_unique_id: `AQAD${messageId}`, file_size: file.bytes?.length ?? 48_213, width: 1280, height: 960 }], ...(text ? { caption: text } : {}) }
        : { document: { file_name: file.name ?? 'file', mime_type: file.contentType ?? 'application/octet-stream', file_id: `BQACAgQ-${messageId}`, file_unique_id: `AgAD${messageId}`, file_size: file.bytes?.length ?? 0 }, ...(text ? { caption: text } : {}) };
    sendJson(res, 200, { ok: true, result: { message_id: messageId, from: BOT, chat, date, ...content } });
  }

  // setWebhook as Telegram checks it: an https URL on 443, 80, 88 or 8443, a secret of allowed characters.
  async function setWebhook(res: ServerResponse, method: 'setWebhook' | 'deleteWebhook', url: URL, contentType: string, raw: Buffer): Promise<void> {
    const fields = { ...Object.fromEntries(url.searchParams), ...(raw.length > 0 ? ((await readParams(contentType, raw))?.fields ?? {}) : {}) };
    const target = method === 'deleteWebhook' ? '' : typeof fields.url === 'string' ? fields.url : '';
    const secret = typeof fields.secret_token === 'string' ? fields.secret_token : undefined;
    if (target) {
      let parsed: URL | undefined;
      try {
        parsed = new URL(target);
      } catch {
        parsed = undefined;
      }
      if (parsed?.protocol !== 'https:') return sendJson(res, 400, { ok: false, error_code: 400, description: 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook' });
      if (!['', '443', '80', '88', '8443'].includes(parsed.port)) {
        return sendJson(res, 400, { ok: false, error_code: 400, description: 'Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443' });
      }
      if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) return sendJson(res, 400, { ok: false, error_code: 400, description: 'Bad Request: secret token contains unallowed characters' });
    }
    const had = webhook.url;
    webhook = { url: target, ...(target && secret !== undefined && { secretToken: secret }) };
    const description = method === 'deleteWebhook' ? (had ? 'Webhook was deleted' : 'Webhook is already deleted') : target ? (had === target ? 'Webhook is already set' : 'Webhook was set') : 'Webhook was deleted';
    sendJson(res, 200, { ok: true, result: true, description });
  }

  function webhookInfo(): Record<string, unknown> {
    return {
      url: webhook.url,
      has_custom_certificate: false,
      pending_update_count: 0,
      ...(webhook.url && { max_connections: 40, ip_address: '149.154.167.220' }),
      ...(webhook.lastError && { last_error_date: webhook.lastError.date, last_error_message: webhook.lastError.message }),
    };
  }

  // getFile: the file_id from the query string or the body; the path to download it from.
  async function getFile(res: ServerResponse, url: URL, contentType: string, raw: Buffer): Promise<void> {
    const failure = downloadFailures.shift();
    if (failure) return fail(res, failure);
    const fields = raw.length > 0 ? ((await readParams(contentType, raw))?.fields ?? {}) : {};
    const fileId = url.searchParams.get('file_id') ?? fields.file_id;
    if (typeof fileId !== 'string' || fileId === '') return sendJson(res, 400, { ok: false, error_code: 400, description: 'Bad Request: file_id not specified' });
    const file = files.get(fileId);
    if (!file) return sendJson(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' });
    if (file.bytes.length > 20 * 1024 * 1024) return sendJson(res, 400, { ok: false, error_code: 400, description: 'Bad Request: file is too big' });
    sendJson(res, 200, { ok: true, result: { file_id: fileId, file_unique_id: file.uniqueId, file_size: file.bytes.length, file_path: file.path } });
  }

  // The file server: the token in the path, the bytes as a plain octet stream.
  function serveFile(res: ServerResponse, token: string, path: string): void {
    if (token !== options.botToken) return sendJson(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const bytes = paths.get(path);
    if (!bytes) return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
    res.end(bytes);
  }

  function fail(res: ServerResponse, status: TelegramFakeFailure): void {
    if (status === 502) {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n');
      return;
    }
    const description = {
      400: 'Bad Request: chat not found',
      403: 'Forbidden: bot was blocked by the user',
      429: 'Too Many Requests: retry after 7',
      500: 'Internal Server Error',
    }[status];
    sendJson(res, status, { ok: false, error_code: status, description, ...(status === 429 ? { parameters: { retry_after: 7 } } : {}) });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    get attempts() {
      return attempts;
    },
    failNext(count, status = 500) {
      for (let i = 0; i < count; i += 1) failures.push(status);
    },
    blockChat(chatId) {
      blocked.add(String(chatId));
    },
    addFile(bytes, path) {
      const fileId = `BQACAgQAAxkBAA${randomBytes(24).toString('base64url')}`;
      const copy = new Uint8Array(bytes);
      files.set(fileId, { uniqueId: `AgAD${randomBytes(6).toString('base64url')}`, path, bytes: copy });
      paths.set(path, copy);
      return fileId;
    },
    failDownloadsNext(count, status = 500) {
      for (let i = 0; i < count; i += 1) downloadFailures.push(status);
    },
    get webhook() {
      return { url: webhook.url, ...(webhook.secretToken !== undefined && { secretToken: webhook.secretToken }) };
    },
    webhookFailed(message) {
      webhook = { ...webhook, lastError: { date: Math.floor(Date.now() / 1000), message } };
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** Who writes in an update: a Telegram user. */
export interface TelegramUserInput {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
}

/** What a built update carries; omitted fields take plausible values. */
export interface TelegramUpdateInput {
  updateId?: number;
  messageId?: number;
  from: TelegramUserInput;
  /** The group it is posted in; without one, the private chat with `from`. */
  group?: { id: number; title: string };
  text?: string;
  caption?: string;
  photo?: { fileId: string; uniqueId: string };
  document?: { fileId: string; uniqueId: string; fileName: string; mimeType: string; size: number };
  voice?: { fileId: string; uniqueId: string; duration: number; size: number };
  /** The message it answers, in the same chat. */
  replyTo?: { messageId: number; from: TelegramUserInput; text: string };
  /** Unix seconds the message was sent (default: now). */
  date?: number;
  /** Makes it an `edited_message` edited at these unix seconds. */
  editDate?: number;
}

let updateCounter = 892_252_934;

/**
 * An update shaped like the ones Telegram posts (webhook-samples/telegram-private-text.json and
 * telegram-group-reply.json): one `message` (or `edited_message`) with its chat and sender.
 */
export function telegramUpdate(input: TelegramUpdateInput): Record<string, unknown> {
  updateCounter += 1;
  const chat = input.group
    ? { id: input.group.id, title: input.group.title, type: 'supergroup' }
    : { id: input.from.id, first_name: input.from.firstName, ...(input.from.username ? { username: input.from.username } : {}), type: 'private' };
  const date = input.date ?? Math.floor(Date.now() / 1000);
  const message: Record<string, unknown> = { message_id: input.messageId ?? 6557, from: user(input.from), chat, date };
  if (input.editDate !== undefined) message.edit_date = input.editDate;
  if (input.replyTo) {
    message.message_thread_id = input.replyTo.messageId;
    message.reply_to_message = { message_id: input.replyTo.messageId, from: user(input.replyTo.from), chat, date: date - 60, text: input.replyTo.text };
  }
  if (input.text !== undefined) message.text = input.text;
  if (input.caption !== undefined) message.caption = input.caption;
  if (input.photo) {
    const { fileId, uniqueId } = input.photo;
    message.photo = [
      { file_id: `${fileId}-s`, file_unique_id: `${uniqueId}-s`, file_size: 1_404, width: 90, height: 68 },
      { file_id: `${fileId}-m`, file_unique_id: `${uniqueId}-m`, file_size: 18_820, width: 320, height: 240 },
      { file_id: fileId, file_unique_id: uniqueId, file_size: 102_144, width: 1280, height: 960 },
    ];
  }
  if (input.document) {
    const d = input.document;
    message.document = { file_name: d.fileName, mime_type: d.mimeType, file_id: d.fileId, file_unique_id: d.uniqueId, file_size: d.size };
  }
  if (input.voice) {
    const v = input.voice;
    message.voice = { duration: v.duration, mime_type: 'audio/ogg', file_id: v.fileId, file_unique_id: v.uniqueId, file_size: v.size };
  }
  return { update_id: input.updateId ?? updateCounter, [input.editDate === undefined ? 'message' : 'edited_message']: message };
}

/** The headers and body Telegram would post for `update` to a webhook set with `secret`. */
export function telegramWebhook(update: unknown, secret: string | undefined): { headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secret !== undefined) headers['x-telegram-bot-api-secret-token'] = secret;
  return { headers, body: JSON.stringify(update) };
}

/** Posts `update` to a webhook URL the way Telegram does; `secret` undefined sends no secret header. */
export function postTelegramUpdate(url: string, update: unknown, secret: string | undefined): Promise<Response> {
  const { headers, body } = telegramWebhook(update, secret);
  return fetch(url, { method: 'POST', headers, body });
}

function user(input: TelegramUserInput): Record<string, unknown> {
  return {
    id: input.id,
    is_bot: false,
    first_name: input.firstName,
    ...(input.lastName ? { last_name: input.lastName } : {}),
    ...(input.username ? { username: input.username } : {}),
    language_code: 'en',
  };
}

/** The fields of a Bot API call (JSON, form or multipart, where `reply_parameters` is JSON text) and its uploads. */
async function readParams(
  contentType: string,
  raw: Buffer,
): Promise<{ fields: Record<string, unknown>; files: Map<string, { name: string; contentType: string; bytes: Uint8Array }> } | null> {
  const files = new Map<string, { name: string; contentType: string; bytes: Uint8Array }>();
  if (contentType.startsWith('multipart/form-data') || contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
    const fields: Record<string, unknown> = {};
    for (const [name, value] of form) {
      if (typeof value !== 'string') {
        files.set(name, { name: value.name, contentType: value.type, bytes: new Uint8Array(await value.arrayBuffer()) });
        continue;
      }
      fields[name] = name === 'chat_id' && /^-?\d+$/.test(value) ? Number(value) : name === 'reply_parameters' ? (JSON.parse(value) as unknown) : value;
    }
    return { fields, files };
  }
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? { fields: value as Record<string, unknown>, files } : null;
  } catch {
    return null;
  }
}


