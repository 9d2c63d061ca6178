import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { createVisitorClient } from '@casekit/sdk';
import type { ConnectionState, PendingMessage, VisitorClient } from '@casekit/sdk';
import { DEFAULT_UPLOAD_MAX_BYTES, QUICK_REPLY_CONTENT_TYPE } from '@casekit/protocol';
import type { Attachment, DeliveryStatus, Message } from '@casekit/protocol';
import { themeStyles } from '../internal/theme.ts';
import { chatStyles } from './chat.styles.ts';
import { ClientController } from '../client-controller.ts';
import { visitorClientContext } from '../context.ts';
import { resolveLang, translate, translatePlural, type MessageKey } from '../i18n.ts';
import '../internal/messages-chat.ts';
import { formatFull, formatTime } from '../internal/format.ts';
import * as icons from '../internal/icons.ts';
import { placeFixed } from '../internal/top-layer.ts';
import { FormFields, type FormField } from './form-fields.ts';
import type { LeaveMessage } from './leave-message.ts';
import { preChatFields, renderPreChat, type PreChatField } from './pre-chat.ts';
import { QueueStatus } from './queue.ts';
import { ChatUploads } from './uploads.ts';
import {
  ChatClosedEvent,
  ChatOpenedEvent,
  MessageReceivedEvent,
  MessageSendRequestEvent,
  MessageSentEvent,
} from '../events.ts';

/** Who the visitor is, as vouched for by the host site (HMAC of `userId` with the channel secret). */
export interface ChatIdentity {
  userId: string;
  userHash: string;
  name?: string;
  email?: string;
}

/** Attribute values the host attaches to the visitor (plan, account number, page…). */
export type ChatAttributes = Record<string, string | number | boolean | null>;

/** One suggested answer a bot offers under its message. */
export interface QuickReply {
  label: string;
  value: string;
}

type ChatItem = Message | PendingMessage;

/** Attachments of this content type are rendered as quick-reply buttons, not files. */
export { QUICK_REPLY_CONTENT_TYPE };

const TYPING_IDLE_MS = 3000;
const TYPING_SHOW_MS = 8000;
const LOADER_STUBS = ['open', 'close', 'identify', 'setAttributes', 'reset'] as const;

function isMessage(item: ChatItem): item is Message {
  return 'id' in item;
}

function itemKey(item: ChatItem): string {
  return isMessage(item) ? (item.clientMessageId ?? item.id) : item.clientMessageId;
}

/** Quick replies of a message: attachments of the quick-reply type, or `metadata.quickReplies`. */
export function quickRepliesOf(message: Message): QuickReply[] {
  const fromAttachments = message.attachments
    .filter((a: Attachment) => a.contentType === QUICK_REPLY_CONTENT_TYPE)
    .map((a: Attachment) => ({ label: a.name, value: a.url || a.name }));
  if (fromAttachments.length) return fromAttachments;
  const meta = (message as Message & { metadata?: { quickReplies?: unknown } }).metadata?.quickReplies;
  if (!Array.isArray(meta)) return [];
  return meta.flatMap((q): QuickReply[] => {
    if (typeof q === 'string' && q) return [{ label: q, value: q }];
    if (q && typeof q === 'object' && typeof (q as QuickReply).label === 'string') {
      const { label, value } = q as QuickReply;
      return [{ label, value: typeof value === 'string' ? value : label }];
    }
    return [];
  });
}

