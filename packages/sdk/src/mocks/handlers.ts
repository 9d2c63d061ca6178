import { HttpResponse, delay, http } from 'msw';
import type { HttpHandler } from 'msw';
import { CasekitError, DEFAULT_UPLOAD_MAX_BYTES, DEFAULT_UPLOAD_TYPES, INLINE_IMAGE_TYPES, ROUTES, toFieldIssues } from '@casekit/protocol';
import type { Agent, FieldIssue, RouteDef, RouteName, Routes } from '@casekit/protocol';
import type { RouteResponse } from '../requests.ts';
import { MockDb } from './db.ts';
import { DEMO_PASSWORD, seedDemo } from './seed.ts';

/** Options of {@link createMockHandlers}. */

/** Like the server: a visitor's own facts live under `visitor.`, apart from what agents set. */
function visitorAttributes(attributes: Record<string, string | number | boolean | null> | undefined): Record<string, string | number | boolean | null> {
  return Object.fromEntries(Object.entries(attributes ?? {}).map(([key, value]) => [`visitor.${key}`, value]));
}

export interface MockHandlersOptions {
  /**
   * What the database starts with: `'demo'` (default: agents, customers on several channels,
   * cases), `'empty'` (one admin and a web-chat channel), or a function filling a fresh db.
   */
  seed?: 'demo' | 'empty' | ((db: MockDb) => void);
  /** Origin the handlers answer for, e.g. `https://api.example.com` (default: any origin). */
  baseUrl?: string;
  /** Artificial latency per request in ms (default 0). */
  latencyMs?: number;
  /** Accept only tokens issued by the mock `login` (default false: any bearer token acts as the first admin). */
  strictAuth?: boolean;
  /** Clock of the database (default: the real time). */
  now?: () => Date;
  /** Largest upload in bytes and the accepted types (default: 10 MB of images, PDF and plain text, as the server). */
  uploads?: { maxBytes?: number; contentTypes?: readonly string[] };
}

/** The in-memory database and the msw handlers over it. */
export interface MockApi {
  handlers: HttpHandler[];
  db: MockDb;
}

type Parsed<S> = S extends { _zod: { output: infer O } } ? O : undefined;
interface Ctx<R> {
  params: R extends { params: infer P } ? Parsed<P> : undefined;
  query: R extends { query: infer Q } ? Parsed<Q> : undefined;
  body: R extends { body: infer B } ? Parsed<B> : undefined;
  agent: R extends { auth: 'agent' } ? Agent : undefined;
  visitor: R extends { auth: 'visitor' }
    ? { customerId: string; channelId: string }
    : R extends { auth: 'visitor-optional' }
      ? { customerId: string; channelId: string } | undefined
      : undefined;
  idempotencyKey: string | null;
  request: Request;
}
type Impl = {
  [K in RouteName]: (ctx: Ctx<Routes[K]>) => Routes[K] extends { rawBody: true } | { fileResponse: true } ? Promise<RouteResponse<K> | Response> : RouteResponse<K>;
};

/**
 * msw handlers that fake the whole casekit REST API in memory, so widgets and host pages run
 * without a backend. Agents log in with their seeded email and the password `casekit-demo`.
 * @example
 * const { handlers, db } = createMockHandlers();
 * await setupWorker(...handlers).start();
 */
