import { EventEmitter } from 'eventemitter3';
import { VISITOR_NAMESPACE } from '@casekit/protocol';
import type { Attachment, DeliveryStatus, Message, Page, VisitorSessionResponse, VisitorStatusResponse } from '@casekit/protocol';
import { CasekitApiError, toApiError } from './errors.ts';
import { createRequest, mountedBaseUrl, resolveUrl } from './internal/http.ts';
import type { HttpOptions } from './internal/http.ts';
import type { RequestFn, RouteBody, RouteQuery } from './requests.ts';
import type { UploadOptions } from './upload-options.ts';
import { ReplayingSocket } from './internal/realtime.ts';
import type { ConnectionState } from './connection-state.ts';
import type { TypedEmitter } from './typed-emitter.ts';
import { VisitorConversation } from './internal/visitor-conversation.ts';
import { toPending, VisitorOutbox } from './internal/visitor-outbox.ts';
import { VisitorSession } from './internal/visitor-session.ts';
import { createIndexedDbStore, createMemoryStore, hasIndexedDb } from './internal/visitor-store.ts';
import type { VisitorStore } from './internal/visitor-store.ts';

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
  /**
   * Where casekit is mounted on that origin, e.g. `/support`: the server's `path` option. REST
   * calls go to `<path>/api/v1` and realtime to `<path>/socket.io`. Default: the root (a path at
   * the end of `baseUrl` counts too).
   */
  path?: string;
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
  /** Something failed in the background (sending, replay, realtime); a realtime connection that fails is a `CasekitRealtimeError` with a `reason`. */
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

/**
 * Ties the visitor's session, outbox and local view of the conversation to the server: REST
 * for starting, history and sending; the socket for what happens while the page is open.
 */
class VisitorClientImpl extends EventEmitter<VisitorClientEvents> implements VisitorClient {
  #options: VisitorClientOptions;
  #store: VisitorStore;
  #request: RequestFn;
  #socket: ReplayingSocket;
  #realtime: boolean;
  #http: HttpOptions;
  #session: VisitorSession;
  #outbox: VisitorOutbox;
  #conversation = new VisitorConversation();
  #view: ReadonlyArray<ChatItem> = [];

  #response: VisitorSessionResponse | null = null;
  #starting: Promise<VisitorSessionResponse> | null = null;
  #flushing: Promise<void> | null = null;
  #flushAgain = false;
  #closed = false;
  #onOnline = () => void this.flush();
  /** A session renewal after a refused handshake is under way (at most one per good connection). */
  #renewed = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #retryDelay = 0;

