// Loaded only with ?mock: msw answers the API from a service worker with @casekit/mocks, the
// real case engine over an in-memory store, seeded with the Northwind demo.
import { setupWorker } from 'msw/browser';
import { createMockApi, DEMO_PASSWORD } from '@casekit/mocks';

/** Starts the mock API and returns a seeded agent's login. */
export async function startMockBackend(): Promise<{ email: string; password: string }> {
  const { handlers } = await createMockApi({ seed: 'demo' });
  // @casekit/mocks and this page may resolve separate (identical) copies of msw's types.
  const worker = setupWorker(...(handlers as unknown as Parameters<typeof setupWorker>));
  await worker.start({
    serviceWorker: { url: new URL('./mockServiceWorker.js', location.href).pathname },
    onUnhandledFrame: 'bypass',
    quiet: true,
  });
  return { email: 'ada@northwind.example', password: DEMO_PASSWORD };
}
