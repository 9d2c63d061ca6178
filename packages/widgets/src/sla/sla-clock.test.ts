import { expect } from '@esm-bundle/chai';
import './sla-clock.ts';
import '../case/case.ts';
import '../inbox/inbox.ts';
import type { CasekitSlaClock } from './sla-clock.ts';
import type { CasekitCase } from '../case/case.ts';
import type { CasekitInbox } from '../inbox/inbox.ts';
import type { CaseEvent, CaseSla, SlaClock } from '@casekit/protocol';
import { axeViolations, cleanup, fixture, until } from '../internal/test-helpers.ts';
import { agentClient, push, startMockApi, storedCase } from '../internal/mock-api.ts';

const T = Date.parse('2026-11-30T09:00:00.000Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const clock = (patch: Partial<SlaClock>): SlaClock => ({
  state: 'none',
  targetSeconds: null,
  elapsedSeconds: 0,
  dueAt: null,
  warnAt: null,
  breachedAt: null,
  metAt: null,
  ...patch,
});
const running = (dueIn: number, warnIn = dueIn - 15 * MIN) =>
  clock({ state: 'running', targetSeconds: 3600, elapsedSeconds: 600, dueAt: iso(T + dueIn), warnAt: iso(T + warnIn) });
const slaOf = (clocks: Partial<Pick<CaseSla, 'firstResponse' | 'nextResponse' | 'resolution'>>): CaseSla => ({
  policyId: 'standard',
  computedAt: iso(T),
  firstResponse: clock({}),
  nextResponse: clock({}),
  resolution: clock({}),
  basis: { startedAt: iso(T - 10 * MIN), priority: 'normal', happenings: [] },
  notified: {},
  ...clocks,
});

