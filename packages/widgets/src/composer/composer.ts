import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import type { AgentClient } from '@casekit/sdk';
import { DEFAULT_UPLOAD_MAX_BYTES } from '@casekit/protocol';
import type { ChannelKind } from '@casekit/protocol';
import { themeStyles } from '../internal/theme.ts';
import { composerStyles } from './composer.styles.ts';
import { ClientController } from '../client-controller.ts';
import { agentClientContext } from '../context.ts';
import { resolveLang, translate, type MessageKey } from '../i18n.ts';
import '../internal/messages-chat.ts';
import '../internal/messages-agent.ts';
import { channelIcon } from '../internal/channel-icons.ts';
import * as icons from '../internal/icons.ts';
import { channelLimit } from '../internal/labels.ts';
import { formatCount } from '../internal/format.ts';
import { MessageSendRequestEvent, MessageSentEvent } from '../events.ts';
import { AttachmentDrafts, uploadLimits } from '../internal/attachment-drafts.ts';

/** A saved answer agents insert with one pick. */
export interface CannedResponse {
  title: string;
  text: string;
}

const TYPING_IDLE_MS = 3000;

function newClientMessageId(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Where agents write: a reply that goes back on the customer's channel, or an internal note.
 * Shows the channel and its length limit (SMS 1600, WhatsApp 4096, others 10000);
 * Ctrl+Enter (⌘+Enter) sends. Replies and internal notes can carry files (the paperclip
 * button), checked against `accept` and `max-file-size` before they upload; a note's files stay
 * internal like the note.
 *
 * @event casekit-message-send-request - Cancelable, before sending; `event.text` may be rewritten.
 * @event casekit-message-sent - Sent; `event.message`, `event.internal`, `event.caseId`.
 *
 * @csspart modes - The reply / note switch.
 * @csspart input - The text area.
 * @csspart canned - The canned responses picker.
 * @csspart counter - The length counter.
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
  /** Channel kind the reply goes out on (sets the length limit). */
  @property() accessor channel: ChannelKind | '' = '';
  /** Reply to the conversation with this id (default: the case's most recent one). */
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
  accessor contextClient: AgentClient | undefined;

  @state() accessor text = '';
  @state() accessor sending = false;
  @state() accessor error = '';
  @state() accessor locale = 'en';

  @query('textarea') accessor textarea: HTMLTextAreaElement | null = null;

  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private typingCase = '';
  private readonly conn = new ClientController<AgentClient>(this, {
    client: () => this.client ?? this.contextClient,
    on: {},
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
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopTyping();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('caseId') && changed.get('caseId') !== undefined) {
      this.stopTyping();
      this.text = '';
      this.error = '';
      this.files.clear();
    }
  }

  /** The most characters the current mode and channel allow. */
  get limit(): number {
    return this.mode === 'note' ? 10000 : channelLimit(this.channel || undefined);
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
    const request = new MessageSendRequestEvent(text, { caseId: this.caseId, internal });
    if (!this.dispatchEvent(request)) return false;
    const body = request.text.trim();
    if (!body) return false;
    this.sending = true;
    this.error = '';
    this.stopTyping();
    const clientMessageId = newClientMessageId();
    try {
      const message = internal
        ? await client.addNote(this.caseId, { text: body, clientMessageId, ...(attachments.length ? { attachments } : {}) })
        : await client.reply(this.caseId, {
            text: body,
            clientMessageId,
            ...(this.conversationId ? { conversationId: this.conversationId } : {}),
            ...(attachments.length ? { attachments } : {}),
          });
      this.text = '';
      this.files.clear();
      this.dispatchEvent(new MessageSentEvent(message, { caseId: this.caseId, internal }));
      return true;
    } catch (err) {
      this.error = this.t('composer.error', { message: err instanceof Error ? err.message : String(err) });
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

  protected override render() {
    const note = this.mode === 'note';
    const channelName = this.channel ? this.t(`channel.${this.channel}` as MessageKey) : '';
    const length = this.text.length;
    const over = length - this.limit;
    const files = this.files.ready;
    const canSend =
      !this.disabled &&
      !this.sending &&
      (this.text.trim().length > 0 || files.length > 0) &&
      over <= 0 &&
      Boolean(this.caseId) &&
      !this.files.busy;
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
        ${!note && this.channel
          ? html`<span class="via">${channelIcon(this.channel)}${this.t('composer.via', { channel: channelName })}</span>`
          : nothing}
        ${this.canned.length
          ? html`<select part="canned" class="field canned" aria-label=${this.t('composer.canned')} @change=${this.insertCanned}>
              <option value="">${this.t('composer.cannedNone')}</option>
              ${this.canned.map((c, i) => html`<option value=${i}>${c.title}</option>`)}
            </select>`
          : nothing}
      </div>
      <label class="visually-hidden" for="composer-input">${note ? this.t('composer.note') : this.t('composer.reply')}</label>
      <textarea
        part="input"
        id="composer-input"
        class="field"
        placeholder=${note ? this.t('composer.placeholder.note') : this.t('composer.placeholder.reply', { channel: channelName || '—' })}
        .value=${this.text}
        ?disabled=${this.disabled}
        aria-describedby="composer-count composer-hint"
        aria-invalid=${over > 0 ? 'true' : 'false'}
        @input=${this.onInput}
        @keydown=${this.onKeyDown}
      ></textarea>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${this.files.render()}
      <div class="foot">
        ${this.noAttachments
          ? nothing
          : html`<button
                part="attach-button"
                class="btn attach"
                type="button"
                ?disabled=${this.disabled}
                @click=${() => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click()}
              >
                ${icons.attach}${this.t('attach.button')}
              </button>
              <input type="file" hidden multiple accept=${uploadLimits(this.accept, this.maxFileSize).accept.join(',')} @change=${this.onFiles} />`}
        <span class="hint" id="composer-hint">${this.t('composer.shortcut')}</span>
        <span class="actions">
          <span part="counter" id="composer-count" class="count ${over > 0 ? 'over' : ''}" aria-live="polite">
            ${over > 0
              ? this.t('composer.tooLong', { channel: channelName || this.t('composer.reply'), count: over })
              : this.t('composer.limit', { count: formatCount(length, this.locale), max: formatCount(this.limit, this.locale) })}
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
