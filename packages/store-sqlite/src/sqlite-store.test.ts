import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runEngineContract, runStoreContract } from '@casekit/testkit';
import { createSqliteStore } from './index.ts';

let dir: string;
let files = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'casekit-store-sqlite-test-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});
const freshFile = () => join(dir, `store-${++files}.db`);

runStoreContract('sqlite file', () => createSqliteStore({ filename: freshFile() }));
runStoreContract('sqlite :memory:', () => createSqliteStore({ filename: ':memory:' }));
runEngineContract('sqlite file', () => createSqliteStore({ filename: freshFile() }));
