import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createCaseEngine, type AgentActor, type CaseEngine, type Store, type SystemActor } from '@casekit/core';
import { createMemoryStore } from '@casekit/store-memory';
import { startSplynxFake, type SplynxFake } from '@casekit/testkit/providers';
import type { Case, Message } from '@casekit/protocol';
import { createSplynxClient, createTicketSync, type SplynxClient, type TicketSync, type TicketSyncLogEntry } from './index.ts';

const WS = 'ws_tickets';
const KEY = 'b7c1d2e3f4a5';
const SECRET = '9f8e7d6c5b4a';
const SYSTEM: SystemActor = { workspaceId: WS, system: 'test' };
const NONE = { tickets: 0, messages: 0, updates: 0, failed: 0 };
const NOTHING_PULLED = { messages: 0, statusChanges: 0, failed: 0 };

interface Setup {
  fake: SplynxFake;
  store: Store;
  engine: CaseEngine;
  client: SplynxClient;
  sync: TicketSync;
  agent: AgentActor;
  logged: TicketSyncLogEntry[];
  /** Requests the client sent to the fake so far. */
  requests: { count: number };
}

async function setup(): Promise<Setup> {
  const fake = await startSplynxFake({ apiKey: KEY, apiSecret: SECRET, customers: 3 });
  const store = createMemoryStore();
  const engine = createCaseEngine({ store });
  await engine.ensureWorkspace({ id: WS, name: 'Fibrelink' });
  await engine.createChannel(SYSTEM, { id: 'web', kind: 'webchat', medium: 'webchat', name: 'Website chat' });
  const ann = await engine.createAgent(SYSTEM, { id: 'ag_ann', email: 'ann@fibrelink.example', name: 'Ann', role: 'agent', passwordHash: null });
  // Backoff sleeps cost no real time: the clock moves on instead.
  let now = Date.now();
  const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
  const requests = { count: 0 };
  const counting: typeof fetch = (input, init) => {
    requests.count++;
    return fetch(input, init);
  };
  const client = createSplynxClient({ baseUrl: fake.url, auth: { kind: 'signature', key: KEY, secret: SECRET }, maxRequestsPerSecond: 1000, clock, fetch: counting });
  const logged: TicketSyncLogEntry[] = [];
  const sync = createTicketSync({ engine, store, client, workspaceId: WS, startFrom: 'beginning', log: (entry) => logged.push(entry) });
  return { fake, store, engine, client, sync, agent: { workspaceId: WS, agent: { id: ann.id, name: ann.name, role: ann.role, kind: ann.kind } }, logged, requests };
}

/** A web-chat message from a customer; with `splynxId`, one linked to that Splynx customer. */
async function customerWrites(s: Setup, text: string, splynxId: string | null = '2', externalId = `anon:${splynxId ?? 'x'}`): Promise<Case> {
  const known = await s.store.findCustomerByIdentity(WS, 'web', externalId);
  const customer = known ?? (await s.engine.createCustomer(SYSTEM, { name: 'Dana Reyes', splynxId, identities: [{ channelId: 'web', kind: 'webchat', externalId }] }));
  return (await s.engine.ingest({ workspaceId: WS, channelId: 'web', customerId: customer.id, from: { externalId }, text })).case;
}

const ticketsOf = (s: Setup, caseId: string) => [...s.fake.store.tickets.values()].filter((t) => String(t.note).includes(caseId));
const messagesOf = (s: Setup, ticketId: unknown) => [...s.fake.store.ticketMessages.values()].filter((m) => m.ticket_id === String(ticketId));
async function caseMessages(s: Setup, caseId: string): Promise<Message[]> {
  return (await s.store.listMessages(WS, { caseId, limit: 100 })).items;
}
const current = async (s: Setup, caseId: string) => (await s.store.getCase(WS, caseId))!;
/** Counts the API requests the fake serves from now on (not the sign-in). */
function countRequests(s: Setup): () => number {
  const before = s.requests.count;
  return () => s.requests.count - before;
}

