import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import type { AgentClient } from '@casekit/sdk';
import { countSmsSegments, defaultReplyConversation, DEFAULT_UPLOAD_MAX_BYTES } from '@casekit/protocol';
import type { CaseEvent, ChannelDetails, ChannelKind, Conversation, Message } from '@casekit/protocol';
import { themeStyles } from '../internal/theme.ts';
import { composerStyles } from './composer.styles.ts';
import { ClientController } from '../client-controller.ts';
import { agentClientContext } from '../context.ts';
import { errorMessage, resolveLang, translate, translatePlural, type MessageKey } from '../i18n.ts';
import '../internal/messages-chat.ts';
import '../internal/messages-agent.ts';
import '../internal/messages-errors.ts';
import { channelIcon } from '../internal/channel-icons.ts';
import * as icons from '../internal/icons.ts';
import { channelLimit } from '../internal/labels.ts';
import { formatCount, formatTime } from '../internal/format.ts';
import { formatBytes } from '../internal/attachments.ts';
import { channelDirectory, withChannel } from '../internal/channels.ts';
import { MessageSendRequestEvent, MessageSentEvent } from '../events.ts';
import { AttachmentDrafts, uploadLimits } from '../internal/attachment-drafts.ts';

/** A saved answer agents insert with one pick. */
export interface CannedResponse {
  title: string;
  text: string;
}

const TYPING_IDLE_MS = 3000;
const HOUR_MS = 3_600_000;

/** What the reply can carry: the picked channel's capabilities, or what is known without them. */
interface ReplyLimits {
  maxTextLength: number;
  /** Files per message and their total size; null: none; undefined: not known here (the server checks). */
  attachments: { maxCount: number; maxTotalBytes: number } | null | undefined;
  replyWindowHours: number | null;
  segmented: boolean;
}

/** The error code of an SDK error (a `CasekitApiError`), if it has one. */
function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

