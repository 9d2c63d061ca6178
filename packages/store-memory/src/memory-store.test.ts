import { runEngineContract, runStoreContract } from '@casekit/testkit';
import { createMemoryStore } from './index.ts';

runStoreContract('memory', async () => createMemoryStore());
runEngineContract('memory', async () => createMemoryStore());
