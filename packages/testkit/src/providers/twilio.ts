// A faithful fake of Twilio Programmable Messaging (reference/channels.md §1): the Messages
// endpoint with its auth, validation and error bodies, status callbacks, signed inbound
// webhooks, and inbound media behind Basic auth and a redirect to a CDN. The signature is
// computed here from Twilio's rules, independently of any adapter.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson } from './internal/http.ts';

/** Form parameters; an array is a repeated parameter. */
export type TwilioFormParams = Record<string, string | readonly string[]>;

/**
 * The `X-Twilio-Signature` for a request to `url` with `params`: base64 HMAC-SHA1 under the Auth
 * Token of the URL, then each parameter by sorted name as name+value (repeated: distinct values sorted).
 * @example signTwilioRequest('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', { CallSid: 'CA…' })
 */
export function signTwilioRequest(authToken: string, url: string, params: TwilioFormParams): string {
  const names = Object.keys(params).sort();
  const data = names.reduce((signed, name) => {
    const value = params[name]!;
    const values = typeof value === 'string' ? [value] : [...new Set(value)].sort();
    return signed + values.map((v) => name + v).join('');
  }, url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** A webhook the fake posted and what it was answered. */
export interface TwilioWebhookDelivery {
  response: Response;
  params: Record<string, string>;
  signature: string;
}

/** Posts `params` form-encoded and signed to `url`, with the headers Twilio sends. */
export async function postTwilioWebhook(options: {
  url: string;
  authToken: string;
  params: Record<string, string>;
  /** Sign as if this URL had been configured (to test a URL mismatch); `url` by default. */
  signedUrl?: string;
  fetch?: typeof fetch;
}): Promise<TwilioWebhookDelivery> {
  const signature = signTwilioRequest(options.authToken, options.signedUrl ?? options.url, options.params);
  const response = await (options.fetch ?? fetch)(options.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature,
      'i-twilio-idempotency-token': randomUUID(),
      'user-agent': 'TwilioProxy/1.1',
    },
    body: new URLSearchParams(options.params).toString(),
  });
  return { response, params: options.params, signature };
}

/** A Twilio SID: its two-letter prefix and 32 hex digits. */
function twilioSid(prefix: 'AC' | 'SM' | 'MM' | 'MG' | 'ME'): string {
  return prefix + randomBytes(16).toString('hex');
}

interface InboundOptions {
  /** The channel's webhook URL. */
  url: string;
  authToken: string;
  accountSid?: string;
  from?: string;
  to?: string;
  body?: string;
  messageSid?: string;
  /** Parameters to add or override (Twilio adds new ones without notice). */
  extra?: Record<string, string>;
  fetch?: typeof fetch;
}

/** Posts an inbound SMS as Twilio does (parameter names from the Messaging webhook page). */
export function postTwilioSms(options: InboundOptions): Promise<TwilioWebhookDelivery> {
  const sid = options.messageSid ?? twilioSid('SM');
  return deliver(options, {
    ...smsBase(options, sid),
    FromCity: 'SAN FRANCISCO',
    FromState: 'CA',
    FromZip: '94105',
    FromCountry: 'US',
    ToCity: 'SAN FRANCISCO',
    ToState: 'CA',
    ToZip: '94105',
    ToCountry: 'US',
  });
}

/** Posts an inbound MMS with `media` (MediaUrlN/MediaContentTypeN; the URLs point at Twilio's Media resources by default). */
export function postTwilioMms(options: InboundOptions & { media?: readonly { url?: string; contentType: string }[] }): Promise<TwilioWebhookDelivery> {
  const sid = options.messageSid ?? twilioSid('MM');
  const accountSid = options.accountSid ?? DEFAULT_ACCOUNT;
  const media = options.media ?? [{ contentType: 'image/jpeg' }];
  const params: Record<string, string> = { ...smsBase(options, sid), NumMedia: String(media.length) };
  media.forEach((item, i) => {
    params[`MediaContentType${i}`] = item.contentType;
    params[`MediaUrl${i}`] = item.url ?? `https://api.twilio.com/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media/${twilioSid('ME')}`;
  });
  return deliver(options, params);
}

