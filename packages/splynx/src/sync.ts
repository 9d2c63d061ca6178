import { BILLING_ACCOUNTS, newId, refusedAsTooLarge, type BillingAccountInput, type BillingBatch, type BillingBatchResult, type CaseEngine, type StoreReader, type SystemActor } from '@casekit/core';
import { CasekitError, type BillingAccount, type BillingInvoice, type BillingService, type SyncLogEntry, type SyncRun, type SyncStatus } from '@casekit/protocol';
import { createSplynxClient, type SplynxAuth, type SplynxClient, type SplynxClock, type SplynxRecord, type SplynxWhere } from './client.ts';
import { customerChangesAccount, invoiceChangesAccount, SERVICE_PATHS, type LookupNames, toBillingAccount, toBillingInvoice, toBillingService } from './accounts.ts';
import { SplynxError } from './errors.ts';
import { splynxText } from './records.ts';
import { readHook, type HookRequest, type HookAnswer } from './hooks.ts';
import { createTicketSync, type TicketPullResult, type TicketPushResult, type TicketSync, type TicketSyncOptions } from './tickets.ts';

/** The sync's own records: its state (cursors, a full sync under way) and its runs. */
const SYNC_COLLECTION = 'splynx-sync';
const RUNS = 'sync-runs';
const STATE_KEY = 'state';
/** Ids per `IN` search: short enough for any server's URL limit. */
const IN_BATCH = 50;
const CUSTOMERS = 'admin/customers/customer';
const INVOICES = 'admin/finance/invoices';

/** Where the sync stands between runs; written in the transaction of the data it covers. */
interface SyncState {
  /** Customers changed at or after this Splynx time (`YYYY-MM-DD HH:MM:SS`) are read again. */
  customersSince: string | null;
  /** Invoices changed on or after this Splynx day are read again. */
  invoicesSince: string | null;
  /** A full sync under way: the last customer id it committed, and the cursors to take when it ends. */
  full: { afterId: number; customersSince: string | null; invoicesSince: string | null } | null;
}

type LogLine = NonNullable<BillingBatch['log']>[number];

export interface SplynxSyncOptions {
  engine: CaseEngine;
  store: StoreReader;
  workspaceId: string;
  /** The Splynx address, e.g. `https://billing.example.net`. */
  baseUrl: string;
  auth: SplynxAuth;
  /** Secret of the Splynx hook (Config → Integrations → Hooks); without it hooks are refused. */
  hookSecret?: string;
  /** Customers read per page of a full sync (default 500); each page is one transaction. */
  pageSize?: number;
  /** Requests per second to Splynx (default 10). */
  maxRequestsPerSecond?: number;
  /** Further attempts of a request after a 5xx or network error (default 3). */
  retries?: number;
  fetch?: typeof globalThis.fetch;
  clock?: SplynxClock;
  /**
   * Keep cases of linked customers and Splynx tickets in step (docs/splynx.md, Tickets): on by
   * default; `ticketTypeId` is the Splynx ticket type new tickets get (default 1), `startFrom`
   * whether cases from before the first push are pushed (default `now`: they are not).
   */
  tickets?: boolean | Pick<TicketSyncOptions, 'ticketTypeId' | 'startFrom'>;
  /**
   * Runs work no other node may run at the same time: pulls (`pull`) and the ticket sync
   * (`tickets`). Give `coordination.withLock` of `@casekit/server` when several nodes share the
   * store; a lock that cannot be had in time rejects (a pull's `start` then answers `conflict`).
   * Default: one at a time in this process only.
   */
  exclusive?: <T>(key: 'pull' | 'tickets', work: () => Promise<T>) => Promise<T>;
  /** Hears errors of background work (hook refreshes, `start`ed runs); default `console.error`. */
  onError?: (error: unknown) => void;
}

/** What a run reports while it goes: the run as stored after each page. */
export interface SyncRunOptions {
  /** Reads everything again; otherwise only what changed since the last run (a first run is always full). */
  full?: boolean;
  onProgress?: (run: SyncRun) => void;
}

