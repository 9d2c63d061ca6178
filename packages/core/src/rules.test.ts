import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CASE_STATUSES, CASE_TRANSITIONS, CasekitError, DELIVERY_STATUSES, PERMISSIONS, ROLES, type Case, type CaseEvent, type Message } from '@casekit/protocol';
import { assertCasesMergeable, assertTransition, authorize, isForwardStatus, patchAttributes, requireRole, visitorFacts } from './rules.ts';
import { isPublicEvent, isVisibleToAgent, privateToAgent, publicAgent, publicChannel, visitorView } from './visibility.ts';
import type { AgentActor } from './types.ts';

const code = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (error) {
    assert.ok(error instanceof CasekitError);
    return error.code;
  }
};

const kase = (over: Partial<Case>): Case => ({
  id: 'c_1', workspaceId: 'ws', number: 1, subject: 's', status: 'open', priority: 'normal', customerId: 'cu_1', assigneeId: null,
  team: null, skills: [], tags: [], channels: ['webchat'], preview: '', messageCount: 1, createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z', lastActivityAt: '2026-01-01T00:00:00.000Z', solvedAt: null, version: 1, ...over,
});

const agentOf = (role: AgentActor['agent']['role']): AgentActor => ({ workspaceId: 'ws', agent: { id: `ag_${role}`, name: role, role, kind: 'human' } });

describe('case lifecycle', () => {
  it('allows exactly the moves CASE_TRANSITIONS lists, and staying put', () => {
    for (const from of CASE_STATUSES) {
      for (const to of CASE_STATUSES) {
        const allowed = from === to || (CASE_TRANSITIONS[from] as readonly string[]).includes(to);
        assert.equal(code(() => assertTransition(from, to)), allowed ? null : 'invalid_transition', `${from} → ${to}`);
      }
    }
  });

  it('never lets a closed case move', () => {
    for (const to of CASE_STATUSES) if (to !== 'closed') assert.equal(code(() => assertTransition('closed', to)), 'invalid_transition');
  });
});

describe('delivery statuses', () => {
  it('move only forward, and failed follows anything but read', () => {
    for (const current of DELIVERY_STATUSES) {
      for (const next of DELIVERY_STATUSES) {
        const forward =
          next === 'failed'
            ? current !== 'read' && current !== 'failed'
            : current !== 'failed' && DELIVERY_STATUSES.indexOf(next) > DELIVERY_STATUSES.indexOf(current);
        assert.equal(isForwardStatus(current, next), forward, `${current} → ${next}`);
      }
    }
  });
});

describe('permissions', () => {
  it('gives each guarded operation to its role and the roles above it, and everything to the system', () => {
    for (const [permission, needed] of Object.entries(PERMISSIONS) as [keyof typeof PERMISSIONS, (typeof ROLES)[number]][]) {
      for (const role of ROLES) {
        const may = ROLES.indexOf(role) >= ROLES.indexOf(needed);
        assert.equal(code(() => authorize(agentOf(role), permission)), may ? null : 'forbidden', `${role} ${permission}`);
      }
      assert.equal(code(() => authorize({ workspaceId: 'ws', system: 'test' }, permission)), null);
      assert.equal(code(() => authorize({ workspaceId: 'ws', customerId: 'cu_1' }, permission)), 'forbidden');
    }
  });

  it('says which role is needed', () => {
    assert.throws(() => requireRole(agentOf('agent'), 'admin'), /Only an admin or above may do this \(you are an agent\)/);
  });
});

describe('merging cases', () => {
  it('refuses itself, closed cases, and cases of two customers unless their customers merge too', () => {
    assert.equal(code(() => assertCasesMergeable(kase({}), kase({}), false)), 'bad_request');
    assert.equal(code(() => assertCasesMergeable(kase({ id: 'c_2', status: 'closed' }), kase({}), false)), 'invalid_transition');
    assert.equal(code(() => assertCasesMergeable(kase({ id: 'c_2', customerId: 'cu_2' }), kase({}), false)), 'conflict');
    assert.equal(code(() => assertCasesMergeable(kase({ id: 'c_2', customerId: 'cu_2' }), kase({}), true)), null);
    assert.equal(code(() => assertCasesMergeable(kase({ id: 'c_2' }), kase({}), false)), null);
  });
});

