import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import './inbox.ts';
import type { CasekitInbox } from './inbox.ts';
import { axeViolations, cleanup, fixture, frames, HOSTILE_CSS, injectCss, makeCase, snapshotStyles, until } from '../internal/test-helpers.ts';
import { agentClient, push, receive, startMockApi, storedCase, storedCases } from '../internal/mock-api.ts';

describe('casekit-inbox with supplied cases', () => {
  afterEach(cleanup);

  it('counts cases with the plural rules of its language: "1 case", "2 cases", "1 caso"', async () => {
    const el = await fixture<CasekitInbox>('<casekit-inbox style="height: 300px" no-toolbar></casekit-inbox>');
    el.cases = [makeCase(1)];
    await el.updateComplete;
    const summary = () => el.shadowRoot!.querySelector('.summary')!.textContent!.trim();
    expect(summary()).to.equal('1 case');
    el.cases = [makeCase(1), makeCase(2)];
    await el.updateComplete;
    expect(summary()).to.equal('2 cases');
    const es = await fixture<CasekitInbox>('<casekit-inbox lang="es" style="height: 300px" no-toolbar></casekit-inbox>');
    es.cases = [makeCase(1)];
    await es.updateComplete;
    expect(es.shadowRoot!.querySelector('.summary')!.textContent!.trim()).to.equal('1 caso');
  });

  it('renders only the visible rows of 10,000 cases and scrolls to the last one', async () => {
    const el = await fixture<CasekitInbox>('<casekit-inbox style="height: 600px" no-toolbar></casekit-inbox>');
    el.cases = Array.from({ length: 10_000 }, (_, i) => makeCase(i + 1));
    await el.updateComplete;
    await frames(2);
    const rows = el.shadowRoot!.querySelectorAll('[role=option]');
    expect(rows.length).to.be.greaterThan(5).and.lessThan(40);
    expect(rows[0]!.textContent).to.contain('#10000');
    const viewport = el.shadowRoot!.querySelector<HTMLElement>('[role=listbox]')!;
    viewport.scrollTop = viewport.scrollHeight;
    await until(() => el.shadowRoot!.querySelector('[aria-posinset="10000"]'), 'last row');
    expect(el.shadowRoot!.querySelectorAll('[role=option]').length).to.be.lessThan(40);
  });

  it('moves with the arrow keys and selects with Enter', async () => {
    const el = await fixture<CasekitInbox>('<casekit-inbox style="height: 400px" no-toolbar></casekit-inbox>');
    el.cases = Array.from({ length: 50 }, (_, i) => makeCase(i + 1));
    await el.updateComplete;
    const listbox = el.shadowRoot!.querySelector<HTMLElement>('[role=listbox]')!;
    listbox.focus();
    const selected = new Promise<CustomEvent & { caseId: string }>((resolve) =>
      el.addEventListener('casekit-case-select', (e) => resolve(e as never), { once: true }),
    );
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    const event = await selected;
    expect(event.caseId).to.equal('case_48');
    expect(event.bubbles && event.composed).to.equal(true);
    await el.updateComplete;
    expect(listbox.getAttribute('aria-activedescendant')).to.equal('case-case_48');
    expect(el.shadowRoot!.querySelector('#case-case_48')!.getAttribute('aria-selected')).to.equal('true');
    await sendKeys({ press: 'End' });
    await until(() => listbox.getAttribute('aria-activedescendant') === 'case-case_1', 'End key');
  });

  it('has no accessibility violations', async () => {
    const el = await fixture<CasekitInbox>('<casekit-inbox style="height: 400px"></casekit-inbox>');
    el.cases = Array.from({ length: 20 }, (_, i) => makeCase(i + 1, { tags: ['vip'], priority: i % 4 ? 'normal' : 'urgent' }));
    await el.updateComplete;
    expect(await axeViolations(el)).to.deep.equal([]);
  });
});

