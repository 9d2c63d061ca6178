import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { http, HttpResponse } from '@casekit/mocks';
import { createVisitorClient } from '@casekit/sdk';
import type { VisitorClient } from '@casekit/sdk';
import type { Message } from '@casekit/protocol';
import './chat.ts';
import type { CasekitChat } from './chat.ts';
import { QUICK_REPLY_CONTENT_TYPE } from './chat.ts';
import { axeViolations, cleanup, fixture, HOSTILE_CSS, injectCss, pickFiles as pick, snapshotStyles, TINY_PNG as PNG, until } from '../internal/test-helpers.ts';
import { casesWait, startMockApi, storedCustomer, storedMessage, storedMessages, upload } from '../internal/mock-api.ts';

const CHANNEL = 'ch_web';
let clients: VisitorClient[] = [];

function visitor(): VisitorClient {
  // Realtime is off: the mock API fakes REST only. Replies are pushed by emitting on the client.
  const c = createVisitorClient({ baseUrl: location.origin, channelId: CHANNEL, storage: 'memory', realtime: false });
  clients.push(c);
  return c;
}

async function mountChat(attrs = '', client: VisitorClient | null = visitor()): Promise<CasekitChat> {
  const el = await fixture<CasekitChat>(`<casekit-chat channel-id="${CHANNEL}" ${attrs}></casekit-chat>`);
  if (client) el.client = client;
  await el.updateComplete;
  return el;
}

const $ = (el: CasekitChat, sel: string) => el.shadowRoot!.querySelector<HTMLElement>(sel);
const $$ = (el: CasekitChat, sel: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(sel)];

function agentMessage(patch: Partial<Message> = {}): Message {
  return {
    id: `m_${Math.random().toString(36).slice(2)}`,
    workspaceId: 'ws',
    caseId: 'c_1',
    conversationId: 'cv_1',
    customerId: 'cus_1',
    channelId: CHANNEL,
    channelKind: 'webchat',
    direction: 'outbound',
    authorKind: 'agent',
    authorId: 'a_ben',
    authorName: 'Ben',
    internal: false,
    text: 'Hello from support',
    attachments: [],
    providerMessageId: null,
    clientMessageId: null,
    status: 'sent',
    createdAt: new Date().toISOString(),
    ...patch,
  };
}

