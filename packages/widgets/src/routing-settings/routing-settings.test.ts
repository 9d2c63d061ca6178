import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import './routing-settings.ts';
import type { CasekitRoutingSettings } from './routing-settings.ts';
import { axeViolations, cleanup, fixture, until } from '../internal/test-helpers.ts';
import { agentClient, receive, startMockApi, storedCase, storedMessage } from '../internal/mock-api.ts';

describe('casekit-routing-settings', () => {
  let mock: Awaited<ReturnType<typeof startMockApi>>;
  beforeEach(async () => {
    mock = await startMockApi();
  });
  afterEach(cleanup);

  async function mount(email = 'ada@northwind.example', lang = 'en'): Promise<CasekitRoutingSettings> {
    const el = await fixture<CasekitRoutingSettings>(`<casekit-routing-settings lang="${lang}"></casekit-routing-settings>`);
    el.client = await agentClient(email);
    await until(() => el.shadowRoot!.querySelector('[part=form]'), 'routing loaded');
    return el;
  }
  const $ = <T extends HTMLElement>(el: CasekitRoutingSettings, id: string) => el.shadowRoot!.querySelector<T>(`[id="${id}"]`)!;
  const button = (el: CasekitRoutingSettings, text: string) =>
    [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.getAttribute('aria-label') === text || b.textContent!.trim() === text)!;
  const change = async (el: CasekitRoutingSettings, input: HTMLInputElement | HTMLSelectElement, value: string) => {
    input.value = value;
    input.dispatchEvent(new Event('change'));
    await el.updateComplete;
  };
  const saved = async (el: CasekitRoutingSettings) => (await el.client!.getSettings()).routing;

  it('shows the built-in routing as a labelled form, with each widening step in a table', async () => {
    const el = await mount();
    const policy = el.shadowRoot!.querySelector('[part=policy]')!;
    expect(policy.querySelector('legend')!.textContent).to.equal('Default policy');
    expect($<HTMLSelectElement>(el, 'rs-policies-default-mode').value).to.equal('auto');
    expect($<HTMLInputElement>(el, 'rs-policies-default-sticky').checked).to.equal(true);
    expect(policy.querySelectorAll('table.steps tbody tr')).to.have.length(2);
    expect($<HTMLInputElement>(el, 'rs-policies-default-widening-1-afterSeconds').labels![0]!.textContent).to.equal('Step 2: after seconds');
    expect(el.shadowRoot!.querySelectorAll('[part=rule]')).to.have.length(0);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('builds a rule with nested conditions, a team policy and handle times, and saves them', async () => {
    const el = await mount();
    button(el, 'Add a rule').click();
    await el.updateComplete;
    await change(el, $(el, 'rs-rules-0-name'), 'Outages on chat');
    await change(el, $(el, 'rs-rules-0-when-kind'), 'all');
    // The keywords condition it started with is kept as the first of "all".
    await change(el, $(el, 'rs-rules-0-when-of-0-any'), 'outage, no internet');
    button(el, 'Add a condition').click();
    await el.updateComplete;
    await change(el, $(el, 'rs-rules-0-when-of-1-kind'), 'channel');
    const whatsapp = $<HTMLInputElement>(el, 'rs-rules-0-when-of-1-in-whatsapp');
    whatsapp.click();
    await el.updateComplete;
    await change(el, $(el, 'rs-rules-0-set-priority'), 'urgent');
    await change(el, $(el, 'rs-rules-0-set-team'), 'network');
    await change(el, $(el, 'rs-rules-0-set-skills'), 'network:3');
    $<HTMLInputElement>(el, 'rs-rules-0-stop').click();

    $<HTMLInputElement>(el, 'rs-new-team').focus();
    await sendKeys({ type: 'billing' });
    button(el, 'Add a team policy').click();
    await el.updateComplete;
    await change(el, $(el, 'rs-policies-teams-billing-selection'), 'round-robin');
    await change(el, $(el, 'rs-handleSeconds-webchat'), '240');

    button(el, 'Save routing').click();
    await until(() => el.shadowRoot!.querySelector('[role=status]')!.textContent === 'Routing is saved.', 'saved');
    const routing = (await saved(el))!;
    expect(routing.rules).to.deep.equal([
      {
        name: 'Outages on chat',
        when: { kind: 'all', of: [{ kind: 'keywords', any: ['outage', 'no internet'] }, { kind: 'channel', in: ['webchat', 'whatsapp'] }] },
        set: { priority: 'urgent', team: 'network', skills: [{ name: 'network', minLevel: 3 }] },
        stop: true,
      },
    ]);
    expect(routing.policies.teams!['billing']!.selection).to.equal('round-robin');
    expect(routing.policies.teams!['billing']!.id).to.equal('team-billing');
    expect(routing.handleSeconds).to.deep.equal({ webchat: 240 });
  });

  it('places the server’s word beside each field at fault, focuses the first, and saves nothing', async () => {
    const el = await mount();
    const before = await saved(el);
    await change(el, $(el, 'rs-policies-default-widening-1-afterSeconds'), '0');
    button(el, 'Add a rule').click();
    await el.updateComplete;
    await change(el, $(el, 'rs-rules-0-when-kind'), 'attribute');
    button(el, 'Save routing').click();
    const alert = await until(() => el.shadowRoot!.querySelector('[role=alert]'), 'refused');
    expect(alert.textContent).to.contain('Routing was not saved');
    const after = $<HTMLInputElement>(el, 'rs-policies-default-widening-1-afterSeconds');
    expect(after.getAttribute('aria-invalid')).to.equal('true');
    expect($(el, 'rs-policies-default-widening-1-afterSeconds-error').textContent).to.contain('later than the step before');
    expect(after.getAttribute('aria-describedby')).to.equal('rs-policies-default-widening-1-afterSeconds-error');
    expect($(el, 'rs-rules-0-when-name-error').textContent, 'an attribute needs a name').to.not.equal('');
    expect(el.shadowRoot!.activeElement?.getAttribute('aria-invalid')).to.equal('true');
    expect(await saved(el)).to.deep.equal(before);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('adds an automation from the keyboard, and the engine runs what was saved on the next matching message', async () => {
    const el = await mount();
    const section = el.shadowRoot!.querySelector('[aria-labelledby=rs-automations-title]')!;
    expect(section.textContent).to.contain('No automations yet.');
    const typeInto = async (id: string, text: string) => {
      const field = $<HTMLInputElement>(el, id);
      field.focus();
      field.select();
      await sendKeys({ type: text });
      await sendKeys({ press: 'Tab' });
      await el.updateComplete;
    };
    const press = async (id: string, key: string) => {
      $(el, id).focus();
      await sendKeys({ press: key });
      await el.updateComplete;
    };
    button(el, 'Add an automation').focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(section.textContent).to.not.contain('No automations yet.');
    await typeInto('rs-automations-0-name', 'Refunds');
    expect($<HTMLSelectElement>(el, 'rs-automations-0-on').selectedOptions[0]!.textContent).to.equal('A customer writes');
    await press('rs-automations-0-runs', 'ArrowDown');
    await typeInto('rs-automations-0-when-any', 'refund, money back');
    await typeInto('rs-automations-0-actions-0-tags', 'billing');
    button(el, 'Add an action').focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    await press('rs-automations-0-actions-1-kind', 'ArrowDown');
    expect($<HTMLSelectElement>(el, 'rs-automations-0-actions-1-kind').selectedOptions[0]!.textContent).to.equal('Reply to the customer');
    await typeInto('rs-automations-0-actions-1-text', 'We are on it.');
    expect($(el, 'rs-automations-0-actions-1-text-help').textContent).to.equal('13 of 2000 characters');
    // The reply goes first, then back below the tags.
    button(el, 'Move action 2 of Refunds up').click();
    await el.updateComplete;
    expect($<HTMLSelectElement>(el, 'rs-automations-0-actions-0-kind').value).to.equal('reply');
    button(el, 'Move action 1 of Refunds down').click();
    await el.updateComplete;
    expect(await axeViolations(el)).to.deep.equal([]);

    button(el, 'Save routing').click();
    await until(() => el.shadowRoot!.querySelector('[role=status]')!.textContent === 'Routing is saved.', 'saved');
    expect((await saved(el))!.automations).to.deep.equal([
      {
        name: 'Refunds',
        on: 'message.received',
        when: { kind: 'keywords', any: ['refund', 'money back'] },
        actions: [
          { kind: 'add_tags', tags: ['billing'] },
          { kind: 'reply', text: 'We are on it.' },
        ],
      },
    ]);
    expect(el.shadowRoot!.querySelector('[part=automation] legend')!.textContent).to.equal('Automation 1: Refunds');

    const { case: kase } = await receive(mock, { customerId: 'cu_maria', channel: 'ch_whatsapp', text: 'Can I get a refund?' });
    expect((await storedCase(mock, kase.id)).tags).to.include('billing');
    expect((await storedMessage(mock, 'We are on it.'))?.caseId).to.equal(kase.id);
  });

  it('places the server’s word on an over-long reply beside its text, and saves nothing', async () => {
    const el = await mount();
    const before = await saved(el);
    button(el, 'Add an automation').click();
    await el.updateComplete;
    await change(el, $(el, 'rs-automations-0-actions-0-kind'), 'reply');
    const text = $<HTMLTextAreaElement>(el, 'rs-automations-0-actions-0-text');
    text.value = 'a'.repeat(2001);
    text.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect($(el, 'rs-automations-0-actions-0-text-help').textContent).to.equal('2001 of 2000 characters');
    button(el, 'Save routing').click();
    await until(() => el.shadowRoot!.querySelector('[role=alert]'), 'refused');
    expect(text.getAttribute('aria-invalid')).to.equal('true');
    expect($(el, 'rs-automations-0-actions-0-text-error').textContent).to.not.equal('');
    expect(text.getAttribute('aria-describedby')).to.contain('rs-automations-0-actions-0-text-error');
    expect(el.shadowRoot!.activeElement).to.equal(text);
    expect(await saved(el)).to.deep.equal(before);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('is read-only for a supervisor, in Spanish with lang="es"', async () => {
    const el = await mount('chloe@northwind.example', 'es');
    expect(el.shadowRoot!.textContent).to.contain('Solo los administradores pueden cambiar el enrutamiento.');
    expect(el.shadowRoot!.querySelector<HTMLFieldSetElement>('fieldset.plain')!.disabled).to.equal(true);
    expect(el.shadowRoot!.querySelector('[part=policy] legend')!.textContent).to.equal('Política predeterminada');
    expect(el.shadowRoot!.textContent).to.contain('Todavía no hay automatizaciones.');
  });
});