export function createMockHandlers(options: MockHandlersOptions = {}): MockApi {
  const db = new MockDb(options.now ? { now: options.now } : {});
  const seed = options.seed ?? 'demo';
  if (seed === 'demo') seedDemo(db);
  else if (seed === 'empty') seedEmpty(db);
  else seed(db);

  const impl = createImpl(db, {
    maxBytes: options.uploads?.maxBytes ?? DEFAULT_UPLOAD_MAX_BYTES,
    contentTypes: options.uploads?.contentTypes ?? DEFAULT_UPLOAD_TYPES,
  });
  const prefix = `${options.baseUrl ? options.baseUrl.replace(/\/+$/, '') : '*'}/api/v1`;
  const handlers = (Object.keys(ROUTES) as RouteName[]).map((name) => {
    const route: RouteDef = ROUTES[name];
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
    return http[method](`${prefix}${route.path}`, async ({ request, params }) => {
      if (options.latencyMs) await delay(options.latencyMs);
      try {
        const ctx = await context(db, route, request, params as Record<string, string>, options.strictAuth ?? false);
        const run = impl[name] as (ctx: Ctx<RouteDef>) => unknown;
        const key = ctx.idempotencyKey && route.idempotent ? `${name}:${ctx.idempotencyKey}` : null;
        const result = await (key && db.idempotent.has(key) ? db.idempotent.get(key) : run(ctx));
        if (key) db.idempotent.set(key, result);
        if (result instanceof Response) return result;
        return HttpResponse.json(result as never, { status: route.status ?? 200 });
      } catch (err) {
        const error =
          err instanceof CasekitError ? err : new CasekitError('internal', `The mock API failed: ${err instanceof Error ? err.message : String(err)}`);
        return HttpResponse.json(error.toBody() as never, { status: error.status });
      }
    });
  });
  return { handlers, db };
}

function seedEmpty(db: MockDb): void {
  db.addAgent({ id: 'a_admin', name: 'Admin', email: 'admin@example.com', role: 'admin' }, DEMO_PASSWORD);
  db.addChannel({ id: 'ch_web', kind: 'webchat', name: 'Website chat' });
}

async function context(
  db: MockDb,
  route: RouteDef,
  request: Request,
  rawParams: Record<string, string>,
  strict: boolean,
): Promise<Ctx<RouteDef>> {
  const token = request.headers.get('authorization')?.replace(/^Bearer\s+/i, '') ?? '';
  let agent: Agent | undefined;
  let visitor: { customerId: string; channelId: string } | undefined;
  if (route.auth === 'agent') {
    const principal = db.tokens.get(token);
    if (principal?.kind === 'agent') agent = db.agents.get(principal.agentId);
    else if (token && !strict && !principal) agent = [...db.agents.values()].find((a) => a.role === 'admin');
    if (!agent) throw new CasekitError('unauthorized', token ? 'The token could not be verified.' : 'Sign in first: no bearer token was sent.');
    db.requireRole(agent, route.role);
  } else if (route.auth === 'visitor' || (route.auth === 'visitor-optional' && token)) {
    const principal = db.tokens.get(token);
    if (principal?.kind !== 'visitor') throw new CasekitError('unauthorized', 'Start a visitor session first; this token is not one.');
    visitor = { customerId: db.customer(principal.customerId).id, channelId: principal.channelId };
  }

  const issues: FieldIssue[] = [];
  const parse = (schema: RouteDef['query'], value: unknown, where: string) => {
    if (!schema) return undefined;
    const result = schema.safeParse(value);
    if (!result.success) issues.push(...toFieldIssues(result.error, where));
    return result.success ? result.data : undefined;
  };
  const url = new URL(request.url);
  const params = parse(route.params, rawParams, 'params');
  const query = parse(route.query, Object.fromEntries(url.searchParams), 'query');
  let body: unknown;
  if (route.body) {
    let json: unknown;
    try {
      json = await request.json();
    } catch {
      throw new CasekitError('invalid_json', 'The body is not valid JSON.');
    }
    body = parse(route.body, json, 'body');
  }
  if (issues.length) {
    throw new CasekitError('validation_failed', `Invalid request: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}.`, {
      details: { issues },
    });
  }
  return {
    params,
    query,
    body,
    agent,
    visitor,
    idempotencyKey: request.headers.get('idempotency-key'),
    request,
  } as Ctx<RouteDef>;
}

/** Reads an upload's body as the server does: an accepted type, within the size limit, not empty. */
async function readUpload(request: Request, limits: { maxBytes: number; contentTypes: readonly string[] }) {
  const contentType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  const refuse = (code: 'unsupported_media_type' | 'payload_too_large' | 'validation_failed', path: string, message: string) =>
    new CasekitError(code, message, { details: { issues: [{ path, message }] } });
  if (!limits.contentTypes.includes(contentType)) {
    throw refuse('unsupported_media_type', 'headers.content-type', `Files of type ${contentType || 'none'} are not accepted; send one of ${limits.contentTypes.join(', ')}.`);
  }
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > limits.maxBytes) throw refuse('payload_too_large', 'body', `The file is larger than the limit of ${limits.maxBytes} bytes.`);
  if (bytes.byteLength === 0) throw refuse('validation_failed', 'body', 'the file is empty');
  return { bytes, contentType };
}

