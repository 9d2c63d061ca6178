import assert from 'node:assert/strict';
import { it } from 'node:test';
import { visitorView, type AgentActor, type CaseEngine, type Store } from '@casekit/core';
import { CasekitError, type CaseEvent, type Message } from '@casekit/protocol';
import fc from 'fast-check';
import { seedEngineWorkspace } from './engine-contract.ts';

/** People who write in: three on web chat (with a visitor token), three by SMS. */
const PEOPLE = 6;
const isWeb = (person: number) => person < 3;

type Op =
  | { kind: 'send'; person: number; retry: boolean }
  | { kind: 'reply'; caseIndex: number; supervisor: boolean; internal: boolean; retry: boolean }
  | { kind: 'mergeCases'; a: number; b: number; supervisor: boolean; mergeCustomers: boolean }
  | { kind: 'mergeCustomers'; a: number; b: number; supervisor: boolean }
  | { kind: 'solve'; caseIndex: number };

const person = fc.integer({ min: 0, max: PEOPLE - 1 });
const index = fc.nat({ max: 7 });
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('send' as const), person, retry: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('reply' as const), caseIndex: index, supervisor: fc.boolean(), internal: fc.boolean(), retry: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('mergeCases' as const), a: index, b: index, supervisor: fc.boolean(), mergeCustomers: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('mergeCustomers' as const), a: person, b: person, supervisor: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('solve' as const), caseIndex: index }) },
);

/**
 * A property over random sequences of visitor messages and their retries, agents' replies and
 * notes (and their retries), case and customer merges by agents and supervisors: after every
 * step, no customer can see a message of a conversation with another person (unless merges
 * that were allowed made them one), no message is stamped with anyone but its conversation's
 * customer, no retry stores a second message, and a refused step changes nothing.
 */
