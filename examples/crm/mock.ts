// Loaded only with ?mock: msw serves @casekit/sdk's in-memory API from a service worker.
import { setupWorker } from 'msw/browser';
import { createMockHandlers, DEMO_PASSWORD } from '@casekit/sdk/mocks';

/** Starts the mock API and returns a seeded agent's login. */
export async function startMockBackend(): Promise<{ email: string; password: string }> {
  const { handlers } = createMockHandlers({ seed: 'demo' });
  // The SDK and this page may resolve separate (identical) copies of msw's types.
  const worker = setupWorker(...(handlers as unknown as Parameters<typeof setupWorker>));
  await worker.start({
    serviceWorker: { url: new URL('./mockServiceWorker.js', location.href).pathname },
    onUnhandledFrame: 'bypass',
    quiet: true,
  } as Parameters<typeof worker.start>[0]);
  return { email: 'ada@northwind.example', password: DEMO_PASSWORD };
}