/** Posts an inbound WhatsApp message: `whatsapp:` addresses, ProfileName, WaId, and optionally a reply-to or a location. */
export function postTwilioWhatsApp(
  options: InboundOptions & {
    profileName?: string;
    /** The MessageSid of the message the customer replied to. */
    repliedTo?: string;
    location?: { latitude: number; longitude: number; address?: string; label?: string };
  },
): Promise<TwilioWebhookDelivery> {
  const sid = options.messageSid ?? twilioSid('SM');
  const from = `whatsapp:${(options.from ?? '+16505551234').replace(/^whatsapp:/, '')}`;
  const to = `whatsapp:${(options.to ?? '+14155238886').replace(/^whatsapp:/, '')}`;
  const params: Record<string, string> = {
    ...smsBase({ ...options, from, to }, sid),
    ProfileName: options.profileName ?? 'Sheena',
    WaId: from.replace(/^whatsapp:\+/, ''),
    MessageType: options.location ? 'location' : 'text',
    ReferralNumMedia: '0',
  };
  if (options.repliedTo) {
    params.OriginalRepliedMessageSid = options.repliedTo;
    params.OriginalRepliedMessageSender = to;
  }
  if (options.location) {
    params.Body = options.body ?? '';
    params.Latitude = String(options.location.latitude);
    params.Longitude = String(options.location.longitude);
    if (options.location.address) params.Address = options.location.address;
    if (options.location.label) params.Label = options.location.label;
  }
  return deliver(options, params);
}

/** Posts a status callback for an outbound message (`sent`, `delivered`, `read`, `failed`, `undelivered`…). */
export function postTwilioStatus(options: {
  url: string;
  authToken: string;
  messageSid: string;
  status: string;
  errorCode?: string | number;
  errorMessage?: string;
  accountSid?: string;
  from?: string;
  to?: string;
  fetch?: typeof fetch;
}): Promise<TwilioWebhookDelivery> {
  const params: Record<string, string> = {
    AccountSid: options.accountSid ?? DEFAULT_ACCOUNT,
    From: options.from ?? '+14155552671',
    To: options.to ?? '+14155550123',
    MessageSid: options.messageSid,
    MessageStatus: options.status,
    SmsSid: options.messageSid,
    SmsStatus: options.status,
    ApiVersion: '2010-04-01',
  };
  if (options.errorCode !== undefined) params.ErrorCode = String(options.errorCode);
  if (options.errorMessage !== undefined) params.ErrorMessage = options.errorMessage;
  return postTwilioWebhook({ url: options.url, authToken: options.authToken, params, ...(options.fetch && { fetch: options.fetch }) });
}

const DEFAULT_ACCOUNT = 'ACa2b0c4d4f7e1a7b2d5e9f9b3c1a2d3e4';

function smsBase(options: InboundOptions, sid: string): Record<string, string> {
  return {
    MessageSid: sid,
    SmsMessageSid: sid,
    SmsSid: sid,
    AccountSid: options.accountSid ?? DEFAULT_ACCOUNT,
    From: options.from ?? '+14155550123',
    To: options.to ?? '+14155552671',
    Body: options.body ?? 'My router shows a red light since this morning',
    NumMedia: '0',
    NumSegments: '1',
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
  };
}

function deliver(options: InboundOptions, params: Record<string, string>): Promise<TwilioWebhookDelivery> {
  return postTwilioWebhook({ url: options.url, authToken: options.authToken, params: { ...params, ...options.extra }, ...(options.fetch && { fetch: options.fetch }) });
}

/** A message the fake accepted, as the form said it. */
export interface TwilioFakeMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  mediaUrls: string[];
  statusCallback: string | null;
  /** The Content SID of a template send, and its variables as sent (`{"1": "…"}`). */
  contentSid: string | null;
  contentVariables: Record<string, string> | null;
  /** Every form parameter, repeated ones in order. */
  params: [string, string][];
}

