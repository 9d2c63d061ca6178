// Loaded only with ?mock: msw answers the API from a service worker with @casekit/mocks, the
// real case engine over an in-memory store, seeded with the Northwind demo.
import { DEMO_PASSWORD } from '@casekit/mocks';
import { startMockWorker } from '@casekit/mocks/browser';

/** Starts the mock API and returns a seeded agent's login. */
export async function startMockBackend(): Promise<{ email: string; password: string }> {
  await startMockWorker({ seed: 'demo', serviceWorkerUrl: new URL('./mockServiceWorker.js', location.href).pathname });
  return { email: 'ada@northwind.example', password: DEMO_PASSWORD };
}
