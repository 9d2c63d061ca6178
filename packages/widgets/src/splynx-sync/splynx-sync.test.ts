import { expect } from '@esm-bundle/chai';
import { http, HttpResponse } from '@casekit/mocks';
import type { SyncRun, SyncStatus } from '@casekit/protocol';
import './splynx-sync.ts';
import type { CasekitSplynxSync } from './splynx-sync.ts';
import { axeViolations, cleanup, fixture, until } from '../internal/test-helpers.ts';
import { agentClient, startMockApi } from '../internal/mock-api.ts';

describe('casekit-splynx-sync', () => {
  let mock: Awaited<ReturnType<typeof startMockApi>>;
  beforeEach(async () => {
    mock = await startMockApi();
  });
  afterEach(cleanup);

  async function mount(lang = 'en'): Promise<CasekitSplynxSync> {
    const el = await fixture<CasekitSplynxSync>(`<casekit-splynx-sync lang="${lang}"></casekit-splynx-sync>`);
    el.client = await agentClient();
    await until(() => el.shadowRoot!.querySelector('[part=connection]') && el.shadowRoot!.querySelector('[part=actions]'), 'status loaded');
    return el;
  }
  const $ = (el: CasekitSplynxSync, sel: string) => el.shadowRoot!.querySelector<HTMLElement>(sel);
  const button = (el: CasekitSplynxSync, text: string) => [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.trim() === text)!;

  it('says Splynx is not configured here, and shows the server\'s reason when a sync is asked for', async () => {
    const el = await mount();
    expect($(el, '[part=connection]')!.textContent).to.contain('Not configured');
    button(el, 'Sync changes now').click();
    const alert = await until(() => $(el, '[role=alert]'), 'refusal shown');
    expect(alert.textContent).to.contain('Splynx is not configured on this server');
    const requests: string[] = [];
    const seen = ({ request }: { request: Request }) => void request.clone().text().then((body) => requests.push(body));
    mock.worker.events.on('request:start', seen);
    button(el, 'Full sync').click();
    await until(() => requests.includes('{"full":true}'), 'full sync asked for');
    await until(() => $(el, '[role=alert]')?.textContent?.includes('CASEKIT_SPLYNX_URL'), 'refusal shown again');
    mock.worker.events.removeListener('request:start', seen);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('shows an agent who is not an admin the refusal and no sync buttons', async () => {
    const el = await fixture<CasekitSplynxSync>('<casekit-splynx-sync lang="en"></casekit-splynx-sync>');
    el.client = await agentClient('ben@northwind.example');
    const alert = await until(() => $(el, '[role=alert]'), 'refusal shown');
    expect(alert.textContent).to.contain('The sync status could not be loaded');
    expect($(el, '[part=actions]')).to.equal(null);
  });

  it('lists the sync log newest first, a page at a time', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => ({
      runId: null,
      level: i === 59 ? ('error' as const) : ('warning' as const),
      entity: 'customer' as const,
      externalId: String(1000 + i),
      code: 'invalid_record',
      message: `Customer ${1000 + i} has no email`,
    }));
    await mock.engine.applyBilling(mock.system, { log: lines.slice(0, 30) });
    await mock.engine.applyBilling(mock.system, { log: lines.slice(30) });
    const el = await mount();
    await until(() => el.shadowRoot!.querySelectorAll('[part=log] tbody tr').length === 50, 'first page');
    const first = el.shadowRoot!.querySelector('[part=log] tbody tr')!;
    expect([...first.querySelectorAll('td')].slice(1).map((td) => td.textContent)).to.include.members(['customer', 'invalid_record']);
    expect(first.closest('table')!.querySelectorAll('thead th').length).to.equal(6);
    $(el, '[part=load-more]')!.click();
    await until(() => el.shadowRoot!.querySelectorAll('[part=log] tbody tr').length === 60, 'second page');
    const ids = [...el.shadowRoot!.querySelectorAll('[part=log] tbody tr')].map((tr) => tr.querySelectorAll('td')[3]!.textContent);
    expect(new Set(ids).size, 'no line twice').to.equal(60);
    expect(ids.slice(50), 'the older batch on the second page').to.satisfy((rest: string[]) => rest.every((id) => Number(id) < 1030));
    await until(() => !$(el, '[part=load-more]'), 'no more pages');
  });

  it('shows a running sync\'s progress, reads the status again while it runs and stops when it ends', async () => {
    const run: SyncRun = {
      id: 'run_1', workspaceId: mock.workspaceId, source: 'splynx', kind: 'full', status: 'running', startedAt: new Date().toISOString(), finishedAt: null,
      phase: 'customers', done: 40, total: 120, counts: { created: 3, updated: 30, unchanged: 7, failed: 0 }, requests: 2, error: null,
    };
    const status = (r: SyncRun): SyncStatus => ({ source: 'splynx', configured: true, url: 'https://billing.example', hooks: true, runs: [r], linkedCustomers: 3, lastSyncedAt: null });
    const answers = [status(run), status({ ...run, total: null, done: 80 }), status({ ...run, status: 'succeeded', done: 120, finishedAt: new Date().toISOString() })];
    let reads = 0;
    mock.worker.use(http.get('*/api/v1/integrations/splynx', () => HttpResponse.json(answers[Math.min(reads++, answers.length - 1)])));
    const el = await mount();
    const progress = $(el, '[part=runs] progress') as HTMLProgressElement;
    expect([progress.max, progress.value]).to.deep.equal([120, 40]);
    expect($(el, '[part=connection]')!.textContent).to.contain('https://billing.example').and.contain('On');
    expect(button(el, 'Full sync').disabled, 'no second run while one goes').to.equal(true);
    expect($(el, '[aria-live=polite]')!.textContent).to.contain('customers: 40 of 120');
    await until(() => reads >= 2 && ($(el, '[part=runs] progress') as HTMLProgressElement | null)?.hasAttribute('value') === false, 'indeterminate while the total is unknown', 6000);
    await until(() => !$(el, '[part=runs] progress'), 'run ended', 6000);
    expect($(el, '[part=runs]')!.textContent).to.contain('Full sync, succeeded');
    const settled = reads;
    await new Promise((r) => setTimeout(r, 3500));
    expect(reads, 'no polling once nothing runs').to.equal(settled);
  });
});
