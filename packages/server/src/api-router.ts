import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Actor, AgentRecord, ChannelRecord, Publisher, StoreTx } from '@casekit/core';
import {
  CasekitError,
  DEFAULT_UPLOAD_MAX_BYTES,
  DEFAULT_UPLOAD_TYPES,
  ROLES,
  ROUTES,
  toFieldIssues,
  type Attachment,
  type CaseEvent,
  type Customer,
  type FieldIssue,
  type RouteDef,
  type RouteName,
  type Routes,
} from '@casekit/protocol';
import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { BlobInfo, BlobStore } from './blob-store.ts';
import { createOpenApiDocument, renderApiDocsPage, type OpenApiOptions } from './openapi.ts';
import { authenticateAgent, provisionAgent, provisionChannel, publicAgent, publicChannel } from './provision.ts';
import {
  bearerToken,
  createErrorMiddleware,
  createJsonBodyReader,
  createKeyedLock,
  requestHash,
  sendError,
  validationError,
} from './internal/http.ts';
import { createWindowLimiter } from './internal/window-limit.ts';
import { receiveUpload, resolveAttachments, sendUpload, type UploadLimits } from './internal/uploads.ts';
import { defaultLogger, type CasekitDeps } from './types.ts';

export interface ApiRouterOptions extends CasekitDeps {
  /** Largest accepted JSON body (bytes or a size such as "1mb"); default 1 MB. */
  bodyLimit?: number | string;
  /** Title, version and base URL of the generated OpenAPI document. */
  openapi?: OpenApiOptions;
  /** Receives the few events the router appends itself (a visitor signing in links their profile). */
  publisher?: Publisher;
  /** Where uploaded files go (`createFileBlobStore`); without one the upload routes answer 503. */
  blobStore?: BlobStore;
  /** Largest upload in bytes (default 10 MB) and the accepted types (default: images, PDF, plain text). */
  uploads?: Partial<UploadLimits>;
  /**
   * Base URL of this API as browsers reach it, e.g. `https://support.example.com/api/v1`; links to
   * uploaded files are made from it. Default: the path the router is mounted at (`/api/v1/uploads/…`),
   * which the SDK resolves against its `baseUrl`.
   */
  publicUrl?: string;
  /**
   * Failed sign-ins allowed per email and per client address in a window, before that email or
   * address is refused with 429 until the window ends. Default: 5 per email and 30 per address
   * in 15 minutes. Counted in memory, per process.
   */
  loginLimits?: { perEmail: number; perAddress: number; windowMs: number };
  /**
   * What one visitor may upload per window before further uploads get 429: default 30 files
   * and 100 MB an hour. Agents are not limited.
   */
  visitorUploadLimits?: { files: number; bytes: number; windowMs: number };
}

/** A verified visitor: the token's claims. The customer id may be a merged-away one; stores resolve it. */
export interface VisitorContext {
  workspaceId: string;
  channelId: string;
  customerId: string;
}

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;
interface HandlerContext<R> {
  params: R extends { params: infer P } ? Output<P> : Record<string, never>;
  query: R extends { query: infer Q } ? Output<Q> : undefined;
  body: R extends { body: infer B } ? Output<B> : undefined;
  agent: R extends { auth: 'agent' } ? AgentRecord : undefined;
  visitor: R extends { auth: 'visitor' } ? VisitorContext : R extends { auth: 'visitor-optional' } ? VisitorContext | undefined : undefined;
  req: Request;
  res: Response;
}
/** What a file route answers: the stored file, streamed by the router. */
type FileAnswer = { info: BlobInfo; stream: NodeJS.ReadableStream };
type Handlers = {
  [K in RouteName]: (
    ctx: HandlerContext<Routes[K]>,
  ) => Promise<Routes[K] extends { fileResponse: true } ? FileAnswer : z.input<Routes[K]['response']>>;
};

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const MAX_ATTRIBUTES = 100;

function notFound(what: string, id: string): CasekitError {
  return new CasekitError('not_found', `No ${what} with id "${id}" in this workspace.`);
}

/**
 * A message sent with an Idempotency-Key and no client id gets one made from the key, so the
 * engine's own de-duplication covers a retry even if the server died after the message was
 * stored and before the key's answer was.
 */