describe('casekit-sla-clock', () => {
  const realNow = Date.now;
  let now = T;
  beforeEach(() => {
    now = T;
    Date.now = () => now;
  });
  afterEach(() => {
    Date.now = realNow;
    cleanup();
  });

  async function mount(sla: CaseSla, attrs = '', lang = 'en'): Promise<CasekitSlaClock> {
    const el = await fixture<CasekitSlaClock>(`<casekit-sla-clock lang="${lang}" ${attrs}></casekit-sla-clock>`);
    el.sla = sla;
    await el.updateComplete;
    return el;
  }
  const part = (el: CasekitSlaClock) => el.shadowRoot!.querySelector<HTMLElement>('[part=clock]');
  const shown = (el: CasekitSlaClock) => part(el)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

  it('shows the time left as a timer named after the metric, and counts down at each whole minute', async () => {
    const el = await mount(slaOf({ firstResponse: running(31 * MIN + 40) }), 'metric="firstResponse" show-label');
    expect(shown(el)).to.equal('First response 32 min left');
    const timer = part(el)!;
    expect(timer.getAttribute('role')).to.equal('timer');
    expect(timer.getAttribute('aria-label')).to.equal('First response: 32 min left');
    expect(timer.dataset['state']).to.equal('ok');
    expect(timer.title).to.contain('Due');
    now += 40; // the minute turns; the clock's own timer redraws it
    await until(() => shown(el) === 'First response 31 min left', 'the next minute');
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('turns to the warning colour at warnAt, and reads hours and days', async () => {
    const el = await mount(slaOf({ resolution: running(16 * MIN + 30, 30) }), 'metric="resolution"');
    expect(part(el)!.dataset['state']).to.equal('ok');
    now += 30;
    await until(() => part(el)!.dataset['state'] === 'warning', 'warning');
    expect(getComputedStyle(part(el)!).color).to.equal('rgb(138, 90, 0)');
    el.sla = slaOf({ resolution: running(125 * MIN) });
    await el.updateComplete;
    expect(shown(el)).to.equal('2 hr 5 min left');
    el.sla = slaOf({ resolution: running((3 * 24 + 4) * 60 * MIN) });
    await el.updateComplete;
    expect(shown(el)).to.equal('3 days 4 hr left');
  });

  it('says how long ago a clock breached, in the danger colour, in light and dark', async () => {
    const breached = clock({ state: 'breached', targetSeconds: 3600, elapsedSeconds: 4320, breachedAt: iso(T - 12 * MIN - 5000) });
    const el = await mount(slaOf({ firstResponse: breached }), 'metric="firstResponse"');
    expect(shown(el)).to.equal('Breached 12 min ago');
    expect(part(el)!.getAttribute('aria-label')).to.equal('First response: Breached 12 min ago');
    expect(getComputedStyle(part(el)!).color).to.equal('rgb(197, 34, 31)');
    expect(await axeViolations(el)).to.deep.equal([]);
    el.theme = 'dark';
    await el.updateComplete;
    expect(getComputedStyle(part(el)!).color).to.equal('rgb(255, 138, 128)');

    // A running clock past its due time reads as breached before the server's timer says so.
    const late = await mount(slaOf({ firstResponse: running(-30_000) }), 'metric="firstResponse"');
    expect(shown(late)).to.equal('Breached just now');
    expect(part(late)!.dataset['state']).to.equal('breached');
  });

  it('shows paused (with the business time left), met and no target', async () => {
    const el = await mount(slaOf({ firstResponse: clock({ state: 'paused', targetSeconds: 3600, elapsedSeconds: 1200 }) }), 'metric="firstResponse"');
    expect(shown(el)).to.equal('Paused, 40 min left');
    el.sla = slaOf({ firstResponse: clock({ state: 'met', targetSeconds: 3600, elapsedSeconds: 1200, metAt: iso(T - MIN) }) });
    await el.updateComplete;
    expect(shown(el)).to.equal('Met');
    expect(part(el)!.dataset['state']).to.equal('met');
    el.sla = slaOf({});
    await el.updateComplete;
    expect(shown(el)).to.equal('No target');
  });

  it('without a metric shows the most urgent clock, and nothing when every clock is met or has no target', async () => {
    const el = await mount(slaOf({ firstResponse: clock({ state: 'met', metAt: iso(T) }), nextResponse: running(50 * MIN), resolution: running(20 * MIN) }), 'compact');
    expect(part(el)!.getAttribute('aria-label')).to.equal('Resolution: 20 min left');
    el.sla = slaOf({ nextResponse: clock({ state: 'breached', breachedAt: iso(T - 2 * MIN) }), resolution: running(5 * MIN) });
    await el.updateComplete;
    expect(part(el)!.getAttribute('aria-label')).to.equal('Next response: Breached 2 min ago', 'a breach still waiting for an answer comes first');
    el.sla = slaOf({ firstResponse: clock({ state: 'met', metAt: iso(T) }) });
    await el.updateComplete;
    expect(part(el)).to.equal(null);
  });

  it('carries on counting after it is moved in the page, as list rows are', async () => {
    const el = await mount(slaOf({ firstResponse: running(20 * MIN + 40) }), 'metric="firstResponse"');
    const host = el.parentElement!;
    el.remove();
    now += 5 * MIN;
    host.append(el);
    await el.updateComplete;
    expect(shown(el)).to.equal('16 min left');
    now += 40;
    await until(() => shown(el) === '15 min left', 'ticking again');
  });

  it('speaks the reader’s language', async () => {
    const el = await mount(slaOf({ firstResponse: running(32 * MIN) }), 'metric="firstResponse" show-label', 'es');
    expect(shown(el)).to.equal('Primera respuesta Quedan 32 min');
  });
});

describe('SLA clocks in the case view and the inbox', () => {
  let mock: Awaited<ReturnType<typeof startMockApi>>;
  afterEach(cleanup);

  /** The workspace gets an SLA policy; a customer then writes in, so the new case carries clocks. */
  async function caseWithClocks(): Promise<string> {
    mock = await startMockApi();
    const admin = await mock.actorOf('a_ada');
    await mock.engine.updateSettings(admin, {
      sla: {
        calendars: [],
        policies: [{ id: 'standard', targets: { normal: { firstResponseSeconds: 3600, resolutionSeconds: 8 * 3600 } }, warnBeforeSeconds: 900, escalation: { notifyRole: 'supervisor' } }],
        default: 'standard',
      },
    });
    const result = await mock.engine.ingest({
      workspaceId: mock.workspaceId,
      channelId: 'ch_email',
      from: { externalId: 'sam@example.com', email: 'sam@example.com', name: 'Sam Ortiz' },
      newTopic: true,
      subject: 'Line keeps dropping',
      text: 'My router keeps dropping the line',
    });
    return result.case.id;
  }

  it('shows the three clocks with labels in the case header, live, and says a breach of the open case politely', async () => {
    const caseId = await caseWithClocks();
    const el = await fixture<CasekitCase>(`<casekit-case case-id="${caseId}"></casekit-case>`);
    const client = await agentClient();
    el.client = client;
    const clocks = await until(() => {
      const list = el.shadowRoot!.querySelectorAll<CasekitSlaClock>('[part=sla] casekit-sla-clock');
      return list.length === 3 ? [...list] : null;
    }, 'three clocks');
    await Promise.all(clocks.map((c) => c.updateComplete));
    const labels = clocks.map((c) => c.shadowRoot!.querySelector('[part=clock]')!.getAttribute('aria-label'));
    expect(labels).to.deep.equal(['First response: 1 hr left', 'Next response: No target', 'Resolution: 8 hr left']);

    // An hour later the server's check breaches the first response: the events reach the agent.
    const events: CaseEvent[] = [];
    const unsubscribe = mock.subscribe((batch) => events.push(...batch));
    const realNow = Date.now;
    mock.clock.set(realNow() + 61 * MIN);
    Date.now = () => realNow() + 61 * MIN;
    try {
      await mock.engine.checkSla({ workspaceId: mock.workspaceId, system: 'sla' }, caseId);
      unsubscribe();
      const notice = events.find((e) => e.type === 'case.sla')!;
      expect(notice.data).to.include({ metric: 'firstResponse', kind: 'breach' });
      push(client, 'event', notice);
      push(client, 'case', await storedCase(mock, caseId));
      await until(() => el.shadowRoot!.querySelector('[role=status]')!.textContent === 'First response target breached on this case.', 'announced');
      expect(clocks[0]!.flash, 'the breached clock flashes').to.equal(true);
      await until(() => clocks[0]!.shadowRoot!.querySelector('[part=clock]')!.getAttribute('aria-label') === 'First response: Breached 1 min ago', 'breached clock');
      expect(await axeViolations(el)).to.deep.equal([]);
    } finally {
      Date.now = realNow;
      mock.clock.set(null);
    }
  });

  it('shows each row’s most urgent clock, small', async () => {
    const caseId = await caseWithClocks();
    const el = await fixture<CasekitInbox>('<casekit-inbox></casekit-inbox>');
    el.client = await agentClient();
    const row = await until(() => el.shadowRoot!.querySelector(`#case-${caseId}`), 'row');
    const small = await until(() => row.querySelector<CasekitSlaClock>('casekit-sla-clock'), 'clock in the row');
    await small.updateComplete;
    expect(small.compact).to.equal(true);
    expect(small.shadowRoot!.querySelector('[part=clock]')!.getAttribute('aria-label')).to.equal('First response: 1 hr left');
    expect(await axeViolations(el)).to.deep.equal([]);
  });
});