describe('casekit-inbox on the API', () => {
  let mock: Awaited<ReturnType<typeof startMockApi>>;
  beforeEach(async () => {
    mock = await startMockApi();
  });
  afterEach(cleanup);

  async function mount(height = 600): Promise<CasekitInbox> {
    const el = await fixture<CasekitInbox>(`<casekit-inbox style="height: ${height}px"></casekit-inbox>`);
    el.client = await agentClient();
    await until(() => el['items'].length && el['agents'].size, 'cases loaded');
    await el.updateComplete;
    return el;
  }
  const readsOfAda = (caseIds: string[]) => mock.store.getCaseReads(mock.workspaceId, 'a_ada', caseIds);
  const rows = (el: CasekitInbox) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role=option]')];

  it('shows a customer\'s new chat live, through realtime from the mock backend', async () => {
    const el = await mount();
    el.client!.connect();
    await until(() => el.client!.connection === 'connected', 'realtime connected');
    const before = el['items'].length;
    await receive(mock, { customerId: 'cu_li', channel: 'ch_telegram', text: 'Is the outage over?' });
    await until(() => el['items'][0]?.preview === 'Is the outage over?', 'the case comes to the top');
    expect(el['items'].length).to.be.oneOf([before, before + 1]);
    el.client!.disconnect();
  });

  it('shows the customer on each row, an anonymous visitor by a readable name', async () => {
    const el = await mount();
    const rowOf = (customerId: string) => rows(el).find((row) => el['items'][Number(row.dataset['index'])]!.customerId === customerId)!;
    expect(rowOf('cu_maria').querySelector('[part=customer]')!.textContent).to.equal('María García');
    expect(rowOf('cu_visitor').querySelector('[part=customer]')!.textContent).to.equal('Visitor 9F3C');
    expect(rowOf('cu_visitor').textContent).not.to.contain('anon:');
  });

  it('finds a case by its customer’s name, email or phone', async () => {
    const el = await mount();
    const search = async (q: string) => {
      const box = el.shadowRoot!.querySelector<HTMLInputElement>('input[type=search]')!;
      box.focus();
      box.select();
      await sendKeys({ type: q });
      await until(() => el.filter.q === q && !el['loading'], `search ${q} applied`);
      await el.updateComplete;
      return new Set(el['items'].map((c) => c.customerId));
    };
    expect([...(await search('maria.garcia@'))]).to.deep.equal(['cu_maria']);
    expect([...(await search('+4477009'))]).to.deep.equal(['cu_aisha']);
    expect([...(await search('Becker'))]).to.deep.equal(['cu_tom']);
    expect(rows(el)[0]!.querySelector('[part=customer]')!.textContent).to.equal('Tom Becker');
  });

  it('names the customer of a case that arrives live, fetching a customer it has not seen', async () => {
    const el = await mount();
    const customer = await mock.engine.createCustomer({ workspaceId: mock.workspaceId, system: 'test' }, { name: 'Nadia Haddad', emails: ['nadia@example.com'] });
    const { case: kase } = await mock.engine.ingest({ workspaceId: mock.workspaceId, channelId: 'ch_email', customerId: customer.id, from: { externalId: 'nadia@example.com' }, text: 'New here' });
    push(el.client, 'case', kase);
    await until(() => el.shadowRoot!.querySelector(`#case-${kase.id} [part=customer]`)?.textContent === 'Nadia Haddad', 'the new customer is named');
  });

  it('lists every case with channel icons, newest activity first', async () => {
    const el = await mount();
    expect(rows(el)).to.have.length((await storedCases(mock)).length);
    expect(rows(el)[0]!.querySelector('.channels svg')).to.exist;
    const times = el['items'].map((c) => c.lastActivityAt);
    expect(times).to.deep.equal([...times].sort().reverse());
  });

  it('filters by status, assignee (mine / unassigned), channel, priority and team, and searches', async () => {
    const el = await mount();
    const pick = async (label: string, value: string) => {
      const s = el.shadowRoot!.querySelector<HTMLSelectElement>(`select[aria-label="${label}"]`)!;
      s.value = value;
      s.dispatchEvent(new Event('change'));
      await el.updateComplete;
      await until(() => !el['loading'], 'reloaded');
      await el.updateComplete;
    };
    await pick('Channel', 'sms');
    expect(el['items'].length).to.be.greaterThan(0);
    expect(el['items'].every((c) => c.channels.includes('sms'))).to.equal(true);
    await pick('Channel', '');
    await pick('Assignee', 'me');
    expect(el['items'].every((c) => c.assigneeId === 'a_ada')).to.equal(true);
    await pick('Assignee', 'unassigned');
    expect(el['items'].every((c) => c.assigneeId === null)).to.equal(true);
    await pick('Assignee', '');
    await pick('Priority', 'urgent');
    expect(el['items'].map((c) => c.priority)).to.deep.equal(el['items'].map(() => 'urgent'));
    await pick('Priority', '');
    await pick('Team', 'billing');
    expect(el['items'].length).to.be.greaterThan(0);
    expect(el['items'].every((c) => c.team === 'billing')).to.equal(true);
    await pick('Team', '');
    const search = el.shadowRoot!.querySelector<HTMLInputElement>('input[type=search]')!;
    search.value = 'router';
    search.dispatchEvent(new InputEvent('input'));
    await until(() => el.filter.q === 'router' && !el['loading'], 'search applied');
    await el.updateComplete;
    expect(el['items'].length).to.be.greaterThan(0);
    expect(el['items'].every((c) => `${c.subject} ${c.preview}`.toLowerCase().includes('router'))).to.equal(true);
  });

  it('moves a case with live activity to the top and marks it unread', async () => {
    const el = await mount();
    const last = el['items'].at(-1)!;
    const newest = Math.max(...el['items'].map((c) => Date.parse(c.lastActivityAt)));
    const updated = { ...last, lastActivityAt: new Date(newest + 60_000).toISOString(), preview: 'New message', version: last.version + 1 };
    push(el.client, 'case', updated);
    await el.updateComplete;
    const first = rows(el)[0]!;
    expect(first.id).to.equal(`case-${last.id}`);
    expect(first.querySelector('[part=unread]')).to.exist;
    expect(first.getAttribute('part')).to.contain('row-unread');
    first.click();
    await el.updateComplete;
    expect(rows(el)[0]!.querySelector('[part=unread]')).to.equal(null);
    await until(async () => (await readsOfAda([last.id]))[last.id], 'the read reached the server');
  });

  it('shows what the agent has not read since they last did, and keeps reads on the server for every device', async () => {
    const [first, second] = (await storedCases(mock)).filter((c) => c.status !== 'closed' && c.status !== 'solved');
    const ada = await mock.actorOf('a_ada');
    await mock.engine.markCaseRead(ada, first!.id);
    const readAt = await mock.engine.markCaseRead(ada, second!.id);
    // A minute after Ada read the second case, a colleague added a note to it.
    mock.clock.set(Date.parse(readAt) + 60_000);
    await mock.engine.addNote(await mock.actorOf('a_ben'), { caseId: second!.id, text: 'Called the customer back.' });
    mock.clock.set(null);
    const seen = await storedCase(mock, first!.id);
    const stale = await storedCase(mock, second!.id);
    // Tall enough that every row is drawn.
    const el = await mount(4000);
    const unreadIds = () => rows(el).filter((r) => r.getAttribute('part')!.includes('row-unread')).map((r) => r.id.replace(/^case-/, ''));
    expect(unreadIds()).not.to.include(seen.id);
    expect(unreadIds()).to.include(stale.id, 'activity after the last read');
    expect(rows(el)).to.have.length(el['items'].length);
    // Seeded replies count as read by their authors, as on the server.
    const reads = await readsOfAda(el['items'].map((c) => c.id));
    const expected = el['items'].filter((c) => (reads[c.id] ?? '') < c.lastActivityAt).map((c) => c.id);
    expect(unreadIds()).to.have.members(expected);
    expect(expected.length).to.be.greaterThan(1);
    el.shadowRoot!.querySelector<HTMLElement>(`#case-${stale.id}`)!.click();
    await el.updateComplete;
    expect(unreadIds()).not.to.include(stale.id);
    await until(async () => ((await readsOfAda([stale.id]))[stale.id] ?? '') >= stale.lastActivityAt, 'the read reached the server');
    // Another inbox (another tab or device) shows it read from the start.
    el.remove();
    const again = await mount(4000);
    expect(rows(again).find((r) => r.id === `case-${stale.id}`)!.getAttribute('part')).not.to.contain('row-unread');
  });

  it('marks nothing unread for replayed history, even when it arrives before the first page', async () => {
    // An agent who has read everything.
    const cases = await storedCases(mock);
    const ada = await mock.actorOf('a_ada');
    for (const c of cases) await mock.engine.markCaseRead(ada, c.id);
    const el = await fixture<CasekitInbox>('<casekit-inbox style="height: 600px"></casekit-inbox>');
    const client = await agentClient();
    el.client = client;
    await el.updateComplete;
    expect(el['loading'], 'the first page is still on its way').to.equal(true);
    // What a resume from the start of the event log delivers: older snapshots of every case.
    for (const c of cases) {
      push(client, 'case', { ...c, preview: 'Older preview', lastActivityAt: new Date(Date.parse(c.lastActivityAt) - 3_600_000).toISOString() });
      push(client, 'case', c);
    }
    await until(() => el['items'].length && !el['loading'], 'cases loaded');
    await el.updateComplete;
    expect(rows(el)).to.have.length(cases.length);
    expect(rows(el).filter((r) => r.getAttribute('part')!.includes('row-unread'))).to.have.length(0);
    expect(el['items'].filter((c) => c.preview === 'Older preview')).to.have.length(0);
  });

  it('renders hostile subjects as text and is unchanged by hostile page CSS', async () => {
    const el = await fixture<CasekitInbox>('<casekit-inbox style="height: 400px; width: 420px"></casekit-inbox>');
    el.cases = [makeCase(1, { subject: '<img src=x onerror="window.__inbox=1">', preview: '<script>window.__inbox=2</script>' }), makeCase(2)];
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('img, script')).to.equal(null);
    expect((window as unknown as { __inbox?: number }).__inbox).to.equal(undefined);
    const parts = ['[role=option]', '.subject', '.preview', 'input[type=search]'];
    const clean = snapshotStyles(el.shadowRoot!, parts);
    injectCss(HOSTILE_CSS);
    await frames(1);
    expect(snapshotStyles(el.shadowRoot!, parts)).to.deep.equal(clean);
  });
});
