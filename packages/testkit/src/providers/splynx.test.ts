import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import SplynxApi from 'splynx-nodejs-api';
import { signSplynxNonce, startSplynxFake, type SplynxFake } from './splynx.ts';

// Splynx's own Node client (typed in splynx-nodejs-api.d.ts).
type ClientResult = { statusCode: number; response: unknown };
type SplynxClient = SplynxApi;

const KEY = 'a3b1c2d4e5f60718';
const SECRET = 'f1e2d3c4b5a69788';

/** The client in its signing mode. It only signs in its API 1.0 mode, so its URLs are pointed at 2.0, where Splynx accepts signatures "like API v1". */
function signedClient(url: string): SplynxClient {
  const client = new SplynxApi(url, KEY, SECRET);
  client.api.getUrl = (path) => `${url}/api/2.0/${path}`;
  return client;
}

async function tokenClient(url: string): Promise<SplynxClient> {
  const client = new SplynxApi(url);
  client.version = '2.0';
  await client.login('api_key', { key: KEY, secret: SECRET });
  return client;
}

function signedHeader(nonce: number, signature = signSplynxNonce(SECRET, KEY, nonce), key = KEY): string {
  return `Splynx-EA (key=${key}&signature=${signature}&nonce=${nonce})`;
}

describe('startSplynxFake with the official splynx-nodejs-api client', () => {
  let splynx: SplynxFake;
  before(async () => {
    splynx = await startSplynxFake({ apiKey: KEY, apiSecret: SECRET, customers: 30, hookSecret: 'hook-secret' });
  });
  after(() => splynx.close());

  it('signed requests list, count, search and read customers', async () => {
    const client = signedClient(splynx.url);
    const list = await client.get('admin/customers/customer');
    const customers = list.response as Record<string, unknown>[];
    assert.equal(customers.length, 30);
    assert.equal(customers[0]!.id, '1');
    const active = customers.filter((c) => c.status === 'active').length;
    assert.equal(await client.count('admin/customers/customer', { main_attributes: { status: 'active' } }), String(active));
    assert.ok(customers.some((c) => c.status === 'blocked'), 'the seed has blocked customers');
    const login = String(customers[4]!.login);
    const found = await client.search('admin/customers/customer', { main_attributes: { login: ['LIKE', login.slice(0, 5).toUpperCase()] } });
    assert.ok((found.response as { login: string }[]).every((c) => c.login.startsWith(login.slice(0, 5))));
    assert.ok((found.response as { id: string }[]).some((c) => c.id === customers[4]!.id));
    const one = await client.get('admin/customers/customer', 5);
    assert.deepEqual(one.response, customers[4]);
  });

  it('the token flow creates and updates customers and tickets, and adds a ticket note', async () => {
    const client = await tokenClient(splynx.url);
    assert.match(client.getAuthData().access_token, /^[0-9a-f]{40}$/);
    const created = await client.post('admin/customers/customer', { name: 'Ada Lovelace', partner_id: 1, location_id: 2, email: 'ada@example.net', status: 'active', additional_attributes: { contract_no: 'C-9' } });
    assert.equal(created.statusCode, 201);
    const id = (created.response as { id: number }).id;
    assert.equal(typeof id, 'number');
    const updated = await client.put('admin/customers/customer', id, { phone: '+15550199' });
    assert.equal(updated.statusCode, 202);
    const read = (await client.get('admin/customers/customer', id)).response as Record<string, unknown>;
    assert.deepEqual([read.id, read.name, read.phone, read.partner_id, read.status, read.added_by, read.conversion_date], [String(id), 'Ada Lovelace', '+15550199', '1', 'active', 'api', '0000-00-00']);
    assert.deepEqual(read.additional_attributes, { contract_no: 'C-9' });

    const ticket = await client.post('admin/support/tickets', { customer_id: id, subject: 'No internet', type_id: 1, priority: 'high', message: 'Router is red' });
    const ticketId = (ticket.response as { id: number }).id;
    await client.put('admin/support/tickets', ticketId, { assign_to: 3, status_id: 2 });
    const t = (await client.get('admin/support/tickets', ticketId)).response as Record<string, unknown>;
    assert.deepEqual([t.customer_id, t.priority, t.assign_to, t.status_id, t.closed, t.trash], [String(id), 'high', '3', '2', '0', '0']);
    assert.match(String(t.created_at), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    // The client posts ticket messages as multipart/form-data.
    const note = await client.post('admin/support/ticket-messages', { ticket_id: String(ticketId), message: 'Checked the line', message_type: 'note', admin_id: '1' });
    assert.equal(note.statusCode, 201);
    const thread = (await client.search('admin/support/ticket-messages', { main_attributes: { ticket_id: ticketId } })).response as Record<string, unknown>[];
    assert.deepEqual(thread.map((m) => [m.message, m.message_type]), [['Router is red', 'message'], ['Checked the line', 'note']]);
  });

  it('an expired access token answers EXPIRED_ACCESS_TOKEN, and the client renews with its refresh token', async () => {
    const client = await tokenClient(splynx.url);
    splynx.expireTokens();
    const refused = await client.get('admin/api/check').catch((error: ClientResult) => error);
    assert.deepEqual([refused.statusCode, (refused.response as { error: { internal_code: string } }).error.internal_code], [401, 'EXPIRED_ACCESS_TOKEN']);
    const old = client.getAuthData();
    client.setAuthData({ ...old, access_token_expiration: Math.floor(Date.now() / 1000) - 1 });
    const ok = await client.get('admin/api/check');
    assert.deepEqual(ok.response, { status: 'ok', message: 'API is valid', same_server: 0 });
    assert.notEqual(client.getAuthData().access_token, old.access_token);
  });

  it('a wrong secret is refused at login and on signed requests', async () => {
    const client = new SplynxApi(splynx.url);
    client.version = '2.0';
    const refused = await client.login('api_key', { key: KEY, secret: 'not-the-secret' }).catch((error: ClientResult) => error);
    assert.deepEqual(refused.response, { error: { message: 'Signature is invalid.', code: 401, internal_code: 'UNAUTHORIZED' } });
    const signed = new SplynxApi(splynx.url, KEY, 'not-the-secret');
    signed.api.getUrl = (path) => `${splynx.url}/api/2.0/${path}`;
    assert.equal((await signed.get('admin/customers/customer').catch((error: ClientResult) => error)).statusCode, 401);
  });
});

describe('startSplynxFake: its own edges', () => {
  let splynx: SplynxFake;
  const api = (path: string) => `${splynx.url}/api/2.0/${path}`;
  let nonce = Date.now();
  const signed = () => ({ authorization: signedHeader(++nonce) });
  before(async () => {
    splynx = await startSplynxFake({ apiKey: KEY, apiSecret: SECRET, customers: 12, seed: 7, hookSecret: 'hook-secret' });
  });
  after(() => splynx.close());

  it('refuses a replayed or smaller nonce, a forged signature, lower-case hex and a missing header', async () => {
    const header = signedHeader(++nonce);
    assert.equal((await fetch(api('admin/api/check'), { headers: { authorization: header } })).status, 200);
    const replay = await fetch(api('admin/api/check'), { headers: { authorization: header } });
    assert.equal(replay.status, 401);
    assert.match(((await replay.json()) as { error: { message: string } }).error.message, /Nonce/);
    assert.equal((await fetch(api('admin/api/check'), { headers: { authorization: signedHeader(nonce - 5) } })).status, 401);
    const forged = await fetch(api('admin/api/check'), { headers: { authorization: signedHeader(++nonce, signSplynxNonce('guess', KEY, nonce)) } });
    assert.deepEqual(await forged.json(), { error: { message: 'Signature is invalid.', code: 401, internal_code: 'UNAUTHORIZED' } });
    assert.equal((await fetch(api('admin/api/check'), { headers: { authorization: signedHeader(++nonce, signSplynxNonce(SECRET, KEY, nonce).toLowerCase()) } })).status, 401);
    const none = await fetch(api('admin/customers/customer'));
    assert.deepEqual(await none.json(), { error: { message: 'Authorization header is missing.', code: 401, internal_code: 'MISSED_AUTHORIZATION_HEADER' } });
    // key, nonce, signature in the docs' order work as well as the clients' order.
    const n = ++nonce;
    assert.equal((await fetch(api('admin/api/check'), { headers: { authorization: `Splynx-EA (key=${KEY}&nonce=${n}&signature=${signSplynxNonce(SECRET, KEY, n)})` } })).status, 200);
  });

  it('binds a token to the User-Agent it was issued to, and logout bans it', async () => {
    const n = ++nonce;
    const login = await fetch(api('admin/auth/tokens'), { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'casekit-sync/1' }, body: JSON.stringify({ auth_type: 'api_key', key: KEY, nonce: n, signature: signSplynxNonce(SECRET, KEY, n) }) });
    assert.equal(login.status, 201);
    const auth = (await login.json()) as { access_token: string; refresh_token: string; access_token_expiration: number };
    assert.ok(Math.abs(auth.access_token_expiration - (Date.now() / 1000 + 1800)) < 5, 'access tokens last 30 minutes');
    const bearer = { authorization: `Splynx-EA (access_token=${auth.access_token})` };
    assert.equal((await fetch(api('admin/api/check'), { headers: { ...bearer, 'user-agent': 'casekit-sync/1' } })).status, 200);
    const moved = await fetch(api('admin/api/check'), { headers: { ...bearer, 'user-agent': 'curl/8' } });
    assert.equal(((await moved.json()) as { error: { internal_code: string } }).error.internal_code, 'USER_AGENT_CHANGED');
    const renewElsewhere = await fetch(api(`admin/auth/tokens/${auth.refresh_token}`), { headers: { 'user-agent': 'curl/8' } });
    assert.equal(((await renewElsewhere.json()) as { error: { internal_code: string } }).error.internal_code, 'USER_AGENT_CHANGED');
    assert.equal((await fetch(api(`admin/auth/tokens/${auth.refresh_token}`), { method: 'DELETE', headers: { 'user-agent': 'casekit-sync/1' } })).status, 204);
    const banned = await fetch(api('admin/api/check'), { headers: { ...bearer, 'user-agent': 'casekit-sync/1' } });
    assert.equal(((await banned.json()) as { error: { internal_code: string } }).error.internal_code, 'TOKEN_BANNED');
    const badType = await fetch(api('admin/auth/tokens'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ auth_type: 'password' }) });
    assert.deepEqual([badType.status, ((await badType.json()) as { error: { internal_code: string } }).error.internal_code], [400, 'INVALID_AUTH_TYPE']);
  });

  it('pages with limit and offset, counts with HEAD and searches with operators', async () => {
    const first = (await (await fetch(api('admin/finance/invoices?limit=10&offset=0'), { headers: signed() })).json()) as Record<string, string>[];
    const second = (await (await fetch(api('admin/finance/invoices?limit=10&offset=10'), { headers: signed() })).json()) as Record<string, string>[];
    assert.equal(first.length, 10);
    assert.equal(second[0]!.id, String(Number(first[9]!.id) + 1));
    const head = await fetch(api('admin/finance/invoices'), { method: 'HEAD', headers: signed() });
    assert.deepEqual([head.status, head.headers.get('x-total-count'), head.headers.get('access-control-expose-headers')], [204, String(splynx.store.invoices.size), 'X-total-count']);
    const today = new Date().toISOString().slice(0, 10);
    const overdue = `main_attributes[status]=not_paid&main_attributes[date_till][0]=${encodeURIComponent('<')}&main_attributes[date_till][1]=${today}`;
    const late = (await (await fetch(api(`admin/finance/invoices?${overdue}`), { headers: signed() })).json()) as Record<string, string>[];
    assert.ok(late.length > 0, 'the seed has overdue invoices');
    assert.ok(late.every((i) => i.status === 'not_paid' && String(i.date_till) < today && i.date_payment === '0000-00-00'));
    const inList = (await (await fetch(api('admin/customers/customer?main_attributes[id][0]=IN&main_attributes[id][1][0]=2&main_attributes[id][1][1]=5&order[id]=DESC'), { headers: signed() })).json()) as Record<string, string>[];
    assert.deepEqual(inList.map((c) => c.id), ['5', '2']);
    // The reference's own form: the values follow the operator, `[1]=v1&[2]=v2`.
    const flat = (await (await fetch(api('admin/customers/customer?main_attributes[id][0]=IN&main_attributes[id][1]=3&main_attributes[id][2]=7'), { headers: signed() })).json()) as Record<string, string>[];
    assert.deepEqual(flat.map((c) => c.id), ['3', '7']);
    const services = (await (await fetch(api('admin/customers/customer/0/internet-services?main_attributes[tariff_id]=1'), { headers: signed() })).json()) as Record<string, string>[];
    assert.ok(services.every((s) => s.tariff_id === '1' && s.type === 'internet' && s.end_date === '0000-00-00'));
    const unknown = await fetch(api('admin/customers/customer?main_attributes[colour]=red'), { headers: signed() });
    assert.deepEqual([unknown.status, await unknown.json()], [400, { error: { message: 'main_attributes[colour]: unknown attribute.', code: 400, internal_code: 'INVALID_INPUT_DATA' } }]);
  });

  it('refuses bad input naming the field and changes nothing', async () => {
    const before = splynx.store.customers.size;
    const bad = await fetch(api('admin/customers/customer'), { method: 'POST', headers: { ...signed(), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'X', partner_id: 1, location_id: 1, status: 'gone' }) });
    assert.deepEqual([bad.status, await bad.json()], [400, { error: { message: 'status: must be one of new, active, blocked, disabled.', code: 400, internal_code: 'INVALID_INPUT_DATA' } }]);
    const missing = await fetch(api('admin/customers/customer'), { method: 'POST', headers: { ...signed(), 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=X&partner_id=1' });
    assert.equal(((await missing.json()) as { error: { message: string } }).error.message, 'location_id: is required.');
    const active = [...splynx.store.customers.values()].find((c) => c.status === 'active')!;
    const del = await fetch(api(`admin/customers/customer/${String(active.id)}`), { method: 'DELETE', headers: signed() });
    assert.equal(((await del.json()) as { error: { internal_code: string } }).error.internal_code, 'ENTITY_CANNOT_BE_DELETED');
    assert.equal(splynx.store.customers.size, before);
  });

  it('creates a service under its customer, stops it with ?action=stop, and describes fields with OPTIONS', async () => {
    const json = { ...signed(), 'content-type': 'application/json' };
    const created = await fetch(api('admin/customers/customer/2/internet-services'), { method: 'POST', headers: json, body: JSON.stringify({ tariff_id: 2, description: 'Fibre 300', start_date: '2026-12-01', login: 'fibre-2' }) });
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: number };
    const item = api(`admin/customers/customer/2/internet-services--${id}`);
    const stop = await fetch(`${item}?action=stop`, { method: 'PUT', headers: { ...signed() } });
    assert.deepEqual([stop.status, await stop.text()], [202, '']);
    const service = (await (await fetch(item, { headers: signed() })).json()) as Record<string, unknown>;
    assert.deepEqual([service.id, service.customer_id, service.type, service.status, service.end_date, service.tariff_id], [String(id), '2', 'internet', 'stopped', '0000-00-00', '2']);
    assert.equal((await fetch(api(`admin/customers/customer/3/internet-services--${id}`), { headers: signed() })).status, 404);
    const badDate = await fetch(api('admin/customers/customer/2/voice-services'), { method: 'POST', headers: { ...signed(), 'content-type': 'application/json' }, body: JSON.stringify({ tariff_id: 4, description: 'Phone', start_date: '01/12/2026' }) });
    assert.equal(((await badDate.json()) as { error: { message: string } }).error.message, 'start_date: must be a date YYYY-MM-DD (or 0000-00-00), got "01/12/2026".');
    const options = (await (await fetch(api('admin/support/tickets'), { method: 'OPTIONS', headers: signed() })).json()) as { attributes: { name: string; required: boolean }[] };
    assert.deepEqual(options.attributes.filter((a) => a.required).map((a) => a.name), ['type_id', 'subject', 'priority']);
  });

  it('answers injected 5xx for the next requests, then recovers', async () => {
    splynx.failNext(2, 503);
    assert.equal((await fetch(api('admin/api/check'), { headers: signed() })).status, 503);
    const second = await fetch(api('admin/api/check'), { headers: signed() });
    assert.deepEqual(((await second.json()) as { error: { internal_code: string } }).error.internal_code, 'SERVER_ERROR');
    assert.equal((await fetch(api('admin/api/check'), { headers: signed() })).status, 200);
  });

  it('posts change events signed with HMAC-SHA1 of the raw body, from the API and from test helpers', async () => {
    const received: { body: string; signature: string }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['x-splynx-signature']) });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      splynx.addHook({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/splynx` });
      const customer = [...splynx.store.customers.values()].find((c) => c.status === 'active')!;
      splynx.changeCustomer(String(customer.id), { status: 'blocked' });
      await fetch(api(`admin/customers/customer/${String(customer.id)}`), { method: 'PUT', headers: { ...signed(), 'content-type': 'application/json' }, body: JSON.stringify({ email: 'new@example.net' }) });
      await splynx.hooksSettled();
      assert.equal(received.length, 2);
      for (const hook of received) assert.equal(hook.signature, createHmac('sha1', 'hook-secret').update(hook.body).digest('hex'));
      const [first, second] = received.map((hook) => JSON.parse(hook.body) as { type: string; data: Record<string, unknown> & { attributes: Record<string, unknown> } });
      assert.deepEqual([first!.type, first!.data.action, first!.data.source, first!.data.customer_id, first!.data.attributes.status, first!.data.changed_attributes], ['event', 'edit', 'admin', customer.id, 'blocked', { status: 'active' }]);
      assert.deepEqual([second!.data.source, second!.data.attributes.email], ['api', 'new@example.net']);
      assert.deepEqual(splynx.hookDeliveries.map((d) => d.status), [200, 200]);
      splynx.pingHooks();
      await splynx.hooksSettled();
      assert.deepEqual(received.at(-1), { body: '{"type":"ping"}', signature: createHmac('sha1', 'hook-secret').update('{"type":"ping"}').digest('hex') });
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it('seeds the same records for the same seed', async () => {
    const again = await startSplynxFake({ apiKey: KEY, apiSecret: SECRET, customers: 12, seed: 7 });
    const other = await startSplynxFake({ apiKey: KEY, apiSecret: SECRET, customers: 12, seed: 8 });
    try {
      const names = (fake: SplynxFake) => [...fake.store.customers.values()].map((c) => [c.name, c.login, c.phone, c.partner_id]);
      assert.deepEqual(names(again), names(splynx));
      assert.notDeepEqual(names(other), names(again));
    } finally {
      await Promise.all([again.close(), other.close()]);
    }
  });
});