/**
 * The customer web chat: a launcher button that opens a conversation panel. Messages survive
 * page loads and connection drops (the SDK's offline outbox sends them on reconnect).
 *
 * @example
 * <casekit-chat base-url="https://support.example.com" channel-id="ch_web" pre-chat="name email"></casekit-chat>
 *
 * While the visitor's case waits for an agent, the panel says their place in line; when no agent
 * is online and the visitor has not written yet, it offers a leave-a-message form (name, email,
 * message) instead, unless `no-leave-message` is set. The paperclip button attaches files.
 *
 * @slot header - Replaces the panel's title area (logo, business name).
 * @slot empty - Shown in an empty conversation instead of the default welcome line.
 *
 * @event casekit-chat-opened - The panel opened.
 * @event casekit-chat-closed - The panel closed.
 * @event casekit-message-received - A reply from an agent or bot arrived; `event.message`.
 * @event casekit-message-sent - The visitor's message was handed to the SDK; `event.message` (stored or pending).
 * @event casekit-message-send-request - Cancelable, before sending; `event.text` may be rewritten.
 *
 * @csspart launcher - The round button that opens and closes the chat.
 * @csspart badge - The unread counter on the launcher.
 * @csspart panel - The chat window.
 * @csspart header - The panel's title bar.
 * @csspart banner - The reconnecting / offline notice.
 * @csspart queue - The connecting-to-a-person, place-in-line, nobody-available or message-left line (a polite live region).
 * @csspart leave-message - The leave-a-message form.
 * @csspart attachment - A file on a message: an image thumbnail or a link.
 * @csspart attach-button - The paperclip button.
 * @csspart attachment-chip - A picked file waiting to be sent.
 * @csspart messages - The scrolling message list.
 * @csspart message - One message row; also `message-own` and `message-agent`, and `message-bot` for a bot's.
 * @csspart bot-label - "Automated assistant" beside a bot's name.
 * @csspart notice - "Connecting you to a person…" where a bot handed the chat to people.
 * @csspart bubble - A message's text bubble.
 * @csspart status - A message's delivery state.
 * @csspart quick-reply - A suggested reply button under a bot message.
 * @csspart typing - The typing indicator.
 * @csspart prechat - The pre-chat form.
 * @csspart input - The message text box.
 * @csspart send-button - The send button.
 *
 * @cssproperty --casekit-z-index - Stacking order of the launcher and panel (default 2147483000).
 * @cssproperty --casekit-chat-width - Panel width (default 380px).
 * @cssproperty --casekit-chat-height - Panel height (default 620px).
 * @cssproperty --casekit-chat-offset-block - Distance from the bottom of the viewport (default 20px).
 * @cssproperty --casekit-chat-offset-inline - Distance from the inline end (or start) of the viewport (default 20px).
 * @cssproperty --casekit-launcher-size - Launcher diameter (default 56px).
 * @cssproperty --casekit-color-accent - Brand colour of the launcher, header and own messages.
 * @cssproperty --casekit-font-family - Font stack used throughout.
 */
@customElement('casekit-chat')
export class CasekitChat extends LitElement {
  static override styles = [themeStyles, chatStyles];

  /** Origin of the casekit server, and its mount path if any: `https://support.example.com`, `https://www.example.com/support` (default: this page's origin). */
  @property({ attribute: 'base-url' }) accessor baseUrl = '';
  /** The web-chat channel this widget talks to. */
  @property({ attribute: 'channel-id' }) accessor channelId = '';
  /** The host site's user id; with `user-hash` it identifies the visitor without a form. */
  @property({ attribute: 'user-id' }) accessor userId = '';
  /** Hex HMAC-SHA256 of `user-id` with the channel secret, computed by the host's server. */
  @property({ attribute: 'user-hash' }) accessor userHash = '';
  /** Display name of an identified user. */
  @property({ attribute: 'user-name' }) accessor userName = '';
  /** Email of an identified user. */
  @property({ attribute: 'user-email' }) accessor userEmail = '';
  /** Pre-chat form fields, space separated: `name`, `email` (empty: no form). */
  @property({ attribute: 'pre-chat' }) accessor preChat = '';
  /** Title of the panel (default: "Chat with us"). */
  @property() accessor heading = '';
  /** Line under the title (default: "We usually reply in a few minutes"). */
  @property() accessor subheading = '';
  /** `light` or `dark` to pin the colour scheme; unset follows the visitor's system. */
  @property({ reflect: true }) accessor theme: 'light' | 'dark' | undefined;
  /** Which corner: `end` (bottom right in left-to-right pages) or `start`. */
  @property({ reflect: true }) accessor position: 'end' | 'start' = 'end';
  /** Whether the panel is open; set it, or call `open()` / `close()`. */
  @property({ type: Boolean, reflect: true }) accessor opened = false;
  /** Where the SDK keeps the session and the outbox: `indexeddb` (default) or `memory`. */
  @property() accessor storage: 'indexeddb' | 'memory' | '' = '';
  /** No leave-a-message form when no agent is online: the visitor writes in the chat as usual. */
  @property({ type: Boolean, attribute: 'no-leave-message' }) accessor noLeaveMessage = false;
  /** No attach button. */
  @property({ type: Boolean, attribute: 'no-attachments' }) accessor noAttachments = false;
  /** File types a visitor may attach, comma-separated (default: images, PDF, plain text, as the server). */
  @property() accessor accept = '';
  /** Largest file a visitor may attach, in bytes (default 10 MB, as the server). */
  @property({ type: Number, attribute: 'max-file-size' }) accessor maxFileSize = DEFAULT_UPLOAD_MAX_BYTES;
  /** A visitor client made by the host; otherwise one comes from context or is created here. */
  @property({ attribute: false }) accessor client: VisitorClient | undefined;

