import { setupWorker, type SetupWorker } from 'msw/browser';
import { createMockApi, type MockApi, type MockApiOptions } from './mock-api.ts';

export interface MockWorkerOptions extends MockApiOptions {
  /** Where the page serves msw's `mockServiceWorker.js` (default `/mockServiceWorker.js`). */
  serviceWorkerUrl?: string;
  /** Log every intercepted request in the console (default false). */
  log?: boolean;
}

/** The mock backend and the service worker answering for it. */
export type MockWorker = MockApi & { worker: SetupWorker };

let running: SetupWorker | undefined;

/**
 * Starts the mock backend in a page: a service worker answers the API and the realtime gateway at
 * the page's origin (or `baseUrl`), anything else goes to the network. Called again (a test's next case), it swaps in a fresh
 * backend on the same worker.
 * @example const mock = await startMockWorker({ seed: 'demo' }); // then point the SDK or the widgets at this page's origin
 */
export async function startMockWorker(options: MockWorkerOptions = {}): Promise<MockWorker> {
  // This page's own origin unless told otherwise: other origins' APIs and sockets stay untouched.
  const mock = await createMockApi({ baseUrl: location.origin, ...options });
  if (running) {
    running.resetHandlers(...mock.handlers);
  } else {
    running = setupWorker(...mock.handlers);
    await running.start({
      ...(options.serviceWorkerUrl && { serviceWorker: { url: options.serviceWorkerUrl } }),
      onUnhandledFrame: 'bypass',
      quiet: !options.log,
    });
  }
  return Object.assign(mock, { worker: running });
}
