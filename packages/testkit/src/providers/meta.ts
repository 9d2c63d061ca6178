// A faithful stand-in for Meta's Graph API send endpoints (WhatsApp Cloud `/{phone-number-id}/messages`
// and `/media`, the Messenger/Instagram Send API `/{page-id}/messages` and `/me/messages`), built from
// the team's channel reference: Bearer tokens checked, real-shaped answers and Graph error bodies.
// Inbound files too: WhatsApp media by id (`GET /{media-id}`, then its URL, both with the Bearer
// token) and the plain CDN URLs Messenger and Instagram attachments carry.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson } from './internal/http.ts';

/** Who the fake serves: one WhatsApp number and one Page, each with the token it accepts. */
export interface MetaGraphFakeOptions {
  phoneNumberId?: string;
  accessToken?: string;
  pageId?: string;
  pageAccessToken?: string;
  /** What `GET /{phone-number-id}` answers: `display_phone_number` and `verified_name`. */
  displayPhoneNumber?: string;
  verifiedName?: string;
  /** What `GET /{page-id}` answers: `name`, and the linked `instagram_business_account` (null: none linked). */
  pageName?: string;
  instagramAccountId?: string | null;
}

/** A message the fake accepted, as it was posted. */
export interface MetaGraphSend {
  /** `whatsapp` for `/{phone-number-id}/messages`, `page` for the Send API. */
  api: 'whatsapp' | 'page';
  /** The Graph version in the path (`v23.0`). */
  version: string;
  /** The phone number id or Page id the message was sent from (`me` resolves to the Page). */
  objectId: string;
  /** The JSON body; for a multipart send, its fields with `recipient` and `message` decoded. */
  body: Record<string, unknown>;
  /** The file of a multipart send (`filedata`). */
  file?: { name: string; contentType: string; bytes: Uint8Array };
  /** The id the fake answered (`wamid.…` or `m_…`). */
  id: string;
}

/** A file uploaded to `/{phone-number-id}/media`. */
export interface MetaGraphUpload {
  id: string;
  type: string;
  name: string;
  bytes: Uint8Array;
}

/** Errors the fake can answer by name, each with Meta's status, code and wording. */
export type MetaGraphErrorName = 'window_closed' | 'instagram_window_closed' | 'token_expired' | 'rate_limited' | 'user_unavailable';

/** A Graph error answer of your own. */
export interface MetaGraphErrorAnswer {
  status: number;
  code: number;
  subcode?: number;
  message: string;
  details?: string;
  transient?: boolean;
}

/** A running fake Graph API on 127.0.0.1. */
export interface MetaGraphFake {
  /** Base URL to use as a channel's `apiBaseUrl`. */
  url: string;
  phoneNumberId: string;
  accessToken: string;
  pageId: string;
  pageAccessToken: string;
  /** Messages accepted, in order. */
  sent: MetaGraphSend[];
  /** WhatsApp media uploaded, in order. */
  uploads: MetaGraphUpload[];
  /** Every POST that reached a send or upload endpoint, accepted or not. */
  requests: number;
  /** The next `count` sends answer `status` (default 500) with Graph's transient error body. */
  failNext(count: number, status?: number): void;
  /** The next `count` sends answer this error (default once). */
  rejectNext(error: MetaGraphErrorName | MetaGraphErrorAnswer, count?: number): void;
  /** The next `count` sends never answer, until `close()`: for timeouts. */
  stallNext(count?: number): void;
  /**
   * Keeps a file as WhatsApp media a customer sent and answers its id, as a webhook carries it:
   * `GET /{version}/{id}` with the Bearer token gives its URL, which needs the token too.
   * @example const id = graph.addMedia('image/jpeg', jpeg); // the attachment url is `meta-media:${id}`
   */
  addMedia(contentType: string, bytes: Uint8Array): string;
  /** Keeps a file as a Messenger/Instagram attachment and answers its CDN URL (fetched without credentials). */
  addPageAttachment(contentType: string, bytes: Uint8Array): string;
  /** The next `count` media look-ups (`GET /{media-id}`) answer `status` (default 500) with Graph's error body. */
  failDownloadsNext(count: number, status?: number): void;
  /**
   * Approves a WhatsApp template: sends of `type: template` name it and its language, with one
   * body text parameter per `{{n}}`.
   * @example graph.addTemplate({ name: 'order_update', language: 'en_US', body: 'Hi {{1}}, your order {{2}} has shipped.' });
   */
  addTemplate(template: { name: string; language: string; body: string }): void;
  /**
   * Records that a WhatsApp customer (their wa_id or number) wrote at `at` (default now): a message
   * other than a template to them later than 24 hours after answers 131047, as Meta does.
   * Customers never recorded are not checked.
   */
  customerWrote(waId: string, at?: Date): void;
  close(): Promise<void>;
}

