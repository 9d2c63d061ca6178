import { billingAccountOf, botView, listSyncLog, takesNewCases, ChannelConfigError, DeliveryError, isVisibleToAgent, newId, publicAgent, sessionFollowsMerge, suggestMerges, type AgentActor, type AgentRecord, type CustomerActor, type CustomerSearch, type IdempotencyKey } from '@casekit/core';
import { CasekitError, DEFAULT_UPLOAD_MAX_BYTES, DEFAULT_UPLOAD_TYPES, type RouteName, type Routes } from '@casekit/protocol';
import type { z } from 'zod';
import type { AgentTokenFacts } from './auth.ts';
import type { BlobInfo, BlobStore } from './blob-store.ts';
import { createChannelKinds, blankSecrets, withoutSecrets } from './channels.ts';
import { consoleLogger, errorText } from './logger.ts';
import { randomBase64Url, sha256Hex } from './internal/crypto.ts';
import { validationError } from './internal/errors.ts';
import type { ApiCall, ApiServiceOptions } from './service.ts';
import { receiveUpload, resolveAttachments, uploadIdOf, type UploadLimits } from './uploads.ts';
import { createVisitorSessions } from './visitor-sessions.ts';
import { resolveVisitor, sessionEnded, type VisitorContext } from './visitor-access.ts';
import type { Coordination } from './window-limit.ts';
import { newBotToken } from './authenticate.ts';

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;
export interface HandlerContext<R> {
  params: R extends { params: infer P } ? Output<P> : Record<string, never>;
  query: R extends { query: infer Q } ? Output<Q> : undefined;
  body: R extends { body: infer B } ? Output<B> : undefined;
  agent: R extends { auth: 'agent' } ? AgentRecord : undefined;
  /** The token the agent signed in with. */
  token: R extends { auth: 'agent' } ? AgentTokenFacts : undefined;
  visitor: R extends { auth: 'visitor' } ? VisitorContext : R extends { auth: 'visitor-optional' } ? VisitorContext | undefined : undefined;
  call: ApiCall;
  /** Headers to answer with. */
  headers: Record<string, string>;
  /** The call's Idempotency-Key, for routes that take one. */
  idempotency: IdempotencyKey | undefined;
}
/** What a file route answers: the stored file. */
type FileAnswer = { info: BlobInfo; stream: AsyncIterable<Uint8Array> };
export type Handlers = {
  [K in RouteName]: (
    ctx: HandlerContext<Routes[K]>,
  ) => Promise<Routes[K] extends { fileResponse: true } ? FileAnswer : z.input<Routes[K]['response']>>;
};

const systemClock = { now: () => new Date() };

/** A client address to count by: IPv6 clients by their /64, which one host usually holds whole. */
export function clientAddress(address: string): string {
  const ip = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (!ip.includes(':')) return ip;
  const [head = ''] = ip.split('::');
  const groups = head.split(':').filter(Boolean);
  return `${[...groups, '0', '0', '0', '0'].slice(0, 4).join(':')}::/64`;
}

function actorOf(agent: AgentRecord): AgentActor {
  return { workspaceId: agent.workspaceId, agent: { id: agent.id, name: agent.name, role: agent.role, kind: agent.kind } };
}

function notFound(what: string, id: string): CasekitError {
  return new CasekitError('not_found', `No ${what} with id "${id}" in this workspace.`);
}

/** The token is valid but its customer or channel is gone, or the session may not follow a merge. */
function sessionGone(error: unknown): never {
  if (error instanceof CasekitError && error.code === 'not_found') throw sessionEnded(error);
  throw error;
}

/** Throws 429 with a Retry-After of `wait` seconds while `wait` is above 0. */
function refuseFor(wait: number, what: string): void {
  if (wait <= 0) return;
  throw new CasekitError('rate_limited', `${what}; try again in ${wait < 60 ? `${wait} s` : `${Math.ceil(wait / 60)} min`}.`, {
    details: { retryAfterSeconds: wait },
  });
}

