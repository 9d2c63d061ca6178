import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import './workbench.ts';
import type { CasekitWorkbench } from './workbench.ts';
import type { CasekitInbox } from '../inbox/inbox.ts';
import { axeViolations, cleanup, fixture, HOSTILE_CSS, injectCss, until } from '../internal/test-helpers.ts';
import { agentClient, startMockApi, storedCase } from '../internal/mock-api.ts';
import { currentAgent } from '../internal/agents.ts';

describe('casekit-workbench', () => {
  let mock: Awaited<ReturnType<typeof startMockApi>>;
  beforeEach(async () => {
    mock = await startMockApi();
  });
  afterEach(cleanup);

  async function mount(width: number, email?: string): Promise<CasekitWorkbench> {
    const el = await fixture<CasekitWorkbench>(`<casekit-workbench style="height: 640px; width: ${width}px"></casekit-workbench>`);
    el.client = await agentClient(email);
    await el.updateComplete;
    await until(() => inbox(el)['items'].length > 0, 'inbox loaded');
    return el;
  }
  const inbox = (el: CasekitWorkbench) => el.shadowRoot!.querySelector<CasekitInbox>('casekit-inbox')!;
  const visible = (el: CasekitWorkbench, sel: string) => {
    const node = el.shadowRoot!.querySelector<HTMLElement>(sel);
    return Boolean(node && node.getBoundingClientRect().width > 0);
  };

  it('signs in in Spanish with lang="es": labels, and the server\'s refusal by its error code', async () => {
    const el = await fixture<CasekitWorkbench>('<casekit-workbench lang="es" style="height: 640px; width: 900px"></casekit-workbench>');
    const form = el.shadowRoot!.querySelector<HTMLFormElement>('form.signin')!;
    expect(form.querySelector('label[for=wb-email]')!.textContent).to.equal('Correo electrónico');
    expect(form.querySelector('label[for=wb-password]')!.textContent).to.equal('Contraseña');
    expect(form.querySelector('button[type=submit]')!.textContent!.trim()).to.equal('Iniciar sesión');
    form.querySelector<HTMLInputElement>('#wb-email')!.value = 'ada@northwind.example';
    form.querySelector<HTMLInputElement>('#wb-password')!.value = 'not the password';
    form.requestSubmit();
    await until(() => el.shadowRoot!.querySelector('.signin [role=alert]'), 'refusal shown');
    expect(el.shadowRoot!.querySelector('.signin [role=alert]')!.textContent).to.equal('Correo electrónico o contraseña incorrectos.');
  });

  it('shows a server error by its code in the reader\'s language, not in the server\'s English', async () => {
    const el = await fixture<CasekitWorkbench>('<casekit-workbench lang="es" style="height: 640px; width: 900px"></casekit-workbench>');
    const original = window.fetch;
    window.fetch = async () => Response.json({ error: { code: 'unavailable', message: 'Down for maintenance until 02:00.' } }, { status: 503 });
    try {
      const form = el.shadowRoot!.querySelector<HTMLFormElement>('form.signin')!;
      form.querySelector<HTMLInputElement>('#wb-email')!.value = 'ada@northwind.example';
      form.querySelector<HTMLInputElement>('#wb-password')!.value = 'x';
      form.requestSubmit();
      await until(() => el.shadowRoot!.querySelector('.signin [role=alert]'), 'error shown');
      expect(el.shadowRoot!.querySelector('.signin [role=alert]')!.textContent).to.equal('No se pudo conectar con el servidor. Comprueba la conexión e inténtalo de nuevo.');
    } finally {
      window.fetch = original;
    }
  });

  it('hands its client to every widget inside and opens a case from the keyboard', async () => {
    const el = await mount(1280);
    const list = inbox(el).shadowRoot!.querySelector<HTMLElement>('[role=listbox]')!;
    list.focus();
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    await until(() => el.selected, 'case selected');
    await el.updateComplete;
    const kase = await storedCase(mock, el.selected);
    const timeline = el.shadowRoot!.querySelector('casekit-timeline')!;
    await until(() => timeline['events'].length > 0, 'timeline loaded');
    expect(timeline.customerId).to.equal(kase.customerId);
    const casePanel = el.shadowRoot!.querySelector('casekit-case')!;
    await until(() => casePanel.case, 'case panel loaded');
    expect(el.shadowRoot!.querySelector('casekit-composer')!.caseId).to.equal(kase.id);
    expect(visible(el, '.inbox') && visible(el, '.main') && visible(el, '.side')).to.equal(true);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('shows one pane at a time in a 360px side panel, with a way back', async () => {
    const el = await mount(360);
    expect(visible(el, '.inbox')).to.equal(true);
    expect(visible(el, '.main')).to.equal(false);
    inbox(el).shadowRoot!.querySelector<HTMLElement>('[role=option]')!.click();
    await until(() => visible(el, '.main'), 'case pane');
    expect(visible(el, '.inbox')).to.equal(false);
    expect(el.shadowRoot!.querySelector('.main')!.getBoundingClientRect().width).to.be.closeTo(358, 4);
    el.shadowRoot!.querySelector<HTMLElement>('[role=tab]:nth-child(2)')!.click();
    await until(() => visible(el, '.side'), 'details tab');
    // The conversation makes way for the details: nothing of it shows through.
    expect(visible(el, 'casekit-timeline') || visible(el, 'casekit-composer'), 'conversation hidden').to.equal(false);
    el.shadowRoot!.querySelector<HTMLElement>('[role=tab]:nth-child(1)')!.click();
    await until(() => visible(el, 'casekit-composer'), 'back on the conversation tab');
    expect(visible(el, '.side')).to.equal(false);
    el.shadowRoot!.querySelector<HTMLElement>('.back')!.click();
    await until(() => visible(el, '.inbox'), 'back to the inbox');
  });

  it('lets admins open the channel settings in place of the case, and come back to the reply they were writing', async () => {
    const el = await mount(1280);
    inbox(el).shadowRoot!.querySelector<HTMLElement>('[role=option]')!.click();
    const composer = await until(() => el.shadowRoot!.querySelector('casekit-composer'), 'case open');
    await composer.updateComplete;
    const box = composer.shadowRoot!.querySelector('textarea')!;
    box.value = 'Half-written reply';
    box.dispatchEvent(new InputEvent('input'));

    const open = await until(() => el.shadowRoot!.querySelector<HTMLButtonElement>('[part=settings-button]'), 'the settings button');
    expect(open.textContent).to.contain('Channel settings');
    open.click();
    const settings = await until(() => el.shadowRoot!.querySelector('casekit-channel-settings'), 'settings open');
    await until(() => settings['channels'].length > 0, 'channels listed');
    expect(settings['canEdit']).to.equal(true);
    expect(visible(el, 'casekit-channel-settings')).to.equal(true);
    expect(visible(el, '.side') || visible(el, 'casekit-composer'), 'the case makes way').to.equal(false);
    expect(el.shadowRoot!.activeElement?.id).to.equal('wb-settings-title');
    expect(el.shadowRoot!.querySelector('.main')!.getAttribute('aria-label')).to.equal('Channel settings');
    expect(await axeViolations(el)).to.deep.equal([]);

    el.shadowRoot!.querySelector<HTMLButtonElement>('.close')!.click();
    await until(() => visible(el, 'casekit-composer'), 'back to the case');
    expect(el.shadowRoot!.querySelector('casekit-channel-settings')).to.equal(null);
    expect(el.shadowRoot!.querySelector('casekit-composer')!.shadowRoot!.querySelector('textarea')!.value).to.equal('Half-written reply');
    expect(el.shadowRoot!.activeElement?.getAttribute('part')).to.equal('settings-button');
  });

  it('shows the channel settings as the one pane in a 360px side panel', async () => {
    const el = await mount(360);
    const open = await until(() => el.shadowRoot!.querySelector<HTMLButtonElement>('[part=settings-button]'), 'the settings button');
    open.click();
    await until(() => visible(el, 'casekit-channel-settings'), 'settings pane');
    expect(visible(el, '.inbox')).to.equal(false);
    expect(el.shadowRoot!.querySelector('.main')!.getBoundingClientRect().width).to.be.closeTo(358, 4);
    el.shadowRoot!.querySelector<HTMLButtonElement>('.close')!.click();
    await until(() => visible(el, '.inbox'), 'back to the inbox');
  });

  it('gives agents who are not admins no channel settings', async () => {
    const el = await mount(1280, 'ben@northwind.example');
    await currentAgent(el.client!);
    await el.updateComplete;
    expect(el['canEditChannels']).to.equal(false);
    expect(el.shadowRoot!.querySelector('[part=settings-button]')).to.equal(null);
  });

  it('keeps its layout under hostile page CSS', async () => {
    const el = await mount(1000);
    const box = () => ['.inbox', '.main'].map((s) => el.shadowRoot!.querySelector(s)!.getBoundingClientRect().width);
    const before = box();
    injectCss(HOSTILE_CSS);
    await el.updateComplete;
    expect(box()).to.deep.equal(before);
  });

  it('shows a sign-in form without a client or token', async () => {
    const el = await fixture<CasekitWorkbench>('<casekit-workbench></casekit-workbench>');
    expect(el.shadowRoot!.querySelector('form input[type=password]')).to.exist;
    expect(await axeViolations(el)).to.deep.equal([]);
  });
});
