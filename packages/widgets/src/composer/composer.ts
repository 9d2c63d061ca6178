import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import type { AgentClient } from '@casekit/sdk';
import { countSmsSegments, defaultReplyConversation, DEFAULT_UPLOAD_MAX_BYTES, renderTemplate, templateVariableCount } from '@casekit/protocol';
import type { CaseEvent, ChannelDetails, ChannelKind, Conversation, Message, ReplyChannel, TemplateSummary } from '@casekit/protocol';
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

/** What the writing area needs from a render. */
interface WritingState {
  note: boolean;
  channelName: string;
  limits: ReplyLimits;
  over: number;
  noFiles: boolean;
  segments: ReturnType<typeof countSmsSegments> | null;
  canSend: boolean;
  describedBy: string;
}

function newClientMessageId(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Where agents write: a reply that goes back on the customer's channel, or an internal note.
 * It loads the case (its conversations and the server's list of channels that reach the customer)
 * and shows the channel the reply really goes on: by default the conversation the customer wrote
 * on last, the rule the server applies; with more than one, a "Reply via" picker chooses another,
 * including a channel the case has no conversation on yet (a new one is started), each with its limits.
 * The picked channel's capabilities set the limits: its length (a counter, with the SMS count on
 * SMS), its files (the attach button is off where the channel takes none), and its reply window
 * (WhatsApp's 24 hours): the time left shows, and once it has closed free text is off, a notice
 * says why, and the channel's approved templates are offered instead: pick one, fill in its
 * values, see what the customer receives, send. Ctrl+Enter (⌘+Enter) sends. Replies and internal notes can carry files (the paperclip
 * button), checked against `accept` and `max-file-size` before they upload; a note's files stay
 * internal like the note.
 *
 * @event casekit-message-send-request - Cancelable, before sending; `event.text` may be rewritten.
 * @event casekit-message-sent - Sent; `event.message`, `event.internal`, `event.caseId`.
 *
 * @csspart modes - The reply / note switch.
 * @csspart reply-via - The "Reply via" picker of the conversation to reply on (with two or more).
 * @csspart window - The reply window: the time left, or the notice once it has closed.
 * @csspart limits - What the picked channel carries (length, files, window).
 * @csspart templates - The approved templates offered once the window has closed.
 * @csspart template-preview - The picked template filled in, as the customer receives it.
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
  /** Where the server says a reply on the case can go, with each channel's window and templates. */
  @state() private accessor replyChannels: ReplyChannel[] = [];
  /** What the agent picked in "Reply via": a conversation id, or `channel:<id>` for a channel the case has none on ('' : none picked). */
  @state() private accessor picked = '';
  /** Conversations (or `channel:<id>`) the server refused a free-form reply on for a closed window. */
  @state() private accessor windowClosedBy = new Set<string>();
  /** The approved template picked once the window has closed, and the values of its `{{n}}`. */
  @state() private accessor templateName = '';
  @state() private accessor templateValues: string[] = [];

  @query('textarea') private accessor textarea: HTMLTextAreaElement | null = null;

  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private windowTimer: ReturnType<typeof setTimeout> | undefined;
  private typingCase = '';
  private loadedFor: { client: AgentClient; caseId: string } | undefined;
  private shownCase = '';
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
      this.clearTemplate();
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

  /** The conversation the reply goes on (null: a new one on the picked channel): the agent's pick, else `conversation-id`, else the server's default. */
  get replyConversation(): Conversation | null {
    if (this.picked.startsWith('channel:')) return null;
    const list = this.conversations;
    return list.find((c) => c.id === this.picked) ?? list.find((c) => c.id === this.conversationId) ?? defaultReplyConversation(list);
  }

  /** The server's word on the channel the reply goes on: its window, its templates, whether a conversation is started. */
  get replyTarget(): ReplyChannel | undefined {
    const channelId = this.picked.startsWith('channel:') ? this.picked.slice('channel:'.length) : this.replyConversation?.channelId;
    return this.replyChannels.find((c) => c.channelId === channelId);
  }

  /** The channel the reply goes on, when it is known. */
  get replyChannel(): ChannelDetails | undefined {
    const channelId = this.replyTarget?.channelId ?? this.replyConversation?.channelId;
    return channelId ? this.channels.get(channelId) : undefined;
  }

  /** What the window state is kept under: the conversation, or the channel a conversation would start on. */
  private targetKey(): string {
    const target = this.replyTarget;
    return this.replyConversation?.id ?? (target ? `channel:${target.channelId}` : this.conversationId);
  }

  /** The most characters the current mode and channel allow. */
  get limit(): number {
    return this.limits().maxTextLength;
  }

  private limits(): ReplyLimits {
    if (this.mode === 'note') return { maxTextLength: 10000, attachments: undefined, replyWindowHours: null, segmented: false };
    const capabilities = this.replyTarget?.capabilities ?? this.replyChannel?.capabilities;
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
    return this.replyConversation?.channelKind ?? this.replyTarget?.medium ?? this.channel;
  }

  /** The channel's name as agents know it ("WhatsApp Business"), else its medium's. */
  private channelName(): string {
    const medium = this.medium();
    return this.replyChannel?.name ?? (medium ? this.t(`channel.${medium}` as MessageKey) : '');
  }

  /** Milliseconds until the reply window closes (≤ 0: closed); null when the channel has none. */
  private windowLeft(): number | null {
    if (this.mode === 'note') return null;
    const target = this.replyTarget;
    // The server decides where the window stands; this only counts down to the end it gave.
    if (target) return target.windowClosesAt ? Date.parse(target.windowClosesAt) - Date.now() : null;
    const hours = this.limits().replyWindowHours;
    const since = this.replyConversation?.lastInboundAt;
    if (hours === null || !since) return null;
    return Date.parse(since) + hours * HOUR_MS - Date.now();
  }

  /** True when free-form replies are no longer possible where the reply goes. */
  private windowClosed(): boolean {
    if (this.mode === 'note') return false;
    const left = this.windowLeft();
    return this.replyTarget?.freeForm === false || (left !== null && left <= 0) || this.windowClosedBy.has(this.targetKey());
  }

  /** The approved templates that may go where the reply goes, once free text may not. */
  private offeredTemplates(): TemplateSummary[] {
    return this.windowClosed() ? (this.replyTarget?.templates ?? []) : [];
  }

  private pickedTemplate(): TemplateSummary | undefined {
    return this.offeredTemplates().find((t) => t.name === this.templateName);
  }

  private clearTemplate(): void {
    this.templateName = '';
    this.templateValues = [];
  }

  /** Loads the case's conversations and the channels; keeps the `channel` fallback when they cannot be. */
  private async loadConversations(): Promise<void> {
    const client = this.conn.client;
    const caseId = this.caseId;
    if (!client || !caseId) return;
    if (this.loadedFor?.client === client && this.loadedFor.caseId === caseId) return;
    // Loading the same case again (a new conversation, the window moved) keeps what shows until the answer is in.
    const again = this.loadedFor === undefined && this.shownCase === caseId;
    this.loadedFor = { client, caseId };
    this.shownCase = caseId;
    const token = ++this.loadToken;
    if (!again) {
      this.conversations = [];
      this.replyChannels = [];
      this.windowClosedBy = new Set();
    }
    const [detail, channels] = await Promise.allSettled([client.getCase(caseId), channelDirectory(client)]);
    if (token !== this.loadToken) return;
    if (channels.status === 'fulfilled') this.channels = new Map(channels.value);
    if (detail.status === 'fulfilled') {
      this.conversations = detail.value.conversations;
      this.replyChannels = detail.value.replyChannels ?? [];
      // A reply started a conversation on the picked channel: the pick is that conversation now.
      const started = this.picked.startsWith('channel:') ? defaultReplyConversation(this.conversations.filter((c) => `channel:${c.channelId}` === this.picked)) : null;
      if (started) this.picked = started.id;
    }
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
    if (inbound) {
      // The customer wrote again: the server reopens the window, and says until when.
      this.windowClosedBy = new Set([...this.windowClosedBy].filter((id) => id !== m.conversationId));
      this.reload();
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
    this.clearTemplate();
  }

  /** Loads the case again: the server's view of the conversations and the reply channels. */
  private reload(): void {
    this.loadedFor = undefined;
    void this.loadConversations();
  }

  private onTemplate(e: Event): void {
    this.templateName = (e.target as HTMLSelectElement).value;
    const template = this.pickedTemplate();
    this.templateValues = template ? Array.from({ length: templateVariableCount(template.body) }, () => '') : [];
    this.error = '';
  }

  private onTemplateValue(index: number, e: Event): void {
    const values = [...this.templateValues];
    values[index] = (e.target as HTMLInputElement).value;
    this.templateValues = values;
  }

  /** Where the reply goes, as the request names it: the conversation, or the channel to start one on. */
  private destination(): { conversationId?: string; channelId?: string } {
    const conversation = this.replyConversation;
    if (conversation) return { conversationId: conversation.id };
    const target = this.replyTarget;
    if (target) return { channelId: target.channelId };
    return this.conversationId ? { conversationId: this.conversationId } : {};
  }

  /** Sends the picked template, filled in; resolves true when it was sent. */
  async sendTemplate(): Promise<boolean> {
    const client = this.conn.client;
    const template = this.pickedTemplate();
    const variables = this.templateValues.map((v) => v.trim());
    if (!client || !template || this.sending || this.disabled || variables.some((v) => !v)) return false;
    const key = this.targetKey();
    this.sending = true;
    this.error = '';
    try {
      const message = await client.reply(this.caseId, {
        template: { name: template.name, ...(variables.length ? { variables } : {}) },
        clientMessageId: newClientMessageId(),
        ...this.destination(),
      });
      this.clearTemplate();
      this.onMessage(message);
      this.dispatchEvent(new MessageSentEvent(message, { caseId: this.caseId, internal: false }));
      return true;
    } catch (err) {
      this.error = this.t('composer.error', { message: err instanceof Error ? err.message : String(err) });
      if (errorCode(err) === 'reply_window_closed') this.windowClosedBy = new Set(this.windowClosedBy).add(key);
      return false;
    } finally {
      this.sending = false;
    }
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
    const key = this.targetKey();
    const destination = internal ? {} : this.destination();
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
            ...destination,
            ...(attachments.length ? { attachments } : {}),
          });
      // Whatever the agent typed while it was sending stays.
      if (this.text === written) this.text = '';
      this.files.clear();
      if (!internal) this.onMessage(message);
      this.dispatchEvent(new MessageSentEvent(message, { caseId: this.caseId, internal }));
      return true;
    } catch (err) {
      if (errorCode(err) === 'reply_window_closed') {
        // The server's clock says the window has closed: take its word, and its templates.
        this.windowClosedBy = new Set(this.windowClosedBy).add(key);
        this.reload();
      } else this.error = this.t('composer.error', { message: errorMessage(this.locale, err) });
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

  /** The choices of "Reply via": the case's conversations, then the customer's other channels the server lists. */
  private viaOptions(): { value: string; channelId: string; medium: string; label: string }[] {
    const conversations = this.conversations;
    const repeated = new Set(conversations.filter((c, i) => conversations.findIndex((o) => o.channelId === c.channelId) !== i).map((c) => c.channelId));
    const label = (channelId: string, medium: string, extra: string[]) => {
      const channel = this.channels.get(channelId);
      const target = this.replyChannels.find((c) => c.channelId === channelId);
      const name = channel?.name ?? target?.name;
      const parts = [name ?? this.t(`channel.${medium}` as MessageKey)];
      if (name) parts.push(this.t(`channel.${medium}` as MessageKey));
      parts.push(...extra);
      if (target && !target.freeForm) parts.push(this.t(target.templates.length ? 'composer.via.templatesOnly' : 'composer.via.unavailable'));
      return parts.join(' · ') + ((channel?.enabled ?? target?.enabled) === false ? ` (${this.t('composer.channelOff')})` : '');
    };
    const options = conversations.map((c) => ({
      value: c.id,
      channelId: c.channelId,
      medium: c.channelKind,
      label: label(c.channelId, c.channelKind, repeated.has(c.channelId) ? [formatTime(c.lastMessageAt, this.locale)] : []),
    }));
    for (const target of this.replyChannels) {
      if (target.conversationId || conversations.some((c) => c.channelId === target.channelId)) continue;
      options.push({ value: `channel:${target.channelId}`, channelId: target.channelId, medium: target.medium, label: label(target.channelId, target.medium, [this.t('composer.via.new')]) });
    }
    return options;
  }

  private renderVia() {
    const options = this.viaOptions();
    const medium = this.medium();
    const selected = this.replyConversation?.id ?? (this.replyTarget ? `channel:${this.replyTarget.channelId}` : '');
    if (options.length > 1 && selected) {
      return html`<span class="via pick">
        <label for="composer-via">${this.t('composer.replyVia')}</label>
        ${channelIcon(medium)}
        <select id="composer-via" part="reply-via" class="field" aria-describedby="composer-limits" @change=${this.onPick}>
          ${options.map((o) => html`<option value=${o.value} ?selected=${o.value === selected}>${o.label}</option>`)}
        </select>
        ${this.renderLimits()}
      </span>`;
    }
    if (!medium) return nothing;
    return html`<span class="via">${channelIcon(medium)}${this.t('composer.via', { channel: this.channelName() })}</span>`;
  }

  /** What the picked channel carries, in words: its length, its files, its window. */
  private renderLimits() {
    const limits = this.limits();
    const parts = [this.t('composer.limits.chars', { max: formatCount(limits.maxTextLength, this.locale) })];
    if (limits.attachments === null) parts.push(this.t('composer.limits.noFiles'));
    else if (limits.attachments) parts.push(this.t('composer.limits.files', { count: limits.attachments.maxCount, size: formatBytes(limits.attachments.maxTotalBytes, this.locale) }));
    if (limits.replyWindowHours !== null) parts.push(this.t('composer.limits.window', { hours: limits.replyWindowHours }));
    return html`<span part="limits" class="limits" id="composer-limits">${parts.join(' · ')}</span>`;
  }

  /** The channel's approved templates, offered once free text may not go: pick, fill in, preview, send. */
  private renderTemplates(templates: TemplateSummary[]) {
    const template = this.pickedTemplate();
    const values = this.templateValues;
    const preview = template ? renderTemplate(template.body, values.map((v, i) => v.trim() || `{{${i + 1}}}`)) : '';
    const ready = Boolean(template) && values.every((v) => v.trim()) && !this.sending && !this.disabled;
    return html`<fieldset part="templates" class="templates">
      <legend>${this.t('composer.template.legend')}</legend>
      <label for="composer-template">${this.t('composer.template.pick')}</label>
      <select id="composer-template" class="field" .value=${this.templateName} @change=${this.onTemplate}>
        <option value="" ?selected=${!template}>—</option>
        ${templates.map((t) => html`<option value=${t.name} ?selected=${t.name === this.templateName}>${t.name} (${t.language})</option>`)}
      </select>
      ${values.map(
        (value, i) => html`<label for=${`composer-template-${i + 1}`}>${this.t('composer.template.variable', { placeholder: `{{${i + 1}}}` })}</label>
          <input id=${`composer-template-${i + 1}`} class="field" .value=${value} required aria-required="true" @input=${(e: Event) => this.onTemplateValue(i, e)} />`,
      )}
      ${template
        ? html`<p class="preview-label" id="composer-template-preview-label">${this.t('composer.template.preview')}</p>
            <p part="template-preview" class="template-preview" aria-labelledby="composer-template-preview-label" aria-live="polite">${preview}</p>`
        : nothing}
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      <button part="send-button" class="btn primary" type="button" ?disabled=${!ready} @click=${() => void this.sendTemplate()}>${this.t('composer.template.send')}</button>
    </fieldset>`;
  }

  /** The time left in the reply window, or the notice once it has closed. */
  private renderWindow(closed: boolean) {
    const channel = this.channelName();
    const hours = this.limits().replyWindowHours;
    if (closed) {
      const text = this.offeredTemplates().length
        ? this.t('composer.window.templates', { channel })
        : hours === null
          ? this.t('composer.window.closedServer', { channel })
          : this.t('composer.window.closedText', { channel, hours });
      return html`<div part="window" class="notice window-closed" id="composer-window" role="status">
        ${icons.clock}<span><strong>${this.t('composer.window.closed')}</strong> ${text}</span>
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
    const templates = note || !closed ? [] : this.offeredTemplates();
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
      ${templates.length ? this.renderTemplates(templates) : this.renderWriting({ note, channelName, limits, over, noFiles, segments, canSend, describedBy })}
    </div>`;
  }

  /** The text area and what goes with it: files, the counter, the send button. */
  private renderWriting({ note, channelName, limits, over, noFiles, segments, canSend, describedBy }: WritingState) {
    const filesProblem = note ? '' : this.filesProblem();
    const length = this.text.length;
    return html`<label class="visually-hidden" for="composer-input">${note ? this.t('composer.note') : this.t('composer.reply')}</label>
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
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'casekit-composer': CasekitComposer;
  }
}
