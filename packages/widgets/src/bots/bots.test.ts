import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import './bots.ts';
import '../workbench/workbench.ts';
import type { CasekitBots } from './bots.ts';
import type { CasekitWorkbench } from '../workbench/workbench.ts';
import { axeViolations, cleanup, fixture, until } from '../internal/test-helpers.ts';
import { agentClient, startMockApi } from '../internal/mock-api.ts';

describe('casekit-bots', () => {
  let mock: Awaited<ReturnType<typeof startMockApi>>;
  beforeEach(async () => {
    mock = await startMockApi();
  });
  afterEach(cleanup);

  async function mount(email?: string): Promise<CasekitBots> {
    const el = await fixture<CasekitBots>('<casekit-bots></casekit-bots>');
    el.client = await agentClient(email);
    await until(() => el.shadowRoot!.querySelectorAll('tbody [part=row]').length > 0, 'bots listed');
    return el;
  }
  const $ = <T extends Element = HTMLElement>(el: CasekitBots, selector: string) => el.shadowRoot!.querySelector<T & HTMLElement>(selector);
  const button = (el: CasekitBots, label: string) =>
    [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button')].find((b) => (b.getAttribute('aria-label') ?? b.textContent!.trim()) === label);
  const row = (el: CasekitBots, name: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part=row]')].find((r) => r.querySelector('th')!.textContent!.includes(name));
  /** Types into a field as a person would: focus, select what is there, type. */
  async function type(input: HTMLInputElement | HTMLTextAreaElement, text: string) {
    input.focus();
    input.select();
    await sendKeys({ type: text });
  }
  const storedBot = async (name: string) => (await mock.store.listAgents(mock.workspaceId)).find((a) => a.kind === 'bot' && a.name === name);

  it('lists bots with their kind, channels and token, with actions named after each bot', async () => {
    const el = await mount();
    const sage = row(el, 'Sage')!;
    expect([...sage.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent!.trim())).to.deep.equal(['Rules bot', '–', 'No token']);
    expect(button(el, 'Edit Sage')).to.exist;
    expect(button(el, 'New token for Sage')).to.exist;
    expect(button(el, 'Revoke token of Sage'), 'nothing to revoke').to.equal(undefined);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('creates a rules bot from the keyboard: channels, greeting, answers in order, questions, handoff words', async () => {
    const el = await mount();
    const add = button(el, 'Add a bot')!;
    add.focus();
    await sendKeys({ press: 'Enter' });
    const name = await until(() => $<HTMLInputElement>(el, '#bot-name'), 'form open');
    expect(el.shadowRoot!.activeElement).to.equal(name);
    await sendKeys({ type: 'FibreLink assistant' });
    $<HTMLInputElement>(el, '#bot-channel-ch_web')!.click();
    expect($<HTMLLabelElement>(el, 'label[for=bot-channel-ch_web]')!.textContent).to.contain('Website chat');
    await type($<HTMLTextAreaElement>(el, '#bot-rules-greeting')!, 'Hi! I am the FibreLink assistant.');

    button(el, 'Add an answer')!.click();
    await el.updateComplete;
    await type($<HTMLInputElement>(el, '#bot-rules-faq-0-keywords')!, 'invoice, bill');
    await type($<HTMLTextAreaElement>(el, '#bot-rules-faq-0-answer')!, 'Invoices are under Account › Billing.');
    button(el, 'Add an answer')!.click();
    await el.updateComplete;
    await type($<HTMLInputElement>(el, '#bot-rules-faq-1-keywords')!, 'opening hours');
    await type($<HTMLTextAreaElement>(el, '#bot-rules-faq-1-answer')!, 'We answer 8:00–20:00.');
    expect(button(el, 'Move Answer 1 up')!.disabled, 'the first cannot go up').to.equal(true);
    button(el, 'Move Answer 2 up')!.click();
    await el.updateComplete;
    expect($<HTMLInputElement>(el, '#bot-rules-faq-0-keywords')!.value).to.equal('opening hours');

    button(el, 'Add a question')!.click();
    await el.updateComplete;
    await type($<HTMLInputElement>(el, '#bot-rules-fields-0-name')!, 'account');
    await type($<HTMLTextAreaElement>(el, '#bot-rules-fields-0-prompt')!, 'And your account number?');
    await type($<HTMLInputElement>(el, '#bot-rules-fields-0-pattern')!, '\\d{4,8}');
    button(el, 'Add a question')!.click();
    await el.updateComplete;
    await type($<HTMLInputElement>(el, '#bot-rules-fields-1-name')!, 'email');
    await type($<HTMLTextAreaElement>(el, '#bot-rules-fields-1-prompt')!, 'What is the email on your account?');
    const kind = $<HTMLSelectElement>(el, '#bot-rules-fields-1-kind')!;
    kind.value = 'email';
    kind.dispatchEvent(new Event('change'));
    button(el, 'Add a question')!.click();
    await el.updateComplete;
    button(el, 'Remove Question 3')!.click();
    await type($<HTMLTextAreaElement>(el, '#bot-rules-offerHuman')!, 'A person from our team will answer that.');
    expect($<HTMLInputElement>(el, '#bot-rules-handoffKeywords')!.value, 'the default words to start from').to.match(/^human, agent, person/);
    await type($<HTMLInputElement>(el, '#bot-rules-handoffKeywords')!, 'human, humano');
    expect(await axeViolations(el)).to.deep.equal([]);
    $<HTMLFormElement>(el, '[part=form]')!.requestSubmit();

    const stored = await until(() => storedBot('FibreLink assistant'), 'created');
    expect(stored.bot).to.deep.equal({
      channelIds: ['ch_web'],
      rules: {
        greeting: 'Hi! I am the FibreLink assistant.',
        faq: [
          { keywords: ['opening hours'], answer: 'We answer 8:00–20:00.' },
          { keywords: ['invoice', 'bill'], answer: 'Invoices are under Account › Billing.' },
        ],
        fields: [
          { name: 'account', prompt: 'And your account number?', kind: 'text', pattern: '\\d{4,8}' },
          { name: 'email', prompt: 'What is the email on your account?', kind: 'email' },
        ],
        offerHuman: 'A person from our team will answer that.',
        handoffKeywords: ['human', 'humano'],
      },
    });
    await until(() => !$(el, '[part=form]'), 'form closed');
    expect($(el, '[role=status]')!.textContent).to.contain('FibreLink assistant is created.');
    expect($(el, '[part=credentials]'), 'a rules bot has nothing to show once').to.equal(null);
    expect(row(el, 'FibreLink assistant')!.textContent).to.contain('Website chat');
  });

  it('places the server’s word beside the field at fault and changes nothing', async () => {
    const el = await mount();
    button(el, 'Edit Sage')!.click();
    await until(() => $(el, '[part=form]'), 'edit form');
    expect($<HTMLInputElement>(el, '#bot-name')!.value).to.equal('Sage');
    expect($<HTMLInputElement>(el, '#bot-rules-faq-0-keywords')!.value).to.equal('upgrade, fiber 1000');
    await type($<HTMLInputElement>(el, '#bot-rules-faq-0-keywords')!, 'x'.repeat(61));
    $<HTMLFormElement>(el, '[part=form]')!.requestSubmit();
    const error = await until(() => $(el, '#bot-rules-faq-0-keywords-error'), 'field error');
    expect(error.textContent).to.match(/60/);
    const input = $<HTMLInputElement>(el, '#bot-rules-faq-0-keywords')!;
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect(input.getAttribute('aria-describedby')).to.contain('bot-rules-faq-0-keywords-error');
    expect(el.shadowRoot!.activeElement, 'focus goes to the field at fault').to.equal(input);
    expect($(el, '[part=form] [role=alert]')!.textContent).to.contain('Not done');
    expect((await storedBot('Sage'))!.bot!.rules!.faq[0]!.keywords).to.deep.equal(['upgrade', 'fiber 1000']);
    expect(await axeViolations(el)).to.deep.equal([]);
    await sendKeys({ press: 'Escape' });
    await until(() => !$(el, '[part=form]'), 'Escape closes the form');
    expect(el.shadowRoot!.activeElement?.getAttribute('aria-label')).to.equal('Edit Sage');
  });

  it('says beside the channels which one another bot already takes', async () => {
    await mock.engine.createBot(mock.system, { name: 'Night bot', email: 'night@bots.example', settings: { channelIds: ['ch_web'], rules: { greeting: 'Hi', faq: [], fields: [], offerHuman: 'A person will answer.', handoffKeywords: ['human'] } } });
    const el = await mount();
    expect(row(el, 'Night bot')!.textContent).to.contain('Website chat');
    button(el, 'Add a bot')!.click();
    await until(() => $(el, '#bot-name'), 'form open');
    expect($(el, 'label[for=bot-channel-ch_web]')!.textContent).to.contain('(now Night bot)');
    await type($<HTMLInputElement>(el, '#bot-name')!, 'Day bot');
    $<HTMLInputElement>(el, '#bot-channel-ch_web')!.click();
    await type($<HTMLTextAreaElement>(el, '#bot-rules-greeting')!, 'Hello');
    await type($<HTMLTextAreaElement>(el, '#bot-rules-offerHuman')!, 'A person will answer.');
    $<HTMLFormElement>(el, '[part=form]')!.requestSubmit();
    const error = await until(() => $(el, '#bot-channelIds-error'), 'channel error');
    expect(error.closest('fieldset')!.getAttribute('aria-describedby')).to.equal('bot-channelIds-error');
    expect(error.closest('fieldset')!.querySelector('legend')!.textContent).to.equal('Channels');
    expect(await storedBot('Day bot')).to.equal(undefined);
  });

  it('shows an external bot’s token and signing secret once, labelled and copyable, and they work', async () => {
    const el = await mount();
    button(el, 'Add a bot')!.click();
    await until(() => $(el, '#bot-name'), 'form open');
    await type($<HTMLInputElement>(el, '#bot-name')!, 'Order bot');
    $<HTMLInputElement>(el, '#bot-kind-external')!.click();
    await el.updateComplete;
    expect($(el, '#bot-rules-greeting'), 'rules give way to the URL').to.equal(null);
    await type($<HTMLInputElement>(el, '#bot-external-url')!, 'ftp://bots.example.com');
    $<HTMLFormElement>(el, '[part=form]')!.requestSubmit();
    const urlError = await until(() => $(el, '#bot-external-url-error'), 'URL error');
    expect(urlError.textContent).to.contain('http(s) URL');
    expect(await storedBot('Order bot')).to.equal(undefined);

    await type($<HTMLInputElement>(el, '#bot-external-url')!, 'https://bots.example.com/casekit');
    await type($<HTMLInputElement>(el, '#bot-external-timeoutSeconds')!, '30');
    $<HTMLFormElement>(el, '[part=form]')!.requestSubmit();
    const box = await until(() => $(el, '[part=credentials]'), 'credentials shown');
    expect(box.getAttribute('role')).to.equal('region');
    expect($(el, '#bot-credentials-title')!.textContent).to.equal('Credentials of Order bot: shown once');
    expect(el.shadowRoot!.activeElement?.id).to.equal('bot-credentials-title');
    const token = $(el, '#bot-token')!.textContent!;
    const secret = $(el, '#bot-signing-secret')!.textContent!;
    expect(token).to.match(/^ckb_/);
    expect(secret).to.match(/^whsec_/);
    expect(button(el, 'Copy the API token')).to.exist;
    expect(button(el, 'Copy the Signing secret')).to.exist;
    expect((await storedBot('Order bot'))!.bot!.external).to.deep.equal({ url: 'https://bots.example.com/casekit', timeoutSeconds: 30 });
    expect(row(el, 'Order bot')!.textContent).to.contain('Has a token');
    expect(await axeViolations(el)).to.deep.equal([]);

    const { createAgentClient } = await import('@casekit/sdk');
    expect((await createAgentClient({ baseUrl: location.origin, token }).me()).name, 'the token shown signs the bot in').to.equal('Order bot');

    button(el, 'I have copied them')!.click();
    await el.updateComplete;
    expect($(el, '[part=credentials]')).to.equal(null);
    expect(el.shadowRoot!.textContent).not.to.contain(token);
  });

  it('renews and revokes a token after confirming; cancelling changes nothing', async () => {
    const created = await mock.engine.createBot(mock.system, {
      name: 'Order bot',
      email: 'order@bots.example',
      settings: { channelIds: [], external: { url: 'https://bots.example.com/casekit', timeoutSeconds: 15 } },
      tokenHash: 'f'.repeat(64),
    });
    const el = await mount();
    const renew = button(el, 'New token for Order bot')!;
    renew.click();
    const dialog = await until(() => $<HTMLDialogElement>(el, '[part=confirm]')?.open && $<HTMLDialogElement>(el, '[part=confirm]'), 'confirm open');
    expect(dialog.textContent).to.contain('stops working at once');
    await sendKeys({ press: 'Escape' });
    await until(() => !dialog.open, 'cancelled');
    expect((await mock.store.getAgent(mock.workspaceId, created.agent.id))!.botTokenHash, 'nothing changed').to.equal('f'.repeat(64));

    renew.click();
    await until(() => dialog.open, 'confirm open again');
    expect(await axeViolations(el)).to.deep.equal([]);
    [...dialog.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'New token')!.click();
    await until(() => $(el, '#bot-token'), 'new token shown');
    expect($(el, '#bot-signing-secret'), 'the signing secret stays as it was').to.equal(null);
    const token = $(el, '#bot-token')!.textContent!;
    const { createAgentClient } = await import('@casekit/sdk');
    const botClient = createAgentClient({ baseUrl: location.origin, token });
    expect((await botClient.me()).name).to.equal('Order bot');

    button(el, 'Revoke token of Order bot')!.click();
    await until(() => dialog.open, 'confirm revoke');
    [...dialog.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Revoke token')!.click();
    await until(() => row(el, 'Order bot')!.textContent!.includes('No token'), 'revoked');
    expect($(el, '[role=status]')!.textContent).to.contain('The token of Order bot is revoked.');
    expect(button(el, 'Revoke token of Order bot')).to.equal(undefined);
    const refused = await botClient.me().then(
      () => null,
      (err: { status: number }) => err.status,
    );
    expect(refused, 'the revoked token is refused').to.equal(401);
  });

  it('shows agents who are not admins the list, read-only', async () => {
    const el = await mount('ben@northwind.example');
    expect(el.shadowRoot!.querySelectorAll('button').length).to.equal(0);
    expect(row(el, 'Sage')).to.exist;
  });

  it('opens from the workbench’s account menu for admins; others have no such item', async () => {
    const open = async (email?: string) => {
      const wb = await fixture<CasekitWorkbench>('<casekit-workbench></casekit-workbench>');
      wb.client = await agentClient(email);
      const account = await until(() => wb.shadowRoot!.querySelector<HTMLButtonElement>('[part=account-button]'), 'header');
      account.click();
      await wb.updateComplete;
      return { wb, item: [...wb.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part=account-menu] button')].find((b) => b.textContent!.trim() === 'Bots') };
    };
    const { wb, item } = await open();
    item!.click();
    const bots = await until(() => wb.shadowRoot!.querySelector('casekit-bots'), 'bots open');
    await until(() => bots.shadowRoot!.querySelectorAll('[part=row]').length > 0, 'bots listed');
    expect(wb.shadowRoot!.querySelector('.main')!.getAttribute('aria-label')).to.equal('Bots');
    expect(wb.shadowRoot!.activeElement?.id).to.equal('wb-panel-title');
    cleanup();
    expect((await open('ben@northwind.example')).item).to.equal(undefined);
  });
});