/** The Splynx sync of one workspace: pulls billing accounts, takes hooks, answers its status. */
export interface SplynxSync {
  readonly client: SplynxClient;
  /** Runs a pull to its end and answers the finished run (`succeeded` or `failed`, never a throw for Splynx's errors). */
  run(options?: SyncRunOptions): Promise<SyncRun>;
  /** Starts a pull in the background and answers the run as it starts; `conflict` while one runs. */
  start(options?: SyncRunOptions): Promise<SyncRun>;
  /** Reads these customers' accounts again now (what a hook or an agent asks for). */
  refresh(customerIds: readonly string[]): Promise<void>;
  /** A hook delivery: checks its signature over the raw body, then reads what changed. */
  receiveHook(request: HookRequest): Promise<HookAnswer>;
  /** The ticket sync, unless `tickets: false`. */
  readonly tickets: TicketSync | null;
  /** Pushes cases out to Splynx tickets and pulls what changed there; one at a time. */
  syncTickets(): Promise<{ push: TicketPushResult; pull: TicketPullResult } | null>;
  /** Resolves when the refreshes hooks asked for so far are done. */
  hooksSettled(): Promise<void>;
  status(): Promise<SyncStatus>;
  /** Waits for a running pull and logs the access token out. */
  close(): Promise<void>;
}

const text = splynxText;
const chunks = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** A log line about a record Splynx sent that casekit could not read. */
function recordError(entity: LogLine['entity'], id: string, runId: string | null, error: unknown): LogLine {
  return { runId, level: 'error', entity, externalId: id.slice(0, 64) || null, code: 'invalid_record', message: String((error as Error).message ?? error).slice(0, 2000) };
}

/** The log line of a request that failed for good: bad credentials, Splynx down, a refused search. */
function connectionError(runId: string | null, error: unknown): LogLine {
  const code = error instanceof SplynxError ? error.code : 'error';
  const where = error instanceof SplynxError && error.request ? ` (${error.request})` : '';
  return { runId, level: 'error', entity: 'connection', externalId: null, code: code.toLowerCase().slice(0, 60), message: `${String((error as Error).message ?? error)}${where}`.slice(0, 2000) };
}

/**
 * Creates the Splynx sync (docs/splynx.md). A full pull pages customers by id and reads their
 * services and invoices a page at a time; an incremental one reads what changed since its
 * cursors. Each page is one engine transaction with the cursor that covers it, so a pull cut
 * short resumes where it stopped.
 * @example const sync = createSplynxSync({ engine, store, workspaceId, baseUrl, auth: { kind: 'token', key, secret } })
 */
