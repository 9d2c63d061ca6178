import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import './workbench.ts';
import type { CasekitWorkbench } from './workbench.ts';
import type { CasekitInbox } from '../inbox/inbox.ts';
import { axeViolations, cleanup, fixture, HOSTILE_CSS, injectCss, until } from '../internal/test-helpers.ts';
import { agentClient, startMockApi, storedCase } from '../internal/mock-api.ts';
import { currentAgent } from '../internal/agents.ts';
import { CaseSelectEvent } from '../events.ts';

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
    await settings.updateComplete;
    expect(settings.shadowRoot!.querySelector('[part=add-button]'), 'an admin may add channels').to.exist;
    expect(visible(el, 'casekit-channel-settings')).to.equal(true);
    expect(visible(el, '.side') || visible(el, 'casekit-composer'), 'the case makes way').to.equal(false);
    expect(el.shadowRoot!.activeElement?.id).to.equal('wb-panel-title');
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

  it('gives agents who are not admins no channel settings and no live queue', async () => {
    const el = await mount(1280, 'ben@northwind.example');
    await currentAgent(el.client!);
    await el.updateComplete;
    expect(el['canEditChannels']).to.equal(false);
    expect(el.shadowRoot!.querySelector('[part=settings-button]')).to.equal(null);
    expect(el.shadowRoot!.querySelector('[part=queue-button]')).to.equal(null);
  });

  it('lets admins open the routing settings, and returns focus to the button on close', async () => {
    const el = await mount(1280);
    const open = await until(() => el.shadowRoot!.querySelector<HTMLButtonElement>('[part=routing-button]'), 'the routing button');
    open.click();
    const routing = await until(() => el.shadowRoot!.querySelector('casekit-routing-settings'), 'routing open');
    await until(() => routing.shadowRoot!.querySelector('[part=form]'), 'routing loaded');
    expect(el.shadowRoot!.querySelector('.main')!.getAttribute('aria-label')).to.equal('Routing');
    el.shadowRoot!.querySelector<HTMLButtonElement>('.close')!.click();
    await until(() => !el.shadowRoot!.querySelector('casekit-routing-settings'), 'closed');
    expect(el.shadowRoot!.activeElement?.getAttribute('part')).to.equal('routing-button');
  });

  it('opens the live queue for a supervisor, and a case chosen in it opens in place', async () => {
    const el = await mount(1280, 'chloe@northwind.example');
    const open = await until(() => el.shadowRoot!.querySelector<HTMLButtonElement>('[part=queue-button]'), 'the queue button');
    expect(el.shadowRoot!.querySelector('[part=settings-button]'), 'channel settings stay with admins').to.equal(null);
    expect(el.shadowRoot!.querySelector('[part=routing-button]'), 'so does routing').to.equal(null);
    expect(open.textContent!.trim()).to.equal('Live queue');
    open.click();
    const queue = await until(() => el.shadowRoot!.querySelector('casekit-queue'), 'queue open');
    await until(() => queue.shadowRoot!.querySelector('[part=list]'), 'queue loaded');
    expect(open.getAttribute('aria-pressed')).to.equal('true');
    expect(el.shadowRoot!.activeElement?.id).to.equal('wb-panel-title');
    expect(el.shadowRoot!.querySelector('.main')!.getAttribute('aria-label')).to.equal('Live queue');
    expect(await axeViolations(el)).to.deep.equal([]);

    const [kase] = (await el.client!.listCases({ limit: 1 })).items;
    queue.dispatchEvent(new CaseSelectEvent(kase!));
    await until(() => el.shadowRoot!.querySelector('casekit-composer'), 'the case opens');
    expect(el.shadowRoot!.querySelector('casekit-queue')).to.equal(null);
  });

  it('keeps its layout under hostile page CSS', async () => {
    const el = await mount(1000);
    const box = () => ['.inbox', '.main'].map((s) => el.shadowRoot!.querySelector(s)!.getBoundingClientRect().width);
    const before = box();
    injectCss(HOSTILE_CSS);
    await el.updateComplete;
    expect(box()).to.deep.equal(before);
  });

  describe('header', () => {
    const header = (el: CasekitWorkbench) => el.shadowRoot!.querySelector<HTMLElement>('[part=header]')!;
    const accountButton = (el: CasekitWorkbench) => el.shadowRoot!.querySelector<HTMLButtonElement>('[part=account-button]')!;
    const menuItem = (el: CasekitWorkbench, text: string) =>
      [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part=account-menu] button')].find((b) => b.textContent!.trim() === text);
    const ready = async (email?: string) => {
      const el = await mount(1280, email);
      await until(() => el.shadowRoot!.querySelector('[part=account-button]'), 'header');
      return el;
    };

    it('sets presence from the header, stored on the server and followed when it changes elsewhere', async () => {
      const el = await ready();
      const select = header(el).querySelector<HTMLSelectElement>('[part=presence]')!;
      expect(select.getAttribute('aria-label')).to.equal('Presence');
      expect(select.value).to.equal('online');
      select.focus();
      await sendKeys({ press: 'ArrowDown' });
      select.dispatchEvent(new Event('change'));
      await until(async () => (await mock.store.getAgent(mock.workspaceId, 'a_ada'))?.presence === 'away', 'stored as away');
      (el.client as unknown as { emit(n: string, v: unknown): void }).emit('presence', { agentId: 'a_ada', presence: 'offline' });
      await until(() => select.value === 'offline', 'follows a change made elsewhere');
      expect(await axeViolations(el)).to.deep.equal([]);
    });

    it('opens the account menu from the keyboard and closes it with Escape, back on its button', async () => {
      const el = await ready();
      const button = accountButton(el);
      expect(button.getAttribute('aria-label')).to.equal('Account: Ada Lovelace');
      expect(button.getAttribute('aria-expanded')).to.equal('false');
      button.focus();
      await sendKeys({ press: 'Enter' });
      await until(() => button.getAttribute('aria-expanded') === 'true', 'menu open');
      expect(['Change password', 'Agents', 'Sign out'].map((t) => Boolean(menuItem(el, t)))).to.deep.equal([true, true, true]);
      expect(el.shadowRoot!.activeElement).to.equal(menuItem(el, 'Change password'));
      expect(await axeViolations(el)).to.deep.equal([]);
      await sendKeys({ press: 'Escape' });
      await until(() => button.getAttribute('aria-expanded') === 'false', 'menu closed');
      expect(el.shadowRoot!.activeElement).to.equal(button);
    });

    it('changes the password in a dialog, with errors next to their fields', async () => {
      const el = await ready();
      const signedIn = new Promise<string>((resolve) => el.addEventListener('casekit-signed-in', (e) => resolve(e.token), { once: true }));
      accountButton(el).click();
      await el.updateComplete;
      menuItem(el, 'Change password')!.click();
      const dialog = await until(() => el.shadowRoot!.querySelector<HTMLDialogElement>('[part=password-dialog][open]'), 'dialog open');
      expect(el.shadowRoot!.activeElement?.id).to.equal('wb-currentPassword');
      const fill = async (current: string, next: string, confirm: string) => {
        for (const [id, value] of [['wb-currentPassword', current], ['wb-newPassword', next], ['wb-confirmPassword', confirm]] as const) {
          el.shadowRoot!.querySelector<HTMLInputElement>(`#${id}`)!.value = value;
        }
        el.shadowRoot!.querySelector<HTMLButtonElement>('[part=password-dialog] [type=submit]')!.click();
        await el.updateComplete;
      };
      await fill('casekit-demo', 'a long new passphrase', 'a different one');
      expect(el.shadowRoot!.querySelector('#wb-confirmPassword-error')!.textContent).to.equal('The two new passwords differ.');
      await fill('not my password', 'a long new passphrase', 'a long new passphrase');
      const current = el.shadowRoot!.querySelector<HTMLInputElement>('#wb-currentPassword')!;
      await until(() => current.getAttribute('aria-invalid') === 'true', 'current password refused');
      expect(el.shadowRoot!.querySelector('#wb-currentPassword-error')!.textContent).to.equal('is not your current password');
      expect(await axeViolations(el)).to.deep.equal([]);
      await fill('casekit-demo', 'a long new passphrase', 'a long new passphrase');
      const token = await signedIn;
      await until(() => !dialog.open, 'dialog closed');
      expect(el.client!.token).to.equal(token);
      expect((await el.client!.me()).id).to.equal('a_ada');
      const { createAgentClient } = await import('@casekit/sdk');
      const fresh = createAgentClient({ baseUrl: location.origin });
      await fresh.login('ada@northwind.example', 'a long new passphrase');
    });

    it('signs out: the token is refused from then on and the sign-in form shows', async () => {
      const el = await ready();
      const client = el.client!;
      const token = client.token!;
      const out = new Promise<string>((resolve) => el.addEventListener('casekit-signed-out', (e) => resolve(e.reason), { once: true }));
      accountButton(el).click();
      await el.updateComplete;
      menuItem(el, 'Sign out')!.click();
      expect(await out).to.equal('sign-out');
      await until(() => el.shadowRoot!.querySelector('form.signin'), 'sign-in form');
      expect(el.shadowRoot!.querySelector('[role=status]')!.textContent).to.contain('You are signed out.');
      const { createAgentClient } = await import('@casekit/sdk');
      const stale = createAgentClient({ baseUrl: location.origin, token });
      let code = '';
      await stale.me().catch((e: { code: string }) => (code = e.code));
      expect(code).to.equal('unauthorized');
      expect((await mock.store.getAgent(mock.workspaceId, 'a_ada'))!.presence).to.equal('offline');
    });

    it('returns to the sign-in form with the reason when the server ends the sign-in', async () => {
      const el = await ready();
      const { CasekitApiError } = await import('@casekit/sdk');
      const out = new Promise<string>((resolve) => el.addEventListener('casekit-signed-out', (e) => resolve(e.reason), { once: true }));
      (el.client as unknown as { emit(n: string, v: unknown): void }).emit('error', new CasekitApiError('agent_deactivated', 'This account is deactivated.', { status: 403 }));
      expect(await out).to.equal('agent_deactivated');
      await until(() => el.shadowRoot!.querySelector('form.signin [role=alert]'), 'reason shown');
      expect(el.shadowRoot!.querySelector('form.signin [role=alert]')!.textContent).to.contain('deactivated');
    });

    it('opens the agents for admins in place of the case; others have no such item', async () => {
      const el = await ready();
      accountButton(el).click();
      await el.updateComplete;
      menuItem(el, 'Agents')!.click();
      const agents = await until(() => el.shadowRoot!.querySelector('casekit-agents'), 'agents open');
      await until(() => agents.shadowRoot!.querySelectorAll('[part=row]').length > 0, 'agents listed');
      expect(el.shadowRoot!.activeElement?.id).to.equal('wb-panel-title');
      expect(el.shadowRoot!.querySelector('.main')!.getAttribute('aria-label')).to.equal('Agents');
      el.shadowRoot!.querySelector<HTMLButtonElement>('.close')!.click();
      await until(() => !el.shadowRoot!.querySelector('casekit-agents'), 'closed');
      expect(el.shadowRoot!.activeElement).to.equal(accountButton(el));

      cleanup();
      const ben = await ready('ben@northwind.example');
      accountButton(ben).click();
      await ben.updateComplete;
      expect(menuItem(ben, 'Agents')).to.equal(undefined);
      expect(menuItem(ben, 'Sign out')).to.exist;
    });

    it('opens the Splynx sync for admins, loaded on first use; others have no such item', async () => {
      const el = await ready();
      expect(customElements.get('casekit-splynx-sync'), 'not loaded up front').to.equal(undefined);
      accountButton(el).click();
      await el.updateComplete;
      menuItem(el, 'Splynx sync')!.click();
      const view = await until(() => el.shadowRoot!.querySelector('casekit-splynx-sync'), 'sync view open');
      await until(() => view.shadowRoot!.querySelector('[part=connection]')?.textContent?.includes('Not configured'), 'status shown');
      expect(el.shadowRoot!.querySelector('.main')!.getAttribute('aria-label')).to.equal('Splynx sync');

      cleanup();
      const ben = await ready('ben@northwind.example');
      accountButton(ben).click();
      await ben.updateComplete;
      expect(menuItem(ben, 'Splynx sync')).to.equal(undefined);
    });
  });

  it('shows a sign-in form without a client or token', async () => {
    const el = await fixture<CasekitWorkbench>('<casekit-workbench></casekit-workbench>');
    expect(el.shadowRoot!.querySelector('form input[type=password]')).to.exist;
    expect(await axeViolations(el)).to.deep.equal([]);
  });
});
