import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { ChannelConfigError, DEMO_WEBCHAT_SECRET, type ChannelKindSpec } from '@casekit/mocks';
import { CHANNEL_CAPABILITIES } from '@casekit/protocol';
import './channel-settings.ts';
import type { CasekitChannelSettings } from './channel-settings.ts';
import type { ChannelSavedEvent } from '../events.ts';
import { axeViolations, cleanup, fixture, until } from '../internal/test-helpers.ts';
import { agentClient, startMockApi } from '../internal/mock-api.ts';

const RIGHT_TOKEN = 'tw-right-token';

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
    if (Array.isArray(given.routing) && given.routing.some((rule) => typeof (rule as { pool?: unknown }).pool !== 'string')) {
      throw new ChannelConfigError('config.routing[0].pool', 'config.routing[0].pool: must name a sender pool.');
    }
    return { config: given, secrets: (secrets ?? {}) as Record<string, string> };
  },
  verify: () => ({ ok: true }),
  parse: () => ({ events: [] }),
  // Stands in for Twilio's account look-up: only the right token passes.
  check: async (runtime) => {
    const { config, secrets } = runtime.channel as { config: Record<string, unknown>; secrets: Record<string, string> };
    if (secrets.authToken !== RIGHT_TOKEN) {
      return { ok: false, error: { code: 'auth', message: 'Twilio refused the Account SID and Auth Token (error 20003).', field: 'secrets.authToken', retryable: false } };
    }
    return { ok: true, detail: `Twilio account “Northwind” (${String(config.accountSid)}).` };
  },
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
    await until(() => el['channels'].length > 0 && el.shadowRoot!.querySelector('section')!.getAttribute('aria-busy') === 'false', 'channels loaded');
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

  it('tests a channel from the keyboard: a failure is an alert with a button to the field to fix, a pass a status', async () => {
    const el = await mount();
    const test = row(el, 'ch_sms').querySelector<HTMLButtonElement>('[part=test-button]')!;
    expect(test.getAttribute('aria-label')).to.equal('Test SMS +1 415 555 0100 with its provider');
    test.focus();
    await sendKeys({ press: 'Enter' });

    // The demo channel has no settings yet: the server names the first one missing.
    const unset = await until(() => row(el, 'ch_sms').querySelector<HTMLElement>('[part=test-result]'), 'the result');
    expect(unset.getAttribute('role')).to.equal('alert');
    expect(unset.textContent).to.contain('The check failed.');
    expect(unset.textContent).to.contain('config.accountSid');
    expect(await axeViolations(el)).to.deep.equal([]);
    unset.querySelector<HTMLButtonElement>('button.fix')!.click();
    const sid = await until(() => el.shadowRoot!.querySelector<HTMLInputElement>('form [name="config.accountSid"]'), 'the edit form');
    await until(() => el.shadowRoot!.activeElement === sid, 'focus on the field the check blamed');
    expect(sid.getAttribute('aria-invalid')).to.equal('true');
    expect(describedBy(el, sid)[0]).to.contain('config.accountSid');
    expect(row(el, 'ch_sms').querySelector('[part=edit-button]')!.getAttribute('aria-expanded')).to.equal('true');

    fill(el, { 'config.accountSid': 'AC0123456789', 'config.from': '+14155550100', 'secrets.authToken': 'tw-wrong-token' });
    $<HTMLFormElement>(el, 'form').requestSubmit();
    await until(() => !el.shadowRoot!.querySelector('form'), 'saved');
    expect((await mock.store.getChannel(mock.workspaceId, 'ch_sms'))!.secretNames).to.deep.equal(['authToken']);

    test.click();
    const refused = await until(() => row(el, 'ch_sms').querySelector<HTMLElement>('[part=test-result][role=alert]'), 'the refusal');
    expect(refused.textContent).to.contain('error 20003');
    expect(refused.querySelector('button.fix')!.textContent).to.contain('Fix Auth token');
    refused.querySelector<HTMLButtonElement>('button.fix')!.click();
    const token = await until(() => el.shadowRoot!.querySelector<HTMLInputElement>('form [name="secrets.authToken"]'), 'the edit form');
    expect(token.getAttribute('aria-invalid')).to.equal('true');
    expect(token.value, 'a secret is never shown again').to.equal('');
    expect(describedBy(el, token)).to.include('Saved; leave empty to keep it.');
    fill(el, { 'secrets.authToken': RIGHT_TOKEN });
    $<HTMLFormElement>(el, 'form').requestSubmit();
    await until(() => !el.shadowRoot!.querySelector('form'), 'saved');
    expect(row(el, 'ch_sms').querySelector('[part=test-result]'), 'an old result goes with the settings it was about').to.equal(null);

    test.click();
    const passed = await until(() => row(el, 'ch_sms').querySelector<HTMLElement>('[part=test-result][role=status]'), 'the pass');
    expect(passed.textContent).to.contain('Works.');
    expect(passed.textContent).to.contain('Twilio account “Northwind” (AC0123456789).');
    expect(el.shadowRoot!.textContent).not.to.contain(RIGHT_TOKEN);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it("edits a channel's name and settings, with the server's field errors next to the field; empty secrets are kept", async () => {
    await mock.engine.updateChannel(
      mock.system,
      'ch_sms',
      { config: { accountSid: 'AC0123456789', from: '+14155550100', region: 'ie1', smartEncoding: true, routing: { '+44': 'uk-pool' } }, secrets: { authToken: 'tw-saved-token' } },
    );
    const el = await mount();
    const saved: ChannelSavedEvent[] = [];
    el.addEventListener('casekit-channel-saved', (e) => saved.push(e));
    const edit = row(el, 'ch_sms').querySelector<HTMLButtonElement>('[part=edit-button]')!;
    expect(edit.getAttribute('aria-label')).to.equal('Edit SMS +1 415 555 0100');
    edit.click();
    const name = await until(() => el.shadowRoot!.querySelector<HTMLInputElement>('form [name=name]'), 'the edit form');
    await until(() => el.shadowRoot!.activeElement === name, 'focus on the name');
    expect($(el, 'form h3').textContent).to.equal('Edit SMS +1 415 555 0100');
    expect(el.shadowRoot!.querySelector('#field-kind'), 'the kind stays').to.equal(null);
    expect(name.value).to.equal('SMS +1 415 555 0100');
    expect($<HTMLInputElement>(el, '[name="config.accountSid"]').value).to.equal('AC0123456789');
    expect($<HTMLSelectElement>(el, '[name="config.region"]').value).to.equal('ie1');
    expect($<HTMLInputElement>(el, '[name="config.smartEncoding"]').checked).to.equal(true);
    expect(JSON.parse($<HTMLTextAreaElement>(el, '[name="config.routing"]').value)).to.deep.equal({ '+44': 'uk-pool' });
    expect($<HTMLInputElement>(el, '[name="secrets.authToken"]').required, 'a saved secret need not be given again').to.equal(false);
    expect(await axeViolations(el)).to.deep.equal([]);

    fill(el, { name: 'UK SMS', 'config.accountSid': 'nope' });
    $<HTMLFormElement>(el, 'form').requestSubmit();
    const sid = $<HTMLInputElement>(el, '[name="config.accountSid"]');
    await until(() => sid.getAttribute('aria-invalid') === 'true', 'the field error');
    expect(describedBy(el, sid)[0]).to.equal('config.accountSid: must start with AC (it is on the Twilio console).');
    expect($(el, 'form [role=alert]').textContent).to.contain('The channel was not saved');
    expect((await mock.store.getChannel(mock.workspaceId, 'ch_sms'))!.name).to.equal('SMS +1 415 555 0100');

    fill(el, { 'config.accountSid': 'AC9876543210' });
    $<HTMLFormElement>(el, 'form').requestSubmit();
    await until(() => !el.shadowRoot!.querySelector('form'), 'saved');
    const stored = (await mock.store.getChannel(mock.workspaceId, 'ch_sms'))!;
    expect(stored.name).to.equal('UK SMS');
    expect(stored.config).to.deep.equal({ accountSid: 'AC9876543210', from: '+14155550100', region: 'ie1', smartEncoding: true, routing: { '+44': 'uk-pool' } });
    expect(stored.secrets).to.deep.equal({ authToken: 'tw-saved-token' });
    expect(row(el, 'ch_sms').textContent).to.contain('UK SMS');
    expect(saved.map((e) => [e.channel.id, e.channel.name, e.created])).to.deep.equal([['ch_sms', 'UK SMS', false]]);
    await until(() => el.shadowRoot!.activeElement === edit, 'focus back on Edit');
    expect($(el, '.sr-live').textContent).to.contain('UK SMS saved.');
  });

  it('shows an error inside a JSON field, such as one entry of a list, next to that field', async () => {
    const el = await mount();
    const form = await openForm(el, 'twilio-sms');
    fill(el, { name: 'UK SMS', 'config.accountSid': 'AC0123456789', 'config.from': '+447700900000', 'config.routing': '[{"prefix": "+44"}]', 'secrets.authToken': 'tw-token-1' });
    form.requestSubmit();
    const routing = $<HTMLTextAreaElement>(el, '[name="config.routing"]');
    await until(() => routing.getAttribute('aria-invalid') === 'true', 'the field error');
    expect(describedBy(el, routing)[0]).to.equal('config.routing[0].pool: must name a sender pool.');
  });

  it('shows agents who are not admins a read-only list', async () => {
    const el = await mount('ben@northwind.example');
    expect(el.shadowRoot!.querySelector('[part=add-button]')).to.equal(null);
    expect(el.shadowRoot!.querySelector('[role=switch]')).to.equal(null);
    expect(el.shadowRoot!.querySelector('[part=test-button]')).to.equal(null);
    expect(el.shadowRoot!.querySelector('[part=edit-button]')).to.equal(null);
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
