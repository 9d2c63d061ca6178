import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import type { AgentClient } from '@casekit/sdk';
import { PERMISSIONS, roleAtLeast } from '@casekit/protocol';
import type { Agent, Case, CaseDetail, CaseUpdateRequest, Customer } from '@casekit/protocol';
import { themeStyles } from '../internal/theme.ts';
import { caseStyles } from './case.styles.ts';
import { ClientController } from '../client-controller.ts';
import { agentClientContext } from '../context.ts';
import { agentDirectory, currentAgent } from '../internal/agents.ts';
import { errorMessage, resolveLang, translate, type MessageKey } from '../i18n.ts';
import '../internal/messages-chat.ts';
import '../internal/messages-agent.ts';
import '../internal/messages-errors.ts';
import { initials } from '../internal/format.ts';
import { contactKinds, contactPoints, customerName, profileDetails } from '../internal/profile.ts';
import { channelIcon } from '../internal/channel-icons.ts';
import * as icons from '../internal/icons.ts';
import { CASE_TRANSITIONS, PRIORITIES } from '../internal/labels.ts';
import { CaseChangedEvent, CaseChangeRequestEvent } from '../events.ts';
import { SLA_METRICS } from '@casekit/protocol';
import type { CaseEvent } from '@casekit/protocol';
import type { SlaMetric } from '../sla/sla-clock.ts';
import { loadBillingPanel, loadSlaClock } from '../internal/element-loaders.ts';

type CaseChange = Omit<CaseUpdateRequest, 'version'>;

/**
 * One case: its header, status / priority / assignee / tags (saved with the case's version, so
 * a concurrent change is never overwritten) and the customer's profile with every identity.
 * Supervisors also get "Take over" (assign to me) and "Transfer to team" (sets the team and
 * unassigns, so routing gives it to someone in that team). A customer linked to Splynx gets their
 * billing account under the profile (`<casekit-billing-panel>`, loaded then).
 *
 * @slot integrations - Host panels shown under the customer (billing, CRM links…).
 *
 * @event casekit-case-change-request - Cancelable, before a change is saved; `event.changes`.
 * @event casekit-case-changed - A change was saved; `event.case`.
 *
 * @csspart header - Case number and subject.
 * @csspart sla - The case's three SLA clocks under the subject; a breach announced for the case flashes its clock and is said politely.
 * @csspart fields - Status, priority, assignee and tags.
 * @csspart supervisor - Take over and transfer to a team (supervisors).
 * @csspart customer - The customer profile.
 * @csspart identities - The customer's emails, phones and channel identities, one line each.
 * @csspart details - The customer's attributes under human labels.
 * @csspart billing - The customer's Splynx account (`<casekit-billing-panel>`), when they are linked to Splynx.
 */
@customElement('casekit-case')
export class CasekitCase extends LitElement {
  static override styles = [themeStyles, caseStyles];

  /** The agent client; defaults to the one provided by an ancestor. */
  @property({ attribute: false }) accessor client: AgentClient | undefined;
  /** The case to show. */
  @property({ attribute: 'case-id' }) accessor caseId = '';
  /** `light` or `dark` to pin the colour scheme. */
  @property({ reflect: true }) accessor theme: 'light' | 'dark' | undefined;

  @consume({ context: agentClientContext, subscribe: true })
  @state()
  private accessor contextClient: AgentClient | undefined;

  @state() private accessor detail: CaseDetail | undefined;
  @state() private accessor agents = new Map<string, Agent>();
  @state() private accessor me: Agent | undefined;
  @state() private accessor loading = false;
  @state() private accessor saving = false;
  @state() private accessor notice = '';
  @state() private accessor locale = 'en';
  /** The clock whose breach was just announced, drawn to the eye for a moment. */
  @state() private accessor slaFlash: SlaMetric | undefined;
  @state() private accessor slaAnnouncement = '';

  private loadToken = 0;
  private flashTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly conn = new ClientController<AgentClient>(this, {
    client: () => this.client ?? this.contextClient,
    on: {
      case: (c: Case) => this.onCase(c),
      customer: (c: Customer) => {
        if (this.detail && c.id === this.detail.customer.id) this.detail = { ...this.detail, customer: c };
      },
      event: (e: CaseEvent) => this.onSlaEvent(e),
    },
    attached: (client) => {
      void agentDirectory(client).then((a) => (this.agents = a));
      void currentAgent(client).then((me) => (this.me = me), () => undefined);
      void this.reload();
    },
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.locale = resolveLang(this);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.detail?.case.sla) loadSlaClock();
    if (this.detail?.customer.splynxId) loadBillingPanel();
    if (changed.has('caseId') && changed.get('caseId') !== undefined) void this.reload();
  }

  /** The case as last loaded or pushed. */
  get case(): Case | undefined {
    return this.detail?.case;
  }

