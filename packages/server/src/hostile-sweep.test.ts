// Every route of ROUTES, attacked with what an outsider would send: sizes, nesting, NUL bytes and
// lone surrogates, prototype keys, forged cursors and limits, wrong types and headers. No answer
// may be a 5xx, and no refused request may change anything.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { RouteName } from '@casekit/protocol';
import { ROUTES, type RouteDef } from '@casekit/protocol/schemas';
import { startTestServer, type TestServer } from './internal/testing.ts';

let t: TestServer;
let ids: Record<string, string>;
let visitorToken: string;

const NUL = '\u0000';
const LONE = '\ud800';
const HUGE = 'x'.repeat(70 * 1024);

/** Values for one string field: empty, huge, NUL, lone surrogate, path tricks, prototype names. */
const STRINGS = ['', HUGE, `a${NUL}b`, `a${LONE}b`, '../../etc/passwd', '__proto__', 'constructor', '%00', '<script>alert(1)</script>', '\u202eevil', ' '];
/** Values of the wrong type for any field. */
const WRONG_TYPES: unknown[] = [null, true, -1, 1e308, Number.MAX_SAFE_INTEGER + 2, [], {}, [[[]]], { __proto__: { polluted: true } }];

const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

/** Raw JSON bodies no schema expects. */
const RAW_BODIES = [
  '',
  'not json',
  '{"a":',
  'null',
  '[]',
  '"text"',
  '42',
  deep(50),
  deep(100_000),
  '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
  `{"text":"${'\\u0000'.repeat(10)}"}`,
  '{"text":"\\ud800"}',
  `{"text":"${'é'.repeat(200_000)}"}`,
  '{"text":"ok","text":"again"}',
];

/** Query strings no schema expects. */
const QUERIES = [
  'limit=-1',
  'limit=0',
  'limit=1e9',
  'limit=abc',
  'limit=1.5',
  'limit=',
  'cursor=',
  'cursor=%00',
  `cursor=${'A'.repeat(600)}`,
  'cursor=eyJ4IjoxfQ',
  'cursor=__proto__',
  'after=-2',
  'after=NaN',
  'after=1e30',
  'status=nope',
  'status=open&status=closed&status=x',
  'status=' + 'open,'.repeat(40),
  'q=%00%00%00',
  'q=%ED%A0%80abc',
  `q=${'a'.repeat(500)}`,
  'name=%00',
  'name=..%2F..%2Fx',
  'name=',
  'assignee=%00',
  'customerId=__proto__',
  '__proto__[polluted]=1',
  'constructor[prototype][polluted]=1',
];

/** Path parameter values no route expects. */
const PARAMS = ['%00', 'x'.repeat(65), '__proto__', 'constructor', '..%2F..', '%ED%A0%80', 'c_doesnotexist', '%20'];

function fillPath(path: string, value: (param: string) => string): string {
  return path.replace(/:(\w+)/g, (_, param: string) => value(param));
}

/**
 * Sends a request byte for byte, for what fetch refuses to send (NUL or UTF-8 in a header, a body
 * on a GET); resolves with the status, or 0 when the server closed without answering.
 */
function rawRequest(method: string, path: string, headers: Record<string, string>, body: string | undefined): Promise<number> {
  const port = Number(new URL(t.url).port);
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
  const head = [`${method} ${path} HTTP/1.1`, 'host: 127.0.0.1', 'connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (body !== undefined) head.push(`content-length: ${payload.length}`);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'utf8'), payload])));
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0)));
  });
}

async function storedFiles(): Promise<number> {
  const entries = await readdir(t.uploadsDir, { recursive: true }).catch(() => []);
  return entries.length;
}

before(async () => {
  t = await startTestServer({ bodyLimit: 256 * 1024 });
  const visitor = await t.visitorSession({ name: 'Sweep' });
  visitorToken = visitor.token;
  const sent = await t.request('POST', '/api/v1/visitor/messages', { token: visitorToken, body: { text: 'hello', clientMessageId: 'sweep-1' } });
  assert.equal(sent.status, 201, sent.text);
  const upload = await t.request('POST', '/api/v1/uploads?name=a.txt', { token: t.tokens.agent, raw: new TextEncoder().encode('hello'), headers: { 'content-type': 'text/plain' } });
  assert.equal(upload.status, 201, upload.text);
  ids = { caseId: sent.body.caseId, customerId: visitor.customerId, conversationId: sent.body.conversationId, uploadId: /up_[\w-]+$/.exec(upload.body.url)![0] };
});
after(() => t.close());

