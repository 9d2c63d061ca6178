import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Store } from '@casekit/core';
import { decodeEvents } from '@casekit/protocol';
import { logReadMarker, startTestServer, WORKSPACE, type TestServer } from '../internal/testing.ts';
import { readReplayPage } from '@casekit/api';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(async () => {
  await t.close();
});

describe('replay pages', () => {
  it('are the same from a store without listEventsJson, read markers only for the agent who read', async () => {
    const visitor = await t.visitorSession();
    const sent = await t.request('POST', '/api/v1/visitor/messages', { token: visitor.token, body: { text: 'Hello', clientMessageId: 'rp-1' } });
    assert.equal(sent.status, 201);
    await logReadMarker(t.store, t.agents.agent.id, sent.body.caseId, visitor.customerId);
    const { listEventsJson: _, ...plain } = t.store;
    const page = async (store: Store, agentId: string, size: number) => {
      const result = await readReplayPage(store, WORKSPACE, size, 0, { agentId });
      return { ...result, events: decodeEvents(result.events) };
    };
    for (const agent of [t.agents.agent, t.agents.other]) {
      for (const size of [3, 100]) assert.deepEqual(await page(plain as Store, agent.id, size), await page(t.store, agent.id, size));
    }
    const reader = await page(t.store, t.agents.agent.id, 100);
    const other = await page(t.store, t.agents.other.id, 100);
    assert.equal(reader.hasMore, false);
    assert.deepEqual(reader.events.filter((e) => e.type === 'case.read').map((e) => e.caseId), [sent.body.caseId]);
    assert.deepEqual(other.events, reader.events.filter((e) => e.type !== 'case.read'));
  });
});