  constructor(given: VisitorClientOptions) {
    super();
    const options = { ...given, baseUrl: mountedBaseUrl(given.baseUrl, given.path) };
    this.#options = options;
    this.#realtime = options.realtime ?? true;
    const scope = `${options.baseUrl}|${options.channelId}`;
    const storage = options.storage ?? (hasIndexedDb() ? 'indexeddb' : 'memory');
    if (storage === 'indexeddb' && !hasIndexedDb()) {
      throw new CasekitApiError('bad_request', "storage: 'indexeddb' needs IndexedDB, which this runtime lacks; use 'memory'.", {
        status: 0,
      });
    }
    this.#store = storage === 'indexeddb' ? createIndexedDbStore(scope) : createMemoryStore(scope);
    const http = {
      baseUrl: options.baseUrl,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      getToken: () => this.#session.token,
    };
    this.#request = createRequest(http);
    this.#http = http;
    this.#session = new VisitorSession(options, this.#store, this.#request);
    this.#outbox = new VisitorOutbox(this.#store, () => this.#render());
    this.#socket = new ReplayingSocket({
      baseUrl: options.baseUrl,
      namespace: VISITOR_NAMESPACE,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      getToken: () => this.#session.token,
      lastSeq: 0,
      onEvent: (event) => {
        if (event.type === 'message.created') this.#receive(event.data.message);
        else if (event.type === 'message.status') this.#updateStatus(event.data.messageId, event.data.status);
        this.#session.saveLastSeq(event.seq);
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

  // ---- the session ----

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
    const stored = await this.#session.resumable(() => {
      this.#outbox.clear();
      this.#conversation.clear();
      this.#render();
    });
    await this.#outbox.load();
    const { response, sameCustomer } = await this.#session.open(stored);
    if (!sameCustomer) this.#conversation.clear();
    if (!this.#socket.active) this.#socket.setLastSeq(this.#session.current!.lastSeq);

    // Only a session with its history counts as started; a failure here is retried by the next start().
    await this.#loadHistory();
    this.#response = response;
    if (this.#realtime) this.#socket.connect();
    else void this.flush();
    return response;
  }

  async identify(identity: VisitorIdentity): Promise<void> {
    this.#session.identity = identity;
    const wasStarted = this.#response !== null || this.#starting !== null;
    await this.#starting?.catch(() => undefined);
    if (!wasStarted) return;
    // start() resumes an anonymous session's token, so the server links it to the signed-in
    // user, and drops another user's session.
    this.#response = null;
    this.#session.current = null;
    this.#socket.disconnect();
    await this.#session.settled();
    await this.start();
  }

  async updateProfile(profile: RouteBody<'updateVisitorProfile'>): Promise<void> {
    const { attributes, ...contact } = profile;
    const session = this.#session;
    session.profile = { ...session.profile, ...contact };
    if (attributes) session.attributes = { ...session.attributes, ...attributes };
    const fresh = !this.#response;
    if (fresh) await this.start();
    // A new profile took them with the session; a resumed one needs them sent.
    if (!fresh || session.resumed) await this.#request('updateVisitorProfile', { body: profile });
  }

  async setAttributes(attributes: NonNullable<RouteBody<'startVisitorSession'>['attributes']>): Promise<void> {
    this.#session.attributes = { ...this.#session.attributes, ...attributes };
    if (this.#response) await this.#request('updateVisitorProfile', { body: { attributes } });
  }

  /** The server refused the session token (expired): start a new session with it as resume token. */
  #renewSession(): void {
    if (this.#renewed || this.#closed || !this.#session.current) return;
    this.#renewed = true;
    this.#response = null;
    this.start().catch((e: unknown) => this.#fail(toApiError(e, 'Renewing the chat session failed')));
  }

  async reset(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    this.#socket.disconnect();
    this.#session.forget();
    this.#response = null;
    this.#outbox.clear(true);
    this.#conversation.clear();
    this.#socket.setLastSeq(0);
    await this.#session.settled();
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

  // ---- the conversation ----

  async #loadHistory(): Promise<void> {
    let cursor: string | undefined;
    for (let i = 0; i < HISTORY_PAGES; i++) {
      const page = await this.history({ limit: 200, ...(cursor ? { cursor } : {}) });
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
  }

  async history(query: RouteQuery<'visitorHistory'> = {}): Promise<Page<Message>> {
    if (!this.#session.current) await this.start();
    const page = await this.#request('visitorHistory', { query });
    let changed = false;
    for (const message of page.items) changed = this.#merge(message) || changed;
    if (changed) this.#render();
    return page;
  }

  #receive(message: Message): void {
    if (this.#merge(message)) this.emit('message', message);
    this.#render();
  }

  /** Adds or updates a confirmed message (and drops it from the outbox); true when it was new. */
  #merge(message: Message): boolean {
    if (message.internal) return false;
    if (message.clientMessageId) void this.#outbox.remove(message.clientMessageId);
    return this.#conversation.merge(message);
  }

  #updateStatus(messageId: string, status: DeliveryStatus): void {
    if (this.#conversation.advance(messageId, status)) this.#render();
    this.emit('status', { messageId, status });
  }

  #render(): void {
    this.#view = this.#conversation.withPending(this.#outbox.pending());
    this.emit('change', this.#view);
  }

  sendTyping(typing: boolean): void {
    this.#socket.emit('typing', { typing });
  }

  status(): Promise<VisitorStatusResponse> {
    return this.#request('visitorStatus', { query: { channelId: this.#options.channelId } });
  }

  async uploadAttachment(file: Blob, name?: string, options?: UploadOptions): Promise<Attachment> {
    if (!this.#response) await this.start();
    const { upload } = await import('./internal/upload.ts');
    return upload('visitorUpload', this.#http, file, name, options);
  }

  resolveUrl(url: string): string {
    return resolveUrl(this.#options.baseUrl, url);
  }

  // ---- the outbox ----

  async pending(): Promise<PendingMessage[]> {
    await this.#outbox.load();
    return this.#outbox.pending();
  }

  async send(text: string, options: { attachments?: Attachment[] } = {}): Promise<Message | PendingMessage> {
    if (typeof text !== 'string' || text.trim() === '') {
      throw new CasekitApiError('validation_failed', 'send(text): text must not be empty.', {
        status: 0,
        details: { issues: [{ path: 'body.text', message: 'must not be empty' }] },
      });
    }
    const item = await this.#outbox.add(text, options.attachments);
    this.emit('pending', toPending(item));
    this.#render();
    await this.flush();
    return this.#outcome(item.clientMessageId);
  }

  async retry(clientMessageId: string): Promise<Message | PendingMessage> {
    await this.#outbox.load();
    const item = this.#outbox.get(clientMessageId);
    if (!item) return this.#outcome(clientMessageId);
    if (item.status === 'failed') {
      await this.#outbox.mark(item, 'pending');
      this.emit('pending', toPending(item));
      this.#render();
    }
    await this.flush();
    return this.#outcome(clientMessageId);
  }

  async discard(clientMessageId: string): Promise<void> {
    await this.#outbox.load();
    if (await this.#outbox.remove(clientMessageId)) this.#render();
  }

  #outcome(clientMessageId: string): Message | PendingMessage {
    const sent = this.#conversation.sent(clientMessageId);
    if (sent) return sent;
    const item = this.#outbox.get(clientMessageId);
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
    await this.#outbox.load();
    if (this.#outbox.size === 0) return;
    if (!this.#session.current) {
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
    for (const item of this.#outbox.items()) {
      if (this.#closed) return;
      if (item.status !== 'pending' || !this.#outbox.get(item.clientMessageId)) continue;
      try {
        const message = await this.#request('visitorSend', {
          body: {
            text: item.text,
            clientMessageId: item.clientMessageId,
            ...(item.attachments ? { attachments: item.attachments } : {}),
          },
        });
        // A 2xx is the stored message, whether this was its first send or a repeat the server recognised.
        await this.#outbox.remove(item.clientMessageId);
        this.#renewed = false;
        if (this.#merge(message)) this.emit('message', message);
        this.#render();
      } catch (err) {
        const error = toApiError(err, 'Sending the message failed');
        if (error.status === 409) {
          // The server already has it: stop sending and let history bring the stored copy.
          await this.#outbox.remove(item.clientMessageId);
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
        await this.#outbox.mark(item, 'failed');
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

  #fail(error: CasekitApiError): void {
    this.emit('error', error);
  }
}