describe('what visitors say about themselves', () => {
  it('lands under visitor., with a typed email as contactEmail in lower case', () => {
    assert.deepEqual(visitorFacts({ plan: 'gold', contactEmail: 'forged' }, 'Ana@Example.com'), {
      'visitor.plan': 'gold',
      'visitor.contactEmail': 'forged',
      contactEmail: 'ana@example.com',
    });
  });

  it('patches attributes as JSON Merge Patch, never touching the prototype, within 100 keys', () => {
    const patched = patchAttributes({ a: 1, b: 2 }, JSON.parse('{"b": null, "c": 3, "__proto__": "x"}'));
    assert.deepEqual(patched, { a: 1, c: 3 });
    assert.equal(Object.getPrototypeOf(patched), Object.prototype);
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i]));
    assert.equal(code(() => patchAttributes({}, many)), 'validation_failed');
  });
});

describe('who sees which event', () => {
  const base = { seq: 1, workspaceId: 'ws', at: '2026-01-01T00:00:00.000Z', caseId: 'c_1', customerId: 'cu_1' };
  const message: Message = {
    id: 'm_1', workspaceId: 'ws', caseId: 'c_1', conversationId: 'cv_1', customerId: 'cu_1', channelId: 'web', channelKind: 'webchat',
    direction: 'outbound', authorKind: 'agent', authorId: 'ag_1', authorName: 'Ann', internal: false, text: 'hi', attachments: [],
    providerMessageId: null, clientMessageId: null, status: 'sent', createdAt: '2026-01-01T00:00:00.000Z',
  };

  it('shows visitors their public messages without the case, and nothing else', () => {
    const created: CaseEvent = { ...base, actorId: 'ag_1', type: 'message.created', data: { message, case: kase({}) } };
    assert.deepEqual(visitorView(created), { ...created, data: { message } });
    const note: CaseEvent = { ...created, data: { message: { ...message, internal: true } } };
    assert.equal(visitorView(note), null);
    assert.equal(isPublicEvent({ ...base, actorId: null, type: 'message.status', data: { messageId: 'm_1', status: 'read', internal: true } }), false);
    assert.equal(visitorView({ ...base, actorId: 'ag_1', type: 'case.updated', data: { case: kase({}), changes: {} } }), null);
  });

  it('keeps an agent\'s read markers to that agent and everything else for every agent', () => {
    const read: CaseEvent = { ...base, actorId: 'ag_1', type: 'case.read', data: { readAt: base.at } };
    assert.equal(privateToAgent(read), 'ag_1');
    assert.equal(isVisibleToAgent(read, 'ag_1'), true);
    assert.equal(isVisibleToAgent(read, 'ag_2'), false);
    const updated: CaseEvent = { ...base, actorId: 'ag_1', type: 'case.updated', data: { case: kase({}), changes: {} } };
    assert.equal(isVisibleToAgent(updated, 'ag_2'), true);
  });

  it('never puts a password hash or a channel secret on the wire', () => {
    const agent = publicAgent({ ...agentOf('agent').agent, workspaceId: 'ws', email: 'a@example.com', teams: [], skills: [], languages: [], capacity: {}, presence: 'online', active: true, createdAt: base.at, passwordHash: 'scrypt$…', tokenGeneration: 2, revokedTokens: [{ id: 'jti', expiresAt: base.at }] });
    assert.equal('passwordHash' in agent, false);
    assert.equal('tokenGeneration' in agent, false);
    assert.equal('revokedTokens' in agent, false);
    const channel = publicChannel({
      id: 'web', workspaceId: 'ws', kind: 'webchat', medium: 'webchat', name: 'Web', enabled: true, config: {},
      secretNames: [], secrets: { identitySecret: 's3cret-value' }, createdAt: base.at, updatedAt: base.at,
    });
    assert.equal(JSON.stringify(channel).includes('s3cret-value'), false);
    assert.deepEqual(channel.secretNames, ['identitySecret']);
  });
});
