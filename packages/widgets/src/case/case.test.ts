import { expect } from '@esm-bundle/chai';
import './case.ts';
import type { CasekitCase } from './case.ts';
import { axeViolations, cleanup, fixture, until } from '../internal/test-helpers.ts';
import { agentClient, startMockApi, storedCase, storedCases } from '../internal/mock-api.ts';

describe('casekit-case', () => {
  let mock: Awaited<ReturnType<typeof startMockApi>>;
  let caseId: string;
  beforeEach(async () => {
    mock = await startMockApi();
    caseId = (await storedCases(mock)).find((c) => c.customerId === 'cu_maria' && c.status !== 'closed')!.id;
  });
  afterEach(cleanup);

  async function mount(id = caseId, lang = 'en'): Promise<CasekitCase> {
    const el = await fixture<CasekitCase>(
      `<casekit-case lang="${lang}" case-id="${id}"><div slot="integrations" id="billing">Balance €0.00</div></casekit-case>`,
    );
    el.client = await agentClient();
    await until(() => el.case && el['agents'].size, 'case loaded');
    await el.updateComplete;
    return el;
  }
  const $ = (el: CasekitCase, sel: string) => el.shadowRoot!.querySelector<HTMLElement>(sel)!;
  const choose = async (el: CasekitCase, sel: string, value: string) => {
    const s = $(el, sel) as HTMLSelectElement;
    s.value = value;
    s.dispatchEvent(new Event('change'));
  };

  it('shows the case, the customer with every identity, and the integrations slot', async () => {
    const el = await mount();
    const kase = await storedCase(mock, caseId);
    expect($(el, '[part=header]').textContent).to.contain(`#${kase.number}`);
    const customer = $(el, '[part=customer]').textContent!;
    expect(customer).to.contain('María García');
    expect(customer).to.contain('maria.garcia@example.com');
    expect(customer).to.contain('+34612345678');
    expect($(el, '[part=identities] [title="user:1042"]').textContent).to.equal('1042');
    const slot = el.shadowRoot!.querySelector<HTMLSlotElement>('slot[name=integrations]')!;
    expect(slot.assignedElements()[0]!.id).to.equal('billing');
  });

  it('saves priority and assignee with the current version', async () => {
    const el = await mount();
    const v = (await storedCase(mock, caseId)).version;
    const changed = new Promise<Event>((r) => el.addEventListener('casekit-case-changed', r, { once: true }));
    await choose(el, '#case-priority', 'urgent');
    await changed;
    const saved = await storedCase(mock, caseId);
    expect(saved.priority).to.equal('urgent');
    expect(saved.version).to.equal(v + 1);
    await el.updateComplete;
    await choose(el, '#case-assignee', 'a_ben');
    await until(async () => (await storedCase(mock, caseId)).assigneeId === 'a_ben', 'assigned');
  });

  it('offers only active agents to assign', async () => {
    await mock.engine.deactivateAgent(await mock.actorOf('a_ada'), 'a_chloe');
    const el = await mount();
    const options = () => [...($(el, '#case-assignee') as HTMLSelectElement).options].map((o) => o.value);
    expect(options()).to.include('a_ben');
    expect(options()).not.to.include('a_chloe');
    await choose(el, '#case-assignee', 'a_ben');
    await until(async () => (await storedCase(mock, caseId)).assigneeId === 'a_ben', 'assigned');
  });

  it('reloads and explains when someone else changed the case first', async () => {
    const el = await mount();
    await mock.engine.updateCase(await mock.actorOf('a_ben'), caseId, { version: (await storedCase(mock, caseId)).version, priority: 'low' });
    await choose(el, '#case-priority', 'high');
    await until(() => $(el, '.notice'), 'conflict notice');
    expect($(el, '.notice').textContent).to.contain('Someone else changed this case');
    const { version } = await storedCase(mock, caseId);
    await until(() => el.case!.version === version, 'reloaded version');
    expect(el.case!.priority).to.equal('low');
  });

  it('adds and removes tags, and the host may veto a change', async () => {
    const el = await mount();
    const input = $(el, '.tags input') as HTMLInputElement;
    input.value = 'fibre-cut';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await until(() => el.shadowRoot!.querySelector('[aria-label="Remove tag fibre-cut"]'), 'tag chip');
    el.addEventListener('casekit-case-change-request', (e) => e.preventDefault(), { once: true });
    ($(el, '[aria-label="Remove tag fibre-cut"]') as HTMLButtonElement).click();
    await el.updateComplete;
    // The request is answered during the click: a save under way would show as busy now.
    expect($(el, '[part=fields]').getAttribute('aria-busy')).to.equal('false', 'nothing is being saved');
    expect((await storedCase(mock, caseId)).tags).to.include('fibre-cut');
    ($(el, '[aria-label="Remove tag fibre-cut"]') as HTMLButtonElement).click();
    await until(async () => !(await storedCase(mock, caseId)).tags.includes('fibre-cut'), 'tag removed');
  });

  it('only offers allowed status moves and has no accessibility violations', async () => {
    const el = await mount();
    const options = [...el.shadowRoot!.querySelectorAll<HTMLOptionElement>('#case-status option')].map((o) => o.value);
    expect(options[0]).to.equal((await storedCase(mock, caseId)).status);
    expect(new Set(options).size).to.equal(options.length);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  const caseOf = async (customerId: string) => (await storedCases(mock)).find((c) => c.customerId === customerId)!.id;
  const identities = (el: CasekitCase) =>
    [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part=identities] li')].map((li) => li.querySelector('.value')!.textContent!.trim());
  const details = (el: CasekitCase) =>
    Object.fromEntries([...el.shadowRoot!.querySelectorAll('[part=details] dt')].map((dt) => [dt.textContent!.trim(), dt.nextElementSibling!.textContent!.trim()]));

  it('lists an email once when it is both a profile email and an email identity, and a typed contact email that repeats it not at all', async () => {
    await mock.engine.updateCustomer(await mock.actorOf('a_ben'), 'cu_olu', { attributes: { contactEmail: 'olu.adeyemi@example.org', accountNumber: 'FL-10433' } });
    const el = await mount(await caseOf('cu_olu'));
    expect(identities(el).filter((v) => v === 'olu.adeyemi@example.org')).to.have.length(1);
    expect(el.shadowRoot!.querySelector('[part=customer]')!.textContent!.match(/olu\.adeyemi@example\.org/g)).to.have.length(1);
    expect(details(el)).to.not.have.property('Contact email');
  });

  it('labels attributes for people, in the reader\'s language, with unknown keys humanized', async () => {
    await mock.engine.updateCustomer(await mock.actorOf('a_ben'), 'cu_olu', {
      attributes: { contactEmail: 'olu@home.example', accountNumber: 'FL-10433', last_speed_test: '480 Mbps', vip: true },
    });
    const en = details(await mount(await caseOf('cu_olu')));
    expect(en).to.include({ 'Contact email': 'olu@home.example', 'Account number': 'FL-10433', 'Last speed test': '480 Mbps', VIP: 'Yes', Company: 'Adeyemi Design Ltd' });
    expect(Object.keys(en)).to.not.include.members(['contactEmail', 'accountNumber']);
    await cleanup();
    const es = details(await mount(await caseOf('cu_olu'), 'es'));
    expect(es).to.include({ 'Correo de contacto': 'olu@home.example', 'Número de cuenta': 'FL-10433', VIP: 'Sí', Empresa: 'Adeyemi Design Ltd' });
  });

  it('names an anonymous visitor "Visitor 9F3C", keeping the raw id only in the title, and cuts long identities with an ellipsis', async () => {
    const el = await mount(await caseOf('cu_visitor'));
    const panel = $(el, '[part=customer]');
    expect(panel.querySelector('strong')!.textContent).to.equal('Visitor 9F3C');
    expect(panel.textContent).to.not.contain('anon:');
    const chat = panel.querySelector<HTMLElement>('[title="anon:9f3c1a"]')!;
    expect(chat.textContent).to.equal('Visitor 9F3C');
    expect(chat.closest('li')!.getAttribute('aria-label')).to.equal('Web chat: anon:9f3c1a');
    await cleanup();
    const es = await mount(await caseOf('cu_visitor'), 'es');
    expect($(es, '[part=customer] strong').textContent).to.equal('Visitante 9F3C');

    await cleanup();
    const long = 'a.very.long.mailbox.name.that.does.not.fit@some-long-domain.example';
    await mock.engine.updateCustomer(await mock.actorOf('a_ben'), 'cu_olu', { emails: ['olu.adeyemi@example.org', long] });
    const narrow = await mount(await caseOf('cu_olu'));
    narrow.style.inlineSize = '260px';
    const value = narrow.shadowRoot!.querySelector<HTMLElement>(`[part=identities] [title="${long}"]`)!;
    expect(value.getClientRects()).to.have.length(1, 'one line, not wrapped mid-word');
    expect(value.scrollWidth).to.be.greaterThan(value.clientWidth, 'cut with an ellipsis');
    expect(getComputedStyle(value).textOverflow).to.equal('ellipsis');
  });

  it('lets a supervisor take the case over and transfer it to a team, which unassigns it for routing', async () => {
    const el = await mount();
    const before = await storedCase(mock, caseId);
    const section = $(el, '[part=supervisor]');
    expect(section.getAttribute('aria-labelledby')).to.equal('case-supervisor-title');
    const take = [...section.querySelectorAll('button')].find((b) => /Take/.test(b.textContent!))!;
    take.click();
    await until(async () => (await storedCase(mock, caseId)).assigneeId === 'a_ada', 'taken over');
    await until(() => ![...$(el, '[part=supervisor]').querySelectorAll('button')].some((b) => /Take/.test(b.textContent!)), 'no take-over of one’s own case');

    const team = $(el, '#case-transfer') as HTMLInputElement;
    expect((team.labels![0] as HTMLLabelElement).textContent).to.equal('Transfer to team');
    expect($(el, '[part=supervisor]').textContent).to.contain('Team: network');
    expect([...el.shadowRoot!.querySelectorAll('#case-teams option')].map((o) => o.getAttribute('value'))).to.include('billing');
    team.value = 'billing';
    (team.form as HTMLFormElement).requestSubmit();
    await until(async () => (await storedCase(mock, caseId)).team === 'billing', 'transferred');
    const events = await mock.store.listEvents(mock.workspaceId, { after: 0, limit: 10_000 });
    const transfer = events.findLast((e) => e.type === 'case.updated' && e.caseId === caseId && 'team' in e.data.changes);
    expect(transfer?.type === 'case.updated' && transfer.data.changes['assigneeId']).to.deep.equal(['a_ada', null], 'unassigned so routing picks someone in the team');
    expect(before.version).to.be.lessThan((await storedCase(mock, caseId)).version);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('shows no supervisor actions to an agent', async () => {
    const el = await fixture<CasekitCase>(`<casekit-case case-id="${caseId}"></casekit-case>`);
    el.client = await agentClient('ben@northwind.example');
    await until(() => el.case && el['me'], 'case loaded');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part=supervisor]')).to.equal(null);
  });
});
