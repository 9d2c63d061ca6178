import { expect } from '@esm-bundle/chai';
import '../case/case.ts';
import './billing-panel.ts';
import type { CasekitCase } from '../case/case.ts';
import type { CasekitBillingPanel } from './billing-panel.ts';
import { axeViolations, cleanup, fixture, until } from '../internal/test-helpers.ts';
import { agentClient, push, startMockApi, storedCases } from '../internal/mock-api.ts';

describe('casekit-billing-panel', () => {
  let mock: Awaited<ReturnType<typeof startMockApi>>;
  beforeEach(async () => {
    mock = await startMockApi();
  });
  afterEach(cleanup);

  const openCaseOf = async (customerId: string) => (await storedCases(mock)).find((c) => c.customerId === customerId && c.status !== 'closed')!.id;

  async function mountCase(customerId: string, lang = 'en'): Promise<CasekitCase> {
    const el = await fixture<CasekitCase>(`<casekit-case lang="${lang}" case-id="${await openCaseOf(customerId)}"></casekit-case>`);
    el.client = await agentClient();
    await until(() => el.case, 'case loaded');
    await el.updateComplete;
    return el;
  }
  const panelOf = (el: CasekitCase) => el.shadowRoot!.querySelector<CasekitBillingPanel>('casekit-billing-panel');
  const inPanel = (panel: CasekitBillingPanel, sel: string) => panel.shadowRoot!.querySelector<HTMLElement>(sel);

  it("shows the linked customer's account in the case: services, the overdue invoice marked, the amount due and the Splynx link", async () => {
    const el = await mountCase('cu_maria');
    const panel = panelOf(el)!;
    expect(panel, 'María is linked to Splynx').to.exist;
    await until(() => inPanel(panel, '[part=status]'), 'account loaded');
    expect(inPanel(panel, '[part=status]')!.textContent!.trim()).to.equal('Active');
    expect(inPanel(panel, '[part=amount-due]')!.textContent).to.equal('69.80');
    expect(inPanel(panel, '[part=where]')!.textContent).to.contain('Springfield').and.contain('FibreLink');
    const services = inPanel(panel, '[part=services]')!.textContent!;
    expect(services).to.contain('Fiber 500').and.contain('pppoe maria.garcia').and.contain('Voice');
    const rows = [...panel.shadowRoot!.querySelectorAll<HTMLTableRowElement>('[part=unpaid] tbody tr')];
    expect(rows.map((r) => r.querySelector('th')!.textContent)).to.deep.equal(['INV-2041', 'INV-1987']);
    expect(rows[0]!.querySelector('[part=overdue]'), 'due in 12 days: not overdue').to.equal(null);
    expect(rows[1]!.querySelector('[part=overdue]')!.textContent).to.equal('Overdue');
    const paid = inPanel(panel, '[part=paid]') as HTMLDetailsElement;
    expect(paid.open, 'paid invoices start folded').to.equal(false);
    expect(paid.querySelector('summary')!.textContent).to.contain('(2)');
    const link = inPanel(panel, '[part=link]') as HTMLAnchorElement;
    expect(link.href).to.equal('https://billing.northwind.example/admin/customers/view?id=1042');
    expect([link.target, link.rel]).to.deep.equal(['_blank', 'noopener']);
    expect(link.textContent).to.contain('Open in Splynx');
    expect(await axeViolations(panel)).to.deep.equal([]);
  });

  it('shows a change the sync brings at once, without reading it again', async () => {
    const el = await mountCase('cu_maria');
    const panel = panelOf(el)!;
    await until(() => inPanel(panel, '[part=status]'), 'account loaded');
    const account = (await el.client!.getCustomerBilling('cu_maria'))!;
    push(el.client, 'billing', { ...account, customerId: 'cu_other', status: 'disabled' });
    push(el.client, 'billing', { ...account, status: 'blocked' });
    await until(() => inPanel(panel, '[part=status]')?.textContent?.trim() === 'Blocked', 'the blocked status pushed');
    expect(inPanel(panel, '[part=amount-due]')!.textContent).to.equal('69.80');
  });

  it('shows a blocked account in the warning colour, in Spanish', async () => {
    const el = await mountCase('cu_tom', 'es');
    const panel = panelOf(el)!;
    const status = await until(() => inPanel(panel, '[part=status]'), 'account loaded');
    expect(status.textContent!.trim()).to.equal('Bloqueada');
    expect(getComputedStyle(status).color).to.equal(getComputedStyle(inPanel(panel, '[part=overdue]')!).color);
    expect(getComputedStyle(status).color).not.to.equal(getComputedStyle(inPanel(panel, '.muted')!).color);
    expect(inPanel(panel, '[part=overdue]')!.textContent).to.equal('Vencida');
    expect(inPanel(panel, '[part=link]')!.textContent).to.contain('Abrir en Splynx');
  });

  it('is not shown for a customer without a Splynx link', async () => {
    const el = await mountCase('cu_li');
    expect(el.shadowRoot!.querySelector('[part=customer]')!.textContent).to.contain('Li Wei');
    expect(panelOf(el)).to.equal(null);
  });

  it('says so when the customer has no synced account, and offers a retry when loading fails', async () => {
    const client = await agentClient();
    const panel = await fixture<CasekitBillingPanel>('<casekit-billing-panel lang="en" customer-id="cu_li"></casekit-billing-panel>');
    panel.client = client;
    await until(() => panel.shadowRoot!.textContent!.includes('No billing account is linked'), 'empty state');
    panel.customerId = 'cu_nobody_404';
    await until(() => panel.shadowRoot!.textContent!.includes('No billing account'), 'an unknown customer reads as no account');
    client.setToken('tok_revoked');
    panel.customerId = 'cu_maria';
    const alert = await until(() => inPanel(panel, '[role=alert]'), 'error shown');
    expect(alert.textContent).to.contain('The billing account could not be loaded');
    expect(alert.querySelector('button')!.textContent).to.equal('Try again');
  });
});
