import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { consume } from '@lit/context';
import type { AgentClient } from '@casekit/sdk';
import type { Agent, CaseEvent, DeliveryStatus, Message, MessageHandoff, RoutingNote } from '@casekit/protocol';
import { themeStyles } from '../internal/theme.ts';
import { timelineStyles } from './timeline.styles.ts';
import { ClientController } from '../client-controller.ts';
import { agentClientContext } from '../context.ts';
import { agentDirectory } from '../internal/agents.ts';
import { errorMessage, resolveLang, translate, type MessageKey } from '../i18n.ts';
import '../internal/messages-chat.ts';
import '../internal/messages-agent.ts';
import '../internal/messages-errors.ts';
import { formatFull, formatTime } from '../internal/format.ts';
import { attachmentStyles, renderAttachments } from '../internal/attachments.ts';
import { channelIcon } from '../internal/channel-icons.ts';
import * as icons from '../internal/icons.ts';

const PAGE_SIZE = 50;
/** Pages of a case's messages read at most to find why replies failed. */
const REASON_PAGES = 10;
/** Events the timeline draws; the rest (customer and presence changes) are left out. */
const SHOWN = new Set<CaseEvent['type']>(['message.created', 'case.created', 'case.updated']);
/** Fields of `case.updated` changes worth a line in the timeline. */
const CHANGE_FIELDS = ['status', 'priority', 'assigneeId', 'team', 'tags'] as const;

/**
 * Everything that happened with a customer, across cases and channels, oldest at the top and
 * newest at the bottom: messages, internal notes (styled apart) and status, priority,
 * assignment, team and tag changes, and what routing did ("Assigned to Ann by routing (least loaded)"). Scrolling to the top loads earlier history; new events arrive live.
 * Replies show how far delivery got (queued, sent, delivered, read); one the provider did not
 * deliver says "Not delivered" with the provider's reason (its code in the tooltip) and a
 * "Send again" button, after which it moves through queued and sent again as the statuses arrive.
 *
 * @csspart scroller - The scrolling area.
 * @csspart message - A message; also `note` for internal notes.
 * @csspart bubble - A message's text.
 * @csspart status - How far a reply's delivery got: an icon, its name for screen readers and in the tooltip.
 * @csspart delivery-failed - "Not delivered", the provider's reason and the retry button.
 * @csspart retry-button - "Send again" on a reply that was not delivered.
 * @csspart attachment - A file on a message: an image thumbnail (alt text: its name) or a link.
 * @csspart change - A status / priority / assignment line.
 * @csspart handoff - A bot's handoff (with `message note`): its reason, the fields it collected, the conversation.
 * @csspart handoff-fields - The fields a bot collected, as a list of names and values.
 * @csspart load-earlier - The "Load earlier" button.
 *
 * @cssproperty --casekit-color-note-bg - Background of internal notes.
 * @cssproperty --casekit-color-note-border - Border of internal notes.
 */
@customElement('casekit-timeline')
export class CasekitTimeline extends LitElement {
  static override styles = [themeStyles, timelineStyles, attachmentStyles];

  /** The agent client; defaults to the one provided by an ancestor. */
  @property({ attribute: false }) accessor client: AgentClient | undefined;
  /** Whose history to show. */
  @property({ attribute: 'customer-id' }) accessor customerId = '';
  /** The case in focus: its entries are marked, others show which case they belong to. */
  @property({ attribute: 'case-id' }) accessor caseId = '';
  /** `light` or `dark` to pin the colour scheme. */
  @property({ reflect: true }) accessor theme: 'light' | 'dark' | undefined;

  @consume({ context: agentClientContext, subscribe: true })
  @state()
  private accessor contextClient: AgentClient | undefined;

  @state() private accessor events: CaseEvent[] = [];
  @state() private accessor loading = false;
  @state() private accessor error = '';
  @state() private accessor hasMore = false;
  @state() private accessor agents = new Map<string, Agent>();
  @state() private accessor locale = 'en';
  /** Replies being sent again. */
  @state() private accessor retrying = new Set<string>();
  /** Why sending a reply again failed, by message id. */
  @state() private accessor retryErrors = new Map<string, string>();
  /** Why a file the provider keeps could not be opened, by message id. */
  @state() private accessor fileErrors = new Map<string, string>();

