import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyRules, parseRules, type RuleFacts } from './rules.ts';
import { parsePolicies } from './policies.ts';
import { RoutingConfigError } from './errors.ts';
import { policy } from './internal/fixtures.ts';

const facts = (overrides: Partial<RuleFacts> = {}): RuleFacts => ({ channel: 'webchat', firstMessage: '', language: 'en', attributes: {}, ...overrides });

const rules = parseRules([
  { name: 'vip', when: { kind: 'attribute', name: 'vip', equals: true }, set: { priority: 'high', tags: ['vip'] } },
  {
    name: 'outage',
    when: { kind: 'all', of: [{ kind: 'channel', in: ['webchat', 'whatsapp'] }, { kind: 'keywords', any: ['outage', 'internet down', 'no signal'] }] },
    set: { priority: 'urgent', team: 'noc', skills: [{ name: 'fiber', minLevel: 2 }], tags: ['outage'] },
  },
  { name: 'overdue', when: { kind: 'attribute', name: 'overdueInvoices', atLeast: 1 }, set: { team: 'billing', tags: ['overdue'] } },
  { name: 'spanish', when: { kind: 'language', in: ['es'] }, set: { skills: [{ name: 'fiber', minLevel: 1 }, { name: 'spanish', minLevel: 3 }] } },
  { name: 'not email', when: { kind: 'not', condition: { kind: 'channel', in: ['email'] } }, set: { tags: ['live'] }, stop: true },
  { name: 'never reached by chats', when: { kind: 'any', of: [{ kind: 'attribute', name: 'vip', exists: true }] }, set: { tags: ['late'] } },
]);

test('matching rules combine: highest priority, first team, skills at their highest level, tags once each', () => {
  const outcome = applyRules(rules, facts({ firstMessage: 'Hi, my Internet is DOWN since 8am', language: 'es', attributes: { vip: true, overdueInvoices: 2 } }));
  assert.deepEqual(outcome, {
    priority: 'urgent',
    team: 'noc',
    skills: [{ name: 'fiber', minLevel: 2 }, { name: 'spanish', minLevel: 3 }],
    tags: ['vip', 'outage', 'overdue', 'live'],
    matched: ['vip', 'outage', 'overdue', 'spanish', 'not email'],
  });
});

test('keywords match whole words, case-insensitively; nothing matched sets nothing', () => {
  assert.deepEqual(applyRules(rules, facts({ firstMessage: 'OUTAGE!' })).matched, ['outage', 'not email']);
  assert.deepEqual(applyRules(rules, facts({ firstMessage: 'outages are rare' })).matched, ['not email']);
  const email = applyRules(rules, facts({ channel: 'email', firstMessage: 'outage' }));
  assert.deepEqual(email, { priority: null, team: null, skills: [], tags: [], matched: [] });
  assert.deepEqual(applyRules(rules, facts({ channel: 'email', attributes: { vip: false } })).matched, ['never reached by chats']);
});

test('bad rules throw a RoutingConfigError naming each field', () => {
  const error = catchError(() =>
    parseRules([
      { name: 'x', when: { kind: 'channel', in: ['fax'] }, set: { priority: 'high' } },
      { name: 'y', when: { kind: 'attribute', name: 'vip' }, set: {} },
      { name: 'z', when: { kind: 'keyword', any: ['a'] }, set: { tags: ['t'] } },
    ]),
  );
  assert.ok(error instanceof RoutingConfigError);
  assert.equal(error.code, 'invalid_rules');
  assert.equal(error.status, 400);
  const paths = error.issues.map((issue) => issue.path);
  assert.deepEqual(paths, ['rules.0.when.in.0', 'rules.1.when', 'rules.1.set', 'rules.2.when.kind']);
  assert.match(error.message, /rules\.1\.when: give exactly one of "equals", "atLeast" or "exists"/);
});

test('policies parse from JSON; widening steps must start at 0 and grow', () => {
  const good = { default: policy(), channels: { email: policy({ id: 'mail', mode: 'manual' }) } };
  assert.deepEqual(parsePolicies(JSON.parse(JSON.stringify(good))), good);
  const error = catchError(() =>
    parsePolicies({
      default: policy({ widening: [{ afterSeconds: 10, minLevel: 'case', language: true, team: true }, { afterSeconds: 5, minLevel: 1, language: true, team: true }] }),
      teams: { noc: { ...policy(), selection: 'random' } },
    }),
  );
  assert.ok(error instanceof RoutingConfigError);
  assert.equal(error.code, 'invalid_policies');
  assert.deepEqual(error.issues.map((issue) => issue.path), ['policies.default.widening.0.afterSeconds', 'policies.default.widening.1.afterSeconds', 'policies.teams.noc.selection']);
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  assert.fail('expected an error');
}
