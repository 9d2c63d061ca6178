import type { CaseEngine, StoreReader, SystemActor } from '@casekit/core';
import { CasekitError, type Case, type CaseEvent, type Message, type Priority } from '@casekit/protocol';
import type { SplynxClient, SplynxRecord } from './client.ts';
import { isTransient, SplynxError } from './errors.ts';
import { splynxFlag, splynxNumber } from './records.ts';

/** One line of what the ticket sync did or could not do; warnings and errors also go to the sync log. */
export interface TicketSyncLogEntry {
  level: 'error' | 'warning' | 'info';
  entity: 'ticket' | 'ticket-message';
  /** The Splynx ticket or ticket message id, when the line is about one. */
  externalId: string | null;
  code: string;
  message: string;
}

/** What the ticket sync works with: the engine writes, the store reads, the client talks to Splynx. */
export interface TicketSyncOptions {
  engine: CaseEngine;
  store: StoreReader;
  client: SplynxClient;
  workspaceId: string;
  /** The Splynx ticket type new tickets get (`admin/support/tickets-types`); `1` by default. */
  ticketTypeId?: string;
  log?: (entry: TicketSyncLogEntry) => void;
  /**
   * Where the first push starts: `now` (the default) syncs what happens from then on, so connecting
   * Splynx to a casekit with years of cases does not open a ticket for each; `beginning` pushes
   * every case of a linked customer in the event log. Either way Splynx's history before the
   * first run is not pulled: no ticket of it is linked to a case.
   */
  startFrom?: 'now' | 'beginning';
}

/** What one push sent: tickets created, messages posted, ticket changes, and events that failed. */
export interface TicketPushResult {
  tickets: number;
  messages: number;
  updates: number;
  failed: number;
}

/** What one pull brought in: notes written, cases solved or reopened, and messages that failed. */
export interface TicketPullResult {
  messages: number;
  statusChanges: number;
  failed: number;
}

/** Keeps Splynx support tickets and casekit cases in step, both ways (docs/splynx.md, "Tickets"). */
export interface TicketSync {
  /** casekit → Splynx: every event since the last push, once. Stops at a failure Splynx may recover from, to go on there next time. */
  push(): Promise<TicketPushResult>;
  /** Splynx → casekit: new messages on linked tickets as internal notes, and tickets closed or reopened. */
  pull(): Promise<TicketPullResult>;
  /** What a Splynx hook about a ticket calls: its new messages and its state, now. An unlinked ticket changes nothing. */
  refreshTicket(ticketId: string): Promise<void>;
}

const TICKETS = 'admin/support/tickets';
const TICKET_MESSAGES = 'admin/support/ticket-messages';
/** `case:<caseId>` → `CaseLink`, `ticket:<ticketId>` → `{ caseId }`. */
const TICKET_LINKS = 'splynx-tickets';
/** `message:<messageId>` → `{ ticketId, ticketMessageId }`, `tm:<ticketMessageId>` → `{ messageId }`. */
const MESSAGE_LINKS = 'splynx-ticket-messages';
/** `push` → `{ seq }`, `pull` → `{ messageId, ticketsUpdatedAt }`. */
const CURSORS = 'splynx-ticket-cursors';
const EVENT_PAGE = 200;
/** Client ids of the notes a pull writes: a pull repeated after a crash finds the note it wrote. */
const PULLED_PREFIX = 'splynx-tm:';

const SPLYNX_PRIORITY = { low: 'low', normal: 'medium', high: 'high', urgent: 'urgent' } as const satisfies Record<Priority, string>;
const STATUS_NEW = '1';
const STATUS_RESOLVED = '3';

/** The last state casekit and the ticket agreed on: a change from it is news, on either side. */
interface CaseLink {
  ticketId: string;
  closed: boolean;
  priority: string;
}
interface PullCursor {
  messageId: number;
  ticketsUpdatedAt: string | null;
}
type RecordWrite = { collection: string; key: string; value: unknown };

const caseMarker = (caseId: string) => `casekit case ${caseId}`;
const messageMarker = (messageId: string) => `casekit:${messageId}`;
const MARKER = /<!-- casekit:(\S+) -->/;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A casekit message as a ticket message's HTML, with who wrote it and a marker that names it. */
function ticketHtml(message: Message): string {
  const body = escapeHtml(message.text).replace(/\r?\n/g, '<br>');
  const who = message.direction === 'inbound' ? `${message.authorName || 'Customer'} on casekit ${message.channelKind}` : `${message.authorName} in casekit${message.internal ? ' (internal note)' : ''}`;
  return `<p>${body}</p><p><small>${escapeHtml(who)}</small></p><!-- ${messageMarker(message.id)} -->`;
}

