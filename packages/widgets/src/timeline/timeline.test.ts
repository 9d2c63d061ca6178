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
    await until(() => el.events.length > 0, 'timeline loaded');
    await el.updateComplete;
    return el;
  }
  const all = (el: CasekitTimeline, sel: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(sel)];

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

  it('loads earlier history when scrolled to the top and keeps the reading position', async () => {
    for (let i = 0; i < 70; i++) await receive(mock, { customerId: 'cu_maria', channel: 'ch_whatsapp', text: `Message number ${i}` });
    const el = await mount('cu_maria');
    const before = el.events.length;
    expect(el.hasMore).to.equal(true);
    const scroller = el.shadowRoot!.querySelector<HTMLElement>('[part=scroller]')!;
    const anchor = all(el, '[data-seq]')[0]!;
    scroller.scrollTop = 0;
    scroller.dispatchEvent(new Event('scroll'));
    const heightBefore = scroller.scrollHeight;
    await until(() => el.events.length > before, 'earlier page');
    await el.updateComplete;
    expect(scroller.scrollHeight).to.be.greaterThan(heightBefore);
    expect(anchor.isConnected).to.equal(true);
    expect(anchor.getBoundingClientRect().top).to.be.greaterThan(scroller.getBoundingClientRect().top - 5);
    expect(scroller.scrollTop).to.be.greaterThan(0);
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
