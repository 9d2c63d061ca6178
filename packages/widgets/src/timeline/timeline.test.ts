import { expect } from '@esm-bundle/chai';
import type { CaseEvent } from '@casekit/protocol';
import './timeline.ts';
import type { CasekitTimeline } from './timeline.ts';
import { axeViolations, cleanup, fixture, TINY_PNG, until } from '../internal/test-helpers.ts';
import { agentClient, push, receive, startMockApi, storedCases, storedMessages, upload } from '../internal/mock-api.ts';

describe('casekit-timeline', () => {
  let mock: Awaited<ReturnType<typeof startMockApi>>;
  beforeEach(async () => {
    mock = await startMockApi();
  });
  afterEach(cleanup);

  async function mount(customerId: string, caseId = ''): Promise<CasekitTimeline> {
    const el = await fixture<CasekitTimeline>(
      `<casekit-timeline style="height: 480px" customer-id="${customerId}" case-id="${caseId}"></casekit-timeline>`,
    );
    el.client = await agentClient();
    await until(() => el['events'].length > 0, 'timeline loaded');
    await el.updateComplete;
    return el;
  }
  const all = (el: CasekitTimeline, sel: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(sel)];

  it('shows a file the provider keeps as a button that fetches it through casekit, and says why when it cannot', async () => {
    await receive(mock, { customerId: 'cu_maria', channel: 'ch_whatsapp', text: 'Photo of the router', attachments: [{ name: 'router.jpg', contentType: 'image/jpeg', size: 2048, url: 'meta-media:1234567890' }] });
    const el = await mount('cu_maria');
    await until(() => all(el, 'button[part=attachment]').length > 0, 'the file button');
    const button = all(el, 'button[part=attachment]')[0]!;
    expect(button.textContent!.includes('router.jpg')).to.equal(true);
    button.click();
    // The mock server runs no WhatsApp adapter, so it cannot fetch the file: the timeline says so.
    await until(() => all(el, '.file-error').length > 0, 'the reason');
    expect(all(el, '.file-error')[0]!.textContent!.includes('kept by the provider')).to.equal(true);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('shows messages across channels, oldest first, with changes between them', async () => {
    const el = await mount('cu_maria');
    const kinds = new Set((await storedMessages(mock)).filter((m) => m.customerId === 'cu_maria' && !m.internal).map((m) => m.channelKind));
    expect(kinds.size).to.be.greaterThan(1);
    const seqs = all(el, '[data-seq]').map((n) => Number(n.dataset['seq']));
    expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));
    const texts = all(el, '[part~=message]').map((n) => n.textContent!);
    expect(texts.some((t) => t.includes('21:30'))).to.equal(true);
    expect(all(el, '[part=change]').length).to.be.greaterThan(0);
    const scroller = el.shadowRoot!.querySelector<HTMLElement>('[part=scroller]')!;
    expect(scroller.scrollTop + scroller.clientHeight).to.be.closeTo(scroller.scrollHeight, 2);
  });

  it('styles internal notes apart and appends live events at the bottom', async () => {
    const el = await mount('cu_maria');
    const kase = (await storedCases(mock)).find((c) => c.customerId === 'cu_maria')!;
    const note = (await storedMessages(mock)).find((m) => m.caseId === kase.id)!;
    const event: CaseEvent = {
      seq: 1_000_000,
      workspaceId: kase.workspaceId,
      at: new Date().toISOString(),
      actorId: 'a_ben',
      caseId: kase.id,
      customerId: 'cu_maria',
      type: 'message.created',
      data: { message: { ...note, id: 'm_live', internal: true, text: 'Checked the line: <b>fine</b>', authorName: 'Ben Okafor' } },
    };
    push(el.client, 'event', event);
    await el.updateComplete;
    const last = all(el, '[data-seq]').at(-1)!;
    expect(last.getAttribute('part')).to.equal('message note');
    expect(last.textContent).to.contain('Internal note');
    expect(last.textContent).to.contain('<b>fine</b>');
    expect(getComputedStyle(last.querySelector('.bubble')!).borderStyle).to.equal('dashed');
  });

  it('says what routing did with a case: who it chose and why, and when it gave a case back', async () => {
    const el = await mount('cu_maria');
    const kase = (await storedCases(mock)).find((c) => c.customerId === 'cu_maria')!;
    const routed = (seq: number, assignee: [string | null, string | null], reason: 'least-loaded' | 'sticky' | 'agent-offline'): CaseEvent => ({
      seq,
      workspaceId: kase.workspaceId,
      at: new Date().toISOString(),
      actorId: null,
      caseId: kase.id,
      customerId: 'cu_maria',
      type: 'case.updated',
      data: { case: kase, changes: { assigneeId: assignee }, routing: { policyId: 'default', reason, step: 0 } },
    });
    push(el.client, 'event', routed(1_000_001, [null, 'a_ben'], 'least-loaded'));
    push(el.client, 'event', routed(1_000_002, ['a_ben', null], 'agent-offline'));
    push(el.client, 'event', routed(1_000_003, [null, 'a_ada'], 'sticky'));
    await el.updateComplete;
    expect(all(el, '[part=change]').slice(-3).map((n) => n.querySelector('span')!.textContent)).to.deep.equal([
      'Assigned to Ben Okafor by routing (least loaded)',
      'Returned to the queue: Ben Okafor went offline',
      'Assigned to Ada Lovelace by routing (their last agent)',
    ]);
  });


  it("shows a bot's handoff with its reason and the fields it collected, the conversation folded away", async () => {
    const el = await mount('cu_maria');
    const kase = (await storedCases(mock)).find((c) => c.customerId === 'cu_maria')!;
    const note = (await storedMessages(mock)).find((m) => m.caseId === kase.id)!;
    const handoff = { reason: 'requested' as const, fields: { email: 'maria@mail.example', account: '1042' } };
    push(el.client, 'event', {
      seq: 1_000_001,
      workspaceId: kase.workspaceId,
      at: new Date().toISOString(),
      actorId: null,
      caseId: kase.id,
      customerId: 'cu_maria',
      type: 'message.created',
      data: { message: { ...note, id: 'm_handoff', internal: true, authorKind: 'system', authorName: 'Sage', text: 'Handed off by Sage: the customer asked for a person.', handoff } },
    } satisfies CaseEvent);
    await el.updateComplete;
    const last = all(el, '[data-seq]').at(-1)!;
    expect(last.getAttribute('part')).to.equal('message note handoff');
    expect(last.getAttribute('aria-label')).to.equal('Handed off by the bot');
    expect(last.querySelector('.handoff-reason')!.textContent).to.equal('The customer asked for a person.');
    const fields = last.querySelector('[part=handoff-fields]')!;
    expect(fields.getAttribute('aria-label')).to.equal('Collected by the bot');
    expect([...fields.querySelectorAll('dt, dd')].map((n) => n.textContent)).to.deep.equal(['email', 'maria@mail.example', 'account', '1042']);
    expect(last.querySelector('details')!.open).to.equal(false);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('loads earlier history when scrolled to the top and keeps the reading position', async () => {
    for (let i = 0; i < 70; i++) await receive(mock, { customerId: 'cu_maria', channel: 'ch_whatsapp', text: `Message number ${i}` });
    const el = await mount('cu_maria');
    const before = el['events'].length;
    expect(el['hasMore']).to.equal(true);
    const scroller = el.shadowRoot!.querySelector<HTMLElement>('[part=scroller]')!;
    const anchor = all(el, '[data-seq]')[0]!;
    scroller.scrollTop = 0;
    scroller.dispatchEvent(new Event('scroll'));
    const heightBefore = scroller.scrollHeight;
    await until(() => el['events'].length > before, 'earlier page');
    await el.updateComplete;
    expect(scroller.scrollHeight).to.be.greaterThan(heightBefore);
    expect(anchor.isConnected).to.equal(true);
    expect(anchor.getBoundingClientRect().top).to.be.greaterThan(scroller.getBoundingClientRect().top - 5);
    expect(scroller.scrollTop).to.be.greaterThan(0);
  });

  /** Hands every event the mock commits to the client, as its realtime socket would. */
  function live(client: unknown): () => void {
    return mock.subscribe((events) => events.forEach((e) => push(client, 'event', e)));
  }
  async function aishasReply(text: string) {
    const kase = (await storedCases(mock)).find((c) => c.customerId === 'cu_aisha')!;
    return mock.engine.reply(await mock.actorOf('a_ben'), { caseId: kase.id, text });
  }
  const statusOf = (el: CasekitTimeline, messageId: string) => el.shadowRoot!.querySelector<HTMLElement>(`[data-message="${messageId}"] [part~=status]`)!;

  it('shows how far each reply got, live, with an accessible name', async () => {
    const reply = await aishasReply('An engineer is on the way');
    const el = await mount('cu_aisha');
    const stop = live(el.client);
    try {
      expect(statusOf(el, reply.id).textContent!.trim()).to.equal('Queued');
      expect(statusOf(el, reply.id).title).to.equal('Queued');
      expect(statusOf(el, reply.id).querySelector('svg')).to.exist;
      await mock.engine.updateDeliveryStatus(mock.system, reply.id, 'sent');
      await until(() => statusOf(el, reply.id).textContent!.trim() === 'Sent', 'sent');
      await mock.engine.updateDeliveryStatus(mock.system, reply.id, 'delivered');
      await until(() => statusOf(el, reply.id).textContent!.trim() === 'Delivered', 'delivered');
      // Inbound messages and notes have no delivery to show.
      const inbound = all(el, '[part~=message].inbound');
      expect(inbound.length).to.be.greaterThan(0);
      expect(inbound.every((n) => !n.querySelector('[part~=status]'))).to.equal(true);
    } finally {
      stop();
    }
  });

  it('shows a reply that was not delivered with the reason, and "Send again" queues it and follows it to sent', async () => {
    const reply = await aishasReply('Please restart the router');
    await mock.engine.updateDeliveryStatus(mock.system, reply.id, 'failed', {
      deliveryError: { code: '30007', reason: 'Message filtered by the carrier' },
    });
    const el = await mount('cu_aisha');
    const stop = live(el.client);
    try {
      const failed = await until(
        () => el.shadowRoot!.querySelector<HTMLElement>(`[data-message="${reply.id}"] [part=delivery-failed]`)?.textContent?.includes('filtered') &&
          el.shadowRoot!.querySelector<HTMLElement>(`[data-message="${reply.id}"] [part=delivery-failed]`),
        'the reason',
      );
      expect(failed.textContent).to.contain('Not delivered: Message filtered by the carrier');
      expect(statusOf(el, reply.id).title).to.contain('30007');
      expect(await axeViolations(el)).to.deep.equal([]);

      const again = failed.querySelector<HTMLButtonElement>('[part=retry-button]')!;
      expect(again.textContent!.trim()).to.equal('Send again');
      again.focus();
      again.click();
      await until(() => statusOf(el, reply.id).textContent!.trim() === 'Queued', 'queued');
      expect(el.shadowRoot!.querySelector(`[data-message="${reply.id}"] [part=delivery-failed]`)).to.equal(null);
      // The button is gone: focus moves to the reply's status once the server has answered.
      await until(() => el.shadowRoot!.activeElement === statusOf(el, reply.id), 'focus on the reply');
      const stored = (await storedMessages(mock)).find((m) => m.id === reply.id)!;
      expect(stored.status).to.equal('queued');
      expect(stored.deliveryError).to.equal(undefined);

      await mock.engine.updateDeliveryStatus(mock.system, reply.id, 'sent');
      await until(() => statusOf(el, reply.id).textContent!.trim() === 'Sent', 'sent');

      // It fails once more, live: the new reason shows.
      await mock.engine.updateDeliveryStatus(mock.system, reply.id, 'failed', { deliveryError: { code: '30003', reason: 'Unreachable handset' } });
      await until(() => el.shadowRoot!.querySelector(`[data-message="${reply.id}"] [part=delivery-failed]`)?.textContent?.includes('Unreachable handset'), 'the new reason');
    } finally {
      stop();
    }
  });

  it('says why "Send again" did not work', async () => {
    const reply = await aishasReply('Retry me');
    await mock.engine.updateDeliveryStatus(mock.system, reply.id, 'failed', { deliveryError: { code: 'x', reason: 'Rejected' } });
    const el = await mount('cu_aisha');
    await mock.engine.updateChannel(mock.system, 'ch_sms', { enabled: false });
    const again = await until(() => el.shadowRoot!.querySelector<HTMLButtonElement>(`[data-message="${reply.id}"] [part=retry-button]`), 'the button');
    again.click();
    const alert = await until(() => el.shadowRoot!.querySelector(`[data-message="${reply.id}"] [role=alert]`), 'the error');
    expect(alert.textContent).to.contain('Not sent again');
    expect(alert.textContent).to.contain('disabled');
  });

  it('renders hostile text as text and has no accessibility violations', async () => {
    await receive(mock, { customerId: 'cu_maria', channel: 'ch_email', text: '<img src=x onerror="window.__tl=1">' });
    const el = await mount('cu_maria');
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect((window as unknown as { __tl?: number }).__tl).to.equal(undefined);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('shows image files as thumbnails with their name as alt text, and other files as links', async () => {
    const owner = { kind: 'customer' as const, id: 'cu_maria' };
    const photo = await upload(mock, TINY_PNG, 'router <lights>.png', 'image/png', owner);
    const bill = await upload(mock, new TextEncoder().encode('%PDF-1.7'), 'bill.pdf', 'application/pdf', owner);
    await receive(mock, { customerId: 'cu_maria', channel: 'ch_web', text: 'Photo and bill attached', attachments: [photo, bill] });
    const el = await mount('cu_maria');
    const img = await until(() => el.shadowRoot!.querySelector<HTMLImageElement>('[part~=message] img'), 'thumbnail');
    expect(img!.alt).to.equal('router <lights>.png');
    expect(img!.src).to.equal(new URL(photo.url, location.origin).href);
    await until(() => img!.complete && img!.naturalWidth === 1, 'the image loads');
    const link = el.shadowRoot!.querySelector<HTMLAnchorElement>('a.file')!;
    expect(link.textContent).to.contain('bill.pdf');
    expect(link.href).to.equal(new URL(bill.url, location.origin).href);
    expect(await axeViolations(el)).to.deep.equal([]);
  });
});