/** A ticket message's HTML as plain text. */
function plainText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** What the note in casekit says about a Splynx ticket message: who wrote it and who saw it. */
function noteText(tm: SplynxRecord): string {
  const text = plainText(String(tm.message ?? '')) || '(no text; see the files on the ticket in Splynx)';
  const admin = String(tm.admin_id ?? '0');
  const hidden = splynxFlag(tm.hide_for_customer);
  let heading: string;
  if (tm.author_type === 'admin' && tm.message_type === 'note') heading = `Splynx note by admin #${admin}:`;
  else if (tm.author_type === 'admin') heading = hidden ? `Splynx message by admin #${admin}, hidden from the customer:` : `Splynx reply by admin #${admin}; Splynx delivered it to the customer itself:`;
  else if (tm.author_type === 'customer') heading = `The customer wrote on the Splynx ${tm.source === 'portal' ? 'portal' : String(tm.source ?? 'ticket')}:`;
  else heading = `Splynx (${String(tm.author_type ?? 'api')}) wrote on the ticket:`;
  return `${heading}\n${text}`;
}

function failure(error: unknown): { code: string; message: string; transient: boolean } {
  if (error instanceof SplynxError) return { code: String(error.code), message: error.message, transient: isTransient(error) };
  if (error instanceof CasekitError) return { code: error.code, message: error.message, transient: error.code === 'version_conflict' || error.code === 'unavailable' };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error), transient: true };
}

/**
 * Keeps Splynx support tickets in step with the cases of customers linked to Splynx: cases,
 * their messages, notes and status go to tickets; Splynx's messages and closing come back as notes
 * and status changes. Links and cursors are integration records written through `engine.applyBilling`.
 * @example const tickets = createTicketSync({ engine, store, client, workspaceId }); await tickets.push(); await tickets.pull();
 */
