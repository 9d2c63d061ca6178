import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import type { AgentClient } from '@casekit/sdk';
import { isInvoiceOverdue } from '@casekit/protocol';
import type { BillingAccount, BillingInvoice, Customer } from '@casekit/protocol';
import { themeStyles } from '../internal/theme.ts';
import { billingPanelStyles } from './billing-panel.styles.ts';
import { ClientController } from '../client-controller.ts';
import { agentClientContext } from '../context.ts';
import { errorMessage, resolveLang, translate, type MessageKey } from '../i18n.ts';
import '../internal/messages-agent.ts';
import '../internal/messages-errors.ts';
import '../internal/messages-billing.ts';
import { formatDay, formatFull, safeUrl } from '../internal/format.ts';

/** Today as `YYYY-MM-DD` on the reader's clock, the day `isInvoiceOverdue` compares due days with. */
function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * A customer's Splynx account as last synced, for the agent on the case: status (blocked stands
 * out), services, unpaid invoices with the overdue ones marked, the amount due, recent paid
 * invoices folded away, when it was synced and a link to the customer in Splynx. Read-only: the
 * billing system owns the account. `<casekit-case>` shows it for customers linked to Splynx.
 *
 * @example
 * <casekit-billing-panel customer-id="cu_maria"></casekit-billing-panel>
 *
 * @csspart status - The account status badge (`data-status` holds the status).
 * @csspart amount-due - The amount due.
 * @csspart services - The list of services.
 * @csspart unpaid - The table of unpaid invoices.
 * @csspart overdue - The "Overdue" marker of an invoice past its due day.
 * @csspart paid - The folded list of recent paid invoices.
 * @csspart link - The "Open in Splynx" link.
 */
@customElement('casekit-billing-panel')
export class CasekitBillingPanel extends LitElement {
  static override styles = [themeStyles, billingPanelStyles];

  /** The agent client; defaults to the one provided by an ancestor. */
  @property({ attribute: false }) accessor client: AgentClient | undefined;
  /** The customer whose account to show. */
  @property({ attribute: 'customer-id' }) accessor customerId = '';
  /** `light` or `dark` to pin the colour scheme. */
  @property({ reflect: true }) accessor theme: 'light' | 'dark' | undefined;

  @consume({ context: agentClientContext, subscribe: true })
  @state()
  private accessor contextClient: AgentClient | undefined;

  /** The account; null when the customer has none, undefined until loaded. */
  @state() private accessor account: BillingAccount | null | undefined;
  @state() private accessor loading = false;
  @state() private accessor error = '';
  @state() private accessor locale = 'en';

  private loadToken = 0;

  private readonly conn = new ClientController<AgentClient>(this, {
    client: () => this.client ?? this.contextClient,
    on: {
      // A sync that links or relinks the customer changes the profile: read the account again.
      customer: (c: Customer) => {
        if (c.id === this.customerId) void this.reload();
      },
      // A sync that read the account again (a payment, a blocked line): show it as it is now.
      billing: (account: BillingAccount) => {
        if (account.customerId !== this.customerId) return;
        this.loadToken++;
        this.account = account;
        this.loading = false;
        this.error = '';
      },
    },
    attached: () => void this.reload(),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.locale = resolveLang(this);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('customerId') && changed.get('customerId') !== undefined) void this.reload();
  }

  /** Reads the account again from the server. */
  async reload(): Promise<void> {
    const client = this.conn.client;
    const token = ++this.loadToken;
    if (!client || !this.customerId) {
      this.account = undefined;
      return;
    }
    if (this.account && this.account.customerId !== this.customerId) this.account = undefined;
    this.loading = true;
    this.error = '';
    try {
      const account = await client.getCustomerBilling(this.customerId);
      if (token === this.loadToken) this.account = account;
    } catch (err) {
      if (token === this.loadToken) this.error = this.t('billing.error', { message: errorMessage(this.locale, err) });
    } finally {
      if (token === this.loadToken) this.loading = false;
    }
  }

  private t(key: MessageKey, vars?: Record<string, string | number>): string {
    return translate(this.locale, key, vars);
  }

