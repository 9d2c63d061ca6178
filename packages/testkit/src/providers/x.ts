import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson } from './internal/http.ts';

// A faithful stand-in for X (reference/channels.md §5): the v2 Direct Message and media upload
// endpoints and `GET /2/users/me` behind OAuth 1.0a, which it checks by computing the signature itself, and Account Activity deliveries
// signed the way X signs them, with the CRC answer X expects.

/** The keys the fake's app and account hold. */
export interface XFakeCredentials {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
}

/** A picture uploaded for a Direct Message. */
export interface XUploadedMedia {
  mediaId: string;
  mediaType: string;
  category: string;
  bytes: Uint8Array;
}

/** A Direct Message the fake accepted. */
export interface XSentDirectMessage {
  participantId: string;
  /** Its text ('' when it carries media alone). */
  text: string;
  /** The uploaded media it carries. */
  mediaIds: string[];
  dmEventId: string;
  dmConversationId: string;
  /** The JSON body as the fake read it. */
  body: Record<string, unknown>;
}

/** Errors the fake can be told to answer, by HTTP status. */
export type XFakeFailure = 400 | 403 | 429 | 500 | 503;

export interface XFake {
  /** The API base to put in `config.apiBaseUrl`. */
  url: string;
  /** Messages accepted, in order. */
  sent: XSentDirectMessage[];
  /** Media uploaded, in order. */
  uploads: XUploadedMedia[];
  /** Why each refused request was refused (`signature`, `nonce reused`…), in order. */
  refusals: string[];
  /** API requests received (DMs and uploads), accepted or not. */
  readonly attempts: number;
  /**
   * Answers the next `count` API requests with `status`: 500 or 503 (X's problem JSON), 429 (rate limit
   * headers, reset in 60 s), 403 (not allowed to message this user) or 400 (invalid request).
   */
  failNext(count: number, status?: XFakeFailure): void;
  close(): Promise<void>;
}

/**
 * Starts the fake X API on 127.0.0.1 for one account (`userId`) of one app. Requests must carry
 * a valid OAuth 1.0a signature with a fresh nonce and a timestamp within 15 minutes of `now`.
 */
