import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSplynxFake, type SplynxFake } from '@casekit/testkit/providers';
import { createSplynxClient, parseSplynxCustomer, SplynxError, type SplynxClientOptions, type SplynxClock } from './index.ts';

const KEY = 'b7c1d2e3f4a5';
const SECRET = '9f8e7d6c5b4a';
const CUSTOMERS = 'admin/customers/customer';

/** A clock whose sleeps return at once and move time forward, so backoff and the rate limit cost no real time. */
function fakeClock(start = Date.now()): SplynxClock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** fetch that records what went out: method, path and the Authorization header. */
function recordingFetch(): { fetch: typeof fetch; sent: { method: string; path: string; authorization: string }[] } {
  const sent: { method: string; path: string; authorization: string }[] = [];
  return {
    sent,
    fetch: (input, init) => {
      const url = new URL(String(input));
      sent.push({ method: init?.method ?? 'GET', path: url.pathname.replace('/api/2.0/', ''), authorization: String(new Headers(init?.headers).get('authorization') ?? '') });
      return fetch(input, init);
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<SplynxError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SplynxError, String(error));
    return error;
  }
  assert.fail('expected a SplynxError');
}

for (const kind of ['signature', 'token'] as const) {
  describe(`createSplynxClient with ${kind} auth`, () => {
    let splynx: SplynxFake;
    const client = (options: Partial<SplynxClientOptions> = {}) => createSplynxClient({ baseUrl: splynx.url, auth: { kind, key: KEY, secret: SECRET }, maxRequestsPerSecond: 1000, ...options });
    before(async () => {
      splynx = await startSplynxFake({ apiKey: KEY, apiSecret: SECRET, customers: 1000 });
    });
    after(() => splynx.close());

    it('pages through 1,000 customers and gets exactly the fake store, in id order', async () => {
      const api = client();
      const seen = [];
      let pages = 0;
      for await (const page of api.pages(CUSTOMERS, { pageSize: 150 })) {
        pages += 1;
        seen.push(...page);
      }
      assert.equal(pages, 7);
      assert.deepEqual(seen, [...splynx.store.customers.values()]);
      await api.close();
    });

    it('counts and searches with operators as the store says', async () => {
      const api = client();
      const store = [...splynx.store.customers.values()];
      assert.equal(await api.count(CUSTOMERS), store.length);
      assert.equal(await api.count(CUSTOMERS, { status: 'blocked' }), store.filter((c) => c.status === 'blocked').length);
      const some = await api.list(CUSTOMERS, { where: { id: ['<=', 20], status: 'active' }, order: { id: 'DESC' }, limit: 5, offset: 1 });
      const expected = store.filter((c) => Number(c.id) <= 20 && c.status === 'active').reverse().slice(1, 6);
      assert.deepEqual(some.map((c) => c.id), expected.map((c) => c.id));
      await api.close();
    });

    it('creates, updates, reads and deletes a customer', async () => {
      const api = client();
      const id = await api.create(CUSTOMERS, { name: 'Ada Lovelace', partner_id: 1, location_id: 2, email: 'ada@example.net', additional_attributes: { contract_no: 'C-9' } });
      await api.update(CUSTOMERS, id, { phone: '+15550199', status: 'disabled' });
      const customer = parseSplynxCustomer(await api.get(CUSTOMERS, id));
      assert.deepEqual(
        [customer.id, customer.name, customer.phone, customer.status, customer.partnerId, customer.additionalAttributes],
        [Number(id), 'Ada Lovelace', '+15550199', 'disabled', 1, { contract_no: 'C-9' }],
      );
      assert.equal(customer.raw.partner_id, '1');
      await api.delete(CUSTOMERS, id);
      assert.equal(splynx.store.customers.has(id), false);
      const gone = await rejection(api.get(CUSTOMERS, id));
      assert.deepEqual([gone.code, gone.status, gone.request], ['NOT_FOUND', 404, `GET ${CUSTOMERS}/${id}`]);
      await api.close();
    });

    it('retries a burst of 5xx with growing backoff, and gives up after `retries`', async () => {
      const clock = fakeClock();
      const api = client({ clock, retries: 3 });
      await api.get(CUSTOMERS, 1); // a token, in token auth, before the failures start
      splynx.failNext(3, 503);
      assert.equal((await api.get(CUSTOMERS, 2)).id, '2');
      assert.equal(clock.slept.length, 3);
      assert.ok(clock.slept.every((ms, i) => i === 0 || ms >= clock.slept[i - 1]!), clock.slept.join());
      splynx.failNext(4, 502);
      const error = await rejection(api.get(CUSTOMERS, 2));
      assert.deepEqual([error.code, error.status], ['SERVER_ERROR', 502]);
      await api.close();
    });

    it('throws a 4xx at once as a SplynxError with Splynx’s code, without retrying', async () => {
      const { fetch, sent } = recordingFetch();
      // Signed: nonces above the ones the retry test's clock reached.
      const api = client({ fetch, ...(kind === 'signature' && { clock: fakeClock(Date.now() + 3_600_000) }) });
      await api.count(CUSTOMERS);
      const before = sent.length;
      const error = await rejection(api.list(CUSTOMERS, { where: { no_such_field: 1 } }));
      assert.deepEqual([error.code, error.status, sent.length - before], ['INVALID_INPUT_DATA', 400, 1]);
      assert.match(error.message, /no_such_field/);
      await api.close();
    });

    it('refuses bad credentials with a clear error', async () => {
      const api = client({ auth: { kind, key: KEY, secret: 'not-the-secret' } });
      const error = await rejection(api.list(CUSTOMERS, { limit: 1 }));
      assert.deepEqual([error.code, error.status], ['UNAUTHORIZED', 401]);
      assert.match(error.message, /Splynx answered 401 UNAUTHORIZED to (GET admin\/customers\/customer|POST admin\/auth\/tokens): Signature is invalid/);
    });
  });
}