describe('casekit-chat', () => {
  let mock: Awaited<ReturnType<typeof startMockApi>>;
  beforeEach(async () => {
    mock = await startMockApi();
    localStorage.clear();
  });
  afterEach(async () => {
    // Every mounted chat starts its client: let a start still under way finish against this test's
    // mock API, not the next one's.
    await Promise.all(clients.map((c) => c.start().catch(() => undefined)));
    cleanup();
    for (const c of clients) c.close();
    clients = [];
  });

  it('opens and closes from the launcher, firing bubbling, composed events', async () => {
    const el = await mountChat();
    const launcher = $(el, '[part~=launcher]')!;
    expect(launcher.getAttribute('aria-expanded')).to.equal('false');
    const events: string[] = [];
    document.addEventListener('casekit-chat-opened', (e) => events.push(`${e.type}:${e.composed}`), { once: true });
    document.addEventListener('casekit-chat-closed', (e) => events.push(`${e.type}:${e.composed}`), { once: true });
    launcher.click();
    await el.updateComplete;
    expect(launcher.getAttribute('aria-expanded')).to.equal('true');
    expect($(el, '[part~=panel]')!.hidden).to.equal(false);
    await until(() => el.shadowRoot!.activeElement?.id === 'chat-input', 'focus in the message box');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.opened).to.equal(false);
    expect(el.shadowRoot!.activeElement).to.equal(launcher);
    expect(events).to.deep.equal(['casekit-chat-opened:true', 'casekit-chat-closed:true']);
  });

  it('stays in the viewport corner inside a transformed ancestor (top layer), and is a plain fixed box elsewhere', async () => {
    const plain = await mountChat();
    expect($(plain, '.root')!.matches(':popover-open')).to.equal(false);
    expect(getComputedStyle($(plain, '.root')!).zIndex).to.equal('2147483000');
    const wrapper = document.createElement('div');
    wrapper.className = 'fixture';
    wrapper.style.cssText = 'transform: translateY(0); margin-block-start: 3000px; block-size: 10px';
    document.body.append(wrapper);
    const el = await fixture<CasekitChat>(`<casekit-chat channel-id="${CHANNEL}"></casekit-chat>`, wrapper);
    el.client = visitor();
    await el.updateComplete;
    const root = $(el, '.root')!;
    expect(root.matches(':popover-open')).to.equal(true);
    const launcher = $(el, '.launcher')!.getBoundingClientRect();
    expect(launcher.bottom).to.be.at.most(innerHeight);
    expect(launcher.right).to.be.at.most(innerWidth);
  });

  it('sends with Enter, shows the delivery state and stores the message', async () => {
    const el = await mountChat();
    el.open();
    await until(() => el.activeClient?.session, 'session');
    const sent = new Promise<Event & { message: { text: string } }>((r) => el.addEventListener('casekit-message-sent', (e) => r(e as never), { once: true }));
    $(el, 'textarea')!.focus();
    await sendKeys({ type: 'My router shows a red light' });
    await sendKeys({ press: 'Enter' });
    const event = await sent;
    expect(event.message.text).to.equal('My router shows a red light');
    const bubble = await until(() => $$(el, '[part~=message-own]').find((m) => m.textContent!.includes('red light')), 'own message');
    expect(bubble.querySelector('[part=status]')).to.exist;
    expect(($(el, 'textarea') as HTMLTextAreaElement).value).to.equal('');
    expect(await storedMessage(mock, 'My router shows a red light')).to.exist;
  });

  it('lets a host veto a message with the cancelable send request', async () => {
    const el = await mountChat();
    el.open();
    await until(() => el.activeClient?.session, 'session');
    el.addEventListener('casekit-message-send-request', (e) => {
      if ((e as Event & { text: string }).text.includes('4111')) e.preventDefault();
    });
    $(el, 'textarea')!.focus();
    await sendKeys({ type: 'card 4111 1111 1111 1111' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect($$(el, '[part~=message-own]')).to.have.length(0);
    expect(($(el, 'textarea') as HTMLTextAreaElement).value).to.contain('4111');
  });

  it('keeps a message typed offline and sends it once the network is back', async () => {
    const el = await mountChat();
    el.open();
    await until(() => el.activeClient?.session, 'session');
    mock.worker.use(http.post('*/api/v1/visitor/messages', () => HttpResponse.error()));
    $(el, 'textarea')!.focus();
    await sendKeys({ type: 'sent while offline' });
    await sendKeys({ press: 'Enter' });
    const pending = await until(() => $$(el, '[part~=message-own]').find((m) => m.textContent!.includes('offline')), 'pending message');
    expect(pending.querySelector('.status')!.className).to.contain('pending');
    mock.worker.resetHandlers();
    window.dispatchEvent(new Event('online'));
    await until(async () => (await storedMessages(mock)).filter((m) => m.text === 'sent while offline').length === 1, 'message stored once');
    await until(() => !$$(el, '.status.pending').length, 'no pending state left');
  });

  it('counts unread replies on the launcher while closed and fires casekit-message-received', async () => {
    const el = await mountChat();
    el.open();
    await until(() => el.activeClient?.session, 'session');
    el.close();
    await el.updateComplete;
    const received = new Promise<Event & { message: Message }>((r) => el.addEventListener('casekit-message-received', (e) => r(e as never), { once: true }));
    (el.activeClient as unknown as { emit(n: string, m: Message): void }).emit('message', agentMessage());
    expect((await received).message.text).to.equal('Hello from support');
    await el.updateComplete;
    expect($(el, '.sr-live')!.textContent).to.equal('1 unread message');
    (el.activeClient as unknown as { emit(n: string, m: Message): void }).emit('message', agentMessage({ text: 'Second' }));
    await el.updateComplete;
    expect($(el, '[part=badge]')!.textContent!.trim()).to.equal('2');
    expect($(el, '.sr-live')!.textContent).to.equal('2 unread messages');
    el.open();
    await el.updateComplete;
    expect($(el, '[part=badge]')).to.equal(null);
  });

  it('shows the typing indicator and the reconnecting banner', async () => {
    const el = await mountChat();
    el.open();
    await until(() => el.activeClient?.session, 'session');
    const client = el.activeClient as unknown as { emit(n: string, p: unknown): void };
    client.emit('typing', { typing: true, name: 'Ben' });
    await el.updateComplete;
    expect($(el, '[part=typing]')!.textContent).to.contain('Ben is typing');
    client.emit('connection', 'reconnecting');
    await el.updateComplete;
    expect($(el, '[part=banner]')!.textContent).to.contain('Reconnecting');
    client.emit('connection', 'connected');
    await el.updateComplete;
    expect($(el, '[part=banner]')).to.equal(null);
  });

  it('collects name and email in the pre-chat form before starting', async () => {
    const el = await mountChat('pre-chat="name email"', null);
    el.open();
    await el.updateComplete;
    const form = $(el, '[part=prechat]') as HTMLFormElement;
    expect(form).to.exist;
    form.requestSubmit();
    await until(() => $(el, '#prechat-name-error'), 'required errors');
    expect(el.shadowRoot!.activeElement?.id).to.equal('prechat-name');
    expect(await axeViolations(el)).to.deep.equal([]);
    await sendKeys({ type: 'Dana <b>Whitfield</b>' });
    ($(el, '#prechat-email') as HTMLInputElement).value = 'dana@example.com';
    form.requestSubmit();
    await until(() => $(el, 'textarea'), 'conversation after the form');
    const customers = await mock.search.searchCustomers(mock.workspaceId, undefined, 1000);
    const customer = customers.items.find((c) => c.attributes['contactEmail'] === 'dana@example.com');
    expect(customer?.name).to.equal('Dana <b>Whitfield</b>');
    el.activeClient?.close();
  });

  it('renders bot quick replies and sends the chosen one', async () => {
    const el = await mountChat();
    el.open();
    await until(() => el.activeClient?.session, 'session');
    const client = el.activeClient!;
    const bot = agentMessage({
      authorKind: 'bot',
      authorName: 'Sage',
      text: 'What do you need help with?',
      attachments: [
        { name: 'Billing', contentType: QUICK_REPLY_CONTENT_TYPE, size: 0, url: '' },
        { name: 'No internet', contentType: QUICK_REPLY_CONTENT_TYPE, size: 0, url: '' },
      ],
    });
    Object.defineProperty(client, 'messages', { configurable: true, get: () => [bot] });
    (client as unknown as { emit(n: string, m: Message): void }).emit('change', bot);
    await el.updateComplete;
    const buttons = $$(el, '[part=quick-reply]');
    expect(buttons.map((b) => b.textContent!.trim())).to.deep.equal(['Billing', 'No internet']);
    delete (client as unknown as Record<string, unknown>)['messages'];
    buttons[1]!.click();
    await until(() => storedMessage(mock, 'No internet'), 'quick reply sent');
  });

  it("shows a bot's messages as the bot's, and says a person is coming once it hands off, until one writes", async () => {
    const el = await mountChat();
    el.open();
    await until(() => el.activeClient?.session, 'session');
    const client = el.activeClient!;
    const show = async (messages: Message[]) => {
      Object.defineProperty(client, 'messages', { configurable: true, get: () => messages });
      (client as unknown as { emit(n: string, m: Message): void }).emit('change', messages.at(-1)!);
      await el.updateComplete;
    };
    const greeting = agentMessage({ authorKind: 'bot', authorName: 'Sage', text: 'Hi! How can I help?' });
    await show([greeting]);
    expect($(el, '[part~=message-bot] .author')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Sage · Automated assistant');
    expect($(el, '[part=queue]')!.textContent!.trim()).to.equal('');
    const notice = agentMessage({ authorKind: 'system', authorName: 'Sage', text: 'Connecting you to a person…', handoff: { reason: 'requested', fields: {} } });
    await show([greeting, notice]);
    expect($(el, '[part=notice]')!.textContent!.trim()).to.equal('Connecting you to a person…');
    expect($(el, '[part=queue]')!.getAttribute('role')).to.equal('status');
    expect($(el, '[part=queue]')!.textContent!.trim()).to.match(/^Connecting you to a person…/);
    expect(await axeViolations(el)).to.deep.equal([]);
    await show([greeting, notice, agentMessage({ text: 'Hi, Ben here.' })]);
    expect($(el, '[part=queue]')!.textContent!.trim()).to.not.match(/Connecting/);
    delete (client as unknown as Record<string, unknown>)['messages'];
  });

  it('renders hostile names and text as text', async () => {
    const el = await mountChat();
    el.open();
    await until(() => el.activeClient?.session, 'session');
    const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const client = el.activeClient!;
    const msg = agentMessage({ authorName: evil, text: evil });
    Object.defineProperty(client, 'messages', { configurable: true, get: () => [msg] });
    (client as unknown as { emit(n: string, m: Message): void }).emit('change', msg);
    await el.updateComplete;
    // An injected <img src=x> would have fired its onerror by the time this one errors.
    await new Promise((r) => Object.assign(new Image(), { onerror: r, src: 'x' }));
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    expect(el.shadowRoot!.querySelector('img, script')).to.equal(null);
    expect($(el, '[part~=bubble]')!.textContent).to.contain('<img src=x');
    delete (client as unknown as Record<string, unknown>)['messages'];
  });

  it('has no accessibility violations, open or closed', async () => {
    const el = await mountChat();
    expect(await axeViolations(el)).to.deep.equal([]);
    el.open();
    await until(() => el.activeClient?.session, 'session');
    await el.updateComplete;
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('speaks Spanish with lang="es"', async () => {
    const el = await mountChat('lang="es"');
    expect($(el, '[part~=launcher]')!.getAttribute('aria-label')).to.equal('Abrir chat');
    el.open();
    await el.updateComplete;
    expect($(el, 'textarea')!.getAttribute('placeholder')).to.equal('Escribe un mensaje…');
  });

  it('is unchanged by hostile page CSS, stays above a huge z-index overlay and leaks no style', async () => {
    const el = await mountChat();
    el.open();
    await el.updateComplete;
    const parts = ['[part~=launcher]', '[part~=panel]', '[part~=header]', 'textarea'];
    const clean = snapshotStyles(el.shadowRoot!, parts);
    const cleanRect = $(el, '[part~=launcher]')!.getBoundingClientRect().toJSON();

    injectCss(HOSTILE_CSS);
    const overlay = await fixture<HTMLDivElement>('<div class="overlay"></div>');
    await el.updateComplete;
    expect(snapshotStyles(el.shadowRoot!, parts)).to.deep.equal(clean);
    expect($(el, '[part~=launcher]')!.getBoundingClientRect().toJSON()).to.deep.equal(cleanRect);
    const r = $(el, '[part~=launcher]')!.getBoundingClientRect();
    expect(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)).to.equal(el);

    // The host can put its own modal above the chat through the token.
    el.style.setProperty('--casekit-z-index', '1');
    expect(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)).to.equal(overlay);
  });

  it('draws no style outside its shadow root', async () => {
    const probe = await fixture<HTMLParagraphElement>('<p class="probe">text</p>');
    const keys = ['font-family', 'font-size', 'color', 'background-color', 'line-height', 'margin-top'];
    const before = keys.map((k) => getComputedStyle(probe).getPropertyValue(k));
    const sheetsBefore = document.styleSheets.length + document.adoptedStyleSheets.length;
    const el = await mountChat('theme="dark"');
    el.open();
    await el.updateComplete;
    expect(keys.map((k) => getComputedStyle(probe).getPropertyValue(k))).to.deep.equal(before);
    expect(document.styleSheets.length + document.adoptedStyleSheets.length).to.equal(sheetsBefore);
  });

  it('follows dark mode from the theme attribute', async () => {
    const el = await mountChat('theme="dark"');
    el.open();
    await el.updateComplete;
    const dark = getComputedStyle($(el, '[part~=panel]')!).backgroundColor;
    el.theme = 'light';
    await el.updateComplete;
    const light = getComputedStyle($(el, '[part~=panel]')!).backgroundColor;
    expect(dark).to.equal('rgb(21, 23, 28)');
    expect(light).to.equal('rgb(255, 255, 255)');
  });

  describe('waiting and leaving a message', () => {
    async function everyoneOffline(): Promise<void> {
      for (const agent of await mock.store.listAgents(mock.workspaceId)) await mock.engine.setPresence(mock.system, agent.id, 'offline');
    }

    it("tells the visitor their place in line, politely, and updates it on the visitor's own case events", async () => {
      await casesWait(mock, 'webchat');
      const el = await mountChat();
      el.open();
      await until(() => el.activeClient?.session, 'session');
      $(el, 'textarea')!.focus();
      await sendKeys({ type: 'Is anyone there?' });
      await sendKeys({ press: 'Enter' });
      await until(() => storedMessage(mock, 'Is anyone there?'), 'message stored');
      const kase = (await mock.store.findActiveCase(mock.workspaceId, el.activeClient!.session!.customerId))!;
      const expected = (await mock.engine.placeInQueue(mock.workspaceId, kase.id))!.position;
      expect(expected).to.be.greaterThan(0);
      const line = await until(() => ($(el, '[part=queue]')!.textContent!.includes('in line') ? $(el, '[part=queue]') : null), 'place in line');
      expect(line!.getAttribute('role')).to.equal('status', 'announced politely');
      expect(line!.textContent!.trim()).to.equal(`You are ${expected}${['th', 'st', 'nd', 'rd'][expected] ?? 'th'} in line`, 'no estimate: nobody in the team is online');

      // Asking again with nothing changed leaves the live region alone: nothing is announced twice.
      const client = el.activeClient!;
      const status = client.status.bind(client);
      let asked = 0;
      client.status = () => (asked++, status());
      const changes: MutationRecord[] = [];
      const observer = new MutationObserver((records) => changes.push(...records));
      observer.observe(line!, { subtree: true, childList: true, characterData: true });
      const own = (await storedMessage(mock, 'Is anyone there?'))!;
      (client as unknown as { emit(n: string, m: Message): void }).emit('message', own);
      (client as unknown as { emit(n: string, m: Message): void }).emit('message', own);
      await until(() => asked >= 2, 'asked twice');
      await new Promise((r) => setTimeout(r, 100));
      await el.updateComplete;
      observer.disconnect();
      expect(changes, 'the same line is not written again').to.have.length(0);

      // An agent takes the case and answers: the visitor's own message event refreshes the line.
      const reply = await mock.engine.reply(await mock.actorOf('a_ben'), { caseId: kase.id, text: 'Hi, Ben here' });
      (el.activeClient as unknown as { emit(n: string, m: Message): void }).emit('message', reply);
      await until(() => $(el, '[part=queue]')!.textContent!.trim() === '', 'no longer waiting');
      expect(await axeViolations(el)).to.deep.equal([]);
    });

    it('says the place in line in Spanish with lang="es"', async () => {
      await casesWait(mock, 'webchat');
      const el = await mountChat('lang="es"');
      el.open();
      await until(() => el.activeClient?.session, 'session');
      await el.activeClient!.send('Hola');
      (el.activeClient as unknown as { emit(n: string, m: unknown): void }).emit('message', el.activeClient!.messages[0]);
      await until(() => /^Eres el \d+\.º en la cola$/.test($(el, '[part=queue]')!.textContent!.trim()), 'Spanish place in line');
    });

    it('offers a leave-a-message form when nobody is online, with clear errors, and confirms a reply by email', async () => {
      await everyoneOffline();
      const el = await mountChat('pre-chat="name email"', null);
      el.open();
      const form = (await until(() => $(el, '[part=leave-message]'), 'leave-a-message form')) as HTMLFormElement;
      expect($(el, '[part=prechat]')).to.equal(null, 'it replaces the pre-chat form');
      expect(await axeViolations(el)).to.deep.equal([]);

      form.requestSubmit();
      await until(() => $(el, '#leave-message-error'), 'required errors');
      expect($(el, '#leave-name-error')!.textContent).to.contain('Please fill in name');
      expect($(el, '#leave-email')!.getAttribute('aria-invalid')).to.equal('true');
      expect($(el, '#leave-email')!.getAttribute('aria-describedby')).to.equal('leave-email-error');
      expect(el.shadowRoot!.activeElement?.id).to.equal('leave-name', 'focus goes to the first field at fault');
      expect(await axeViolations(el)).to.deep.equal([]);

      await sendKeys({ type: 'Lena Late' });
      ($(el, '#leave-email') as HTMLInputElement).value = 'lena@';
      ($(el, '#leave-message') as HTMLTextAreaElement).value = 'My router reboots every night at 2 am.';
      form.requestSubmit();
      await until(() => $(el, '#leave-email-error')?.textContent?.includes('valid email'), 'invalid email');
      expect($(el, '#leave-name-error')).to.equal(null);

      // An agent comes online meanwhile: the form stays, with what the visitor typed.
      await mock.engine.setPresence(mock.system, 'a_ben', 'online');
      (el.activeClient as unknown as { emit(n: string, s: string): void }).emit('connection', 'connected');
      await until(() => el.agentsAvailable === true, 'status refreshed');
      expect($(el, '[part=leave-message]')).to.equal(form);
      expect(($(el, '#leave-name') as HTMLInputElement).value).to.equal('Lena Late');

      ($(el, '#leave-email') as HTMLInputElement).value = 'lena@example.com';
      form.requestSubmit();
      const confirmation = await until(() => ($(el, '[part=queue]')?.textContent?.includes('by email') ? $(el, '[part=queue]') : null), 'confirmation');
      expect(confirmation!.textContent!.trim()).to.equal('Thanks! We will reply by email to lena@example.com.');
      const stored = await storedMessage(mock, 'My router reboots every night at 2 am.');
      expect(stored, 'the message went through the visitor API').to.exist;
      const customer = await storedCustomer(mock, stored!.customerId);
      expect(customer.name).to.equal('Lena Late');
      expect(customer.attributes['contactEmail']).to.equal('lena@example.com');
      expect($$(el, '[part~=message-own]').some((m) => m.textContent!.includes('2 am'))).to.equal(true);
      el.activeClient?.close();
    });

    it('puts the email on the profile of a visitor whose session had already started', async () => {
      await everyoneOffline();
      const el = await mountChat('', null);
      el.open();
      await until(() => el.activeClient?.session, 'session started on open');
      const form = (await until(() => $(el, '[part=leave-message]'), 'leave-a-message form')) as HTMLFormElement;
      ($(el, '#leave-name') as HTMLInputElement).value = 'Omar Open';
      ($(el, '#leave-email') as HTMLInputElement).value = 'omar@example.com';
      ($(el, '#leave-message') as HTMLTextAreaElement).value = 'Please call me back';
      form.requestSubmit();
      await until(() => storedMessage(mock, 'Please call me back'), 'message stored');
      const customer = await storedCustomer(mock, el.activeClient!.session!.customerId);
      expect(customer.attributes['contactEmail']).to.equal('omar@example.com');
      expect(customer.name).to.equal('Omar Open');
      el.activeClient?.close();
    });

    it('offers the chat, not the form, when nobody is online but a bot answers on the channel', async () => {
      await everyoneOffline();
      const rules = { greeting: 'Hi!', faq: [], fields: [], offerHuman: 'A person will answer.', handoffKeywords: ['agent'] };
      await mock.engine.createBot(mock.system, { name: 'Sage', email: 'sage@bots.example', settings: { channelIds: [CHANNEL], rules } });
      const el = await mountChat('', null);
      el.open();
      await until(() => el.agentsAvailable === false, 'status known');
      await el.updateComplete;
      expect($(el, '[part=leave-message]')).to.equal(null);
      expect($(el, 'textarea')).to.exist;
      expect($(el, '[part=queue]')!.textContent!.trim()).to.equal('', 'no "nobody is available"');
    });

    it('lets the host turn the form off: the chat stays and says nobody is available', async () => {
      await everyoneOffline();
      const el = await mountChat('no-leave-message');
      el.open();
      await until(() => $(el, '[part=queue]')?.textContent?.includes('Nobody is available'), 'nobody-available line');
      expect($(el, '[part=leave-message]')).to.equal(null);
      expect($(el, 'textarea')).to.exist;
    });
  });

  describe('attachments', () => {
    it('checks type and size before uploading, with a message that says why', async () => {
      const el = await mountChat('max-file-size="1000"');
      el.open();
      await until(() => el.activeClient?.session, 'session');
      let uploads = 0;
      mock.worker.use(http.post('*/api/v1/visitor/uploads', () => void uploads++));
      const attach = $(el, '[part=attach-button]')!;
      expect(attach.tagName).to.equal('BUTTON');
      expect(attach.getAttribute('aria-label')).to.equal('Attach a file');
      pick(el, new File(['MZ'], 'setup.exe', { type: 'application/x-msdownload' }));
      const error = await until(() => $(el, '.attach-error'), 'type refused');
      expect(error!.getAttribute('role')).to.equal('alert');
      expect(error!.textContent).to.equal('setup.exe cannot be sent: only PNG, JPEG, GIF, WEBP, PDF, TXT files are accepted.');
      pick(el, new File([new Uint8Array(1001)], 'big.pdf', { type: 'application/pdf' }));
      await until(() => $(el, '.attach-error')?.textContent?.includes('too large'), 'size refused');
      expect($(el, '.attach-error')!.textContent).to.contain('the limit is 1,000 B');
      expect($$(el, '[part=attachment-chip]')).to.have.length(0);
      expect(uploads).to.equal(0, 'nothing was uploaded');
    });

    it('uploads picked files as removable chips and sends them with the message; images show as thumbnails', async () => {
      const el = await mountChat();
      el.open();
      await until(() => el.activeClient?.session, 'session');
      pick(el, new File([PNG], 'lights.png', { type: 'image/png' }), new File(['Serial FL-22'], 'serial.txt', { type: 'text/plain' }));
      await until(() => $$(el, '[part=attachment-chip]').length === 2 && !el.shadowRoot!.textContent!.includes('Uploading'), 'chips uploaded');
      expect($(el, '.chips')!.getAttribute('aria-label')).to.equal('Files to send');
      expect(await axeViolations(el)).to.deep.equal([]);

      // Remove one from the keyboard: focus moves to the next remove button.
      const remove = $(el, '[aria-label="Remove serial.txt"]')!;
      remove.focus();
      await sendKeys({ press: 'Enter' });
      await until(() => $$(el, '[part=attachment-chip]').length === 1, 'chip removed');
      expect(el.shadowRoot!.activeElement?.getAttribute('aria-label')).to.equal('Remove lights.png');

      $(el, 'textarea')!.focus();
      await sendKeys({ type: 'The lights look like this' });
      await sendKeys({ press: 'Enter' });
      const stored = await until(() => storedMessage(mock, 'The lights look like this'), 'stored');
      expect(stored!.attachments.map((a) => a.name)).to.deep.equal(['lights.png']);
      await until(() => $$(el, '[part=attachment-chip]').length === 0, 'chips cleared after sending');
      const img = await until(() => el.shadowRoot!.querySelector<HTMLImageElement>('[part~=message-own] img'), 'thumbnail');
      expect(img!.alt).to.equal('lights.png');
      expect(img!.src).to.equal(new URL(stored!.attachments[0]!.url, location.origin).href);
      await until(() => img!.complete && img!.naturalWidth === 1, 'the image loads');
      expect(await axeViolations(el)).to.deep.equal([]);
    });

    it("shows an agent's other files as download links with their size", async () => {
      const el = await mountChat();
      el.open();
      await until(() => el.activeClient?.session, 'session');
      const pdf = await upload(mock, new TextEncoder().encode('%PDF-1.7 invoice'), 'invoice.pdf', 'application/pdf', { kind: 'agent', id: 'a_ben' });
      const msg = agentMessage({ text: 'Your invoice', attachments: [pdf] });
      const client = el.activeClient!;
      Object.defineProperty(client, 'messages', { configurable: true, get: () => [msg] });
      (client as unknown as { emit(n: string, m: Message): void }).emit('change', msg);
      const link = await until(() => el.shadowRoot!.querySelector<HTMLAnchorElement>('a.file'), 'file link');
      expect(link!.textContent!.replace(/\s+/g, ' ').trim()).to.equal('invoice.pdf 16 B');
      expect(link!.getAttribute('download')).to.equal('invoice.pdf');
      expect(link!.href).to.equal(new URL(pdf.url, location.origin).href);
      delete (client as unknown as Record<string, unknown>)['messages'];
    });

    it('hides the attach button with no-attachments', async () => {
      const el = await mountChat('no-attachments');
      el.open();
      await el.updateComplete;
      expect($(el, '[part=attach-button]')).to.equal(null);
    });
  });
});
