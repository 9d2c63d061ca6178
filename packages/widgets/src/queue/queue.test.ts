import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import './queue.ts';
import type { CasekitQueue } from './queue.ts';
import type { CaseSelectEvent } from '../events.ts';
import { axeViolations, cleanup, fixture, until } from '../internal/test-helpers.ts';
import { agentClient, casesWait, push, startMockApi, storedCase } from '../internal/mock-api.ts';

describe('casekit-queue', () => {
  let mock: Awaited<ReturnType<typeof startMockApi>>;
  beforeEach(async () => {
    mock = await startMockApi();
    await casesWait(mock, 'email');
  });
  afterEach(cleanup);

  const write = (customerId: string, text: string) =>
    mock.engine.ingest({ workspaceId: mock.workspaceId, channelId: 'ch_email', customerId, from: { externalId: customerId }, text });
  const rows = (el: CasekitQueue) => [...el.shadowRoot!.querySelectorAll<HTMLTableRowElement>('tbody [part=row]')];
  const button = (el: CasekitQueue, label: string) =>
    [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.getAttribute('aria-label') === label);

  async function mount(email = 'chloe@northwind.example'): Promise<CasekitQueue> {
    const el = await fixture<CasekitQueue>('<casekit-queue></casekit-queue>');
    el.client = await agentClient(email);
    await until(() => el.shadowRoot!.querySelector('[part=list]'), 'queue loaded');
    return el;
  }

  it('lists waiting cases with place, channel, team and a ticking wait, and each agent’s load as labelled bars', async () => {
    const { case: kase } = await write('cu_li', 'Router down since this morning');
    const el = await mount();
    const [row] = await until(() => rows(el).length === 1 && rows(el), 'one waiting case');
    const cells = [...row!.children].map((c) => c.textContent!.trim().replace(/\s+/g, ' '));
    expect(cells.slice(0, 6)).to.deep.equal(['1', `#${kase.number} ${kase.subject}`, 'Normal', 'Email', 'night', '–']);
    expect(cells[6]).to.match(/^\d+:\d\d$/);
    expect(cells[7]).to.equal('–', 'no estimate: nobody in the team is online');
    expect(el.shadowRoot!.querySelector('caption')!.textContent).to.equal('1 case waiting');

    const loads = [...el.shadowRoot!.querySelectorAll('[part=agents] [role=img]')].map((b) => b.getAttribute('aria-label'));
    expect(loads).to.include('Web chat: 1 of 3', 'Ada has one web chat of three');
    expect(el.shadowRoot!.querySelector('[part=agents]')!.textContent).to.contain('Away');
    expect(await axeViolations(el)).to.deep.equal([]);

    const waited = row!.querySelector('time')!.textContent;
    await until(() => row!.querySelector('time')!.textContent !== waited, 'the wait ticks', 2500);
  });

  it('assigns a case to an online agent from the keyboard, offering only online agents with their load', async () => {
    const { case: kase } = await write('cu_li', 'Router down');
    const el = await mount();
    await until(() => rows(el).length === 1, 'waiting case');
    const select = el.shadowRoot!.querySelector<HTMLSelectElement>(`#assign-${kase.id}`)!;
    expect(select.labels![0]!.textContent).to.equal(`Assign #${kase.number} to`);
    expect([...select.options].map((o) => o.textContent)).to.deep.equal(['Ada Lovelace (1/10)', 'Ben Okafor (0/10)'], 'Chloé is away; loads on email');
    select.focus();
    await sendKeys({ press: 'ArrowDown' });
    select.dispatchEvent(new Event('change'));
    expect(select.value).to.equal('a_ben');
    button(el, `Assign #${kase.number} to`)!.focus();
    await sendKeys({ press: 'Enter' });
    await until(async () => (await storedCase(mock, kase.id)).assigneeId === 'a_ben', 'assigned');
    await until(() => rows(el).length === 0, 'no longer waiting');
    expect(el.shadowRoot!.querySelector('[role=status]')!.textContent).to.equal(`#${kase.number} assigned to Ben Okafor.`);
    expect(el.shadowRoot!.textContent).to.contain('No case is waiting.');
  });

  it('takes a case for the supervisor, and says so when someone else took it first', async () => {
    const first = (await write('cu_li', 'Router down')).case;
    await mock.engine.createCustomer(mock.system, { id: 'cu_sam', name: 'Sam Reyes', emails: ['sam@example.com'] });
    const second = (await write('cu_sam', 'Slow at night')).case;
    const el = await mount();
    await until(() => rows(el).length === 2, 'two waiting');
    button(el, `Take #${first.number}`)!.click();
    await until(async () => (await storedCase(mock, first.id)).assigneeId === 'a_chloe', 'taken');

    await mock.engine.updateCase(await mock.actorOf('a_ada'), second.id, { version: second.version, assigneeId: 'a_ada' });
    button(el, `Take #${second.number}`)!.click();
    const alert = await until(() => el.shadowRoot!.querySelector('[role=alert]'), 'conflict');
    expect(alert.textContent).to.contain(`#${second.number} changed meanwhile`);
    expect((await storedCase(mock, second.id)).assigneeId).to.equal('a_ada', 'not overwritten');
  });

  it('follows realtime case changes, and opens a case by its number', async () => {
    const el = await mount();
    expect(rows(el)).to.have.length(0);
    const { case: kase } = await write('cu_li', 'Router down');
    push(el.client, 'case', kase);
    await until(() => rows(el).length === 1, 'new case listed after a realtime change');
    const opened = new Promise<CaseSelectEvent>((resolve) => el.addEventListener('casekit-case-select', (e) => resolve(e as CaseSelectEvent), { once: true }));
    el.shadowRoot!.querySelector<HTMLButtonElement>('.case-link')!.click();
    expect((await opened).caseId).to.equal(kase.id);
  });

  it('tells an agent without the supervisor role that the queue is not theirs', async () => {
    const el = await fixture<CasekitQueue>('<casekit-queue lang="es"></casekit-queue>');
    el.client = await agentClient('ben@northwind.example');
    const alert = await until(() => el.shadowRoot!.querySelector('[role=alert]'), 'refused');
    expect(alert.textContent).to.contain('No se pudo cargar la cola');
  });
});
