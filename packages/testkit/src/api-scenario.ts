import type { CaseEngine, SystemActor } from '@casekit/core';

/** One exchange of the scenario, as the client saw it. */
export interface ScenarioStep {
  step: string;
  status: number;
  /** The headers a client acts on. */
  headers: Record<string, string | null>;
  body: unknown;
}

/** Sends one request to the API under test (`path` below `/api/v1`). */
export type ScenarioFetch = (
  method: string,
  path: string,
  options?: { token?: string; body?: unknown; raw?: string | Uint8Array<ArrayBuffer>; headers?: Record<string, string> },
) => Promise<{ status: number; headers: Headers; body: unknown }>;

export const SCENARIO_WORKSPACE = 'ws_scenario';
export const SCENARIO_PASSWORD = 'scenario password 1';
export const SCENARIO_WEBCHAT_SECRET = 'scenario-webchat-secret-0123456789';

/** The workspace every run of the scenario starts from, made through the engine. */
export async function seedScenarioWorkspace(engine: CaseEngine, hashPassword: (password: string) => Promise<string>): Promise<void> {
  const system: SystemActor = { workspaceId: SCENARIO_WORKSPACE, system: 'scenario' };
  await engine.ensureWorkspace({ id: SCENARIO_WORKSPACE, name: 'Scenario ISP' });
  await engine.createChannel(system, { id: 'webchat', kind: 'webchat', medium: 'webchat', name: 'Website chat', secrets: { identitySecret: SCENARIO_WEBCHAT_SECRET } });
  await engine.createChannel(system, { id: 'email', kind: 'email', medium: 'email', name: 'Support mail' });
  const passwordHash = await hashPassword(SCENARIO_PASSWORD);
  for (const [id, role] of [['ag_admin', 'admin'], ['ag_super', 'supervisor'], ['ag_agent', 'agent']] as const) {
    await engine.createAgent(system, { id, email: `${id.slice(3)}@scenario.example`, name: id.slice(3), role, passwordHash });
  }
  await engine.setPresence(system, 'ag_agent', 'online');
}

const KEPT_HEADERS = ['content-type', 'idempotent-replayed', 'retry-after', 'content-disposition', 'x-content-type-options', 'www-authenticate'];

/**
 * A day at the help desk over the REST API, good and bad requests alike: sign-in, web chat
 * with retries, replies with idempotency keys, notes, updates with stale versions, merges
 * refused and allowed, profiles, settings, channels, agents, uploads, the event log. Run it
 * against the server and against the mocks; what each answers must match.
 */