/** A running fake of Twilio's REST API on loopback. */
export interface TwilioFake {
  /** The API base URL: give it to the channel as `apiBaseUrl`. */
  readonly url: string;
  readonly accountSid: string;
  readonly authToken: string;
  /** Messages accepted, oldest first. */
  readonly sent: readonly TwilioFakeMessage[];
  /** Requests answered, including refused ones. */
  readonly requests: number;
  /** The next `count` sends fail with `status` (500 by default) and Twilio's error body; `retryAfter` (seconds) adds that header. */
  failNext(count: number, status?: number, options?: { retryAfter?: number }): void;
  /** Every send fails with this Twilio error code (400) until called with null: 21211, 21610, 63016… */
  failPermanently(code: number | null): void;
  /**
   * Posts a signed status callback for a sent message to its StatusCallback URL.
   * @example await twilio.sendStatus(sid, 'undelivered', { errorCode: 30003 })
   */
  sendStatus(sid: string, status: string, options?: { errorCode?: number | string; errorMessage?: string }): Promise<TwilioWebhookDelivery>;
  /**
   * Keeps a file as the media of an inbound message and answers its MediaUrl, as Twilio puts it in
   * the webhook: GET it with Basic auth and it redirects (307) to the fake's CDN, which serves the bytes.
   * @example postTwilioMms({ url, authToken, accountSid: twilio.accountSid, media: [{ url: twilio.addMedia('image/jpeg', jpeg), contentType: 'image/jpeg' }] })
   */
  addMedia(contentType: string, bytes: Uint8Array): string;
  /** The next `count` media requests (the MediaUrl, not the CDN) fail with `status` (500 by default) and Twilio's error body. */
  failDownloadsNext(count: number, status?: number): void;
  /** What `GET /Accounts/{AccountSid}.json` reports as the account's status (`active` until told otherwise). */
  setAccountStatus(status: 'active' | 'suspended' | 'closed'): void;
  /**
   * Approves a WhatsApp template (a Content resource) with this body, `{{1}}`… for its variables,
   * and answers its Content SID. Sends name it by `ContentSid` with `ContentVariables`.
   * @example const contentSid = twilio.addTemplate('Hi {{1}}, your order {{2}} has shipped.');
   */
  addTemplate(body: string): string;
  /**
   * Records that a WhatsApp customer (`+E.164`) wrote at `at` (default now): a free-form message to
   * them later than 24 hours after answers 63016, as Twilio does; templates still go. Customers
   * never recorded are not checked.
   */
  customerWrote(number: string, at?: Date): void;
  close(): Promise<void>;
}

// Messages of Twilio's API errors, in its words.
const ERRORS: Record<number, { status: number; message: string }> = {
  20003: { status: 401, message: 'Authenticate' },
  20404: { status: 404, message: 'The requested resource was not found' },
  20429: { status: 429, message: 'Too Many Requests' },
  20500: { status: 500, message: 'An internal server error has occurred' },
  20503: { status: 503, message: 'Service Unavailable' },
  21211: { status: 400, message: "The 'To' number is not a valid phone number." },
  21602: { status: 400, message: 'Message body is required.' },
  21603: { status: 400, message: "A 'From' phone number is required." },
  21604: { status: 400, message: "A 'To' phone number is required." },
  21610: { status: 400, message: 'Attempt to send to unsubscribed recipient' },
  21617: { status: 400, message: 'The concatenated message body exceeds the 1600 character limit.' },
  21623: { status: 400, message: 'Number of media files exceeds allowed limit' },
  21654: { status: 400, message: 'A ContentSid must be specified if ContentVariables are provided in the request.' },
  21655: { status: 400, message: 'The ContentSid is Invalid' },
  21656: { status: 400, message: 'The ContentVariables Parameter is invalid' },
  63016: {
    status: 400,
    message: 'Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.',
  },
};

/**
 * Starts a fake of Twilio's Messages API on a loopback port. Sends are checked like Twilio checks
 * them (Basic auth, To, From or MessagingServiceSid, Body or MediaUrl) and answered with a real-shaped
 * Message resource; the Account resource (`GET /Accounts/{AccountSid}.json`) answers with `friendlyName`,
 * and `GET /Accounts/{AccountSid}/IncomingPhoneNumbers.json` lists `phoneNumbers` (E.164).
 * @example const twilio = await startTwilioFake(); // config.apiBaseUrl = twilio.url
 */
