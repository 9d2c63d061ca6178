import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { consume } from '@lit/context';
import type { AgentClient } from '@casekit/sdk';
import { customerDisplayName } from '@casekit/protocol';
import type { Agent, Case, CaseStatus, ChannelKind, Customer, Priority } from '@casekit/protocol';
import { themeStyles } from '../internal/theme.ts';
import { inboxStyles } from './inbox.styles.ts';
import { ClientController } from '../client-controller.ts';
import { agentClientContext } from '../context.ts';
import { errorMessage, resolveLang, translate, translatePlural, type MessageKey } from '../i18n.ts';
import '../internal/messages-chat.ts';
import '../internal/messages-agent.ts';
import '../internal/messages-errors.ts';
import { formatCount, formatFull, formatTime, initials } from '../internal/format.ts';
import { channelIcon } from '../internal/channel-icons.ts';
import * as icons from '../internal/icons.ts';
import { CASE_STATUSES, CHANNEL_KINDS, PRIORITIES } from '../internal/labels.ts';
import { CaseSelectEvent } from '../events.ts';
import { agentDirectory } from '../internal/agents.ts';
import { customerName } from '../internal/profile.ts';
import { loadSlaClock } from '../internal/element-loaders.ts';

/** What the inbox is filtered by; empty fields do not filter. */
export interface InboxFilter {
  status?: CaseStatus | '';
  channel?: ChannelKind | '';
  /** An agent id, `me` or `unassigned`. */
  assignee?: string;
  priority?: Priority | '';
  team?: string;
  tag?: string;
  q?: string;
}

const PAGE_SIZE = 200;
const OVERSCAN = 6;
const DEFAULT_ROW_HEIGHT = 76;

function byActivity(a: Case, b: Case): number {
  return a.lastActivityAt < b.lastActivityAt ? 1 : a.lastActivityAt > b.lastActivityAt ? -1 : b.number - a.number;
}

/** The cases with activity since the agent last read them (or never read). */
function unreadOf(cases: readonly Case[], readAt: Readonly<Record<string, string>>): Set<string> {
  return new Set(cases.filter((c) => { const at = readAt[c.id]; return at === undefined || at < c.lastActivityAt; }).map((c) => c.id));
}

/** What a search finds a case's customer by: the name shown, and their name, emails and phones. */
function customerText(customer: Customer | undefined): string {
  return customer ? [customerDisplayName(customer), customer.name, ...customer.emails, ...customer.phones].join(' ') : '';
}

