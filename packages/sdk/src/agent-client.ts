import { EventEmitter } from 'eventemitter3';
import { AGENT_NAMESPACE, API_PATH } from '@casekit/protocol';
import type {
  Agent,
  AgentListResponse,
  QueueResponse,
  Attachment,
  BillingAccount,
  BotCreateResponse,
  BotListResponse,
  BotTokenResponse,
  Bot,
  Case,
  CaseDetail,
  CaseEvent,
  CaseListResponse,
  CaseReadResponse,
  ChannelDetails,
  ChannelKindListResponse,
  ChannelListResponse,
  ChannelTestResult,
  Customer,
  EventsResponse,
  HandoffResponse,
  LoginResponse,
  MergeSuggestionsResponse,
  Message,
  Page,
  PasswordChangeResponse,
  PasswordResetResponse,
  Presence,
  SyncLogResponse,
  SyncRun,
  SyncStatus,
  WorkspaceSettings,
} from '@casekit/protocol';
import { CasekitApiError, errorFromResponse } from './errors.ts';
import { createRequest, mountedBaseUrl, resolveUrl, splitBaseUrl } from './internal/http.ts';
import type { HttpOptions } from './internal/http.ts';
import type { RequestFn, RouteBody, RouteQuery, RouteResponse } from './requests.ts';
import type { UploadOptions } from './upload-options.ts';
import { START_FROM_NOW, ReplayingSocket } from './internal/realtime.ts';
import type { ConnectionState } from './connection-state.ts';
import type { TypedEmitter } from './typed-emitter.ts';

/** Options of {@link createAgentClient}. */
export interface AgentClientOptions {
  /** Origin of the casekit server, e.g. `https://support.example.com` ('' for the page's own origin). */
  baseUrl: string;
  /**
   * Where casekit is mounted on that origin, e.g. `/support`: the server's `path` option. REST
   * calls go to `<path>/api/v1` and realtime to `<path>/socket.io`. Default: the root (a path at
   * the end of `baseUrl` counts too).
   */
  path?: string;
  /** A token you already have (from your portal's issuer, or an earlier `login`). */
  token?: string;
  /** Your own fetch (for tests, proxies, or adding headers). */
  fetch?: typeof fetch;
  /** Connect the realtime socket as soon as a token is known, instead of waiting for `connect()`. */
  realtime?: boolean;
  /**
   * Replay starts after this seq on the first connect. By default nothing is replayed the first
   * time (lists come from REST); pass the `lastSeq` you kept from an earlier run to pick up where
   * it left off, or 0 to replay the whole visible log.
   */
  lastSeq?: number;
}

/** Who is typing where: pushed to agents while a customer types. */
export interface AgentTyping {
  caseId: string;
  customerId: string;
  typing: boolean;
}

/** Events of an {@link AgentClient}. */
export type AgentClientEvents = {
  /** Every event once, in seq order (replayed ones after a reconnect included). */
  event: (event: CaseEvent) => void;
  /** A new message or note, with the case as it is after it when the server sent it. */
  message: (message: Message, kase: Case | undefined) => void;
  /** A case was created or changed (from case.created, case.updated and message.created). */
  case: (kase: Case) => void;
  /** A customer was created or changed. */
  customer: (customer: Customer) => void;
  /** A customer's billing account changed (the Splynx sync read it again). */
  billing: (account: BillingAccount) => void;
  /** An agent's presence changed. */
  presence: (change: { agentId: string; presence: Presence }) => void;
  /** An agent was added or changed (name, role, teams, deactivated or reactivated). */
  agent: (agent: Agent) => void;
  /** A customer started or stopped typing. */
  typing: (typing: AgentTyping) => void;
  /** The realtime connection changed state. */
  connection: (state: ConnectionState) => void;
  /** Something failed in the background (replay, realtime); a realtime connection that fails is a `CasekitRealtimeError` with a `reason`. */
  error: (error: CasekitApiError) => void;
};

/**
 * The agent's handle on casekit: typed REST calls for the workbench and a realtime stream of
 * events that survives reconnects without gaps or repeats.
 */