type Planned = { kind: 'error'; error: MetaGraphErrorName | MetaGraphErrorAnswer } | { kind: 'stall' };

const WA_TEXT_LIMIT = 4096;
const PAGE_TEXT_LIMIT = 2000;
const WA_TYPES = new Set(['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'template', 'reaction']);
const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);
const MESSAGING_TYPES = new Set(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']);

/**
 * Starts a fake Graph API for WhatsApp Cloud, Messenger and Instagram sends. Point a channel's
 * `apiBaseUrl` at `url`; it records what it accepted and can be told to fail, refuse or stall.
 * @example const graph = await startMetaGraphFake(); graph.rejectNext('window_closed');
 */
export async function startMetaGraphFake(options: MetaGraphFakeOptions = {}): Promise<MetaGraphFake> {
  const phoneNumberId = options.phoneNumberId ?? '106540352242922';
  const accessToken = options.accessToken ?? 'EAAJwhatsappSystemUserToken';
  const pageId = options.pageId ?? '104857600012345';
  const pageAccessToken = options.pageAccessToken ?? 'EAAJpageAccessToken';
  const displayPhoneNumber = options.displayPhoneNumber ?? '+1 555-078-3881';
  const verifiedName = options.verifiedName ?? 'Northwind Support';
  const pageName = options.pageName ?? 'Northwind Support';
  const instagramAccountId = options.instagramAccountId === undefined ? '17841400000000001' : options.instagramAccountId;
  const plan: Planned[] = [];
  const stalled = new Set<ServerResponse>();
  const downloadFailures: MetaGraphErrorAnswer[] = [];
  // WhatsApp media by id (received or uploaded), the same files by their CDN `mid`, and page attachments by path.
  const media = new Map<string, { contentType: string; bytes: Uint8Array; mid: string }>();
  const mediaByMid = new Map<string, string>();
  const pageFiles = new Map<string, { contentType: string; bytes: Uint8Array }>();
  const templates = new Map<string, string>();
  const lastInbound = new Map<string, number>();
  const waDigits = (id: string) => id.replace(/\D/g, '');
  const keepMedia = (id: string, contentType: string, bytes: Uint8Array) => {
    const mid = randomBytes(24).toString('base64url');
    media.set(id, { contentType, bytes, mid });
    mediaByMid.set(mid, id);
  };

  const fake: MetaGraphFake = {
    url: '',
    phoneNumberId,
    accessToken,
    pageId,
    pageAccessToken,
    sent: [],
    uploads: [],
    requests: 0,
    failNext(count, status = 500) {
      const error: MetaGraphErrorAnswer =
        status === 429
          ? { status, code: 4, message: '(#4) Application request limit reached', transient: true }
          : status >= 500
            ? { status, code: 2, message: 'An unexpected error has occurred. Please retry your request later.', transient: true }
            : { status, code: 100, message: '(#100) Invalid parameter' };
      for (let i = 0; i < count; i++) plan.push({ kind: 'error', error });
    },
    rejectNext(error, count = 1) {
      for (let i = 0; i < count; i++) plan.push({ kind: 'error', error });
    },
    stallNext(count = 1) {
      for (let i = 0; i < count; i++) plan.push({ kind: 'stall' });
    },
    addMedia(contentType, bytes) {
      const id = digits(16);
      keepMedia(id, contentType, new Uint8Array(bytes));
      return id;
    },
    addPageAttachment(contentType, bytes) {
      const path = `/v/t1.15752-9/${digits(9)}_${digits(16)}_${digits(19)}_n.${extensionOf(contentType)}`;
      pageFiles.set(path, { contentType, bytes: new Uint8Array(bytes) });
      return `${fake.url}${path}?_nc_cat=${digits(3)}&_nc_sid=${randomBytes(3).toString('hex')}&oh=${randomBytes(16).toString('hex')}&oe=${Math.floor(Date.now() / 1000 + 3 * 86_400).toString(16).toUpperCase()}`;
    },
    failDownloadsNext(count, status = 500) {
      const error: MetaGraphErrorAnswer =
        status === 429
          ? { status, code: 4, message: '(#4) Application request limit reached', transient: true }
          : { status, code: 2, message: 'An unexpected error has occurred. Please retry your request later.', transient: true };
      for (let i = 0; i < count; i++) downloadFailures.push(error);
    },
    addTemplate(template) {
      templates.set(`${template.name}/${template.language}`, template.body);
    },
    customerWrote(waId, at = new Date()) {
      lastInbound.set(waDigits(waId), at.getTime());
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of stalled) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      graphError(response, { status: 500, code: 1, message: `An unknown error has occurred. (${String(error)})`, transient: true });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method === 'GET') return serveFile(request, response, url);
    const match = /^\/(v\d+\.\d+)\/([^/]+)\/(messages|media)$/.exec(url.pathname);
    if (request.method !== 'POST' || !match) {
      return graphError(response, { status: 400, code: 2500, message: `Unknown path components: ${url.pathname}` });
    }
    const [, version, rawObject, edge] = match as unknown as [string, string, string, 'messages' | 'media'];
    const objectId = decodeURIComponent(rawObject);
    const body = await readBody(request);
    const token = bearerOf(request) ?? url.searchParams.get('access_token');
    const invalidToken = { status: 401, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' };
    if (token !== accessToken && token !== pageAccessToken) return graphError(response, invalidToken);
    const api = objectId === phoneNumberId ? 'whatsapp' : objectId === pageId || objectId === 'me' ? 'page' : null;
    if (!api || (api === 'page' && edge === 'media')) {
      return graphError(response, {
        status: 400,
        code: 100,
        subcode: 33,
        message: `Unsupported post request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
        type: 'GraphMethodException',
      });
    }
    if (token !== (api === 'whatsapp' ? accessToken : pageAccessToken)) return graphError(response, invalidToken);
    fake.requests += 1;
    const planned = plan.shift();
    if (planned?.kind === 'stall') {
      stalled.add(response);
      return;
    }
    if (planned) return graphError(response, namedError(planned.error, api));
    const fields = await readFields(request.headers['content-type'], body);
    if (!fields) return graphError(response, { status: 400, code: 100, message: '(#100) The request body could not be read as JSON or multipart form data.' });
    if (edge === 'media') return upload(response, fields);
    return api === 'whatsapp' ? sendWhatsApp(response, version, fields) : sendPage(response, version, fields);
  }

  // GET: a media look-up, the media CDN (Bearer token needed), or a page attachment's CDN URL (no credentials).
  function serveFile(request: IncomingMessage, response: ServerResponse, url: URL): void {
    const page = pageFiles.get(url.pathname);
    if (page) return sendBytes(response, page.contentType, page.bytes);
    if (url.pathname.startsWith('/v/')) return sendText(response, 404, 'text/html', '<html><body>URL signature mismatch or file not found</body></html>');
    const token = bearerOf(request) ?? url.searchParams.get('access_token');
    const invalidToken = { status: 401, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' };
    if (url.pathname === '/whatsapp_business/attachments/') {
      if (token !== accessToken) return graphError(response, invalidToken);
      const id = mediaByMid.get(url.searchParams.get('mid') ?? '');
      const file = id === undefined ? undefined : media.get(id);
      return file ? sendBytes(response, file.contentType, file.bytes) : sendText(response, 404, 'text/plain', 'Not Found');
    }
    const match = /^\/(v\d+\.\d+)\/([^/]+)$/.exec(url.pathname);
    if (!match) return graphError(response, { status: 400, code: 2500, message: `Unknown path components: ${url.pathname}` });
    const node = decodeURIComponent(match[2]!);
    if (node === phoneNumberId || node === pageId) return serveNode(response, url, node, token);
    if (token !== accessToken && token !== pageAccessToken) return graphError(response, invalidToken);
    // A valid token that is not the number's reaches no media: Graph says the object is not there.
    if (token !== accessToken) return graphError(response, unsupportedGet(node));
    const failure = downloadFailures.shift();
    if (failure) return graphError(response, failure);
    const id = node;
    const file = media.get(id);
    const owner = url.searchParams.get('phone_number_id');
    if (!file || (owner !== null && owner !== phoneNumberId)) return graphError(response, unsupportedGet(id));
    const ext = Math.floor(Date.now() / 1000);
    sendJson(response, 200, {
      url: `${fake.url}/whatsapp_business/attachments/?mid=${file.mid}&ext=${ext}&hash=${randomBytes(16).toString('base64url')}`,
      mime_type: file.contentType,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      file_size: file.bytes.byteLength,
      id,
      messaging_product: 'whatsapp',
    });
  }

  // The phone number and the Page as Graph nodes: any valid token passes the first check, only the
  // object's own token reads it, and only the fields asked for come back (with the id).
  function serveNode(response: ServerResponse, url: URL, id: string, token: string | null): void {
    if (token !== accessToken && token !== pageAccessToken) {
      return graphError(response, { status: 401, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
    }
    const isNumber = id === phoneNumberId;
    if (token !== (isNumber ? accessToken : pageAccessToken)) return graphError(response, unsupportedGet(id));
    const node: Record<string, unknown> = isNumber
      ? { display_phone_number: displayPhoneNumber, verified_name: verifiedName, quality_rating: 'GREEN', code_verification_status: 'VERIFIED', platform_type: 'CLOUD_API' }
      : { name: pageName, ...(instagramAccountId && { instagram_business_account: { id: instagramAccountId } }), category: 'Internet Service Provider' };
    const known = isNumber ? NUMBER_FIELDS : PAGE_FIELDS;
    const asked = (url.searchParams.get('fields') ?? (isNumber ? 'display_phone_number,verified_name' : 'name')).split(',').filter(Boolean);
    const unknown = asked.find((field) => !known.includes(field));
    if (unknown) {
      return graphError(response, { status: 400, code: 100, message: `(#100) Tried accessing nonexisting field (${unknown}) on node type (${isNumber ? 'WhatsAppBusinessPhoneNumber' : 'Page'})` });
    }
    const answer: Record<string, unknown> = {};
    for (const field of asked) if (node[field] !== undefined) answer[field] = node[field];
    sendJson(response, 200, { ...answer, id });
  }

  function upload(response: ServerResponse, fields: Fields): void {
    const file = fields.files.file;
    if (fields.values.messaging_product !== 'whatsapp') return graphError(response, missing('messaging_product'));
    if (!file) return graphError(response, missing('file'));
    const id = digits(16);
    fake.uploads.push({ id, type: String(fields.values.type ?? file.contentType), name: file.name, bytes: file.bytes });
    keepMedia(id, String(fields.values.type ?? file.contentType), file.bytes);
    sendJson(response, 200, { id });
  }

  function sendWhatsApp(response: ServerResponse, version: string, fields: Fields): void {
    const body = fields.values;
    if (body.messaging_product !== 'whatsapp') return graphError(response, missing('messaging_product'));
    if (typeof body.to !== 'string' || !body.to) return graphError(response, missing('to'));
    const type = typeof body.type === 'string' ? body.type : 'text';
    if (!WA_TYPES.has(type)) return graphError(response, { status: 400, code: 100, message: `(#100) Param type must be one of {${[...WA_TYPES].join(', ')}}` });
    const content = body[type] as Record<string, unknown> | undefined;
    if (type === 'text') {
      const text = content?.body;
      if (typeof text !== 'string' || !text) return graphError(response, missing("text['body']"));
      if (text.length > WA_TEXT_LIMIT) return graphError(response, { status: 400, code: 100, message: `(#100) Param text['body'] must be at most ${WA_TEXT_LIMIT} characters long.` });
    }
    if (type === 'template') {
      const refused = checkTemplate(content);
      if (refused) return graphError(response, refused);
    } else {
      const wrote = lastInbound.get(waDigits(body.to));
      if (wrote !== undefined && Date.now() - wrote > 24 * 3_600_000) return graphError(response, namedError('window_closed', 'whatsapp'));
    }
    if (MEDIA_TYPES.has(type)) {
      if (!content || (typeof content.link !== 'string' && typeof content.id !== 'string')) {
        return graphError(response, { status: 400, code: 100, message: `(#100) Param ${type} must contain either 'id' or 'link'` });
      }
      if (typeof content.id === 'string' && !fake.uploads.some((u) => u.id === content.id)) {
        return graphError(response, { status: 400, code: 131053, message: '(#131053) Media upload error', details: `Media id ${content.id} was not found.` });
      }
      if ((type === 'audio' || type === 'sticker') && content.caption !== undefined) {
        return graphError(response, { status: 400, code: 100, message: `(#100) Param ${type}['caption'] is not a valid parameter` });
      }
    }
    const id = `wamid.HBgL${randomBytes(30).toString('base64')}`;
    fake.sent.push({ api: 'whatsapp', version, objectId: phoneNumberId, body, id });
    sendJson(response, 200, { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to.replace(/\D/g, '') }], messages: [{ id }] });
  }

  // A template send as Meta checks it: an approved name in that language, one text parameter per variable.
  function checkTemplate(content: Record<string, unknown> | undefined): GraphErrorSpec | null {
    const name = content?.name;
    const code = (content?.language as { code?: unknown } | undefined)?.code;
    if (typeof name !== 'string' || !name) return missing("template['name']");
    if (typeof code !== 'string' || !code) return missing("template['language']['code']");
    const approved = templates.get(`${name}/${code}`);
    if (approved === undefined) {
      return { status: 400, code: 132001, message: '(#132001) Template name does not exist in the translation', details: `template name (${name}) does not exist in ${code}` };
    }
    const components = Array.isArray(content?.components) ? (content.components as Array<{ type?: unknown; parameters?: unknown }>) : [];
    const bodyParameters = components.find((c) => c.type === 'body')?.parameters;
    const parameters = Array.isArray(bodyParameters) ? (bodyParameters as Array<{ type?: unknown; text?: unknown }>) : [];
    const expected = new Set([...approved.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((m) => m[1])).size;
    if (parameters.length !== expected) {
      return {
        status: 400,
        code: 132000,
        message: '(#132000) Number of parameters does not match the expected number of params',
        details: `body: number of localizable_params (${parameters.length}) does not match the expected number of params (${expected})`,
      };
    }
    if (parameters.some((p) => p.type !== 'text' || typeof p.text !== 'string' || !p.text.trim())) {
      return { status: 400, code: 131008, message: '(#131008) Required parameter is missing', details: 'body: a text parameter has no text' };
    }
    return null;
  }

  function sendPage(response: ServerResponse, version: string, fields: Fields): void {
    const body = fields.values;
    const recipient = body.recipient as { id?: unknown } | undefined;
    const message = body.message as { text?: unknown; attachment?: unknown } | undefined;
    if (typeof recipient?.id !== 'string' || !recipient.id) return graphError(response, missing('recipient'));
    if (body.messaging_type !== undefined && !MESSAGING_TYPES.has(String(body.messaging_type))) {
      return graphError(response, { status: 400, code: 100, message: '(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}' });
    }
    if (!message || (message.text === undefined) === (message.attachment === undefined)) {
      return graphError(response, { status: 400, code: 100, message: '(#100) Must send either message text or an attachment' });
    }
    if (typeof message.text === 'string' && message.text.length > PAGE_TEXT_LIMIT) {
      return graphError(response, { status: 400, code: 100, message: `(#100) Length of param message[text] must be less than or equal to ${PAGE_TEXT_LIMIT}` });
    }
    if (message.attachment !== undefined) {
      const payload = (message.attachment as { payload?: { url?: unknown } }).payload;
      if (typeof payload?.url !== 'string' && !fields.files.filedata) {
        return graphError(response, { status: 400, code: 100, message: '(#100) Incorrect attachment: a URL or an uploaded file is required' });
      }
    }
    const id = `m_${randomBytes(48).toString('base64url')}`;
    const file = fields.files.filedata;
    fake.sent.push({ api: 'page', version, objectId: pageId, body, ...(file && { file }), id });
    sendJson(response, 200, { recipient_id: recipient.id, message_id: id });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

type GraphErrorSpec = MetaGraphErrorAnswer & { type?: string };

function namedError(error: MetaGraphErrorName | MetaGraphErrorAnswer, api: 'whatsapp' | 'page'): GraphErrorSpec {
  if (typeof error !== 'string') return error;
  switch (error) {
    case 'window_closed':
      return api === 'whatsapp'
        ? {
            status: 400,
            code: 131047,
            message: '(#131047) Re-engagement message',
            details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
          }
        : { status: 400, code: 10, subcode: 2018278, message: '(#10) This message is sent outside of allowed window.' };
    case 'instagram_window_closed':
      return { status: 400, code: 10, subcode: 2534022, message: '(#10) This message is sent outside of allowed window.' };
    case 'token_expired':
      return { status: 401, code: 190, subcode: 463, message: 'Error validating access token: Session has expired.' };
    case 'rate_limited':
      return api === 'whatsapp'
        ? { status: 400, code: 130429, message: '(#130429) Rate limit hit', details: 'Cloud API message throughput has been reached.' }
        : { status: 400, code: 613, message: '(#613) Calls to this api have exceeded the rate limit.' };
    case 'user_unavailable':
      return { status: 400, code: 551, subcode: 1545041, message: "(#551) This person isn't available right now." };
  }
}

function graphError(response: ServerResponse, spec: GraphErrorSpec): void {
  sendJson(response, spec.status, {
    error: {
      message: spec.message,
      type: spec.type ?? 'OAuthException',
      code: spec.code,
      ...(spec.subcode !== undefined && { error_subcode: spec.subcode }),
      ...(spec.transient !== undefined && { is_transient: spec.transient }),
      ...(spec.details !== undefined && { error_data: { messaging_product: 'whatsapp', details: spec.details } }),
      fbtrace_id: randomBytes(8).toString('base64url'),
    },
  });
}

const NUMBER_FIELDS = ['id', 'display_phone_number', 'verified_name', 'quality_rating', 'code_verification_status', 'platform_type'];
const PAGE_FIELDS = ['id', 'name', 'instagram_business_account', 'category'];

function unsupportedGet(id: string): GraphErrorSpec {
  return {
    status: 400,
    code: 100,
    subcode: 33,
    message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    type: 'GraphMethodException',
  };
}

function missing(parameter: string): GraphErrorSpec {
  return { status: 400, code: 100, message: `(#100) The parameter ${parameter} is required.` };
}


function sendBytes(response: ServerResponse, contentType: string, bytes: Uint8Array): void {
  response.writeHead(200, { 'content-type': contentType, 'content-length': bytes.byteLength });
  response.end(bytes);
}

function sendText(response: ServerResponse, status: number, contentType: string, text: string): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'video/mp4': 'mp4', 'audio/mp4': 'm4a', 'application/pdf': 'pdf' };

function extensionOf(contentType: string): string {
  return EXTENSIONS[contentType.split(';')[0]!.trim().toLowerCase()] ?? 'bin';
}

function bearerOf(request: IncomingMessage): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
  return match ? match[1]!.trim() : null;
}

function digits(count: number): string {
  return Array.from(randomBytes(count), (b) => String(b % 10)).join('');
}


interface Fields {
  values: Record<string, unknown>;
  files: Record<string, { name: string; contentType: string; bytes: Uint8Array }>;
}

// JSON bodies, or multipart ones whose `recipient`/`message` fields are JSON as the Send API takes them.
async function readFields(contentType: string | undefined, body: Buffer): Promise<Fields | null> {
  if (contentType?.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Request('http://127.0.0.1/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) }).formData();
    } catch {
      return null;
    }
    const fields: Fields = { values: {}, files: {} };
    for (const [name, value] of form) {
      if (typeof value === 'string') fields.values[name] = name === 'recipient' || name === 'message' ? parseJson(value) : value;
      else fields.files[name] = { name: value.name, contentType: value.type, bytes: new Uint8Array(await value.arrayBuffer()) };
    }
    return fields;
  }
  const parsed = parseJson(body.toString('utf8'));
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? { values: parsed as Record<string, unknown>, files: {} } : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
