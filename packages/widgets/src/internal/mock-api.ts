// Test-only: @casekit/mocks (the real case engine over the in-memory store) answered by msw's
// service worker in the test page. Tests read state through `mock.store` and change it through
// `mock.engine`, as the server's own code does.
import { DEMO_PASSWORD, type MockApi } from '@casekit/mocks';
import { startMockWorker, type MockWorker, type MockWorkerOptions } from '@casekit/mocks/browser';
import type { Attachment, Case, ChannelKind, Customer, Message, RoutingPolicy, RoutingRule } from '@casekit/protocol';

/** One test's mock backend and the worker serving it. */
export type TestMock = MockWorker;

/** Starts (once per test file) or resets the mock API with a fresh demo seed (or the options given). */
export function startMockApi(options: MockWorkerOptions = {}): Promise<TestMock> {
  return startMockWorker({ seed: 'demo', ...options });
}

/** A signed-in agent client on the mock API (realtime off: tests push events by emitting). */
export async function agentClient(email = 'ada@northwind.example') {
  const { createAgentClient } = await import('@casekit/sdk');
  const client = createAgentClient({ baseUrl: location.origin });
  await client.login(email, DEMO_PASSWORD);
  return client;
}

/** Emits an event on an SDK client as its realtime socket would. */
export function push(client: unknown, name: string, ...args: unknown[]): void {
  (client as { emit(n: string, ...a: unknown[]): void }).emit(name, ...args);
}

/** Every message of the workspace, notes included, case by case (most recent activity first), oldest first in each. */
export async function storedMessages(mock: MockApi): Promise<Message[]> {
  const pages = await Promise.all((await storedCases(mock)).map((kase) => mock.store.listMessages(mock.workspaceId, { caseId: kase.id, limit: 10_000 })));
  return pages.flatMap((page) => page.items);
}

/** The first stored message with this text, if there is one yet. */
export async function storedMessage(mock: MockApi, text: string): Promise<Message | undefined> {
  return (await storedMessages(mock)).find((m) => m.text === text);
}

/** Every case of the workspace, most recent activity first. */
export async function storedCases(mock: MockApi): Promise<Case[]> {
  return (await mock.store.listCases(mock.workspaceId, { limit: 1000 })).items;
}

/** A case as stored now. */
export async function storedCase(mock: MockApi, caseId: string): Promise<Case> {
  const kase = await mock.store.getCase(mock.workspaceId, caseId);
  if (!kase) throw new Error(`no case ${caseId} in the mock`);
  return kase;
}

/** A customer profile as stored now (a merged-away id finds the surviving profile). */
export async function storedCustomer(mock: MockApi, customerId: string): Promise<Customer> {
  const customer = await mock.store.getCustomer(mock.workspaceId, customerId);
  if (!customer) throw new Error(`no customer ${customerId} in the mock`);
  return customer;
}

/** A customer writes in on a channel, as that channel would hand the message to the engine. */
export function receive(mock: MockApi, input: { customerId: string; channel: string; text: string; attachments?: Attachment[] }) {
  const { customerId, channel, ...message } = input;
  return mock.engine.ingest({ workspaceId: mock.workspaceId, channelId: channel, customerId, from: { externalId: customerId }, ...message });
}

/** Stores a file as `owner`'s upload and answers it as the attachment a message carries. */
export async function upload(mock: MockApi, bytes: Uint8Array, name: string, contentType: string, owner: { kind: 'agent' | 'customer'; id: string }): Promise<Attachment> {
  const random = crypto.getRandomValues(new Uint8Array(18));
  const id = `up_${btoa(String.fromCharCode(...random)).replaceAll('+', '-').replaceAll('/', '_')}`;
  const data = (async function* () {
    yield bytes;
  })();
  const info = await mock.blobs.put({ id, workspaceId: mock.workspaceId, name, contentType, owner, createdAt: new Date().toISOString() }, data);
  return { name: info.name, contentType: info.contentType, size: info.size, url: `/api/v1/uploads/${info.id}` };
}

/** New cases on `channel` go to a team nobody is in ("night"), so they wait; nobody can serve them, so there is no estimate. */
export async function casesWait(mock: MockApi, channel: ChannelKind): Promise<void> {
  const policy: RoutingPolicy = {
    id: 'default',
    mode: 'auto',
    selection: 'least-loaded',
    sticky: false,
    widening: [{ afterSeconds: 0, minLevel: 'case', language: false, team: true }],
    onAgentOffline: 'reassign',
  };
  const rule = { name: 'To the night shift', when: { kind: 'channel', in: [channel] }, set: { team: 'night' }, stop: false } as const satisfies RoutingRule;
  await mock.engine.updateSettings(mock.system, { routing: { policies: { default: policy }, rules: [rule] } });
}
