import { EventEmitter } from 'eventemitter3';
import { VISITOR_NAMESPACE } from '@casekit/protocol';
import type { Attachment, DeliveryStatus, Message, Page, VisitorSessionResponse, VisitorStatusResponse } from '@casekit/protocol';
import { CasekitApiError, toApiError } from './errors.ts';
import { createRequest, resolveUrl } from './internal/http.ts';
import type { HttpOptions } from './internal/http.ts';
import type { RequestFn, RouteBody, RouteQuery } from './requests.ts';
import type { UploadOptions } from './upload-options.ts';
import { ReplayingSocket } from './internal/realtime.ts';
import type { ConnectionState } from './connection-state.ts';
import { randomId } from './internal/random-id.ts';
import type { TypedEmitter } from './typed-emitter.ts';
import { createIndexedDbStore, createMemoryStore, hasIndexedDb } from './internal/visitor-store.ts';
import type { StoredPending, StoredSession, VisitorStore } from './internal/visitor-store.ts';

/** A signed-in user of the host site: `userHash` is hex HMAC-SHA256(userId, channel secret), computed server-side. */
export interface VisitorIdentity {
  userId: string;
  userHash: string;
  name?: string;
  email?: string;
}

/** Options of {@link createVisitorClient}. */
export interface VisitorClientOptions {
  /** Origin of the casekit server ('' for the page's own origin). */
  baseUrl: string;
  /** The web-chat channel this widget belongs to. */
  channelId: string;
  fetch?: typeof fetch;
  /** Verified identity of a signed-in user; anonymous visitors leave it out. */
  identity?: VisitorIdentity;
  /** Unverified name and email an anonymous visitor typed in. */
  name?: string;
  email?: string;
  /** Extra facts for the agent (plan, page, cart value…). */
  attributes?: RouteBody<'startVisitorSession'>['attributes'];
  /** Where the session and the outbox live (default: IndexedDB where it exists, else memory). */
  storage?: 'indexeddb' | 'memory';
  /** Open the realtime socket after `start()` (default true). */
  realtime?: boolean;
}

/** One of the visitor's own messages not yet acknowledged by the server. */
export type PendingMessage = {
  clientMessageId: string;
  text: string;
  createdAt: string;
  /** `pending`: will be (re)sent; `failed`: the server refused it, see `retry`/`discard`. */
  status: 'pending' | 'failed';
  attachments?: Attachment[];
};

/** An entry of the local chat view. */
export type ChatItem = Message | PendingMessage;

/** Events of a {@link VisitorClient}. */
export type VisitorClientEvents = {
  /** A new public message (an agent's reply, or one of the visitor's own once confirmed), once each. */
  message: (message: Message) => void;
  /** The delivery status of a message moved on. */
  status: (change: { messageId: string; status: DeliveryStatus }) => void;
  /** One of the visitor's own messages was queued locally, or its state changed (e.g. failed). */
  pending: (pending: PendingMessage) => void;
  /** An agent started or stopped typing. */
  typing: (typing: { typing: boolean; name: string }) => void;
  /** The realtime connection changed state. */
  connection: (state: ConnectionState) => void;
  /** Something failed in the background (sending, replay, handshake). */
  error: (error: CasekitApiError) => void;
  /** The local view (`messages`) changed; handy for re-rendering. */
  change: (messages: ReadonlyArray<ChatItem>) => void;
};

/**
 * A web-chat visitor's handle on casekit: a session that survives reloads, a local view of the
 * conversation, and an outbox that keeps messages through network failures and sends each once.
 */