export async function runApiScenario(send: ScenarioFetch): Promise<ScenarioStep[]> {
  const steps: ScenarioStep[] = [];
  const call = async (step: string, method: string, path: string, options?: Parameters<ScenarioFetch>[2]) => {
    const res = await send(method, path, options);
    const headers = Object.fromEntries(KEPT_HEADERS.map((name) => [name, res.headers.get(name)]));
    steps.push({ step, status: res.status, headers, body: res.body });
    // Answers are read field by field below, as a client would.
    return res.body as any;
  };
  const login = (email: string) => call(`login ${email}`, 'POST', '/auth/login', { body: { email, password: SCENARIO_PASSWORD } });

  await call('health', 'GET', '/health');
  await call('wrong password', 'POST', '/auth/login', { body: { email: 'admin@scenario.example', password: 'nope' } });
  const admin = (await login('admin@scenario.example')).token as string;
  const supervisor = (await login('super@scenario.example')).token as string;
  const agent = (await login('agent@scenario.example')).token as string;
  await call('me', 'GET', '/me', { token: agent });
  await call('no token', 'GET', '/cases');

  const olivia = await call('visitor session', 'POST', '/visitor/sessions', { body: { channelId: 'webchat', name: 'Olivia', attributes: { plan: 'Fibre 500' } } });
  await call('visitor session on email', 'POST', '/visitor/sessions', { body: { channelId: 'email' } });
  const first = await call('visitor writes', 'POST', '/visitor/messages', { token: olivia.token, body: { text: 'My internet is down since this morning', clientMessageId: 'o-1' } });
  await call('visitor retries', 'POST', '/visitor/messages', { token: olivia.token, body: { text: 'My internet is down since this morning', clientMessageId: 'o-1' } });
  await call('visitor writes again', 'POST', '/visitor/messages', { token: olivia.token, body: { text: 'The light is red', clientMessageId: 'o-2' } });
  await call('visitor status', 'GET', '/visitor/status', { token: olivia.token });
  await call('status without token', 'GET', '/visitor/status');
  await call('visitor sends nothing', 'POST', '/visitor/messages', { token: olivia.token, body: { text: '   ', clientMessageId: 'o-3' } });

  const caseId = first.caseId as string;
  await call('list cases', 'GET', '/cases', { token: agent });
  await call('list new cases', 'GET', '/cases?status=new&limit=5', { token: agent });
  await call('search cases', 'GET', '/cases?q=internet', { token: agent });
  await call('list with a bad status', 'GET', '/cases?status=bogus', { token: agent });
  await call('list with a forged cursor', 'GET', '/cases?cursor=abc', { token: agent });
  const detail = await call('get case', 'GET', `/cases/${caseId}`, { token: agent });
  await call('get missing case', 'GET', '/cases/c_missing', { token: agent });

  const reply = { text: 'Sorry about that. Could you restart the router?' };
  await call('reply', 'POST', `/cases/${caseId}/messages`, { token: agent, body: reply, headers: { 'idempotency-key': 'r-1' } });
  await call('reply retried', 'POST', `/cases/${caseId}/messages`, { token: agent, body: reply, headers: { 'idempotency-key': 'r-1' } });
  await call('reply with a reused key', 'POST', `/cases/${caseId}/messages`, { token: agent, body: { text: 'Something else' }, headers: { 'idempotency-key': 'r-1' } });
  await call('note', 'POST', `/cases/${caseId}/notes`, { token: agent, body: { text: 'Line test shows a fibre cut.' } });
  await call('reply with an unknown key', 'POST', `/cases/${caseId}/messages`, { token: agent, body: { text: 'x', mood: 'happy' } });
  await call('reply that is not JSON', 'POST', `/cases/${caseId}/messages`, { token: agent, raw: '{"text":', headers: { 'content-type': 'application/json' } });
  await call('reply as text', 'POST', `/cases/${caseId}/messages`, { token: agent, raw: 'hello', headers: { 'content-type': 'text/plain' } });
  await call('reply without a body', 'POST', `/cases/${caseId}/messages`, { token: agent });
  await call('messages', 'GET', `/cases/${caseId}/messages`, { token: agent });
  await call('history', 'GET', '/visitor/messages', { token: olivia.token });
  await call('read', 'POST', `/cases/${caseId}/read`, { token: agent });

  const version = ((await call('get case again', 'GET', `/cases/${caseId}`, { token: agent })).case as { version: number }).version;
  await call('set pending', 'PATCH', `/cases/${caseId}`, { token: agent, body: { version, status: 'pending', priority: 'high', tags: ['outage', 'outage'] } });
  await call('stale version', 'PATCH', `/cases/${caseId}`, { token: agent, body: { version, status: 'open' } });
  await call('assign to nobody known', 'PATCH', `/cases/${caseId}`, { token: agent, body: { version: version + 1, assigneeId: 'ag_nobody' } });
  const solved = await call('solve', 'PATCH', `/cases/${caseId}`, { token: agent, body: { version: version + 1, status: 'solved' } });
  await call('a solved case cannot go pending', 'PATCH', `/cases/${caseId}`, { token: agent, body: { version: solved.version, status: 'pending' } });
  await call('visitor writes to the solved case', 'POST', '/visitor/messages', { token: olivia.token, body: { text: 'Still red!', clientMessageId: 'o-4' } });

  await call('visitor profile', 'PATCH', '/visitor/profile', { token: olivia.token, body: { name: 'Olivia Stone', email: 'Olivia@Example.com', attributes: { device: 'router' } } });
  await call('visitor profile empty', 'PATCH', '/visitor/profile', { token: olivia.token, body: {} });
  const customerId = detail.customer.id as string;
  await call('search customers', 'GET', '/customers?q=olivia', { token: agent });
  await call('search customers with NUL', 'GET', `/customers?q=${encodeURIComponent('oli\u0000via')}`, { token: agent });
  await call('edit customer', 'PATCH', `/customers/${customerId}`, { token: agent, body: { phones: ['+14155550123'], attributes: { vip: true, 'visitor.plan': null } } });
  await call('edit customer badly', 'PATCH', `/customers/${customerId}`, { token: agent, body: { phones: ['0123'] } });

  const paul = await call('second visitor', 'POST', '/visitor/sessions', { body: { channelId: 'webchat', name: 'Paul' } });
  const paulsMessage = await call('second visitor writes', 'POST', '/visitor/messages', { token: paul.token, body: { text: 'Billing question', clientMessageId: 'p-1' } });
  const olivias = await call('olivia reopened case', 'GET', `/cases?customerId=${customerId}`, { token: agent });
  const openCase = (olivias.items as { id: string; status: string }[])[0]!.id;
  await call('merge cases of two customers', 'POST', `/cases/${paulsMessage.caseId}/merge`, { token: agent, body: { targetCaseId: openCase } });
  await call('merge them as an agent', 'POST', `/cases/${paulsMessage.caseId}/merge`, { token: agent, body: { targetCaseId: openCase, mergeCustomers: true } });
  await call('merge them as a supervisor', 'POST', `/cases/${paulsMessage.caseId}/merge`, { token: supervisor, body: { targetCaseId: openCase, mergeCustomers: true } });
  await call('paul retries after the merge', 'POST', '/visitor/messages', { token: paul.token, body: { text: 'Billing question', clientMessageId: 'p-1' } });
  await call('paul history', 'GET', '/visitor/messages', { token: paul.token });
  await call('timeline', 'GET', `/customers/${customerId}/timeline?limit=100`, { token: agent });
  await call('merged customer resolves', 'GET', `/customers/${paul.customerId}`, { token: agent });

  await call('settings', 'GET', '/settings', { token: agent });
  await call('settings by an agent', 'PATCH', '/settings', { token: agent, body: { displayName: 'Hacked' } });
  await call('settings by an admin', 'PATCH', '/settings', { token: admin, body: { displayName: 'Scenario Support', reopenWindowHours: 24 } });
  await call('channels', 'GET', '/channels', { token: agent });
  const secondSite = { kind: 'webchat', name: 'Second site', secrets: { identitySecret: 'second-site-secret-0123456789' } };
  const created = await call('create channel', 'POST', '/channels', { token: admin, body: secondSite, headers: { 'idempotency-key': 'ch-1' } });
  await call('create channel retried', 'POST', '/channels', { token: admin, body: secondSite, headers: { 'idempotency-key': 'ch-1' } });
  await call('create channel of an unknown kind', 'POST', '/channels', { token: admin, body: { kind: 'pigeon', name: 'Pigeon' } });
  await call('create channel with a short secret', 'POST', '/channels', { token: admin, body: { ...secondSite, secrets: { identitySecret: 'short' } } });
  await call('create channel as an agent', 'POST', '/channels', { token: agent, body: secondSite });
  const channelId = (created as { id: string }).id;
  await call('get channel', 'GET', `/channels/${channelId}`, { token: agent });
  await call('disable channel as an agent', 'PATCH', `/channels/${channelId}`, { token: agent, body: { enabled: false } });
  await call('disable channel', 'PATCH', `/channels/${channelId}`, { token: admin, body: { enabled: false } });
  await call('channel kinds', 'GET', '/channel-kinds', { token: agent });
  await call('create agent', 'POST', '/agents', { token: admin, body: { email: 'new@scenario.example', name: 'New', password: 'a long password' } });
  await call('create agent twice', 'POST', '/agents', { token: admin, body: { email: 'NEW@scenario.example', name: 'New', password: 'a long password' } });
  await call('create agent as an agent', 'POST', '/agents', { token: agent, body: { email: 'x@scenario.example', name: 'X', password: 'a long password' } });
  await call('agents', 'GET', '/agents', { token: agent });
  await call('presence', 'PUT', '/me/presence', { token: agent, body: { presence: 'away' } });

  const file = await call('upload', 'POST', '/uploads?name=notes.txt', { token: agent, raw: new TextEncoder().encode('line test: fibre cut'), headers: { 'content-type': 'text/plain' } });
  await call('upload of the wrong type', 'POST', '/uploads?name=x.html', { token: agent, raw: new TextEncoder().encode('<html>'), headers: { 'content-type': 'text/html' } });
  await call('reply with the file', 'POST', `/cases/${openCase}/messages`, { token: agent, body: { text: 'See attached', attachments: [{ ...file, name: 'claimed.exe', size: 1 }] } });
  await call('reply with a foreign file', 'POST', `/cases/${openCase}/messages`, { token: agent, body: { text: 'x', attachments: [{ name: 'a', contentType: 'text/plain', size: 1, url: 'https://evil.example/x' }] } });

  await call('events', 'GET', '/events?after=0&limit=1000', { token: agent });
  await call('events with a bad limit', 'GET', '/events?limit=0', { token: agent });
  await call('no such route', 'GET', '/nope', { token: agent });
  return steps;
}

