// Test-only: the SDK's in-memory REST fake, served by msw's service worker in the test page.
import { setupWorker } from 'msw/browser';
import { createMockHandlers, DEMO_PASSWORD } from '@casekit/sdk/mocks';
import type { MockDb } from '@casekit/sdk/mocks';

type Worker = ReturnType<typeof setupWorker>;
let worker: Worker | undefined;
let db: MockDb | undefined;

/** Starts (once per test file) or resets the mock API with the demo seed; returns its database. */
export async function startMockApi(): Promise<{ db: MockDb; worker: Worker; password: string }> {
  const api = createMockHandlers({ seed: 'demo' });
  // The SDK and this package may resolve different (identical) msw copies; the handlers fit both.
  const handlers = api.handlers as unknown as Parameters<typeof setupWorker>;
  db = api.db;
  if (!worker) {
    worker = setupWorker(...handlers);
    await worker.start({ quiet: true, onUnhandledFrame: 'bypass' } as Parameters<Worker['start']>[0]);
  } else {
    worker.resetHandlers(...handlers);
  }
  return { db, worker, password: DEMO_PASSWORD };
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
