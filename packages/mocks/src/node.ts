import { setupServer, type SetupServer } from 'msw/node';
import { createMockApi, type MockApi, type MockApiOptions } from './mock-api.ts';

/** The mock backend and the msw server answering for it in this process. */
export type MockServer = MockApi & { server: SetupServer; close(): void };

/**
 * Starts the mock backend in Node (tests, scripts): `fetch` and WebSocket requests to `baseUrl`
 * are answered in this process; anything else goes to the network.
 * @example const mock = await startMockServer({ baseUrl: 'https://support.example.test' }); … mock.close();
 */
export async function startMockServer(options: MockApiOptions & { baseUrl: string }): Promise<MockServer> {
  const mock = await createMockApi(options);
  const server = setupServer(...mock.handlers);
  server.listen({ onUnhandledFrame: 'bypass' });
  return Object.assign(mock, { server, close: () => server.close() });
}