  @consume({ context: visitorClientContext, subscribe: true })
  @state()
  private accessor contextClient: VisitorClient | undefined;

  @state() private accessor ownClient: VisitorClient | undefined;
  @state() private accessor items: ChatItem[] = [];
  @state() private accessor connection: ConnectionState = 'idle';
  @state() private accessor unread = 0;
  @state() private accessor typingName: string | null = null;
  @state() private accessor needsPreChat = false;
  @state() private accessor starting = false;
  @state() private accessor startError = '';
  @state() private accessor draft = '';
  @state() private accessor locale = 'en';

  @query('.messages') private accessor messagesEl: HTMLElement | null = null;
  @query('textarea') private accessor inputEl: HTMLTextAreaElement | null = null;
  @query('.launcher') private accessor launcherEl: HTMLButtonElement | null = null;

  private identity: ChatIdentity | undefined;
  private visitorAttributes: ChatAttributes = {};
  private started = false;
  private startPromise: Promise<void> | undefined;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private typingShownTimer: ReturnType<typeof setTimeout> | undefined;
  private typingSent = false;
  private stickToBottom = true;
  private langObserver: MutationObserver | undefined;

  private readonly t = (key: MessageKey, vars?: Record<string, string | number>): string => translate(this.locale, key, vars);
  private readonly queue = new QueueStatus(this, () => this.ensureClient()?.status());
  private readonly form = new FormFields(this, this.t);
  /** The leave-a-message form; its module loads once the server says nobody is online. */
  private leave: LeaveMessage | undefined;
  private leaveLoading = false;
  private readonly uploads = new ChatUploads(this, {
    upload: async (file, onProgress) => {
      await this.ensureStarted();
      const client = this.activeClient;
      if (!client || !this.started) throw new Error(this.t('chat.error.start'));
      return client.uploadAttachment(file, file.name, { onProgress });
    },
    t: this.t,
    resolveUrl: (url) => this.activeClient?.resolveUrl(url) ?? url,
    locale: () => this.locale,
  });

  private readonly conn = new ClientController<VisitorClient>(this, {
    client: () => this.activeClient,
    on: {
      message: (m: Message) => this.onMessage(m),
      status: () => this.refresh(),
      pending: () => this.refresh(),
      change: () => this.refresh(),
      typing: (p: { typing: boolean; name?: string }) => this.onTyping(p),
      connection: (state: ConnectionState) => {
        this.connection = state;
        if (state === 'connected') {
          this.refresh();
          if (this.opened) void this.queue.refresh();
        }
      },
    },
    attached: (client) => {
      this.connection = client.connection;
      this.refresh();
    },
  });

  constructor() {
    super();
    // The script-tag loader may have put call-queuing stubs on this element before it upgraded.
    const self = this as unknown as Record<string, unknown>;
    const queued = self['__casekitQueue'] as [string, unknown[]][] | undefined;
    for (const name of LOADER_STUBS) if (Object.hasOwn(this, name)) delete self[name];
    delete self['__casekitQueue'];
    if (queued?.length) {
      void this.updateComplete.then(() => {
        for (const [name, args] of queued) (this[name as (typeof LOADER_STUBS)[number]] as (...a: unknown[]) => unknown)(...args);
      });
    }
  }

