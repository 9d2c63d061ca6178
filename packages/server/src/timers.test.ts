import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestServer, WORKSPACE } from './internal/testing.ts';

describe('durable timers in the server', () => {
  it('runs a timer through its handler with the server\'s engine while listening, and logs a kind it cannot run', async () => {
    const t = await startTestServer({
      timers: {
        pollMs: 20,
        handlers: (engine) => ({
          // An agent left idle goes away, as a presence timeout would do it.
          idle: async (timer) => void (await engine.setPresence({ workspaceId: timer.workspaceId, system: 'timers' }, timer.payload.agentId as string, 'away')),
        }),
      },
    });
    try {
      const agentId = t.agents.agent.id;
      assert.notEqual((await t.store.getAgent(WORKSPACE, agentId))?.presence, 'away');
      await t.store.transaction(async (tx) => {
        await tx.setTimer({ workspaceId: WORKSPACE, key: `idle:${agentId}`, kind: 'idle', dueAt: new Date().toISOString(), payload: { agentId } });
        await tx.setTimer({ workspaceId: WORKSPACE, key: 'unknown:1', kind: 'unknown', dueAt: new Date().toISOString(), payload: {} });
      });
      const until = Date.now() + 3000;
      while ((await t.store.getTimer(WORKSPACE, `idle:${agentId}`)) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal((await t.store.getAgent(WORKSPACE, agentId))?.presence, 'away');
      assert.equal(await t.store.getTimer(WORKSPACE, 'unknown:1'), null);
      assert.deepEqual(t.errors.map((e) => [e.message, e.fields?.code, e.fields?.key]), [['timer dropped', 'no_handler', 'unknown:1']]);
    } finally {
      await t.close();
    }
  });
});
