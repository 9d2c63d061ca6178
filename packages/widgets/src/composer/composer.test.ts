import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import type { Message } from '@casekit/protocol';
import './composer.ts';
import type { CasekitComposer } from './composer.ts';
import { axeViolations, cleanup, fixture, pickFiles, until } from '../internal/test-helpers.ts';
import { agentClient, startMockApi, storedCases, storedMessage, storedMessages } from '../internal/mock-api.ts';

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

  async function mount(attrs = ''): Promise<CasekitComposer> {
    const el = await fixture<CasekitComposer>(`<casekit-composer case-id="${caseId}" channel="sms" ${attrs}></casekit-composer>`);
    el.client = await agentClient();
    await el.updateComplete;
    return el;
  }
  const $ = (el: CasekitComposer, sel: string) => el.shadowRoot!.querySelector<HTMLElement>(sel)!;

  it('shows the channel and its limit, and blocks a reply too long for SMS', async () => {
    const el = await mount();
    expect($(el, '.via').textContent).to.contain('SMS');
    expect($(el, '[part=counter]').textContent).to.contain('1,600');
    el.shadowRoot!.querySelector('textarea')!.value = 'x'.repeat(1605);
    el.shadowRoot!.querySelector('textarea')!.dispatchEvent(new InputEvent('input'));
    await el.updateComplete;
    expect($(el, '[part=counter]').textContent).to.contain('by 5 characters');
    expect(($(el, '[part=send-button]') as HTMLButtonElement).disabled).to.equal(true);
    el.channel = 'whatsapp';
    await el.updateComplete;
    expect($(el, '[part=counter]').textContent).to.contain('4,096');
    expect(($(el, '[part=send-button]') as HTMLButtonElement).disabled).to.equal(false);
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