  protected override createRenderRoot() {
    // Drop the loader's placeholder launcher first: Lit renders before the root's first child.
    this.shadowRoot?.querySelectorAll('[data-casekit-placeholder]').forEach((n) => n.remove());
    return super.createRenderRoot();
  }

  /** The client in use: the `client` property, then context, then the one this widget made. */
  get activeClient(): VisitorClient | undefined {
    return this.client ?? this.contextClient ?? this.ownClient;
  }

  /** Whether a human agent is online; null until the server said. */
  get agentsAvailable(): boolean | null {
    return this.queue.agentsAvailable;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.locale = resolveLang(this);
    this.langObserver = new MutationObserver(() => (this.locale = resolveLang(this)));
    this.langObserver.observe(this, { attributes: true, attributeFilter: ['lang'] });
    document.addEventListener('visibilitychange', this.onVisibility);
    if (this.hasUpdated) {
      delete this.renderRoot.querySelector<HTMLElement>('.root')?.dataset['placed'];
      this.requestUpdate();
    }
    // A returning or identified visitor reconnects at once so replies raise the unread badge.
    if (this.activeClient || this.hasIdentity() || this.hasPastSession()) void this.ensureStarted();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.langObserver?.disconnect();
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.stopTyping();
    if (this.ownClient) {
      this.ownClient.close();
      this.ownClient = undefined;
      this.started = false;
      this.startPromise = undefined;
    }
  }