  @query('.scroller') private accessor scroller: HTMLElement | null = null;

  private cursor: string | null = null;
  /** The latest delivery status known of each message, with the seq it came with. */
  private statuses = new Map<string, { status: DeliveryStatus; seq: number }>();
  /** Why delivery failed, by message id (read from the case's messages: status events carry no reason). */
  private deliveryErrors = new Map<string, NonNullable<Message['deliveryError']>>();
  /** Failed messages whose reason has been asked for. */
  private reasonsAsked = new Set<string>();
  private caseNumbers = new Map<string, number>();
  private loadToken = 0;
  private stickToBottom = true;
  private restoreFromBottom: number | null = null;

  private readonly conn = new ClientController<AgentClient>(this, {
    client: () => this.client ?? this.contextClient,
    on: { event: (e: CaseEvent) => this.onEvent(e) },
    attached: (client) => {
      void agentDirectory(client).then((a) => (this.agents = a));
      void this.reload();
    },
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.locale = resolveLang(this);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('customerId') && changed.get('customerId') !== undefined) void this.reload();
  }

  protected override updated(): void {
    this.askForReasons();
    const el = this.scroller;
    if (!el) return;
    if (this.restoreFromBottom !== null) {
      // Earlier entries were prepended: keep what the agent was reading where it was.
      el.scrollTop = el.scrollHeight - this.restoreFromBottom;
      this.restoreFromBottom = null;
    } else if (this.stickToBottom) {
      el.scrollTop = el.scrollHeight;
    }
  }

  // ---- data ----

  /** Reloads the newest page of the history. */
  async reload(): Promise<void> {
    const client = this.conn.client;
    const token = ++this.loadToken;
    this.events = [];
    this.cursor = null;
    this.hasMore = false;
    this.statuses.clear();
    this.deliveryErrors.clear();
    this.reasonsAsked.clear();
    this.retryErrors = new Map();
    if (!client || !this.customerId) return;
    this.loading = true;
    this.error = '';
    try {
      const page = await client.timeline(this.customerId, { limit: PAGE_SIZE });
      if (token !== this.loadToken) return;
      this.stickToBottom = true;
      this.merge(page.items);
      this.cursor = page.nextCursor;
      this.hasMore = page.nextCursor !== null;
    } catch (err) {
      if (token === this.loadToken) this.error = errorMessage(this.locale, err);
    } finally {
      if (token === this.loadToken) this.loading = false;
    }
  }

  /** Loads the page before the oldest entry shown. */
  async loadEarlier(): Promise<void> {
    const client = this.conn.client;
    if (!client || !this.cursor || this.loading) return;
    const token = this.loadToken;
    this.loading = true;
    try {
      const page = await client.timeline(this.customerId, { limit: PAGE_SIZE, cursor: this.cursor });
      if (token !== this.loadToken) return;
      const el = this.scroller;
      if (el) this.restoreFromBottom = el.scrollHeight - el.scrollTop;
      this.stickToBottom = false;
      this.merge(page.items);
      this.cursor = page.nextCursor;
      this.hasMore = page.nextCursor !== null;
    } catch (err) {
      this.error = errorMessage(this.locale, err);
    } finally {
      if (token === this.loadToken) this.loading = false;
    }
  }