/**
 * The places a channel's config sends it (URLs, hosts, ports) and how (`secure`: TLS to the SMTP
 * relay, so turning it off would send the stored password in the clear), as one comparable text.
 */
function destinationsOf(config: unknown, path = ''): string {
  if (typeof config !== 'object' || config === null) return '';
  return Object.entries(config)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, value]) => (typeof value === 'object' ? destinationsOf(value, `${path}${key}.`) : /(url|host|port|secure)$/i.test(key) ? `${path}${key}=${String(value)};` : ''))
    .join('');
}

/** A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
function newSigningSecret(): string {
  return `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;
}

/** Every route's handler. Reads go to the store; every change goes through the engine. */
export function createHandlers(options: ApiServiceOptions & { search: CustomerSearch; coordination: Coordination }): Handlers {
  const { store, search, engine, auth, workspaceId } = options;
  const logger = options.logger ?? consoleLogger;
  const channelKinds = createChannelKinds(options.channels?.adapters ?? [], options.channels?.webhookBaseUrl);
  const requireChannel = async (channelId: string) => {
    const channel = await store.getChannel(workspaceId, channelId);
    if (!channel) throw notFound('channel', channelId);
    return channel;
  };
  const now = () => (options.clock ?? systemClock).now().getTime();
  const loginLimits = options.loginLimits ?? { perEmail: 5, perAddress: 30, windowMs: 15 * 60_000 };
  const { coordination } = options;
  const failedByEmail = coordination.limiter('login-email', { limit: loginLimits.perEmail, windowMs: loginLimits.windowMs });
  const failedByAddress = coordination.limiter('login-address', { limit: loginLimits.perAddress, windowMs: loginLimits.windowMs });
  const visitorUploads = options.visitorUploadLimits ?? { files: 30, bytes: 100 * 1024 * 1024, windowMs: 3_600_000 };
  // Per visitor, and (three visitors' worth) per address, since a new session is free to start.
  const uploadLimiters = (by: string, share: number) => ({
    files: coordination.limiter(`upload-files-${by}`, { limit: visitorUploads.files * share, windowMs: visitorUploads.windowMs }),
    bytes: coordination.limiter(`upload-bytes-${by}`, { limit: visitorUploads.bytes * share, windowMs: visitorUploads.windowMs }),
  });
  const uploadsByVisitor = uploadLimiters('visitor', 1);
  const uploadsByAddress = uploadLimiters('address', 3);

  /**
   * Counts one password attempt of `email` from `address` before the (slow) check, refusing while
   * either is blocked; also an attempt that raced another node's past the limit.
   */
  async function countAttempt(email: string, address: string, what: string): Promise<void> {
    // While blocked even the right password is refused: otherwise guessing just carries on.
    refuseFor(Math.max(await failedByEmail.blockedFor(email), await failedByAddress.blockedFor(address)), what);
    // Counted before the check, so attempts sent all at once are counted too.
    const [byEmail, byAddress] = await Promise.all([failedByEmail.record(email), failedByAddress.record(address)]);
    refuseFor(Math.max(byEmail, byAddress), what);
  }
  /** The attempt was right: the email starts afresh and the address gets its attempt back. */
  async function forgetAttempt(email: string, address: string): Promise<void> {
    await Promise.all([failedByEmail.clear(email), failedByAddress.record(address, -1)]);
  }
  const startedAt = Date.now();
  const blobs = options.blobStore;
  const uploadLimits: UploadLimits = {
    maxBytes: options.uploads?.maxBytes ?? DEFAULT_UPLOAD_MAX_BYTES,
    contentTypes: (options.uploads?.contentTypes ?? DEFAULT_UPLOAD_TYPES).map((t) => t.toLowerCase()),
  };
  const publicUrl = options.publicUrl?.replace(/\/+$/, '');
  const sessions = createVisitorSessions({ store, engine, auth, workspaceId });

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

  function requireBlobs(): BlobStore {
    if (!blobs) throw new CasekitError('unavailable', 'File uploads are not set up on this server (it was started without a blob store).');
    return blobs;
  }

  /** Link to an upload: under `publicUrl` when set, else under the path the API is mounted at. */
  const uploadUrl = (call: ApiCall, id: string) => `${publicUrl ?? call.basePath}/uploads/${id}`;

  /**
   * Marks a stored message's uploads as kept; only after the message committed, so a refused one
   * leaves them to the sweep. The message is stored whatever happens here: a failure is logged.
   */
  async function keepUploads(uploadIds: string[]): Promise<void> {
    if (uploadIds.length === 0) return;
    const at = new Date(now());
    const marked = await Promise.allSettled(uploadIds.map((id) => blobs?.markAttached?.(id, at)));
    for (const result of marked) if (result.status === 'rejected') logger.warn('an upload could not be marked kept', { error: errorText(result.reason) });
  }

  /** Whether two customer ids name the same profile (a merge may have moved one). */
  async function sameCustomer(a: string, b: string): Promise<boolean> {
    if (a === b) return true;
    const [x, y] = await Promise.all([store.getCustomer(workspaceId, a), store.getCustomer(workspaceId, b)]);
    return x !== null && x.id === y?.id;
  }

  async function upload(call: ApiCall, name: string, owner: BlobInfo['owner']) {
    const info = await receiveUpload(
      call.bytes ?? (async function* () {})(),
      { contentType: call.header('content-type'), contentLength: call.header('content-length') },
      requireBlobs(),
      uploadLimits,
      { workspaceId, name, owner, createdAt: new Date(now()).toISOString() },
    );
    return { name: info.name, contentType: info.contentType, size: info.size, url: uploadUrl(call, info.id) };
  }

  /** A reply or an internal note: an agent may attach any upload of the workspace, a customer's included. */
  async function agentMessage({ params, body, agent, call, idempotency }: HandlerContext<Routes['reply']> | HandlerContext<Routes['addNote']>, internal: boolean) {
    const { attachments, uploadIds } = await resolveAttachments(body.attachments, {
      blobs,
      workspaceId,
      urlOf: (id) => uploadUrl(call, id),
      mayUse: async () => true,
      allowQuickReplies: !internal,
    });
    // With a key and no client id, the key becomes the client id: the engine's own
    // de-duplication then holds even where the key's stored answer is gone.
    const clientMessageId = body.clientMessageId ?? (idempotency && `idempotency-${await sha256Hex(`${params.caseId}\n${idempotency.key}`)}`);
    const input = { caseId: params.caseId, ...body, ...(clientMessageId && { clientMessageId }), ...(attachments && { attachments }) };
    const options = idempotency && { idempotency };
    const message = internal ? await engine.addNote(actorOf(agent), { ...input, text: input.text ?? '' }, options) : await engine.reply(actorOf(agent), input, options);
    await keepUploads(uploadIds);
    return message;
  }

  return {
    health: async () => ({ status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) }),

    login: async ({ body, call }) => {
      const email = body.email.toLowerCase();
      const address = clientAddress(call.address);
      await countAttempt(email, address, 'Too many failed sign-ins');
      const agent = await store.getAgentByEmail(workspaceId, email);
      const ok = await auth.verifyPassword(body.password, agent?.passwordHash ?? null);
      if (!agent || !ok) throw new CasekitError('unauthorized', 'Wrong email or password.');
      await forgetAttempt(email, address);
      // Said only to whoever knows the password: nobody else learns the account exists.
      if (!agent.active) throw new CasekitError('agent_deactivated', 'This account is deactivated; an admin of this workspace can reactivate it.');
      const { token, expiresAt } = await auth.signAgentToken(agent);
      return { token, expiresAt, agent: publicAgent(agent) };
    },

    me: async ({ agent }) => publicAgent(agent),

    changePassword: async ({ body, agent, call }) => {
      if (agent.passwordHash === null) {
        throw new CasekitError('conflict', 'This account signs in through your organisation’s identity provider; change the password there.');
      }
      // Counted like sign-ins, with them: a stolen session must not become a way to guess the password.
      const address = clientAddress(call.address);
      await countAttempt(agent.email, address, 'Too many wrong passwords');
      if (!(await auth.verifyPassword(body.currentPassword, agent.passwordHash))) {
        throw validationError([{ path: 'body.currentPassword', message: 'is not your current password' }]);
      }
      await forgetAttempt(agent.email, address);
      const record = await engine.setAgentPassword(actorOf(agent), agent.id, await auth.hashPassword(body.newPassword));
      const { token, expiresAt } = await auth.signAgentToken(record);
      return { token, expiresAt, agent: publicAgent(record) };
    },

    signOut: async ({ agent, token }) => {
      await engine.revokeToken(actorOf(agent), agent.id, { id: token.tokenId, expiresAt: token.expiresAt });
      return { signedOut: true };
    },

    listCases: async ({ query, agent }) => {
      const assignee = query.assignee === 'me' ? agent.id : query.assignee;
      const page = await store.listCases(workspaceId, { ...query, assignee });
      const customerIds = [...new Set(page.items.map((kase) => kase.customerId))];
      const [readAt, customers] = await Promise.all([
        store.getCaseReads(workspaceId, agent.id, page.items.map((kase) => kase.id)),
        Promise.all(customerIds.map((id) => store.getCustomer(workspaceId, id))),
      ]);
      return { ...page, readAt, customers: Object.fromEntries(customers.flatMap((customer, i) => (customer ? [[customerIds[i]!, customer]] : []))) };
    },

    retryMessage: async ({ params, agent }) => engine.retryDelivery(actorOf(agent), params.caseId, params.messageId),
    markCaseRead: async ({ params, agent }) => ({ caseId: params.caseId, readAt: await engine.markCaseRead(actorOf(agent), params.caseId) }),

    getCase: async ({ params, agent }) => {
      const kase = await requireCase(params.caseId);
      const [customer, conversations, replyChannels] = await Promise.all([
        store.getCustomer(workspaceId, kase.customerId),
        store.listConversations(workspaceId, kase.id),
        engine.replyChannels(actorOf(agent), kase.id),
      ]);
      if (!customer) throw notFound('customer', kase.customerId);
      return { case: kase, customer, conversations, replyChannels };
    },

    updateCase: async ({ params, body, agent }) => engine.updateCase(actorOf(agent), params.caseId, body),

    listMessages: async ({ params, query }) => {
      await requireCase(params.caseId);
      return store.listMessages(workspaceId, { caseId: params.caseId, limit: query.limit, cursor: query.cursor });
    },

    reply: async (ctx) => agentMessage(ctx, false),
    addNote: async (ctx) => agentMessage(ctx, true),
    mergeCase: async ({ params, body, agent }) =>
      engine.mergeCases(actorOf(agent), params.caseId, body.targetCaseId, { mergeCustomers: body.mergeCustomers === true }),

    listCustomers: async ({ query }) => search.searchCustomers(workspaceId, query.q, query.limit, query.cursor),
    getCustomer: async ({ params }) => requireCustomer(params.customerId),
    getCustomerBilling: async ({ params }) => {
      const account = await billingAccountOf(store, workspaceId, await requireCustomer(params.customerId));
      if (!account) throw new CasekitError('not_found', `Customer "${params.customerId}" has no billing account linked.`);
      return account;
    },
    getSplynxStatus: async () =>
      options.splynx ? options.splynx.status() : { source: 'splynx' as const, configured: false, url: null, hooks: false, runs: [], linkedCustomers: 0, lastSyncedAt: null },
    listSplynxLog: async ({ query }) => listSyncLog(store, workspaceId, query),
    startSplynxSync: async ({ body }) => {
      if (!options.splynx) throw new CasekitError('conflict', 'Splynx is not configured on this server: set CASEKIT_SPLYNX_URL, CASEKIT_SPLYNX_API_KEY and CASEKIT_SPLYNX_API_SECRET.');
      return options.splynx.startSync({ full: body.full });
    },
    updateCustomer: async ({ params, body, agent }) => engine.updateCustomer(actorOf(agent), params.customerId, body),
    mergeSuggestions: async ({ params }) => {
      const customer = await store.getCustomer(workspaceId, params.customerId);
      if (!customer) throw notFound('customer', params.customerId);
      return { items: await suggestMerges(search, workspaceId, customer) };
    },
    timeline: async ({ params, query }) => {
      const customer = await requireCustomer(params.customerId);
      return store.timeline(workspaceId, customer.id, query.limit, query.cursor);
    },
    mergeCustomer: async ({ params, body, agent }) => engine.mergeCustomers(actorOf(agent), params.customerId, body.sourceCustomerId),

    getQueue: async ({ agent }) => engine.queue(actorOf(agent)),
    listAgents: async () => ({ items: (await store.listAgents(workspaceId)).map(publicAgent) }),
    createAgent: async ({ body, agent, idempotency }) => {
      const { password, ...rest } = body;
      const passwordHash = await auth.hashPassword(password);
      return engine.createAgent(actorOf(agent), { ...rest, passwordHash }, idempotency && { idempotency });
    },
    setPresence: async ({ body, agent }) => engine.setPresence(actorOf(agent), agent.id, body.presence),
    updateAgent: async ({ params, body, agent }) => engine.updateAgent(actorOf(agent), params.agentId, body),
    deactivateAgent: async ({ params, agent }) => engine.deactivateAgent(actorOf(agent), params.agentId),
    reactivateAgent: async ({ params, agent }) => engine.reactivateAgent(actorOf(agent), params.agentId),
    resetAgentPassword: async ({ params, agent }) => {
      // Else a stolen session would take over its own account without knowing the password.
      if (params.agentId === agent.id) {
        throw new CasekitError('conflict', 'You cannot reset your own password; change it with your current one (POST /me/password).');
      }
      // 96 random bits, shown once to the admin, who hands it over; the agent then changes it.
      const password = randomBase64Url(12);
      const record = await engine.setAgentPassword(actorOf(agent), params.agentId, await auth.hashPassword(password));
      return { agent: publicAgent(record), password };
    },

    getSettings: async () => (await requireWorkspace()).settings,
    updateSettings: async ({ body, agent }) => engine.updateSettings(actorOf(agent), body),

    listChannels: async () => ({ items: (await store.listChannels(workspaceId)).map(channelKinds.details) }),
    getChannel: async ({ params }) => channelKinds.details(await requireChannel(params.channelId)),
    createChannel: async ({ body, agent, idempotency }) => {
      const { spec, config, secrets } = channelKinds.validate(body.kind, { config: body.config, secrets: body.secrets });
      const input = { kind: spec.kind, medium: spec.medium, name: body.name, enabled: body.enabled, config, secrets };
      const channel = await engine.createChannel(actorOf(agent), input, idempotency && { idempotency });
      return channelKinds.details({ ...channel, secrets });
    },
    updateChannel: async ({ params, body, agent }) => {
      const current = await requireChannel(params.channelId);
      let settings: { config: Record<string, unknown>; secrets: Record<string, string> } | undefined;
      if (body.config !== undefined || body.secrets !== undefined) {
        // Secrets merge by name (null removes one); the whole result is checked again. When the
        // config sends the channel somewhere else (an API base URL, a callback, an SMTP host),
        // the stored secrets are not carried over: they must be given again, or a changed URL
        // would hand them to whoever is at the new address.
        const moved = body.config !== undefined && destinationsOf(body.config) !== destinationsOf(current.config);
        const secrets: Record<string, string> = moved ? {} : { ...current.secrets };
        for (const [name, value] of Object.entries(body.secrets ?? {})) {
          if (value === null) delete secrets[name];
          else secrets[name] = value;
        }
        settings = channelKinds.validate(current.kind, { config: body.config ?? current.config, secrets });
      }
      const channel = await engine.updateChannel(actorOf(agent), current.id, {
        name: body.name,
        enabled: body.enabled,
        ...(settings && { config: settings.config, secrets: settings.secrets }),
      });
      return channelKinds.details({ ...channel, secrets: settings?.secrets ?? current.secrets });
    },
    listChannelKinds: async () => ({ items: channelKinds.list() }),
    testChannel: async ({ params }) => {
      const channel = await requireChannel(params.channelId);
      const spec = channelKinds.get(channel.kind);
      const runtime = options.channels?.runtime;
      if (!spec?.check || !runtime) {
        const message = channel.kind === 'webchat' ? 'Web chat runs on this server alone: there is no provider to check.' : `This server has no check for channels of kind "${channel.kind}".`;
        return { ok: false, error: { code: 'unsupported', message, retryable: false } };
      }
      // A channel provisioned from outside the API may lack a setting: say which before calling anyone.
      try {
        spec.validate({ config: channel.config, secrets: channel.secrets });
      } catch (error) {
        if (!(error instanceof ChannelConfigError)) throw error;
        return { ok: false, error: { code: 'misconfigured', message: `The channel's settings are incomplete: ${error.message}`, field: error.field, retryable: false } };
      }
      let result;
      try {
        result = await spec.check(runtime(channel));
      } catch (error) {
        // An adapter answers failures; one that throws has a fault of its own, logged for the team.
        // Its words may carry a secret (a URL with a bot token): blanked like the answer's.
        logger.error('channel check failed', { channelId: channel.id, kind: channel.kind, error: blankSecrets(errorText(error), channel.secrets) });
        result = { ok: false, error: { code: 'rejected' as const, message: `The check could not finish: ${errorText(error)}`, retryable: false } };
      }
      return withoutSecrets(result, channel.secrets);
    },

    listEvents: async ({ query, agent }) => {
      const lastSeq = await store.lastSeq(workspaceId);
      const rows = await store.listEvents(workspaceId, { after: query.after, limit: query.limit + 1 });
      // Paged on the log, then filtered: a page of colleagues' read markers still moves the reader on.
      const hasMore = rows.length > query.limit;
      const page = rows.slice(0, query.limit);
      const pageEnd = page.at(-1)?.seq ?? query.after;
      return { events: page.filter((event) => isVisibleToAgent(event, agent.id)), lastSeq: hasMore ? pageEnd : Math.max(lastSeq, pageEnd), hasMore };
    },

    startVisitorSession: async ({ body }) => sessions.start(body),

    visitorSend: async ({ body, visitor, call }) => {
      const { attachments, uploadIds } = await resolveAttachments(body.attachments, {
        blobs,
        workspaceId,
        urlOf: (id) => uploadUrl(call, id),
        // Only their own: a visitor who learned another's link cannot pass the file on as theirs.
        mayUse: async (info) => info.owner.kind === 'customer' && (await sameCustomer(info.owner.id, (await resolveVisitor(store, visitor)).id)),
        allowQuickReplies: false,
      });
      const result = await engine
        .ingest({
          workspaceId,
          channelId: visitor.channelId,
          customerId: visitor.customerId,
          // An unverified session writes nothing new once its profile was merged away.
          requireCurrentCustomer: !sessionFollowsMerge(visitor),
          clientMessageId: body.clientMessageId,
          // Known customer: the engine takes the author's name from the profile.
          from: { externalId: `customer:${visitor.customerId}` },
          text: body.text,
          ...(attachments && { attachments }),
          authorKind: 'customer',
        })
        .catch(sessionGone);
      await keepUploads(uploadIds);
      return result.message;
    },

    visitorHistory: async ({ query, visitor }) => {
      const me = await resolveVisitor(store, visitor);
      return store.listMessages(workspaceId, { customerId: me.id, publicOnly: true, limit: query.limit, cursor: query.cursor });
    },

    visitorConversation: async ({ params, query, visitor }) => {
      const [conversation, me] = await Promise.all([store.getConversation(workspaceId, params.conversationId), resolveVisitor(store, visitor)]);
      // Another customer's conversation looks exactly like one that does not exist.
      if (!conversation || conversation.customerId !== me.id) throw notFound('conversation', params.conversationId);
      return store.listMessages(workspaceId, { conversationId: conversation.id, publicOnly: true, limit: query.limit, cursor: query.cursor });
    },

    visitorStatus: async ({ visitor, query }) => {
      const agents = await store.listAgents(workspaceId);
      const agentsAvailable = agents.some((a) => a.kind === 'human' && a.presence === 'online');
      const channelId = visitor?.channelId ?? query.channelId;
      const botAnswers = channelId !== undefined && agents.some((a) => takesNewCases(a, channelId));
      // Only the visitor's own case, and only its place: never who else waits or for what.
      const kase = visitor ? await store.findActiveCase(workspaceId, (await resolveVisitor(store, visitor)).id) : null;
      const place = kase ? await engine.placeInQueue(workspaceId, kase.id) : null;
      return { agentsAvailable, queuePosition: place?.position ?? null, estimatedWaitSeconds: place?.estimatedWaitSeconds ?? null, ...(botAnswers && { botAnswers }) };
    },

    updateVisitorProfile: async ({ body, visitor }) => {
      const me = await resolveVisitor(store, visitor);
      const actor: CustomerActor = { workspaceId, customerId: me.id };
      const customer = await engine
        .updateCustomer(actor, me.id, {
          ...(body.name !== undefined && { name: body.name }),
          ...(body.attributes !== undefined && { attributes: body.attributes }),
          ...(body.email !== undefined && { contactEmail: body.email }),
        })
        .catch(sessionGone);
      return { name: customer.name };
    },

    visitorUpload: async ({ query, visitor, call }) => {
      await resolveVisitor(store, visitor);
      const keys: [ReturnType<typeof uploadLimiters>, string][] = [
        [uploadsByVisitor, visitor.customerId],
        [uploadsByAddress, clientAddress(call.address)],
      ];
      const waits = await Promise.all(keys.flatMap(([limits, key]) => [limits.files.blockedFor(key), limits.bytes.blockedFor(key)]));
      refuseFor(Math.max(...waits), 'You have sent a lot of files');
      // Reserve the file's declared size (else the largest allowed) before reading it, so uploads
      // sent all at once are counted too; what it turns out to weigh is settled afterwards.
      const declared = Number(call.header('content-length'));
      const reserved = Number.isInteger(declared) && declared > 0 ? Math.min(declared, uploadLimits.maxBytes) : uploadLimits.maxBytes;
      await Promise.all(keys.flatMap(([limits, key]) => [limits.files.record(key), limits.bytes.record(key, reserved)]));
      let size = 0;
      try {
        const attachment = await upload(call, query.name, { kind: 'customer', id: visitor.customerId });
        size = attachment.size;
        return attachment;
      } finally {
        const settled = keys.flatMap(([limits, key]) => [limits.bytes.record(key, size - reserved), ...(size === 0 ? [limits.files.record(key, -1)] : [])]);
        // The upload's answer stands: an allowance left over-counted only ends with its window.
        await Promise.all(settled).catch((error: unknown) => logger.warn('an upload allowance could not be settled', { error: errorText(error) }));
      }
    },
    upload: async ({ query, agent, call }) => upload(call, query.name, { kind: 'agent', id: agent.id }),

    attachment: async ({ params }) => {
      const message = await store.getMessage(workspaceId, params.messageId);
      if (!message || message.caseId !== params.caseId) throw notFound('message', params.messageId);
      const file = message.attachments[params.index];
      if (!file) throw new CasekitError('not_found', `Message "${message.id}" has no file number ${params.index}.`);
      const uploadId = uploadIdOf(file.url);
      if (uploadId) {
        const kept = await requireBlobs().open(uploadId);
        if (!kept || kept.info.workspaceId !== workspaceId) throw notFound('upload', uploadId);
        return kept;
      }
      // Kept by the provider: fetched with the channel's credentials, never stored here.
      const channel = await store.getChannel(workspaceId, message.channelId);
      const spec = channel && channelKinds.get(channel.kind);
      const runtime = options.channels?.runtime;
      if (!channel || !spec?.fetchAttachment || !runtime) {
        throw new CasekitError('not_found', `"${file.name}" is kept by the provider, and this server cannot fetch it from there.`);
      }
      let fetched;
      try {
        fetched = await spec.fetchAttachment(file.url, runtime(channel));
      } catch (error) {
        if (!(error instanceof DeliveryError)) throw error;
        throw error.retryable
          ? new CasekitError('unavailable', `The provider did not hand "${file.name}" over now; try again. (${error.message})`, { cause: error })
          : new CasekitError('not_found', `The provider no longer has "${file.name}": ${error.message}`, { cause: error });
      }
      const { bytes, contentType } = fetched;
      const info = { id: `${message.id}-${params.index}`, workspaceId, name: file.name, contentType: contentType || file.contentType, size: bytes.byteLength, owner: { kind: 'customer' as const, id: message.customerId }, createdAt: message.createdAt };
      return { info, stream: (async function* () { yield bytes; })() };
    },
    download: async ({ params }) => {
      const file = await requireBlobs().open(params.uploadId);
      // Another workspace's file looks exactly like a missing one.
      if (!file || file.info.workspaceId !== workspaceId) throw notFound('upload', params.uploadId);
      return file;
    },

    handoff: async ({ params, body, agent }) =>
      engine.handoff(actorOf(agent), params.caseId, { reason: body.reason ?? 'bot', ...(body.fields && { fields: body.fields }), ...(body.summary && { summary: body.summary }) }),
    listBots: async () => ({ items: (await store.listAgents(workspaceId)).filter((a) => a.kind === 'bot').map(botView) }),
    createBot: async ({ body, agent, idempotency }) => {
      const { name, email, ...settings } = body;
      const id = newId('ag');
      // An external bot calls the API with its token, and checks our posts with the signing secret.
      const token = settings.external ? await newBotToken(id) : null;
      const signingSecret = settings.external ? newSigningSecret() : null;
      const bot = await engine.createBot(
        actorOf(agent),
        {
          id,
          name,
          email: email ?? `${id}@bots.casekit.invalid`,
          settings,
          ...(token && { tokenHash: token.hash }),
          ...(signingSecret && { secrets: { signingSecret } }),
        },
        idempotency && { idempotency },
      );
      // A retried create answers the bot made the first time; its credentials were shown then, and only then.
      if (bot.agent.id !== id) return { bot, token: null, signingSecret: null };
      return { bot, token: token?.token ?? null, signingSecret };
    },
    updateBot: async ({ params, body, agent }) => {
      const { name, ...settings } = body;
      const current = await store.getAgent(workspaceId, params.agentId);
      // A bot made external gets what it lacks of its credentials, shown in this answer once.
      const external = settings.external !== undefined && current?.kind === 'bot';
      const signingSecret = external && !current.secrets?.signingSecret ? newSigningSecret() : null;
      const token = external && current.botTokenHash === undefined ? await newBotToken(current.id) : null;
      const bot = await engine.updateBot(actorOf(agent), params.agentId, {
        ...(name !== undefined && { name }),
        settings,
        ...(signingSecret && { secrets: { signingSecret } }),
      });
      if (token) return { bot: await engine.setBotToken(actorOf(agent), params.agentId, token.hash), token: token.token, signingSecret };
      return { bot, token: null, signingSecret };
    },
    issueBotToken: async ({ params, agent }) => {
      const { token, hash } = await newBotToken(params.agentId);
      return { bot: await engine.setBotToken(actorOf(agent), params.agentId, hash), token };
    },
    revokeBotToken: async ({ params, agent }) => engine.setBotToken(actorOf(agent), params.agentId, null),
  };
}
