import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { ChannelConfigError, DEMO_WEBCHAT_SECRET, type ChannelKindSpec } from '@casekit/mocks';
import { CHANNEL_CAPABILITIES } from '@casekit/protocol';
import './channel-settings.ts';
import type { CasekitChannelSettings } from './channel-settings.ts';
import type { ChannelSavedEvent } from '../events.ts';
import { axeViolations, cleanup, fixture, until } from '../internal/test-helpers.ts';
import { agentClient, startMockApi } from '../internal/mock-api.ts';

/** A Twilio SMS kind as a server would run it, with a field of each type and a checked account SID. */
const twilioSms: ChannelKindSpec = {
  kind: 'twilio-sms',
  medium: 'sms',
  capabilities: CHANNEL_CAPABILITIES['twilio-sms'],
  fields: {
    config: [
      { name: 'accountSid', label: 'Account SID', required: true, help: 'Starts with AC, on the home page of the Twilio console.' },
      { name: 'from', label: 'Sending number', required: true },
      { name: 'statusCallbackUrl', label: 'Status callback URL', required: false, type: 'url' },
      { name: 'region', label: 'Region', required: false, type: 'select', options: ['us1', 'ie1', 'au1'] },
      { name: 'maxPrice', label: 'Price limit', required: false, type: 'number' },
      { name: 'smartEncoding', label: 'Smart encoding', required: false, type: 'boolean' },
      { name: 'routing', label: 'Routing rules', required: false, type: 'object', help: 'JSON, e.g. {"+44": "uk-pool"}' },
    ],
    secrets: [{ name: 'authToken', label: 'Auth token', required: true }],
  },
  validate({ config, secrets }) {
    const given = (config ?? {}) as Record<string, unknown>;
    if (typeof given.accountSid !== 'string' || !given.accountSid.startsWith('AC')) {
      throw new ChannelConfigError('config.accountSid', 'config.accountSid: must start with AC (it is on the Twilio console).');
    }
    return { config: given, secrets: (secrets ?? {}) as Record<string, string> };
  },
  verify: () => ({ ok: true }),
  parse: () => ({ events: [] }),
};