  private merge(incoming: CaseEvent[]): void {
    const bySeq = new Map(this.events.map((e) => [e.seq, e]));
    for (const e of incoming) {
      this.learn(e);
      if (SHOWN.has(e.type)) bySeq.set(e.seq, e);
    }
    this.events = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Keeps a status unless a later one (by seq) is known: earlier pages arrive after later ones. */
  private setStatus(messageId: string, status: DeliveryStatus, seq: number): void {
    const known = this.statuses.get(messageId);
    if (!known || seq > known.seq) this.statuses.set(messageId, { status, seq });
  }

  private statusOf(m: Message): DeliveryStatus {
    return this.statuses.get(m.id)?.status ?? m.status;
  }

  private learn(e: CaseEvent): void {
    if (e.type === 'message.status') this.setStatus(e.data.messageId, e.data.status, e.seq);
    if (e.type === 'case.created' || e.type === 'case.updated') this.caseNumbers.set(e.data.case.id, e.data.case.number);
    if (e.type === 'message.created' && e.data.case) this.caseNumbers.set(e.data.case.id, e.data.case.number);
  }

  private onEvent(e: CaseEvent): void {
    if (!this.customerId || e.customerId !== this.customerId) return;
    if (e.type === 'message.status') {
      this.setStatus(e.data.messageId, e.data.status, e.seq);
      // A reply that failed (again): its reason is the newest one.
      if (e.data.status === 'failed') {
        this.deliveryErrors.delete(e.data.messageId);
        this.reasonsAsked.delete(e.data.messageId);
      }
      this.requestUpdate();
      return;
    }
    const el = this.scroller;
    this.stickToBottom = !el || el.scrollHeight - el.scrollTop - el.clientHeight < 60;
    this.merge([e]);
  }

  /** Reads the reasons of failed replies shown without one, a case at a time. */
  private askForReasons(): void {
    const cases = new Set<string>();
    for (const e of this.events) {
      if (e.type !== 'message.created') continue;
      const m = e.data.message;
      if (m.direction !== 'outbound' || m.internal || this.statusOf(m) !== 'failed') continue;
      if (m.deliveryError || this.deliveryErrors.has(m.id) || this.reasonsAsked.has(m.id)) continue;
      this.reasonsAsked.add(m.id);
      cases.add(m.caseId);
    }
    for (const caseId of cases) void this.readReasons(caseId);
  }

  private async readReasons(caseId: string): Promise<void> {
    const client = this.conn.client;
    if (!client) return;
    const token = this.loadToken;
    let cursor: string | undefined;
    try {
      for (let page = 0; page < REASON_PAGES; page++) {
        const { items, nextCursor } = await client.listMessages(caseId, { limit: 200, ...(cursor && { cursor }) });
        if (token !== this.loadToken) return;
        for (const m of items) if (m.deliveryError) this.deliveryErrors.set(m.id, m.deliveryError);
        if (!nextCursor) break;
        cursor = nextCursor;
      }
    } catch {
      // Without its reason the reply still says it was not delivered and can be sent again.
    }
    this.requestUpdate();
  }

  /** Sends a failed reply again; it shows as queued, then moves on as its statuses arrive. */
  /** Opens a file the provider keeps (a WhatsApp photo, an MMS): fetched through casekit, shown in a new tab. */
  async openProviderFile(message: Message, index: number): Promise<void> {
    const client = this.conn.client;
    if (!client) return;
    // Opened at once, so the browser allows the tab; filled when the file is here.
    const tab = window.open('', '_blank');
    try {
      const blob = await client.fetchAttachment(message.caseId, message.id, index);
      const url = URL.createObjectURL(blob);
      if (tab) tab.location.href = url;
      else window.open(url, '_blank');
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      tab?.close();
      this.fileErrors = new Map(this.fileErrors).set(message.id, errorMessage(this.locale, err));
    }
  }

  async retry(message: Message): Promise<void> {
    const client = this.conn.client;
    if (!client || this.retrying.has(message.id)) return;
    this.retrying = new Set(this.retrying).add(message.id);
    const errors = new Map(this.retryErrors);
    errors.delete(message.id);
    this.retryErrors = errors;
    try {
      const queued = await client.retryMessage(message.caseId, message.id);
      // Just after the failure it replaces, before any status the retry brings.
      const failedAt = this.statuses.get(message.id)?.seq ?? 0;
      if (this.statusOf(message) === 'failed') this.statuses.set(message.id, { status: queued.status, seq: failedAt + 0.5 });
      this.deliveryErrors.delete(message.id);
    } catch (err) {
      this.retryErrors = new Map(this.retryErrors).set(message.id, this.t('timeline.retryError', { message: errorMessage(this.locale, err) }));
    } finally {
      const retrying = new Set(this.retrying);
      retrying.delete(message.id);
      this.retrying = retrying;
    }
    await this.updateComplete;
    // The button is gone: keep focus on the reply it belonged to.
    if (!this.retryErrors.has(message.id)) this.renderRoot.querySelector<HTMLElement>(`[data-message="${message.id}"] [part=status]`)?.focus();
  }

  private onScroll(): void {
    const el = this.scroller;
    if (!el) return;
    this.stickToBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 60;
    if (el.scrollTop < 80 && this.hasMore && !this.loading) void this.loadEarlier();
  }

  // ---- rendering ----

  private t(key: MessageKey, vars?: Record<string, string | number>): string {
    return translate(this.locale, key, vars);
  }

  private actorName(id: string | null): string {
    if (!id) return this.t('timeline.system');
    return this.agents.get(id)?.name ?? id;
  }

  private caseRef(caseId: string | null) {
    if (!caseId) return nothing;
    const number = this.caseNumbers.get(caseId);
    if (number === undefined) return nothing;
    return html`<span class="case-ref ${caseId === this.caseId ? '' : 'other'}">${this.t('timeline.case', { number })}</span>`;
  }

  private renderDelivery(m: Message, status: DeliveryStatus) {
    if (status === 'failed') {
      const failure = m.deliveryError ?? this.deliveryErrors.get(m.id);
      const busy = this.retrying.has(m.id);
      const retryError = this.retryErrors.get(m.id);
      return html`<div part="delivery-failed" class="delivery-failed">
        <span part="status" class="status failed" tabindex="-1" title=${failure ? this.t('timeline.failed.code', { code: failure.code }) : nothing}
          >${icons.alert}<strong>${this.t('timeline.failed')}</strong>${failure ? html`<span class="reason">: ${failure.reason}</span>` : nothing}</span
        >
        <button part="retry-button" class="btn retry" type="button" ?disabled=${busy} @click=${() => this.retry(m)}>
          ${busy ? this.t('timeline.retrying') : this.t('timeline.retry')}
        </button>
        ${retryError ? html`<span class="retry-error" role="alert">${retryError}</span>` : nothing}
      </div>`;
    }
    const icon = status === 'pending' || status === 'queued' ? icons.clock : status === 'sent' ? icons.check : icons.checks;
    const label = this.t(`status.${status}` as MessageKey);
    return html`<span part="status" class="status ${status}" tabindex="-1" title=${label}>${icon}<span class="visually-hidden">${label}</span></span>`;
  }

  /** A bot's handoff note: why, what the bot collected, and the conversation folded away. */
  private renderHandoff(e: CaseEvent & { type: 'message.created' }, m: Message, handoff: MessageHandoff) {
    const fields = Object.entries(handoff.fields);
    return html`<article part="message note handoff" class="item outbound note handoff" data-seq=${e.seq} data-message=${m.id} aria-label=${this.t('timeline.handoff')}>
      <div class="head">
        <span class="note-label">${icons.lock}${this.t('timeline.handoff')}</span>
        <strong>${m.authorName}</strong>
        <time datetime=${m.createdAt} title=${formatFull(m.createdAt, this.locale)}>${formatTime(m.createdAt, this.locale)}</time>
        ${this.caseRef(m.caseId)}
      </div>
      <p class="handoff-reason">${this.t(`handoff.reason.${handoff.reason}`)}</p>
      ${fields.length
        ? html`<dl part="handoff-fields" class="handoff-fields" aria-label=${this.t('timeline.handoff.fields')}>
            ${fields.map(([name, value]) => html`<div><dt>${name}</dt><dd>${value}</dd></div>`)}
          </dl>`
        : nothing}
      <details>
        <summary>${this.t('timeline.handoff.details')}</summary>
        <div part="bubble" class="bubble">${m.text}</div>
      </details>
    </article>`;
  }

  private renderMessage(e: CaseEvent & { type: 'message.created' }) {
    const m: Message = e.data.message;
    if (m.internal && m.handoff) return this.renderHandoff(e, m, m.handoff);
    const status = this.statusOf(m);
    const outbound = m.direction === 'outbound';
    return html`<article
      part=${m.internal ? 'message note' : 'message'}
      class="item ${outbound ? 'outbound' : 'inbound'} ${m.internal ? 'note' : ''}"
      data-seq=${e.seq}
      data-message=${m.id}
      aria-label=${m.internal ? `${this.t('timeline.note')}: ${m.authorName}` : m.authorName}
    >
      <div class="head">
        ${m.internal
          ? html`<span class="note-label">${icons.lock}${this.t('timeline.note')}</span>`
          : html`<span title=${this.t(`channel.${m.channelKind}` as MessageKey)}>${channelIcon(m.channelKind)}</span>`}
        <strong>${m.authorName || this.t('timeline.system')}</strong>
        <time datetime=${m.createdAt} title=${formatFull(m.createdAt, this.locale)}>${formatTime(m.createdAt, this.locale)}</time>
        ${this.caseRef(m.caseId)}
      </div>
      <div part="bubble" class="bubble">${m.text}${renderAttachments(
        m.attachments,
        (url) => this.conn.client?.resolveUrl(url) ?? url,
        this.locale,
        (index) => void this.openProviderFile(m, index),
      )}</div>
      ${this.fileErrors.has(m.id) ? html`<p class="file-error" role="alert">${this.fileErrors.get(m.id)}</p>` : nothing}
      ${outbound && !m.internal ? this.renderDelivery(m, status) : nothing}
    </article>`;
  }

  private describeChange(field: string, before: unknown, after: unknown, actor: string): string {
    const label = (prefix: string, v: unknown) =>
      typeof v === 'string' ? translate(this.locale, `${prefix}.${v}` as MessageKey) : String(v);
    switch (field) {
      case 'status':
        return this.t('timeline.change.status', { actor, from: label('case.status', before), to: label('case.status', after) });
      case 'priority':
        return this.t('timeline.change.priority', { actor, from: label('case.priority', before), to: label('case.priority', after) });
      case 'assigneeId':
        return after
          ? this.t('timeline.change.assignee', { actor, to: this.actorName(String(after)) })
          : this.t('timeline.change.unassigned', { actor });
      case 'team':
        return after ? this.t('timeline.change.team', { actor, to: String(after) }) : this.t('timeline.change.noTeam', { actor });
      case 'tags':
        return this.t('timeline.change.tags', { actor, to: Array.isArray(after) && after.length ? after.join(', ') : '–' });
      default:
        return this.t('timeline.change.other', { actor, field });
    }
  }

  /** What routing did with a case's assignee, and why: "Assigned to Ann by routing (least loaded)". */
  private describeRouting(routing: RoutingNote, before: unknown, after: unknown): string {
    if (routing.reason === 'agent-offline') return this.t('timeline.routing.released', { name: this.actorName(before ? String(before) : null) });
    return this.t('timeline.routing.assigned', { name: this.actorName(after ? String(after) : null), reason: this.t(`timeline.routing.${routing.reason}`) });
  }

  private renderEvent(e: CaseEvent) {
    switch (e.type) {
      case 'message.created':
        return this.renderMessage(e);
      case 'case.created':
        return html`<div class="divider" role="separator" data-seq=${e.seq}>
          ${this.t('timeline.case.created', { number: e.data.case.number, subject: e.data.case.subject })}
        </div>`;
      case 'case.updated': {
        const actor = this.actorName(e.actorId);
        const routing = e.data.routing;
        const lines = CHANGE_FIELDS.filter((f) => f in e.data.changes).map((f) => {
          const [before, after] = e.data.changes[f]!;
          if (routing && f === 'assigneeId') return this.describeRouting(routing, before, after);
          return this.describeChange(f, before, after, actor);
        });
        if (!lines.length) return nothing;
        return lines.map(
          (line) => html`<div part="change" class="change" data-seq=${e.seq}>
            <span>${line}</span>
            <time datetime=${e.at} title=${formatFull(e.at, this.locale)}>· ${formatTime(e.at, this.locale)}</time>
            ${this.caseRef(e.caseId)}
          </div>`,
        );
      }
      default:
        return nothing;
    }
  }

  protected override render() {
    return html`<div class="root" lang=${this.locale}>
      <div
        part="scroller"
        class="scroller"
        role="log"
        aria-label=${this.t('timeline.label')}
        aria-busy=${this.loading ? 'true' : 'false'}
        tabindex="0"
        @scroll=${this.onScroll}
      >
        ${this.hasMore
          ? html`<button part="load-earlier" class="btn earlier" type="button" ?disabled=${this.loading} @click=${this.loadEarlier}>
              ${this.loading ? this.t('timeline.loading') : this.t('timeline.loadEarlier')}
            </button>`
          : this.events.length
            ? html`<span class="start">${this.t('timeline.start')}</span>`
            : nothing}
        ${this.error ? html`<div role="alert" class="status failed">${this.error}</div>` : nothing}
        ${!this.loading && !this.events.length && !this.error ? html`<p class="empty">${this.t('timeline.empty')}</p>` : nothing}
        ${repeat(this.events, (e) => e.seq, (e) => this.renderEvent(e))}
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'casekit-timeline': CasekitTimeline;
  }
}
