import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { IDEMPOTENCY_KEY_TTL_MS, MAX_CASES_PER_TRANSACTION, type AgentRecord, type CaseQuery, type ChannelRecord, type RecordQuery, type Store, type StoreReader, type StoreTx, type TimerInput } from '@casekit/core';
import { CASE_STATUSES, PRIORITIES, type Case, type ChannelKind, type Conversation, type Customer, type Message, type Page } from '@casekit/protocol';
import {
  Agent as AgentSchema,
  Case as CaseSchema,
  CaseEvent as CaseEventSchema,
  Channel as ChannelSchema,
  Conversation as ConversationSchema,
  Customer as CustomerSchema,
  Message as MessageSchema,
  Workspace as WorkspaceSchema,
  WorkspaceSettings as WorkspaceSettingsSchema,
} from '@casekit/protocol/schemas';
import {
  FIXTURE_TIME,
  FIXTURE_WORKSPACE,
  fixtureTime,
  makeAgent,
  makeCase,
  makeChannel,
  makeConversation,
  makeCustomer,
  makeMessage,
  makeMessageEvent,
  makeOutboxItem,
  makePresenceEvent,
  makeWorkspace,
} from './fixtures.ts';
import { collectPages } from './internal/pages.ts';

const WS = FIXTURE_WORKSPACE;
const OTHER_WS = 'ws_other';

interface Seeded {
  web: ChannelRecord;
  sms: ChannelRecord;
  agent: AgentRecord;
}

/** A workspace with a web-chat and an SMS channel and one agent. */
async function seedWorkspace(store: Store, workspaceId = WS): Promise<Seeded> {
  const web = makeChannel({ workspaceId, kind: 'webchat', name: 'Web' });
  const sms = makeChannel({ workspaceId, kind: 'twilio-sms', medium: 'sms', name: 'SMS', secrets: { authToken: 'twilio-auth-token' } });
  const agent = makeAgent({ workspaceId });
  await store.transaction(async (tx) => {
    await tx.putWorkspace(makeWorkspace({ id: workspaceId }));
    await tx.insertChannel(web);
    await tx.insertChannel(sms);
    await tx.insertAgent(agent);
  });
  return { web, sms, agent };
}

interface Thread {
  customer: Customer;
  kase: Case;
  conversation: Conversation;
}

/** A customer with one case and one conversation on `channel`, committed. */
async function openThread(
  store: Store,
  channel: ChannelRecord,
  overrides: { customer?: Partial<Customer>; kase?: Partial<Case>; conversation?: Partial<Conversation> } = {},
): Promise<Thread> {
  const workspaceId = channel.workspaceId;
  return store.transaction(async (tx) => {
    const customer = makeCustomer({ workspaceId, ...overrides.customer });
    await tx.insertCustomer(customer);
    const kase = makeCase({ workspaceId, number: await tx.nextCaseNumber(workspaceId), customerId: customer.id, channels: [channel.medium], ...overrides.kase });
    await tx.insertCase(kase);
    const conversation = makeConversation({
      workspaceId,
      caseId: kase.id,
      customerId: customer.id,
      channelId: channel.id,
      channelKind: channel.medium,
      ...overrides.conversation,
    });
    await tx.insertConversation(conversation);
    return { customer, kase, conversation };
  });
}

/** A message on `thread`, committed. */
async function addMessage(store: Store, thread: Thread, overrides: Partial<Message> = {}): Promise<Message> {
  const message = makeMessage({
    workspaceId: thread.kase.workspaceId,
    caseId: thread.kase.id,
    conversationId: thread.conversation.id,
    customerId: thread.customer.id,
    channelId: thread.conversation.channelId,
    channelKind: thread.conversation.channelKind,
    ...overrides,
  });
  await store.transaction((tx) => tx.insertMessage(message));
  return message;
}

/** Stores `cases` in the order given, `MAX_CASES_PER_TRANSACTION` a transaction, after their customers (if any). */
async function insertCases(store: Store, cases: readonly Case[], customers: readonly Customer[] = []): Promise<void> {
  if (customers.length > 0) await store.transaction(async (tx) => {
    for (const customer of customers) await tx.insertCustomer(customer);
  });
  for (let i = 0; i < cases.length; i += MAX_CASES_PER_TRANSACTION) {
    await store.transaction(async (tx) => {
      for (const kase of cases.slice(i, i + MAX_CASES_PER_TRANSACTION)) await tx.insertCase(kase);
    });
  }
}

const byActivityDesc = (a: Case, b: Case) =>
  a.lastActivityAt === b.lastActivityAt ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt);

const words = (text: string) => text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** The documented meaning of every `listCases` filter, computed over plain objects. */
function referenceList(all: readonly Case[], query: Omit<CaseQuery, 'limit' | 'cursor'>): string[] {
  return all
    .filter((c) => {
      if (query.status && !query.status.includes(c.status)) return false;
      if (query.assignee !== undefined && (query.assignee === 'unassigned' ? c.assigneeId !== null : c.assigneeId !== query.assignee)) return false;
      if (query.team !== undefined && c.team !== query.team) return false;
      if (query.channel && !c.channels.some((k) => query.channel!.includes(k))) return false;
      if (query.priority && !query.priority.includes(c.priority)) return false;
      if (query.tag !== undefined && !c.tags.includes(query.tag)) return false;
      if (query.customerId !== undefined && c.customerId !== query.customerId) return false;
      if (query.q !== undefined) {
        const number = /^#?(\d+)$/.exec(query.q.trim());
        const text = words(`${c.subject} ${c.preview}`);
        // Words of three or more letters match as prefixes, shorter ones as whole words.
        const matchesText = words(query.q).every((w) => text.some((t) => (w.length >= 3 ? t.startsWith(w) : t === w)));
        if (!(matchesText || (number && Number(number[1]) === c.number))) return false;
      }
      return true;
    })
    .sort(byActivityDesc)
    .map((c) => c.id);
}

const pick = <T>(items: readonly T[], i: number): T => items[i % items.length]!;

/** One area of the store contract: the title of its describe block. */
export type StoreContractArea =
  | 'workspaces, channels and agents'
  | 'customers'
  | 'cases'
  | 'case lists'
  | 'case list changes'
  | 'conversations'
  | 'messages'
  | 'events'
  | 'transactions'
  | 'outbox'
  | 'timers'
  | 'records'
  | 'idempotency'
  | 'copies';

/** How an adapter runs the contract. */
export interface StoreContractOptions {
  /** Runs some areas only, for an adapter still being built; every adapter that ships runs them all. */
  only?: readonly StoreContractArea[];
  /**
   * The store refuses a transaction past `MAX_CASES_PER_TRANSACTION` cases it cannot commit at once
   * (`payload_too_large`, nothing written). Without it, the contract holds the store to committing
   * any number of cases in one transaction, all or nothing.
   */
  boundedTransactions?: boolean;
}

/**
 * The `Store` port's behaviour, for every adapter: run it from the adapter's own tests with a
 * factory that returns a fresh, empty store each time.
 * @example runStoreContract('sqlite', () => createSqliteStore({ filename: ':memory:' }))
 */
