import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertSupportedNode, createSqliteStore, UnsupportedNodeError } from './index.ts';

describe('the Node version the SQLite store needs', () => {
  it('refuses Node older than 22.12 with a message that says which Node it needs and which one this is', () => {
    for (const version of ['20.20.2', 'v20.20.2', '22.11.0', '18.0.0']) {
      assert.throws(
        () => assertSupportedNode(version),
        (error: unknown) =>
          error instanceof UnsupportedNodeError &&
          error.code === 'unsupported_node' &&
          error.message.startsWith(`casekit needs Node 22.12 or newer; this is ${version}.`),
        version,
      );
    }
  });

  it('accepts 22.12 and every later version', () => {
    for (const version of ['22.12.0', '22.23.3', '23.0.0', '24.1.0', '100.0.0']) assert.doesNotThrow(() => assertSupportedNode(version), version);
  });

  it('lets this Node open a store', async () => {
    const store = await createSqliteStore({ filename: ':memory:' });
    await store.close();
  });
});