describe('Splynx ticket sync', () => {
  let s: Setup;
  beforeEach(async () => {
    s = await setup();
  });
  afterEach(() => s.fake.close());

  it('a linked customer\'s web-chat case becomes one ticket, its reply and note follow, and a second push sends nothing', async () => {
    const kase = await customerWrites(s, 'My fibre is down <since 9am> & the light blinks');
    assert.deepEqual(await s.sync.push(), { ...NONE, tickets: 1, messages: 1 });

    const [ticket, ...others] = ticketsOf(s, kase.id);
    assert.ok(ticket);
    assert.equal(others.length, 0);
    assert.equal(ticket.customer_id, '2');
    assert.equal(ticket.status_id, '1');
    assert.equal(ticket.priority, 'medium');
    assert.equal(ticket.type_id, '1');
    assert.equal(ticket.source, 'api');
    const [first] = messagesOf(s, ticket.id);
    assert.match(String(first!.message), /My fibre is down &#60;since 9am&#62; &#38; the light blinks/);
    assert.equal(first!.author_type, 'customer');
    assert.equal(first!.customer_id, '2');

    await s.engine.reply(s.agent, { caseId: kase.id, text: 'Resetting your line now.' });
    await s.engine.addNote(s.agent, { caseId: kase.id, text: 'OLT port 4 flapping' });
    assert.deepEqual(await s.sync.push(), { ...NONE, messages: 2 });
    const [, reply, note] = messagesOf(s, ticket.id);
    assert.match(String(reply!.message), /Resetting your line now\./);
    assert.equal(reply!.message_type, 'message');
    assert.equal(reply!.hide_for_customer, '1', 'casekit delivered the reply; Splynx must not send it again');
    assert.match(String(note!.message), /OLT port 4 flapping/);
    assert.equal(note!.message_type, 'note');

    assert.deepEqual(await s.sync.push(), NONE);
    assert.equal(messagesOf(s, ticket.id).length, 3);
    assert.equal(ticketsOf(s, kase.id).length, 1);
  });

  it('an admin\'s reply in Splynx comes back once as a note, and never goes back to Splynx', async () => {
    const kase = await customerWrites(s, 'No internet');
    await s.sync.push();
    assert.deepEqual(await s.sync.pull(), NOTHING_PULLED, 'seeded tickets are not linked, and casekit\'s own messages are not echoed');
    const ticketId = String(ticketsOf(s, kase.id)[0]!.id);
    await s.client.create('admin/support/ticket-messages', { ticket_id: ticketId, message: '<p>We restarted your router.<br>Try again?</p>', author_type: 'admin', admin_id: '7' });
    // A message on a ticket no case is linked to is left alone.
    await s.client.create('admin/support/ticket-messages', { ticket_id: '1', message: '<p>Unrelated</p>', author_type: 'admin', admin_id: '7' });

    assert.deepEqual(await s.sync.pull(), { ...NOTHING_PULLED, messages: 1 });
    const notes = (await caseMessages(s, kase.id)).filter((m) => m.authorKind === 'system');
    assert.equal(notes.length, 1);
    assert.equal(notes[0]!.internal, true);
    assert.equal(notes[0]!.authorName, 'Splynx');
    assert.match(notes[0]!.text, /admin #7/);
    assert.match(notes[0]!.text, /Splynx delivered it/);
    assert.match(notes[0]!.text, /We restarted your router\.\nTry again\?/);

    for (let round = 0; round < 3; round++) {
      assert.deepEqual(await s.sync.push(), NONE);
      assert.deepEqual(await s.sync.pull(), NOTHING_PULLED);
    }
    assert.equal(messagesOf(s, ticketId).length, 2);
    assert.equal((await caseMessages(s, kase.id)).length, 2);
    assert.equal(s.logged.filter((l) => l.level !== 'info').length, 0, JSON.stringify(s.logged));
  });

  it('closing the ticket solves the case, reopening reopens it; solving the case closes the ticket and the next pull changes nothing', async () => {
    const kase = await customerWrites(s, 'Slow speeds');
    await s.sync.push();
    await s.sync.pull();
    const ticketId = String(ticketsOf(s, kase.id)[0]!.id);

    s.fake.changeTicket(ticketId, { closed: '1', status_id: '3' });
    assert.deepEqual(await s.sync.pull(), { ...NOTHING_PULLED, statusChanges: 1 });
    assert.equal((await current(s, kase.id)).status, 'solved');
    assert.deepEqual(await s.sync.push(), NONE, 'the solve came from Splynx: nothing to send back');

    s.fake.changeTicket(ticketId, { closed: '0', status_id: '1' });
    assert.deepEqual(await s.sync.pull(), { ...NOTHING_PULLED, statusChanges: 1 });
    assert.equal((await current(s, kase.id)).status, 'open');
    assert.deepEqual(await s.sync.push(), NONE);

    await s.engine.updateCase(s.agent, kase.id, { version: (await current(s, kase.id)).version, status: 'solved', priority: 'urgent' });
    assert.deepEqual(await s.sync.push(), { ...NONE, updates: 1 });
    const ticket = s.fake.store.tickets.get(ticketId)!;
    assert.equal(ticket.closed, '1');
    assert.equal(ticket.status_id, '3');
    assert.equal(ticket.priority, 'urgent');
    assert.deepEqual(await s.sync.pull(), NOTHING_PULLED);
    assert.equal((await current(s, kase.id)).status, 'solved');

    // The customer writes again: the case reopens, and so does the ticket.
    await customerWrites(s, 'Still slow');
    assert.deepEqual(await s.sync.push(), { ...NONE, messages: 1, updates: 1 });
    assert.equal(s.fake.store.tickets.get(ticketId)!.closed, '0');
    assert.equal(s.fake.store.tickets.get(ticketId)!.status_id, '1');
  });

  it('5xx bursts: retried within a push, or left for the next one, with nothing lost or doubled', async () => {
    const kase = await customerWrites(s, 'Modem offline');
    s.fake.failNext(3, 503);
    assert.deepEqual(await s.sync.push(), { ...NONE, tickets: 1, messages: 1 });

    await s.engine.reply(s.agent, { caseId: kase.id, text: 'Checking' });
    await s.engine.addNote(s.agent, { caseId: kase.id, text: 'Line test queued' });
    s.fake.failNext(4, 502); // more than the client's three retries
    const failed = await s.sync.push();
    assert.equal(failed.failed, 1);
    assert.equal(failed.messages, 0);
    assert.equal(s.logged.at(-1)?.code, 'SERVER_ERROR');
    assert.deepEqual(await s.sync.push(), { ...NONE, messages: 2 });
    assert.deepEqual(await s.sync.push(), NONE);
    assert.equal(ticketsOf(s, kase.id).length, 1);
    assert.deepEqual(
      messagesOf(s, ticketsOf(s, kase.id)[0]!.id).map((m) => /<p>(.*?)<\/p>/.exec(String(m.message))![1]),
      ['Modem offline', 'Checking', 'Line test queued'],
    );
  });

  for (const dieAt of ['case:', 'message:'] as const) {
    it(`a process killed after posting a ${dieAt === 'case:' ? 'ticket' : 'ticket message'} but before linking it makes no second one`, async () => {
      const kase = await customerWrites(s, 'Billing question');
      // The first process dies at the link write: from then on none of its writes commit.
      let dead = false;
      const dying: CaseEngine = {
        ...s.engine,
        applyBilling: async (actor, batch) => {
          if (!dead && batch.records?.some((r) => r.key.startsWith(dieAt) && r.value !== null)) dead = true;
          if (dead) throw new Error('killed');
          return s.engine.applyBilling(actor, batch);
        },
      };
      await assert.rejects(createTicketSync({ engine: dying, store: s.store, client: s.client, workspaceId: WS, startFrom: 'beginning' }).push());
      assert.equal(ticketsOf(s, kase.id).length, 1, 'the ticket was created before the kill');

      // The restarted process searches only for what was in flight, and links it.
      const requests = countRequests(s);
      const restarted = createTicketSync({ engine: s.engine, store: s.store, client: s.client, workspaceId: WS, log: (entry) => s.logged.push(entry) });
      const pushed = await restarted.push();
      assert.equal(pushed.tickets, 0);
      assert.equal(pushed.messages, dieAt === 'case:' ? 1 : 0);
      const [ticket, ...more] = ticketsOf(s, kase.id);
      assert.equal(more.length, 0);
      assert.equal(messagesOf(s, ticket!.id).length, 1);
      assert.equal(s.logged.filter((l) => l.code === 'relinked').length, dieAt === 'case:' ? 1 : 0);
      assert.equal(requests(), dieAt === 'case:' ? 2 : 1, 'one search for what was in flight, one create for the rest');
      // Relinked, the ticket still syncs both ways and casekit's message is not echoed back.
      assert.deepEqual(await restarted.pull(), NOTHING_PULLED);
      s.fake.changeTicket(String(ticket!.id), { closed: '1', status_id: '3' });
      assert.deepEqual(await restarted.pull(), { ...NOTHING_PULLED, statusChanges: 1 });
    });
  }

  it('connected to a casekit with history, opens no ticket for old cases until one of them moves', async () => {
    const old = await customerWrites(s, 'An old question');
    // A sync with the default start, before any push of this store.
    const fresh = createTicketSync({ engine: s.engine, store: s.store, client: s.client, workspaceId: WS });
    assert.deepEqual(await fresh.push(), NONE);
    assert.equal(ticketsOf(s, old.id).length, 0);
    await s.engine.reply(s.agent, { caseId: old.id, text: 'Coming back to this.' });
    assert.deepEqual(await fresh.push(), { ...NONE, tickets: 1, messages: 1 });
    assert.equal(messagesOf(s, ticketsOf(s, old.id)[0]!.id).length, 1, 'only what happened after connecting');
  });

  it('pushes a ticket and its messages with one request each, searching for none', async () => {
    await s.sync.push(); // a first run reads where Splynx stands (2 requests), once
    const kase = await customerWrites(s, 'First');
    await s.engine.reply(s.agent, { caseId: kase.id, text: 'Second' });
    const requests = countRequests(s);
    assert.deepEqual(await s.sync.push(), { ...NONE, tickets: 1, messages: 2 });
    assert.equal(requests(), 3);
  });

  it('cases of customers not linked to Splynx create nothing there', async () => {
    const tickets = s.fake.store.tickets.size;
    const messages = s.fake.store.ticketMessages.size;
    const kase = await customerWrites(s, 'Hello?', null);
    await s.engine.reply(s.agent, { caseId: kase.id, text: 'Hi!' });
    assert.deepEqual(await s.sync.push(), NONE);
    assert.equal(s.fake.store.tickets.size, tickets);
    assert.equal(s.fake.store.ticketMessages.size, messages);
  });

  it('refreshTicket brings one ticket\'s new messages and state in at once, and a pull after it adds nothing', async () => {
    const kase = await customerWrites(s, 'Router question');
    await s.sync.push();
    await s.sync.pull();
    const ticketId = String(ticketsOf(s, kase.id)[0]!.id);
    await s.client.create('admin/support/ticket-messages', { ticket_id: ticketId, message: '<p>Check cable</p>', author_type: 'customer', customer_id: '2', source: 'portal' });
    s.fake.changeTicket(ticketId, { closed: '1' });
    await s.sync.refreshTicket(ticketId);
    const notes = (await caseMessages(s, kase.id)).filter((m) => m.authorKind === 'system');
    assert.deepEqual(notes.map((m) => m.text), ['The customer wrote on the Splynx portal:\nCheck cable']);
    assert.equal((await current(s, kase.id)).status, 'solved');
    assert.deepEqual(await s.sync.pull(), NOTHING_PULLED);
    await s.sync.refreshTicket('1'); // not linked: nothing
    assert.equal((await caseMessages(s, kase.id)).length, 2);
  });
});

describe('engine.addSystemNote', () => {
  it('refuses an empty text naming the field, and a repeated clientMessageId returns the first note', async () => {
    const store = createMemoryStore();
    const engine = createCaseEngine({ store });
    await engine.ensureWorkspace({ id: WS });
    await engine.createChannel(SYSTEM, { id: 'web', kind: 'webchat', medium: 'webchat', name: 'Web' });
    const { case: kase } = await engine.ingest({ workspaceId: WS, channelId: 'web', from: { externalId: 'anon:1' }, text: 'hi' });
    await assert.rejects(engine.addSystemNote(SYSTEM, kase.id, { text: '  ', authorName: 'Splynx' }), (error: { code?: string; details?: { issues?: { path: string }[] } }) => {
      assert.equal(error.code, 'validation_failed');
      assert.equal(error.details?.issues?.[0]?.path, 'text');
      return true;
    });
    const first = await engine.addSystemNote(SYSTEM, kase.id, { text: 'From billing', authorName: 'Splynx', clientMessageId: 'x-1' });
    const again = await engine.addSystemNote(SYSTEM, kase.id, { text: 'From billing', authorName: 'Splynx', clientMessageId: 'x-1' });
    assert.equal(again.id, first.id);
    const messages = (await store.listMessages(WS, { caseId: kase.id, limit: 10 })).items;
    assert.deepEqual(messages.map((m) => [m.authorKind, m.internal, m.text]), [['customer', false, 'hi'], ['system', true, 'From billing']]);
    assert.equal((await store.getCase(WS, kase.id))!.messageCount, 2);
  });
});