/** Whether a case passes the filter (the same rules the server applies to `listCases`). */
export function matchesFilter(kase: Case, filter: InboxFilter, myId: string | null, customer?: Customer): boolean {
  if (filter.status && kase.status !== filter.status) return false;
  if (filter.channel && !kase.channels.includes(filter.channel)) return false;
  if (filter.priority && kase.priority !== filter.priority) return false;
  if (filter.team && kase.team !== filter.team) return false;
  if (filter.tag && !kase.tags.includes(filter.tag)) return false;
  if (filter.assignee) {
    if (filter.assignee === 'unassigned') {
      if (kase.assigneeId !== null) return false;
    } else if (filter.assignee === 'me') {
      if (!myId || kase.assigneeId !== myId) return false;
    } else if (kase.assigneeId !== filter.assignee) return false;
  }
  if (filter.q) {
    const q = filter.q.toLowerCase().replace(/^#/, '');
    const hay = `${kase.number} ${kase.subject} ${kase.preview} ${customerText(customer)}`.toLowerCase();
    if (!hay.includes(q)) return false;
  }
  return true;
}

/**
 * The unified inbox: every case across channels, filtered and searchable, updated live from
 * the agent client's `case` events (call `client.connect()` for realtime). Each row shows the
 * customer (`customerDisplayName`), and the search finds a case by the customer's name, email or
 * phone too. Rows are virtualized (fixed height), so ten thousand cases
 * scroll smoothly. Arrow keys, Home/End and Page keys move; Enter or Space selects.
 *
 * @event casekit-case-select - A case was chosen; `event.caseId`, `event.case`.
 *
 * @slot empty - Shown when no case matches.
 *
 * @csspart toolbar - Search box and filters.
 * @csspart search - The search input.
 * @csspart filters - The filter row.
 * @csspart list - The scrolling listbox.
 * @csspart row - One case row; also `row-selected` and `row-unread`.
 * @csspart customer - The customer's name in a row.
 * @csspart unread - The new-activity dot.
 * @csspart sla - A row's most urgent SLA clock (`<casekit-sla-clock>`), while one runs or breached.
 *
 * @cssproperty --casekit-inbox-row-height - Row height; must match the `row-height` property (default 76px).
 * @cssproperty --casekit-color-accent - Selection and unread colour.
 */
@customElement('casekit-inbox')
export class CasekitInbox extends LitElement {
  static override styles = [themeStyles, inboxStyles];

  /** The agent client; defaults to the one provided by an ancestor (e.g. `<casekit-workbench>`). */
  @property({ attribute: false }) accessor client: AgentClient | undefined;
  /** Supply cases yourself (the inbox then does not fetch; live updates still apply). */
  @property({ attribute: false }) accessor cases: Case[] | undefined;
  /** The customers of supplied `cases`, by id (fetched cases bring their own). */
  @property({ attribute: false }) accessor customers: Record<string, Customer> | undefined;
  /** Id of the selected case. */
  @property({ reflect: true }) accessor selected = '';
  /** Current filter; changing it reloads. */
  @property({ attribute: false }) accessor filter: InboxFilter = {};
  /** Row height in pixels (keep `--casekit-inbox-row-height` equal). */
  @property({ type: Number, attribute: 'row-height' }) accessor rowHeight = DEFAULT_ROW_HEIGHT;
  /** Hide the search box and filters. */
  @property({ type: Boolean, attribute: 'no-toolbar' }) accessor noToolbar = false;
  /** `light` or `dark` to pin the colour scheme. */
  @property({ reflect: true }) accessor theme: 'light' | 'dark' | undefined;

  @consume({ context: agentClientContext, subscribe: true })
  @state()
  private accessor contextClient: AgentClient | undefined;

  @state() private accessor items: Case[] = [];
  @state() private accessor loading = false;
  @state() private accessor error = '';
  @state() private accessor range: [number, number] = [0, 0];
  @state() private accessor activeIndex = -1;
  @state() private accessor unread = new Set<string>();
  @state() private accessor agents = new Map<string, Agent>();
  @state() private accessor known = new Map<string, Customer>();
  @state() private accessor locale = 'en';

  @query('.viewport') private accessor viewport: HTMLElement | null = null;

  private myId: string | null = null;
  private nextCursor: string | null = null;
  private loadToken = 0;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private rafPending = false;
  private resizeObserver: ResizeObserver | undefined;
  private viewportHeight = 0;
  private knownTags = new Set<string>();
  /** Latest activity the inbox has seen: replayed history at or before it is not "unread". */
  private newestActivity = '';
  /** Case events that arrived before the first page did; applied once it is in. */
  private early: Case[] | null = null;

  /** Customers asked for once, so a burst of events for one new customer fetches it once. */
  private asked = new Set<string>();

  private readonly conn = new ClientController<AgentClient>(this, {
    client: () => this.client ?? this.contextClient,
    on: {
      case: (c: Case) => this.onCaseEvent(c),
      customer: (c: Customer) => this.rememberCustomers([c]),
      agent: (a: Agent) => (this.agents = new Map(this.agents).set(a.id, a)),
    },
    attached: (client) => {
      void this.loadMeta(client);
      if (!this.cases) void this.reload();
    },
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.locale = resolveLang(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    clearTimeout(this.searchTimer);
  }

  protected override firstUpdated(): void {
    this.resizeObserver = new ResizeObserver(() => {
      this.viewportHeight = this.viewport?.clientHeight ?? 0;
      this.computeRange();
    });
    if (this.viewport) this.resizeObserver.observe(this.viewport);
  }

  // Untyped keys: the private state is not among `keyof this`.
  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('customers') && this.customers) this.rememberCustomers(Object.values(this.customers));
    if (changed.has('cases') && this.cases) {
      this.items = this.cases.filter((c) => this.passes(c)).sort(byActivity);
      this.nextCursor = null;
      this.rememberTags(this.items);
      this.noteActivity(this.cases);
    }
    if (changed.has('filter') && changed.get('filter') !== undefined) {
      if (this.cases) this.items = this.cases.filter((c) => this.passes(c)).sort(byActivity);
      else void this.reload();
    }
    if (changed.has('items') || changed.has('rowHeight')) this.computeRange();
    if ((changed.has('items') || changed.has('cases')) && this.items.some((kase) => kase.sla)) loadSlaClock();
  }

  // ---- data ----

  private passes(kase: Case): boolean {
    return matchesFilter(kase, this.filter, this.myId, this.known.get(kase.customerId));
  }

  private rememberCustomers(customers: readonly Customer[]): void {
    if (customers.length === 0) return;
    const next = new Map(this.known);
    for (const c of customers) next.set(c.id, c);
    this.known = next;
  }

  /** Fetches the customer of a case that arrived live, when the inbox does not know them yet. */
  private learnCustomer(customerId: string): void {
    const client = this.conn.client;
    if (!client || this.known.has(customerId) || this.asked.has(customerId)) return;
    this.asked.add(customerId);
    client.getCustomer(customerId).then(
      (customer) => this.rememberCustomers([customer]),
      () => this.asked.delete(customerId),
    );
  }

  private async loadMeta(client: AgentClient): Promise<void> {
    try {
      const [me, agents] = await Promise.all([client.me(), agentDirectory(client)]);
      this.myId = me.id;
      this.agents = agents;
    } catch {
      // Without the agent list rows show no assignee initials; everything else still works.
    }
  }

  private query(): Record<string, unknown> {
    const f = this.filter;
    return {
      limit: PAGE_SIZE,
      ...(f.status ? { status: [f.status] } : {}),
      ...(f.channel ? { channel: [f.channel] } : {}),
      ...(f.priority ? { priority: [f.priority] } : {}),
      ...(f.team ? { team: f.team } : {}),
      ...(f.assignee ? { assignee: f.assignee } : {}),
      ...(f.tag ? { tag: f.tag } : {}),
      ...(f.q ? { q: f.q } : {}),
    };
  }

  /** Reloads the first page with the current filter. */
  async reload(): Promise<void> {
    const client = this.conn.client;
    if (!client || this.cases) return;
    const token = ++this.loadToken;
    this.loading = true;
    this.error = '';
    if (!this.items.length) this.early ??= [];
    try {
      const page = await client.listCases(this.query() as Parameters<AgentClient['listCases']>[0]);
      if (token !== this.loadToken) return;
      this.rememberCustomers(Object.values(page.customers ?? {}));
      this.items = page.items;
      this.nextCursor = page.nextCursor;
      this.unread = unreadOf(page.items, page.readAt);
      this.rememberTags(page.items);
      this.noteActivity(page.items);
      const early = this.early ?? [];
      this.early = null;
      for (const kase of early) this.onCaseEvent(kase);
      this.activeIndex = Math.min(this.activeIndex, this.items.length - 1);
      if (this.viewport) this.viewport.scrollTop = 0;
    } catch (err) {
      if (token === this.loadToken) this.error = errorMessage(this.locale, err);
    } finally {
      if (token === this.loadToken) {
        this.loading = false;
        this.early = null;
      }
    }
  }

  private noteActivity(cases: Case[]): void {
    for (const c of cases) if (c.lastActivityAt > this.newestActivity) this.newestActivity = c.lastActivityAt;
  }

  private async loadMore(): Promise<void> {
    const client = this.conn.client;
    if (!client || !this.nextCursor || this.loading || this.cases) return;
    const token = this.loadToken;
    this.loading = true;
    try {
      const page = await client.listCases({ ...this.query(), cursor: this.nextCursor } as Parameters<AgentClient['listCases']>[0]);
      if (token !== this.loadToken) return;
      const seen = new Set(this.items.map((c) => c.id));
      this.rememberCustomers(Object.values(page.customers ?? {}));
      this.items = [...this.items, ...page.items.filter((c) => !seen.has(c.id))];
      this.nextCursor = page.nextCursor;
      this.unread = new Set([...this.unread, ...unreadOf(page.items.filter((c) => !seen.has(c.id)), page.readAt)]);
      this.rememberTags(page.items);
    } catch (err) {
      this.error = errorMessage(this.locale, err);
    } finally {
      if (token === this.loadToken) this.loading = false;
    }
  }

  private rememberTags(cases: Case[]): void {
    for (const c of cases) for (const t of c.tags) this.knownTags.add(t);
  }

  private onCaseEvent(kase: Case): void {
    if (this.early) {
      this.early.push(kase);
      return;
    }
    const index = this.items.findIndex((c) => c.id === kase.id);
    const prev = index >= 0 ? this.items[index] : undefined;
    // An older snapshot (a replayed event) must not replace a newer one.
    if (prev && (prev.version > kase.version || (prev.version === kase.version && prev.lastActivityAt > kase.lastActivityAt))) return;
    if (this.cases) {
      const i = this.cases.findIndex((c) => c.id === kase.id);
      if (i >= 0) this.cases[i] = kase;
      else this.cases.push(kase);
    }
    const activeId = this.items[this.activeIndex]?.id;
    const next = this.items.filter((c) => c.id !== kase.id);
    this.learnCustomer(kase.customerId);
    if (this.passes(kase)) {
      next.push(kase);
      next.sort(byActivity);
      const isNewActivity = kase.lastActivityAt > (prev ? prev.lastActivityAt : this.newestActivity);
      if (isNewActivity && kase.id !== this.selected) this.unread = new Set(this.unread).add(kase.id);
      // What arrives in the case the agent has open is read as it arrives.
      else if (isNewActivity) this.markRead(kase.id);
    }
    this.items = next;
    this.rememberTags([kase]);
    this.noteActivity([kase]);
    // Keep the keyboard position on the same case when rows move.
    if (activeId) this.activeIndex = next.findIndex((c) => c.id === activeId);
  }

  // ---- virtualization ----

  private onScroll(): void {
    if (this.rafPending) return;
    this.rafPending = true;
    requestAnimationFrame(() => {
      this.rafPending = false;
      this.computeRange();
    });
  }

  private computeRange(): void {
    const el = this.viewport;
    const h = this.rowHeight;
    const height = this.viewportHeight || el?.clientHeight || 600;
    const top = el?.scrollTop ?? 0;
    const start = Math.max(0, Math.floor(top / h) - OVERSCAN);
    const end = Math.min(this.items.length, Math.ceil((top + height) / h) + OVERSCAN);
    if (start !== this.range[0] || end !== this.range[1]) this.range = [start, end];
    if (this.nextCursor && end > this.items.length - 40) void this.loadMore();
  }

  private scrollRowIntoView(index: number): void {
    const el = this.viewport;
    if (!el) return;
    const h = this.rowHeight;
    const top = index * h;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + h > el.scrollTop + el.clientHeight) el.scrollTop = top + h - el.clientHeight;
    this.computeRange();
  }

  // ---- interaction ----

  private select(index: number): void {
    const kase = this.items[index];
    if (!kase) return;
    this.activeIndex = index;
    this.selected = kase.id;
    if (this.unread.has(kase.id)) {
      const next = new Set(this.unread);
      next.delete(kase.id);
      this.unread = next;
      this.markRead(kase.id);
    }
    this.dispatchEvent(new CaseSelectEvent(kase));
  }

  /** Tells the server, so the case shows as read on the agent's other devices too. */
  private markRead(caseId: string): void {
    const client = this.conn.client;
    if (!client || this.cases) return;
    client.markCaseRead(caseId).catch(() => {
      // Best effort: the marker is already gone here, and the next read sets it on the server.
    });
  }

  private onKeyDown(e: KeyboardEvent): void {
    const count = this.items.length;
    if (!count) return;
    const page = Math.max(1, Math.floor((this.viewport?.clientHeight ?? 600) / this.rowHeight) - 1);
    const current = this.activeIndex < 0 ? this.items.findIndex((c) => c.id === this.selected) : this.activeIndex;
    let next = current;
    switch (e.key) {
      case 'ArrowDown':
        next = current < 0 ? 0 : Math.min(count - 1, current + 1);
        break;
      case 'ArrowUp':
        next = current < 0 ? 0 : Math.max(0, current - 1);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = count - 1;
        break;
      case 'PageDown':
        next = Math.min(count - 1, Math.max(0, current) + page);
        break;
      case 'PageUp':
        next = Math.max(0, current - page);
        break;
      case 'Enter':
      case ' ':
        e.preventDefault();
        if (current >= 0) this.select(current);
        return;
      default:
        return;
    }
    e.preventDefault();
    this.activeIndex = next;
    this.scrollRowIntoView(next);
  }

  private onFocus(): void {
    if (this.activeIndex < 0 && this.items.length) {
      const sel = this.items.findIndex((c) => c.id === this.selected);
      this.activeIndex = sel >= 0 ? sel : 0;
      this.scrollRowIntoView(this.activeIndex);
    }
  }

  private onRowClick(e: MouseEvent): void {
    const row = (e.target as Element).closest<HTMLElement>('[data-index]');
    if (row) this.select(Number(row.dataset['index']));
  }

  private setFilter(patch: Partial<InboxFilter>): void {
    this.filter = { ...this.filter, ...patch };
  }

  private onSearch(e: InputEvent): void {
    const value = (e.target as HTMLInputElement).value.trim();
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => this.setFilter({ q: value }), 250);
  }

  // ---- rendering ----

  private t(key: MessageKey, vars?: Record<string, string | number>): string {
    return translate(this.locale, key, vars);
  }

  private renderToolbar() {
    const f = this.filter;
    const agents = [...this.agents.values()].filter((a) => a.kind === 'human');
    // Teams come from the agents' memberships: the teams cases can be routed to.
    const teams = [...new Set(agents.flatMap((a) => a.teams))].sort();
    const sel = (key: keyof InboxFilter) => (e: Event) =>
      this.setFilter({ [key]: (e.target as HTMLSelectElement).value } as Partial<InboxFilter>);
    return html`<div part="toolbar" class="toolbar">
      <div class="search" role="search">
        ${icons.search}
        <input
          part="search"
          class="field"
          type="search"
          aria-label=${this.t('inbox.search')}
          placeholder=${this.t('inbox.search')}
          .value=${f.q ?? ''}
          @input=${this.onSearch}
        />
      </div>
      <div part="filters" class="filters" role="group" aria-label=${this.t('inbox.filters')}>
        <select class="field" aria-label=${this.t('inbox.filter.status')} @change=${sel('status')}>
          <option value="" ?selected=${!f.status}>${this.t('inbox.filter.status')}: ${this.t('inbox.any')}</option>
          ${CASE_STATUSES.map((s) => html`<option value=${s} ?selected=${f.status === s}>${this.t(`case.status.${s}`)}</option>`)}
        </select>
        <select class="field" aria-label=${this.t('inbox.filter.channel')} @change=${sel('channel')}>
          <option value="" ?selected=${!f.channel}>${this.t('inbox.filter.channel')}: ${this.t('inbox.any')}</option>
          ${CHANNEL_KINDS.map((k) => html`<option value=${k} ?selected=${f.channel === k}>${this.t(`channel.${k}`)}</option>`)}
        </select>
        <select class="field" aria-label=${this.t('inbox.filter.assignee')} @change=${sel('assignee')}>
          <option value="" ?selected=${!f.assignee}>${this.t('inbox.filter.assignee')}: ${this.t('inbox.any')}</option>
          <option value="me" ?selected=${f.assignee === 'me'}>${this.t('inbox.mine')}</option>
          <option value="unassigned" ?selected=${f.assignee === 'unassigned'}>${this.t('inbox.unassigned')}</option>
          ${agents.map((a) => html`<option value=${a.id} ?selected=${f.assignee === a.id}>${a.name}</option>`)}
        </select>
        <select class="field" aria-label=${this.t('inbox.filter.priority')} @change=${sel('priority')}>
          <option value="" ?selected=${!f.priority}>${this.t('inbox.filter.priority')}: ${this.t('inbox.any')}</option>
          ${PRIORITIES.map((p) => html`<option value=${p} ?selected=${f.priority === p}>${this.t(`case.priority.${p}`)}</option>`)}
        </select>
        ${teams.length
          ? html`<select class="field" aria-label=${this.t('inbox.filter.team')} @change=${sel('team')}>
              <option value="" ?selected=${!f.team}>${this.t('inbox.filter.team')}: ${this.t('inbox.any')}</option>
              ${teams.map((team) => html`<option value=${team} ?selected=${f.team === team}>${team}</option>`)}
            </select>`
          : nothing}
        <input
          class="field"
          list="inbox-tags"
          aria-label=${this.t('inbox.filter.tag')}
          placeholder=${this.t('inbox.filter.tag')}
          .value=${f.tag ?? ''}
          @change=${(e: Event) => this.setFilter({ tag: (e.target as HTMLInputElement).value.trim() })}
        />
        <datalist id="inbox-tags">${[...this.knownTags].slice(0, 200).map((t) => html`<option value=${t}></option>`)}</datalist>
      </div>
    </div>`;
  }

  private renderRow(kase: Case, index: number) {
    const selected = kase.id === this.selected;
    const unread = this.unread.has(kase.id);
    const assignee = kase.assigneeId ? this.agents.get(kase.assigneeId) : undefined;
    const customer = this.known.get(kase.customerId);
    const status = this.t(`case.status.${kase.status}`);
    return html`<div
      part="row${selected ? ' row-selected' : ''}${unread ? ' row-unread' : ''}"
      class="row ${index === this.activeIndex ? 'active' : ''} ${unread ? 'unread' : ''}"
      role="option"
      id="case-${kase.id}"
      data-index=${index}
      aria-selected=${selected ? 'true' : 'false'}
      aria-posinset=${index + 1}
      aria-setsize=${this.items.length}
      style="transform: translateY(${index * this.rowHeight}px)"
    >
      <span class="channels">
        ${kase.channels.slice(0, 3).map((k) => html`<span title=${this.t(`channel.${k}` as MessageKey)}>${channelIcon(k)}</span>`)}
        <span class="visually-hidden">${kase.channels.map((k) => this.t(`channel.${k}` as MessageKey)).join(', ')}</span>
      </span>
      <span class="subject"><span class="number">#${kase.number}</span><span class="ellipsis">${kase.subject}</span></span>
      <span class="time">
        ${unread ? html`<span part="unread" class="dot" title=${this.t('inbox.unread')}></span><span class="visually-hidden">${this.t('inbox.unread')}</span>` : nothing}
        <time datetime=${kase.lastActivityAt} title=${formatFull(kase.lastActivityAt, this.locale)}>${formatTime(kase.lastActivityAt, this.locale)}</time>
      </span>
      <span class="preview ellipsis">${customer
          ? html`<span part="customer" class="customer">${customerName(customer, this.locale)}</span><span aria-hidden="true"> · </span>`
          : nothing}${kase.preview}</span>
      <span class="assignee" title=${assignee?.name ?? this.t('case.unassigned')} aria-hidden="true">${assignee ? initials(assignee.name) : '–'}</span>
      <span class="chips">
        ${kase.sla ? html`<casekit-sla-clock part="sla" compact .theme=${this.theme} .sla=${kase.sla}></casekit-sla-clock>` : nothing}
        <span class="chip status-${kase.status}">${status}</span>
        ${kase.priority === 'high' || kase.priority === 'urgent'
          ? html`<span class="chip priority-${kase.priority}">${this.t(`case.priority.${kase.priority}`)}</span>`
          : nothing}
        ${kase.tags.slice(0, 3).map((t) => html`<span class="chip">${t}</span>`)}
      </span>
    </div>`;
  }

  protected override render() {
    const [start, end] = this.range;
    const visible = this.items.slice(start, end);
    const active = this.items[this.activeIndex];
    return html`<div class="root" lang=${this.locale}>
      ${this.noToolbar ? nothing : this.renderToolbar()}
      <div class="summary" role="status">
        <span>${this.loading && !this.items.length ? this.t('inbox.loading') : translatePlural(this.locale, 'inbox.count', this.items.length, { count: formatCount(this.items.length, this.locale) + (this.nextCursor ? '+' : '') })}</span>
      </div>
      ${this.error ? html`<div class="message error" role="alert">${this.t('inbox.error')} ${this.error}</div>` : nothing}
      ${!this.loading && !this.error && this.items.length === 0
        ? html`<slot name="empty"><div class="message">${this.t('inbox.empty')}</div></slot>`
        : nothing}
      <div
        part="list"
        class="viewport"
        role="listbox"
        tabindex="0"
        aria-label=${this.t('inbox.label')}
        aria-activedescendant=${active && this.activeIndex >= start && this.activeIndex < end ? `case-${active.id}` : nothing}
        @scroll=${this.onScroll}
        @keydown=${this.onKeyDown}
        @focus=${this.onFocus}
        @click=${this.onRowClick}
      >
        <div class="spacer" style="block-size: ${this.items.length * this.rowHeight}px"></div>
        ${repeat(visible, (kase) => kase.id, (kase, i) => this.renderRow(kase, start + i))}
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'casekit-inbox': CasekitInbox;
  }
}
