import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { consume } from '@lit/context';
import type { AgentClient } from '@casekit/sdk';
import type { Agent, CaseEvent, DeliveryStatus, Message } from '@casekit/protocol';
import { themeStyles } from '../internal/theme.ts';
import { timelineStyles } from './timeline.styles.ts';
import { ClientController } from '../client-controller.ts';
import { agentClientContext } from '../context.ts';
import { agentDirectory } from '../internal/agents.ts';
import { resolveLang, translate, type MessageKey } from '../i18n.ts';
import '../internal/messages-chat.ts';
import '../internal/messages-agent.ts';
import { formatFull, formatTime } from '../internal/format.ts';
import { attachmentStyles, renderAttachments } from '../internal/attachments.ts';
import { channelIcon } from '../internal/channel-icons.ts';
import * as icons from '../internal/icons.ts';

const PAGE_SIZE = 50;
/** Events the timeline draws; the rest (customer and presence changes) are left out. */
const SHOWN = new Set<CaseEvent['type']>(['message.created', 'case.created', 'case.updated']);
/** Fields of `case.updated` changes worth a line in the timeline. */
const CHANGE_FIELDS = ['status', 'priority', 'assigneeId', 'tags'] as const;

/**
 * Everything that happened with a customer, across cases and channels, oldest at the top and
 * newest at the bottom: messages, internal notes (styled apart) and status, priority,
 * assignment and tag changes. Scrolling to the top loads earlier history; new events arrive live.
 *
 * @csspart scroller - The scrolling area.
 * @csspart message - A message; also `note` for internal notes.
 * @csspart bubble - A message's text.
 * @csspart attachment - A file on a message: an image thumbnail (alt text: its name) or a link.
 * @csspart change - A status / priority / assignment line.
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
  accessor contextClient: AgentClient | undefined;

  @state() accessor events: CaseEvent[] = [];
  @state() accessor loading = false;
  @state() accessor error = '';
  @state() accessor hasMore = false;
  @state() accessor agents = new Map<string, Agent>();
  @state() accessor locale = 'en';

  @query('.scroller') accessor scroller: HTMLElement | null = null;

  private cursor: string | null = null;
  private statuses = new Map<string, DeliveryStatus>();
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
      if (token === this.loadToken) this.error = err instanceof Error ? err.message : String(err);
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
      this.error = err instanceof Error ? err.message : String(err);
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

  private learn(e: CaseEvent): void {
    if (e.type === 'message.status') this.statuses.set(e.data.messageId, e.data.status);
    if (e.type === 'case.created' || e.type === 'case.updated') this.caseNumbers.set(e.data.case.id, e.data.case.number);
    if (e.type === 'message.created' && e.data.case) this.caseNumbers.set(e.data.case.id, e.data.case.number);
  }

  private onEvent(e: CaseEvent): void {
    if (!this.customerId || e.customerId !== this.customerId) return;
    if (e.type === 'message.status') {
      this.statuses.set(e.data.messageId, e.data.status);
      this.requestUpdate();
      return;
    }
    const el = this.scroller;
    this.stickToBottom = !el || el.scrollHeight - el.scrollTop - el.clientHeight < 60;
    this.merge([e]);
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

  private renderMessage(e: CaseEvent & { type: 'message.created' }) {
    const m: Message = e.data.message;
    const status = this.statuses.get(m.id) ?? m.status;
    const outbound = m.direction === 'outbound';
    return html`<article
      part=${m.internal ? 'message note' : 'message'}
      class="item ${outbound ? 'outbound' : 'inbound'} ${m.internal ? 'note' : ''}"
      data-seq=${e.seq}
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
      )}</div>
      ${outbound && !m.internal
        ? html`<span class="status ${status}">${this.t(`status.${status}` as MessageKey)}</span>`
        : nothing}
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
      case 'tags':
        return this.t('timeline.change.tags', { actor, to: Array.isArray(after) && after.length ? after.join(', ') : '–' });
      default:
        return this.t('timeline.change.other', { actor, field });
    }
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
        const lines = CHANGE_FIELDS.filter((f) => f in e.data.changes).map((f) => {
          const [before, after] = e.data.changes[f]!;
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