export interface AgentClient extends TypedEmitter<AgentClientEvents> {
  /** The bearer token in use, or null before `login`. */
  readonly token: string | null;
  /** The newest seq delivered; keep it to resume a later session. */
  readonly lastSeq: number;
  readonly connection: ConnectionState;

  /** Signs in with email and password and keeps the token for later calls. */
  login(email: string, password: string): Promise<LoginResponse>;
  /** Replaces the token (null: signed out); a live socket reconnects with the new one. */
  setToken(token: string | null): void;
  /**
   * Signs out: the server refuses the token from now on (on every device that holds it), the
   * agent goes offline, and the client forgets the token and closes its socket, even when the
   * server could not be reached.
   */
  signOut(): Promise<void>;
  /**
   * Changes the signed-in agent's password. Every token of the agent stops working; the client
   * carries on with the new one the server answers with (its socket reconnects with it).
   */
  changePassword(currentPassword: string, newPassword: string): Promise<PasswordChangeResponse>;
  /** Calls any route of the API by name, typed from ROUTES. */
  request: RequestFn;

  me(): Promise<Agent>;
  listCases(query?: RouteQuery<'listCases'>): Promise<CaseListResponse>;
  getCase(caseId: string): Promise<CaseDetail>;
  updateCase(caseId: string, body: RouteBody<'updateCase'>): Promise<Case>;
  listMessages(caseId: string, query?: RouteQuery<'listMessages'>): Promise<Page<Message>>;
  /**
   * Replies to the case's customer: free `text`, or one of the channel's approved `template`s (the
   * one way past WhatsApp's 24 hours); on a `conversationId`, on a `channelId` of `getCase(id).replyChannels`, or by default on the latest conversation.
   * @example await client.reply(caseId, { channelId, template: { name: 'order_update', variables: ['Dana', '#4411'] } });
   */
  reply(caseId: string, body: RouteBody<'reply'>, options?: { idempotencyKey?: string }): Promise<Message>;
  addNote(caseId: string, body: RouteBody<'addNote'>, options?: { idempotencyKey?: string }): Promise<Message>;
  mergeCase(caseId: string, targetCaseId: string): Promise<Case>;
  /** Marks the case read by this agent up to now, on every device; `listCases` answers `readAt` per case. */
  markCaseRead(caseId: string): Promise<CaseReadResponse>;
  /** Sends a reply that failed again; it goes back to `queued`. */
  retryMessage(caseId: string, messageId: string): Promise<Message>;
  /**
   * A message's file number `index` as a Blob, whether kept by casekit or by the provider (a
   * WhatsApp photo, an MMS): show it with `URL.createObjectURL(blob)`.
   */
  fetchAttachment(caseId: string, messageId: string, index: number): Promise<Blob>;
  listCustomers(query?: RouteQuery<'listCustomers'>): Promise<Page<Customer>>;
  getCustomer(customerId: string): Promise<Customer>;
  updateCustomer(customerId: string, body: RouteBody<'updateCustomer'>): Promise<Customer>;
  timeline(customerId: string, query?: RouteQuery<'timeline'>): Promise<Page<CaseEvent>>;
  /** Other profiles that may be the same person (same email, phone or name), for a supervisor to merge. */
  mergeSuggestions(customerId: string): Promise<MergeSuggestionsResponse>;
  /** Merges `sourceId` into `targetId` (supervisors); the source id keeps resolving to the target. */
  mergeCustomer(targetId: string, sourceId: string): Promise<Customer>;
  /**
   * The customer's Splynx account as last synced (services, invoices, amount due), or null when
   * the server answers 404: the customer is not linked to Splynx (or does not exist).
   * @example const account = await client.getCustomerBilling(customer.id); if (account?.status === 'blocked') warn();
   */
  getCustomerBilling(customerId: string): Promise<BillingAccount | null>;
  /** Whether Splynx is configured, its latest sync runs and how many customers are linked (admins). */
  getSplynxStatus(): Promise<SyncStatus>;
  /** The Splynx sync log, newest first; pass the answer's `nextCursor` as `cursor` for the next page (admins). */
  listSplynxLog(query?: RouteQuery<'listSplynxLog'>): Promise<SyncLogResponse>;
  /**
   * Starts a Splynx pull (admins): `full` reads every record again, else only what changed. Resolves
   * with the run as it starts; follow it with `getSplynxStatus()`. Rejects with `conflict` when Splynx is not configured.
   */
  startSplynxSync(body?: RouteBody<'startSplynxSync'>): Promise<SyncRun>;
  listAgents(): Promise<AgentListResponse>;
  /** The live queue (supervisors): waiting cases in routing order with their place and wait, and every agent's load. */
  getQueue(): Promise<QueueResponse>;
  createAgent(body: RouteBody<'createAgent'>, options?: { idempotencyKey?: string }): Promise<Agent>;
  setPresence(presence: Presence): Promise<Agent>;
  /** Changes an agent's name, role, teams, skills or languages (admins). */
  updateAgent(agentId: string, body: RouteBody<'updateAgent'>): Promise<Agent>;
  /** Deactivates an agent (admins): they cannot sign in, their tokens and sockets stop; their cases stay. */
  deactivateAgent(agentId: string): Promise<Agent>;
  /** Lets a deactivated agent sign in again (admins). */
  reactivateAgent(agentId: string): Promise<Agent>;
  /** Gives an agent a new generated password, answered once (admins); their tokens stop working. */
  resetAgentPassword(agentId: string): Promise<PasswordResetResponse>;
  getSettings(): Promise<WorkspaceSettings>;
  updateSettings(body: RouteBody<'updateSettings'>): Promise<WorkspaceSettings>;
  listChannels(): Promise<ChannelListResponse>;
  createChannel(
    body: RouteBody<'createChannel'>,
    options?: { idempotencyKey?: string },
  ): Promise<ChannelDetails>;
  /** One channel, with its webhook URL and capabilities. */
  getChannel(channelId: string): Promise<ChannelDetails>;
  /** Renames, reconfigures, disables or re-enables a channel (admins); `secrets` merge by name, null removes one. */
  updateChannel(channelId: string, body: RouteBody<'updateChannel'>): Promise<ChannelDetails>;
  /** The kinds of channel this server runs, with the fields each one takes. */
  listChannelKinds(): Promise<ChannelKindListResponse>;
  /**
   * Checks a channel's credentials and setup with its provider (admins). A failed check resolves
   * with `ok: false` and `error.field` naming the setting to fix; only a missing channel rejects.
   * @example const { ok, detail, error } = await client.testChannel('ch_sms');
   */
  testChannel(channelId: string): Promise<ChannelTestResult>;
  listEvents(query?: RouteQuery<'listEvents'>): Promise<EventsResponse>;
  /** The bot agents with their settings and whether each holds an API token (never the token). */
  listBots(): Promise<BotListResponse>;
  /**
   * Adds a rules bot or an external one (admins). An external bot's `token` and `signingSecret` are
   * in this answer only; a retry with the same `idempotencyKey` answers the same bot without them.
   * @example const { bot, token, signingSecret } = await client.createBot({ name: 'Order bot', channelIds: ['webchat'], external: { url } });
   */
  createBot(body: RouteBody<'createBot'>, options?: { idempotencyKey?: string }): Promise<BotCreateResponse>;
  /** Changes a bot's name, channels, `rules` or `external` (admins); a bot made external gets its credentials in the answer, once. */
  updateBot(agentId: string, body: RouteBody<'updateBot'>): Promise<BotCreateResponse>;
  /** Gives a bot a new API token, answered once (admins); its earlier token stops working at once. */
  newBotToken(agentId: string): Promise<BotTokenResponse>;
  /** Revokes a bot's API token (admins): calls with it are refused from now on. */
  revokeBotToken(agentId: string): Promise<Bot>;
  /**
   * Gives a case a bot holds to people, with what the bot collected (the bot holding it, supervisors
   * and admins); `handedOff` is false when no bot held it any more.
   * @example await botClient.handoff(caseId, { reason: 'bot', fields: { order: 'A-1042' }, summary: 'Order question' });
   */
  handoff(caseId: string, body: RouteBody<'handoff'>): Promise<HandoffResponse>;
  /**
   * Uploads a file to attach to a reply: pass the answer in `reply(caseId, { attachments })`.
   * `name` defaults to the File's own; `onProgress` reports bytes sent.
   * @example const file = await client.uploadAttachment(input.files[0]); await client.reply(id, { text, attachments: [file] });
   */
  uploadAttachment(file: Blob, name?: string, options?: UploadOptions): Promise<Attachment>;
  /** An absolute URL for a link the server gave, such as an attachment's (relative unless the server knows its public URL). */
  resolveUrl(url: string): string;