  // Untyped keys: the private state is not among `keyof this`.
  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('client') || changed.has('contextClient')) {
      if (this.activeClient && this.activeClient !== this.ownClient) {
        this.started = false;
        this.startPromise = undefined;
        if (this.isConnected) void this.ensureStarted();
      }
    }
    if (changed.has('opened')) {
      const was = changed.get('opened');
      if (this.opened) {
        this.unread = 0;
        const hostClient = this.client ?? this.contextClient;
        if (!hostClient && !this.started && this.missingPreChatFields().length) this.needsPreChat = true;
        else void this.ensureStarted();
        this.queue.poll(true);
        this.dispatchEvent(new ChatOpenedEvent());
      } else if (was) {
        this.stopTyping();
        this.queue.poll(false);
        this.leave?.release();
        this.dispatchEvent(new ChatClosedEvent());
      }
    }
  }

  protected override updated(changed: PropertyValues): void {
    // Placed when first drawn, after a move in the page, and on every open (the page may have
    // transformed an ancestor since).
    const root = this.renderRoot.querySelector<HTMLElement>('.root');
    if (root && (root.dataset['placed'] === undefined || (changed.has('opened') && this.opened))) {
      root.dataset['placed'] = '';
      placeFixed(root, this);
    }
    if (changed.has('items') || changed.has('typingName') || (changed.has('opened') && this.opened)) this.scrollToEnd();
    if (this.queue.nobodyAnswers && !this.noLeaveMessage && !this.items.length) this.loadLeaveMessage();
  }

  // ---- public API ----

  /** Opens the chat panel; starts the session unless the pre-chat form must be filled first. */
  open(): void {
    this.opened = true;
    void this.updateComplete.then(() => this.focusFirstField());
  }

  /** Closes the panel; the conversation carries on and replies raise the unread badge. */
  close(): void {
    this.opened = false;
  }

  /** Identifies the visitor as a signed-in user of the host site. */
  async identify(identity: ChatIdentity): Promise<void> {
    if (!identity?.userId || !identity.userHash) {
      throw new TypeError('casekit-chat identify(): userId and userHash are both required.');
    }
    this.identity = { ...identity };
    this.needsPreChat = false;
    // The client keeps the identity for its session, restarting one that runs.
    await this.activeClient?.identify(identity);
    if (!this.started && (this.opened || this.hasPastSession())) await this.ensureStarted();
  }

  /** Attaches attributes (plan, account number…) to the visitor; sent with the session. */
  async setAttributes(attributes: ChatAttributes): Promise<void> {
    this.visitorAttributes = { ...this.visitorAttributes, ...attributes };
    // Sent at once when the session runs, else with it.
    await this.activeClient?.setAttributes(attributes);
  }

  /** Logs the visitor out: forgets the session, history and outbox on this device. */
  async reset(): Promise<void> {
    const client = this.activeClient;
    this.stopTyping();
    if (client) await client.reset();
    try {
      localStorage.removeItem(this.storageKey());
    } catch {
      // Storage may be blocked (private mode); nothing to forget then.
    }
    if (this.ownClient) {
      this.ownClient.close();
      this.ownClient = undefined;
    }
    this.identity = undefined;
    this.visitorAttributes = {};
    this.started = false;
    this.startPromise = undefined;
    this.items = [];
    this.unread = 0;
    this.typingName = null;
    this.connection = 'idle';
    this.queue.clear();
    if (this.leave) this.leave.sentTo = '';
    this.uploads.drafts?.clear();
    this.needsPreChat = this.opened && this.missingPreChatFields().length > 0;
  }

  // ---- session ----

  private storageKey(): string {
    return `casekit-chat:${this.channelId}`;
  }

  private hasPastSession(): boolean {
    try {
      return localStorage.getItem(this.storageKey()) === '1';
    } catch {
      return false;
    }
  }

  private hasIdentity(): boolean {
    return Boolean(this.identity || (this.userId && this.userHash));
  }

  private currentIdentity(): ChatIdentity | undefined {
    if (this.identity) return this.identity;
    if (this.userId && this.userHash) {
      return {
        userId: this.userId,
        userHash: this.userHash,
        ...(this.userName ? { name: this.userName } : {}),
        ...(this.userEmail ? { email: this.userEmail } : {}),
      };
    }
    return undefined;
  }

  private missingPreChatFields(): PreChatField[] {
    if (this.hasIdentity() || this.hasPastSession()) return [];
    return preChatFields(this.preChat);
  }

  private ensureStarted(extra: { name?: string; email?: string } = {}): Promise<void> {
    if (this.started) return Promise.resolve();
    this.startPromise ??= this.startSession(extra).finally(() => (this.startPromise = undefined));
    return this.startPromise;
  }

  /** The client in use; creates this widget's own (not started yet) when there is none. */
  private ensureClient(): VisitorClient | undefined {
    if (this.activeClient) return this.activeClient;
    if (!this.channelId) return undefined;
    const identity = this.currentIdentity();
    this.ownClient = createVisitorClient({
      baseUrl: this.baseUrl || location.origin,
      channelId: this.channelId,
      ...(identity ? { identity } : {}),
      ...(Object.keys(this.visitorAttributes).length ? { attributes: this.visitorAttributes } : {}),
      ...(this.storage ? { storage: this.storage } : {}),
    });
    this.conn.sync();
    return this.ownClient;
  }

  private async startSession(extra: { name?: string; email?: string }): Promise<void> {
    const client = this.ensureClient();
    if (!client) {
      this.startError = translate(this.locale, 'chat.error.start');
      console.error('casekit-chat: the channel-id attribute is required.');
      return;
    }
    this.starting = true;
    this.startError = '';
    try {
      // Name and email go with the new session (or onto a resumed one).
      if (extra.name || extra.email) await client.updateProfile(extra);
      else await client.start();
      this.started = true;
      this.needsPreChat = false;
      try {
        localStorage.setItem(this.storageKey(), '1');
      } catch {
        // Without storage the visitor simply starts fresh on the next page.
      }
      this.refresh();
      if (this.opened) void this.queue.refresh();
    } catch (err) {
      this.startError = translate(this.locale, 'chat.error.start');
      console.error('casekit-chat: could not start the session', err);
    } finally {
      this.starting = false;
    }
  }

  // ---- client events ----

  private refresh(): void {
    const client = this.activeClient;
    this.items = client ? [...client.messages] : [];
  }

  private onMessage(m: Message): void {
    this.refresh();
    // A reply usually means an agent took the case: the place in line changed.
    if (this.opened) void this.queue.refresh();
    if (m.authorKind === 'customer' || m.internal) return;
    this.typingName = null;
    if (!this.opened || document.visibilityState === 'hidden') this.unread += 1;
    this.dispatchEvent(new MessageReceivedEvent(m));
  }

  private onTyping(p: { typing: boolean; name?: string }): void {
    clearTimeout(this.typingShownTimer);
    this.typingName = p.typing ? (p.name ?? '') : null;
    // A lost "stopped typing" must not leave the dots up for ever.
    if (p.typing) this.typingShownTimer = setTimeout(() => (this.typingName = null), TYPING_SHOW_MS);
  }

  private onVisibility = (): void => {
    if (document.visibilityState === 'visible' && this.opened) this.unread = 0;
  };

  // ---- visitor input ----

  private onInput(e: InputEvent): void {
    const el = e.target as HTMLTextAreaElement;
    this.draft = el.value;
    el.style.blockSize = 'auto';
    el.style.blockSize = `${Math.min(el.scrollHeight + 2, 120)}px`;
    const client = this.activeClient;
    if (!client || !this.started) return;
    if (!this.typingSent && this.draft.trim()) {
      this.typingSent = true;
      client.sendTyping(true);
    }
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  private stopTyping(): void {
    clearTimeout(this.typingTimer);
    if (this.typingSent) {
      this.typingSent = false;
      this.activeClient?.sendTyping(false);
    }
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void this.sendDraft();
    }
  }

  private onPanelKeyDown(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.stopPropagation();
      this.close();
      this.launcherEl?.focus();
    }
  }

  private async sendDraft(): Promise<void> {
    const drafts = this.uploads.drafts;
    if (drafts?.busy) return;
    const files = drafts?.ready ?? [];
    // A file alone goes with its name as the text.
    const text = this.draft.trim() || files.map((f) => f.name).join(', ');
    if (!text) return;
    const sent = await this.sendText(text, files);
    if (sent) {
      this.draft = '';
      drafts?.clear();
      if (this.inputEl) {
        this.inputEl.value = '';
        this.inputEl.style.blockSize = '';
      }
    }
  }

  /** Sends `text` (and files) as the visitor; resolves false if a listener vetoed it. */
  private async sendText(text: string, attachments: Attachment[] = []): Promise<boolean> {
    const request = new MessageSendRequestEvent(text);
    if (!this.dispatchEvent(request)) return false;
    const body = request.text.trim();
    if (!body) return false;
    await this.ensureStarted();
    const client = this.activeClient;
    if (!client || !this.started) return false;
    this.stopTyping();
    this.stickToBottom = true;
    const message = await client.send(body, attachments.length ? { attachments } : {});
    this.refresh();
    this.dispatchEvent(new MessageSentEvent(message));
    return true;
  }

  private async onPreChatSubmit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const values = await this.form.check(e.target as HTMLFormElement, preChatFields(this.preChat));
    if (!values) return;
    await this.ensureStarted(values);
    if (this.started) {
      await this.updateComplete;
      this.inputEl?.focus();
    }
  }

  /** Nobody is online: bring in the leave-a-message form, which few visitors ever see. */
  private loadLeaveMessage(): void {
    if (this.leaveLoading) return;
    this.leaveLoading = true;
    void import('./leave-message.ts').then(({ LeaveMessage }) => {
      this.leave = new LeaveMessage(this, {
        form: this.form,
        t: this.t,
        prefill: () => this.currentIdentity(),
        error: () => this.startError,
        send: (values) => this.leaveMessage(values),
        sent: () => this.inputEl?.focus(),
      });
      this.requestUpdate();
    });
  }

  /** Leave a message: the name and email go on the visitor's profile, the message into the chat. */
  private async leaveMessage({ name, email, message }: Record<FormField, string>): Promise<boolean> {
    try {
      if (this.started) await this.activeClient!.updateProfile({ name, email });
      else await this.ensureStarted({ name, email });
      return this.started && (await this.sendText(message));
    } catch (err) {
      this.startError = this.t('chat.error.start');
      console.error('casekit-chat: could not leave the message', err);
      return false;
    }
  }

  private onScroll(): void {
    const el = this.messagesEl;
    if (el) this.stickToBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  }

  private scrollToEnd(): void {
    const el = this.messagesEl;
    if (el && this.stickToBottom) el.scrollTop = el.scrollHeight;
  }

  private focusFirstField(): void {
    const first = this.renderRoot.querySelector<HTMLElement>('.prechat input, textarea');
    first?.focus();
  }

  private toggle(): void {
    if (this.opened) this.close();
    else this.open();
  }

  // ---- rendering ----


  private renderStatus(status: DeliveryStatus) {
    const icon =
      status === 'pending' || status === 'queued'
        ? icons.clock
        : status === 'sent'
          ? icons.check
          : status === 'failed'
            ? icons.alert
            : icons.checks;
    return html`<span part="status" class="status ${status}" title=${this.t(`status.${status}`)}
      >${icon}<span class=${status === 'failed' ? '' : 'visually-hidden'}>${this.t(`status.${status}`)}</span></span
    >`;
  }

  /** Whether a bot handed the chat to people and no person has written since. */
  private get handingOff(): boolean {
    for (let i = this.items.length - 1; i >= 0; i--) {
      const item = this.items[i]!;
      if (!isMessage(item)) continue;
      if (item.handoff) return true;
      if (item.authorKind === 'agent') return false;
    }
    return false;
  }

  private renderItem(item: ChatItem, isLast: boolean) {
    if (isMessage(item) && item.handoff) {
      return html`<p part="notice" class="notice" data-key=${itemKey(item)}>${this.t('chat.handoff')}</p>`;
    }
    const own = !isMessage(item) || item.authorKind === 'customer';
    const bot = isMessage(item) && item.authorKind === 'bot';
    const status = item.status;
    const author = own ? this.t('chat.you') : (item as Message).authorName;
    const quick = isLast && isMessage(item) && !own ? quickRepliesOf(item) : [];
    return html`<div
        part="message ${own ? 'message-own' : 'message-agent'}${bot ? ' message-bot' : ''}"
        class="message ${own ? 'own' : 'agent'} ${status === 'failed' ? 'failed' : ''}"
        data-key=${itemKey(item)}
      >
        ${own ? nothing : html`<span class="author">${author}${bot ? html` <span part="bot-label" class="bot-label">· ${this.t('chat.bot')}</span>` : nothing}</span>`}
        <div part="bubble" class="bubble"><span class="visually-hidden">${author}: </span>${item.text}${this.uploads.renderFiles(item.attachments)}</div>
        <div class="meta">
          <time datetime=${item.createdAt} title=${formatFull(item.createdAt, this.locale)}
            >${formatTime(item.createdAt, this.locale)}</time
          >
          ${own ? this.renderStatus(status) : nothing}
        </div>
      </div>
      ${quick.length
        ? html`<div class="quick-replies" role="group" aria-label=${this.t('chat.quickReplies')}>
            ${quick.map(
              (q) =>
                html`<button part="quick-reply" class="quick-reply" type="button" @click=${() => this.sendText(q.value)}>
                  ${q.label}
                </button>`,
            )}
          </div>`
        : nothing}`;
  }

  private renderConversation() {
    const banner =
      this.connection === 'reconnecting'
        ? this.t('chat.reconnecting')
        : this.connection === 'offline'
          ? this.t('chat.offline')
          : '';
    const last = this.items.length - 1;
    const sentTo = this.leave?.sentTo;
    const queue = sentTo
      ? this.t('chat.leave.sent', { email: sentTo })
      : [this.handingOff ? this.t('chat.handoff') : '', this.queue.line(this.locale)].filter(Boolean).join(' ');
    const files = this.uploads.drafts;
    const canSend = (this.draft.trim() || files?.ready.length) && !files?.busy;
    return html`${banner
        ? html`<div part="banner" class="banner" role="status">${icons.wifiOff}<span>${banner}</span></div>`
        : nothing}
      <div part="queue" class="queue" role="status">${queue}</div>
      <div
        part="messages"
        class="messages"
        role="log"
        aria-live="polite"
        aria-label=${this.t('chat.messages')}
        tabindex="0"
        @scroll=${this.onScroll}
      >
        ${this.items.length === 0
          ? html`<slot name="empty" class="empty"><p>${this.t('chat.empty')}</p></slot>`
          : this.items.map((item, i) => this.renderItem(item, i === last))}
        ${this.startError
          ? html`<div class="error" role="alert">
              ${this.startError}
              <button class="btn" type="button" @click=${() => this.ensureStarted()}>${this.t('chat.retry')}</button>
            </div>`
          : nothing}
        ${this.typingName !== null
          ? html`<div part="typing" class="typing">
              <span class="dots" aria-hidden="true"><span></span><span></span><span></span></span>
              <span>${this.typingName ? this.t('chat.typing', { name: this.typingName }) : this.t('chat.typing.anonymous')}</span>
            </div>`
          : nothing}
      </div>
      ${this.uploads.renderDrafts()}
      <div class="composer">
        ${this.noAttachments ? nothing : this.uploads.renderButton()}
        <label class="visually-hidden" for="chat-input">${this.t('chat.input.label')}</label>
        <textarea
          part="input"
          id="chat-input"
          class="field"
          rows="1"
          maxlength="10000"
          placeholder=${this.t('chat.input.placeholder')}
          .value=${this.draft}
          @input=${this.onInput}
          @keydown=${this.onKeyDown}
        ></textarea>
        <button
          part="send-button"
          class="send"
          type="button"
          aria-label=${this.t('chat.send')}
          ?disabled=${!canSend}
          @click=${this.sendDraft}
        >
          ${icons.send}
        </button>
      </div>`;
  }

  protected override render() {
    const heading = this.heading || this.t('chat.title');
    const sub = this.subheading || this.t('chat.subtitle');
    return html`<div class="root" lang=${this.locale}>
      <section
        part="panel"
        class="panel"
        id="panel"
        role="dialog"
        aria-labelledby="chat-title"
        ?hidden=${!this.opened}
        @keydown=${this.onPanelKeyDown}
      >
        ${this.opened
          ? html`<header part="header" class="header">
                <slot name="header">
                  <span class="avatar" aria-hidden="true">${icons.chat}</span>
                  <span class="titles">
                    <h2 id="chat-title">${heading}</h2>
                    <p>${sub}</p>
                  </span>
                </slot>
                <button class="icon-button" type="button" aria-label=${this.t('chat.close')} @click=${() => {
                  this.close();
                  this.launcherEl?.focus();
                }}>
                  ${icons.close}
                </button>
              </header>
              ${this.leave?.shows(!this.noLeaveMessage && !this.items.length, this.queue.nobodyAnswers && !this.draft.trim())
                ? this.leave.render()
                : this.needsPreChat
                  ? renderPreChat({
                      fields: preChatFields(this.preChat),
                      form: this.form,
                      error: this.startError,
                      starting: this.starting,
                      t: this.t,
                      onSubmit: this.onPreChatSubmit,
                    })
                  : this.renderConversation()}`
          : nothing}
      </section>
      <button
        part="launcher"
        class="launcher"
        type="button"
        aria-controls="panel"
        aria-expanded=${this.opened ? 'true' : 'false'}
        aria-label=${this.opened ? this.t('chat.launcher.close') : this.t('chat.launcher.open')}
        @click=${this.toggle}
      >
        ${this.opened ? icons.close : icons.chat}
        ${this.unread > 0 && !this.opened
          ? html`<span part="badge" class="badge" aria-hidden="true">${this.unread > 99 ? '99+' : this.unread}</span>`
          : nothing}
      </button>
      <span class="sr-live" role="status">${this.unread > 0 && !this.opened ? translatePlural(this.locale, 'chat.unread', this.unread) : ''}</span>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'casekit-chat': CasekitChat;
  }
}
