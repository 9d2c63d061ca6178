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

  async function mount(): Promise<CasekitCase> {
    const el = await fixture<CasekitCase>(
      `<casekit-case case-id="${caseId}"><div slot="integrations" id="billing">Balance €0.00</div></casekit-case>`,
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
    expect(customer).to.contain('user:1042');
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
});