function idempotentClientId(req: Request, caseId: string): string | undefined {
  const key = req.headers['idempotency-key'];
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) return undefined;
  return `idempotency-${createHash('sha256').update(`${caseId}\n${key}`).digest('base64url')}`;
}

/** A client address to count by: IPv6 clients by their /64, which one host usually holds whole. */
export function clientAddress(address: string): string {
  const ip = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (!ip.includes(':')) return ip;
  const [head = ''] = ip.split('::');
  const groups = head.split(':').filter(Boolean);
  return `${[...groups, '0', '0', '0', '0'].slice(0, 4).join(':')}::/64`;
}

function actorOf(agent: AgentRecord): Actor {
  return { workspaceId: agent.workspaceId, agent: { id: agent.id, name: agent.name, role: agent.role, kind: agent.kind } };
}

/** Express path (`/cases/:caseId`) of a route. */
function routePath(route: RouteDef): string {
  return route.path;
}

/**
 * The `/api/v1` router: every route of `ROUTES`, validated with its schemas, authenticated,
 * answering with the route's response schema and `{ error }` bodies for every failure.
 * @example app.use('/api/v1', createApiRouter({ store, engine, auth, workspaceId: 'demo' }))
 */
export function createApiRouter(options: ApiRouterOptions): Router {
  const { store, engine, auth, workspaceId } = options;
  const logger = options.logger ?? defaultLogger;
  const readJson = createJsonBodyReader(options.bodyLimit ?? 1024 * 1024);
  const loginLimits = options.loginLimits ?? { perEmail: 5, perAddress: 30, windowMs: 15 * 60_000 };
  const failedByEmail = createWindowLimiter({ limit: loginLimits.perEmail, windowMs: loginLimits.windowMs });
  const failedByAddress = createWindowLimiter({ limit: loginLimits.perAddress, windowMs: loginLimits.windowMs });
  const visitorUploads = options.visitorUploadLimits ?? { files: 30, bytes: 100 * 1024 * 1024, windowMs: 3_600_000 };
  // Per visitor, and (three visitors' worth) per address, since a new session is free to start.
  const uploadLimiters = (share: number) => ({
    files: createWindowLimiter({ limit: visitorUploads.files * share, windowMs: visitorUploads.windowMs }),
    bytes: createWindowLimiter({ limit: visitorUploads.bytes * share, windowMs: visitorUploads.windowMs }),
  });
  const uploadsByVisitor = uploadLimiters(1);
  const uploadsByAddress = uploadLimiters(3);

  /** Throws 429 with Retry-After while `wait` (seconds) is above 0. */
  function refuseFor(wait: number, res: Response, what: string): void {
    if (wait <= 0) return;
    res.setHeader('Retry-After', String(wait));
    throw new CasekitError('rate_limited', `${what}; try again in ${wait < 60 ? `${wait} s` : `${Math.ceil(wait / 60)} min`}.`, {
      details: { retryAfterSeconds: wait },
    });
  }

  /** The client's address; behind a proxy, what `trust proxy` makes of X-Forwarded-For. */
  const addressOf = (req: Request) => clientAddress(req.ip ?? req.socket.remoteAddress ?? 'unknown');

  const withKeyLock = createKeyedLock();
  const startedAt = Date.now();
  const blobs = options.blobStore;
  const uploadLimits: UploadLimits = {
    maxBytes: options.uploads?.maxBytes ?? DEFAULT_UPLOAD_MAX_BYTES,
    contentTypes: (options.uploads?.contentTypes ?? DEFAULT_UPLOAD_TYPES).map((t) => t.toLowerCase()),
  };
  const publicUrl = options.publicUrl?.replace(/\/+$/, '');

  async function requireVisitor(req: Request): Promise<VisitorContext> {
    const claims = await auth.verifyVisitorToken(bearerToken(req));
    if (claims.workspaceId !== workspaceId) throw new CasekitError('unauthorized', 'This visitor token belongs to another workspace.');
    // No store read here: this is the hot path of web chat, and the engine resolves the
    // customer inside its own transaction anyway.
    return { workspaceId, channelId: claims.channelId, customerId: claims.customerId };
  }

  async function requireCase(caseId: string) {
    const kase = await store.getCase(workspaceId, caseId);
    if (!kase) throw notFound('case', caseId);
    return kase;
  }

  async function requireCustomer(customerId: string) {
    const customer = await store.getCustomer(workspaceId, customerId);
    if (!customer) throw notFound('customer', customerId);
    return customer;
  }

  async function requireWorkspace() {
    const workspace = await store.getWorkspace(workspaceId);
    if (!workspace) throw new CasekitError('not_found', `Workspace "${workspaceId}" is not set up yet.`);
    return workspace;
  }

  /** Starts or resumes a web-chat session; see the route's summary in ROUTES. */
  async function startVisitorSession(body: Output<Routes['startVisitorSession']['body']>) {
    const channel = await store.getChannel(workspaceId, body.channelId);
    if (!channel) throw notFound('channel', body.channelId);
    if (channel.kind !== 'webchat') {
      throw validationError([{ path: 'body.channelId', message: `channel "${channel.id}" is a ${channel.kind} channel, not webchat` }]);
    }
    let customer: Customer | null = null;
    let identified = false;
    const isUser = (c: Customer) => c.identities.some((i) => i.channelId === channel.id && i.externalId.startsWith('user:'));
    let resumed: Customer | null = null;
    if (body.resumeToken !== undefined) {
      const claims = await auth.verifyVisitorToken(body.resumeToken, { allowExpired: true });
      if (claims.workspaceId !== workspaceId || claims.channelId !== channel.id) {
        throw new CasekitError('unauthorized', 'resumeToken belongs to another channel; start a new session without it.');
      }
      resumed = await store.getCustomer(workspaceId, claims.customerId);
      if (!resumed) throw new CasekitError('unauthorized', 'resumeToken names a customer that no longer exists; start a new session without it.');
    }
    if (body.userId !== undefined && body.userHash !== undefined) {
      verifyUserHash(channel, body.userId, body.userHash);
      identified = true;
      const externalId = `user:${body.userId}`;
      customer = await store.findCustomerByIdentity(workspaceId, channel.id, externalId);
      if (!customer && resumed && !isUser(resumed)) {
        // An anonymous visitor who signs in keeps their conversation: the profile gains the user id.
        customer = await addIdentity(resumed, { channelId: channel.id, kind: channel.kind, externalId });
      }
      customer ??= await createVisitorCustomer(channel, externalId, body.name ?? body.userId, body.email, body.attributes);
    } else if (resumed) {
      customer = resumed;
      identified = isUser(resumed);
    }
    customer ??= await createVisitorCustomer(
      channel,
      `anon:${randomBytes(12).toString('base64url')}`,
      body.name ?? 'Website visitor',
      body.email,
      body.attributes,
    );
    const { token, expiresAt } = await auth.signVisitorToken({ workspaceId, channelId: channel.id, customerId: customer.id });
    return { token, expiresAt, customerId: customer.id, channelId: channel.id, identified };
  }

  function verifyUserHash(channel: ChannelRecord, userId: string, userHash: string): void {
    if (!channel.secret) {
      throw new CasekitError('unauthorized', `Channel "${channel.id}" has no secret, so userId/userHash cannot be verified.`);
    }
    const expected = createHmac('sha256', channel.secret).update(userId).digest();
    const given = Buffer.from(userHash, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new CasekitError('unauthorized', 'userHash does not match userId; compute it as hex HMAC-SHA256(userId, channel secret).');
    }
  }

  /** Changes a customer in one transaction with its `customer.updated` event; `change` answers null for no change. */
  async function changeCustomer(customerId: string, change: (current: Customer, tx: StoreTx) => Promise<Customer | null>): Promise<Customer> {
    const events: CaseEvent[] = [];
    const updated = await store.transaction(async (tx) => {
      const current = await tx.getCustomer(workspaceId, customerId);
      if (!current) throw notFound('customer', customerId);
      const changed = await change(current, tx);
      if (!changed) return current;
      const next: Customer = { ...changed, updatedAt: new Date().toISOString() };
      await tx.updateCustomer(next);
      events.push(
        await tx.appendEvent({
          type: 'customer.updated',
          workspaceId,
          at: next.updatedAt,
          actorId: null,
          caseId: null,
          customerId: next.id,
          data: { customer: next },
        }),
      );
      return next;
    });
    options.publisher?.publish(events);
    return updated;
  }

  function addIdentity(customer: Customer, identity: Customer['identities'][number]): Promise<Customer> {
    return changeCustomer(customer.id, async (current) => ({ ...current, identities: [...current.identities, identity] }));
  }

  /**
   * An email a visitor types proves nothing, so it never becomes one of the profile's emails
   * (the keys inbound mail is matched by): else whoever typed a stranger's address would later
   * read that stranger's mail in their chat. Agents see it as `attributes.contactEmail`, and can
   * add it to the profile or merge profiles once they know it is right.
   */
  const contactEmail = (email: string | undefined): Customer['attributes'] => (email === undefined ? {} : { contactEmail: email.toLowerCase() });

  /** A visitor's own facts go under `visitor.`, so they never overwrite what agents or integrations set. */
  const visitorAttributes = (attributes: Customer['attributes'] | undefined): Customer['attributes'] =>
    Object.fromEntries(Object.entries(attributes ?? {}).map(([key, value]) => [`visitor.${key}`, value]));

  async function createVisitorCustomer(
    channel: ChannelRecord,
    externalId: string,
    name: string,
    email: string | undefined,
    attributes: Customer['attributes'] | undefined,
  ): Promise<Customer> {
    return engine.createCustomer({
      workspaceId,
      name,
      emails: [],
      identities: [{ channelId: channel.id, kind: channel.kind, externalId }],
      attributes: { ...visitorAttributes(attributes), ...contactEmail(email) },
    });
  }

  /** A reply or an internal note: an agent may attach any upload of the workspace, a customer's included. */
  async function agentMessage({ params, body, agent, req }: HandlerContext<Routes['reply']> | HandlerContext<Routes['addNote']>, internal: boolean) {
    const attachments = await resolveAttachments(body.attachments, {
      blobs,
      workspaceId,
      urlOf: (id) => uploadUrl(req, id),
      mayUse: async () => true,
      allowQuickReplies: !internal,
    });
    const clientMessageId = body.clientMessageId ?? idempotentClientId(req, params.caseId);
    const input = { caseId: params.caseId, ...body, ...(clientMessageId && { clientMessageId }), ...(attachments && { attachments }) };
    return internal ? engine.addNote(actorOf(agent), input) : engine.reply(actorOf(agent), input);
  }

  function requireBlobs(): BlobStore {
    if (!blobs) throw new CasekitError('unavailable', 'File uploads are not set up on this server (it was started without a blob store).');
    return blobs;
  }

  /** Link to an upload: under `publicUrl` when set, else under the path this router is mounted at. */
  function uploadUrl(req: Request, id: string): string {
    return `${publicUrl ?? req.baseUrl}/uploads/${id}`;
  }

  /** Whether two customer ids name the same profile (a merge may have moved one). */
  async function sameCustomer(a: string, b: string): Promise<boolean> {
    if (a === b) return true;
    const [x, y] = await Promise.all([store.getCustomer(workspaceId, a), store.getCustomer(workspaceId, b)]);
    return x !== null && x.id === y?.id;
  }

  async function upload(req: Request, res: Response, name: string, owner: BlobInfo['owner']) {
    const info = await receiveUpload(req, res, requireBlobs(), uploadLimits, { workspaceId, name, owner });
    return { name: info.name, contentType: info.contentType, size: info.size, url: uploadUrl(req, info.id) };
  }

  const handlers: Handlers = {
    health: async () => ({ status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) }),

    login: async ({ body, req, res }) => {
      const email = body.email.toLowerCase();
      const address = addressOf(req);
      // While blocked even the right password is refused: otherwise guessing just carries on.
      refuseFor(Math.max(failedByEmail.blockedFor(email), failedByAddress.blockedFor(address)), res, 'Too many failed sign-ins');
      // Counted before the (slow) check, so attempts sent all at once are counted too.
      failedByEmail.record(email);
      failedByAddress.record(address);
      const agent = await store.getAgentByEmail(workspaceId, email);
      const ok = await auth.verifyPassword(body.password, agent?.passwordHash ?? null);
      if (!agent || !ok) throw new CasekitError('unauthorized', 'Wrong email or password.');
      failedByEmail.clear(email);
      failedByAddress.record(address, -1);
      const { token, expiresAt } = await auth.signAgentToken(agent);
      return { token, expiresAt, agent: publicAgent(agent) };
    },

    me: async ({ agent }) => publicAgent(agent),

    listCases: async ({ query, agent }) => {
      const assignee = query.assignee === 'me' ? agent.id : query.assignee;
      const page = await store.listCases(workspaceId, { ...query, assignee });
      const readAt = await store.getCaseReads(workspaceId, agent.id, page.items.map((kase) => kase.id));
      return { ...page, readAt };
    },

    markCaseRead: async ({ params, agent }) => ({ caseId: params.caseId, readAt: await engine.markCaseRead(actorOf(agent), params.caseId) }),

    getCase: async ({ params }) => {
      const kase = await requireCase(params.caseId);
      const [customer, conversations] = await Promise.all([
        store.getCustomer(workspaceId, kase.customerId),
        store.listConversations(workspaceId, kase.id),
      ]);
      if (!customer) throw notFound('customer', kase.customerId);
      return { case: kase, customer, conversations };
    },

    updateCase: async ({ params, body, agent }) => engine.updateCase(actorOf(agent), params.caseId, body),

    listMessages: async ({ params, query }) => {
      await requireCase(params.caseId);
      return store.listMessages(workspaceId, { caseId: params.caseId, limit: query.limit, cursor: query.cursor });
    },

    reply: async (ctx) => agentMessage(ctx, false),
    addNote: async (ctx) => agentMessage(ctx, true),
    mergeCase: async ({ params, body, agent }) => engine.mergeCases(actorOf(agent), params.caseId, body.targetCaseId),

    listCustomers: async ({ query }) => store.searchCustomers(workspaceId, query.q, query.limit, query.cursor),
    getCustomer: async ({ params }) => requireCustomer(params.customerId),
    updateCustomer: async ({ params, body, agent }) => engine.updateCustomer(actorOf(agent), params.customerId, body),
    timeline: async ({ params, query }) => {
      const customer = await requireCustomer(params.customerId);
      return store.timeline(workspaceId, customer.id, query.limit, query.cursor);
    },
    mergeCustomer: async ({ params, body, agent }) =>
      engine.mergeCustomers(actorOf(agent), params.customerId, body.sourceCustomerId),

    listAgents: async () => ({ items: (await store.listAgents(workspaceId)).map(publicAgent) }),
    createAgent: async ({ body }) => provisionAgent(store, auth, workspaceId, body),
    setPresence: async ({ body, agent }) => engine.setPresence(workspaceId, agent.id, body.presence),

    getSettings: async () => (await requireWorkspace()).settings,
    updateSettings: async ({ body }) => {
      await requireWorkspace();
      return store.transaction(async (tx) => {
        const workspace = await tx.getWorkspace(workspaceId);
        if (!workspace) throw new CasekitError('not_found', `Workspace "${workspaceId}" is not set up yet.`);
        const settings = { ...workspace.settings, ...body };
        await tx.putWorkspace({ ...workspace, settings });
        return settings;
      });
    },

    listChannels: async () => ({ items: (await store.listChannels(workspaceId)).map(publicChannel) }),
    createChannel: async ({ body }) => provisionChannel(store, workspaceId, body),

    listEvents: async ({ query }) => {
      const lastSeq = await store.lastSeq(workspaceId);
      const events = await store.listEvents(workspaceId, { after: query.after, limit: query.limit });
      return { events, lastSeq: Math.max(lastSeq, events.at(-1)?.seq ?? 0) };
    },

    startVisitorSession: async ({ body }) => startVisitorSession(body),

    visitorSend: async ({ body, visitor, req }) => {
      const attachments = await resolveAttachments(body.attachments, {
        blobs,
        workspaceId,
        urlOf: (id) => uploadUrl(req, id),
        // Only their own: a visitor who learned another's link cannot pass the file on as theirs.
        mayUse: async (info) => info.owner.kind === 'customer' && (await sameCustomer(info.owner.id, visitor.customerId)),
        allowQuickReplies: false,
      });
      const result = await engine.ingest({
        workspaceId,
        channelId: visitor.channelId,
        customerId: visitor.customerId,
        clientMessageId: body.clientMessageId,
        // Known customer: the engine takes the author's name from the profile.
        from: { externalId: `customer:${visitor.customerId}` },
        text: body.text,
        ...(attachments && { attachments }),
        authorKind: 'customer',
      }).catch((error: unknown) => {
        // The token is valid but its customer or channel is gone.
        if (error instanceof CasekitError && error.code === 'not_found') {
          throw new CasekitError('unauthorized', 'This visitor session is no longer valid; start a new one.', { cause: error });
        }
        throw error;
      });
      return result.message;
    },

    visitorHistory: async ({ query, visitor }) =>
      store.listMessages(workspaceId, { customerId: visitor.customerId, publicOnly: true, limit: query.limit, cursor: query.cursor }),

    visitorConversation: async ({ params, query, visitor }) => {
      const [conversation, customer] = await Promise.all([
        store.getConversation(workspaceId, params.conversationId),
        store.getCustomer(workspaceId, visitor.customerId),
      ]);
      // Another customer's conversation looks exactly like one that does not exist.
      if (!conversation || conversation.customerId !== customer?.id) throw notFound('conversation', params.conversationId);
      return store.listMessages(workspaceId, {
        conversationId: conversation.id,
        publicOnly: true,
        limit: query.limit,
        cursor: query.cursor,
      });
    },

    visitorStatus: async ({ visitor }) => {
      const agents = await store.listAgents(workspaceId);
      const agentsAvailable = agents.some((a) => a.kind === 'human' && a.presence === 'online');
      // Only the visitor's own case, and only its place: never who else waits or for what.
      const kase = visitor ? await store.findActiveCase(workspaceId, visitor.customerId) : null;
      const queuePosition = kase ? await store.queuePosition(workspaceId, kase.id) : null;
      return { agentsAvailable, queuePosition };
    },

    updateVisitorProfile: async ({ body, visitor }) => {
      const customer = await changeCustomer(visitor.customerId, async (current) => {
        const attributes = { ...current.attributes, ...visitorAttributes(body.attributes), ...contactEmail(body.email) };
        if (Object.keys(attributes).length > MAX_ATTRIBUTES) {
          throw validationError([{ path: 'body.attributes', message: `a customer keeps at most ${MAX_ATTRIBUTES} attributes` }]);
        }
        const next: Customer = { ...current, name: body.name ?? current.name, attributes };
        return JSON.stringify(next) === JSON.stringify(current) ? null : next;
      }).catch((error: unknown) => {
        if (error instanceof CasekitError && error.code === 'not_found') {
          throw new CasekitError('unauthorized', 'This visitor session is no longer valid; start a new one.', { cause: error });
        }
        throw error;
      });
      return { name: customer.name };
    },

    visitorUpload: async ({ query, visitor, req, res }) => {
      const keys: [ReturnType<typeof uploadLimiters>, string][] = [
        [uploadsByVisitor, visitor.customerId],
        [uploadsByAddress, addressOf(req)],
      ];
      const wait = Math.max(...keys.flatMap(([limits, key]) => [limits.files.blockedFor(key), limits.bytes.blockedFor(key)]));
      refuseFor(wait, res, 'You have sent a lot of files');
      // Reserve the file's declared size (else the largest allowed) before reading it, so uploads
      // sent all at once are counted too; what it turns out to weigh is settled afterwards.
      const declared = Number(req.headers['content-length']);
      const reserved = Number.isInteger(declared) && declared > 0 ? Math.min(declared, uploadLimits.maxBytes) : uploadLimits.maxBytes;
      for (const [limits, key] of keys) (limits.files.record(key), limits.bytes.record(key, reserved));
      let size = 0;
      try {
        const attachment = await upload(req, res, query.name, { kind: 'customer', id: visitor.customerId });
        size = attachment.size;
        return attachment;
      } finally {
        for (const [limits, key] of keys) {
          limits.bytes.record(key, size - reserved);
          if (size === 0) limits.files.record(key, -1);
        }
      }
    },
    upload: async ({ query, agent, req, res }) => upload(req, res, query.name, { kind: 'agent', id: agent.id }),

    download: async ({ params }) => {
      const file = await requireBlobs().open(params.uploadId);
      // Another workspace's file looks exactly like a missing one.
      if (!file || file.info.workspaceId !== workspaceId) throw notFound('upload', params.uploadId);
      return file;
    },
  };

  const router = Router({ caseSensitive: true, strict: false });
  const openApiDocument = createOpenApiDocument(options.openapi);
  const docsPage = renderApiDocsPage('openapi.json');
  router.get('/openapi.json', (_req, res) => void res.json(openApiDocument));
  router.get('/docs', (req, res) => {
    // Relative links resolve against /api/v1/docs/ otherwise.
    if (req.originalUrl.split('?')[0]?.endsWith('/')) return void res.redirect(301, `${req.baseUrl}/docs`);
    res.setHeader('Content-Security-Policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'");
    res.type('html').send(docsPage);
  });

  for (const name of Object.keys(ROUTES) as RouteName[]) {
    const route: RouteDef = ROUTES[name];
    const handler = handlers[name] as (ctx: HandlerContext<RouteDef>) => Promise<unknown>;
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';

    router[method](routePath(route), async (req: Request, res: Response) => {
      let agent: AgentRecord | undefined;
      let visitor: VisitorContext | undefined;
      if (route.auth === 'agent') {
        agent = await authenticateAgent(store, auth, workspaceId, bearerToken(req));
        if (route.role && ROLES.indexOf(agent.role) < ROLES.indexOf(route.role)) {
          throw new CasekitError('forbidden', `Only a ${route.role} or above may do this (you are ${agent.role}).`);
        }
      } else if (route.auth === 'visitor' || (route.auth === 'visitor-optional' && req.headers.authorization !== undefined)) {
        visitor = await requireVisitor(req);
      }
      if (route.body) await readJson(req, res);

      const issues: FieldIssue[] = [];
      const parse = (schema: z.ZodType | undefined, value: unknown, prefix: string): unknown => {
        if (!schema) return undefined;
        const result = schema.safeParse(value);
        if (result.success) return result.data;
        const found = toFieldIssues(result.error, prefix);
        issues.push(...(found.length > 0 ? found : [{ path: prefix, message: 'invalid' }]));
        return undefined;
      };
      const params = parse(route.params, req.params, 'params') ?? {};
      const query = parse(route.query, req.query, 'query');
      const body =
        route.body && req.body === undefined
          ? void issues.push({ path: 'body', message: 'required: send a JSON object with "Content-Type: application/json"' })
          : parse(route.body, req.body, 'body');
      if (issues.length > 0) throw validationError(issues);

      const ctx = { params, query, body, agent, visitor, req, res } as HandlerContext<RouteDef>;
      if (route.fileResponse) return void sendUpload(res, (await handler(ctx)) as FileAnswer);
      const respond = async (): Promise<{ status: number; body: unknown }> => {
        const result = await handler(ctx);
        const checked = route.response.safeParse(result);
        if (!checked.success) {
          logger.error('response does not match its schema', { route: name, issues: toFieldIssues(checked.error, 'response') });
          throw new CasekitError('internal', 'The server produced an invalid response; it has been logged.');
        }
        return { status: route.status ?? 200, body: checked.data };
      };

      const key = req.headers['idempotency-key'];
      if (route.idempotent && key !== undefined) {
        if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
          throw validationError([{ path: 'headers.idempotency-key', message: 'must be 1 to 255 visible ASCII characters' }]);
        }
        const scope = `agent:${agent?.id ?? 'anonymous'}`;
        const hash = requestHash(route.method, req.originalUrl.split('?')[0] ?? '', req.body);
        const answer = await withKeyLock(`${scope}\n${key}`, async () => {
          const stored = await store.getIdempotent(workspaceId, scope, key);
          if (stored) {
            if (stored.requestHash !== hash) {
              throw new CasekitError('conflict', 'This Idempotency-Key was already used with a different request; use a new key.');
            }
            res.setHeader('Idempotent-Replayed', 'true');
            return { status: stored.status, body: stored.body };
          }
          const fresh = await respond();
          await store.transaction((tx) => tx.putIdempotent(workspaceId, scope, key, { ...fresh, requestHash: hash }));
          return fresh;
        });
        res.status(answer.status).json(answer.body);
        return;
      }
      const answer = await respond();
      res.status(answer.status).json(answer.body);
    });
  }

  router.use((req, res) => {
    sendError(res, new CasekitError('not_found', `No route ${req.method} ${req.baseUrl}${req.path}; see ${req.baseUrl}/openapi.json.`));
  });
  router.use(createErrorMiddleware(logger));
  return router;
}