function newClientMessageId(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Where agents write: a reply that goes back on the customer's channel, or an internal note.
 * It loads the case's conversations and the workspace's channels and shows the one the reply
 * really goes on: by default the conversation the customer wrote on last, the rule the server
 * applies; with more than one, a "Reply via" picker chooses another, and the reply names it.
 * The picked channel's capabilities set the limits: its length (a counter, with the SMS count on
 * SMS), its files (the attach button is off where the channel takes none), and its reply window
 * (WhatsApp's 24 hours): the time left shows, and once it has closed sending is off and a notice
 * says why. Ctrl+Enter (⌘+Enter) sends. Replies and internal notes can carry files (the paperclip
 * button), checked against `accept` and `max-file-size` before they upload; a note's files stay
 * internal like the note.
 *
 * @event casekit-message-send-request - Cancelable, before sending; `event.text` may be rewritten.
 * @event casekit-message-sent - Sent; `event.message`, `event.internal`, `event.caseId`.
 *
 * @csspart modes - The reply / note switch.
 * @csspart reply-via - The "Reply via" picker of the conversation to reply on (with two or more).
 * @csspart window - The reply window: the time left, or the notice once it has closed.
 * @csspart input - The text area.
 * @csspart canned - The canned responses picker.
 * @csspart counter - The length counter (and the SMS count on SMS).
 * @csspart send-button - The send button.
 * @csspart attach-button - The attach button.
 * @csspart attachment-chip - A picked file waiting to be sent, with its remove button.
 */
@customElement('casekit-composer')
export class CasekitComposer extends LitElement {
  static override styles = [themeStyles, composerStyles];

  /** The agent client; defaults to the one provided by an ancestor. */
  @property({ attribute: false }) accessor client: AgentClient | undefined;
  /** The case to write to. */
  @property({ attribute: 'case-id' }) accessor caseId = '';
  /**
   * Fallback for when the case's conversations cannot be loaded: the channel kind (`sms`,
   * `whatsapp`…) to show and to take the length limit from. Otherwise the composer shows the
   * channel of the conversation the reply goes on, and this is not used.
   */
  @property() accessor channel: ChannelKind | '' = '';
  /**
   * Reply on the conversation with this id (default: the one the customer wrote on last, as the
   * server does). The agent's pick in "Reply via" takes over from it.
   */
  @property({ attribute: 'conversation-id' }) accessor conversationId = '';
  /** `reply` (to the customer) or `note` (internal). */
  @property({ reflect: true }) accessor mode: 'reply' | 'note' = 'reply';
  /** Canned responses offered in the picker. */
  @property({ attribute: false }) accessor canned: CannedResponse[] = [];
  /** Disables writing (e.g. a closed case). */
  @property({ type: Boolean, reflect: true }) accessor disabled = false;
  /** `light` or `dark` to pin the colour scheme. */
  @property({ reflect: true }) accessor theme: 'light' | 'dark' | undefined;
  /** No attach button. */
  @property({ type: Boolean, attribute: 'no-attachments' }) accessor noAttachments = false;
  /** File types agents may attach, comma-separated (default: images, PDF, plain text, as the server). */
  @property() accessor accept = '';
  /** Largest file agents may attach, in bytes (default 10 MB, as the server). */
  @property({ type: Number, attribute: 'max-file-size' }) accessor maxFileSize = DEFAULT_UPLOAD_MAX_BYTES;

  @consume({ context: agentClientContext, subscribe: true })
  @state()
  private accessor contextClient: AgentClient | undefined;

  @state() private accessor text = '';
  @state() private accessor sending = false;
  @state() private accessor error = '';
  @state() private accessor locale = 'en';
  /** The case's conversations; empty until loaded, or when they could not be. */
  @state() private accessor conversations: Conversation[] = [];
  @state() private accessor channels = new Map<string, ChannelDetails>();
  /** The conversation the agent picked in "Reply via" ('' : none picked). */
  @state() private accessor picked = '';
  /** Conversations the server refused a reply on for a closed window. */
  @state() private accessor windowClosedBy = new Set<string>();

  @query('textarea') private accessor textarea: HTMLTextAreaElement | null = null;

  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private windowTimer: ReturnType<typeof setTimeout> | undefined;
  private typingCase = '';
  private loadedFor: { client: AgentClient; caseId: string } | undefined;
  private loadToken = 0;
  private readonly conn = new ClientController<AgentClient>(this, {
    client: () => this.client ?? this.contextClient,
    on: {
      message: (m: Message) => this.onMessage(m),
      event: (e: CaseEvent) => this.onEvent(e),
    },
    attached: () => void this.loadConversations(),
  });
  private readonly files = new AttachmentDrafts(this, {
    upload: (file, onProgress) => {
      const client = this.conn.client;
      if (!client) return Promise.reject(new Error('no client'));
      return client.uploadAttachment(file, file.name, { onProgress });
    },
    limits: () => uploadLimits(this.accept, this.maxFileSize),
    t: (key, vars) => this.t(key, vars),
    locale: () => this.locale,
    focusAfterRemove: () => this.renderRoot.querySelector<HTMLElement>('.attach')?.focus(),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.locale = resolveLang(this);
    // Moved back into the page: the reply window's countdown starts again with a render.
    if (this.hasUpdated) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopTyping();
    clearTimeout(this.windowTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('caseId') && changed.get('caseId') !== undefined) {
      this.stopTyping();
      this.text = '';
      this.error = '';
      this.picked = '';
      this.files.clear();
      void this.loadConversations();
    }
  }

  protected override updated(): void {
    // While a reply window is open, redraw as its time runs down and when it closes.
    clearTimeout(this.windowTimer);
    const left = this.windowLeft();
    if (left !== null && left > 0) this.windowTimer = setTimeout(() => this.requestUpdate(), Math.min(60_000, left + 50));
  }

  /** The conversation the reply goes on: the agent's pick, else `conversation-id`, else the server's default. */
  get replyConversation(): Conversation | null {
    const list = this.conversations;
    return list.find((c) => c.id === this.picked) ?? list.find((c) => c.id === this.conversationId) ?? defaultReplyConversation(list);
  }

  /** The channel the reply goes on, when it is known. */
  get replyChannel(): ChannelDetails | undefined {
    const conversation = this.replyConversation;
    return conversation ? this.channels.get(conversation.channelId) : undefined;
  }

  /** The most characters the current mode and channel allow. */
  get limit(): number {
    return this.limits().maxTextLength;
  }

  private limits(): ReplyLimits {
    if (this.mode === 'note') return { maxTextLength: 10000, attachments: undefined, replyWindowHours: null, segmented: false };
    const capabilities = this.replyChannel?.capabilities;
    if (capabilities) {
      return {
        maxTextLength: capabilities.maxTextLength,
        attachments: capabilities.attachments,
        replyWindowHours: capabilities.replyWindowHours,
        segmented: capabilities.segmented === true,
      };
    }
    const medium = this.medium();
    return { maxTextLength: channelLimit(medium || undefined), attachments: undefined, replyWindowHours: null, segmented: medium === 'sms' };
  }

  /** What the reply travels on (`sms`, `whatsapp`…): the conversation's, else the `channel` fallback. */
  private medium(): string {
    return this.replyConversation?.channelKind ?? this.channel;
  }

  /** The channel's name as agents know it ("WhatsApp Business"), else its medium's. */
  private channelName(): string {
    const medium = this.medium();
    return this.replyChannel?.name ?? (medium ? this.t(`channel.${medium}` as MessageKey) : '');
  }

  /** Milliseconds until the reply window closes (≤ 0: closed); null when the channel has none. */
  private windowLeft(): number | null {
    const hours = this.limits().replyWindowHours;
    const since = this.replyConversation?.lastInboundAt;
    if (this.mode === 'note' || hours === null || !since) return null;
    return Date.parse(since) + hours * HOUR_MS - Date.now();
  }

  /** True when free-form replies are no longer possible on the picked conversation. */
  private windowClosed(): boolean {
    if (this.mode === 'note') return false;
    const left = this.windowLeft();
    return (left !== null && left <= 0) || this.windowClosedBy.has(this.replyConversation?.id ?? this.conversationId);
  }

  /** Loads the case's conversations and the channels; keeps the `channel` fallback when they cannot be. */
  private async loadConversations(): Promise<void> {
    const client = this.conn.client;
    const caseId = this.caseId;
    if (!client || !caseId) return;
    if (this.loadedFor?.client === client && this.loadedFor.caseId === caseId) return;
    this.loadedFor = { client, caseId };
    const token = ++this.loadToken;
    this.conversations = [];
    this.windowClosedBy = new Set();
    const [detail, channels] = await Promise.allSettled([client.getCase(caseId), channelDirectory(client)]);
    if (token !== this.loadToken) return;
    if (channels.status === 'fulfilled') this.channels = new Map(channels.value);
    if (detail.status === 'fulfilled') this.conversations = detail.value.conversations;
    // A failed load is tried again on the next case or client.
    else this.loadedFor = undefined;
  }

  private onMessage(m: Message): void {
    if (m.caseId !== this.caseId || m.internal) return;
    const known = this.conversations.some((c) => c.id === m.conversationId);
    if (!known) {
      // A conversation this composer has not seen (the customer wrote on another channel).
      this.loadedFor = undefined;
      void this.loadConversations();
      return;
    }
    const inbound = m.direction === 'inbound';
    this.conversations = this.conversations.map((c) =>
      c.id === m.conversationId
        ? { ...c, lastMessageAt: m.createdAt > c.lastMessageAt ? m.createdAt : c.lastMessageAt, ...(inbound && { lastInboundAt: m.createdAt }) }
        : c,
    );
    if (inbound && this.windowClosedBy.has(m.conversationId)) {
      // The customer wrote again: the window is open again.
      this.windowClosedBy = new Set([...this.windowClosedBy].filter((id) => id !== m.conversationId));
    }
  }

  private onEvent(e: CaseEvent): void {
    if (e.type !== 'channel.updated') return;
    const next = withChannel(this.channels.get(e.data.channel.id), e.data.channel);
    if (next) this.channels = new Map(this.channels).set(next.id, next);
  }

  private onPick(e: Event): void {
    this.picked = (e.target as HTMLSelectElement).value;
    this.error = '';
  }

  /** Why the files picked cannot go on the picked channel, or ''. */
  private filesProblem(): string {
    const limits = this.limits().attachments;
    const files = this.files.drafts;
    if (!files.length || limits === undefined) return '';
    const channel = this.channelName();
    if (limits === null) return this.t('composer.attach.none', { channel });
    if (files.length > limits.maxCount) return this.t('composer.files.tooMany', { channel, max: limits.maxCount });
    const total = this.files.ready.reduce((sum, file) => sum + file.size, 0);
    if (total > limits.maxTotalBytes) return this.t('composer.files.tooLarge', { channel, max: formatBytes(limits.maxTotalBytes, this.locale) });
    return '';
  }

  /** Focuses the text area. */
  override focus(): void {
    this.textarea?.focus();
  }

  /** Sends what is written; resolves true when it was sent. */
  async send(): Promise<boolean> {
    const client = this.conn.client;
    const internal = this.mode === 'note';
    // Files go with replies and notes alike; a file alone goes with its name as the text.
    const attachments = this.files.ready;
    const text = this.text.trim() || attachments.map((a) => a.name).join(', ');
    if (!client || !this.caseId || !text || this.sending || this.disabled) return false;
    if (text.length > this.limit || this.files.busy) return false;
    if (!internal && (this.windowClosed() || this.replyChannel?.enabled === false || this.filesProblem())) return false;
    const conversationId = internal ? '' : (this.replyConversation?.id ?? this.conversationId);
    const request = new MessageSendRequestEvent(text, { caseId: this.caseId, internal });
    if (!this.dispatchEvent(request)) return false;
    const body = request.text.trim();
    if (!body) return false;
    this.sending = true;
    this.error = '';
    this.stopTyping();
    const clientMessageId = newClientMessageId();
    const written = this.text;
    try {
      const message = internal
        ? await client.addNote(this.caseId, { text: body, clientMessageId, ...(attachments.length ? { attachments } : {}) })
        : await client.reply(this.caseId, {
            text: body,
            clientMessageId,
            ...(conversationId ? { conversationId } : {}),
            ...(attachments.length ? { attachments } : {}),
          });
      // Whatever the agent typed while it was sending stays.
      if (this.text === written) this.text = '';
      this.files.clear();
      if (!internal) this.onMessage(message);
      this.dispatchEvent(new MessageSentEvent(message, { caseId: this.caseId, internal }));
      return true;
    } catch (err) {
      if (errorCode(err) === 'reply_window_closed') this.windowClosedBy = new Set(this.windowClosedBy).add(conversationId);
      else this.error = this.t('composer.error', { message: errorMessage(this.locale, err) });
      return false;
    } finally {
      this.sending = false;
      await this.updateComplete;
      this.textarea?.focus();
    }
  }

  private onInput(e: InputEvent): void {
    this.text = (e.target as HTMLTextAreaElement).value;
    if (this.mode !== 'reply') return;
    const client = this.conn.client;
    if (!client || !this.caseId) return;
    if (this.typingCase !== this.caseId) {
      this.stopTyping();
      this.typingCase = this.caseId;
      client.sendTyping(this.caseId, true);
    }
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  private stopTyping(): void {
    clearTimeout(this.typingTimer);
    if (this.typingCase) {
      this.conn.client?.sendTyping(this.typingCase, false);
      this.typingCase = '';
    }
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void this.send();
    }
  }

  private onFiles(e: Event): void {
    const input = e.target as HTMLInputElement;
    this.files.add([...(input.files ?? [])]);
    input.value = '';
  }

  private setMode(mode: 'reply' | 'note'): void {
    if (mode === this.mode) return;
    if (mode === 'note') this.stopTyping();
    this.mode = mode;
  }

  private onModeKey(e: KeyboardEvent): void {
    if (['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].includes(e.key)) {
      e.preventDefault();
      this.setMode(this.mode === 'reply' ? 'note' : 'reply');
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[aria-checked="true"]')?.focus());
    }
  }

  private insertCanned(e: Event): void {
    const select = e.target as HTMLSelectElement;
    const item = this.canned[Number(select.value)];
    select.value = '';
    if (!item) return;
    const ta = this.textarea;
    const start = ta?.selectionStart ?? this.text.length;
    const end = ta?.selectionEnd ?? this.text.length;
    this.text = this.text.slice(0, start) + item.text + this.text.slice(end);
    void this.updateComplete.then(() => {
      ta?.focus();
      ta?.setSelectionRange(start + item.text.length, start + item.text.length);
    });
  }

  private t(key: MessageKey, vars?: Record<string, string | number>): string {
    return translate(this.locale, key, vars);
  }

  private renderVia() {
    const conversations = this.conversations;
    const target = this.replyConversation;
    const medium = this.medium();
    if (conversations.length > 1 && target) {
      const repeated = new Set(conversations.filter((c, i) => conversations.findIndex((o) => o.channelId === c.channelId) !== i).map((c) => c.channelId));
      return html`<span class="via pick">
        <label for="composer-via">${this.t('composer.replyVia')}</label>
        ${channelIcon(target.channelKind)}
        <select id="composer-via" part="reply-via" class="field" @change=${this.onPick}>
          ${conversations.map((c) => {
            const channel = this.channels.get(c.channelId);
            const parts = [channel?.name ?? this.t(`channel.${c.channelKind}` as MessageKey)];
            if (channel) parts.push(this.t(`channel.${c.channelKind}` as MessageKey));
            if (repeated.has(c.channelId)) parts.push(formatTime(c.lastMessageAt, this.locale));
            const label = parts.join(' · ') + (channel?.enabled === false ? ` (${this.t('composer.channelOff')})` : '');
            return html`<option value=${c.id} ?selected=${c.id === target.id}>${label}</option>`;
          })}
        </select>
      </span>`;
    }
    if (!medium) return nothing;
    return html`<span class="via">${channelIcon(medium)}${this.t('composer.via', { channel: this.channelName() })}</span>`;
  }

  /** The time left in the reply window, or the notice once it has closed. */
  private renderWindow(closed: boolean) {
    const channel = this.channelName();
    const hours = this.limits().replyWindowHours;
    if (closed) {
      return html`<div part="window" class="notice window-closed" id="composer-window" role="status">
        ${icons.clock}<span><strong>${this.t('composer.window.closed')}</strong>
        ${hours === null ? this.t('composer.window.closedServer', { channel }) : this.t('composer.window.closedText', { channel, hours })}</span>
      </div>`;
    }
    const left = this.windowLeft();
    if (left === null || hours === null) return nothing;
    const text =
      left >= HOUR_MS
        ? this.t('composer.window.hours', { hours: Math.floor(left / HOUR_MS) })
        : this.t('composer.window.minutes', { minutes: Math.max(1, Math.ceil(left / 60_000)) });
    return html`<span part="window" class="window ${left < HOUR_MS ? 'soon' : ''}" id="composer-window" title=${this.t('composer.window.title', { channel, hours })}
      >${icons.clock}${text}</span
    >`;
  }

  protected override render() {
    const note = this.mode === 'note';
    const channelName = this.channelName();
    const limits = this.limits();
    const length = this.text.length;
    const over = length - limits.maxTextLength;
    const files = this.files.ready;
    const closed = this.windowClosed();
    const channelOff = !note && this.replyChannel?.enabled === false;
    const filesProblem = note ? '' : this.filesProblem();
    const noFiles = !note && limits.attachments === null;
    const segments = limits.segmented && length > 0 ? countSmsSegments(this.text) : null;
    const canSend =
      !this.disabled &&
      !this.sending &&
      (this.text.trim().length > 0 || files.length > 0) &&
      over <= 0 &&
      Boolean(this.caseId) &&
      !this.files.busy &&
      (note || (!closed && !channelOff && !filesProblem));
    const describedBy = ['composer-count', 'composer-hint', !note && (closed || this.windowLeft() !== null) ? 'composer-window' : '', channelOff ? 'composer-channel-off' : '']
      .filter(Boolean)
      .join(' ');
    return html`<div class="root" lang=${this.locale}>
      <div class="bar">
        <div part="modes" class="modes" role="radiogroup" aria-label=${this.t('composer.mode')} @keydown=${this.onModeKey}>
          <button
            type="button"
            role="radio"
            aria-checked=${note ? 'false' : 'true'}
            tabindex=${note ? '-1' : '0'}
            @click=${() => this.setMode('reply')}
          >
            ${this.t('composer.reply')}
          </button>
          <button
            type="button"
            class="note"
            role="radio"
            aria-checked=${note ? 'true' : 'false'}
            tabindex=${note ? '0' : '-1'}
            @click=${() => this.setMode('note')}
          >
            ${icons.lock}${this.t('composer.note')}
          </button>
        </div>
        ${note ? nothing : this.renderVia()} ${note || closed ? nothing : this.renderWindow(false)}
        ${this.canned.length
          ? html`<select part="canned" class="field canned" aria-label=${this.t('composer.canned')} @change=${this.insertCanned}>
              <option value="">${this.t('composer.cannedNone')}</option>
              ${this.canned.map((c, i) => html`<option value=${i}>${c.title}</option>`)}
            </select>`
          : nothing}
      </div>
      ${!note && closed ? this.renderWindow(true) : nothing}
      ${channelOff
        ? html`<div class="notice" id="composer-channel-off" role="status">${icons.alert}<span>${this.t('composer.channelDisabled', { channel: channelName })}</span></div>`
        : nothing}
      <label class="visually-hidden" for="composer-input">${note ? this.t('composer.note') : this.t('composer.reply')}</label>
      <textarea
        part="input"
        id="composer-input"
        class="field"
        placeholder=${note ? this.t('composer.placeholder.note') : this.t('composer.placeholder.reply', { channel: channelName || '—' })}
        .value=${this.text}
        ?disabled=${this.disabled}
        aria-describedby=${describedBy}
        aria-invalid=${over > 0 ? 'true' : 'false'}
        @input=${this.onInput}
        @keydown=${this.onKeyDown}
      ></textarea>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${this.files.render()}
      ${filesProblem ? html`<p class="error" role="alert">${filesProblem}</p>` : nothing}
      <div class="foot">
        ${this.noAttachments
          ? nothing
          : html`<button
                part="attach-button"
                class="btn attach"
                type="button"
                ?disabled=${this.disabled}
                aria-disabled=${noFiles ? 'true' : 'false'}
                aria-describedby=${noFiles ? 'composer-no-files' : nothing}
                title=${noFiles ? this.t('composer.attach.none', { channel: channelName }) : nothing}
                @click=${() => {
                  if (!noFiles) this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click();
                }}
              >
                ${icons.attach}${this.t('attach.button')}
              </button>
              ${noFiles ? html`<span id="composer-no-files" class="visually-hidden">${this.t('composer.attach.none', { channel: channelName })}</span>` : nothing}
              <input type="file" hidden multiple accept=${uploadLimits(this.accept, this.maxFileSize).accept.join(',')} @change=${this.onFiles} />`}
        <span class="hint" id="composer-hint">${this.t('composer.shortcut')}</span>
        <span class="actions">
          <span part="counter" id="composer-count" class="count ${over > 0 ? 'over' : ''}" aria-live="polite">
            ${over > 0
              ? translatePlural(this.locale, 'composer.tooLong', over, { channel: channelName || this.t('composer.reply') })
              : this.t('composer.limit', { count: formatCount(length, this.locale), max: formatCount(limits.maxTextLength, this.locale) })}${segments
              ? html` · <span class="segments" title=${this.t('composer.segments.title', { count: segments.segments, encoding: segments.encoding })}
                  >${this.t('composer.segments', { count: segments.segments })}</span
                >`
              : nothing}
          </span>
          <button part="send-button" class="btn primary" type="button" ?disabled=${!canSend} @click=${this.send}>
            ${note ? this.t('composer.addNote') : this.t('composer.send')}
          </button>
        </span>
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'casekit-composer': CasekitComposer;
  }
}