export interface VisitorClient extends TypedEmitter<VisitorClientEvents> {
  /** Starts or resumes the session (the token is kept in storage, so history survives page loads). */
  start(): Promise<VisitorSessionResponse>;
  /**
   * Sends a message. It is stored in the outbox before the request, so a network failure keeps
   * it (returned as a PendingMessage) and it goes out once when the connection is back.
   */
  send(text: string, options?: { attachments?: Attachment[] }): Promise<Message | PendingMessage>;
  /** One page of the visitor's own conversation, oldest first; merged into `messages` too. */
  history(query?: RouteQuery<'visitorHistory'>): Promise<Page<Message>>;
  /** History, live and pending messages, in order. */
  readonly messages: ReadonlyArray<ChatItem>;
  /** Messages still in the outbox (pending or failed), in send order. */
  pending(): Promise<PendingMessage[]>;
  /** Sends what the outbox holds, in order, once each; runs by itself on reconnect and `online`. */
  flush(): Promise<void>;
  /** Sends a failed message again. */
  retry(clientMessageId: string): Promise<Message | PendingMessage>;
  /** Drops a pending or failed message from the outbox and the view. */
  discard(clientMessageId: string): Promise<void>;
  /** Tells the agent the visitor is typing. */
  sendTyping(typing: boolean): void;
  /** Links the session to a signed-in user of the host site. */
  identify(identity: VisitorIdentity): Promise<void>;
  /**
   * Whether an agent is online now and, once the session started, the place of the visitor's
   * waiting case in the queue (null when not waiting). Works before `start()`, anonymously.
   */
  status(): Promise<VisitorStatusResponse>;
  /**
   * Gives the visitor's name, email (unverified; agents see it) or attributes. Before `start()`
   * they go with the new session (which this starts); afterwards, onto the profile.
   */
  updateProfile(profile: RouteBody<'updateVisitorProfile'>): Promise<void>;
  /** Adds facts for the agent (plan, page…): sent now if the session runs, and with every new session. */
  setAttributes(attributes: NonNullable<RouteBody<'startVisitorSession'>['attributes']>): Promise<void>;
  /**
   * Uploads a file to attach to a message: pass the answer in `send(text, { attachments })`.
   * Starts the session first if needed. `name` defaults to the File's own.
   */
  uploadAttachment(file: Blob, name?: string, options?: UploadOptions): Promise<Attachment>;
  /** An absolute URL for a link the server gave, such as an attachment's. */
  resolveUrl(url: string): string;
  /** Logs out: forgets the session, the outbox and the local view; `start()` begins anew. */
  reset(): Promise<void>;
  /** Closes the socket and stops listening; storage is kept for the next page load. */
  close(): void;
  readonly connection: ConnectionState;
  /** The session in use, or null before `start()`. */
  readonly session: VisitorSessionResponse | null;
  /** The newest event seq delivered. */
  readonly lastSeq: number;
}

/**
 * Creates a client for the customer side of web chat.
 * @example
 * const chat = createVisitorClient({ baseUrl: '', channelId: 'ch_web' });
 * await chat.start();
 * chat.on('message', (m) => render(m));
 * await chat.send('Hello!');
 */
export function createVisitorClient(options: VisitorClientOptions): VisitorClient {
  return new VisitorClientImpl(options);
}

/** Pages of history loaded at start (200 each). */
const HISTORY_PAGES = 20;
/** Codes that mean an old resume token no longer works, so a fresh session is started. */
const STALE_SESSION = new Set(['unauthorized', 'forbidden', 'not_found']);

class VisitorClientImpl extends EventEmitter<VisitorClientEvents> implements VisitorClient {
  #options: VisitorClientOptions;
  #identity: VisitorIdentity | undefined;
  #store: VisitorStore;
  #request: RequestFn;
  #socket: ReplayingSocket;
  #realtime: boolean;
  #http: HttpOptions;
  #attributes: RouteBody<'startVisitorSession'>['attributes'];
  /** Name and email given with updateProfile(), sent with the next session start too. */
  #profile: { name?: string; email?: string } = {};
  /** The running session continues an earlier one (a resume token found the same customer). */
  #resumed = false;

  #session: StoredSession | null = null;
  #response: VisitorSessionResponse | null = null;
  #starting: Promise<VisitorSessionResponse> | null = null;
  #outboxLoaded: Promise<void> | null = null;

  /** Confirmed messages, by createdAt. */
  #confirmed: Message[] = [];
  #ids = new Set<string>();
  /** The outbox in send order (mirrors storage). */
  #pending = new Map<string, StoredPending>();
  #view: ReadonlyArray<ChatItem> = [];