export function createSplynxSync(options: SplynxSyncOptions): SplynxSync {
  const { engine, store, workspaceId } = options;
  const actor: SystemActor = { workspaceId, system: 'splynx' };
  const pageSize = options.pageSize ?? 500;
  const onError = options.onError ?? ((error: unknown) => console.error('Splynx sync:', error));
  let requests = 0;
  const baseFetch = options.fetch ?? globalThis.fetch;
  const client = createSplynxClient({
    baseUrl: options.baseUrl,
    auth: options.auth,
    fetch: (input, init) => {
      requests++;
      return baseFetch(input, init);
    },
    userAgent: 'casekit-splynx-sync',
    ...(options.clock && { clock: options.clock }),
    ...(options.maxRequestsPerSecond !== undefined && { maxRequestsPerSecond: options.maxRequestsPerSecond }),
    ...(options.retries !== undefined && { retries: options.retries }),
  });
  const tickets =
    options.tickets === false
      ? null
      : createTicketSync({ engine, store, client, workspaceId, ...(typeof options.tickets === 'object' && options.tickets) });
  const exclusive = options.exclusive ?? (<T>(_key: 'pull' | 'tickets', work: () => Promise<T>) => work());
  // Ticket work runs one at a time here (a push, a pull or a hook's refresh), and on one node at a time.
  let ticketWork: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = ticketWork.then(
      () => exclusive('tickets', work),
      () => exclusive('tickets', work),
    );
    ticketWork = next.catch(() => undefined);
    return next;
  };
  let running: Promise<SyncRun> | null = null;
  let current: SyncRun | null = null;

  async function loadState(): Promise<SyncState | null> {
    return ((await store.getRecord(workspaceId, SYNC_COLLECTION, STATE_KEY))?.value as SyncState | undefined) ?? null;
  }
  const stateRecord = (state: SyncState) => ({ collection: SYNC_COLLECTION, key: STATE_KEY, value: state });
  const runRecord = (run: SyncRun) => ({ collection: RUNS, key: `${run.startedAt}|${run.id}`, value: run });

  /** The newest value of `field` in `path`, or null when it holds nothing. */
  async function newest(path: string, field: string): Promise<string | null> {
    const [top] = await client.list(path, { order: { [field]: 'DESC' }, limit: 1 });
    return top ? text(top[field]) : null;
  }

  // Partners' and locations' names: read once per run (and by the first hook), two requests.
  let names: Promise<LookupNames> | null = null;
  function lookups(): Promise<LookupNames> {
    names ??= (async () => {
      const byId = async (path: string) => new Map((await all(path, {})).map((r) => [text(r.id), text(r.name)] as const));
      return { partners: await byId('admin/administration/partners'), locations: await byId('admin/administration/locations') };
    })();
    names.catch(() => {
      names = null;
    });
    return names;
  }

  async function all(path: string, where: SplynxWhere): Promise<SplynxRecord[]> {
    const out: SplynxRecord[] = [];
    for await (const page of client.pages(path, { where, pageSize: 1000 })) out.push(...page);
    return out;
  }

  /**
   * Builds the accounts of `customers` from their services and invoices, read with `scope` (a
   * range or a list of customer ids). A bad service or invoice is left out and logged; a bad
   * customer is logged and skipped.
   */
  async function accountsOf(customers: readonly SplynxRecord[], scope: SplynxWhere, runId: string | null): Promise<{ accounts: BillingAccountInput[]; log: LogLine[] }> {
    const log: LogLine[] = [];
    const services = new Map<string, BillingService[]>();
    const invoices = new Map<string, BillingInvoice[]>();
    const add = <T>(map: Map<string, T[]>, key: string, value: T) => {
      const list = map.get(key);
      if (list) list.push(value);
      else map.set(key, [value]);
    };
    for (const [type, path] of Object.entries(SERVICE_PATHS) as [BillingService['type'], string][]) {
      for (const raw of await all(`${CUSTOMERS}/0/${path}`, scope)) {
        try {
          add(services, text(raw.customer_id), toBillingService(raw, type));
        } catch (error) {
          log.push(recordError('service', text(raw.id), runId, error));
        }
      }
    }
    for (const raw of await all(INVOICES, scope)) {
      try {
        add(invoices, text(raw.customer_id), toBillingInvoice(raw));
      } catch (error) {
        log.push(recordError('invoice', text(raw.id), runId, error));
      }
    }
    const accounts: BillingAccountInput[] = [];
    for (const raw of customers) {
      const id = text(raw.id);
      try {
        accounts.push(toBillingAccount(raw, services.get(id) ?? [], invoices.get(id) ?? [], options.baseUrl, await lookups()));
      } catch (error) {
        log.push(recordError('customer', id, runId, error));
      }
    }
    return { accounts, log };
  }

  /**
   * Applies a batch in one transaction, or, when the store refuses that many writes at once
   * (`payload_too_large`: DynamoDB commits 100 items), in halves: accounts and log lines first,
   * the records (cursor, run) with the last part, so a cursor never passes an account not stored.
   */
  async function applyInParts(batch: Required<BillingBatch>): Promise<BillingBatchResult> {
    try {
      return await engine.applyBilling(actor, batch);
    } catch (error) {
      const size = batch.accounts.length + batch.log.length;
      if (!refusedAsTooLarge(error) || size <= 1) throw error;
      const half = Math.ceil(size / 2);
      const firstAccounts = batch.accounts.slice(0, half);
      const firstLog = batch.log.slice(0, half - firstAccounts.length);
      const first = await applyInParts({ accounts: firstAccounts, log: firstLog, records: [] });
      const second = await applyInParts({ accounts: batch.accounts.slice(firstAccounts.length), log: batch.log.slice(firstLog.length), records: batch.records });
      return {
        created: first.created + second.created,
        updated: first.updated + second.updated,
        unchanged: first.unchanged + second.unchanged,
        customers: { ...first.customers, ...second.customers },
      };
    }
  }

  /** Applies a page's accounts with the sync's records in one transaction and counts the outcome on the run. */
  async function apply(run: SyncRun | null, accounts: BillingAccountInput[], log: LogLine[], records: NonNullable<BillingBatch['records']> = []): Promise<void> {
    if (run) run.counts.failed += log.filter((line) => line.level === 'error').length;
    const result = await applyInParts({ accounts, log, records });
    if (run) {
      run.counts.created += result.created;
      run.counts.updated += result.updated;
      run.counts.unchanged += result.unchanged;
    }
  }

  async function fullPull(run: SyncRun, state: SyncState, report: (run: SyncRun) => void): Promise<void> {
    let full = state.full;
    if (!full) {
      // Cursors taken before reading: whatever changes while the pull goes is read again next time.
      full = { afterId: 0, customersSince: await newest(CUSTOMERS, 'last_update'), invoicesSince: await newest(INVOICES, 'date_updated') };
      state = { ...state, full };
    }
    run.total = await client.count(CUSTOMERS);
    run.done = full.afterId === 0 ? 0 : await client.count(CUSTOMERS, { id: ['<=', full.afterId] });
    run.phase = 'customers';
    for (;;) {
      const customers = await client.list(CUSTOMERS, { where: { id: ['>', full.afterId] }, order: { id: 'ASC' }, limit: pageSize });
      if (customers.length === 0) break;
      const first = text(customers[0]!.id);
      const last = Number(text(customers.at(-1)!.id));
      const { accounts, log } = await accountsOf(customers, { customer_id: ['BETWEEN', first, last] }, run.id);
      full = { ...full, afterId: last };
      state = { ...state, full };
      run.done += customers.length;
      run.requests = requests - requestsBeforeRun;
      await apply(run, accounts, log, [stateRecord(state), runRecord(run)]);
      report(run);
      if (customers.length < pageSize) break;
    }
    state = { customersSince: full.customersSince, invoicesSince: full.invoicesSince, full: null };
    await engine.applyBilling(actor, { records: [stateRecord(state)] });
  }

  /** Reads the whole accounts of these customers again, `IN_BATCH` at a time. */
  async function pullAccounts(run: SyncRun | null, ids: readonly string[], known: ReadonlyMap<string, SplynxRecord>, report?: (run: SyncRun) => void): Promise<void> {
    for (const batch of chunks([...new Set(ids)], IN_BATCH)) {
      const missing = batch.filter((id) => !known.has(id));
      const fetched = missing.length > 0 ? await client.list(CUSTOMERS, { where: { id: ['IN', ...missing] }, limit: missing.length }) : [];
      const customers: SplynxRecord[] = [...batch.map((id) => known.get(id)).filter((c): c is SplynxRecord => c !== undefined), ...fetched];
      const { accounts, log } = await accountsOf(customers, { customer_id: ['IN', ...batch] }, run?.id ?? null);
      if (run) {
        run.done += batch.length;
        run.requests = requests - requestsBeforeRun;
      }
      await apply(run, accounts, log, run ? [runRecord(run)] : []);
      if (run) report?.(run);
    }
  }

  async function incrementalPull(run: SyncRun, state: SyncState, report: (run: SyncRun) => void): Promise<void> {
    run.phase = 'changes';
    const changed = new Map<string, SplynxRecord>();
    let customersSince = state.customersSince;
    if (customersSince !== null) {
      for (const customer of await all(CUSTOMERS, { last_update: ['>=', customersSince] })) {
        const id = text(customer.id);
        const lastUpdate = text(customer.last_update);
        if (lastUpdate > customersSince) customersSince = lastUpdate;
        // Those of the cursor's second come back each time: read again only a customer whose
        // record differs from what its account shows.
        const account = (await store.getRecord(workspaceId, BILLING_ACCOUNTS, `splynx:${id}`))?.value as BillingAccount | undefined;
        if (account && !customerChangesAccount(account, customer, options.baseUrl, await lookups())) continue;
        changed.set(id, customer);
      }
    }
    // Invoices carry only the day they changed: those of the cursor's day come back each time,
    // so an invoice counts as a change only when the stored account does not show it as it is.
    let invoicesSince = state.invoicesSince;
    const invoiceCustomers: string[] = [];
    if (invoicesSince !== null) {
      for (const raw of await all(INVOICES, { date_updated: ['>=', invoicesSince] })) {
        const customerId = text(raw.customer_id);
        if (text(raw.date_updated) > invoicesSince) invoicesSince = text(raw.date_updated);
        if (changed.has(customerId)) continue;
        const account = (await store.getRecord(workspaceId, BILLING_ACCOUNTS, `splynx:${customerId}`))?.value as BillingAccount | undefined;
        let changes = true;
        try {
          changes = !account || invoiceChangesAccount(account, toBillingInvoice(raw));
        } catch {
          // Read again with its customer: the log then says what is wrong with it.
        }
        if (changes) invoiceCustomers.push(customerId);
      }
    }
    const ids = [...new Set([...changed.keys(), ...invoiceCustomers])];
    run.total = ids.length;
    run.phase = 'accounts';
    await pullAccounts(run, ids, changed, report);
    await engine.applyBilling(actor, { records: [stateRecord({ customersSince, invoicesSince, full: null })] });
  }

  // Requests made before the running pull began (one pull runs at a time): its own count is the difference.
  let requestsBeforeRun = 0;

  async function execute(run: SyncRun, full: boolean, onProgress?: (run: SyncRun) => void): Promise<SyncRun> {
    const report = (r: SyncRun) => {
      current = { ...r, counts: { ...r.counts } };
      onProgress?.(current);
    };
    requestsBeforeRun = requests;
    names = null;
    try {
      const state = (await loadState()) ?? { customersSince: null, invoicesSince: null, full: null };
      // A full pull cut short goes on first; a workspace never pulled starts with one.
      if (full || state.full || state.customersSince === null) {
        run.kind = 'full';
        await fullPull(run, state, report);
      } else {
        await incrementalPull(run, state, report);
      }
      run.status = 'succeeded';
      run.phase = 'done';
    } catch (error) {
      run.status = 'failed';
      run.error = String((error as Error).message ?? error).slice(0, 2000);
      await engine.applyBilling(actor, { log: [connectionError(run.id, error)] }).catch(onError);
    } finally {
      run.requests = requests - requestsBeforeRun;
      run.finishedAt = new Date().toISOString();
    }
    await engine.applyBilling(actor, { records: [runRecord(run)] }).catch(onError);
    report(run);
    return run;
  }

  /** Marks runs a stopped process left `running` as interrupted. */
  async function closeAbandonedRuns(): Promise<void> {
    const recent = await store.listRecords(workspaceId, RUNS, { reverse: true, limit: 20 });
    const abandoned = recent.map((r) => r.value as SyncRun).filter((run) => run.status === 'running' && run.id !== current?.id);
    if (abandoned.length > 0) {
      const at = new Date().toISOString();
      await engine.applyBilling(actor, { records: abandoned.map((run) => runRecord({ ...run, status: 'interrupted', finishedAt: at })) });
    }
  }

  async function begin(runOptions: SyncRunOptions): Promise<{ run: SyncRun; done: Promise<SyncRun> }> {
    if (running) throw new CasekitError('conflict', 'A Splynx sync is running; wait for it to end.');
    const run: SyncRun = {
      id: newId('sr'),
      workspaceId,
      source: 'splynx',
      kind: runOptions.full ? 'full' : 'incremental',
      status: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      phase: 'starting',
      done: 0,
      total: null,
      counts: { created: 0, updated: 0, unchanged: 0, failed: 0 },
      requests: 0,
      error: null,
    };
    let acquired!: () => void;
    const locked = new Promise<void>((resolve) => (acquired = resolve));
    current = run;
    // Under the pull lock no other node runs a pull: a run still marked running was cut short.
    const done = exclusive('pull', async () => {
      acquired();
      await closeAbandonedRuns();
      await engine.applyBilling(actor, { records: [runRecord(run)] });
      return execute(run, runOptions.full === true, runOptions.onProgress);
    });
    running = done.finally(() => {
      running = null;
    });
    // Answers once the run holds the lock, or with the reason it could not get it.
    try {
      await Promise.race([locked, done]);
    } catch (error) {
      if (current === run) current = null;
      throw error;
    }
    return { run: { ...run }, done: running };
  }

  // Hooks: customers to read again, gathered for a moment so that a burst makes one read.
  const pending = new Set<string>();
  let flushing: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | null = null;
  function schedule(ids: readonly string[]): void {
    for (const id of ids) pending.add(id);
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      const batch = [...pending];
      pending.clear();
      flushing = flushing.then(() => refresh(batch)).catch(async (error) => {
        await engine.applyBilling(actor, { log: [connectionError(null, error)] }).catch(onError);
      });
    }, 25);
  }

  async function refresh(customerIds: readonly string[]): Promise<void> {
    await pullAccounts(null, customerIds, new Map());
  }

  return {
    client,
    async run(runOptions = {}) {
      return (await begin(runOptions)).done;
    },
    async start(runOptions = {}) {
      const { run, done } = await begin(runOptions);
      done.catch(onError);
      return run;
    },
    refresh,
    tickets,
    async syncTickets() {
      if (!tickets) return null;
      return serially(async () => ({ push: await tickets.push(), pull: await tickets.pull() }));
    },
    async receiveHook(request) {
      const hook = readHook(request, options.hookSecret);
      if (hook.kind === 'refused') {
        const line: LogLine = { runId: null, level: 'warning', entity: 'hook', externalId: null, code: hook.code, message: hook.message };
        await engine.applyBilling(actor, { log: [line] }).catch(onError);
        return hook.answer;
      }
      if (hook.customerIds.length > 0) schedule(hook.customerIds);
      for (const ticketId of hook.ticketIds) {
        if (tickets) flushing = flushing.then(() => serially(() => tickets.refreshTicket(ticketId))).catch(onError);
      }
      return hook.answer;
    },
    async hooksSettled() {
      while (timer || pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await flushing;
    },
    async status() {
      const runs = (await store.listRecords(workspaceId, RUNS, { reverse: true, limit: 5 })).map((r) => r.value as SyncRun);
      const live = current && current.status === 'running' ? current : null;
      const shown = live ? [live, ...runs.filter((run) => run.id !== live.id)].slice(0, 5) : runs;
      const lastSucceeded = runs.find((run) => run.status === 'succeeded');
      return {
        source: 'splynx',
        configured: true,
        url: options.baseUrl,
        hooks: Boolean(options.hookSecret),
        runs: shown,
        linkedCustomers: await store.countRecords(workspaceId, BILLING_ACCOUNTS),
        lastSyncedAt: lastSucceeded?.finishedAt ?? null,
      };
    },
    async close() {
      await running?.catch(() => undefined);
      await this.hooksSettled();
      await ticketWork;
      await client.close();
    },
  };
}