describe('casekit-channel-settings', () => {
  let mock: Awaited<ReturnType<typeof startMockApi>>;
  beforeEach(async () => {
    mock = await startMockApi({ channelKinds: [twilioSms] });
  });
  afterEach(cleanup);

  async function mount(email?: string): Promise<CasekitChannelSettings> {
    const el = await fixture<CasekitChannelSettings>('<casekit-channel-settings></casekit-channel-settings>');
    el.client = await agentClient(email);
    await until(() => el['channels'].length > 0 && !el['loading'], 'channels loaded');
    await el.updateComplete;
    return el;
  }
  const $ = <T extends HTMLElement = HTMLElement>(el: CasekitChannelSettings, sel: string) => el.shadowRoot!.querySelector<T>(sel)!;
  const row = (el: CasekitChannelSettings, id: string) => $(el, `[data-channel="${id}"]`);
  async function openForm(el: CasekitChannelSettings, kind: string): Promise<HTMLFormElement> {
    $(el, '[part=add-button]').click();
    await el.updateComplete;
    const select = $<HTMLSelectElement>(el, '#field-kind');
    select.value = kind;
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
    return $<HTMLFormElement>(el, 'form');
  }
  function fill(el: CasekitChannelSettings, values: Record<string, string>): void {
    for (const [name, value] of Object.entries(values)) $<HTMLInputElement>(el, `[name="${name}"]`).value = value;
  }
  const describedBy = (el: CasekitChannelSettings, control: HTMLElement) =>
    (control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean).map((id) => $(el, `#${id}`).textContent!.trim());

  it('lists each channel with its kind, state, webhook URL and which secrets are set, never their values', async () => {
    const el = await mount();
    expect(el['channels'].map((c) => c.id)).to.include.members(['ch_web', 'ch_email', 'ch_sms', 'ch_whatsapp', 'ch_telegram']);
    const sms = row(el, 'ch_sms');
    expect(sms.textContent).to.contain('SMS +1 415 555 0100');
    expect(sms.textContent).to.contain('twilio-sms · SMS');
    expect(sms.querySelector('svg')).to.exist;
    expect(sms.querySelector('[role=switch]')!.getAttribute('aria-checked')).to.equal('true');
    const webhook = sms.querySelector<HTMLInputElement>('[part=webhook] input')!;
    expect(webhook.value).to.equal(`${location.origin}/webhooks/ch_sms`);
    expect(webhook.readOnly).to.equal(true);
    expect(sms.textContent).to.contain('Auth token: not set');

    const web = row(el, 'ch_web');
    expect(web.querySelector('[part=webhook]'), 'web chat takes no webhooks').to.equal(null);
    expect(web.textContent).to.contain('Identity secret: set');
    const everything = el.shadowRoot!.textContent! + [...el.shadowRoot!.querySelectorAll('input')].map((i) => i.value).join(' ');
    expect(everything).not.to.contain(DEMO_WEBCHAT_SECRET);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('copies a webhook URL', async () => {
    const el = await mount();
    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text: string) => void copied.push(text) } });
    try {
      const button = row(el, 'ch_sms').querySelector<HTMLButtonElement>('[part=webhook] button')!;
      expect(button.getAttribute('aria-label')).to.equal('Copy the webhook URL of SMS +1 415 555 0100');
      button.click();
      await until(() => button.textContent!.includes('Copied'), 'copied');
      expect(copied).to.deep.equal([`${location.origin}/webhooks/ch_sms`]);
      expect($(el, '.sr-live').textContent).to.contain('Copied');
    } finally {
      delete (navigator as unknown as Record<string, unknown>)['clipboard'];
    }
  });

  it('disables and re-enables a channel with its switch, from the keyboard too', async () => {
    const el = await mount();
    const saved: ChannelSavedEvent[] = [];
    el.addEventListener('casekit-channel-saved', (e) => saved.push(e));
    const toggle = row(el, 'ch_sms').querySelector<HTMLButtonElement>('[role=switch]')!;
    expect(toggle.getAttribute('aria-label')).to.equal('Enable SMS +1 415 555 0100');
    toggle.click();
    await until(() => toggle.getAttribute('aria-checked') === 'false', 'switched off');
    expect((await mock.store.getChannel(mock.workspaceId, 'ch_sms'))!.enabled).to.equal(false);
    expect(row(el, 'ch_sms').textContent).to.contain('Disabled');
    expect(saved.map((e) => [e.channel.id, e.channel.enabled, e.created])).to.deep.equal([['ch_sms', false, false]]);

    toggle.focus();
    await sendKeys({ press: 'Space' });
    await until(() => toggle.getAttribute('aria-checked') === 'true', 'switched on');
    expect((await mock.store.getChannel(mock.workspaceId, 'ch_sms'))!.enabled).to.equal(true);
  });

  it("renders the form from the kind's fields: labels, help, required marks and a control per type", async () => {
    const el = await mount();
    $(el, '[part=add-button]').click();
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement?.id, 'the kind picker takes focus').to.equal('field-kind');
    expect([...$<HTMLSelectElement>(el, '#field-kind').options].map((o) => o.value)).to.deep.equal(['', 'webchat', 'twilio-sms']);

    await openFormKind(el, 'twilio-sms');
    const sid = $<HTMLInputElement>(el, '[name="config.accountSid"]');
    expect(sid.labels![0]!.textContent).to.contain('Account SID');
    expect(sid.required).to.equal(true);
    expect(describedBy(el, sid)).to.deep.equal(['Starts with AC, on the home page of the Twilio console.']);
    expect($<HTMLInputElement>(el, '[name="config.statusCallbackUrl"]').type).to.equal('url');
    expect($<HTMLInputElement>(el, '[name="config.statusCallbackUrl"]').required).to.equal(false);
    expect($(el, '[name="config.region"]').tagName).to.equal('SELECT');
    expect([...$<HTMLSelectElement>(el, '[name="config.region"]').options].map((o) => o.value)).to.deep.equal(['', 'us1', 'ie1', 'au1']);
    expect($<HTMLInputElement>(el, '[name="config.maxPrice"]').type).to.equal('number');
    expect($<HTMLInputElement>(el, '[name="config.smartEncoding"]').type).to.equal('checkbox');
    expect($(el, '[name="config.routing"]').tagName).to.equal('TEXTAREA');
    const token = $<HTMLInputElement>(el, '[name="secrets.authToken"]');
    expect(token.type).to.equal('password');
    expect(token.labels![0]!.textContent).to.contain('Auth token');
    expect(await axeViolations(el)).to.deep.equal([]);

    // Another kind, other fields.
    await openFormKind(el, 'webchat');
    expect(el.shadowRoot!.querySelector('[name="config.accountSid"]')).to.equal(null);
    expect($<HTMLInputElement>(el, '[name="secrets.identitySecret"]').type).to.equal('password');
  });

  it("shows the server's field error next to that field, then creates the channel and shows its webhook URL", async () => {
    const el = await mount();
    const saved: ChannelSavedEvent[] = [];
    el.addEventListener('casekit-channel-saved', (e) => saved.push(e));
    const form = await openForm(el, 'twilio-sms');

    // Nothing filled in: the required fields say so, without asking the server.
    form.requestSubmit();
    await el.updateComplete;
    expect($<HTMLInputElement>(el, '[name=name]').getAttribute('aria-invalid')).to.equal('true');
    expect($(el, '[name="secrets.authToken"]').getAttribute('aria-invalid')).to.equal('true');
    await until(() => el.shadowRoot!.activeElement?.getAttribute('name') === 'name', 'focus on the first field to fix');

    fill(el, { name: 'UK SMS', 'config.accountSid': 'nope', 'config.from': '+447700900000', 'config.routing': '{"+44": ', 'secrets.authToken': 'tw-token-1' });
    form.requestSubmit();
    await el.updateComplete;
    expect(describedBy(el, $(el, '[name="config.routing"]'))[0]).to.contain('Not valid JSON');

    fill(el, { 'config.routing': '{"+44": "uk-pool"}' });
    form.requestSubmit();
    const sid = $<HTMLInputElement>(el, '[name="config.accountSid"]');
    await until(() => sid.getAttribute('aria-invalid') === 'true', 'the field error');
    expect(describedBy(el, sid)).to.deep.equal(['config.accountSid: must start with AC (it is on the Twilio console).', 'Starts with AC, on the home page of the Twilio console.']);
    expect($(el, 'form [role=alert]').textContent).to.contain('fix the fields marked below');
    await until(() => el.shadowRoot!.activeElement === sid, 'focus on the field');
    expect($<HTMLInputElement>(el, '[name=name]').getAttribute('aria-invalid')).to.equal('false');
    expect(await axeViolations(el)).to.deep.equal([]);
    expect((await mock.store.listChannels(mock.workspaceId)).some((c) => c.name === 'UK SMS')).to.equal(false);

    fill(el, { 'config.accountSid': 'AC0123456789' });
    form.requestSubmit();
    const created = await until(() => el.shadowRoot!.querySelector<HTMLElement>('[part=created]'), 'created');
    const stored = (await mock.store.listChannels(mock.workspaceId)).find((c) => c.name === 'UK SMS')!;
    expect(stored.config).to.deep.equal({ accountSid: 'AC0123456789', from: '+447700900000', smartEncoding: false, routing: { '+44': 'uk-pool' } });
    expect(stored.secretNames).to.deep.equal(['authToken']);
    expect(created.textContent).to.contain('UK SMS is set up.');
    expect(created.querySelector<HTMLInputElement>('input')!.value).to.equal(`${location.origin}/webhooks/${stored.id}`);
    expect(el.shadowRoot!.activeElement === created, 'focus on what was created').to.equal(true);
    expect(el.shadowRoot!.querySelector('form'), 'the form closed').to.equal(null);
    expect(row(el, stored.id).textContent).to.contain('Auth token: set');
    expect(el.shadowRoot!.textContent).not.to.contain('tw-token-1');
    expect(saved.map((e) => [e.channel.id, e.created])).to.deep.equal([[stored.id, true]]);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('shows agents who are not admins a read-only list', async () => {
    const el = await mount('ben@northwind.example');
    expect(el['canEdit']).to.equal(false);
    expect(el.shadowRoot!.querySelector('[part=add-button]')).to.equal(null);
    expect(el.shadowRoot!.querySelector('[role=switch]')).to.equal(null);
    expect(el.shadowRoot!.textContent).to.contain('Only admins can change channels.');
    expect(row(el, 'ch_sms').textContent).to.contain('Enabled');
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  async function openFormKind(el: CasekitChannelSettings, kind: string): Promise<void> {
    const select = $<HTMLSelectElement>(el, '#field-kind');
    select.value = kind;
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
  }
});