  #flushing: Promise<void> | null = null;
  #flushAgain = false;
  #persist: Promise<void> = Promise.resolve();
  #order = 0;
  #closed = false;
  #onOnline = () => void this.flush();
  /** A session renewal after a refused handshake is under way (at most one per good connection). */
  #renewed = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #retryDelay = 0;

  constructor(options: VisitorClientOptions) {
    super();
    this.#options = options;
    this.#identity = options.identity;
    this.#realtime = options.realtime ?? true;
    const scope = `${options.baseUrl}|${options.channelId}`;
    const storage = options.storage ?? (hasIndexedDb() ? 'indexeddb' : 'memory');
    if (storage === 'indexeddb' && !hasIndexedDb()) {
      throw new CasekitApiError('bad_request', "storage: 'indexeddb' needs IndexedDB, which this runtime lacks; use 'memory'.", {
        status: 0,
      });
    }
    this.#store = storage === 'indexeddb' ? createIndexedDbStore(scope) : createMemoryStore(scope);
    this.#attributes = options.attributes;
    const http = {
      baseUrl: options.baseUrl,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      getToken: () => this.#session?.token ?? null,
    };
    this.#request = createRequest(http);
    this.#http = http;
    this.#socket = new ReplayingSocket({
      baseUrl: options.baseUrl,
      namespace: VISITOR_NAMESPACE,
      getToken: () => this.#session?.token ?? null,
      lastSeq: 0,
      onEvent: (event) => {
        if (event.type === 'message.created') this.#receive(event.data.message);
        else if (event.type === 'message.status') this.#updateStatus(event.data.messageId, event.data.status);
        this.#saveLastSeq(event.seq);
      },
      onState: (state) => this.emit('connection', state),
      onError: (error) => {
        this.#fail(error);
        if (error.code === 'unauthorized') this.#renewSession();
      },
      // Back online: what waited in the outbox goes out, in order.
      onSynced: () => {
        this.#renewed = false;
        void this.flush();
      },
      onPush: (name, payload) => {
        if (name !== 'typing' || !payload || typeof payload !== 'object') return;
        const p = payload as { typing: boolean; name: string };
        this.emit('typing', { typing: p.typing, name: p.name });
      },
    });
    globalThis.addEventListener?.('online', this.#onOnline);
  }

  get messages(): ReadonlyArray<ChatItem> {
    return this.#view;
  }
  get connection(): ConnectionState {
    return this.#socket.state;
  }
  get session(): VisitorSessionResponse | null {
    return this.#response;
  }
  get lastSeq(): number {
    return this.#socket.lastSeq;
  }

  start(): Promise<VisitorSessionResponse> {
    if (this.#response) return Promise.resolve(this.#response);
    this.#starting ??= this.#start().finally(() => {
      this.#starting = null;
    });
    return this.#starting;
  }

  async #start(): Promise<VisitorSessionResponse> {
    if (this.#closed) {
      this.#closed = false;
      globalThis.addEventListener?.('online', this.#onOnline);
    }
    const userId = this.#identity?.userId ?? null;
    let stored = await this.#store.getSession();
    if (stored && stored.userId !== null && stored.userId !== userId) {
      // Another signed-in user's session and unsent messages must not carry over.
      await this.#store.clear();
      this.#pending.clear();
      this.#clearView();
      this.#render();
      stored = undefined;
    }
    await this.#loadOutbox();

    let response: VisitorSessionResponse;
    try {
      response = await this.#request('startVisitorSession', { body: this.#sessionBody(stored?.token) });
    } catch (err) {
      if (!(stored && err instanceof CasekitApiError && STALE_SESSION.has(err.code))) throw err;
      stored = undefined;
      response = await this.#request('startVisitorSession', { body: this.#sessionBody(undefined) });
    }
    const sameCustomer = stored?.customerId === response.customerId;
    this.#resumed = sameCustomer;
    this.#session = {
      scope: '',
      token: response.token,
      customerId: response.customerId,
      channelId: response.channelId,
      identified: response.identified,
      expiresAt: response.expiresAt,
      userId,
      lastSeq: sameCustomer && stored ? stored.lastSeq : 0,
    };
    if (!sameCustomer) this.#clearView();
    await this.#store.putSession(this.#session);
    if (!this.#socket.active) this.#socket.setLastSeq(this.#session.lastSeq);

    // Only a session with its history counts as started; a failure here is retried by the next start().
    await this.#loadHistory();
    this.#response = response;
    if (this.#realtime) this.#socket.connect();
    else void this.flush();
    return response;
  }

  #sessionBody(resumeToken: string | undefined): RouteBody<'startVisitorSession'> {
    const o = this.#options;
    const id = this.#identity;
    const name = id?.name ?? this.#profile.name ?? o.name;
    const email = id?.email ?? this.#profile.email ?? o.email;
    return {
      channelId: o.channelId,
      ...(resumeToken ? { resumeToken } : {}),
      ...(name ? { name } : {}),
      ...(email ? { email } : {}),
      ...(id ? { userId: id.userId, userHash: id.userHash } : {}),
      ...(this.#attributes ? { attributes: this.#attributes } : {}),
    };
  }

  #loadOutbox(): Promise<void> {
    this.#outboxLoaded ??= (async () => {
      for (const item of await this.#store.listPending()) {
        this.#pending.set(item.clientMessageId, item);
        this.#order = Math.max(this.#order, item.order);
      }
      this.#render();
    })();
    return this.#outboxLoaded;
  }

  async #loadHistory(): Promise<void> {
    let cursor: string | undefined;
    for (let i = 0; i < HISTORY_PAGES; i++) {
      const page = await this.history({ limit: 200, ...(cursor ? { cursor } : {}) });
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
  }

  async history(query: RouteQuery<'visitorHistory'> = {}): Promise<Page<Message>> {
    if (!this.#session) await this.start();
    const page = await this.#request('visitorHistory', { query });
    let changed = false;
    for (const message of page.items) changed = this.#merge(message) || changed;
    if (changed) this.#render();
    return page;
  }

  async pending(): Promise<PendingMessage[]> {
    await this.#loadOutbox();
    return [...this.#pending.values()].map(toPending);
  }

  async send(text: string, options: { attachments?: Attachment[] } = {}): Promise<Message | PendingMessage> {
    if (typeof text !== 'string' || text.trim() === '') {
      throw new CasekitApiError('validation_failed', 'send(text): text must not be empty.', {
        status: 0,
        details: { issues: [{ path: 'body.text', message: 'must not be empty' }] },
      });
    }
    await this.#loadOutbox();
    const item: StoredPending = {
      scope: '',
      clientMessageId: randomId(),
      text,
      ...(options.attachments?.length ? { attachments: options.attachments } : {}),
      createdAt: new Date().toISOString(),
      status: 'pending',
      order: ++this.#order,
    };
    // Stored before the request: a crash or a closed tab from here on still sends it later.
    await this.#store.putPending(item);
    this.#pending.set(item.clientMessageId, item);
    this.emit('pending', toPending(item));
    this.#render();
    await this.flush();
    return this.#outcome(item.clientMessageId);
  }

  async retry(clientMessageId: string): Promise<Message | PendingMessage> {
    await this.#loadOutbox();
    const item = this.#pending.get(clientMessageId);
    if (!item) return this.#outcome(clientMessageId);
    if (item.status === 'failed') {
      item.status = 'pending';
      await this.#store.putPending(item);
      this.emit('pending', toPending(item));
      this.#render();
    }
    await this.flush();
    return this.#outcome(clientMessageId);
  }

  async discard(clientMessageId: string): Promise<void> {
    await this.#loadOutbox();
    if (!this.#pending.delete(clientMessageId)) return;
    await this.#store.deletePending(clientMessageId);
    this.#render();
  }

  #outcome(clientMessageId: string): Message | PendingMessage {
    const sent = this.#confirmed.find((m) => m.clientMessageId === clientMessageId);
    if (sent) return sent;
    const item = this.#pending.get(clientMessageId);
    if (item) return toPending(item);
    throw new CasekitApiError('not_found', `No message with clientMessageId "${clientMessageId}" in this chat.`, { status: 0 });
  }

  flush(): Promise<void> {
    if (this.#flushing) {
      this.#flushAgain = true;
      return this.#flushing;
    }
    this.#flushing = (async () => {
      do {
        this.#flushAgain = false;
        await this.#flushOnce();
      } while (this.#flushAgain && !this.#closed);
    })().finally(() => {
      this.#flushing = null;
    });
    return this.#flushing;
  }

  /** One pass over the outbox in order; stops at the first failure that a later try may fix. */
  async #flushOnce(): Promise<void> {
    await this.#loadOutbox();
    if (this.#pending.size === 0) return;
    if (!this.#session) {
      try {
        await this.start();
      } catch (err) {
        const error = toApiError(err, 'Starting the chat session failed');
        this.#fail(error);
        // No socket yet to say when the server is back: try again later, backing off.
        if (error.retryable) this.#scheduleRetry();
        return;
      }
    }
    this.#retryDelay = 0;
    for (const item of [...this.#pending.values()]) {
      if (this.#closed) return;
      if (item.status !== 'pending' || !this.#pending.has(item.clientMessageId)) continue;
      try {
        const message = await this.#request('visitorSend', {
          body: {
            text: item.text,
            clientMessageId: item.clientMessageId,
            ...(item.attachments ? { attachments: item.attachments } : {}),
          },
        });
        // A 2xx is the stored message, whether this was its first send or a repeat the server recognised.
        await this.#acknowledge(item.clientMessageId);
        this.#renewed = false;
        if (this.#merge(message)) this.emit('message', message);
        this.#render();
      } catch (err) {
        const error = toApiError(err, 'Sending the message failed');
        if (error.status === 409) {
          // The server already has it: stop sending and let history bring the stored copy.
          await this.#acknowledge(item.clientMessageId);
          await this.#loadHistory().catch(() => undefined);
          this.#render();
          continue;
        }
        if (error.code === 'unauthorized') {
          // The session expired: start a fresh one (same customer via the resume token), then go on.
          this.#fail(error);
          if (!this.#renewed) {
            this.#renewed = true;
            this.#response = null;
            void this.start().then(
              () => this.flush(),
              (e: unknown) => this.#fail(toApiError(e, 'Renewing the chat session failed')),
            );
          }
          return;
        }
        if (error.retryable) {
          this.#fail(error);
          return;
        }
        item.status = 'failed';
        await this.#store.putPending(item);
        this.emit('pending', toPending(item));
        this.#fail(error);
        this.#render();
      }
    }
  }

  #scheduleRetry(): void {
    if (this.#closed || this.#retryTimer) return;
    this.#retryDelay = Math.min(this.#retryDelay ? this.#retryDelay * 2 : 1000, 30_000);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.flush();
    }, this.#retryDelay);
  }

  /** The server refused the session token (expired): start a new session with it as resume token. */
  #renewSession(): void {
    if (this.#renewed || this.#closed || !this.#session) return;
    this.#renewed = true;
    this.#response = null;
    this.start().catch((e: unknown) => this.#fail(toApiError(e, 'Renewing the chat session failed')));
  }

  async #acknowledge(clientMessageId: string): Promise<void> {
    this.#pending.delete(clientMessageId);
    await this.#store.deletePending(clientMessageId);
  }

  sendTyping(typing: boolean): void {
    this.#socket.emit('typing', { typing });
  }

  async identify(identity: VisitorIdentity): Promise<void> {
    this.#identity = identity;
    const wasStarted = this.#response !== null || this.#starting !== null;
    await this.#starting?.catch(() => undefined);
    if (!wasStarted) return;
    // start() resumes an anonymous session's token, so the server links it to the signed-in
    // user, and drops another user's session.
    this.#response = null;
    this.#session = null;
    this.#socket.disconnect();
    await this.#persist;
    await this.start();
  }

  status(): Promise<VisitorStatusResponse> {
    return this.#request('visitorStatus', {});
  }

  async updateProfile(profile: RouteBody<'updateVisitorProfile'>): Promise<void> {
    const { attributes, ...contact } = profile;
    this.#profile = { ...this.#profile, ...contact };
    if (attributes) this.#attributes = { ...this.#attributes, ...attributes };
    const fresh = !this.#response;
    if (fresh) await this.start();
    // A new profile took them with the session; a resumed one needs them sent.
    if (!fresh || this.#resumed) await this.#request('updateVisitorProfile', { body: profile });
  }

  async setAttributes(attributes: NonNullable<RouteBody<'startVisitorSession'>['attributes']>): Promise<void> {
    this.#attributes = { ...this.#attributes, ...attributes };
    if (this.#response) await this.#request('updateVisitorProfile', { body: { attributes } });
  }

  async uploadAttachment(file: Blob, name?: string, options?: UploadOptions): Promise<Attachment> {
    if (!this.#response) await this.start();
    const { upload } = await import('./internal/upload.ts');
    return upload('visitorUpload', this.#http, file, name, options);
  }

  resolveUrl(url: string): string {
    return resolveUrl(this.#options.baseUrl, url);
  }

  async reset(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    this.#socket.disconnect();
    this.#identity = undefined;
    this.#attributes = this.#options.attributes;
    this.#profile = {};
    this.#session = null;
    this.#response = null;
    this.#pending.clear();
    this.#outboxLoaded = null;
    this.#clearView();
    this.#socket.setLastSeq(0);
    await this.#persist;
    await this.#store.clear();
    this.#render();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#socket.disconnect();
    globalThis.removeEventListener?.('online', this.#onOnline);
    this.#store.close();
  }

  // ---- the local view ----

  #receive(message: Message): void {
    if (this.#merge(message)) this.emit('message', message);
    this.#render();
  }

  /** Adds or updates a confirmed message; true when it was new. */
  #merge(message: Message): boolean {
    if (message.internal) return false;
    if (message.clientMessageId && this.#pending.has(message.clientMessageId)) {
      void this.#acknowledge(message.clientMessageId);
    }
    if (this.#ids.has(message.id)) {
      const index = this.#confirmed.findIndex((m) => m.id === message.id);
      const current = this.#confirmed[index];
      if (current && advances(current.status, message.status)) this.#confirmed[index] = message;
      return false;
    }
    this.#ids.add(message.id);
    let at = this.#confirmed.length;
    while (at > 0 && this.#confirmed[at - 1]!.createdAt > message.createdAt) at--;
    this.#confirmed.splice(at, 0, message);
    return true;
  }

  #updateStatus(messageId: string, status: DeliveryStatus): void {
    const index = this.#confirmed.findIndex((m) => m.id === messageId);
    const current = this.#confirmed[index];
    if (current && advances(current.status, status)) {
      this.#confirmed[index] = { ...current, status };
      this.#render();
    }
    this.emit('status', { messageId, status });
  }

  #clearView(): void {
    this.#confirmed = [];
    this.#ids.clear();
  }

  #render(): void {
    this.#view = Object.freeze([...this.#confirmed, ...[...this.#pending.values()].map(toPending)]);
    this.emit('change', this.#view);
  }

  #saveLastSeq(seq: number): void {
    const session = this.#session;
    if (!session || seq <= session.lastSeq) return;
    session.lastSeq = seq;
    // Chained so writes land in order; a failed write only costs a longer replay next time.
    this.#persist = this.#persist.then(() => this.#store.putSession({ ...session })).catch(() => undefined);
  }

  #fail(error: CasekitApiError): void {
    this.emit('error', error);
  }
}

function toPending(item: StoredPending): PendingMessage {
  return {
    clientMessageId: item.clientMessageId,
    text: item.text,
    createdAt: item.createdAt,
    status: item.status,
    ...(item.attachments ? { attachments: item.attachments } : {}),
  };
}

const STATUS_ORDER: Record<DeliveryStatus, number> = { pending: 0, queued: 1, sent: 2, delivered: 3, read: 4, failed: 5 };
/** Statuses only move forward; `failed` may follow anything but `read`. */
function advances(from: DeliveryStatus, to: DeliveryStatus): boolean {
  if (from === 'read' || from === 'failed') return false;
  return STATUS_ORDER[to] > STATUS_ORDER[from];
}