  /** Reloads the case, its customer and conversations. */
  async reload(): Promise<void> {
    const client = this.conn.client;
    const token = ++this.loadToken;
    if (!client || !this.caseId) {
      this.detail = undefined;
      return;
    }
    if (this.detail?.case.id !== this.caseId) this.detail = undefined;
    this.loading = true;
    try {
      const detail = await client.getCase(this.caseId);
      if (token === this.loadToken) this.detail = detail;
    } catch (err) {
      if (token === this.loadToken) this.notice = errorMessage(this.locale, err);
    } finally {
      if (token === this.loadToken) this.loading = false;
    }
  }

  /** A breach of the open case's clock: said politely and flashed; the clocks come with the `case.updated` after it. */
  private onSlaEvent(e: CaseEvent): void {
    if (e.type !== 'case.sla' || e.data.kind !== 'breach' || e.caseId !== this.detail?.case.id) return;
    this.slaAnnouncement = this.t('sla.breachNotice', { metric: this.t(`sla.${e.data.metric}`) });
    this.slaFlash = e.data.metric;
    clearTimeout(this.flashTimer);
    this.flashTimer = setTimeout(() => (this.slaFlash = undefined), 4000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.flashTimer);
  }

  private onCase(c: Case): void {
    if (!this.detail || c.id !== this.detail.case.id || c.version < this.detail.case.version) return;
    this.detail = { ...this.detail, case: c };
  }