export function runStoreContract(name: string, makeStore: () => Promise<Store>, options: StoreContractOptions = {}): void {
  const area = (title: StoreContractArea, fn: () => void) => {
    if (options.only === undefined || options.only.includes(title)) describe(title, fn);
  };
  describe(`store contract: ${name}`, () => {
    let store: Store;
    let seeded: Seeded;

    beforeEach(async () => {
      store = await makeStore();
      seeded = await seedWorkspace(store);
    });
    afterEach(async () => {
      await store.close();
    });

    it('builds its fixtures as valid protocol entities', () => {
      WorkspaceSchema.parse(makeWorkspace());
      ChannelSchema.parse(makeChannel());
      AgentSchema.parse(makeAgent());
      CustomerSchema.parse(makeCustomer({ emails: ['a@example.com'], phones: ['+14155550100'], identities: [{ channelId: 'web', kind: 'webchat', externalId: 'v1' }] }));
      CaseSchema.parse(makeCase());
      ConversationSchema.parse(makeConversation());
      const message = makeMessage();
      MessageSchema.parse(message);
      CaseEventSchema.parse({ seq: 1, ...makeMessageEvent(message) });
      CaseEventSchema.parse({ seq: 2, ...makePresenceEvent() });
    });

    area('workspaces, channels and agents', () => {
      it('stores a workspace with its settings and replaces them on a second put', async () => {
        const stored = await store.getWorkspace(WS);
        assert.ok(stored);
        WorkspaceSchema.parse(stored);
        WorkspaceSettingsSchema.parse(stored.settings);
        assert.deepEqual(stored, makeWorkspace());
        await store.transaction((tx) => tx.putWorkspace(makeWorkspace({ name: 'Renamed', settings: { reopenWindowHours: 4, displayName: 'R' } })));
        const updated = await store.getWorkspace(WS);
        assert.equal(updated?.name, 'Renamed');
        assert.equal(updated?.settings.reopenWindowHours, 4);
        assert.equal(await store.getWorkspace('ws_nowhere'), null);
      });

      it('keeps channels with their secrets, lists them in creation order, per workspace', async () => {
        const sms = await store.getChannel(WS, seeded.sms.id);
        assert.deepEqual(sms, seeded.sms);
        ChannelSchema.parse(sms);
        assert.deepEqual((await store.listChannels(WS)).map((c) => c.id), [seeded.web.id, seeded.sms.id]);
        assert.equal(await store.getChannel(OTHER_WS, seeded.sms.id), null);
        assert.deepEqual(await store.listChannels(OTHER_WS), []);
        await assert.rejects(store.transaction((tx) => tx.insertChannel({ ...seeded.web, name: 'again' })), { code: 'conflict' });
        assert.equal((await store.getChannel(WS, seeded.web.id))?.name, 'Web');
      });

      it('updates a channel whole: settings, secrets and its switch', async () => {
        const changed = { ...seeded.sms, name: 'Texts', enabled: false, config: { from: '+14155550100' }, secrets: { authToken: 'rotated-token' }, updatedAt: fixtureTime(5) };
        await store.transaction((tx) => tx.updateChannel(changed));
        assert.deepEqual(await store.getChannel(WS, seeded.sms.id), changed);
        await assert.rejects(store.transaction((tx) => tx.updateChannel({ ...changed, id: 'ch_missing' })), { code: 'not_found' });
        assert.equal(await store.getChannel(WS, 'ch_missing'), null);
      });

      it('finds agents by id and by email regardless of case, and refuses a second agent with the same email', async () => {
        const agent = await store.getAgent(WS, seeded.agent.id);
        assert.deepEqual(agent, seeded.agent);
        AgentSchema.parse(agent);
        assert.equal((await store.getAgentByEmail(WS, seeded.agent.email.toUpperCase()))?.id, seeded.agent.id);
        assert.equal(await store.getAgentByEmail(OTHER_WS, seeded.agent.email), null);
        await assert.rejects(store.transaction((tx) => tx.insertAgent(makeAgent({ email: seeded.agent.email }))), { code: 'conflict' });
        assert.equal((await store.listAgents(WS)).length, 1);
      });

      it('updates an agent, keeping the password hash it is given', async () => {
        const bot = makeAgent({ kind: 'bot', name: 'Helper', passwordHash: 'scrypt$abc' });
        await store.transaction((tx) => tx.insertAgent(bot));
        await store.transaction((tx) => tx.updateAgent({ ...bot, presence: 'away', teams: ['billing'] }));
        const stored = await store.getAgent(WS, bot.id);
        assert.equal(stored?.presence, 'away');
        assert.deepEqual(stored?.teams, ['billing']);
        assert.equal(stored?.passwordHash, 'scrypt$abc');
        assert.deepEqual((await store.listAgents(WS)).map((a) => a.id), [seeded.agent.id, bot.id]);
      });
    });

    area('customers', () => {
      it('finds a customer by channel identity, by email in any case, and by phone', async () => {
        const customer = makeCustomer({
          emails: ['dana@example.com'],
          phones: ['+14155550100'],
          identities: [{ channelId: seeded.web.id, kind: 'webchat', externalId: 'visitor-1' }],
        });
        CustomerSchema.parse(customer);
        await store.transaction((tx) => tx.insertCustomer(customer));
        assert.deepEqual(await store.getCustomer(WS, customer.id), customer);
        assert.equal((await store.findCustomerByIdentity(WS, seeded.web.id, 'visitor-1'))?.id, customer.id);
        assert.equal(await store.findCustomerByIdentity(WS, seeded.sms.id, 'visitor-1'), null, 'an identity belongs to one channel');
        assert.equal((await store.findCustomerByEmail(WS, 'Dana@Example.COM'))?.id, customer.id);
        assert.equal((await store.findCustomerByPhone(WS, '+14155550100'))?.id, customer.id);
        assert.equal(await store.findCustomerByPhone(WS, '+14155550101'), null);
        assert.equal(await store.findCustomerByEmail(OTHER_WS, 'dana@example.com'), null);
        assert.equal(await store.getCustomer(OTHER_WS, customer.id), null);
      });

      it('refuses a second profile with a channel identity that is taken, and stores nothing of it', async () => {
        const identity = { channelId: seeded.sms.id, kind: 'sms' as const, externalId: '+14155550100' };
        const first = makeCustomer({ identities: [identity] });
        await store.transaction((tx) => tx.insertCustomer(first));
        const second = makeCustomer({ identities: [identity], emails: ['second@example.com'] });
        await assert.rejects(store.transaction((tx) => tx.insertCustomer(second)), { code: 'conflict' });
        assert.equal(await store.getCustomer(WS, second.id), null);
        assert.equal(await store.findCustomerByEmail(WS, 'second@example.com'), null);
        // The same external id in another workspace is someone else.
        await seedWorkspace(store, OTHER_WS);
        const elsewhere = makeCustomer({ workspaceId: OTHER_WS, identities: [identity] });
        await store.transaction((tx) => tx.insertCustomer(elsewhere));
        assert.equal((await store.findCustomerByIdentity(OTHER_WS, identity.channelId, identity.externalId))?.id, elsewhere.id);
        assert.equal((await store.findCustomerByIdentity(WS, identity.channelId, identity.externalId))?.id, first.id);
      });

      it('lets two profiles share an email or a phone: only channel identities are unique', async () => {
        const a = makeCustomer({ emails: ['family@example.com'], phones: ['+14155550177'] });
        const b = makeCustomer({ emails: ['family@example.com'], phones: ['+14155550177'] });
        await store.transaction(async (tx) => {
          await tx.insertCustomer(a);
          await tx.insertCustomer(b);
        });
        assert.ok([a.id, b.id].includes((await store.findCustomerByEmail(WS, 'family@example.com'))!.id));
        assert.ok([a.id, b.id].includes((await store.findCustomerByPhone(WS, '+14155550177'))!.id));
        await store.transaction((tx) => tx.updateCustomer({ ...a, emails: [] }));
        assert.equal((await store.findCustomerByEmail(WS, 'family@example.com'))?.id, b.id);
      });

      it('refuses an update that takes another profile\'s identity, and keeps its lookups current', async () => {
        const a = makeCustomer({ identities: [{ channelId: seeded.web.id, kind: 'webchat', externalId: 'a' }], emails: ['old@example.com'] });
        const b = makeCustomer({ identities: [{ channelId: seeded.web.id, kind: 'webchat', externalId: 'b' }] });
        await store.transaction(async (tx) => {
          await tx.insertCustomer(a);
          await tx.insertCustomer(b);
        });
        await assert.rejects(store.transaction((tx) => tx.updateCustomer({ ...b, identities: [...b.identities, a.identities[0]!] })), { code: 'conflict' });
        await store.transaction((tx) => tx.updateCustomer({ ...a, emails: ['new@example.com'], phones: ['+447700900123'], name: 'Renamed' }));
        assert.equal(await store.findCustomerByEmail(WS, 'old@example.com'), null);
        assert.equal((await store.findCustomerByEmail(WS, 'new@example.com'))?.name, 'Renamed');
        assert.equal((await store.findCustomerByPhone(WS, '+447700900123'))?.id, a.id);
        assert.equal((await store.findCustomerByIdentity(WS, seeded.web.id, 'b'))?.id, b.id);
      });

      it('merges a profile into another: the old id and its identities resolve, its cases, messages and events move', async () => {
        const source = await openThread(store, seeded.web, {
          customer: { emails: ['src@example.com'], identities: [{ channelId: seeded.web.id, kind: 'webchat', externalId: 'visitor-src' }] },
          kase: { lastActivityAt: fixtureTime(10) },
        });
        const target = await openThread(store, seeded.sms, {
          customer: { identities: [{ channelId: seeded.sms.id, kind: 'sms', externalId: '+14155550199' }] },
          kase: { lastActivityAt: fixtureTime(5) },
        });
        const message = await addMessage(store, source, { text: 'from the web' });
        await store.transaction(async (tx) => {
          await tx.appendEvent(makeMessageEvent(message));
          await tx.mergeCustomer(WS, source.customer.id, target.customer.id);
        });
        assert.equal((await store.getCustomer(WS, source.customer.id))?.id, target.customer.id);
        assert.equal((await store.findCustomerByIdentity(WS, seeded.web.id, 'visitor-src'))?.id, target.customer.id);
        assert.equal((await store.findCustomerByEmail(WS, 'src@example.com'))?.id, target.customer.id);
        assert.equal((await store.getCase(WS, source.kase.id))?.customerId, target.customer.id);
        assert.equal((await store.getConversation(WS, source.conversation.id))?.customerId, target.customer.id);
        assert.equal((await store.getMessage(WS, message.id))?.customerId, target.customer.id);
        const cases = await store.listCases(WS, { customerId: target.customer.id, limit: 10 });
        assert.deepEqual(cases.items.map((c) => c.id), [source.kase.id, target.kase.id]);
        assert.deepEqual((await store.listMessages(WS, { customerId: target.customer.id, limit: 10 })).items.map((m) => m.id), [message.id]);
        const timeline = await store.timeline(WS, target.customer.id, 10);
        assert.deepEqual(timeline.items.map((e) => e.customerId), [target.customer.id]);
        assert.equal((await store.findActiveCase(WS, target.customer.id))?.id, source.kase.id);
        assert.equal((await store.findLatestConversation(WS, target.customer.id, seeded.web.id))?.id, source.conversation.id);
        // Merging again from the same profile is refused rather than silently re-pointed.
        await assert.rejects(store.transaction((tx) => tx.mergeCustomer(WS, source.customer.id, target.customer.id)));
      });

      it('finds what a customer sent with a client id under the surviving profile and under the merged-away one', async () => {
        const source = await openThread(store, seeded.web);
        const target = await openThread(store, seeded.web);
        const retried = await addMessage(store, source, { clientMessageId: 'c-retry' });
        const fromSource = await addMessage(store, source, { clientMessageId: 'c-both' });
        const fromTarget = await addMessage(store, target, { clientMessageId: 'c-both' });
        const agentReply = await addMessage(store, source, {
          clientMessageId: 'c-retry',
          direction: 'outbound',
          authorKind: 'agent',
          authorId: seeded.agent.id,
          authorName: seeded.agent.name,
        });
        await store.transaction((tx) => tx.mergeCustomer(WS, source.customer.id, target.customer.id));
        for (const scope of [target.customer.id, source.customer.id]) {
          assert.equal((await store.findMessageByClientId(WS, scope, 'c-retry'))?.id, retried.id, scope);
        }
        // The visitor's retry is refused as a repeat rather than stored a second time.
        await assert.rejects(addMessage(store, target, { clientMessageId: 'c-retry' }), { code: 'conflict' });
        // Both profiles sent 'c-both': both messages stay, each findable, the survivor's under its id.
        assert.equal((await store.findMessageByClientId(WS, target.customer.id, 'c-both'))?.id, fromTarget.id);
        assert.ok([fromSource.id, fromTarget.id].includes((await store.findMessageByClientId(WS, source.customer.id, 'c-both'))!.id));
        assert.equal((await store.getMessage(WS, fromSource.id))?.customerId, target.customer.id);
        // An agent's client ids are the agent's own: a customer merge leaves them be.
        assert.equal((await store.findMessageByClientId(WS, seeded.agent.id, 'c-retry'))?.id, agentReply.id);
        // A second merge carries them on, and the first id still finds them.
        const last = await openThread(store, seeded.sms);
        await store.transaction((tx) => tx.mergeCustomer(WS, target.customer.id, last.customer.id));
        for (const scope of [last.customer.id, target.customer.id, source.customer.id]) {
          assert.equal((await store.findMessageByClientId(WS, scope, 'c-retry'))?.id, retried.id, scope);
        }
        assert.equal((await store.findMessageByClientId(WS, last.customer.id, 'c-both'))?.id, fromTarget.id);
      });

      it('resolves a merged-away id wherever a customer id is taken, through chained merges', async () => {
        const a = await openThread(store, seeded.web, {
          customer: { emails: ['a@example.com'], identities: [{ channelId: seeded.web.id, kind: 'webchat', externalId: 'visitor-a' }] },
          kase: { lastActivityAt: fixtureTime(30) },
          conversation: { lastMessageAt: fixtureTime(30) },
        });
        const b = await openThread(store, seeded.sms, { kase: { lastActivityAt: fixtureTime(20) } });
        const c = await openThread(store, seeded.web, { kase: { lastActivityAt: fixtureTime(10), status: 'solved' }, conversation: { lastMessageAt: fixtureTime(10) } });
        const fromA = await addMessage(store, a, { text: 'from a' });
        const fromB = await addMessage(store, b, { text: 'from b' });
        const seqs = await store.transaction(async (tx) => [(await tx.appendEvent(makeMessageEvent(fromA))).seq, (await tx.appendEvent(makeMessageEvent(fromB))).seq]);
        await store.transaction((tx) => tx.mergeCustomer(WS, a.customer.id, b.customer.id));
        await store.transaction((tx) => tx.mergeCustomer(WS, b.customer.id, c.customer.id));
        for (const id of [a.customer.id, b.customer.id, c.customer.id]) {
          assert.equal((await store.getCustomer(WS, id))?.id, c.customer.id, id);
          assert.deepEqual((await store.listCases(WS, { customerId: id, limit: 10 })).items.map((k) => k.id), [a.kase.id, b.kase.id, c.kase.id], id);
          assert.equal((await store.findActiveCase(WS, id))?.id, a.kase.id, id);
          assert.equal((await store.findLatestConversation(WS, id, seeded.web.id))?.id, a.conversation.id, id);
          assert.deepEqual((await store.listMessages(WS, { customerId: id, limit: 10 })).items.map((m) => m.id), [fromA.id, fromB.id], id);
          assert.deepEqual((await store.listEvents(WS, { after: 0, limit: 10, customerId: id })).map((e) => e.seq), seqs, id);
          assert.deepEqual((await store.timeline(WS, id, 10)).items.map((e) => e.seq), [...seqs].reverse(), id);
        }
        assert.equal((await store.findCustomerByEmail(WS, 'a@example.com'))?.id, c.customer.id);
        assert.equal((await store.findCustomerByIdentity(WS, seeded.web.id, 'visitor-a'))?.id, c.customer.id);
      });

      it('merges into the survivor of an earlier merge, and refuses a merge into itself or with an unknown profile', async () => {
        const a = await openThread(store, seeded.web);
        const b = await openThread(store, seeded.web);
        const d = await openThread(store, seeded.sms);
        await store.transaction((tx) => tx.mergeCustomer(WS, a.customer.id, b.customer.id));
        // Into a merged-away id: the cases go to the profile that id resolves to.
        await store.transaction((tx) => tx.mergeCustomer(WS, d.customer.id, a.customer.id));
        assert.equal((await store.getCase(WS, d.kase.id))?.customerId, b.customer.id);
        assert.equal((await store.getCustomer(WS, d.customer.id))?.id, b.customer.id);
        await assert.rejects(store.transaction((tx) => tx.mergeCustomer(WS, b.customer.id, b.customer.id)), { code: 'bad_request' });
        await assert.rejects(store.transaction((tx) => tx.mergeCustomer(WS, b.customer.id, a.customer.id)), { code: 'bad_request' });
        await assert.rejects(store.transaction((tx) => tx.mergeCustomer(WS, 'cu_unknown', b.customer.id)), { code: 'not_found' });
        await assert.rejects(store.transaction((tx) => tx.mergeCustomer(WS, b.customer.id, 'cu_unknown')), { code: 'not_found' });
        await assert.rejects(store.transaction((tx) => tx.mergeCustomer(WS, a.customer.id, b.customer.id)), { code: 'conflict' });
        assert.equal((await store.getCustomer(WS, b.customer.id))?.id, b.customer.id);
        assert.deepEqual((await store.listCases(WS, { customerId: b.customer.id, limit: 10 })).items.map((k) => k.id).sort(), [a.kase.id, b.kase.id, d.kase.id].sort());
      });
    });

    area('cases', () => {
      it('numbers cases per workspace from 1', async () => {
        await seedWorkspace(store, OTHER_WS);
        const numbers = await store.transaction(async (tx) => [
          await tx.nextCaseNumber(WS),
          await tx.nextCaseNumber(WS),
          await tx.nextCaseNumber(OTHER_WS),
          await tx.nextCaseNumber(WS),
        ]);
        assert.deepEqual(numbers, [1, 2, 1, 3]);
      });

      it('stores and updates a case, and refuses a stale version without writing anything', async () => {
        const { kase } = await openThread(store, seeded.web, { kase: { tags: ['vip'] } });
        CaseSchema.parse(kase);
        assert.deepEqual(await store.getCase(WS, kase.id), kase);
        const v2: Case = { ...kase, status: 'open', assigneeId: seeded.agent.id, tags: ['vip', 'billing'], version: 2, updatedAt: fixtureTime(60) };
        await store.transaction((tx) => tx.updateCase(v2, 1));
        assert.deepEqual(await store.getCase(WS, kase.id), v2);

        // A stale write, even when the caller catches the error and commits, leaves everything as it was.
        const stale: Case = { ...kase, status: 'closed', tags: ['spam'], subject: 'Overwritten', version: 2, lastActivityAt: fixtureTime(9999) };
        const caught = await store.transaction(async (tx) => {
          try {
            await tx.updateCase(stale, 1);
            return null;
          } catch (error) {
            return error as { code?: string };
          }
        });
        assert.equal(caught?.code, 'version_conflict');
        assert.deepEqual(await store.getCase(WS, kase.id), v2);
        assert.deepEqual((await store.listCases(WS, { status: ['closed'], limit: 10 })).items, []);
        assert.deepEqual((await store.listCases(WS, { tag: 'spam', limit: 10 })).items, []);
        assert.deepEqual((await store.listCases(WS, { q: 'overwritten', limit: 10 })).items, []);
        assert.deepEqual((await store.listCases(WS, { tag: 'billing', limit: 10 })).items.map((c) => c.id), [kase.id]);
        await assert.rejects(store.transaction((tx) => tx.updateCase({ ...v2, version: 3 }, 1)), { code: 'version_conflict' });
      });

      it('refuses a second case with the same id or number', async () => {
        const { kase, customer } = await openThread(store, seeded.web);
        await assert.rejects(store.transaction((tx) => tx.insertCase({ ...kase, number: 99 })), { code: 'conflict' });
        await assert.rejects(store.transaction((tx) => tx.insertCase(makeCase({ number: kase.number, customerId: customer.id }))), { code: 'conflict' });
        assert.equal((await store.listCases(WS, { limit: 10 })).items.length, 1);
      });

      it('finds the customer\'s most recently active case that is not solved or closed', async () => {
        const customer = makeCustomer();
        const mk = (status: Case['status'], second: number, number: number) =>
          makeCase({ customerId: customer.id, status, number, lastActivityAt: fixtureTime(second) });
        const older = mk('pending', 10, 1);
        const newer = mk('open', 20, 2);
        const solved = mk('solved', 30, 3);
        const closed = mk('closed', 40, 4);
        await store.transaction(async (tx) => {
          await tx.insertCustomer(customer);
          for (const c of [older, newer, solved, closed]) await tx.insertCase(c);
        });
        assert.equal((await store.findActiveCase(WS, customer.id))?.id, newer.id);
        await store.transaction((tx) => tx.updateCase({ ...newer, status: 'solved', version: 2 }, 1));
        assert.equal((await store.findActiveCase(WS, customer.id))?.id, older.id);
        assert.equal(await store.findActiveCase(WS, 'cu_unknown'), null);
      });

      it('remembers when each agent last read each case, never moving back', async () => {
        const { kase } = await openThread(store, seeded.web);
        const other = await openThread(store, seeded.web);
        assert.deepEqual(await store.getCaseReads(WS, 'ag_1', [kase.id, other.kase.id]), {});
        await store.transaction((tx) => tx.markCaseRead(WS, 'ag_1', kase.id, fixtureTime(20)));
        await store.transaction((tx) => tx.markCaseRead(WS, 'ag_1', kase.id, fixtureTime(10)));
        await store.transaction((tx) => tx.markCaseRead(WS, 'ag_2', other.kase.id, fixtureTime(5)));
        assert.deepEqual(await store.getCaseReads(WS, 'ag_1', [kase.id, other.kase.id, 'c_unknown']), { [kase.id]: fixtureTime(20) });
        assert.deepEqual(await store.getCaseReads(WS, 'ag_2', [kase.id, other.kase.id]), { [other.kase.id]: fixtureTime(5) });
        assert.deepEqual(await store.getCaseReads(WS, 'ag_1', []), {});
        assert.deepEqual(await store.getCaseReads('ws_other', 'ag_1', [kase.id]), {});
      });
    });

    area('case lists', () => {
      // One data set for every filter: 48 cases whose attributes vary independently.
      const customers = [0, 1, 2, 3].map((i) => makeCustomer({ name: `List customer ${i}` }));
      const subjects = ['Router blinking red', 'Invoice question about March', 'Slow speed in the evening', 'Cannot log in to portal', 'Moving house next month', 'Fibre installation appointment'];
      const previews = ['Please help', 'The light is red', 'Charged twice', 'Speed test shows bad results'];
      const channelSets: ChannelKind[][] = [['webchat'], ['email'], ['sms', 'whatsapp'], ['email', 'webchat'], ['telegram']];
      const tagSets = [[], ['vip'], ['billing', 'vip'], ['outage']];
      const all: Case[] = Array.from({ length: 48 }, (_, i) =>
        makeCase({
          number: i + 1,
          customerId: pick(customers, Math.floor(i / 6)).id,
          status: pick(CASE_STATUSES, i),
          priority: pick(PRIORITIES, Math.floor(i / 2)),
          assigneeId: pick([null, 'ag_a', 'ag_b', null, 'ag_a'], i),
          team: pick([null, 'billing', 'tech'], Math.floor(i / 3)),
          channels: pick(channelSets, Math.floor(i / 4)),
          tags: pick(tagSets, i),
          subject: pick(subjects, Math.floor(i / 8)),
          preview: pick(previews, i + 1),
          // Pairs of cases share a lastActivityAt, so the id decides between them.
          lastActivityAt: fixtureTime(1000 + Math.floor(((i * 37) % 48) / 2)),
        }),
      );
      const queries: Omit<CaseQuery, 'limit' | 'cursor'>[] = [
        {},
        { status: ['open'] },
        { status: ['new', 'pending', 'on_hold'] },
        { status: [] },
        { status: ['open', 'open'] },
        { assignee: 'ag_a' },
        { assignee: 'unassigned' },
        { assignee: 'ag_nobody' },
        { team: 'billing' },
        { channel: ['email'] },
        { channel: ['sms', 'telegram'] },
        { priority: ['urgent'] },
        { priority: ['high', 'urgent'] },
        { tag: 'vip' },
        { tag: 'nothing-tagged' },
        { customerId: customers[1]!.id },
        { q: 'router' },
        { q: 'invo' },
        { q: 'RED' },
        { q: 'speed evening' },
        { q: 'in' },
        { q: 'sl' }, // too short to be a prefix: "Slow" does not match
        { q: 'MÖVING' },
        { q: '#7' },
        { q: '12' },
        { q: 'zzzz' },
        { status: ['open', 'new'], assignee: 'ag_a' },
        { status: ['open'], team: 'tech', priority: ['high', 'urgent'] },
        { assignee: 'unassigned', channel: ['email'] },
        { assignee: 'ag_b', team: 'tech' },
        { tag: 'vip', status: ['new', 'open'] },
        { tag: 'billing', priority: ['low', 'normal'] },
        { team: 'billing', tag: 'vip', channel: ['webchat'] },
        { customerId: customers[2]!.id, status: ['solved', 'closed', 'open'] },
        { customerId: customers[0]!.id, tag: 'vip', q: 'router' },
        { q: 'red', status: ['new', 'open', 'pending'], priority: ['low', 'high'] },
        { q: 'speed', channel: ['telegram', 'webchat'], assignee: 'unassigned' },
      ];

      let listStore: Store;
      before(async () => {
        listStore = await makeStore();
        await seedWorkspace(listStore);
        await seedWorkspace(listStore, OTHER_WS);
        // Stored in another order than their ids, so that nothing can lean on insertion order.
        await insertCases(listStore, all.map((_, i) => all[(i * 5) % all.length]!), customers);
        // The same numbers and words in another workspace must never show up.
        const stranger = makeCustomer({ workspaceId: OTHER_WS });
        const strangers = Array.from({ length: 6 }, (_, i) =>
          makeCase({ workspaceId: OTHER_WS, number: i + 1, customerId: stranger.id, subject: 'Router blinking red', tags: ['vip'], assigneeId: 'ag_a', team: 'billing' }),
        );
        await insertCases(listStore, strangers, [stranger]);
      });
      after(async () => {
        await listStore.close();
      });

      for (const query of queries) {
        it(`filters ${JSON.stringify(query)} and pages through it without gaps or repeats`, async () => {
          const expected = referenceList(all, query);
          const whole = await listStore.listCases(WS, { ...query, limit: 200 });
          for (const c of whole.items) CaseSchema.parse(c);
          assert.deepEqual(whole.items.map((c) => c.id), expected);
          assert.equal(whole.nextCursor, null);
          const { items, pages } = await collectPages((cursor) => listStore.listCases(WS, { ...query, limit: 4, ...(cursor && { cursor }) }));
          assert.deepEqual(items.map((c) => c.id), expected);
          assert.equal(pages, Math.max(1, Math.ceil(expected.length / 4)), 'a full last page carries no cursor');
        });
      }

      it('covers every filter with at least one non-empty, non-total result', async () => {
        // Guards the data set itself: a filter that matched nothing or everything would prove little.
        for (const query of queries.filter((q) => Object.keys(q).length === 1 && !['ag_nobody', 'nothing-tagged', 'zzzz', '"sl"', '"status":[]'].some((v) => JSON.stringify(q).includes(v)))) {
          const n = referenceList(all, query).length;
          assert.ok(n > 0 && n < all.length, `${JSON.stringify(query)} matches ${n} of ${all.length}`);
        }
      });

      it('refuses a cursor it did not issue', async () => {
        for (const cursor of ['garbage', 'eyJub3QiOiJhIGN1cnNvciJ9', '%%%', Buffer.from('[1,2,3]').toString('base64url')]) {
          await assert.rejects(listStore.listCases(WS, { limit: 5, cursor }), { code: 'invalid_cursor' }, cursor);
        }
        // A case cursor is not a message cursor.
        const casesCursor = (await listStore.listCases(WS, { limit: 1 })).nextCursor;
        await assert.rejects(listStore.listMessages(WS, { caseId: all[0]!.id, limit: 1, cursor: casesCursor! }), { code: 'invalid_cursor' });
      });
    });

    area('case list changes', () => {
      it('pages without repeats or gaps while cases are added and the cursor row changes', async () => {
        const customer = makeCustomer();
        const cases = Array.from({ length: 20 }, (_, i) => makeCase({ number: i + 1, customerId: customer.id, lastActivityAt: fixtureTime(100 + i) }));
        await insertCases(store, cases, [customer]);
        const seen: string[] = [];
        const first = await store.listCases(WS, { limit: 6 });
        seen.push(...first.items.map((c) => c.id));
        assert.ok(first.nextCursor);
        // Newer than the cursor: belongs before it, so later pages must not show it.
        const newer = makeCase({ number: 21, customerId: customer.id, lastActivityAt: fixtureTime(500) });
        // Older than everything: later pages must show it.
        const older = makeCase({ number: 22, customerId: customer.id, lastActivityAt: fixtureTime(1) });
        await store.transaction(async (tx) => {
          await tx.insertCase(newer);
          await tx.insertCase(older);
        });
        // The last case of the first page gets new activity; the cursor still points at its old place.
        const moved = first.items[first.items.length - 1]!;
        await store.transaction((tx) => tx.updateCase({ ...moved, lastActivityAt: fixtureTime(600), version: 2 }, 1));
        const rest = await collectPages((cursor) => store.listCases(WS, { limit: 6, cursor: cursor ?? first.nextCursor! }));
        seen.push(...rest.items.map((c) => c.id));
        const expected = [...cases].sort(byActivityDesc).map((c) => c.id).concat(older.id);
        assert.deepEqual(seen, expected);
        assert.equal(new Set(seen).size, seen.length);
        const fresh = await store.listCases(WS, { limit: 2 });
        assert.deepEqual(fresh.items.map((c) => c.id), [moved.id, newer.id]);
      });

      it('breaks ties of lastActivityAt by id, descending, across pages, whatever filter drives the list, before and after a merge', async () => {
        const customer = makeCustomer();
        const cases = Array.from({ length: 11 }, (_, i) =>
          makeCase({ number: i + 1, customerId: customer.id, subject: 'Router reboot loop', tags: ['tie'], assigneeId: 'ag_tie', team: 'tie', lastActivityAt: fixtureTime(i < 9 ? 50 : 40 + i) }),
        );
        await insertCases(store, cases.map((_, i) => cases[(i * 4) % cases.length]!), [customer]);
        const expected = [...cases].sort(byActivityDesc).map((c) => c.id);
        const queries: Omit<CaseQuery, 'limit'>[] = [{}, { q: 'router' }, { tag: 'tie' }, { assignee: 'ag_tie' }, { team: 'tie' }, { customerId: customer.id }, { status: ['new'] }];
        const checkPaging = async (query: Omit<CaseQuery, 'limit'>) => {
          for (const limit of [2, 3, 4]) {
            const { items } = await collectPages((cursor) => store.listCases(WS, { ...query, limit, ...(cursor && { cursor }) }));
            assert.deepEqual(items.map((c) => c.id), expected, `${JSON.stringify(query)}, limit ${limit}`);
          }
        };
        for (const query of queries) await checkPaging(query);
        // Merged into another profile, the cases page the same way, under either id, naming the survivor.
        const survivor = makeCustomer();
        await store.transaction(async (tx) => {
          await tx.insertCustomer(survivor);
          await tx.mergeCustomer(WS, customer.id, survivor.id);
        });
        for (const query of [...queries, { customerId: survivor.id }]) await checkPaging(query);
        assert.ok((await store.listCases(WS, { limit: 50 })).items.every((c) => c.customerId === survivor.id));
      });

      it('follows updates: status, assignee, tags, subject and activity move a case between lists', async () => {
        const { kase } = await openThread(store, seeded.web, { kase: { subject: 'Billing mistake', tags: ['billing'] } });
        const ids = async (query: Omit<CaseQuery, 'limit'>) => (await store.listCases(WS, { ...query, limit: 50 })).items.map((c) => c.id);
        assert.deepEqual(await ids({ status: ['new'] }), [kase.id]);
        assert.deepEqual(await ids({ q: 'billing' }), [kase.id]);
        const next: Case = {
          ...kase,
          status: 'pending',
          assigneeId: seeded.agent.id,
          team: 'tech',
          priority: 'urgent',
          tags: ['outage'],
          channels: ['webchat', 'email'],
          subject: 'Fibre cut',
          lastActivityAt: fixtureTime(3600),
          version: 2,
        };
        await store.transaction((tx) => tx.updateCase(next, 1));
        assert.deepEqual(await ids({ status: ['new'] }), []);
        assert.deepEqual(await ids({ status: ['pending'] }), [kase.id]);
        assert.deepEqual(await ids({ assignee: 'unassigned' }), []);
        assert.deepEqual(await ids({ assignee: seeded.agent.id, team: 'tech', priority: ['urgent'] }), [kase.id]);
        assert.deepEqual(await ids({ tag: 'billing' }), []);
        assert.deepEqual(await ids({ tag: 'outage' }), [kase.id]);
        assert.deepEqual(await ids({ channel: ['email'] }), [kase.id]);
        assert.deepEqual(await ids({ q: 'billing' }), []);
        assert.deepEqual(await ids({ q: 'fibre' }), [kase.id]);
        assert.deepEqual(await ids({ q: `#${kase.number}` }), [kase.id]);
      });
    });

    area('conversations', () => {
      it('lists a case\'s conversations and finds the latest per channel and by thread key', async () => {
        const thread = await openThread(store, seeded.web, { conversation: { lastMessageAt: fixtureTime(10) } });
        const second = makeConversation({
          caseId: thread.kase.id,
          customerId: thread.customer.id,
          channelId: seeded.web.id,
          lastMessageAt: fixtureTime(20),
          externalThreadId: 'thread-42',
        });
        await store.transaction((tx) => tx.insertConversation(second));
        ConversationSchema.parse(second);
        assert.deepEqual((await store.listConversations(WS, thread.kase.id)).map((c) => c.id), [thread.conversation.id, second.id]);
        assert.equal((await store.findLatestConversation(WS, thread.customer.id, seeded.web.id))?.id, second.id);
        assert.equal(await store.findLatestConversation(WS, thread.customer.id, seeded.sms.id), null);
        assert.deepEqual(await store.findConversationByThread(WS, seeded.web.id, 'thread-42'), second);
        assert.equal(await store.findConversationByThread(WS, seeded.sms.id, 'thread-42'), null);
        await store.transaction((tx) => tx.updateConversation({ ...thread.conversation, lastMessageAt: fixtureTime(30) }));
        assert.equal((await store.findLatestConversation(WS, thread.customer.id, seeded.web.id))?.id, thread.conversation.id);
        assert.equal((await store.getConversation(WS, thread.conversation.id))?.lastMessageAt, fixtureTime(30));
      });

      it('updates every field of a conversation and its lookups, and refuses an unknown one', async () => {
        const thread = await openThread(store, seeded.web);
        const other = await openThread(store, seeded.web, { customer: { name: 'Other customer' } });
        const moved = { ...thread.conversation, caseId: other.kase.id, externalThreadId: 'thread-moved', lastMessageAt: fixtureTime(50) };
        await store.transaction((tx) => tx.updateConversation(moved));
        assert.deepEqual(await store.getConversation(WS, moved.id), moved);
        assert.deepEqual((await store.listConversations(WS, other.kase.id)).map((c) => c.id).sort(), [other.conversation.id, moved.id].sort());
        assert.deepEqual(await store.listConversations(WS, thread.kase.id), []);
        assert.equal((await store.findConversationByThread(WS, seeded.web.id, 'thread-moved'))?.id, moved.id);
        await assert.rejects(
          store.transaction((tx) => tx.updateConversation({ ...moved, id: 'cv_unknown' })),
          { code: 'not_found' },
        );
      });

      it('finds the latest conversation on a channel whatever the status of its case', async () => {
        const closed = await openThread(store, seeded.web, { kase: { status: 'closed' }, conversation: { lastMessageAt: fixtureTime(50) } });
        const open = await store.transaction(async (tx) => {
          const kase = makeCase({ number: await tx.nextCaseNumber(WS), customerId: closed.customer.id, status: 'open' });
          await tx.insertCase(kase);
          const conversation = makeConversation({ caseId: kase.id, customerId: closed.customer.id, channelId: seeded.web.id, lastMessageAt: fixtureTime(40) });
          await tx.insertConversation(conversation);
          return conversation;
        });
        assert.equal((await store.findLatestConversation(WS, closed.customer.id, seeded.web.id))?.id, closed.conversation.id);
        await store.transaction((tx) => tx.updateConversation({ ...open, lastMessageAt: fixtureTime(60) }));
        assert.equal((await store.findLatestConversation(WS, closed.customer.id, seeded.web.id))?.id, open.id);
      });
    });

    area('messages', () => {
      it('lists messages oldest first by case, conversation or customer, leaves out notes for visitors, and pages', async () => {
        const a = await openThread(store, seeded.web);
        const b = await openThread(store, seeded.sms);
        const texts = ['one', 'two', 'note', 'three', 'four', 'five', 'six'];
        const inA: Message[] = [];
        for (const [i, text] of texts.entries()) {
          inA.push(await addMessage(store, a, { text, internal: text === 'note', createdAt: fixtureTime(i) }));
          if (i % 3 === 0) await addMessage(store, b, { text: `b${i}` });
        }
        for (const m of inA) MessageSchema.parse(m);
        const page = await store.listMessages(WS, { caseId: a.kase.id, limit: 50 });
        assert.deepEqual(page.items.map((m) => m.text), texts);
        assert.deepEqual(page.items, inA);
        assert.deepEqual((await store.listMessages(WS, { conversationId: b.conversation.id, limit: 50 })).items.map((m) => m.text), ['b0', 'b3', 'b6']);
        assert.deepEqual(
          (await store.listMessages(WS, { customerId: a.customer.id, publicOnly: true, limit: 50 })).items.map((m) => m.text),
          texts.filter((t) => t !== 'note'),
        );
        const paged = await collectPages((cursor) => store.listMessages(WS, { caseId: a.kase.id, limit: 3, ...(cursor && { cursor }) }));
        assert.deepEqual(paged.items.map((m) => m.text), texts);
        assert.equal(paged.pages, 3);
        await assert.rejects(store.listMessages(WS, { caseId: a.kase.id, limit: 3, cursor: 'junk' }), { code: 'invalid_cursor' });
      });

      it('refuses to list messages with no conversation, case or customer, naming the field, in a transaction too', async () => {
        const a = await openThread(store, seeded.web);
        await addMessage(store, a);
        const refused = (error: unknown) => {
          assert.equal((error as { code?: string }).code, 'validation_failed');
          assert.match((error as Error).message, /caseId, conversationId or customerId/);
          assert.deepEqual((error as { details?: { issues?: { path: string }[] } }).details?.issues?.map((i) => i.path), ['caseId']);
          return true;
        };
        await assert.rejects(store.listMessages(WS, { limit: 10 }), refused);
        await assert.rejects(store.listMessages(WS, { publicOnly: true, limit: 10 }), refused);
        await store.transaction(async (tx) => {
          await assert.rejects(tx.listMessages(WS, { limit: 10 }), refused);
        });
      });

      it('stores a provider message id once per channel and a client message id once per sender', async () => {
        const thread = await openThread(store, seeded.sms);
        const first = await addMessage(store, thread, { providerMessageId: 'SM100', clientMessageId: null });
        assert.deepEqual(await store.findMessageByProviderId(WS, seeded.sms.id, 'SM100'), first);
        assert.equal(await store.findMessageByProviderId(WS, seeded.web.id, 'SM100'), null);
        await assert.rejects(addMessage(store, thread, { providerMessageId: 'SM100' }), { code: 'conflict' });
        // Another channel may reuse the provider's id.
        const other = await openThread(store, seeded.web);
        await addMessage(store, other, { providerMessageId: 'SM100' });

        const fromCustomer = await addMessage(store, thread, { clientMessageId: 'c-1' });
        assert.deepEqual(await store.findMessageByClientId(WS, thread.customer.id, 'c-1'), fromCustomer);
        await assert.rejects(addMessage(store, thread, { clientMessageId: 'c-1' }), { code: 'conflict' });
        // The same client id from an agent is the agent's own.
        const fromAgent = await addMessage(store, thread, {
          clientMessageId: 'c-1',
          direction: 'outbound',
          authorKind: 'agent',
          authorId: seeded.agent.id,
          authorName: seeded.agent.name,
        });
        assert.equal((await store.findMessageByClientId(WS, seeded.agent.id, 'c-1'))?.id, fromAgent.id);
        assert.equal(await store.findMessageByClientId(WS, seeded.agent.id, 'c-2'), null);
        assert.equal((await store.listMessages(WS, { caseId: thread.kase.id, limit: 50 })).items.length, 3);
      });

      it('updates a delivery status and moves conversations and messages between cases', async () => {
        const a = await openThread(store, seeded.web);
        const b = await openThread(store, seeded.sms);
        const ma = await addMessage(store, a, { text: 'a1' });
        const mb = await addMessage(store, b, { text: 'b1', direction: 'outbound', authorKind: 'agent', authorId: seeded.agent.id, status: 'queued' });
        await store.transaction((tx) => tx.updateMessageDelivery(WS, mb.id, { status: 'sent', providerMessageId: 'SM-b1', headers: { 'message-id': '<b1@example.com>' } }));
        await store.transaction((tx) => tx.updateMessageDelivery(WS, mb.id, { status: 'failed', deliveryError: { code: '30003', reason: 'Unreachable handset' } }));
        const delivered = await store.getMessage(WS, mb.id);
        assert.deepEqual(
          [delivered?.status, delivered?.providerMessageId, delivered?.headers, delivered?.deliveryError],
          ['failed', 'SM-b1', { 'message-id': '<b1@example.com>' }, { code: '30003', reason: 'Unreachable handset' }],
        );
        assert.equal((await store.findMessageByProviderId(WS, seeded.sms.id, 'SM-b1'))?.id, mb.id, 'a provider id learned on sending finds the message');
        const mb2 = await addMessage(store, b, { text: 'b2', direction: 'outbound', authorKind: 'agent', authorId: seeded.agent.id, status: 'queued' });
        await assert.rejects(store.transaction((tx) => tx.updateMessageDelivery(WS, mb2.id, { status: 'sent', providerMessageId: 'SM-b1' })), { code: 'conflict' });
        assert.equal((await store.getMessage(WS, mb2.id))?.providerMessageId, null);
        await store.transaction((tx) => tx.moveCaseContents(WS, b.kase.id, a.kase.id));
        assert.deepEqual((await store.listMessages(WS, { caseId: a.kase.id, limit: 10 })).items.map((m) => m.id), [ma.id, mb.id, mb2.id]);
        assert.equal((await store.getMessage(WS, mb.id))?.caseId, a.kase.id);
        assert.deepEqual((await store.listMessages(WS, { caseId: b.kase.id, limit: 10 })).items, []);
        assert.deepEqual((await store.listConversations(WS, a.kase.id)).map((c) => c.id), [a.conversation.id, b.conversation.id]);
        assert.equal((await store.getConversation(WS, b.conversation.id))?.caseId, a.kase.id);
      });
    });

    area('events', () => {
      it('gives each workspace its own strictly increasing seq, from 1', async () => {
        await seedWorkspace(store, OTHER_WS);
        const seqs = await store.transaction(async (tx) => [
          (await tx.appendEvent(makePresenceEvent())).seq,
          (await tx.appendEvent(makePresenceEvent({ workspaceId: OTHER_WS }))).seq,
          (await tx.appendEvent(makePresenceEvent())).seq,
        ]);
        assert.deepEqual(seqs, [1, 1, 2]);
        const more = await Promise.all(
          Array.from({ length: 12 }, (_, i) => store.transaction((tx) => tx.appendEvent(makePresenceEvent({ workspaceId: i % 3 ? WS : OTHER_WS })))),
        );
        const seqsOf = (ws: string) => more.filter((e) => e.workspaceId === ws).map((e) => e.seq).sort((x, y) => x - y);
        assert.deepEqual(seqsOf(WS), [3, 4, 5, 6, 7, 8, 9, 10]);
        assert.deepEqual(seqsOf(OTHER_WS), [2, 3, 4, 5]);
        assert.equal(await store.lastSeq(WS), 10);
        assert.equal(await store.lastSeq(OTHER_WS), 5);
        assert.equal(await store.lastSeq('ws_empty'), 0);
        const events = await store.listEvents(WS, { after: 0, limit: 100 });
        assert.deepEqual(events.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert.ok(events.every((e) => e.workspaceId === WS));
        for (const e of events) CaseEventSchema.parse(e);
      });

      it('lists events after a seq with a limit, by customer, and only public ones for visitors', async () => {
        const thread = await openThread(store, seeded.web);
        const other = await openThread(store, seeded.sms);
        const reply = await addMessage(store, thread, { text: 'hi', direction: 'outbound', authorKind: 'agent', authorId: seeded.agent.id });
        const note = await addMessage(store, thread, { text: 'VIP', internal: true, direction: 'outbound', authorKind: 'agent', authorId: seeded.agent.id });
        const elsewhere = await addMessage(store, other, { text: 'other' });
        const base = { workspaceId: WS, at: FIXTURE_TIME, actorId: null, caseId: thread.kase.id, customerId: thread.customer.id };
        const appended = await store.transaction(async (tx) => [
          await tx.appendEvent({ ...base, type: 'case.created', data: { case: thread.kase } }),
          await tx.appendEvent(makeMessageEvent(reply)),
          await tx.appendEvent(makeMessageEvent(note)),
          await tx.appendEvent(makeMessageEvent(elsewhere)),
          await tx.appendEvent({ ...base, type: 'message.status', data: { messageId: reply.id, status: 'read', internal: false } }),
          await tx.appendEvent({ ...base, type: 'message.status', data: { messageId: note.id, status: 'read', internal: true } }),
          await tx.appendEvent(makePresenceEvent()),
        ]);
        for (const e of appended) CaseEventSchema.parse(e);
        assert.deepEqual(await store.listEvents(WS, { after: 0, limit: 100 }), appended);
        assert.deepEqual((await store.listEvents(WS, { after: 2, limit: 3 })).map((e) => e.seq), [3, 4, 5]);
        assert.deepEqual((await store.listEvents(WS, { after: 7, limit: 3 })), []);
        assert.deepEqual((await store.listEvents(WS, { after: 0, limit: 100, customerId: thread.customer.id })).map((e) => e.seq), [1, 2, 3, 5, 6]);
        const visitor = await store.listEvents(WS, { after: 0, limit: 100, customerId: thread.customer.id, publicOnly: true });
        assert.deepEqual(visitor.map((e) => e.seq), [2, 5]);
        assert.deepEqual((await store.listEvents(WS, { after: 2, limit: 100, customerId: thread.customer.id, publicOnly: true })).map((e) => e.seq), [5]);
        assert.deepEqual((await store.listEvents(WS, { after: 0, limit: 100, publicOnly: true })).map((e) => e.seq), [2, 4, 5]);
      });

      it('lists the same events as their stored JSON, with seq, type and actor beside it (when the store offers it)', async (t) => {
        if (!store.listEventsJson) return t.skip('listEventsJson is optional');
        const thread = await openThread(store, seeded.web);
        const reply = await addMessage(store, thread, { text: 'hi', direction: 'outbound', authorKind: 'agent', authorId: seeded.agent.id });
        const note = await addMessage(store, thread, { text: 'VIP', internal: true, direction: 'outbound', authorKind: 'agent', authorId: seeded.agent.id });
        await store.transaction(async (tx) => {
          await tx.appendEvent(makeMessageEvent(reply));
          await tx.appendEvent(makeMessageEvent(note));
          await tx.appendEvent({
            workspaceId: WS,
            at: FIXTURE_TIME,
            actorId: seeded.agent.id,
            caseId: thread.kase.id,
            customerId: thread.customer.id,
            type: 'case.read',
            data: { readAt: FIXTURE_TIME },
          });
          await tx.appendEvent(makePresenceEvent());
        });
        const queries = [
          { after: 0, limit: 100 },
          { after: 1, limit: 2 },
          { after: 0, limit: 100, customerId: thread.customer.id },
          { after: 0, limit: 100, customerId: thread.customer.id, publicOnly: true },
        ];
        for (const query of queries) {
          const events = await store.listEvents(WS, query);
          const stored = await store.listEventsJson(WS, query);
          assert.deepEqual(stored.map((e) => JSON.parse(e.json) as unknown), events, JSON.stringify(query));
          assert.deepEqual(
            stored.map((e) => [e.seq, e.type, e.actorId]),
            events.map((e) => [e.seq, e.type, e.actorId]),
          );
        }
      });

      it('gives a customer\'s timeline newest first across cases, page by page', async () => {
        const a = await openThread(store, seeded.web);
        const b = await store.transaction(async (tx) => {
          const kase = makeCase({ number: await tx.nextCaseNumber(WS), customerId: a.customer.id, channels: ['sms'] });
          await tx.insertCase(kase);
          return kase;
        });
        const stranger = await openThread(store, seeded.sms);
        const base = { workspaceId: WS, at: FIXTURE_TIME, actorId: null };
        const mine: number[] = [];
        await store.transaction(async (tx) => {
          for (let i = 0; i < 7; i++) {
            const kase = i % 2 ? b : a.kase;
            mine.push((await tx.appendEvent({ ...base, caseId: kase.id, customerId: a.customer.id, type: 'case.created', data: { case: kase } })).seq);
            await tx.appendEvent({ ...base, caseId: stranger.kase.id, customerId: stranger.customer.id, type: 'case.created', data: { case: stranger.kase } });
          }
        });
        const { items, pages } = await collectPages((cursor) => store.timeline(WS, a.customer.id, 3, cursor));
        assert.deepEqual(items.map((e) => e.seq), [...mine].reverse());
        assert.equal(pages, 3);
        assert.ok(items.every((e) => e.customerId === a.customer.id));
        await assert.rejects(store.timeline(WS, a.customer.id, 3, 'nope'), { code: 'invalid_cursor' });
      });
    });

    area('transactions', () => {
      it('leaves no trace of a transaction that throws: no rows, no seq, no case number', async () => {
        const seq = await store.lastSeq(WS);
        const customer = makeCustomer({ emails: ['ghost@example.com'] });
        const kase = makeCase({ customerId: customer.id });
        const failure = new Error('provider said no');
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.insertCustomer(customer);
            await tx.insertCase({ ...kase, number: await tx.nextCaseNumber(WS) });
            await tx.appendEvent(makePresenceEvent());
            await tx.enqueueOutbox(makeOutboxItem());
            await tx.putIdempotent(WS, 'agent:1', 'key-1', { status: 201, body: {}, requestHash: 'h' });
            throw failure;
          }),
          (error) => error === failure,
        );
        assert.equal(await store.getCustomer(WS, customer.id), null);
        assert.equal(await store.findCustomerByEmail(WS, 'ghost@example.com'), null);
        assert.equal(await store.getCase(WS, kase.id), null);
        assert.equal(await store.lastSeq(WS), seq);
        assert.deepEqual(await store.listEvents(WS, { after: seq, limit: 10 }), []);
        assert.equal(await store.getIdempotent(WS, 'agent:1', 'key-1'), null);
        assert.deepEqual(await store.claimOutbox(new Date(FIXTURE_TIME), 1000, 10), []);
        const next = await store.transaction(async (tx) => ({ number: await tx.nextCaseNumber(WS), seq: (await tx.appendEvent(makePresenceEvent())).seq }));
        assert.deepEqual(next, { number: 1, seq: seq + 1 });
      });

      it('hides uncommitted writes from reads outside the transaction, and returns what the callback returns', async () => {
        const customer = makeCustomer();
        const result = await store.transaction(async (tx) => {
          await tx.insertCustomer(customer);
          assert.equal((await tx.getCustomer(WS, customer.id))?.id, customer.id, 'the transaction sees its own writes');
          assert.equal(await store.getCustomer(WS, customer.id), null, 'others see only committed data');
          return 'done';
        });
        assert.equal(result, 'done');
        assert.equal((await store.getCustomer(WS, customer.id))?.id, customer.id);
      });

      it('keeps concurrent transactions from losing each other\'s writes', async () => {
        const { kase } = await openThread(store, seeded.web);
        // Ten read-modify-write transactions at once on one case: each must see the one before.
        await Promise.all(
          Array.from({ length: 10 }, () =>
            store.transaction(async (tx) => {
              const current = (await tx.getCase(WS, kase.id))!;
              await new Promise((resolve) => setTimeout(resolve, 1));
              await tx.updateCase({ ...current, messageCount: current.messageCount + 1, version: current.version + 1 }, current.version);
            }),
          ),
        );
        const final = await store.getCase(WS, kase.id);
        assert.equal(final?.messageCount, 10);
        assert.equal(final?.version, 11);
      });

      it('runs one transaction at a time: awaits inside one never let another in', async () => {
        const pairs = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            store.transaction(async (tx) => {
              const a = await tx.appendEvent(makePresenceEvent());
              await new Promise((resolve) => setTimeout(resolve, (i * 3) % 5));
              const b = await tx.appendEvent(makePresenceEvent());
              return [a.seq, b.seq] as const;
            }),
          ),
        );
        for (const [a, b] of pairs) assert.equal(b, a + 1);
        assert.equal(await store.lastSeq(WS), 16);
      });

      it('undoes every kind of write of a transaction that throws', async () => {
        const a = await openThread(store, seeded.web, {
          customer: { emails: ['keep@example.com'], identities: [{ channelId: seeded.web.id, kind: 'webchat', externalId: 'keep' }] },
          kase: { tags: ['vip'] },
        });
        const b = await openThread(store, seeded.sms, { customer: { name: 'Bea Other' } });
        const message = await addMessage(store, a, { clientMessageId: 'c-keep', providerMessageId: 'P-keep' });
        await store.transaction(async (tx) => {
          await tx.appendEvent(makeMessageEvent(message));
          await tx.markCaseRead(WS, seeded.agent.id, a.kase.id, fixtureTime(10));
        });
        // Read outside a transaction and inside a later one: neither may keep anything of the failed one.
        const snapshot = async (reader: StoreReader = store) => ({
          workspace: await reader.getWorkspace(WS),
          channels: await reader.listChannels(WS),
          agents: await reader.listAgents(WS),
          customers: await Promise.all([a.customer.id, b.customer.id].map((id) => reader.getCustomer(WS, id))),
          byEmail: await reader.findCustomerByEmail(WS, 'keep@example.com'),
          byIdentity: await reader.findCustomerByIdentity(WS, seeded.web.id, 'keep'),
          cases: await reader.listCases(WS, { limit: 10 }),
          byTag: await reader.listCases(WS, { tag: 'vip', limit: 10 }),
          byText: await reader.listCases(WS, { q: 'internet', limit: 10 }),
          byCustomer: await reader.listCases(WS, { customerId: a.customer.id, limit: 10 }),
          conversations: await Promise.all([a.kase.id, b.kase.id].map((id) => reader.listConversations(WS, id))),
          messages: await Promise.all([
            ...[a.kase.id, b.kase.id].map((caseId) => reader.listMessages(WS, { caseId, limit: 10 })),
            ...[a.conversation.id, b.conversation.id].map((conversationId) => reader.listMessages(WS, { conversationId, limit: 10 })),
            ...[a.customer.id, b.customer.id].map((customerId) => reader.listMessages(WS, { customerId, limit: 10 })),
          ]),
          byClientId: await reader.findMessageByClientId(WS, a.customer.id, 'c-keep'),
          byProviderId: await reader.findMessageByProviderId(WS, seeded.web.id, 'P-keep'),
          events: await reader.listEvents(WS, { after: 0, limit: 10 }),
          timeline: await reader.timeline(WS, a.customer.id, 10),
          reads: await reader.getCaseReads(WS, seeded.agent.id, [a.kase.id, b.kase.id]),
        });
        const before = await snapshot();
        const failure = new Error('changed my mind');
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.putWorkspace(makeWorkspace({ name: 'Renamed' }));
            await tx.insertChannel(makeChannel({ name: 'New' }));
            await tx.updateAgent({ ...seeded.agent, presence: 'away', email: 'moved@example.com' });
            await tx.updateCustomer({ ...a.customer, name: 'Changed', emails: ['changed@example.com'], identities: [] });
            await tx.mergeCustomer(WS, b.customer.id, a.customer.id);
            await tx.updateCase({ ...a.kase, status: 'open', assigneeId: seeded.agent.id, tags: ['changed'], subject: 'Changed words', lastActivityAt: fixtureTime(99), version: 2 }, 1);
            await tx.moveCaseContents(WS, a.kase.id, b.kase.id);
            await tx.updateConversation({ ...b.conversation, externalThreadId: 'thread-new', lastMessageAt: fixtureTime(99) });
            await tx.updateMessageDelivery(WS, message.id, { status: 'failed', providerMessageId: 'SM-rolled-back' });
            await tx.updateChannel({ ...seeded.sms, enabled: false });
            await tx.markCaseRead(WS, seeded.agent.id, a.kase.id, fixtureTime(50));
            await tx.markCaseRead(WS, seeded.agent.id, b.kase.id, fixtureTime(50));
            await tx.appendEvent(makePresenceEvent());
            throw failure;
          }),
          (error) => error === failure,
        );
        assert.deepEqual(await snapshot(), before);
        assert.deepEqual(await store.transaction((tx) => snapshot(tx)), before);
        assert.equal(await store.findConversationByThread(WS, seeded.sms.id, 'thread-new'), null);
        assert.equal(await store.getAgentByEmail(WS, 'moved@example.com'), null);
        assert.equal(await store.findMessageByProviderId(WS, seeded.sms.id, 'SM-rolled-back'), null);
        assert.equal((await store.getChannel(WS, seeded.sms.id))?.enabled, true);
      });

      it('goes on past a call that failed inside it, with nothing of that call written', async () => {
        const a = await openThread(store, seeded.web, { customer: { identities: [{ channelId: seeded.web.id, kind: 'webchat', externalId: 'taken' }] } });
        const seq = await store.lastSeq(WS);
        await store.transaction(async (tx) => {
          await assert.rejects(tx.insertCustomer(makeCustomer({ emails: ['intruder@example.com'], identities: a.customer.identities })), { code: 'conflict' });
          await assert.rejects(tx.insertCase(makeCase({ number: 77, customerId: 'cu_nobody' })), { code: 'not_found' });
          await assert.rejects(tx.insertConversation(makeConversation({ caseId: 'c_nowhere', externalThreadId: 'orphan' })), { code: 'not_found' });
          await assert.rejects(tx.insertMessage(makeMessage({ caseId: 'c_nowhere', providerMessageId: 'P-orphan' })), { code: 'not_found' });
          await assert.rejects(tx.mergeCustomer(WS, a.customer.id, a.customer.id), { code: 'bad_request' });
          await assert.rejects(tx.updateCase({ ...a.kase, subject: 'Stale', version: 5 }, 4), { code: 'version_conflict' });
          await tx.appendEvent(makePresenceEvent());
        });
        assert.equal(await store.findCustomerByEmail(WS, 'intruder@example.com'), null);
        assert.equal((await store.findCustomerByIdentity(WS, seeded.web.id, 'taken'))?.id, a.customer.id);
        assert.deepEqual((await store.listCases(WS, { q: '77', limit: 10 })).items, []);
        assert.equal(await store.findConversationByThread(WS, seeded.web.id, 'orphan'), null);
        assert.equal(await store.findMessageByProviderId(WS, 'ch_missing', 'P-orphan'), null);
        assert.deepEqual(await store.getCase(WS, a.kase.id), a.kase);
        assert.equal(await store.lastSeq(WS), seq + 1);
      });

      it('shows reads outside an open transaction only what was committed, through every lookup', async () => {
        const a = await openThread(store, seeded.web);
        const seq = await store.lastSeq(WS);
        const customer = makeCustomer({
          name: 'Uncommitted Person',
          emails: ['pending@example.com'],
          phones: ['+14155550123'],
          identities: [{ channelId: seeded.sms.id, kind: 'sms', externalId: '+14155550123' }],
        });
        const message = makeMessage({
          caseId: a.kase.id,
          conversationId: a.conversation.id,
          customerId: a.customer.id,
          channelId: seeded.web.id,
          providerMessageId: 'P-pending',
          clientMessageId: 'C-pending',
        });
        const outside = async () => ({
          byEmail: await store.findCustomerByEmail(WS, 'pending@example.com'),
          byPhone: await store.findCustomerByPhone(WS, '+14155550123'),
          byIdentity: await store.findCustomerByIdentity(WS, seeded.sms.id, '+14155550123'),
          kase: (await store.getCase(WS, a.kase.id))?.version,
          open: (await store.listCases(WS, { status: ['open'], limit: 10 })).items.length,
          tagged: (await store.listCases(WS, { tag: 'hidden', limit: 10 })).items.length,
          text: (await store.listCases(WS, { q: 'hidden', limit: 10 })).items.length,
          mine: (await store.listCases(WS, { assignee: seeded.agent.id, limit: 10 })).items.length,
          seq: await store.lastSeq(WS),
          events: (await store.listEvents(WS, { after: seq, limit: 10 })).length,
          reads: await store.getCaseReads(WS, seeded.agent.id, [a.kase.id]),
          idempotent: await store.getIdempotent(WS, 'agent:1', 'key-pending'),
          byProviderId: await store.findMessageByProviderId(WS, seeded.web.id, 'P-pending'),
          byClientId: await store.findMessageByClientId(WS, a.customer.id, 'C-pending'),
          messages: (await store.listMessages(WS, { caseId: a.kase.id, limit: 10 })).items.length,
        });
        const before = await outside();
        await store.transaction(async (tx) => {
          await tx.insertCustomer(customer);
          await tx.updateCase({ ...a.kase, status: 'open', assigneeId: seeded.agent.id, tags: ['hidden'], subject: 'Hidden words', lastActivityAt: fixtureTime(500), version: 2 }, 1);
          await tx.insertMessage(message);
          await tx.appendEvent(makeMessageEvent(message));
          await tx.markCaseRead(WS, seeded.agent.id, a.kase.id, fixtureTime(500));
          await tx.putIdempotent(WS, 'agent:1', 'key-pending', { status: 201, body: {}, requestHash: 'h' });
          assert.deepEqual(await outside(), before);
        });
        const after = await outside();
        assert.equal(after.byEmail?.id, customer.id);
        assert.equal(after.byIdentity?.id, customer.id);
        assert.deepEqual([after.kase, after.open, after.tagged, after.text, after.mine], [2, 1, 1, 1, 1]);
        assert.deepEqual([after.seq, after.events, after.messages], [seq + 1, 1, 1]);
        assert.equal(after.byClientId?.id, message.id);
      });

      it(`commits ${MAX_CASES_PER_TRANSACTION} cases, each with a conversation, a message and an event, in one transaction, new and then changed`, async () => {
        const customer = makeCustomer();
        await store.transaction((tx) => tx.insertCustomer(customer));
        const threads = Array.from({ length: MAX_CASES_PER_TRANSACTION }, (_, i) => {
          const kase = makeCase({ number: i + 1, customerId: customer.id, tags: ['vip', 'billing'], team: 'billing', lastActivityAt: fixtureTime(i) });
          const conversation = makeConversation({ caseId: kase.id, customerId: customer.id, channelId: seeded.web.id, channelKind: 'webchat', externalThreadId: `bound-${i}` });
          return { customer, kase, conversation };
        });
        const messageOn = (t: Thread, text: string) =>
          makeMessage({ caseId: t.kase.id, conversationId: t.conversation.id, customerId: customer.id, channelId: seeded.web.id, channelKind: 'webchat', text, providerMessageId: `P-${text}-${t.kase.id}` });
        await store.transaction(async (tx) => {
          for (const t of threads) {
            const message = messageOn(t, 'first');
            await tx.insertCase(t.kase);
            await tx.insertConversation(t.conversation);
            await tx.insertMessage(message);
            await tx.appendEvent(makeMessageEvent(message));
          }
        });
        // The heaviest change of a case: every list it is on moves (status, assignee, team, activity).
        await store.transaction(async (tx) => {
          for (const [i, t] of threads.entries()) {
            const message = messageOn(t, 'second');
            await tx.updateCase({ ...t.kase, status: 'open', assigneeId: seeded.agent.id, team: 'tech', messageCount: 2, lastActivityAt: fixtureTime(100 + i), version: 2 }, 1);
            await tx.updateConversation({ ...t.conversation, lastMessageAt: fixtureTime(100 + i) });
            await tx.insertMessage(message);
            await tx.appendEvent(makeMessageEvent(message));
          }
        });
        const expected = threads.map((t) => t.kase.id).reverse();
        assert.deepEqual((await store.listCases(WS, { status: ['open'], assignee: seeded.agent.id, team: 'tech', limit: 50 })).items.map((c) => c.id), expected);
        assert.deepEqual((await store.listCases(WS, { status: ['new'], limit: 50 })).items, []);
        assert.equal((await store.listMessages(WS, { customerId: customer.id, limit: 50 })).items.length, 2 * threads.length);
        assert.equal(await store.lastSeq(WS), 2 * threads.length);
      });

      const MANY_CASES = 60;
      /** A transaction of `MANY_CASES` cases of a new customer, with a case number each and an event. */
      const manyCases = async (tx: StoreTx, customer: Customer) => {
        await tx.insertCustomer(customer);
        for (let i = 0; i < MANY_CASES; i++) await tx.insertCase(makeCase({ number: await tx.nextCaseNumber(WS), customerId: customer.id }));
        await tx.appendEvent(makePresenceEvent());
      };
      if (options.boundedTransactions) {
        it(`refuses a transaction of ${MANY_CASES} cases, past its bound, writing none of it, and goes on`, async () => {
          const customer = makeCustomer();
          await assert.rejects(store.transaction((tx) => manyCases(tx, customer)), { code: 'payload_too_large' });
          assert.equal(await store.getCustomer(WS, customer.id), null);
          assert.deepEqual((await store.listCases(WS, { limit: 10 })).items, []);
          assert.equal(await store.lastSeq(WS), 0);
          assert.equal(await store.transaction((tx) => tx.nextCaseNumber(WS)), 1, 'no case number was used');
        });
      } else {
        it(`commits ${MANY_CASES} cases in one transaction, all or nothing`, async () => {
          const failure = new Error('not this time');
          const ghost = makeCustomer();
          await assert.rejects(
            store.transaction(async (tx) => {
              await manyCases(tx, ghost);
              throw failure;
            }),
            (error) => error === failure,
          );
          assert.equal(await store.getCustomer(WS, ghost.id), null);
          assert.deepEqual((await store.listCases(WS, { limit: 10 })).items, []);
          const customer = makeCustomer();
          await store.transaction((tx) => manyCases(tx, customer));
          const cases = (await store.listCases(WS, { customerId: customer.id, limit: 100 })).items;
          assert.deepEqual(cases.map((c) => c.number).sort((x, y) => x - y), Array.from({ length: MANY_CASES }, (_, i) => i + 1));
          assert.equal(await store.lastSeq(WS), 1);
        });
      }

      it('keeps only the last run of a callback that ran again after a lost race', async () => {
        const a = await openThread(store, seeded.web);
        let runs = 0;
        let otherCommitted!: () => void;
        const committed = new Promise<void>((resolve) => (otherCommitted = resolve));
        const slow = store.transaction(async (tx) => {
          const run = ++runs;
          const current = (await tx.getCase(WS, a.kase.id))!;
          // Every run writes under new ids and keys: none of an earlier run's may be left.
          const message = makeMessage({ caseId: a.kase.id, conversationId: a.conversation.id, customerId: a.customer.id, channelId: seeded.web.id, providerMessageId: `P-run-${run}` });
          await tx.insertMessage(message);
          await tx.appendEvent(makeMessageEvent(message));
          await tx.putRecord(WS, 'runs', `run-${run}`, { run }, fixtureTime(run));
          // A store that runs transactions side by side lets the other commit now, so this run loses;
          // one that runs them one at a time keeps the other waiting until this one is done.
          if (run === 1) await Promise.race([committed, sleep(100)]);
          await tx.updateCase({ ...current, messageCount: current.messageCount + 1, version: current.version + 1 }, current.version);
          return message;
        });
        await store.transaction(async (tx) => {
          const current = (await tx.getCase(WS, a.kase.id))!;
          await tx.updateCase({ ...current, subject: 'Changed meanwhile', version: current.version + 1 }, current.version);
        });
        otherCommitted();
        const kept = await slow;
        assert.equal(kept.providerMessageId, `P-run-${runs}`);
        assert.deepEqual((await store.listMessages(WS, { caseId: a.kase.id, limit: 10 })).items.map((m) => m.id), [kept.id]);
        assert.deepEqual((await store.listEvents(WS, { after: 0, limit: 10 })).map((e) => (e.data as { message?: Message }).message?.id), [kept.id]);
        assert.deepEqual((await store.listRecords(WS, 'runs', { limit: 10 })).map((r) => r.key), [`run-${runs}`]);
        for (let run = 1; run < runs; run++) assert.equal(await store.findMessageByProviderId(WS, seeded.web.id, `P-run-${run}`), null);
        const final = await store.getCase(WS, a.kase.id);
        assert.deepEqual([final?.subject, final?.messageCount, final?.version], ['Changed meanwhile', 1, 3]);
      });

      it('refuses a tx used after its transaction ended, committed or not', async () => {
        let committed: StoreTx | undefined;
        await store.transaction(async (tx) => {
          committed = tx;
        });
        let failed: StoreTx | undefined;
        await assert.rejects(
          store.transaction(async (tx) => {
            failed = tx;
            throw new Error('no');
          }),
        );
        for (const tx of [committed!, failed!]) {
          await assert.rejects(tx.lastSeq(WS));
          await assert.rejects(tx.appendEvent(makePresenceEvent()));
          await assert.rejects(tx.insertCustomer(makeCustomer({ emails: ['late@example.com'] })));
        }
        assert.equal(await store.lastSeq(WS), 0);
        assert.equal(await store.findCustomerByEmail(WS, 'late@example.com'), null);
      });
    });

    area('outbox', () => {
      const t0 = new Date(FIXTURE_TIME);
      const at = (ms: number) => new Date(t0.getTime() + ms);

      it('claims due items once per lease, in due order, up to the limit', async () => {
        const items = [0, 1, 2, 3].map((i) => makeOutboxItem({ nextAttemptAt: at(i * 10).toISOString() }));
        const later = makeOutboxItem({ nextAttemptAt: at(60_000).toISOString() });
        await store.transaction(async (tx) => {
          for (const item of [later, ...items].reverse()) await tx.enqueueOutbox(item);
        });
        const claimed = await store.claimOutbox(at(30), 5_000, 3);
        assert.deepEqual(claimed.map((i) => i.id), items.slice(0, 3).map((i) => i.id));
        assert.ok(claimed.every((i) => i.leaseUntil === at(5_030).toISOString()));
        assert.deepEqual(claimed[0], { ...items[0], leaseUntil: at(5_030).toISOString() });
        assert.deepEqual((await store.claimOutbox(at(40), 5_000, 10)).map((i) => i.id), [items[3]!.id], 'leased items are not claimed again');
        assert.deepEqual(await store.claimOutbox(at(5_000), 5_000, 10), []);
        // Once the lease runs out, the items are due again.
        const again = await store.claimOutbox(at(5_030), 5_000, 10);
        assert.deepEqual(again.map((i) => i.id), items.slice(0, 3).map((i) => i.id));
      });

      it('gives concurrent claims disjoint items', async () => {
        const items = Array.from({ length: 10 }, () => makeOutboxItem());
        await store.transaction(async (tx) => {
          for (const item of items) await tx.enqueueOutbox(item);
        });
        const [a, b, c] = await Promise.all([store.claimOutbox(t0, 1000, 4), store.claimOutbox(t0, 1000, 4), store.claimOutbox(t0, 1000, 4)]);
        const ids = [...a!, ...b!, ...c!].map((i) => i.id);
        assert.equal(ids.length, 10);
        assert.equal(new Set(ids).size, 10);
      });

      it('completes, retries with a recorded error, and drops an item with no retry', async () => {
        const [done, retry, drop] = [makeOutboxItem(), makeOutboxItem(), makeOutboxItem()];
        await store.transaction(async (tx) => {
          for (const item of [done, retry, drop]) await tx.enqueueOutbox(item);
        });
        assert.equal((await store.claimOutbox(t0, 1000, 10)).length, 3);
        await store.completeOutbox(WS, done.id);
        await store.failOutbox(WS, retry.id, 'provider 503', at(10_000));
        await store.failOutbox(WS, drop.id, 'number blocked', null);
        assert.deepEqual(await store.claimOutbox(at(9_999), 1000, 10), [], 'a retried item waits for its time, even after the lease');
        const [again] = await store.claimOutbox(at(10_000), 1000, 10);
        assert.equal(again?.id, retry.id);
        assert.equal(again?.attempts, 1);
        assert.equal(again?.lastError, 'provider 503');
        assert.equal(again?.nextAttemptAt, at(10_000).toISOString());
        // The completed and the dropped item are gone for good.
        assert.deepEqual((await store.claimOutbox(at(1_000_000), 1000, 10)).map((i) => i.id), [retry.id]);
      });

      it('makes a failed item due at its retry time even within its old lease, counting every attempt', async () => {
        const item = makeOutboxItem();
        await store.transaction((tx) => tx.enqueueOutbox(item));
        assert.equal((await store.claimOutbox(t0, 60_000, 10)).length, 1);
        await store.failOutbox(WS, item.id, 'first', at(1_000));
        const [again] = await store.claimOutbox(at(1_000), 60_000, 10);
        assert.deepEqual([again?.id, again?.attempts, again?.lastError, again?.leaseUntil], [item.id, 1, 'first', at(61_000).toISOString()]);
        await store.failOutbox(WS, item.id, 'second', at(2_000));
        const [third] = await store.claimOutbox(at(2_000), 60_000, 10);
        assert.deepEqual([third?.attempts, third?.lastError], [2, 'second']);
      });

      it('claims the due items of every workspace, and completes or fails only the named workspace\'s item', async () => {
        await seedWorkspace(store, OTHER_WS);
        const mine = makeOutboxItem({ id: 'ob_shared' });
        const theirs = makeOutboxItem({ id: 'ob_shared', workspaceId: OTHER_WS, nextAttemptAt: at(5).toISOString() });
        await store.transaction(async (tx) => {
          await tx.enqueueOutbox(mine);
          await tx.enqueueOutbox(theirs);
        });
        assert.deepEqual((await store.claimOutbox(at(10), 1_000, 10)).map((i) => i.workspaceId), [WS, OTHER_WS]);
        await store.completeOutbox(WS, 'ob_shared');
        await store.failOutbox('ws_nowhere', 'ob_shared', 'wrong workspace', null);
        const left = await store.claimOutbox(at(2_000), 1_000, 10);
        assert.deepEqual(left.map((i) => [i.workspaceId, i.attempts]), [[OTHER_WS, 0]]);
      });
    });

    area('timers', () => {
      const t0 = new Date(FIXTURE_TIME);
      const at = (ms: number) => new Date(t0.getTime() + ms);
      const timer = (overrides: Partial<TimerInput> = {}): TimerInput => ({
        workspaceId: WS,
        key: 'sla:c_1',
        kind: 'sla',
        dueAt: at(0).toISOString(),
        payload: { caseId: 'c_1', clock: 'firstResponse' },
        ...overrides,
      });
      const set = (...timers: TimerInput[]) =>
        store.transaction(async (tx) => {
          for (const input of timers) await tx.setTimer(input);
        });
      const keys = (timers: readonly { key: string }[]) => timers.map((t) => t.key);

      it('stores a timer with the transaction that sets it, and reads it back', async () => {
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.setTimer(timer());
            assert.equal((await tx.getTimer(WS, 'sla:c_1'))?.kind, 'sla', 'visible inside its transaction');
            throw new Error('rolled back');
          }),
          /rolled back/,
        );
        assert.equal(await store.getTimer(WS, 'sla:c_1'), null, 'a rolled-back transaction schedules nothing');
        assert.equal(await store.nextTimerAt(), null);
        await set(timer({ dueAt: '2026-03-02T09:00:00Z' }));
        const stored = await store.getTimer(WS, 'sla:c_1');
        assert.ok(stored && Number.isSafeInteger(stored.version));
        assert.deepEqual(stored, {
          ...timer(),
          dueAt: '2026-03-02T09:00:00.000Z',
          runAt: '2026-03-02T09:00:00.000Z',
          version: stored.version,
          attempts: 0,
          leaseUntil: null,
          lastError: null,
        });
        assert.equal(await store.getTimer(WS, 'sla:c_2'), null);
        assert.equal(await store.getTimer(OTHER_WS, 'sla:c_1'), null);
      });

      it('refuses a bad timer naming the field, and keeps the transaction going with nothing stored', async () => {
        const bad: [Partial<TimerInput>, string][] = [
          [{ dueAt: 'tomorrow' }, 'dueAt'],
          [{ key: '' }, 'key'],
          [{ key: 'k'.repeat(201) }, 'key'],
          [{ kind: 'has space' }, 'kind'],
          [{ payload: [] as unknown as Record<string, unknown> }, 'payload'],
          [{ payload: { big: 'x'.repeat(9000) } }, 'payload'],
        ];
        await store.transaction(async (tx) => {
          for (const [overrides, path] of bad) {
            await assert.rejects(tx.setTimer(timer({ key: `bad:${path}`, ...overrides })), (error: { code?: string; details?: { issues?: { path: string }[] } }) => {
              assert.equal(error.code, 'validation_failed');
              assert.equal(error.details?.issues?.[0]?.path, path);
              return true;
            });
          }
          await tx.setTimer(timer());
        });
        assert.deepEqual(keys(await store.claimTimers(at(0), 1000, 10)), ['sla:c_1']);
      });

      it('reschedules a key as a new timer: new due time and payload, new version, no lease', async () => {
        await set(timer());
        const first = (await store.claimTimers(at(0), 60_000, 10))[0]!;
        await set(timer({ dueAt: at(500).toISOString(), payload: { caseId: 'c_1', clock: 'resolution' } }));
        const second = (await store.getTimer(WS, 'sla:c_1'))!;
        assert.ok(second.version > first.version);
        assert.deepEqual([second.dueAt, second.runAt, second.leaseUntil, second.payload], [at(500).toISOString(), at(500).toISOString(), null, { caseId: 'c_1', clock: 'resolution' }]);
        assert.deepEqual(await store.claimTimers(at(499), 60_000, 10), [], 'the old due time is gone');
        assert.deepEqual((await store.claimTimers(at(500), 60_000, 10)).map((t) => t.version), [second.version], 'one timer per key, claimable despite the old lease');
      });

      it('clears a timer; clearing one that is not there does nothing', async () => {
        await set(timer(), timer({ key: 'sla:c_2' }));
        await store.transaction(async (tx) => {
          await tx.clearTimer(WS, 'sla:c_1');
          await tx.clearTimer(WS, 'sla:nowhere');
        });
        assert.equal(await store.getTimer(WS, 'sla:c_1'), null);
        assert.deepEqual(keys(await store.claimTimers(at(1_000), 1000, 10)), ['sla:c_2']);
      });

      it('claims only due timers, earliest first, up to the limit, and leases them', async () => {
        await set(...[30, 0, 20, 10, 60_000].map((ms) => timer({ key: `t${ms}`, dueAt: at(ms).toISOString() })));
        assert.equal((await store.nextTimerAt())?.toISOString(), at(0).toISOString());
        const claimed = await store.claimTimers(at(25), 5_000, 2);
        assert.deepEqual(keys(claimed), ['t0', 't10']);
        assert.ok(claimed.every((t) => t.leaseUntil === at(5_025).toISOString() && t.runAt === t.leaseUntil));
        assert.deepEqual(keys(await store.claimTimers(at(25), 5_000, 10)), ['t20'], 'not yet due and already leased timers are left');
        assert.equal((await store.getTimer(WS, 't0'))?.leaseUntil, at(5_025).toISOString());
        assert.equal((await store.nextTimerAt())?.toISOString(), at(30).toISOString());
      });

      it('claims a leased timer again only once its lease has run out', async () => {
        await set(timer());
        const [first] = await store.claimTimers(at(0), 5_000, 10);
        assert.deepEqual(await store.claimTimers(at(4_999), 5_000, 10), []);
        const [again] = await store.claimTimers(at(5_000), 5_000, 10);
        assert.deepEqual([again?.version, again?.attempts, again?.leaseUntil], [first?.version, 0, at(10_000).toISOString()]);
      });

      it('completes only the version claimed: a timer rescheduled while it ran is kept', async () => {
        await set(timer());
        const [claimed] = await store.claimTimers(at(0), 60_000, 10);
        await set(timer({ dueAt: at(1_000).toISOString() }));
        await store.completeTimer(WS, 'sla:c_1', claimed!.version);
        await store.failTimer(WS, 'sla:c_1', claimed!.version, 'stale', null);
        const kept = await store.getTimer(WS, 'sla:c_1');
        assert.deepEqual([kept?.dueAt, kept?.attempts, kept?.lastError], [at(1_000).toISOString(), 0, null]);
        const [next] = await store.claimTimers(at(1_000), 60_000, 10);
        await store.completeTimer(WS, 'sla:c_1', next!.version);
        assert.equal(await store.getTimer(WS, 'sla:c_1'), null);
        assert.equal(await store.nextTimerAt(), null);
      });

      it('a timer cleared and set again while its claim ran is not completed by that claim', async () => {
        await set(timer());
        const [claimed] = await store.claimTimers(at(0), 60_000, 10);
        await store.transaction((tx) => tx.clearTimer(WS, 'sla:c_1'));
        await set(timer({ dueAt: at(2_000).toISOString() }));
        await store.completeTimer(WS, 'sla:c_1', claimed!.version);
        assert.equal((await store.getTimer(WS, 'sla:c_1'))?.dueAt, at(2_000).toISOString());
      });

      it('makes a failed timer due again at its retry time, counting attempts, and drops it with no retry', async () => {
        await set(timer(), timer({ key: 'drop' }));
        const claimed = await store.claimTimers(at(0), 60_000, 10);
        const version = (k: string) => claimed.find((t) => t.key === k)!.version;
        await store.failTimer(WS, 'sla:c_1', version('sla:c_1'), 'engine unavailable', at(2_000));
        await store.failTimer(WS, 'drop', version('drop'), 'no handler', null);
        assert.equal(await store.getTimer(WS, 'drop'), null);
        assert.deepEqual(await store.claimTimers(at(1_999), 60_000, 10), []);
        const [again] = await store.claimTimers(at(2_000), 60_000, 10);
        assert.deepEqual(
          [again?.key, again?.attempts, again?.lastError, again?.dueAt, again?.version],
          ['sla:c_1', 1, 'engine unavailable', at(0).toISOString(), version('sla:c_1')],
          'the due time stays the scheduled one',
        );
        await store.failTimer(WS, 'sla:c_1', again!.version, 'again', at(3_000));
        assert.equal((await store.getTimer(WS, 'sla:c_1'))?.attempts, 2);
      });

      it('gives concurrent claims disjoint timers', async () => {
        await set(...Array.from({ length: 10 }, (_, i) => timer({ key: `k${i}` })));
        const [a, b, c] = await Promise.all([store.claimTimers(t0, 1000, 4), store.claimTimers(t0, 1000, 4), store.claimTimers(t0, 1000, 4)]);
        const claimed = keys([...a!, ...b!, ...c!]);
        assert.equal(claimed.length, 10);
        assert.equal(new Set(claimed).size, 10);
      });

      it('keeps workspaces apart: one key is two timers, each claimed, completed and cleared alone', async () => {
        await set(timer({ dueAt: at(10).toISOString() }), timer({ workspaceId: OTHER_WS, dueAt: at(5).toISOString(), payload: { theirs: true } }));
        const claimed = await store.claimTimers(at(10), 1_000, 10);
        assert.deepEqual(claimed.map((t) => t.workspaceId), [OTHER_WS, WS]);
        const mine = claimed.find((t) => t.workspaceId === WS)!;
        await store.completeTimer(WS, 'sla:c_1', mine.version);
        await store.failTimer('ws_nowhere', 'sla:c_1', mine.version, 'wrong workspace', null);
        await store.transaction((tx) => tx.clearTimer('ws_nowhere', 'sla:c_1'));
        assert.equal(await store.getTimer(WS, 'sla:c_1'), null);
        assert.deepEqual((await store.getTimer(OTHER_WS, 'sla:c_1'))?.payload, { theirs: true });
      });

      it('returns copies: changing what went in or came out changes nothing stored', async () => {
        const input = timer({ payload: { nested: { list: [1] } } });
        await set(input);
        (input.payload.nested as { list: number[] }).list.push(2);
        const [claimed] = await store.claimTimers(at(0), 1_000, 10);
        (claimed!.payload.nested as { list: number[] }).list.push(3);
        claimed!.leaseUntil = null;
        const stored = await store.getTimer(WS, 'sla:c_1');
        assert.deepEqual([stored?.payload, stored?.leaseUntil], [{ nested: { list: [1] } }, at(1_000).toISOString()]);
      });
    });

    area('records', () => {
      const ACCOUNTS = 'splynx.accounts';
      const LATER = '2026-03-02T10:30:00.000Z';
      const put = (collection: string, entries: Record<string, unknown>, ws = WS, at = FIXTURE_TIME) =>
        store.transaction(async (tx) => {
          for (const [key, value] of Object.entries(entries)) await tx.putRecord(ws, collection, key, value, at);
        });
      const keysOf = (records: readonly { key: string }[]) => records.map((r) => r.key);
      /** Reads every page of `query`, `limit` at a time, each from the last key of the one before. */
      async function pageAll(query: Omit<RecordQuery, 'limit' | 'after'>, limit: number): Promise<string[]> {
        const keys: string[] = [];
        let after: string | undefined;
        for (let pages = 0; pages < 100; pages++) {
          const page = await store.listRecords(WS, ACCOUNTS, { ...query, limit, ...(after !== undefined && { after }) });
          assert.ok(page.length <= limit);
          keys.push(...keysOf(page));
          if (page.length < limit) return keys;
          after = page[page.length - 1]!.key;
        }
        assert.fail('paging did not end');
      }

      it('stores a record with the transaction that writes it: visible inside it, gone when it throws', async () => {
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.putRecord(WS, ACCOUNTS, 'cust:1', { name: 'Ada' }, FIXTURE_TIME);
            assert.deepEqual(await tx.getRecord(WS, ACCOUNTS, 'cust:1'), { key: 'cust:1', value: { name: 'Ada' }, updatedAt: FIXTURE_TIME });
            assert.deepEqual(keysOf(await tx.listRecords(WS, ACCOUNTS, { limit: 10 })), ['cust:1']);
            assert.equal(await tx.countRecords(WS, ACCOUNTS), 1);
            throw new Error('rolled back');
          }),
          /rolled back/,
        );
        assert.equal(await store.getRecord(WS, ACCOUNTS, 'cust:1'), null, 'a rolled-back transaction stores nothing');
        assert.deepEqual(await store.listRecords(WS, ACCOUNTS, { limit: 10 }), []);
        assert.equal(await store.countRecords(WS, ACCOUNTS), 0);
        await put(ACCOUNTS, { 'cust:1': { name: 'Ada', services: [{ id: 7, plan: 'fiber' }] } });
        assert.deepEqual(await store.getRecord(WS, ACCOUNTS, 'cust:1'), {
          key: 'cust:1',
          value: { name: 'Ada', services: [{ id: 7, plan: 'fiber' }] },
          updatedAt: FIXTURE_TIME,
        });
      });

      it('replaces a record on a second put and removes it on delete; deleting a missing key does nothing', async () => {
        await put(ACCOUNTS, { 'cust:1': { balance: 10 }, 'cust:2': { balance: 0 } });
        await put(ACCOUNTS, { 'cust:1': { balance: 25, overdue: true } }, WS, LATER);
        assert.deepEqual(await store.getRecord(WS, ACCOUNTS, 'cust:1'), { key: 'cust:1', value: { balance: 25, overdue: true }, updatedAt: LATER });
        assert.equal(await store.countRecords(WS, ACCOUNTS), 2);
        await store.transaction(async (tx) => {
          await tx.deleteRecord(WS, ACCOUNTS, 'cust:1');
          await tx.deleteRecord(WS, ACCOUNTS, 'cust:404');
          assert.equal(await tx.getRecord(WS, ACCOUNTS, 'cust:1'), null, 'deleted inside its transaction');
        });
        assert.equal(await store.getRecord(WS, ACCOUNTS, 'cust:1'), null);
        assert.deepEqual(keysOf(await store.listRecords(WS, ACCOUNTS, { limit: 10 })), ['cust:2']);
        assert.equal(await store.countRecords(WS, ACCOUNTS), 1);
      });

      it('lists keys in UTF-8 byte order, by prefix, and pages through each key once in both directions', async () => {
        // 'ｱ' (U+FF71) sorts before '😀' (U+1F600) in UTF-8 but after it in UTF-16; % and _ are not wildcards; case counts.
        const keys = ['a', 'a/1', 'a/10', 'a/2', 'a/ｱ', 'a/😀', 'a%', 'a_', 'ab', 'A', 'B', 'é', 'ｱ', '😀', 'x\u{10FFFF}', 'x\u{10FFFF}y', 'xy'];
        await put(ACCOUNTS, Object.fromEntries(keys.map((key, i) => [key, { i }])));
        const sorted = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
        const listed = await store.listRecords(WS, ACCOUNTS, { limit: 100 });
        assert.deepEqual(keysOf(listed), sorted);
        assert.deepEqual(listed[0], { key: 'A', value: { i: keys.indexOf('A') }, updatedAt: FIXTURE_TIME });
        for (const prefix of ['', 'a', 'a/', 'a%', 'a_', 'A', 'x\u{10FFFF}', 'ｱ', 'zzz']) {
          const expected = sorted.filter((key) => key.startsWith(prefix));
          for (const limit of [1, 2, 5]) {
            assert.deepEqual(await pageAll({ prefix }, limit), expected, `prefix "${prefix}", ${limit} a page`);
            assert.deepEqual(await pageAll({ prefix, reverse: true }, limit), [...expected].reverse(), `prefix "${prefix}", ${limit} a page, reversed`);
          }
        }
        assert.deepEqual(keysOf(await store.listRecords(WS, ACCOUNTS, { after: 'a/2', limit: 3 })), ['a/ｱ', 'a/😀', 'a_']);
        assert.deepEqual(keysOf(await store.listRecords(WS, ACCOUNTS, { after: 'a/2', limit: 3, reverse: true })), ['a/10', 'a/1', 'a%']);
        assert.deepEqual(keysOf(await store.listRecords(WS, ACCOUNTS, { after: 'a/', prefix: 'a/', limit: 2 })), ['a/1', 'a/10'], 'a key that is not stored bounds a page too');
      });

      it('counts and lists per workspace and collection: no other one\'s records show', async () => {
        await put(ACCOUNTS, { 'cust:1': { ws: 'mine' }, 'cust:2': {}, 'cust:3': {} });
        await put('splynx.links', { 'cust:1': { caseId: 'c_1' } });
        await put(ACCOUNTS, { 'cust:1': { ws: 'other' }, 'cust:9': {} }, OTHER_WS);
        assert.equal(await store.countRecords(WS, ACCOUNTS), 3);
        assert.equal(await store.countRecords(WS, 'splynx.links'), 1);
        assert.equal(await store.countRecords(OTHER_WS, ACCOUNTS), 2);
        assert.equal(await store.countRecords(OTHER_WS, 'splynx.links'), 0);
        assert.equal(await store.countRecords(WS, 'splynx.cursors'), 0);
        assert.deepEqual(keysOf(await store.listRecords(WS, ACCOUNTS, { limit: 10 })), ['cust:1', 'cust:2', 'cust:3']);
        assert.deepEqual(keysOf(await store.listRecords(WS, 'splynx.links', { limit: 10 })), ['cust:1']);
        assert.deepEqual(keysOf(await store.listRecords(OTHER_WS, ACCOUNTS, { limit: 10, reverse: true })), ['cust:9', 'cust:1']);
        assert.deepEqual((await store.getRecord(WS, ACCOUNTS, 'cust:1'))?.value, { ws: 'mine' });
        assert.deepEqual((await store.getRecord(OTHER_WS, ACCOUNTS, 'cust:1'))?.value, { ws: 'other' });
        assert.equal(await store.getRecord(OTHER_WS, ACCOUNTS, 'cust:2'), null);
        await store.transaction((tx) => tx.deleteRecord(OTHER_WS, ACCOUNTS, 'cust:1'));
        assert.deepEqual((await store.getRecord(WS, ACCOUNTS, 'cust:1'))?.value, { ws: 'mine' }, 'a delete in another workspace leaves this one');
      });

      it('keeps what was put: changing the value given or a value read changes nothing stored', async () => {
        const value = { name: 'Ada', services: [{ id: 7, tags: ['fiber'] }] };
        await put(ACCOUNTS, { 'cust:1': value });
        value.services[0]!.tags.push('changed');
        value.name = 'changed';
        const read = (await store.getRecord(WS, ACCOUNTS, 'cust:1'))!.value as typeof value;
        read.services.push({ id: 8, tags: [] });
        const [listed] = await store.listRecords(WS, ACCOUNTS, { limit: 1 });
        (listed!.value as typeof value).name = 'changed';
        await store.transaction(async (tx) => {
          ((await tx.getRecord(WS, ACCOUNTS, 'cust:1'))!.value as typeof value).services[0]!.id = 0;
        });
        assert.deepEqual((await store.getRecord(WS, ACCOUNTS, 'cust:1'))?.value, { name: 'Ada', services: [{ id: 7, tags: ['fiber'] }] });
      });

      it('refuses a bad record naming the field, storing nothing, and keeps the transaction going', async () => {
        const cycle: Record<string, unknown> = { name: 'loop' };
        cycle.self = cycle;
        const bad: [collection: string, key: string, value: unknown, at: string, path: string][] = [
          ['UPPER', 'k', {}, FIXTURE_TIME, 'collection'],
          ['', 'k', {}, FIXTURE_TIME, 'collection'],
          [ACCOUNTS, 'a\u0000b', {}, FIXTURE_TIME, 'key'],
          [ACCOUNTS, '', {}, FIXTURE_TIME, 'key'],
          [ACCOUNTS, 'k'.repeat(300), {}, FIXTURE_TIME, 'key'],
          [ACCOUNTS, 'half\uD83D', {}, FIXTURE_TIME, 'key'],
          [ACCOUNTS, 'cycle', cycle, FIXTURE_TIME, 'value'],
          [ACCOUNTS, 'big', { blob: 'x'.repeat(300 * 1024) }, FIXTURE_TIME, 'value'],
          [ACCOUNTS, 'nothing', undefined, FIXTURE_TIME, 'value'],
          [ACCOUNTS, 'when', {}, 'yesterday', 'at'],
        ];
        await store.transaction(async (tx) => {
          for (const [collection, key, value, at, path] of bad) {
            await assert.rejects(tx.putRecord(WS, collection, key, value, at), (error: { code?: string; details?: { issues?: { path: string }[] } }) => {
              assert.equal(error.code, 'validation_failed', `${path}: ${key.slice(0, 20)}`);
              assert.equal(error.details?.issues?.[0]?.path, path);
              return true;
            });
          }
          await tx.putRecord(WS, ACCOUNTS, 'good', { ok: true }, FIXTURE_TIME);
        });
        assert.deepEqual(keysOf(await store.listRecords(WS, ACCOUNTS, { limit: 100 })), ['good']);
        assert.equal(await store.countRecords(WS, 'upper'), 0);
        await assert.rejects(store.listRecords(WS, ACCOUNTS, { limit: 0 }), { code: 'validation_failed' });
      });

      it('round-trips NUL bytes and unicode in values and unicode in keys', async () => {
        const value = { text: 'before\u0000after', emoji: '😀 ok', name: 'Müller', hebrew: 'שלום', lone: '\uD800', nested: [null, true, 1.5, { '\u0000key': 'x' }] };
        await put(ACCOUNTS, { 'ключ/😀': value });
        assert.deepEqual(await store.getRecord(WS, ACCOUNTS, 'ключ/😀'), { key: 'ключ/😀', value, updatedAt: FIXTURE_TIME });
        assert.deepEqual(await store.listRecords(WS, ACCOUNTS, { prefix: 'ключ/', limit: 5 }), [{ key: 'ключ/😀', value, updatedAt: FIXTURE_TIME }]);
      });
    });

    area('idempotency', () => {
      it('stores one response per workspace, scope and key', async () => {
        const response = { status: 201, body: { id: 'm_1', text: 'hi' }, requestHash: 'sha256:abc' };
        await store.transaction((tx) => tx.putIdempotent(WS, 'agent:ag_1', 'key-1', response));
        assert.deepEqual(await store.getIdempotent(WS, 'agent:ag_1', 'key-1'), response);
        assert.equal(await store.getIdempotent(WS, 'agent:ag_2', 'key-1'), null);
        assert.equal(await store.getIdempotent(WS, 'agent:ag_1', 'key-2'), null);
        assert.equal(await store.getIdempotent(OTHER_WS, 'agent:ag_1', 'key-1'), null);
        await assert.rejects(store.transaction((tx) => tx.putIdempotent(WS, 'agent:ag_1', 'key-1', { ...response, status: 500 })), { code: 'conflict' });
        assert.deepEqual(await store.getIdempotent(WS, 'agent:ag_1', 'key-1'), response);
      });

      it('lets an answer past IDEMPOTENCY_KEY_TTL_MS be replaced, and keeps one still live', async () => {
        const first = { status: 201, body: { n: 1 }, requestHash: 'h1', storedAt: '2026-03-02T09:00:00.000Z' };
        await store.transaction((tx) => tx.putIdempotent(WS, 'agent:ag_1', 'key-ttl', first));
        const early = { ...first, body: { n: 2 }, storedAt: new Date(Date.parse(first.storedAt) + IDEMPOTENCY_KEY_TTL_MS - 1000).toISOString() };
        await assert.rejects(store.transaction((tx) => tx.putIdempotent(WS, 'agent:ag_1', 'key-ttl', early)), { code: 'conflict' });
        assert.deepEqual(await store.getIdempotent(WS, 'agent:ag_1', 'key-ttl'), first);
        const late = { ...first, body: { n: 3 }, storedAt: new Date(Date.parse(first.storedAt) + IDEMPOTENCY_KEY_TTL_MS).toISOString() };
        await store.transaction((tx) => tx.putIdempotent(WS, 'agent:ag_1', 'key-ttl', late));
        assert.deepEqual(await store.getIdempotent(WS, 'agent:ag_1', 'key-ttl'), late);
      });
    });

    area('copies', () => {
        it('returns copies: changing what went in or what came out changes nothing stored', async () => {
          const thread = await openThread(store, seeded.web, {
            customer: { emails: ['copy@example.com'], attributes: { plan: 'basic' } },
            kase: { tags: ['vip'] },
          });
          const message = await addMessage(store, thread, { attachments: [{ name: 'a.png', contentType: 'image/png', size: 1, url: 'https://example.com/a.png' }] });
          const response = { status: 201, body: { id: 'm_1', nested: { list: [1, 2] } }, requestHash: 'h' };
          const appended = await store.transaction(async (tx) => {
            await tx.putIdempotent(WS, 'agent:1', 'key-copy', response);
            return tx.appendEvent(makeMessageEvent(message));
          });
          await store.transaction((tx) => tx.enqueueOutbox(makeOutboxItem({ messageId: message.id })));
          const ids = { customer: thread.customer.id, kase: thread.kase.id, conversation: thread.conversation.id, message: message.id, channel: seeded.web.id, agent: seeded.agent.id };
          const originals = {
            customer: structuredClone(thread.customer),
            kase: structuredClone(thread.kase),
            conversation: structuredClone(thread.conversation),
            message: structuredClone(message),
            event: structuredClone(appended),
            response: structuredClone(response),
            channel: structuredClone(seeded.web),
            agent: structuredClone(seeded.agent),
            workspace: makeWorkspace(),
          };
          // What went in…
          thread.customer.emails.push('other@example.com');
          (thread.customer.attributes as Record<string, unknown>).plan = 'gold';
          thread.kase.tags.push('changed');
          thread.conversation.externalThreadId = 'changed';
          message.attachments[0]!.name = 'changed.png';
          response.body.nested.list.push(3);
          seeded.web.name = 'changed';
          seeded.agent.teams.push('changed');
          // …and what came out.
          const mutate = (value: unknown): void => {
            if (Array.isArray(value)) value.push('changed');
            else if (typeof value === 'object' && value !== null) for (const [k, inner] of Object.entries(value)) {
              if (typeof inner === 'object' && inner !== null) mutate(inner);
              else (value as Record<string, unknown>)[k] = 'changed';
            }
          };
          mutate(appended);
          mutate(await store.getCustomer(WS, ids.customer));
          mutate(await store.findCustomerByEmail(WS, 'copy@example.com'));
          mutate(await store.getCase(WS, ids.kase));
          mutate(await store.listCases(WS, { limit: 10 }));
          mutate(await store.listConversations(WS, ids.kase));
          mutate(await store.getMessage(WS, ids.message));
          mutate(await store.listMessages(WS, { caseId: ids.kase, limit: 10 }));
          mutate(await store.listEvents(WS, { after: 0, limit: 10 }));
          mutate(await store.timeline(WS, ids.customer, 10));
          mutate(await store.getIdempotent(WS, 'agent:1', 'key-copy'));
          mutate(await store.listChannels(WS));
          mutate(await store.listAgents(WS));
          mutate(await store.getWorkspace(WS));
          mutate(await store.claimOutbox(new Date(FIXTURE_TIME), 1, 10));
          await store.transaction(async (tx) => mutate(await tx.getCase(WS, ids.kase)));
          assert.deepEqual(await store.getCustomer(WS, ids.customer), originals.customer);
          assert.deepEqual(await store.getCase(WS, ids.kase), originals.kase);
          assert.deepEqual((await store.listCases(WS, { limit: 10 })).items, [originals.kase]);
          assert.deepEqual(await store.getConversation(WS, ids.conversation), originals.conversation);
          assert.deepEqual(await store.getMessage(WS, ids.message), originals.message);
          assert.deepEqual(await store.listEvents(WS, { after: 0, limit: 10 }), [originals.event]);
          assert.deepEqual(await store.getIdempotent(WS, 'agent:1', 'key-copy'), originals.response);
          assert.deepEqual(await store.getChannel(WS, ids.channel), originals.channel);
          assert.deepEqual(await store.getAgent(WS, ids.agent), originals.agent);
          assert.deepEqual(await store.getWorkspace(WS), originals.workspace);
          const [item] = await store.claimOutbox(new Date(Date.parse(FIXTURE_TIME) + 10), 1, 10);
          assert.equal(item?.messageId, ids.message);
        });
    });
  });
}