export async function startXFake(options: XFakeCredentials & { userId: string; username?: string; name?: string; now?: () => Date }): Promise<XFake> {
  const now = options.now ?? (() => new Date());
  const sent: XSentDirectMessage[] = [];
  const uploads: XUploadedMedia[] = [];
  const refusals: string[] = [];
  const failures: XFakeFailure[] = [];
  const nonces = new Set<string>();
  let attempts = 0;
  let nextEvent = 1_580_705_921_830_768_640n;

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => problem(res, 500, 'Internal Server Error', 'Something went wrong'));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = (await readBody(req)).toString('utf8');
    const target = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (target.pathname === '/2/users/me') return usersMe(req, res, target);
    const dm = /^\/2\/dm_conversations\/with\/([^/]+)\/messages$/.exec(target.pathname);
    const upload = target.pathname === '/2/media/upload';
    if (req.method !== 'POST' || (!dm && !upload)) return problem(res, 404, 'Not Found Error', 'Could not find the requested resource.');
    attempts += 1;

    const refusal = checkOAuth(req.method, target, req.headers.authorization);
    if (refusal) {
      refusals.push(refusal);
      return problem(res, 401, 'Unauthorized', 'Unauthorized');
    }
    const failure = failures.shift();
    if (failure) return fail(res, failure);

    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return invalid(res, 'Request body is not valid JSON.');
    }
    if (upload) return acceptUpload(res, body);
    const participantId = decodeURIComponent(dm?.[1] ?? '');
    const text = body.text ?? '';
    const attachments = Array.isArray(body.attachments) ? (body.attachments as Array<{ media_id?: unknown }>) : [];
    const mediaIds = attachments.map((attachment) => String(attachment.media_id));
    if (!/^\d+$/.test(participantId)) return invalid(res, `The \`participant_id\` query parameter value [${participantId}] is not valid`);
    if (typeof text !== 'string' || (text.length === 0 && mediaIds.length === 0)) return invalid(res, 'Text or attachments must be provided.');
    if ([...text].length > 10_000) return invalid(res, 'Text is too long.');
    if (mediaIds.length > 1) return invalid(res, 'Only one attachment is allowed.');
    const unknown = mediaIds.find((id) => !uploads.some((media) => media.mediaId === id && media.category.startsWith('dm_')));
    if (unknown) return invalid(res, `Media id ${unknown} is not a DM media this user uploaded.`);

    nextEvent += 1n;
    const ids = [participantId, options.userId].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const message = { participantId, text, mediaIds, dmEventId: String(nextEvent), dmConversationId: ids.join('-'), body };
    sent.push(message);
    sendJson(res, 201, { data: { dm_conversation_id: message.dmConversationId, dm_event_id: message.dmEventId } });
  }

  // The account the access token belongs to, under the same OAuth 1.0a check as every call.
  function usersMe(req: IncomingMessage, res: ServerResponse, target: URL): void {
    if (req.method !== 'GET') return problem(res, 404, 'Not Found Error', 'Could not find the requested resource.');
    const refusal = checkOAuth('GET', target, req.headers.authorization);
    if (refusal) {
      refusals.push(refusal);
      return problem(res, 401, 'Unauthorized', 'Unauthorized');
    }
    sendJson(res, 200, { data: { id: options.userId, name: options.name ?? 'Northwind Support', username: options.username ?? 'northwind_help' } });
  }

  function acceptUpload(res: ServerResponse, body: Record<string, unknown>): void {
    const { media, media_category: category, media_type: mediaType } = body;
    if (typeof media !== 'string' || media === '') return invalid(res, 'The `media` field is required.');
    if (category !== 'tweet_image' && category !== 'dm_image' && category !== 'subtitles') return invalid(res, `The \`media_category\` value [${String(category)}] is not one of [tweet_image,dm_image,subtitles].`);
    const types = ['image/jpeg', 'image/bmp', 'image/png', 'image/webp', 'image/pjpeg', 'image/tiff', 'text/srt', 'text/vtt'];
    if (typeof mediaType !== 'string' || !types.includes(mediaType)) return invalid(res, `The \`media_type\` value [${String(mediaType)}] is not supported.`);
    const bytes = new Uint8Array(Buffer.from(media, 'base64'));
    if (bytes.length > 5 * 1024 * 1024) return invalid(res, 'File size exceeds 5242880 bytes.');
    nextEvent += 1n;
    const mediaId = String(nextEvent);
    uploads.push({ mediaId, mediaType, category, bytes });
    sendJson(res, 200, { data: { id: mediaId, media_key: `3_${mediaId}`, size: bytes.length, expires_after_secs: 86_400, processing_info: { state: 'succeeded', progress_percent: 100 } } });
  }

  function checkOAuth(method: string, target: URL, header: string | undefined): string | undefined {
    if (!header?.startsWith('OAuth ')) return 'no OAuth header';
    const given = new Map<string, string>();
    for (const part of header.slice(6).split(',')) {
      const pair = /^\s*([^=\s]+)="([^"]*)"\s*$/.exec(part);
      if (!pair) return 'malformed OAuth header';
      given.set(decodeURIComponent(pair[1]!), decodeURIComponent(pair[2]!));
    }
    if (given.get('oauth_consumer_key') !== options.consumerKey) return 'consumer key';
    if (given.get('oauth_token') !== options.accessToken) return 'token';
    if (given.get('oauth_signature_method') !== 'HMAC-SHA1') return 'signature method';
    if (given.has('oauth_version') && given.get('oauth_version') !== '1.0') return 'version';
    const timestamp = Number(given.get('oauth_timestamp'));
    if (!Number.isInteger(timestamp) || Math.abs(timestamp - now().getTime() / 1000) > 15 * 60) return 'timestamp';
    const nonce = given.get('oauth_nonce');
    if (!nonce) return 'nonce missing';

    // The signature base string, built from what arrived: the fake's own URL, the query and
    // the oauth_* parameters but the signature (a JSON body is not signed).
    const params: Array<[string, string]> = [];
    for (const [name, value] of target.searchParams) params.push([rfc3986(name), rfc3986(value)]);
    for (const [name, value] of given) if (name !== 'oauth_signature' && name !== 'realm') params.push([rfc3986(name), rfc3986(value)]);
    params.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
    const normalized = params.map(([name, value]) => `${name}=${value}`).join('&');
    const base = `${method}&${rfc3986(`${target.protocol}//${target.host}${target.pathname}`)}&${rfc3986(normalized)}`;
    const key = `${rfc3986(options.consumerSecret)}&${rfc3986(options.accessTokenSecret)}`;
    const expected = createHmac('sha1', key).update(base).digest();
    const signature = Buffer.from(given.get('oauth_signature') ?? '', 'base64');
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return 'signature';
    if (nonces.has(nonce)) return 'nonce reused';
    nonces.add(nonce);
    return undefined;
  }

  function fail(res: ServerResponse, status: XFakeFailure): void {
    if (status === 429) {
      const reset = Math.floor(now().getTime() / 1000) + 60;
      res.setHeader('x-rate-limit-limit', '200');
      res.setHeader('x-rate-limit-remaining', '0');
      res.setHeader('x-rate-limit-reset', String(reset));
      return problem(res, 429, 'Too Many Requests', 'Too Many Requests');
    }
    if (status === 400) return invalid(res, 'You cannot send messages to this user.');
    if (status === 403) return problem(res, 403, 'Forbidden', 'You are not permitted to send a Direct Message to this user.');
    problem(res, status, status === 503 ? 'Service Unavailable' : 'Internal Server Error', status === 503 ? 'Service Unavailable' : 'Internal Server Error');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    uploads,
    refusals,
    get attempts() {
      return attempts;
    },
    failNext(count, status = 500) {
      for (let i = 0; i < count; i += 1) failures.push(status);
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** What X answers a CRC check with `crcToken`: `sha256=` + base64 HMAC-SHA256 under the consumer secret. */
export function xCrcResponseToken(consumerSecret: string, crcToken: string): string {
  return `sha256=${createHmac('sha256', consumerSecret).update(crcToken).digest('base64')}`;
}

/** Sends X's CRC check to a webhook URL: `GET ?crc_token=…`. */
export function getXCrc(url: string, crcToken: string): Promise<Response> {
  const target = new URL(url);
  target.searchParams.set('crc_token', crcToken);
  return fetch(target);
}

/** One Direct Message a customer sends the account. */
export interface XDirectMessageInput {
  /** The subscribed account (`for_user_id`, the recipient). */
  forUserId: string;
  senderId: string;
  senderName?: string;
  senderScreenName?: string;
  text: string;
  /** The event id (default: a fresh snowflake-like id). */
  id?: string;
  /** Milliseconds since the epoch (default: now). */
  createdTimestamp?: number;
  /** A photo sent with the message; X appends its t.co link to the text. */
  photo?: { id: string; url: string; tco: string };
}

let eventCounter = 1_234_858_592_000_000_000n;

/**
 * An Account Activity delivery carrying one `message_create` event, shaped like
 * webhook-samples/x-dm-message-create.json, with `users` naming sender and recipient.
 */
export function xDirectMessageActivity(input: XDirectMessageInput): Record<string, unknown> {
  eventCounter += 1n;
  const messageData: Record<string, unknown> = {
    text: input.photo ? `${input.text} ${input.photo.tco}` : input.text,
    entities: { hashtags: [], symbols: [], urls: [], user_mentions: [] },
  };
  if (input.photo) {
    messageData.attachment = {
      type: 'media',
      media: {
        id: Number(input.photo.id),
        id_str: input.photo.id,
        indices: [input.text.length + 1, input.text.length + 1 + input.photo.tco.length],
        media_url: input.photo.url.replace(/^https:/, 'http:'),
        media_url_https: input.photo.url,
        url: input.photo.tco,
        display_url: 'pic.x.com/abc123',
        expanded_url: `https://x.com/messages/media/${input.photo.id}`,
        type: 'photo',
        sizes: { large: { w: 1024, h: 768, resize: 'fit' }, thumb: { w: 150, h: 150, resize: 'crop' } },
      },
    };
  }
  const user = (id: string, name: string, screenName: string) => ({
    id,
    created_timestamp: '1422556069340',
    name,
    screen_name: screenName,
    protected: false,
    verified: false,
    followers_count: 22,
    friends_count: 45,
    statuses_count: 494,
  });
  return {
    for_user_id: input.forUserId,
    direct_message_events: [
      {
        type: 'message_create',
        id: input.id ?? String(eventCounter),
        created_timestamp: String(input.createdTimestamp ?? Date.now()),
        message_create: { target: { recipient_id: input.forUserId }, sender_id: input.senderId, source_app_id: '268278', message_data: messageData },
      },
    ],
    users: {
      [input.senderId]: user(input.senderId, input.senderName ?? 'Customer', input.senderScreenName ?? 'customer_handle'),
      [input.forUserId]: user(input.forUserId, 'Support', 'support_handle'),
    },
    apps: { '268278': { id: '268278', name: 'Example App', url: 'https://example.com' } },
  };
}

/** The signature header X puts on a delivery: `sha256=` + base64 HMAC-SHA256 of the body. */
export function xWebhookSignature(consumerSecret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', consumerSecret).update(body).digest('base64')}`;
}

/** The headers and body X would post for `activity`; `consumerSecret` undefined signs nothing. */
export function xWebhook(activity: unknown, consumerSecret: string | undefined): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify(activity);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (consumerSecret !== undefined) headers['x-twitter-webhooks-signature'] = xWebhookSignature(consumerSecret, body);
  return { headers, body };
}

/** Posts a signed delivery to a webhook URL the way X does. */
export function postXActivity(url: string, activity: unknown, consumerSecret: string | undefined): Promise<Response> {
  const { headers, body } = xWebhook(activity, consumerSecret);
  return fetch(url, { method: 'POST', headers, body });
}

/** RFC 3986 unreserved characters stay, every other UTF-8 byte becomes %XX. */
function rfc3986(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function problem(res: ServerResponse, status: number, title: string, detail: string): void {
  sendJson(res, status, { title, detail, type: 'about:blank', status });
}

function invalid(res: ServerResponse, message: string): void {
  sendJson(res, 400, {
    errors: [{ parameters: {}, message }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: 'https://api.twitter.com/2/problems/invalid-request',
  });
}