export async function startTwilioFake(options: { accountSid?: string; authToken?: string; friendlyName?: string; phoneNumbers?: readonly string[] } = {}): Promise<TwilioFake> {
  const accountSid = options.accountSid ?? twilioSid('AC');
  const friendlyName = options.friendlyName ?? 'Northwind Support';
  let accountStatus: 'active' | 'suspended' | 'closed' = 'active';
  const numbers = (options.phoneNumbers ?? []).map((number) => ({ number, sid: `PN${randomBytes(16).toString('hex')}` }));
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const sent: TwilioFakeMessage[] = [];
  let failures: { count: number; status: number; retryAfter?: number } = { count: 0, status: 500 };
  let permanent: number | null = null;
  let requests = 0;
  let downloadFailures: { count: number; status: number } = { count: 0, status: 500 };
  // Media by ME sid, and the same files by their CDN key.
  const media = new Map<string, { messageSid: string; contentType: string; bytes: Uint8Array; cdnKey: string }>();
  const cdn = new Map<string, { contentType: string; bytes: Uint8Array }>();
  // Approved templates by Content SID, and when each WhatsApp customer last wrote.
  const templates = new Map<string, string>();
  const lastInbound = new Map<string, number>();

  const server = createServer((req, res) => {
    requests += 1;
    void handle(req, res).catch((error: unknown) => twilioError(res, 20500, String(error)));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (req.method === 'GET' && path.startsWith('/cdn/')) return serveCdn(req, res, path);
    const numbersMatch = /^\/2010-04-01\/Accounts\/([^/]+)\/IncomingPhoneNumbers\.json$/.exec(path);
    if (numbersMatch && req.method === 'GET') return listNumbers(req, res, decodeURIComponent(numbersMatch[1]!), new URL(req.url ?? '/', 'http://fake').searchParams);
    const accountMatch = /^\/2010-04-01\/Accounts\/([^/]+)\.json$/.exec(path);
    if (accountMatch && req.method === 'GET') return serveAccount(req, res, decodeURIComponent(accountMatch[1]!));
    const mediaMatch = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\/Media\/([^/.]+)$/.exec(path);
    if (mediaMatch && req.method === 'GET') return serveMedia(req, res, path, mediaMatch as unknown as [string, string, string, string]);
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path);
    if (!match || req.method !== 'POST') return twilioError(res, 20404, `The requested resource ${path} was not found`);
    if (!authorized(req.headers.authorization, decodeURIComponent(match[1]!))) {
      return twilioError(res, 20003, 'Authenticate', { detail: 'Your AccountSid or AuthToken was incorrect.' });
    }
    if (failures.count > 0) {
      failures.count -= 1;
      const code = failures.status === 429 ? 20429 : failures.status === 503 ? 20503 : 20500;
      if (failures.retryAfter !== undefined) res.setHeader('retry-after', String(failures.retryAfter));
      return twilioError(res, code, ERRORS[code]!.message, {}, failures.status);
    }
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const to = form.get('To');
    const from = form.get('From');
    const service = form.get('MessagingServiceSid');
    let body = form.get('Body') ?? '';
    const mediaUrls = form.getAll('MediaUrl');
    const contentSid = form.get('ContentSid');
    const rawVariables = form.get('ContentVariables');
    if (!to) return twilioError(res, 21604, ERRORS[21604]!.message);
    if (!from && !service) return twilioError(res, 21603, ERRORS[21603]!.message);
    if (rawVariables !== null && !contentSid) return twilioError(res, 21654, ERRORS[21654]!.message);
    let contentVariables: Record<string, string> | null = null;
    if (contentSid) {
      const template = templates.get(contentSid);
      if (!/^HX[0-9a-fA-F]{32}$/.test(contentSid) || template === undefined) return twilioError(res, 21655, ERRORS[21655]!.message);
      contentVariables = contentVariablesOf(rawVariables);
      const rendered = contentVariables && fill(template, contentVariables);
      if (rendered === null || rendered === undefined) return twilioError(res, 21656, ERRORS[21656]!.message);
      body = rendered;
    } else if (!body && mediaUrls.length === 0) return twilioError(res, 21602, ERRORS[21602]!.message);
    if (!/^\+[1-9]\d{6,14}$/.test(to.replace(/^whatsapp:/, ''))) return twilioError(res, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if ([...body].length > 1600) return twilioError(res, 21617, ERRORS[21617]!.message);
    if (mediaUrls.length > 10) return twilioError(res, 21623, ERRORS[21623]!.message);
    if (permanent !== null) return twilioError(res, permanent, ERRORS[permanent]?.message ?? `Error ${permanent}`);
    // WhatsApp's customer service window: free-form only within 24 hours of the customer's last message.
    const wrote = lastInbound.get(to.replace(/^whatsapp:/, ''));
    if (!contentSid && to.startsWith('whatsapp:') && wrote !== undefined && Date.now() - wrote > WINDOW_MS) return twilioError(res, 63016, ERRORS[63016]!.message);

    const sid = (mediaUrls.length > 0 ? 'MM' : 'SM') + randomBytes(16).toString('hex');
    const statusCallback = form.get('StatusCallback');
    sent.push({ sid, accountSid, to, from, messagingServiceSid: service, body, mediaUrls, statusCallback, contentSid, contentVariables, params: [...form] });
    const now = new Date().toUTCString().replace('GMT', '+0000');
    const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${sid}`;
    sendJson(res, 201, {
      account_sid: accountSid,
      api_version: '2010-04-01',
      body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: from ?? null,
      messaging_service_sid: service ?? null,
      num_media: String(mediaUrls.length),
      num_segments: String(segments(body)),
      price: null,
      price_unit: 'USD',
      sid,
      // A send through a Messaging Service is `accepted` until a sender is picked.
      status: service && !from ? 'accepted' : 'queued',
      subresource_uris: { media: `${uri}/Media.json` },
      to,
      uri: `${uri}.json`,
    });
  }

  // The Account resource, as Twilio answers it: its Auth Token included, which is why a client must not pass it on.
  function serveAccount(req: IncomingMessage, res: ServerResponse, sid: string): void {
    if (!authorized(req.headers.authorization, sid)) return twilioError(res, 20003, 'Authenticate', { detail: 'Your AccountSid or AuthToken was incorrect.' });
    const created = new Date(Date.UTC(2024, 2, 5, 9, 30)).toUTCString().replace('GMT', '+0000');
    const uri = `/2010-04-01/Accounts/${accountSid}`;
    sendJson(res, 200, {
      auth_token: authToken,
      date_created: created,
      date_updated: created,
      friendly_name: friendlyName,
      owner_account_sid: accountSid,
      sid: accountSid,
      status: accountStatus,
      subresource_uris: {
        incoming_phone_numbers: `${uri}/IncomingPhoneNumbers.json`,
        messages: `${uri}/Messages.json`,
        balance: `${uri}/Balance.json`,
      },
      type: 'Full',
      uri: `${uri}.json`,
    });
  }

  // The account's numbers, filtered by PhoneNumber as Twilio filters them, in one page.
  function listNumbers(req: IncomingMessage, res: ServerResponse, sid: string, query: URLSearchParams): void {
    if (!authorized(req.headers.authorization, sid)) return twilioError(res, 20003, 'Authenticate', { detail: 'Your AccountSid or AuthToken was incorrect.' });
    const wanted = query.get('PhoneNumber');
    const uri = `/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers.json`;
    const items = numbers
      .filter((n) => wanted === null || n.number === wanted)
      .map((n) => ({
        account_sid: accountSid,
        api_version: '2010-04-01',
        capabilities: { fax: false, mms: true, sms: true, voice: true },
        friendly_name: n.number,
        phone_number: n.number,
        sid: n.sid,
        sms_application_sid: '',
        sms_method: 'POST',
        sms_url: '',
        status: 'in-use',
        uri: `/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers/${n.sid}.json`,
      }));
    sendJson(res, 200, {
      end: Math.max(0, items.length - 1),
      first_page_uri: `${uri}?PageSize=50&Page=0`,
      incoming_phone_numbers: items,
      next_page_uri: null,
      page: 0,
      page_size: 50,
      previous_page_uri: null,
      start: 0,
      uri: `${uri}?PageSize=50&Page=0`,
    });
  }

  // The Media resource: Basic auth as for every API call, then a redirect to a signed CDN URL.
  function serveMedia(req: IncomingMessage, res: ServerResponse, path: string, [, account, messageSid, mediaSid]: [string, string, string, string]): void {
    if (!authorized(req.headers.authorization, decodeURIComponent(account))) {
      return twilioError(res, 20003, 'Authenticate', { detail: 'Your AccountSid or AuthToken was incorrect.' });
    }
    if (downloadFailures.count > 0) {
      downloadFailures.count -= 1;
      const code = downloadFailures.status === 429 ? 20429 : downloadFailures.status === 503 ? 20503 : 20500;
      return twilioError(res, code, ERRORS[code]!.message, {}, downloadFailures.status);
    }
    const file = media.get(decodeURIComponent(mediaSid));
    if (!file || file.messageSid !== decodeURIComponent(messageSid)) return twilioError(res, 20404, `The requested resource ${path} was not found`);
    const expires = Math.floor(Date.now() / 1000) + 300;
    res.writeHead(307, { location: `${base}/cdn/${accountSid}/${file.cdnKey}?Expires=${expires}&Signature=${randomBytes(24).toString('base64url')}`, 'content-length': '0' });
    res.end();
  }

  // The CDN behind it, like a presigned S3 URL: the signature is in the query, so an Authorization header is refused.
  function serveCdn(req: IncomingMessage, res: ServerResponse, path: string): void {
    const xml = (status: number, code: string, message: string) => {
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
      res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) }).end(body);
    };
    if (req.headers.authorization) {
      return xml(400, 'InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified');
    }
    const file = cdn.get(path.slice(path.lastIndexOf('/') + 1));
    if (!file) return xml(404, 'NoSuchKey', 'The specified key does not exist.');
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.byteLength });
    res.end(file.bytes);
  }

  function authorized(header: string | undefined, pathAccount: string): boolean {
    const match = /^Basic (.+)$/i.exec(header ?? '');
    if (!match) return false;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    return decoded === `${accountSid}:${authToken}` && pathAccount === accountSid;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    accountSid,
    authToken,
    sent,
    get requests() {
      return requests;
    },
    failNext(count, status = 500, failOptions = {}) {
      failures = { count, status, ...(failOptions.retryAfter !== undefined && { retryAfter: failOptions.retryAfter }) };
    },
    failPermanently(code) {
      permanent = code;
    },
    async sendStatus(sid, status, statusOptions = {}) {
      const message = sent.find((m) => m.sid === sid);
      if (!message?.statusCallback) throw new Error(`The fake sent no message ${sid} with a StatusCallback URL.`);
      return postTwilioStatus({
        url: message.statusCallback,
        authToken,
        accountSid,
        messageSid: sid,
        status,
        from: message.from ?? '+14155552671',
        to: message.to,
        ...(statusOptions.errorCode !== undefined && { errorCode: statusOptions.errorCode }),
        ...(statusOptions.errorMessage !== undefined && { errorMessage: statusOptions.errorMessage }),
      });
    },
    addMedia(contentType, bytes) {
      const messageSid = twilioSid('MM');
      const mediaSid = twilioSid('ME');
      const cdnKey = randomBytes(20).toString('hex');
      const copy = new Uint8Array(bytes);
      media.set(mediaSid, { messageSid, contentType, bytes: copy, cdnKey });
      cdn.set(cdnKey, { contentType, bytes: copy });
      return `${base}/2010-04-01/Accounts/${accountSid}/Messages/${messageSid}/Media/${mediaSid}`;
    },
    failDownloadsNext(count, status = 500) {
      downloadFailures = { count, status };
    },
    setAccountStatus(status) {
      accountStatus = status;
    },
    addTemplate(templateBody) {
      const contentSid = `HX${randomBytes(16).toString('hex')}`;
      templates.set(contentSid, templateBody);
      return contentSid;
    },
    customerWrote(number, at = new Date()) {
      lastInbound.set(number.replace(/^whatsapp:/, ''), at.getTime());
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

const WINDOW_MS = 24 * 3_600_000;

// ContentVariables: a JSON object of non-empty strings (21656 otherwise).
function contentVariablesOf(raw: string | null): Record<string, string> | null {
  if (raw === null) return {};
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    const entries = Object.entries(value);
    return entries.every(([, v]) => typeof v === 'string' && v !== '') ? (Object.fromEntries(entries) as Record<string, string>) : null;
  } catch {
    return null;
  }
}

// The template's text with its variables; null when one it uses was not given.
function fill(template: string, variables: Record<string, string>): string | null {
  let missing = false;
  const text = template.replace(/\{\{\s*(\d+)\s*\}\}/g, (_, n: string) => {
    const value = variables[n];
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? null : text;
}

function twilioError(res: ServerResponse, code: number, message: string, extra: Record<string, string> = {}, status?: number): void {
  sendJson(res, status ?? ERRORS[code]?.status ?? 400, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status: status ?? ERRORS[code]?.status ?? 400, ...extra });
}


// Segments as Twilio bills them: 160/153 GSM-7 septets, else 70/67 UTF-16 units.
function segments(body: string): number {
  const gsm = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà\f^{}\\[~\]|€]*$/.test(body);
  const units = gsm ? body.length + (body.match(/[\f^{}\\[~\]|€]/g)?.length ?? 0) : body.length;
  const [single, part] = gsm ? [160, 153] : [70, 67];
  return units <= single ? 1 : Math.ceil(units / part);
}
