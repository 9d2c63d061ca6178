import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Store, StoreTx } from '@casekit/core';
import type { NewCaseEvent } from '@casekit/protocol';
import { runEngineContract, runSearchContract, runStoreContract } from '@casekit/testkit';
import { createMemoryStore } from './index.ts';

runStoreContract('memory', async () => createMemoryStore());
runEngineContract('memory', async () => createMemoryStore());
runSearchContract('memory', async () => {
  const store = createMemoryStore();
  return { store, search: store };
});

/** The store, but each transaction first runs its callback once and throws that run away, as a store that lost a race does. */
function rerunEveryTransaction<S extends Store>(store: S): S {
  const discarded = new Error('a run that lost a race');
  return {
    ...store,
    async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
      try {
        await store.transaction(async (tx) => {
          await fn(tx);
          throw discarded;
        });
      } catch (error) {
        if (error !== discarded) throw error;
      }
      return store.transaction(fn);
    },
  };
}

// The port lets a store run a callback more than once: the engine must act only through `tx`.
runEngineContract('memory, every transaction callback run twice', async () => rerunEveryTransaction(createMemoryStore()));

const T0 = '2026-03-02T09:00:00.000Z';
const presence = (workspaceId: string): NewCaseEvent => ({
  type: 'agent.presence',
  workspaceId,
  at: T0,
  actorId: 'ag_1',
  caseId: null,
  customerId: null,
  data: { agentId: 'ag_1', presence: 'away' },
});

describe('memory store', () => {
  it('finishes the transactions queued before close, and refuses every call after it', async () => {
    const store = createMemoryStore();
    let leaked: StoreTx | undefined;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = store.transaction(async (tx) => {
      leaked = tx;
      await gate;
      return (await tx.appendEvent(presence('ws_x'))).seq;
    });
    const closing = store.close();
    release();
    await closing;
    assert.equal(await slow, 1);
    await assert.rejects(leaked!.lastSeq('ws_x'), { code: 'internal' });
    await assert.rejects(store.lastSeq('ws_x'), { code: 'unavailable' });
    await assert.rejects(store.transaction(async () => 1), { code: 'unavailable' });
    await assert.rejects(store.claimOutbox(new Date(T0), 1000, 10), { code: 'unavailable' });
    await store.close();
  });

  it('keeps its sources browser-safe: no Node built-ins, nothing but @casekit/core and @casekit/protocol', () => {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
    assert.ok(sources.length > 3);
    for (const file of sources) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const [, from] of text.matchAll(/from '([^']+)'/g)) {
        assert.ok(from!.startsWith('./') || from === '@casekit/core' || from === '@casekit/protocol', `${file} imports ${from}`);
      }
      assert.doesNotMatch(text, /\b(Buffer|process|require)\b[.(]/, file);
    }
  });
});