export function runVisibilityProperty(current: () => { store: Store; engine: CaseEngine; published: CaseEvent[] }): void {
  it('never shows one customer another customer\'s message, whatever merges, replies and retries happen', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArbitrary, { minLength: 5, maxLength: 30 }), async (ops) => {
        const { store, engine, published } = current();
        const ws = `ws_prop_${++run}`;
        await seedEngineWorkspace(store, ws);
        const actor = (supervisor: boolean): AgentActor => ({
          workspaceId: ws,
          agent: supervisor ? { id: 'ag_sup', name: 'Sam', role: 'supervisor', kind: 'human' } : { id: 'ag_ann', name: 'Ann', role: 'agent', kind: 'human' },
        });

        // The model: who each person is (union-find over the merges the engine accepted).
        const parent = Array.from({ length: PEOPLE }, (_, i) => i);
        const find = (p: number): number => (parent[p] === p ? p : (parent[p] = find(parent[p]!)));
        const firstCustomerId = new Map<number, string>();
        const personOfCustomer = new Map<string, number>();
        const originOfConversation = new Map<string, number>();
        const cases: string[] = [];
        const lastClientId = new Map<number, string>();
        let clientIds = 0;
        let replyIds = 0;
        let lastReplyClientId: string | undefined;
        const liveStart = published.length;

        const classOfCustomer = (customerId: string): number => {
          const owner = personOfCustomer.get(customerId);
          assert.ok(owner !== undefined, `customer ${customerId} belongs to nobody the test knows`);
          return find(owner);
        };
        const classOfMessage = (message: Message): number => {
          const origin = originOfConversation.get(message.conversationId);
          assert.ok(origin !== undefined, `conversation ${message.conversationId} was not started by anyone the test knows`);
          return find(origin);
        };

        const step = async (op: Op): Promise<void> => {
          switch (op.kind) {
            case 'send': {
              const p = op.person;
              const retry = op.retry && lastClientId.has(p);
              const clientMessageId = retry ? lastClientId.get(p)! : `cm-${++clientIds}`;
              lastClientId.set(p, clientMessageId);
              const known = firstCustomerId.get(p);
              const result = await engine.ingest(
                isWeb(p)
                  ? { workspaceId: ws, channelId: 'web', from: { externalId: `anon:${p}` }, ...(known && { customerId: known }), clientMessageId, text: `from person ${p}` }
                  : { workspaceId: ws, channelId: 'sms', from: { externalId: `+1415555010${p}`, phone: `+1415555010${p}` }, providerMessageId: clientMessageId, text: `from person ${p}` },
              );
              if (!known) firstCustomerId.set(p, result.customer.id);
              if (!personOfCustomer.has(result.customer.id)) personOfCustomer.set(result.customer.id, p);
              if (!originOfConversation.has(result.message.conversationId)) originOfConversation.set(result.message.conversationId, p);
              if (!cases.includes(result.case.id)) cases.push(result.case.id);
              return;
            }
            case 'reply': {
              if (cases.length === 0) return;
              const caseId = cases[op.caseIndex % cases.length]!;
              const clientMessageId = op.retry && lastReplyClientId ? lastReplyClientId : `r-${++replyIds}`;
              lastReplyClientId = clientMessageId;
              const input = { caseId, text: 'an answer', clientMessageId };
              await (op.internal ? engine.addNote(actor(op.supervisor), input) : engine.reply(actor(op.supervisor), input));
              return;
            }
            case 'mergeCases': {
              if (cases.length === 0) return;
              const source = (await store.getCase(ws, cases[op.a % cases.length]!))!;
              const target = (await store.getCase(ws, cases[op.b % cases.length]!))!;
              await engine.mergeCases(actor(op.supervisor), source.id, target.id, { mergeCustomers: op.mergeCustomers });
              // Accepted: the two customers are now one person.
              parent[classOfCustomer(source.customerId)] = classOfCustomer(target.customerId);
              return;
            }
            case 'mergeCustomers': {
              const a = firstCustomerId.get(op.a);
              const b = firstCustomerId.get(op.b);
              if (!a || !b) return;
              await engine.mergeCustomers(actor(op.supervisor), a, b);
              parent[find(op.b)] = find(op.a);
              return;
            }
            case 'solve': {
              if (cases.length === 0) return;
              const kase = (await store.getCase(ws, cases[op.caseIndex % cases.length]!))!;
              await engine.updateCase(actor(false), kase.id, { version: kase.version, status: 'solved' });
              return;
            }
          }
        };

        const check = async () => {
          // Two people are one customer exactly when an accepted merge made them one.
          for (const [p, id] of firstCustomerId) {
            for (const [q, other] of firstCustomerId) {
              const same = (await store.getCustomer(ws, id))!.id === (await store.getCustomer(ws, other))!.id;
              assert.equal(same, find(p) === find(q), `people ${p} and ${q}: one profile = ${same}`);
            }
          }
          const all: Message[] = [];
          for (const caseId of cases) all.push(...(await store.listMessages(ws, { caseId, limit: 1000 })).items);
          for (const message of all) {
            // Every message is stamped with the customer its conversation is with.
            assert.equal(classOfCustomer((await store.getCustomer(ws, message.customerId))!.id), classOfMessage(message), `message ${message.id} is stamped with someone else`);
          }
          const byClientId = new Map<string, number>();
          for (const message of all) {
            if (message.clientMessageId === null && message.providerMessageId === null) continue;
            const key = `${message.authorId ?? classOfMessage(message)}/${message.clientMessageId ?? message.providerMessageId}`;
            byClientId.set(key, (byClientId.get(key) ?? 0) + 1);
          }
          for (const [key, count] of byClientId) assert.equal(count, 1, `message ${key} stored ${count} times`);
          // What each web visitor can read: their history (by the id their token names) and their live pushes.
          for (const [p, customerId] of firstCustomerId) {
            const history = await store.listMessages(ws, { customerId, publicOnly: true, limit: 1000 });
            for (const message of history.items) {
              assert.ok(!message.internal, 'a visitor never reads a note');
              assert.equal(classOfMessage(message), find(p), `person ${p} can read message ${message.id} of another person`);
            }
            const replay = await store.listEvents(ws, { after: 0, limit: 10_000, customerId, publicOnly: true });
            for (const event of replay) {
              if (event.type === 'message.created') assert.equal(classOfMessage(event.data.message), find(p), `person ${p} replays another person's message`);
            }
          }
          for (const event of published.slice(liveStart)) {
            const view = event.workspaceId === ws ? visitorView(event) : null;
            if (view?.type !== 'message.created' || !event.customerId) continue;
            // Live pushes go to the room of the event's customer.
            assert.equal(classOfCustomer((await store.getCustomer(ws, event.customerId))!.id), classOfMessage(view.data.message), `a live push of ${view.data.message.id} goes to another person`);
          }
        };

        for (const op of ops) {
          const seq = await store.lastSeq(ws);
          try {
            await step(op);
          } catch (error) {
            // A refusal is fine; what it must not do is change anything.
            if (!(error instanceof CasekitError)) throw error;
            if (process.env.PROP_DEBUG) console.log('refused', op.kind, error.code, error.message);
            assert.equal(await store.lastSeq(ws), seq, `refused ${op.kind} (${error.code}) changed the log`);
          }
          if (process.env.PROP_DEBUG) console.log('step', JSON.stringify(op));
          await check();
        }
      }),
      {
        numRuns: 100,
        examples: [
          // A visitor's retry after their profile was merged into another's.
          [[
            { kind: 'send', person: 0, retry: false },
            { kind: 'send', person: 1, retry: false },
            { kind: 'mergeCases', a: 0, b: 1, supervisor: true, mergeCustomers: true },
            { kind: 'send', person: 0, retry: true },
          ]],
        ],
      },
    );
  });
}