describe('a hostile sweep of every route', () => {
  it('answers no 5xx and changes nothing when it refuses', async () => {
    const checked = { requests: 0, refused: 0 };
    const failures: string[] = [];
    for (const name of Object.keys(ROUTES) as RouteName[]) {
      const route: RouteDef = ROUTES[name];
      const token = route.auth === 'agent' ? t.tokens.admin : route.auth === 'none' ? undefined : visitorToken;
      const validPath = `/api/v1${fillPath(route.path, (param) => ids[param] ?? 'x')}`;
      const attempts: { path: string; raw?: string; headers?: Record<string, string>; token?: string | undefined }[] = [];
      for (const value of PARAMS) if (route.path.includes(':')) attempts.push({ path: `/api/v1${fillPath(route.path, () => value)}`, token });
      for (const query of QUERIES) attempts.push({ path: `${validPath}?${query}`, token });
      if (route.body || route.rawBody || route.method !== 'GET') {
        for (const raw of RAW_BODIES) attempts.push({ path: validPath, raw, headers: { 'content-type': 'application/json' }, token });
        const bodies: unknown[] = [...WRONG_TYPES];
        for (const value of [...STRINGS, ...WRONG_TYPES]) {
          for (const field of ['text', 'name', 'email', 'targetCaseId', 'sourceCustomerId', 'presence', 'attributes', 'channelId', 'clientMessageId', 'version', 'tags', 'kind', 'password', 'resumeToken']) {
            bodies.push({ [field]: value });
          }
        }
        for (const body of bodies) attempts.push({ path: validPath, raw: JSON.stringify(body), headers: { 'content-type': 'application/json' }, token });
        attempts.push({ path: validPath, raw: '{}', headers: { 'content-type': 'text/html' }, token });
        attempts.push({ path: validPath, raw: `{"x":"${'y'.repeat(300 * 1024)}"}`, headers: { 'content-type': 'application/json' }, token });
      }
      const rawAttempts: { headers: Record<string, string>; body?: string }[] = [];
      for (const key of ['', ' ', `k${NUL}`, 'ключ', 'k'.repeat(300)]) {
        rawAttempts.push({ headers: { 'content-type': 'application/json', 'idempotency-key': key, ...(token && { authorization: `Bearer ${token}` }) }, body: '{"text":"x"}' });
      }
      rawAttempts.push({ headers: { authorization: `Bearer ${NUL}` } }, { headers: { authorization: 'Bearer ключ' } }, { headers: { 'content-type': 'application/json; charset=koi8-r', ...(token && { authorization: `Bearer ${token}` }) }, body: '{}' });
      for (const attempt of rawAttempts) {
        const seq = await t.lastSeq();
        const status = await rawRequest(route.method, validPath, attempt.headers, attempt.body);
        checked.requests++;
        const label = `${route.method} ${validPath} ${JSON.stringify(attempt.headers).slice(0, 80)}`;
        if (status >= 500) failures.push(`${label} → ${status}`);
        if (status >= 400 && (await t.lastSeq()) !== seq) failures.push(`${label} → ${status} but the event log moved`);
        if (status >= 400) checked.refused++;
      }
      for (const auth of ['Bearer', 'Bearer x.y.z', `Bearer ${'a'.repeat(5000)}`, 'Basic Zm9vOmJhcg==', `Bearer ${visitorToken}`, `Bearer ${t.tokens.admin}x`]) {
        attempts.push({ path: validPath, headers: { authorization: auth } });
      }

      for (const attempt of attempts) {
        const seq = await t.lastSeq();
        const files = await storedFiles();
        const headers: Record<string, string> = { ...attempt.headers };
        let res;
        try {
          res = await t.request(route.method, attempt.path, {
            ...(attempt.token && !headers.authorization && { token: attempt.token }),
            ...(attempt.raw !== undefined && { raw: attempt.raw }),
            headers,
          });
        } catch (error) {
          failures.push(`${name} ${attempt.path.slice(0, 80)}: the request failed (${String(error)})`);
          continue;
        }
        checked.requests++;
        const label = `${route.method} ${attempt.path.slice(0, 100)} ${attempt.raw?.slice(0, 60) ?? ''} ${JSON.stringify(headers).slice(0, 60)}`;
        if (res.status >= 500) failures.push(`${label} → ${res.status} ${res.text.slice(0, 200)}`);
        if (res.status >= 400) {
          checked.refused++;
          if ((await t.lastSeq()) !== seq) failures.push(`${label} → ${res.status} but the event log moved`);
          if ((await storedFiles()) !== files) failures.push(`${label} → ${res.status} but a file was stored`);
          if (res.status !== 404 || res.body?.error) {
            if (!res.body?.error?.code) failures.push(`${label} → ${res.status} without an error body: ${res.text.slice(0, 100)}`);
          }
        }
      }
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted');
    assert.deepEqual(failures, [], `${failures.length} of ${checked.requests} requests went wrong`);
    assert.deepEqual(t.errors, [], 'nothing was logged as a server error');
    assert.ok(checked.refused > checked.requests / 2, `most hostile requests are refused (${checked.refused} of ${checked.requests})`);
  });
});