describe('createSplynxClient auth details', () => {
  let splynx: SplynxFake;
  before(async () => {
    splynx = await startSplynxFake({ apiKey: KEY, apiSecret: SECRET, customers: 30 });
  });
  after(() => splynx.close());

  it('signs concurrent requests with strictly increasing nonces, all of which Splynx accepts', async () => {
    const { fetch, sent } = recordingFetch();
    // Its own Splynx: the nonces run ahead of the clock, and Splynx keeps one nonce sequence per key.
    const own = await startSplynxFake({ apiKey: KEY, apiSecret: SECRET, customers: 30 });
    after(() => own.close());
    const api = createSplynxClient({ baseUrl: own.url, auth: { kind: 'signature', key: KEY, secret: SECRET }, fetch, maxRequestsPerSecond: 1000 });
    const records = await Promise.all(Array.from({ length: 25 }, (_, i) => api.get(CUSTOMERS, i + 1)));
    assert.deepEqual(records.map((r) => r.id), Array.from({ length: 25 }, (_, i) => String(i + 1)));
    const nonces = sent.map((s) => Number(/nonce=(\d+)/.exec(s.authorization)?.[1]));
    assert.equal(nonces.length, 25);
    assert.ok(nonces.every((n, i) => i === 0 || n > nonces[i - 1]!), nonces.join());
    assert.ok(sent.every((s) => /^Splynx-EA \(key=b7c1d2e3f4a5&nonce=\d+&signature=[0-9A-F]{64}\)$/.test(s.authorization)));
  });

  it('renews an expired access token once and retries, then logs out on close', async () => {
    const { fetch, sent } = recordingFetch();
    const api = createSplynxClient({ baseUrl: splynx.url, auth: { kind: 'token', key: KEY, secret: SECRET }, fetch, maxRequestsPerSecond: 1000 });
    await api.get(CUSTOMERS, 1);
    splynx.expireTokens();
    const [a, b] = await Promise.all([api.get(CUSTOMERS, 2), api.count(CUSTOMERS)]);
    assert.deepEqual([a.id, b], ['2', 30]);
    assert.deepEqual(sent.filter((s) => s.path.startsWith('admin/auth/tokens')).map((s) => s.method), ['POST', 'GET']);
    await api.close();
    assert.equal(sent.at(-1)!.method, 'DELETE');
    assert.match(sent.at(-1)!.path, /^admin\/auth\/tokens\/[0-9a-f]+$/);
    assert.equal((await rejection(api.get(CUSTOMERS, 1))).code, 'closed');
  });

  it('renews ahead of expiry by the clock, without a 401 first', async () => {
    const { fetch, sent } = recordingFetch();
    const clock = fakeClock();
    const api = createSplynxClient({ baseUrl: splynx.url, auth: { kind: 'token', key: KEY, secret: SECRET }, fetch, clock, maxRequestsPerSecond: 1000 });
    await api.get(CUSTOMERS, 1);
    await clock.sleep(30 * 60_000 - 4_000); // the token lasts 30 minutes; renew inside the last 5 s
    await api.get(CUSTOMERS, 1);
    assert.deepEqual(sent.map((s) => `${s.method} ${s.path.replace(/[0-9a-f]{40}/, '…')}`), ['POST admin/auth/tokens', `GET ${CUSTOMERS}/1`, 'GET admin/auth/tokens/…', `GET ${CUSTOMERS}/1`]);
    await api.close();
  });

  it('holds the request rate: a 5-per-second limit takes about 5 s of clock time for 30 requests', async () => {
    const clock = fakeClock(Date.now() + 3_600_000); // nonces above the other tests' on this key
    const at: number[] = [];
    const api = createSplynxClient({
      baseUrl: splynx.url, auth: { kind: 'signature', key: KEY, secret: SECRET }, clock, maxRequestsPerSecond: 5,
      fetch: (input, init) => {
        at.push(clock.now());
        return fetch(input, init);
      },
    });
    const started = clock.now();
    await Promise.all(Array.from({ length: 30 }, () => api.count(CUSTOMERS)));
    const elapsed = (at.at(-1)! - started) / 1000;
    const rate = (at.length - 5) / elapsed; // the first 5 are the allowed burst
    console.log(`rate limit 5/s: ${at.length} requests in ${elapsed.toFixed(2)} s of clock time, ${rate.toFixed(2)}/s after the burst`);
    assert.equal(at.length, 30);
    assert.ok(rate <= 5.01 && rate >= 4.5, String(rate));
    // A full bucket of 5 plus 5 refilled: never more than 10 in the first second.
    assert.ok(at.filter((t) => t - started < 1000).length <= 10);
  });

  it('names the option that is wrong', () => {
    const make = (options: Partial<SplynxClientOptions>) => () => createSplynxClient({ baseUrl: splynx.url, auth: { kind: 'token', key: KEY, secret: SECRET }, ...options });
    assert.throws(make({ baseUrl: 'billing.example.net' }), { name: 'SplynxError', code: 'invalid_options', message: /^baseUrl:/ });
    assert.throws(make({ auth: { kind: 'basic', key: KEY, secret: SECRET } as never }), { code: 'invalid_options', message: /^auth\.kind:/ });
    assert.throws(make({ auth: { kind: 'signature', key: KEY, secret: '' } }), { code: 'invalid_options', message: /^auth\.secret:/ });
    assert.throws(make({ maxRequestsPerSecond: 0 }), { code: 'invalid_options', message: /^maxRequestsPerSecond:/ });
    assert.throws(make({ retries: -1 }), { code: 'invalid_options', message: /^retries:/ });
  });

  it('reports an unreachable Splynx as a network error after retrying', async () => {
    const clock = fakeClock();
    const api = createSplynxClient({ baseUrl: 'http://127.0.0.1:9', auth: { kind: 'signature', key: KEY, secret: SECRET }, clock, retries: 2 });
    const error = await rejection(api.list(CUSTOMERS));
    assert.deepEqual([error.code, error.status, clock.slept.length], ['network', undefined, 2]);
    assert.match(error.message, /could not reach Splynx at http:\/\/127\.0\.0\.1:9/);
  });
});