  private renderInvoices(invoices: BillingInvoice[], day: string) {
    if (!invoices.length) return html`<p class="muted">${this.t('billing.noUnpaid')}</p>`;
    return html`<table part="unpaid" aria-labelledby="billing-unpaid-title">
      <thead>
        <tr>
          <th scope="col">${this.t('billing.invoice')}</th>
          <th scope="col">${this.t('billing.dueOn')}</th>
          <th scope="col" class="num">${this.t('billing.due')}</th>
        </tr>
      </thead>
      <tbody>
        ${invoices.map((invoice) => {
          const overdue = isInvoiceOverdue(invoice, day);
          return html`<tr class=${overdue ? 'overdue' : ''}>
            <th scope="row">${invoice.number || invoice.id}</th>
            <td>
              ${invoice.dueOn ? html`<time datetime=${invoice.dueOn}>${formatDay(invoice.dueOn, this.locale)}</time>` : '—'}
              ${overdue ? html`<strong part="overdue" class="badge warning">${this.t('billing.overdue')}</strong>` : nothing}
            </td>
            <td class="num">${invoice.due}</td>
          </tr>`;
        })}
      </tbody>
    </table>`;
  }

  private renderPaid(invoices: BillingInvoice[]) {
    if (!invoices.length) return nothing;
    return html`<details part="paid">
      <summary>${this.t('billing.paid', { count: invoices.length })}</summary>
      <table>
        <thead>
          <tr>
            <th scope="col">${this.t('billing.invoice')}</th>
            <th scope="col">${this.t('billing.paidOn')}</th>
            <th scope="col" class="num">${this.t('billing.total')}</th>
          </tr>
        </thead>
        <tbody>
          ${invoices.map(
            (invoice) => html`<tr>
              <th scope="row">${invoice.number || invoice.id}</th>
              <td>${invoice.paidOn ? html`<time datetime=${invoice.paidOn}>${formatDay(invoice.paidOn, this.locale)}</time>` : '—'}</td>
              <td class="num">${invoice.total}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </details>`;
  }

  private renderAccount(account: BillingAccount) {
    const day = today();
    const unpaid = account.invoices.filter((i) => i.status === 'not_paid' || i.status === 'pending');
    const paid = account.invoices.filter((i) => i.status === 'paid');
    return html`<div class="summary">
        <span class="muted">${this.t('billing.status')}</span>
        <span part="status" class="badge ${account.status === 'blocked' ? 'warning' : account.status}" data-status=${account.status}>${this.t(`billing.status.${account.status}`)}</span>
        <span class="muted">${this.t('billing.amountDue')}</span>
        <strong part="amount-due" class=${Number(account.amountDue) > 0 ? 'owed' : ''}>${account.amountDue}</strong>
      </div>
      ${account.address || account.locationName || account.partnerName
        ? html`<p part="where" class="muted">${[account.address, account.locationName, account.partnerName].filter(Boolean).join(' · ')}</p>`
        : nothing}
      <h4 id="billing-services-title">${this.t('billing.services')}</h4>
      ${account.services.length
        ? html`<ul part="services" aria-labelledby="billing-services-title">
            ${account.services.map(
              (s) => html`<li>
                <span class="service-head"
                  ><strong>${this.t(`billing.service.${s.type}`)}</strong> ${s.description}
                  <span class="badge ${s.status === 'active' ? 'active' : ''}">${this.t(`billing.serviceStatus.${s.status}`)}</span></span
                >
                ${s.detail ? html`<span class="muted detail">${s.detail}</span>` : nothing}
              </li>`,
            )}
          </ul>`
        : html`<p class="muted">${this.t('billing.noServices')}</p>`}
      <h4 id="billing-unpaid-title">${this.t('billing.unpaid')}</h4>
      ${this.renderInvoices(unpaid, day)} ${this.renderPaid(paid)}
      <footer>
        <span class="muted">${this.t('billing.syncedAt', { time: formatFull(account.syncedAt, this.locale) })}</span>
        ${account.url
          ? html`<a part="link" href=${safeUrl(account.url)} target="_blank" rel="noopener"
              >${this.t('billing.open')}<span class="visually-hidden"> ${this.t('billing.newTab')}</span></a
            >`
          : nothing}
      </footer>`;
  }

  protected override render() {
    const account = this.account;
    return html`<section class="root" lang=${this.locale} aria-labelledby="billing-title" aria-busy=${this.loading ? 'true' : 'false'}>
      <h3 id="billing-title">${this.t('billing.label')}${account ? html` <span class="muted">#${account.externalId}</span>` : nothing}</h3>
      ${this.error
        ? html`<div class="error" role="alert">${this.error} <button class="btn" type="button" @click=${() => this.reload()}>${this.t('billing.retry')}</button></div>`
        : account
          ? this.renderAccount(account)
          : html`<p class="muted" role="status">${account === null ? this.t('billing.none') : this.t('billing.loading')}</p>`}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'casekit-billing-panel': CasekitBillingPanel;
  }
}