  /** Saves a change with the current version; a stale version reloads and says so. */
  async change(changes: CaseChange): Promise<boolean> {
    const client = this.conn.client;
    const current = this.detail?.case;
    if (!client || !current) return false;
    if (!this.dispatchEvent(new CaseChangeRequestEvent(current.id, changes))) {
      this.requestUpdate();
      return false;
    }
    this.saving = true;
    this.notice = '';
    try {
      const updated = await client.updateCase(current.id, { version: current.version, ...changes });
      if (this.detail) this.detail = { ...this.detail, case: updated };
      this.dispatchEvent(new CaseChangedEvent(updated));
      return true;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'version_conflict') {
        this.notice = this.t('case.conflict');
        await this.reload();
      } else {
        this.notice = this.t('case.saveError', { message: errorMessage(this.locale, err) });
        this.requestUpdate();
      }
      return false;
    } finally {
      this.saving = false;
    }
  }

  private onAddTag(e: KeyboardEvent): void {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const input = e.target as HTMLInputElement;
    const tag = input.value.trim();
    const kase = this.case;
    if (!tag || !kase) return;
    input.value = '';
    if (!kase.tags.includes(tag)) void this.change({ tags: [...kase.tags, tag] });
  }

  private t(key: MessageKey, vars?: Record<string, string | number>): string {
    return translate(this.locale, key, vars);
  }

  private renderFields(kase: Case) {
    const statuses = [kase.status, ...CASE_TRANSITIONS[kase.status]];
    const humans = [...this.agents.values()].filter((a) => (a.kind === 'human' && a.active !== false) || a.id === kase.assigneeId);
    return html`<section part="fields" aria-busy=${this.saving ? 'true' : 'false'}>
      <div class="grid">
        <label for="case-status">${this.t('case.status')}</label>
        <select
          id="case-status"
          class="field"
          ?disabled=${this.saving || statuses.length === 1}
          @change=${(e: Event) => this.change({ status: (e.target as HTMLSelectElement).value as Case['status'] })}
        >
          ${statuses.map((s) => html`<option value=${s} ?selected=${s === kase.status}>${this.t(`case.status.${s}`)}</option>`)}
        </select>
        <label for="case-priority">${this.t('case.priority')}</label>
        <select
          id="case-priority"
          class="field"
          ?disabled=${this.saving}
          @change=${(e: Event) => this.change({ priority: (e.target as HTMLSelectElement).value as Case['priority'] })}
        >
          ${PRIORITIES.map((p) => html`<option value=${p} ?selected=${p === kase.priority}>${this.t(`case.priority.${p}`)}</option>`)}
        </select>
        <label for="case-assignee">${this.t('case.assignee')}</label>
        <select
          id="case-assignee"
          class="field"
          ?disabled=${this.saving}
          @change=${(e: Event) => this.change({ assigneeId: (e.target as HTMLSelectElement).value || null })}
        >
          <option value="" ?selected=${!kase.assigneeId}>${this.t('case.unassigned')}</option>
          ${humans.map((a) => html`<option value=${a.id} ?selected=${a.id === kase.assigneeId}>${a.name}</option>`)}
        </select>
        <span class="muted" id="case-tags-label">${this.t('case.tags')}</span>
        <div class="tags" role="group" aria-labelledby="case-tags-label">
          ${kase.tags.map(
            (tag) => html`<span class="tag"
              >${tag}<button
                type="button"
                aria-label=${this.t('case.removeTag', { tag })}
                ?disabled=${this.saving}
                @click=${() => this.change({ tags: kase.tags.filter((t) => t !== tag) })}
              >
                ${icons.close}
              </button></span
            >`,
          )}
          <input class="field" aria-label=${this.t('case.addTag')} placeholder=${this.t('case.addTag')} @keydown=${this.onAddTag} />
        </div>
      </div>
    </section>`;
  }

  /** Take over and transfer to a team: the supervisor tools that go with the live queue. */
  private renderSupervisor(kase: Case) {
    const me = this.me;
    if (!me || !roleAtLeast(me.role, PERMISSIONS.viewQueue)) return nothing;
    const teams = [...new Set([...this.agents.values()].flatMap((a) => a.teams))].sort();
    const transfer = (e: SubmitEvent) => {
      e.preventDefault();
      const team = String(new FormData(e.target as HTMLFormElement).get('team') ?? '').trim();
      if (team) void this.change({ team, assigneeId: null });
    };
    return html`<section part="supervisor" class="supervisor" aria-labelledby="case-supervisor-title">
      <h3 id="case-supervisor-title">${this.t('case.supervisor')}</h3>
      <p class="muted">${this.t('case.team')}: ${kase.team ?? this.t('case.noTeam')}</p>
      ${kase.assigneeId === me.id
        ? nothing
        : html`<button class="btn" type="button" ?disabled=${this.saving} @click=${() => this.change({ assigneeId: me.id })}>
            ${this.t(kase.assigneeId ? 'case.takeOver' : 'case.take')}
          </button>`}
      <form class="transfer" @submit=${transfer}>
        <label for="case-transfer">${this.t('case.transfer')}</label>
        <div class="row">
          <input class="field" id="case-transfer" name="team" list="case-teams" required maxlength="60" aria-describedby="case-transfer-help" />
          <datalist id="case-teams">${teams.map((team) => html`<option value=${team}></option>`)}</datalist>
          <button class="btn" type="submit" ?disabled=${this.saving}>${this.t('case.transfer')}</button>
        </div>
        <span class="muted help" id="case-transfer-help">${this.t('case.transferHelp')}</span>
      </form>
    </section>`;
  }

  private renderCustomer(customer: Customer) {
    const name = customerName(customer, this.locale);
    const details = profileDetails(customer, this.locale);
    return html`<section part="customer" aria-labelledby="customer-title">
      <h3 id="customer-title">${this.t('case.customer')}</h3>
      <div class="customer">
        <span class="avatar" aria-hidden="true">${initials(name)}</span>
        <span class="customer-name">
          <strong class="ellipsis" title=${name}>${name}</strong>
          ${customer.splynxId ? html`<span class="muted">${this.t('case.splynx', { id: customer.splynxId })}</span>` : nothing}
        </span>
      </div>
      <ul part="identities" aria-label=${this.t('case.identities')}>
        ${contactPoints(customer, this.locale).map((point) => {
          const kinds = contactKinds(point, this.locale);
          return html`<li aria-label=${`${kinds}: ${point.full}`}>
            ${channelIcon(point.kinds[0]!)}<span class="value ellipsis" dir=${point.kinds[0] === 'sms' || point.kinds[0] === 'whatsapp' ? 'ltr' : nothing} title=${point.full}>${point.value}</span
            ><span class="kind">${kinds}</span>
          </li>`;
        })}
      </ul>
      ${details.length
        ? html`<dl part="details" aria-label=${this.t('case.details')}>
            ${details.map((d) => html`<dt>${d.label}</dt><dd>${d.value}</dd>`)}
          </dl>`
        : nothing}
    </section>`;
  }

  protected override render() {
    const detail = this.detail;
    if (!detail) {
      return html`<div class="root" lang=${this.locale}>
        <p class="empty" role="status">${this.caseId && this.loading ? this.t('case.loading') : this.caseId ? this.notice : this.t('case.none')}</p>
      </div>`;
    }
    const kase = detail.case;
    return html`<div class="root" lang=${this.locale}>
      <header part="header">
        <div class="number">
          #${kase.number}
          ${kase.channels.map((k) => html`<span title=${this.t(`channel.${k}` as MessageKey)}>${channelIcon(k)}</span>`)}
        </div>
        <h2>${kase.subject || '—'}</h2>
        ${kase.sla
          ? html`<ul part="sla" class="sla" aria-label=${this.t('sla.label')}>
              ${SLA_METRICS.map(
                (metric) => html`<li><casekit-sla-clock .theme=${this.theme} .sla=${kase.sla} metric=${metric} show-label ?flash=${this.slaFlash === metric}></casekit-sla-clock></li>`,
              )}
            </ul>`
          : nothing}
        <div class="visually-hidden" role="status">${this.slaAnnouncement}</div>
      </header>
      ${this.notice ? html`<div class="notice" role="alert">${this.notice}</div>` : nothing}
      ${this.renderFields(kase)} ${this.renderSupervisor(kase)} ${this.renderCustomer(detail.customer)}
      ${detail.customer.splynxId
        ? html`<casekit-billing-panel part="billing" .theme=${this.theme} .client=${this.conn.client} customer-id=${detail.customer.id}></casekit-billing-panel>`
        : nothing}
      <slot name="integrations"></slot>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'casekit-case': CasekitCase;
  }
}