function createImpl(db: MockDb, limits: { maxBytes: number; contentTypes: readonly string[] }): Impl {
  const started = Date.now();
  return {
    health: () => ({ status: 'ok', uptimeSeconds: Math.round((Date.now() - started) / 1000) }),
    login: ({ body }) => {
      const email = body.email.toLowerCase();
      const agent = [...db.agents.values()].find((a) => a.email === email);
      if (!agent || db.passwords.get(email) !== body.password) throw new CasekitError('unauthorized', 'Wrong email or password.');
      const token = `mock-agent-${agent.id}-${db.id('t')}`;
      db.tokens.set(token, { kind: 'agent', agentId: agent.id });
      return { token, expiresAt: new Date(Date.now() + 12 * 3600_000).toISOString(), agent };
    },
    me: ({ agent }) => agent,
    listCases: ({ query, agent }) => db.listCases(agent, query),
    getCase: ({ params }) => {
      const kase = db.case(params.caseId);
      return {
        case: kase,
        customer: db.customer(kase.customerId),
        conversations: [...db.conversations.values()].filter((c) => c.caseId === kase.id),
      };
    },
    updateCase: ({ params, body, agent }) => db.updateCase(agent, params.caseId, body),
    listMessages: ({ params, query }) => {
      db.case(params.caseId);
      return db.listMessages({ caseId: params.caseId }, query.limit, query.cursor);
    },
    reply: ({ params, body, agent }) => db.agentMessage(agent, params.caseId, { ...body, attachments: db.resolveAttachments(body.attachments, null) }, false),
    addNote: ({ params, body, agent }) => db.agentMessage(agent, params.caseId, { ...body, attachments: db.resolveAttachments(body.attachments, null) }, true),
    mergeCase: ({ params, body, agent }) => db.mergeCase(agent, params.caseId, body.targetCaseId),
    markCaseRead: ({ params, agent }) => ({ caseId: params.caseId, readAt: db.markRead(agent.id, params.caseId) }),
    listCustomers: ({ query }) => db.searchCustomers(query.q, query.limit, query.cursor),
    getCustomer: ({ params }) => db.customer(params.customerId),
    updateCustomer: ({ params, body, agent }) => db.updateCustomer(agent, params.customerId, body),
    timeline: ({ params, query }) => db.timeline(params.customerId, query.limit, query.cursor),
    mergeCustomer: ({ params, body, agent }) => db.mergeCustomers(agent, params.customerId, body.sourceCustomerId),
    listAgents: () => ({ items: [...db.agents.values()] }),
    createAgent: ({ body }) => {
      if ([...db.agents.values()].some((a) => a.email === body.email.toLowerCase())) {
        throw new CasekitError('conflict', `An agent with email ${body.email} exists already.`);
      }
      const { password, ...rest } = body;
      return db.addAgent({ ...rest, presence: 'offline', capacity: {} }, password);
    },
    setPresence: ({ body, agent }) => db.setPresence(agent.id, body.presence),
    getSettings: () => db.settings,
    updateSettings: ({ body }) => {
      db.settings = { ...db.settings, ...body };
      return db.settings;
    },
    listChannels: () => ({ items: [...db.channels.values()] }),
    createChannel: ({ body }) => db.addChannel({ kind: body.kind, name: body.name }),
    listEvents: ({ query }) => {
      const events = db.events.filter((e) => e.seq > query.after).slice(0, query.limit);
      return { events, lastSeq: db.lastSeq };
    },
    startVisitorSession: ({ body }) => {
      const channel = db.channel(body.channelId);
      if (channel.kind !== 'webchat') {
        throw new CasekitError('validation_failed', `channel "${channel.id}" is a ${channel.kind} channel, not webchat.`, {
          details: { issues: [{ path: 'body.channelId', message: 'not a webchat channel' }] },
        });
      }
      let customerId: string | undefined;
      let identified = false;
      if (body.userId) {
        // The mock cannot check userHash without the channel secret; it trusts it.
        identified = true;
        const externalId = `user:${body.userId}`;
        customerId = [...db.customers.values()].find((c) =>
          c.identities.some((i) => i.channelId === channel.id && i.externalId === externalId),
        )?.id;
        customerId ??= db.addCustomer({
          name: body.name ?? body.userId,
          emails: [],
          identities: [{ channelId: channel.id, kind: 'webchat', externalId }],
          attributes: { ...visitorAttributes(body.attributes), ...(body.email && { contactEmail: body.email.toLowerCase() }) },
        }).id;
      } else if (body.resumeToken) {
        const principal = db.tokens.get(body.resumeToken);
        if (principal?.kind !== 'visitor' || principal.channelId !== channel.id) {
          throw new CasekitError('unauthorized', 'resumeToken is not valid for this channel; start a new session without it.');
        }
        customerId = db.customer(principal.customerId).id;
        identified = db.customer(customerId).identities.some((i) => i.channelId === channel.id && i.externalId.startsWith('user:'));
      }
      customerId ??= db.addCustomer({
        name: body.name ?? 'Website visitor',
        emails: [],
        identities: [{ channelId: channel.id, kind: 'webchat', externalId: `anon:${db.id('v')}` }],
        attributes: { ...visitorAttributes(body.attributes), ...(body.email && { contactEmail: body.email.toLowerCase() }) },
      }).id;
      const token = `mock-visitor-${db.id('vt')}`;
      db.tokens.set(token, { kind: 'visitor', customerId, channelId: channel.id });
      return { token, customerId, channelId: channel.id, identified, expiresAt: new Date(Date.now() + 30 * 24 * 3600_000).toISOString() };
    },
    visitorSend: ({ body, visitor }) =>
      db.receive({
        channel: visitor.channelId,
        customerId: visitor.customerId,
        text: body.text,
        clientMessageId: body.clientMessageId,
        attachments: db.resolveAttachments(body.attachments, visitor.customerId) ?? [],
      }).message,
    visitorHistory: ({ query, visitor }) =>
      db.listMessages({ customerId: visitor.customerId, publicOnly: true }, query.limit, query.cursor),
    visitorConversation: ({ params, query, visitor }) => {
      const conversation = db.conversations.get(params.conversationId);
      if (!conversation || conversation.customerId !== visitor.customerId) {
        throw new CasekitError('not_found', `No conversation with id "${params.conversationId}" in this workspace.`);
      }
      return db.listMessages({ conversationId: conversation.id, publicOnly: true }, query.limit, query.cursor);
    },
    visitorStatus: ({ visitor }) => db.visitorStatus(visitor?.customerId),
    updateVisitorProfile: ({ body, visitor }) => {
      const customer = db.customer(visitor.customerId);
      // Like the server: a typed email is a contact detail, never a key for matching mail.
      const updated = db.updateCustomer(null, customer.id, {
        ...(body.name !== undefined && { name: body.name }),
        attributes: { ...visitorAttributes(body.attributes), ...(body.email && { contactEmail: body.email.toLowerCase() }) },
      });
      return { name: updated.name };
    },
    visitorUpload: async ({ query, visitor, request }) => {
      const { bytes, contentType } = await readUpload(request, limits);
      return db.upload(bytes, query.name, contentType, { kind: 'customer', id: visitor.customerId });
    },
    upload: async ({ query, agent, request }) => {
      const { bytes, contentType } = await readUpload(request, limits);
      return db.upload(bytes, query.name, contentType, { kind: 'agent', id: agent.id });
    },
    download: async ({ params }) => {
      const upload = db.uploads.get(params.uploadId);
      if (!upload) throw new CasekitError('not_found', `No upload with id "${params.uploadId}" in this workspace.`);
      const { contentType, name } = upload.attachment;
      const inline = (INLINE_IMAGE_TYPES as readonly string[]).includes(contentType);
      return new HttpResponse(upload.bytes.slice().buffer, {
        headers: {
          'content-type': contentType,
          'content-disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(name)}`,
          'x-content-type-options': 'nosniff',
        },
      });
    },
  };
}