  /** Opens the realtime socket (`/agent`); reconnects by itself and replays what was missed. */
  connect(): void;
  /** Closes the realtime socket; `connect()` opens it again and resumes from `lastSeq`. */
  disconnect(): void;
  /** Tells the customer's chat that an agent is typing on this case. */
  sendTyping(caseId: string, typing: boolean): void;
}

/**
 * Creates a client for agents and supervisors.
 * @example
 * const client = createAgentClient({ baseUrl: 'https://support.example.com' });
 * await client.login('ada@example.com', 'secret');
 * client.on('message', (m) => console.log(m.text));
 * client.connect();
 */
export function createAgentClient(options: AgentClientOptions): AgentClient {
  return new AgentClientImpl(options);
}

class AgentClientImpl extends EventEmitter<AgentClientEvents> implements AgentClient {
  #token: string | null;
  #autoConnect: boolean;
  #socket: ReplayingSocket;
  #http: HttpOptions;
  #baseUrl: string;
  readonly request: RequestFn;

  constructor(given: AgentClientOptions) {
    super();
    const options = { ...given, baseUrl: mountedBaseUrl(given.baseUrl, given.path) };
    this.#token = options.token ?? null;
    this.#autoConnect = options.realtime ?? false;
    this.#baseUrl = options.baseUrl;
    const http = {
      baseUrl: options.baseUrl,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      getToken: () => this.#token,
    };
    this.request = createRequest(http);
    this.#http = http;
    this.#socket = new ReplayingSocket({
      baseUrl: options.baseUrl,
      namespace: AGENT_NAMESPACE,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      getToken: () => this.#token,
      lastSeq: options.lastSeq ?? START_FROM_NOW,
      onEvent: (event) => this.#dispatch(event),
      onState: (state) => this.emit('connection', state),
      onError: (error) => this.#emitError(error),
      onPush: (name, payload) => {
        if (name !== 'typing' || !payload || typeof payload !== 'object') return;
        const p = payload as { caseId: string; customerId: string; typing: boolean };
        this.emit('typing', { caseId: p.caseId, customerId: p.customerId, typing: p.typing });
      },
    });
    if (this.#autoConnect && this.#token) this.connect();
  }

  get token(): string | null {
    return this.#token;
  }
  get lastSeq(): number {
    return this.#socket.lastSeq;
  }
  get connection(): ConnectionState {
    return this.#socket.state;
  }

  async login(email: string, password: string) {
    const result = await this.request('login', { body: { email, password } });
    this.setToken(result.token);
    return result;
  }

  setToken(token: string | null): void {
    if (token === this.#token) return;
    this.#token = token;
    if (!token) this.#socket.disconnect();
    else if (this.#socket.active) this.#socket.reconnect();
    else if (this.#autoConnect) this.connect();
  }

  async signOut(): Promise<void> {
    try {
      if (this.#token) await this.request('signOut', {});
    } finally {
      this.setToken(null);
    }
  }

  async changePassword(currentPassword: string, newPassword: string) {
    const result = await this.request('changePassword', { body: { currentPassword, newPassword } });
    this.setToken(result.token);
    return result;
  }

  me() {
    return this.request('me', {});
  }
  listCases(query?: RouteQuery<'listCases'>) {
    return this.request('listCases', { query });
  }
  getCase(caseId: string) {
    return this.request('getCase', { params: { caseId } });
  }
  updateCase(caseId: string, body: RouteBody<'updateCase'>) {
    return this.request('updateCase', { params: { caseId }, body });
  }
  listMessages(caseId: string, query?: RouteQuery<'listMessages'>) {
    return this.request('listMessages', { params: { caseId }, query });
  }
  reply(caseId: string, body: RouteBody<'reply'>, options: { idempotencyKey?: string } = {}) {
    return this.request('reply', { params: { caseId }, body, ...withKey(options) });
  }
  addNote(caseId: string, body: RouteBody<'addNote'>, options: { idempotencyKey?: string } = {}) {
    return this.request('addNote', { params: { caseId }, body, ...withKey(options) });
  }
  mergeCase(caseId: string, targetCaseId: string) {
    return this.request('mergeCase', { params: { caseId }, body: { targetCaseId } });
  }
  retryMessage(caseId: string, messageId: string) {
    return this.request('retryMessage', { params: { caseId, messageId } });
  }

  async fetchAttachment(caseId: string, messageId: string, index: number): Promise<Blob> {
    const what = 'GET /cases/:caseId/messages/:messageId/attachments/:index';
    // Under the mount path: `/api/v1` alone would resolve to the origin's root.
    const url = resolveUrl(this.#baseUrl, `${splitBaseUrl(this.#baseUrl).mountPath}${API_PATH}/cases/${encodeURIComponent(caseId)}/messages/${encodeURIComponent(messageId)}/attachments/${index}`);
    const doFetch: typeof fetch = this.#http.fetch ?? ((input, init) => globalThis.fetch(input, init));
    let response: Response;
    try {
      response = await doFetch(url, { headers: this.#token ? { authorization: `Bearer ${this.#token}` } : {} });
    } catch (err) {
      throw new CasekitApiError('unavailable', `${what}: could not reach the server (${err instanceof Error ? err.message : String(err)}).`, { status: 0, cause: err });
    }
    if (response.ok) return response.blob();
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    throw errorFromResponse(response.status, body, what);
  }

  markCaseRead(caseId: string) {
    return this.request('markCaseRead', { params: { caseId } });
  }
  listCustomers(query?: RouteQuery<'listCustomers'>) {
    return this.request('listCustomers', { query });
  }
  getCustomer(customerId: string) {
    return this.request('getCustomer', { params: { customerId } });
  }
  updateCustomer(customerId: string, body: RouteBody<'updateCustomer'>) {
    return this.request('updateCustomer', { params: { customerId }, body });
  }
  timeline(customerId: string, query?: RouteQuery<'timeline'>) {
    return this.request('timeline', { params: { customerId }, query });
  }
  mergeSuggestions(customerId: string) {
    return this.request('mergeSuggestions', { params: { customerId } });
  }
  mergeCustomer(targetId: string, sourceId: string) {
    return this.request('mergeCustomer', { params: { customerId: targetId }, body: { sourceCustomerId: sourceId } });
  }
  async getCustomerBilling(customerId: string) {
    try {
      return await this.request('getCustomerBilling', { params: { customerId } });
    } catch (error) {
      if (error instanceof CasekitApiError && error.status === 404) return null;
      throw error;
    }
  }
  getSplynxStatus() {
    return this.request('getSplynxStatus', {});
  }
  listSplynxLog(query?: RouteQuery<'listSplynxLog'>) {
    return this.request('listSplynxLog', { query });
  }
  startSplynxSync(body: RouteBody<'startSplynxSync'> = {}) {
    return this.request('startSplynxSync', { body });
  }
  listAgents() {
    return this.request('listAgents', {});
  }
  getQueue() {
    return this.request('getQueue', {});
  }
  createAgent(body: RouteBody<'createAgent'>, options: { idempotencyKey?: string } = {}) {
    return this.request('createAgent', { body, ...withKey(options) });
  }
  setPresence(presence: Presence) {
    return this.request('setPresence', { body: { presence } });
  }
  updateAgent(agentId: string, body: RouteBody<'updateAgent'>) {
    return this.request('updateAgent', { params: { agentId }, body });
  }
  deactivateAgent(agentId: string) {
    return this.request('deactivateAgent', { params: { agentId } });
  }
  reactivateAgent(agentId: string) {
    return this.request('reactivateAgent', { params: { agentId } });
  }
  resetAgentPassword(agentId: string) {
    return this.request('resetAgentPassword', { params: { agentId } });
  }
  getSettings() {
    return this.request('getSettings', {});
  }
  updateSettings(body: RouteBody<'updateSettings'>) {
    return this.request('updateSettings', { body });
  }
  listChannels() {
    return this.request('listChannels', {});
  }
  createChannel(body: RouteBody<'createChannel'>, options: { idempotencyKey?: string } = {}) {
    return this.request('createChannel', { body, ...withKey(options) });
  }
  getChannel(channelId: string) {
    return this.request('getChannel', { params: { channelId } });
  }
  updateChannel(channelId: string, body: RouteBody<'updateChannel'>) {
    return this.request('updateChannel', { params: { channelId }, body });
  }
  listChannelKinds() {
    return this.request('listChannelKinds', {});
  }
  testChannel(channelId: string) {
    return this.request('testChannel', { params: { channelId } });
  }
  listEvents(query?: RouteQuery<'listEvents'>) {
    return this.request('listEvents', { query });
  }
  listBots() {
    return this.request('listBots', {});
  }
  createBot(body: RouteBody<'createBot'>, options: { idempotencyKey?: string } = {}) {
    return this.request('createBot', { body, ...withKey(options) });
  }
  updateBot(agentId: string, body: RouteBody<'updateBot'>) {
    return this.request('updateBot', { params: { agentId }, body });
  }
  newBotToken(agentId: string) {
    return this.request('issueBotToken', { params: { agentId } });
  }
  revokeBotToken(agentId: string) {
    return this.request('revokeBotToken', { params: { agentId } });
  }
  handoff(caseId: string, body: RouteBody<'handoff'>) {
    return this.request('handoff', { params: { caseId }, body });
  }
  async uploadAttachment(file: Blob, name?: string, options?: UploadOptions) {
    const { upload } = await import('./internal/upload.ts');
    return upload('upload', this.#http, file, name, options);
  }
  resolveUrl(url: string): string {
    return resolveUrl(this.#baseUrl, url);
  }

  connect(): void {
    if (!this.#token) {
      this.#emitError(new CasekitApiError('unauthorized', 'connect() needs a token: call login() or setToken() first.', { status: 0 }));
      return;
    }
    this.#socket.connect();
  }

  disconnect(): void {
    this.#socket.disconnect();
  }

  sendTyping(caseId: string, typing: boolean): void {
    this.#socket.emit('typing', { caseId, typing });
  }

  #dispatch(event: CaseEvent): void {
    this.emit('event', event);
    switch (event.type) {
      case 'message.created':
        this.emit('message', event.data.message, event.data.case);
        if (event.data.case) this.emit('case', event.data.case);
        break;
      case 'case.created':
      case 'case.updated':
        this.emit('case', event.data.case);
        break;
      case 'customer.created':
      case 'customer.updated':
        this.emit('customer', event.data.customer);
        break;
      case 'customer.billing':
        this.emit('billing', event.data.account);
        break;
      case 'agent.presence':
        this.emit('presence', { agentId: event.data.agentId, presence: event.data.presence });
        break;
      case 'agent.created':
      case 'agent.updated':
        this.emit('agent', event.data.agent);
        break;
      default:
        break;
    }
  }

  #emitError(error: CasekitApiError): void {
    // eventemitter3 does not throw on an unhandled 'error', so a client without a listener stays quiet.
    this.emit('error', error);
  }
}

function withKey(options: { idempotencyKey?: string }): { idempotencyKey?: string } {
  return options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {};
}
