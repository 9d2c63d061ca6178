// Contract suites: run them from each adapter's own tests
export { runStoreContract } from './store-contract.ts';
export { runEngineContract, createManualClock, seedEngineWorkspace } from './engine-contract.ts';

// Entity fixtures
export {
  FIXTURE_WORKSPACE,
  FIXTURE_TIME,
  fixtureId,
  fixtureTime,
  makeWorkspace,
  makeChannel,
  makeAgent,
  makeCustomer,
  makeCase,
  makeConversation,
  makeMessage,
  makeMessageEvent,
  makePresenceEvent,
  makeOutboxItem,
} from './fixtures.ts';
