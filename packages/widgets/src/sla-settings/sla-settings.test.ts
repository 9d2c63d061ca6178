import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import './sla-settings.ts';
import '../workbench/workbench.ts';
import type { CasekitSlaSettings } from './sla-settings.ts';
import type { CasekitWorkbench } from '../workbench/workbench.ts';
import { axeViolations, cleanup, fixture, until } from '../internal/test-helpers.ts';
import { agentClient, startMockApi } from '../internal/mock-api.ts';

describe('casekit-sla-settings', () => {
  let mock: Awaited<ReturnType<typeof startMockApi>>;
  beforeEach(async () => {
    mock = await startMockApi();
  });
  afterEach(cleanup);

  async function mount(email?: string, lang = 'en'): Promise<CasekitSlaSettings> {
    const el = await fixture<CasekitSlaSettings>(`<casekit-sla-settings lang="${lang}"></casekit-sla-settings>`);
    el.client = await agentClient(email);
    await until(() => el.shadowRoot!.querySelector('form'), 'settings loaded');
    return el;
  }
  const $ = <T extends HTMLElement = HTMLInputElement>(el: CasekitSlaSettings, sel: string) => el.shadowRoot!.querySelector<T>(sel)!;
  const button = (el: CasekitSlaSettings, text: string) =>
    [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button')].find((b) => (b.getAttribute('aria-label') ?? b.textContent!.trim()) === text)!;
  const type = async (el: CasekitSlaSettings, sel: string, value: string) => {
    const input = $(el, sel);
    input.focus();
    input.select?.();
    if (value) await sendKeys({ type: value });
    else await sendKeys({ press: 'Backspace' });
    await el.updateComplete;
  };
  const choose = async (el: CasekitSlaSettings, sel: string, value: string) => {
    const select = $<HTMLSelectElement>(el, sel);
    select.value = value;
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
  };
  const stored = async () => (await mock.store.getWorkspace(mock.workspaceId))!.settings.sla;

  it('sets up business hours, a policy and where it applies, saves them and shows them again', async () => {
    const el = await mount();
    expect(el.shadowRoot!.textContent).to.contain('No SLA yet');
    expect(await axeViolations(el)).to.deep.equal([]);

    button(el, 'Add calendar').click();
    await el.updateComplete;
    await choose(el, '#sla-calendars-0-timeZone', 'Europe/Madrid');
    await type(el, '#sla-calendars-0-hours-fri-0-1', '15:00');
    button(el, 'Add holiday').click();
    await el.updateComplete;
    const holiday = $(el, '#sla-calendars-0-holidays-0');
    holiday.value = '2026-12-25';
    holiday.dispatchEvent(new Event('input'));

    await choose(el, '#sla-policies-0-calendarId', 'office');
    await type(el, '#sla-policies-0-targets-urgent-firstResponseSeconds', '30');
    await type(el, '#sla-policies-0-targets-normal-resolutionSeconds', '8');
    await choose(el, '[aria-label="Unit of Resolution target, Normal"]', 'hours');
    await choose(el, '#sla-policies-0-warn', 'seconds');
    await type(el, '#sla-policies-0-warnBeforeSeconds', '15');
    $(el, '.escalation input[type=checkbox]').click();
    await choose(el, '#sla-policies-0-escalation-notifyRole', 'supervisor');
    button(el, 'Add team').click();
    await el.updateComplete;
    await type(el, '#sla-teamEntries-0', 'billing');
    await choose(el, '#sla-channels-email', 'standard');

    const saved = new Promise<Event>((r) => el.addEventListener('casekit-sla-settings-saved', r, { once: true }));
    $<HTMLButtonElement>(el, '[part=save]').click();
    await saved;
    expect(await stored()).to.deep.equal({
      calendars: [
        {
          id: 'office',
          timeZone: 'Europe/Madrid',
          hours: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '15:00']] },
          holidays: ['2026-12-25'],
        },
      ],
      policies: [
        {
          id: 'standard',
          calendarId: 'office',
          targets: { urgent: { firstResponseSeconds: 1800 }, normal: { resolutionSeconds: 28800 } },
          warnBeforeSeconds: 900,
          escalation: { raisePriority: true, notifyRole: 'supervisor' },
        },
      ],
      default: 'standard',
      teams: { billing: 'standard' },
      channels: { email: 'standard' },
    });
    await until(() => $(el, '[role=status]').textContent === 'SLA settings saved.', 'said');

    cleanup();
    const again = await mount();
    expect(again.shadowRoot!.textContent).not.to.contain('No SLA yet');
    expect($(again, '#sla-calendars-0-timeZone').value).to.equal('Europe/Madrid');
    expect($(again, '#sla-calendars-0-hours-fri-0-1').value).to.equal('15:00');
    expect($(again, '#sla-policies-0-targets-urgent-firstResponseSeconds').value).to.equal('30');
    expect($(again, '#sla-policies-0-targets-normal-resolutionSeconds').value).to.equal('8');
    expect($<HTMLSelectElement>(again, '[aria-label="Unit of Resolution target, Normal"]').value).to.equal('hours');
    expect($(again, '#sla-policies-0-warnBeforeSeconds').value).to.equal('15');
    expect($<HTMLSelectElement>(again, '#sla-teams-billing').value).to.equal('standard');
    expect(await axeViolations(again)).to.deep.equal([]);
  });

  it('puts each field the server refuses beside its input, focuses the first, and saves nothing', async () => {
    const el = await mount();
    button(el, 'Add calendar').click();
    await el.updateComplete;
    await type(el, '#sla-calendars-0-hours-mon-0-1', '08:00');
    await type(el, '#sla-policies-0-targets-high-nextResponseSeconds', '-5');
    await choose(el, '#sla-policies-0-calendarId', 'office');
    await type(el, '#sla-calendars-0-id', 'hq');
    $<HTMLButtonElement>(el, '[part=save]').click();

    const end = await until(() => el.shadowRoot!.querySelector<HTMLInputElement>('#sla-calendars-0-hours-mon-0-1[aria-invalid=true]'), 'the interval marked');
    expect($(el, `#${end.getAttribute('aria-describedby')}`).textContent).to.equal('must be after the start');
    expect(el.shadowRoot!.activeElement === end, 'the first field at fault takes the focus').to.equal(true);
    const target = $(el, '#sla-policies-0-targets-high-nextResponseSeconds');
    expect(target.getAttribute('aria-invalid')).to.equal('true');
    expect($(el, `#${target.getAttribute('aria-describedby')}`).textContent).to.match(/>0|positive|too small/i);
    const calendarChoice = $<HTMLSelectElement>(el, '#sla-policies-0-calendarId');
    expect(calendarChoice.getAttribute('aria-invalid'), 'the policy names a calendar renamed since').to.equal('true');
    expect($(el, `#${calendarChoice.getAttribute('aria-describedby')}`).textContent).to.contain('no calendar has the id "office"');
    expect($(el, '[role=alert]').textContent).to.contain('fix the fields marked below');
    expect(await stored()).to.equal(undefined);
    expect(await axeViolations(el)).to.deep.equal([]);

    await type(el, '#sla-calendars-0-hours-mon-0-1', '18:00');
    expect(end.getAttribute('aria-invalid'), 'an edited field drops its error').to.equal('false');
  });

  it('shows the settings read-only to agents who are not admins', async () => {
    const el = await mount('ben@northwind.example');
    expect(el.shadowRoot!.textContent).to.contain('Only admins can change the SLA settings.');
    expect($<HTMLFieldSetElement>(el, 'fieldset.plain').disabled).to.equal(true);
  });

  it('opens from the workbench account menu for admins, loaded on use; agents have no such item', async () => {
    const mountWorkbench = async (email?: string) => {
      const wb = await fixture<CasekitWorkbench>('<casekit-workbench style="height: 640px; width: 1280px"></casekit-workbench>');
      wb.client = await agentClient(email);
      await until(() => wb.shadowRoot!.querySelector('[part=account-button]'), 'header');
      wb.shadowRoot!.querySelector<HTMLButtonElement>('[part=account-button]')!.click();
      await wb.updateComplete;
      return wb;
    };
    const item = (wb: CasekitWorkbench) => [...wb.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part=account-menu] button')].find((b) => b.textContent!.trim() === 'SLA policies');
    const wb = await mountWorkbench();
    item(wb)!.click();
    const view = await until(() => wb.shadowRoot!.querySelector<CasekitSlaSettings>('casekit-sla-settings'), 'SLA settings open');
    await until(() => view.shadowRoot!.querySelector('form'), 'loaded');
    expect(wb.shadowRoot!.activeElement?.id).to.equal('wb-panel-title');
    expect(wb.shadowRoot!.querySelector('.main')!.getAttribute('aria-label')).to.equal('SLA policies');
    wb.shadowRoot!.querySelector<HTMLButtonElement>('.close')!.click();
    await until(() => !wb.shadowRoot!.querySelector('casekit-sla-settings'), 'closed');
    expect(wb.shadowRoot!.activeElement === wb.shadowRoot!.querySelector('[part=account-button]'), 'focus back on the account button').to.equal(true);

    cleanup();
    const ben = await mountWorkbench('ben@northwind.example');
    expect(item(ben)).to.equal(undefined);
  });
});
