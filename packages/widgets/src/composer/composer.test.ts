import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { http, HttpResponse } from '@casekit/mocks';
import type { Message } from '@casekit/protocol';
import './composer.ts';
import type { CasekitComposer } from './composer.ts';
import { axeViolations, cleanup, fixture, pickFiles, until } from '../internal/test-helpers.ts';
import { agentClient, receive, startMockApi, storedCase, storedCases, storedMessage, storedMessages } from '../internal/mock-api.ts';

async function ctrlEnter(): Promise<void> {
  await sendKeys({ down: 'Control' });
  await sendKeys({ press: 'Enter' });
  await sendKeys({ up: 'Control' });
}

describe('casekit-composer', () => {
  let mock: Awaited<ReturnType<typeof startMockApi>>;
  let caseId: string;
  beforeEach(async () => {
    mock = await startMockApi();
    caseId = (await storedCases(mock)).find((c) => c.channels.includes('sms'))!.id;
  });
  afterEach(cleanup);

  async function mount(attrs = '', forCase = caseId): Promise<CasekitComposer> {
    const el = await fixture<CasekitComposer>(`<casekit-composer case-id="${forCase}" ${attrs}></casekit-composer>`);
    el.client = await agentClient();
    await until(() => el['conversations'].length > 0 && el['channels'].size > 0, 'conversations and channels loaded');
    await el.updateComplete;
    return el;
  }
  const $ = (el: CasekitComposer, sel: string) => el.shadowRoot!.querySelector<HTMLElement>(sel)!;
  const sendButton = (el: CasekitComposer) => $(el, '[part=send-button]') as HTMLButtonElement;
  async function write(el: CasekitComposer, text: string): Promise<void> {
    const box = el.shadowRoot!.querySelector('textarea')!;
    box.value = text;
    box.dispatchEvent(new InputEvent('input'));
    await el.updateComplete;
  }
  /** María's case: web chat first, then WhatsApp (the last she wrote on, more than 24 hours ago). */
  async function mariasCase(): Promise<string> {
    return (await storedCases(mock)).find((c) => c.customerId === 'cu_maria' && c.channels.includes('whatsapp'))!.id;
  }

  it("shows the channel the reply goes on, with its length limit, and blocks a reply too long for SMS", async () => {
    const el = await mount();
    expect($(el, '.via').textContent).to.contain('SMS +1 415 555 0100');
    const picker = $(el, '[part=reply-via]') as HTMLSelectElement;
    expect([...picker.options].map((o) => o.textContent), 'her number reaches WhatsApp too, where only a template may start').to.deep.equal([
      'SMS +1 415 555 0100 · SMS',
      'WhatsApp Business · WhatsApp · new conversation · templates only',
    ]);
    expect($(el, '[part=counter]').textContent).to.contain('1,600');
    await write(el, 'x'.repeat(1605));
    expect($(el, '[part=counter]').textContent).to.contain('by 5 characters');
    expect(sendButton(el).disabled).to.equal(true);
    await write(el, 'x'.repeat(1600));
    expect(sendButton(el).disabled).to.equal(false);
  });

  it('counts the SMS a reply is sent as: 160 GSM characters in one, fewer once it needs Unicode', async () => {
    const el = await mount();
    expect(el.shadowRoot!.querySelector('.segments'), 'nothing written, no count').to.equal(null);
    await write(el, 'x'.repeat(160));
    expect($(el, '.segments').textContent).to.equal('1 SMS');
    await write(el, 'x'.repeat(161));
    expect($(el, '.segments').textContent).to.equal('2 SMS');
    await write(el, `${'x'.repeat(69)}😕`);
    expect($(el, '.segments').textContent).to.equal('2 SMS');
    expect($(el, '.segments').title).to.contain('UCS-2');
  });

  it('replies by default on the conversation the customer wrote on last, and on the one the agent picks', async () => {
    const maria = await mariasCase();
    await receive(mock, { customerId: 'cu_maria', channel: 'ch_whatsapp', text: 'Any news?' });
    const el = await mount('', maria);
    const picker = $(el, '[part=reply-via]') as HTMLSelectElement;
    expect(picker.labels![0]!.textContent).to.contain('Reply via');
    expect([...picker.options].map((o) => o.textContent)).to.deep.equal([
      'Website chat · Web chat',
      'WhatsApp Business · WhatsApp',
      'SMS +1 415 555 0100 · SMS · new conversation',
      'support@northwind.example · Email · new conversation',
    ]);
    expect(picker.selectedOptions[0]!.textContent).to.equal('WhatsApp Business · WhatsApp');
    expect($(el, '[part=window]').textContent).to.contain('Window closes in 23 h');

    await write(el, 'Checking the line now');
    sendButton(el).click();
    const onWhatsapp = await until(() => storedMessage(mock, 'Checking the line now'), 'reply stored');
    expect(onWhatsapp.channelKind).to.equal('whatsapp');
    expect(onWhatsapp.conversationId).to.equal(el['conversations'].find((c) => c.channelKind === 'whatsapp')!.id);
    await until(() => !el['sending'], 'the answer is in');

    picker.value = el['conversations'].find((c) => c.channelKind === 'webchat')!.id;
    picker.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part=window]'), 'web chat has no window').to.equal(null);
    expect($(el, '[part=counter]').textContent).to.contain('10,000');
    await write(el, 'Also here in the chat');
    sendButton(el).click();
    const onChat = await until(() => storedMessage(mock, 'Also here in the chat'), 'reply stored');
    expect(onChat.channelKind).to.equal('webchat');
    expect(onChat.conversationId).to.equal(picker.value);
  });

  it('turns sending off once the reply window has closed, and says what to do instead', async () => {
    const el = await mount('', await mariasCase());
    const notice = $(el, '[part=window]');
    expect(notice.textContent).to.contain('Reply window closed');
    expect(notice.textContent).to.contain('WhatsApp Business');
    expect(notice.textContent).to.contain('approved template');
    expect(el.shadowRoot!.querySelector('textarea'), 'no free text: the templates instead').to.equal(null);
    el['text'] = 'Hello again';
    expect(await el.send()).to.equal(false);
    expect(await storedMessage(mock, 'Hello again')).to.equal(undefined);
    // An internal note is not a reply: it can still be written.
    el.mode = 'note';
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part=window]')).to.equal(null);
    expect(sendButton(el).disabled).to.equal(false);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('offers the approved templates once the window has closed: pick one, fill it in, see it, send it', async () => {
    const maria = await mariasCase();
    const el = await mount('', maria);
    const templates = $(el, '[part=templates]');
    expect(templates.tagName).to.equal('FIELDSET');
    const pick = $(el, '#composer-template') as HTMLSelectElement;
    expect(pick.labels![0]!.textContent).to.contain('Template');
    expect([...pick.options].map((o) => o.value)).to.deep.equal(['', 'case_update', 'visit_confirmed']);
    const send = () => $(el, '[part=templates] [part=send-button]') as HTMLButtonElement;
    expect(send().disabled, 'no template picked').to.equal(true);

    // Keyboard: the template picker takes focus and the arrow keys choose.
    pick.focus();
    await sendKeys({ press: 'ArrowDown' });
    pick.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(el['templateName']).to.equal('case_update');
    const first = $(el, '#composer-template-1') as HTMLInputElement;
    const second = $(el, '#composer-template-2') as HTMLInputElement;
    expect(first.labels![0]!.textContent).to.contain('{{1}}');
    expect($(el, '[part=template-preview]').textContent).to.equal('Hello {{1}}, there is news on your case {{2}}. Reply to this message to continue.');
    first.focus();
    await sendKeys({ type: 'María' });
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement).to.equal(second);
    await sendKeys({ type: '#1042' });
    await el.updateComplete;
    expect($(el, '[part=template-preview]').textContent).to.equal('Hello María, there is news on your case #1042. Reply to this message to continue.');
    expect(await axeViolations(el)).to.deep.equal([]);

    const sent = new Promise<Message>((resolve) => el.addEventListener('casekit-message-sent', (e) => resolve((e as unknown as { message: Message }).message), { once: true }));
    send().click();
    const message = await sent;
    expect(message.text).to.equal('Hello María, there is news on your case #1042. Reply to this message to continue.');
    expect(message.template).to.deep.equal({ name: 'case_update', language: 'en', variables: ['María', '#1042'] });
    expect(message.channelKind).to.equal('whatsapp');
    const stored = await until(() => storedMessage(mock, message.text), 'template stored');
    expect(stored.status).to.equal('queued');
  });

  it("lists the customer's other channels in Reply via, with their limits, and starts a conversation on the one picked", async () => {
    const maria = await mariasCase();
    const el = await mount('', maria);
    const picker = $(el, '[part=reply-via]') as HTMLSelectElement;
    expect($(el, '[part=limits]').textContent).to.contain('24-hour reply window');
    expect(picker.getAttribute('aria-describedby')).to.equal('composer-limits');
    picker.value = 'channel:ch_email';
    picker.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part=templates]'), 'email has no window').to.equal(null);
    expect($(el, '[part=limits]').textContent).to.contain('100,000 characters');
    expect($(el, '.via').textContent).to.contain('support@northwind.example');
    await write(el, 'Sending the details by email');
    sendButton(el).click();
    const stored = await until(() => storedMessage(mock, 'Sending the details by email'), 'reply stored');
    expect(stored.channelKind).to.equal('email');
    expect(stored.channelId).to.equal('ch_email');
    await until(() => el['conversations'].some((c) => c.channelId === 'ch_email'), 'the new conversation shows');
    await el.updateComplete;
    const viaNow = $(el, '[part=reply-via]') as HTMLSelectElement;
    expect(viaNow.value).to.equal(stored.conversationId, 'the pick follows the conversation it started');
    expect(viaNow.selectedOptions[0]!.textContent).to.equal('support@northwind.example · Email');
    expect((await storedCase(mock, maria)).channels).to.include('email');
  });

  it("shows the same notice when the server answers that the window has closed", async () => {
    const maria = await mariasCase();
    await receive(mock, { customerId: 'cu_maria', channel: 'ch_whatsapp', text: 'Still down' });
    const el = await mount('', maria);
    expect($(el, '[part=window]').textContent).to.contain('Window closes in');
    // The server's clock is a day ahead of this page's: it refuses what the page thought was open.
    mock.clock.set(Date.now() + 25 * 3_600_000);
    await write(el, 'Too late for WhatsApp');
    expect(await el.send()).to.equal(false);
    await el.updateComplete;
    expect($(el, '[part=window]').textContent).to.contain('Reply window closed');
    expect(el.shadowRoot!.querySelector('.error'), 'no generic error').to.equal(null);
    expect(sendButton(el).disabled).to.equal(true);
  });

  it('falls back to the channel attribute when the conversations cannot be loaded', async () => {
    mock.worker.use(http.get('*/api/v1/cases/:caseId', () => HttpResponse.json({ error: { code: 'unavailable', message: 'down' } }, { status: 503 })));
    const el = await fixture<CasekitComposer>(`<casekit-composer case-id="${caseId}" channel="sms"></casekit-composer>`);
    el.client = await agentClient();
    await until(() => el['channels'].size > 0, 'channels loaded');
    await el.updateComplete;
    expect(el['conversations']).to.deep.equal([]);
    expect($(el, '.via').textContent).to.contain('via SMS');
    expect($(el, '[part=counter]').textContent).to.contain('1,600');
    el.channel = 'whatsapp';
    await el.updateComplete;
    expect($(el, '[part=counter]').textContent).to.contain('4,096');
  });

  it("holds files beyond what the channel carries, and turns the attach button off where it carries none", async () => {
    const maria = await mariasCase();
    await receive(mock, { customerId: 'cu_maria', channel: 'ch_whatsapp', text: 'Photo coming' });
    const el = await mount('', maria);
    pickFiles(el, new File(['a'], 'one.txt', { type: 'text/plain' }), new File(['b'], 'two.txt', { type: 'text/plain' }));
    await until(() => el.shadowRoot!.querySelectorAll('[part=attachment-chip]').length === 2 && !el.shadowRoot!.textContent!.includes('Uploading'), 'uploaded');
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.contain('Too many files for WhatsApp Business: it takes at most 1 a message.');
    expect(sendButton(el).disabled).to.equal(true);
    el.shadowRoot!.querySelector<HTMLButtonElement>('.chip-remove')!.click();
    await el.updateComplete;
    expect(sendButton(el).disabled).to.equal(false);

    // A channel whose kind carries no files at all.
    await mock.engine.createChannel(mock.system, { id: 'ch_bot', kind: 'bot', medium: 'bot', name: 'Status bot' });
    const { case: botCase } = await receive(mock, { customerId: 'cu_li', channel: 'ch_bot', text: 'status?' });
    const bot = await mount('', botCase.id);
    const attach = $(bot, '[part=attach-button]') as HTMLButtonElement;
    expect(attach.getAttribute('aria-disabled')).to.equal('true');
    expect($(bot, `#${attach.getAttribute('aria-describedby')}`).textContent).to.equal('Status bot carries no files.');
    let chooser = false;
    bot.shadowRoot!.querySelector('input[type=file]')!.addEventListener('click', () => (chooser = true));
    attach.click();
    expect(chooser, 'no file chooser').to.equal(false);
  });

  it('sends a reply with Ctrl+Enter and fires casekit-message-sent', async () => {
    const el = await mount();
    const sent = new Promise<Event & { message: Message; internal: boolean }>((r) => el.addEventListener('casekit-message-sent', (e) => r(e as never), { once: true }));
    el.focus();
    await sendKeys({ type: 'An engineer is on the way' });
    await ctrlEnter();
    const e = await sent;
    expect(e.internal).to.equal(false);
    expect(e.bubbles && e.composed).to.equal(true);
    const stored = (await storedMessage(mock, 'An engineer is on the way'))!;
    expect(stored.internal).to.equal(false);
    expect(stored.caseId).to.equal(caseId);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('textarea')!.value).to.equal('');
  });

  it('switches to an internal note with the arrow keys and sends it as a note', async () => {
    const el = await mount();
    ($(el, '[role=radio][aria-checked=true]') as HTMLElement).focus();
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect(el.mode).to.equal('note');
    expect(el.getAttribute('mode')).to.equal('note');
    expect($(el, '[part=counter]').textContent).to.contain('10,000');
    el.focus();
    await sendKeys({ type: 'Customer is on the priority list' });
    await ctrlEnter();
    const note = await until(() => storedMessage(mock, 'Customer is on the priority list'), 'note stored');
    expect(note.internal).to.equal(true);
  });

  it('inserts a canned response at the cursor', async () => {
    const el = await mount();
    el.canned = [{ title: 'Restart router', text: 'Please restart your router and wait two minutes.' }];
    await el.updateComplete;
    el.focus();
    await sendKeys({ type: 'Hi! ' });
    const select = $(el, '[part=canned]') as HTMLSelectElement;
    select.value = '0';
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('textarea')!.value).to.equal('Hi! Please restart your router and wait two minutes.');
  });

  it('lets the host veto sending', async () => {
    const el = await mount();
    const vetoed = new Promise((r) => {
      el.addEventListener('casekit-message-send-request', (e) => {
        e.preventDefault();
        r(e);
      });
    });
    el.focus();
    await sendKeys({ type: 'vetoed' });
    await ctrlEnter();
    await vetoed;
    await el.updateComplete;
    // A send under way would have disabled the button and, once answered, emptied the box.
    expect(($(el, '[part=send-button]') as HTMLButtonElement).disabled).to.equal(false, 'nothing is being sent');
    expect(el.shadowRoot!.querySelector('textarea')!.value).to.equal('vetoed');
    expect(await storedMessage(mock, 'vetoed')).to.equal(undefined);
  });

  it('has no accessibility violations', async () => {
    const el = await mount();
    el.canned = [{ title: 'Greeting', text: 'Hello!' }];
    await el.updateComplete;
    expect(await axeViolations(el)).to.deep.equal([]);
    await receive(mock, { customerId: 'cu_maria', channel: 'ch_whatsapp', text: 'Hi' });
    el.caseId = await mariasCase();
    await until(() => el['conversations'].length === 2, 'the picker');
    await el.updateComplete;
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('attaches checked, uploaded files to a reply, as removable chips', async () => {
    const el = await mount();
    const attach = $(el, '[part=attach-button]');
    expect(attach.tagName).to.equal('BUTTON');
    expect(attach.textContent).to.contain('Attach a file');
    pickFiles(el, new File(['<html></html>'], 'page.html', { type: 'text/html' }));
    await until(() => el.shadowRoot!.querySelector('.attach-error'), 'refused type');
    expect($(el, '.attach-error').textContent).to.contain('page.html cannot be sent');
    pickFiles(el, new File(['%PDF-1.7 guide'], 'guide.pdf', { type: 'application/pdf' }));
    await until(() => el.shadowRoot!.querySelectorAll('[part=attachment-chip]').length === 1 && !el.shadowRoot!.textContent!.includes('Uploading'), 'uploaded');
    expect(await axeViolations(el)).to.deep.equal([]);

    el.focus();
    await sendKeys({ type: 'Here is the setup guide' });
    await ctrlEnter();
    const stored = await until(() => storedMessage(mock, 'Here is the setup guide'), 'reply stored');
    expect(stored!.attachments.map((a) => [a.name, a.contentType])).to.deep.equal([['guide.pdf', 'application/pdf']]);
    await until(() => !el.shadowRoot!.querySelector('[part=attachment-chip]'), 'chips cleared');
  });

  it('attaches files to an internal note, which stays internal', async () => {
    const el = await mount();
    el.mode = 'note';
    await el.updateComplete;
    expect($(el, '[part=attach-button]').tagName).to.equal('BUTTON');
    pickFiles(el, new File(['speed test 12/3 Mbit'], 'speedtest.txt', { type: 'text/plain' }));
    await until(() => el.shadowRoot!.querySelectorAll('[part=attachment-chip]').length === 1 && !el.shadowRoot!.textContent!.includes('Uploading'), 'uploaded');
    el.focus();
    await sendKeys({ type: 'Line test for the field team' });
    await ctrlEnter();
    const stored = await until(() => storedMessage(mock, 'Line test for the field team'), 'note stored');
    expect(stored!.internal).to.equal(true);
    expect(stored!.attachments.map((a) => a.name)).to.deep.equal(['speedtest.txt']);
    await until(() => !el.shadowRoot!.querySelector('[part=attachment-chip]'), 'chips cleared');
  });

  it('sends a file alone, with its name as the text', async () => {
    const el = await mount();
    pickFiles(el, new File(['Line test: OK'], 'line-test.txt', { type: 'text/plain' }));
    await until(() => !($(el, '[part=send-button]') as HTMLButtonElement).disabled, 'ready to send');
    $(el, '[part=send-button]').click();
    const stored = await until(async () => (await storedMessages(mock)).find((m) => m.attachments.some((a) => a.name === 'line-test.txt')), 'reply stored');
    expect(stored!.text).to.equal('line-test.txt');
  });
});
