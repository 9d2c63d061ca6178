import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import './agents.ts';
import type { CasekitAgents } from './agents.ts';
import { axeViolations, cleanup, fixture, frames, until } from '../internal/test-helpers.ts';
import { agentClient, push, startMockApi } from '../internal/mock-api.ts';

describe('casekit-agents', () => {
  let mock: Awaited<ReturnType<typeof startMockApi>>;
  beforeEach(async () => {
    mock = await startMockApi();
  });
  afterEach(cleanup);

  async function mount(email?: string): Promise<CasekitAgents> {
    const el = await fixture<CasekitAgents>('<casekit-agents></casekit-agents>');
    el.client = await agentClient(email);
    await until(() => el.shadowRoot!.querySelectorAll('tbody [part=row]').length > 0, 'agents listed');
    return el;
  }
  const button = (el: CasekitAgents, label: string) =>
    [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.getAttribute('aria-label') === label);
  const stored = (id: string) => mock.store.getAgent(mock.workspaceId, id);

  it('lists agents with role, presence and status, with actions named after each agent', async () => {
    const el = await mount();
    const text = el.shadowRoot!.querySelector('table')!.textContent!;
    for (const name of ['Ada Lovelace', 'Ben Okafor', 'Chloé Martin']) expect(text).to.contain(name);
    expect(button(el, 'Edit Ben Okafor')).to.exist;
    expect(button(el, 'Deactivate Ben Okafor')).to.exist;
    expect(button(el, 'Reset password of Ben Okafor')).to.exist;
    expect(button(el, 'Deactivate Ada Lovelace'), 'no admin deactivates themselves').to.equal(undefined);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('edits an agent from the keyboard, and shows the server’s word next to the field at fault', async () => {
    const el = await mount();
    const edit = button(el, 'Edit Ben Okafor')!;
    edit.focus();
    await sendKeys({ press: 'Enter' });
    const name = await until(() => el.shadowRoot!.querySelector<HTMLInputElement>('#agent-name'), 'edit form');
    expect(el.shadowRoot!.activeElement).to.equal(name);
    expect(edit.getAttribute('aria-expanded')).to.equal('true');
    name.select();
    await sendKeys({ type: 'Benjamin Okafor' });
    el.shadowRoot!.querySelector<HTMLSelectElement>('#agent-role')!.value = 'supervisor';
    const teams = el.shadowRoot!.querySelector<HTMLInputElement>('#agent-teams')!;
    teams.focus();
    teams.select();
    await sendKeys({ type: 'network, billing' });
    await sendKeys({ press: 'Enter' });
    await until(async () => (await stored('a_ben'))?.name === 'Benjamin Okafor', 'saved');
    const ben = (await stored('a_ben'))!;
    expect([ben.role, ben.teams]).to.deep.equal(['supervisor', ['network', 'billing']]);
    await until(() => !el.shadowRoot!.querySelector('[part=form]'), 'form closed');
    expect(el.shadowRoot!.querySelector('[role=status]')!.textContent).to.contain('Benjamin Okafor is saved.');
    expect(el.shadowRoot!.activeElement?.getAttribute('aria-label')).to.equal('Edit Benjamin Okafor');

    button(el, 'Edit Benjamin Okafor')!.click();
    const teamsAgain = await until(() => el.shadowRoot!.querySelector<HTMLInputElement>('#agent-teams'), 'edit form again');
    teamsAgain.value = 'x'.repeat(61);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part=form] [type=submit]')!.click();
    const error = await until(() => el.shadowRoot!.querySelector('#agent-teams-error'), 'field error');
    expect(error.textContent).to.match(/60/);
    expect(teamsAgain.getAttribute('aria-invalid')).to.equal('true');
    expect(teamsAgain.getAttribute('aria-describedby')).to.contain('agent-teams-error');
    teamsAgain.focus();
    await sendKeys({ press: 'Escape' });
    await until(() => !el.shadowRoot!.querySelector('[part=form]'), 'Escape closes the form');
  });

  it('edits skills, languages and capacity per channel kind, and places the server’s word beside the channel at fault', async () => {
    const el = await mount();
    button(el, 'Edit Ben Okafor')!.click();
    const form = await until(() => el.shadowRoot!.querySelector<HTMLFormElement>('[part=form]'), 'edit form');
    const input = (id: string) => el.shadowRoot!.querySelector<HTMLInputElement>(`[id="${id}"]`)!;
    expect(input('agent-skills').value).to.equal('network:3');
    expect(input('agent-languages').value).to.equal('en, fr');
    const webchat = input('agent-capacity.webchat');
    expect(webchat.labels![0]!.textContent).to.equal('Web chat');
    expect(webchat.value).to.equal('4');
    expect(input('agent-capacity.telegram').value).to.equal('0', 'a kind left out shows as none');
    expect(form.querySelector('fieldset legend')!.textContent).to.equal('Capacity');

    input('agent-skills').value = 'network:4, billing';
    input('agent-languages').value = 'en, es';
    webchat.value = '6';
    input('agent-capacity.email').value = '0';
    form.requestSubmit();
    await until(async () => (await stored('a_ben'))?.capacity.webchat === 6, 'saved');
    const ben = (await stored('a_ben'))!;
    expect(ben.skills).to.deep.equal([{ name: 'network', level: 4 }, { name: 'billing', level: 3 }]);
    expect(ben.languages).to.deep.equal(['en', 'es']);
    expect(ben.capacity.email).to.equal(0);
    await until(() => !el.shadowRoot!.querySelector('[part=form]'), 'form closed');

    button(el, 'Edit Ben Okafor')!.click();
    await until(() => el.shadowRoot!.querySelector('[part=form]'), 'edit form again');
    input('agent-skills').value = 'network:x';
    el.shadowRoot!.querySelector<HTMLFormElement>('[part=form]')!.requestSubmit();
    expect((await until(() => el.shadowRoot!.querySelector('#agent-skills-error'), 'local skills error')).textContent).to.contain('name:level');
    input('agent-skills').value = 'network:4';
    input('agent-capacity.sms').value = '101';
    // The browser would stop this at max="100"; the server's answer is what this checks.
    el.shadowRoot!.querySelector<HTMLFormElement>('[part=form]')!.setAttribute('novalidate', '');
    el.shadowRoot!.querySelector<HTMLFormElement>('[part=form]')!.requestSubmit();
    const error = await until(() => el.shadowRoot!.querySelector('[id="agent-capacity.sms-error"]'), 'capacity error');
    expect(error.textContent).to.match(/100/);
    expect(input('agent-capacity.sms').getAttribute('aria-describedby')).to.equal('agent-capacity.sms-error');
    expect(input('agent-capacity.sms').getAttribute('aria-invalid')).to.equal('true');
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('deactivates and reactivates an agent, and resets a password to one shown once', async () => {
    const el = await mount();
    button(el, 'Deactivate Ben Okafor')!.click();
    await until(async () => (await stored('a_ben'))?.active === false, 'deactivated');
    await until(() => button(el, 'Reactivate Ben Okafor'), 'reactivate offered');
    expect(el.shadowRoot!.querySelector('[role=status]')!.textContent).to.contain('Ben Okafor is deactivated');
    button(el, 'Reactivate Ben Okafor')!.click();
    await until(async () => (await stored('a_ben'))?.active === true, 'reactivated');

    const reset = await until(() => !button(el, 'Reset password of Ben Okafor')?.disabled && button(el, 'Reset password of Ben Okafor'), 'reset ready');
    reset.click();
    const code = await until(() => el.shadowRoot!.querySelector<HTMLElement>('[part=password] code'), 'password shown');
    const password = code.textContent!;
    expect(password).to.have.length(16);
    expect(el.shadowRoot!.activeElement).to.equal(code);
    expect(await mock.auth.verifyPassword(password, (await stored('a_ben'))!.passwordHash)).to.equal(true);
  });

  it('follows presence and changes made elsewhere', async () => {
    const el = await mount();
    push(el.client, 'presence', { agentId: 'a_ben', presence: 'away' });
    push(el.client, 'agent', { ...(await el.client!.listAgents()).items.find((a) => a.id === 'a_chloe')!, name: 'Chloé M.' });
    await el.updateComplete;
    const text = el.shadowRoot!.querySelector('table')!.textContent!;
    expect(text).to.contain('Chloé M.');
    const benRow = [...el.shadowRoot!.querySelectorAll('[part=row]')].find((r) => r.textContent!.includes('Ben Okafor'))!;
    expect(benRow.textContent).to.contain('Away');
  });

  it('shows what the client it holds now answers, when the client changes while a load is under way', async () => {
    const el = await fixture<CasekitAgents>('<casekit-agents></casekit-agents>');
    const ada = await agentClient();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const list = ada.listAgents.bind(ada);
    let adaList: ReturnType<typeof list> | undefined;
    ada.listAgents = (...args: Parameters<typeof list>) => (adaList = held.then(() => list(...args)));
    el.client = ada;
    await el.updateComplete;
    expect(adaList, 'the admin’s load is under way').to.exist;
    el.client = await agentClient('ben@northwind.example');
    await until(() => el.shadowRoot!.querySelectorAll('tbody [part=row]').length > 0, 'Ben’s list');
    release();
    await adaList;
    await frames(2);
    expect(el.shadowRoot!.querySelectorAll('tbody button').length, 'the admin’s rights never show').to.equal(0);
    const you = [...el.shadowRoot!.querySelectorAll('[part=row]')].find((r) => r.textContent!.includes('(you)'));
    expect(you?.textContent).to.contain('Ben Okafor');
  });

  it('shows agents who are not admins the list, read-only', async () => {
    const el = await mount('ben@northwind.example');
    await until(() => el.shadowRoot!.textContent !== null, 'rendered');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelectorAll('tbody button').length).to.equal(0);
  });
});