// Random ids may end in "-", where \b finds no boundary: their ends are marked by what cannot follow.
const ID = /\b(?:c|cu|cv|m|ag|ch|ob|up)_[0-9a-z]{26}\b|\bup_[A-Za-z0-9_-]{22,60}(?![A-Za-z0-9_-])|\banon:[A-Za-z0-9_-]{16}(?![A-Za-z0-9_-])|\bidempotency-[0-9a-f]{64}\b/g;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;
const JWT = /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * The steps with what may differ between two runs replaced: generated ids by their order of
 * first appearance, times, tokens and uptimes; everything else stays to be compared.
 */
export function normalizeScenario(steps: ScenarioStep[]): ScenarioStep[] {
  const names = new Map<string, string>();
  const name = (id: string) => {
    if (!names.has(id)) names.set(id, `<${/^[a-z]+/.exec(id)![0]}#${names.size + 1}>`);
    return names.get(id)!;
  };
  const walk = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') {
      if (JWT.test(value)) return '<token>';
      if (TIME.test(value)) return '<time>';
      return value.replace(ID, name);
    }
    if (key === 'uptimeSeconds') return '<uptime>';
    if (Array.isArray(value)) return value.map((item) => walk(item));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(ID, name), walk(v, k)]));
    }
    return value;
  };
  return steps.map((step) => walk(step) as ScenarioStep);
}