export function createTicketSync(options: TicketSyncOptions): TicketSync {
  const { engine, store, client, workspaceId } = options;
  if (typeof workspaceId !== 'string' || workspaceId === '') throw new SplynxError('invalid_options', 'workspaceId: name the casekit workspace the tickets belong to.');
  const ticketTypeId = options.ticketTypeId ?? '1';
  if (!/^\d+$/.test(ticketTypeId)) throw new SplynxError('invalid_options', `ticketTypeId: "${ticketTypeId}" is not a Splynx ticket type id (see admin/support/tickets-types).`);
  const actor: SystemActor = { workspaceId, system: 'splynx-tickets' };
  const pendingLog: TicketSyncLogEntry[] = [];

  function report(entry: TicketSyncLogEntry): void {
    options.log?.(entry);
    if (entry.level !== 'info') pendingLog.push({ ...entry, message: entry.message.slice(0, 2000), externalId: entry.externalId?.slice(0, 64) ?? null });
  }

  /** Writes records and the log lines waiting, in one engine transaction. */
  async function write(records: RecordWrite[]): Promise<void> {
    const log = pendingLog.splice(0).map((entry) => ({ runId: null, ...entry }));
    if (records.length === 0 && log.length === 0) return;
    await engine.applyBilling(actor, { records, log });
  }

  async function read<T>(collection: string, key: string): Promise<T | null> {
    return ((await store.getRecord(workspaceId, collection, key))?.value as T | undefined) ?? null;
  }

  // One run at a time: a push and a pull never decide on the same link at once.
  let lane: Promise<unknown> = Promise.resolve();
  function serial<T>(work: () => Promise<T>): Promise<T> {
    const run = lane.then(work, work);
    lane = run.catch(() => undefined);
    return run;
  }

  /**
   * Sets the cursors a first run starts from, before anything is pushed: the pull's at Splynx's
   * newest ticket message and ticket change (nothing earlier can be linked), the push's as
   * `startFrom` says.
   */
  async function start(): Promise<void> {
    const records: RecordWrite[] = [];
    if (!(await read(CURSORS, 'push'))) records.push({ collection: CURSORS, key: 'push', value: { seq: options.startFrom === 'beginning' ? 0 : await store.lastSeq(workspaceId) } });
    if (!(await read(CURSORS, 'pull'))) {
      const [message] = await client.list(TICKET_MESSAGES, { order: { id: 'DESC' }, limit: 1 });
      const [ticket] = await client.list(TICKETS, { order: { updated_at: 'DESC' }, limit: 1 });
      const cursor: PullCursor = { messageId: message ? splynxNumber(message.id) : 0, ticketsUpdatedAt: ticket ? String(ticket.updated_at ?? '') || null : null };
      records.push({ collection: CURSORS, key: 'pull', value: cursor });
    }
    await write(records);
  }

  // ---------------------------------------------------------------------------------------------
  // casekit → Splynx

  // Before each create, the record it is for is noted as in flight; its link clears the note. A
  // note still there at the next push means a crash may have come between the create and the link:
  // only then is Splynx searched for the marker, so a push costs one request per record.
  const inFlight = (key: string): RecordWrite => ({ collection: CURSORS, key: 'in-flight', value: { key } });
  const landed = (): RecordWrite => ({ collection: CURSORS, key: 'in-flight', value: null });
  async function wasInFlight(key: string): Promise<boolean> {
    return (await read<{ key: string }>(CURSORS, 'in-flight'))?.key === key;
  }

  /** The ticket of the case: linked before, found by the case id in its note (a crash before the link), or created now. Null: its customer is not in Splynx. */
  async function ensureTicket(kase: Case, result: TicketPushResult): Promise<CaseLink | null> {
    const linked = await read<CaseLink>(TICKET_LINKS, `case:${kase.id}`);
    if (linked) return linked;
    const customer = await store.getCustomer(workspaceId, kase.customerId);
    if (!customer?.splynxId) return null;
    const [found] = (await wasInFlight(`case:${kase.id}`)) ? await client.list(TICKETS, { where: { note: ['LIKE', `%${caseMarker(kase.id)}%`] }, limit: 1 }) : [];
    let link: CaseLink;
    if (found) {
      link = { ticketId: String(found.id), closed: splynxFlag(found.closed), priority: String(found.priority) };
      report({ level: 'warning', entity: 'ticket', externalId: link.ticketId, code: 'relinked', message: `Ticket ${link.ticketId} was created for case #${kase.number} before, but not linked; linked it again instead of creating another.` });
    } else {
      const priority = SPLYNX_PRIORITY[kase.priority];
      await write([inFlight(`case:${kase.id}`)]);
      const ticketId = await client.create(TICKETS, {
        subject: (kase.subject || `casekit case #${kase.number}`).slice(0, 250),
        priority,
        customer_id: customer.splynxId,
        status_id: STATUS_NEW,
        type_id: ticketTypeId,
        source: 'api',
        note: caseMarker(kase.id),
      });
      link = { ticketId, closed: false, priority };
      result.tickets++;
    }
    await write([
      { collection: TICKET_LINKS, key: `case:${kase.id}`, value: link },
      { collection: TICKET_LINKS, key: `ticket:${link.ticketId}`, value: { caseId: kase.id } },
      landed(),
    ]);
    return link;
  }

  /** Posts a message of a linked case as a ticket message, unless it is there already (a crash before the link). */
  async function pushMessage(message: Message, kase: Case, result: TicketPushResult): Promise<RecordWrite[]> {
    if (message.authorKind === 'system' && message.clientMessageId?.startsWith(PULLED_PREFIX)) return [];
    if (await read(MESSAGE_LINKS, `message:${message.id}`)) return [];
    const link = await ensureTicket(kase, result);
    if (!link) return [];
    const [found] = (await wasInFlight(`message:${message.id}`))
      ? await client.list(TICKET_MESSAGES, { where: { ticket_id: link.ticketId, message: ['LIKE', `%${messageMarker(message.id)}%`] }, limit: 1 })
      : [];
    let ticketMessageId: string;
    if (found) {
      ticketMessageId = String(found.id);
    } else {
      await write([inFlight(`message:${message.id}`)]);
      const inbound = message.direction === 'inbound';
      const customer = inbound ? await store.getCustomer(workspaceId, message.customerId) : null;
      ticketMessageId = await client.create(TICKET_MESSAGES, {
        ticket_id: link.ticketId,
        message: ticketHtml(message),
        message_type: message.internal ? 'note' : 'message',
        // casekit delivers its replies on the customer's own channel: Splynx must not send them again.
        hide_for_customer: inbound ? '0' : '1',
        author_type: inbound && customer?.splynxId ? 'customer' : 'api',
        ...(inbound && customer?.splynxId && { customer_id: customer.splynxId }),
      });
      result.messages++;
    }
    return [
      { collection: MESSAGE_LINKS, key: `message:${message.id}`, value: { ticketId: link.ticketId, ticketMessageId } },
      { collection: MESSAGE_LINKS, key: `tm:${ticketMessageId}`, value: { messageId: message.id } },
      landed(),
    ];
  }

  /** A case's status or priority change, on its ticket when it differs from what the ticket last had. */
  async function pushChange(kase: Case, result: TicketPushResult): Promise<RecordWrite[]> {
    const link = await read<CaseLink>(TICKET_LINKS, `case:${kase.id}`);
    if (!link) return [];
    const closed = kase.status === 'solved' || kase.status === 'closed';
    const priority = SPLYNX_PRIORITY[kase.priority];
    const patch: Record<string, string> = {};
    if (closed !== link.closed) Object.assign(patch, closed ? { closed: '1', status_id: STATUS_RESOLVED } : { closed: '0', status_id: STATUS_NEW });
    if (priority !== link.priority) patch.priority = priority;
    if (Object.keys(patch).length === 0) return [];
    await client.update(TICKETS, link.ticketId, patch);
    result.updates++;
    return [{ collection: TICKET_LINKS, key: `case:${kase.id}`, value: { ...link, closed, priority } }];
  }

  async function pushEvent(event: CaseEvent, result: TicketPushResult): Promise<RecordWrite[]> {
    switch (event.type) {
      case 'case.created':
        await ensureTicket(event.data.case, result);
        return [];
      case 'message.created': {
        const kase = event.data.case ?? (await store.getCase(workspaceId, event.data.message.caseId));
        return kase ? pushMessage(event.data.message, kase, result) : [];
      }
      case 'case.updated':
        return 'status' in event.data.changes || 'priority' in event.data.changes ? pushChange(event.data.case, result) : [];
      default:
        return [];
    }
  }

  async function push(): Promise<TicketPushResult> {
    const result: TicketPushResult = { tickets: 0, messages: 0, updates: 0, failed: 0 };
    await start();
    let seq = (await read<{ seq: number }>(CURSORS, 'push'))?.seq ?? 0;
    const cursor = (): RecordWrite => ({ collection: CURSORS, key: 'push', value: { seq } });
    for (;;) {
      const events = await store.listEvents(workspaceId, { after: seq, limit: EVENT_PAGE });
      for (const event of events) {
        let records: RecordWrite[];
        try {
          records = await pushEvent(event, result);
        } catch (error) {
          const { code, message, transient } = failure(error);
          result.failed++;
          const entity = event.type === 'message.created' ? 'ticket-message' : 'ticket';
          report({ level: 'error', entity, externalId: null, code, message: `Event ${event.seq} (${event.type}) of case ${event.caseId ?? '-'}: ${message}${transient ? ' Tried again on the next push.' : ' Skipped.'}` });
          if (transient) {
            await write([cursor()]);
            return result;
          }
          records = [];
        }
        seq = event.seq;
        // Links go with the cursor; events that sent nothing move it once per page.
        if (records.length > 0) await write([...records, cursor()]);
      }
      await write(events.length > 0 ? [cursor()] : []);
      if (events.length < EVENT_PAGE) return result;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Splynx → casekit

  /** Brings one ticket message into its case as a note; what casekit wrote, and messages of unlinked tickets, are left. */
  async function pullMessage(tm: SplynxRecord, result: TicketPullResult): Promise<RecordWrite[]> {
    const id = String(tm.id);
    const ticket = await read<{ caseId: string }>(TICKET_LINKS, `ticket:${String(tm.ticket_id)}`);
    if (!ticket || tm.message_type === 'change_ticket') return [];
    if (await read(MESSAGE_LINKS, `tm:${id}`)) return [];
    const ours = MARKER.exec(String(tm.message ?? ''));
    if (ours) {
      // casekit posted it but crashed before linking it: link it now, never echo it back.
      return [
        { collection: MESSAGE_LINKS, key: `tm:${id}`, value: { messageId: ours[1] } },
        { collection: MESSAGE_LINKS, key: `message:${ours[1]}`, value: { ticketId: String(tm.ticket_id), ticketMessageId: id } },
      ];
    }
    const note = await engine.addSystemNote(actor, ticket.caseId, { text: noteText(tm), authorName: 'Splynx', clientMessageId: `${PULLED_PREFIX}${id}` });
    result.messages++;
    return [
      { collection: MESSAGE_LINKS, key: `tm:${id}`, value: { messageId: note.id } },
      { collection: MESSAGE_LINKS, key: `message:${note.id}`, value: { ticketId: String(tm.ticket_id), ticketMessageId: id } },
    ];
  }

  /** A ticket closed or reopened in Splynx since casekit and it last agreed: solves or reopens the case. */
  async function pullState(ticket: SplynxRecord, result: TicketPullResult): Promise<RecordWrite[]> {
    const ticketId = String(ticket.id);
    const linked = await read<{ caseId: string }>(TICKET_LINKS, `ticket:${ticketId}`);
    const link = linked && (await read<CaseLink>(TICKET_LINKS, `case:${linked.caseId}`));
    if (!linked || !link) return [];
    const closed = splynxFlag(ticket.closed);
    if (closed === link.closed) return [];
    const kase = await store.getCase(workspaceId, linked.caseId);
    const done = kase?.status === 'solved' || kase?.status === 'closed';
    if (kase && closed && !done) {
      await engine.updateCase(actor, kase.id, { version: kase.version, status: 'solved' });
      result.statusChanges++;
    } else if (kase && !closed && kase.status === 'solved') {
      await engine.updateCase(actor, kase.id, { version: kase.version, status: 'open' });
      result.statusChanges++;
    } else if (kase && !closed && kase.status === 'closed') {
      report({ level: 'warning', entity: 'ticket', externalId: ticketId, code: 'case_closed', message: `Ticket ${ticketId} was reopened in Splynx, but case #${kase.number} is closed for good in casekit; the customer's next message opens a new case.` });
    }
    return [{ collection: TICKET_LINKS, key: `case:${linked.caseId}`, value: { ...link, closed } }];
  }

  /** Runs one pull step: the records it wants written, or null when it failed in a way worth trying again (the caller stops there). */
  async function attempt(step: () => Promise<RecordWrite[]>, entity: TicketSyncLogEntry['entity'], externalId: string, result: TicketPullResult): Promise<RecordWrite[] | null> {
    try {
      return await step();
    } catch (error) {
      const { code, message, transient } = failure(error);
      result.failed++;
      report({ level: 'error', entity, externalId, code, message: `${entity === 'ticket' ? 'Ticket' : 'Ticket message'} ${externalId}: ${message}${transient ? ' Tried again on the next pull.' : ' Skipped.'}` });
      return transient ? null : [];
    }
  }

  async function pull(): Promise<TicketPullResult> {
    const result: TicketPullResult = { messages: 0, statusChanges: 0, failed: 0 };
    await start();
    const cursor: PullCursor = (await read<PullCursor>(CURSORS, 'pull')) ?? { messageId: 0, ticketsUpdatedAt: null };
    const saved = (): RecordWrite => ({ collection: CURSORS, key: 'pull', value: { ...cursor } });
    for await (const page of client.pages(TICKET_MESSAGES, { where: { id: ['>', cursor.messageId] } })) {
      for (const tm of page) {
        const records = await attempt(() => pullMessage(tm, result), 'ticket-message', String(tm.id), result);
        if (records === null) {
          await write([saved()]);
          return result;
        }
        cursor.messageId = splynxNumber(tm.id);
        // Notes and links go with the cursor; messages that brought nothing move it once per page.
        if (records.length > 0) await write([...records, saved()]);
      }
      await write([saved()]);
    }
    // Tickets changed since the last pull, by Splynx's own clock; the last second is read again.
    let latest = cursor.ticketsUpdatedAt;
    for await (const page of client.pages(TICKETS, latest === null ? {} : { where: { updated_at: ['>=', latest] } })) {
      for (const ticket of page) {
        const records = await attempt(() => pullState(ticket, result), 'ticket', String(ticket.id), result);
        if (records === null) {
          await write([]);
          return result;
        }
        await write(records);
        const at = String(ticket.updated_at ?? '');
        if (latest === null || at > latest) latest = at;
      }
    }
    cursor.ticketsUpdatedAt = latest;
    await write([saved()]);
    return result;
  }

  async function refreshTicket(ticketId: string): Promise<void> {
    if (typeof ticketId !== 'string' || !/^\d+$/.test(ticketId)) throw new SplynxError('invalid_options', `ticketId: "${String(ticketId)}" is not a Splynx ticket id.`);
    if (!(await read(TICKET_LINKS, `ticket:${ticketId}`))) return;
    const result: TicketPullResult = { messages: 0, statusChanges: 0, failed: 0 };
    const after = (await read<PullCursor>(CURSORS, 'pull'))?.messageId ?? 0;
    for await (const page of client.pages(TICKET_MESSAGES, { where: { ticket_id: ticketId, id: ['>', after] } })) {
      for (const tm of page) {
        const records = await attempt(() => pullMessage(tm, result), 'ticket-message', String(tm.id), result);
        await write(records ?? []);
        if (records === null) return;
      }
    }
    const ticket = await client.get(TICKETS, ticketId);
    await write((await attempt(() => pullState(ticket, result), 'ticket', ticketId, result)) ?? []);
  }

  return {
    push: () => serial(push),
    pull: () => serial(pull),
    refreshTicket: (ticketId) => serial(() => refreshTicket(ticketId)),
  };
}
