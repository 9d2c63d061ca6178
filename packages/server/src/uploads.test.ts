import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ErrorBody } from '@casekit/protocol/schemas';
import { createFileBlobStore } from './blob-store.ts';
import { startTestServer, type HttpResult, type TestServer } from './internal/testing.ts';

const LIMIT = 64 * 1024;
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(120).fill(7)]);
const PDF = new TextEncoder().encode('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const TEXT = new TextEncoder().encode('Router serial: FL-2291\nLights: red, blinking\n');

let t: TestServer;
let visitor: { token: string; customerId: string };

function assertError(res: HttpResult, status: number, code: string, path?: string): void {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${res.text}`);
  assert.ok(ErrorBody.safeParse(res.body).success, `error body has the documented shape: ${res.text}`);
  assert.equal(res.body.error.code, code);
  assert.ok(res.body.error.message.length > 10, 'the message explains what went wrong');
  if (path) {
    const paths = (res.body.error.details?.issues ?? []).map((i: { path: string }) => i.path);
    assert.ok(paths.includes(path), `the error names ${path}: ${res.text}`);
  }
}

function upload(
  bytes: Uint8Array<ArrayBuffer>,
  options: { name?: string; type?: string; token?: string; route?: 'visitor' | 'agent' } = {},
): Promise<HttpResult> {
  const path = options.route === 'agent' ? '/api/v1/uploads' : '/api/v1/visitor/uploads';
  const query = options.name === undefined ? '' : `?name=${encodeURIComponent(options.name)}`;
  return t.request('POST', `${path}${query}`, {
    ...(options.token && { token: options.token }),
    raw: bytes,
    headers: options.type === undefined ? {} : { 'content-type': options.type },
  });
}

async function visitorUpload(bytes: Uint8Array<ArrayBuffer>, name: string, type: string, token = visitor.token) {
  const res = await upload(bytes, { name, type, token });
  assert.equal(res.status, 201, res.text);
  return res.body as { name: string; contentType: string; size: number; url: string };
}

/** Files the blob store holds, partial ones included. */
async function storedFiles(): Promise<string[]> {
  const entries = await readdir(t.uploadsDir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => e.name).sort();
}

before(async () => {
  t = await startTestServer({ uploads: { maxBytes: LIMIT } });
  visitor = await t.visitorSession({ name: 'Uma Upload' });
});
after(() => t.close());

describe('uploads', () => {
  it('stores a visitor image and serves it back inline, unsniffed, under an unguessable id', async () => {
    const attachment = await visitorUpload(PNG, 'router lights.png', 'image/png');
    assert.equal(attachment.name, 'router lights.png');
    assert.equal(attachment.contentType, 'image/png');
    assert.equal(attachment.size, PNG.byteLength);
    assert.match(attachment.url, /^\/api\/v1\/uploads\/up_[A-Za-z0-9_-]{24}$/, '144 random bits, URL-safe');
    const again = await visitorUpload(PNG, 'router lights.png', 'image/png');
    assert.notEqual(again.url, attachment.url);

    const res = await fetch(`${t.url}${attachment.url}`);
    assert.equal(res.status, 200);
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), PNG);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('content-disposition'), `inline; filename="router lights.png"; filename*=UTF-8''router%20lights.png`);
    assert.match(res.headers.get('content-security-policy') ?? '', /sandbox/);
  });

  it('serves PDFs and text as downloads with their own type and a safe UTF-8 file name', async () => {
    const pdf = await upload(PDF, { name: 'Facture "été".pdf', type: 'application/pdf', token: t.tokens.agent, route: 'agent' });
    assert.equal(pdf.status, 201, pdf.text);
    const res = await fetch(`${t.url}${pdf.body.url}`);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    assert.equal(
      res.headers.get('content-disposition'),
      `attachment; filename="Facture __t__.pdf"; filename*=UTF-8''Facture%20%22%C3%A9t%C3%A9%22.pdf`,
    );
    const text = await visitorUpload(TEXT, 'C:\\Users\\uma\\notes.txt', 'text/plain; charset=utf-8');
    assert.equal(text.name, 'notes.txt', 'only the base name is kept');
    const served = await fetch(`${t.url}${text.url}`);
    assert.equal(served.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.match(served.headers.get('content-disposition') ?? '', /^attachment;/);
    assert.equal(await served.text(), new TextDecoder().decode(TEXT));
  });

  it('refuses uploads without a token, or with the wrong kind of token', async () => {
    assertError(await upload(PNG, { name: 'a.png', type: 'image/png' }), 401, 'unauthorized');
    assertError(await upload(PNG, { name: 'a.png', type: 'image/png', route: 'agent' }), 401, 'unauthorized');
    assertError(await upload(PNG, { name: 'a.png', type: 'image/png', token: visitor.token, route: 'agent' }), 401, 'unauthorized');
    assertError(await upload(PNG, { name: 'a.png', type: 'image/png', token: t.tokens.agent }), 401, 'unauthorized');
  });

  it('refuses a file over the limit, whether announced or streamed, and keeps nothing of it', async () => {
    const before = await storedFiles();
    const big = new Uint8Array(LIMIT + 1);
    big.set(PNG);
    const announced = await upload(big, { name: 'big.png', type: 'image/png', token: visitor.token });
    assertError(announced, 413, 'payload_too_large', 'body');
    assert.equal(announced.body.error.details.limit, LIMIT);
    assert.match(announced.body.error.message, /64 KB/);

    // Chunked: no Content-Length, so the limit is found while reading.
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${t.url}/api/v1/visitor/uploads?name=big.png`, {
        method: 'POST',
        headers: { authorization: `Bearer ${visitor.token}`, 'content-type': 'image/png', 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(PNG);
      const chunk = new Uint8Array(8 * 1024);
      for (let sent = 0; sent <= LIMIT; sent += chunk.byteLength) req.write(chunk);
      req.end();
    });
    assert.equal(streamed.status, 413, streamed.body);
    assert.equal(JSON.parse(streamed.body).error.code, 'payload_too_large');
    assert.deepEqual(await storedFiles(), before, 'no file or partial file was kept');
  });

  it('refuses a type outside the list, a missing type and bytes that do not match the type, naming the header', async () => {
    const html = new TextEncoder().encode('<html><script>alert(1)</script></html>');
    const zip = await upload(PNG, { name: 'a.zip', type: 'application/zip', token: visitor.token });
    assertError(zip, 415, 'unsupported_media_type', 'headers.content-type');
    assert.match(zip.body.error.message, /image\/png/, 'the message lists what is accepted');
    assertError(await upload(html, { name: 'a.html', type: 'text/html', token: visitor.token }), 415, 'unsupported_media_type', 'headers.content-type');
    assertError(await upload(html, { name: 'a.svg', type: 'image/svg+xml', token: visitor.token }), 415, 'unsupported_media_type');
    assertError(await upload(PNG, { name: 'a.png', token: visitor.token }), 415, 'unsupported_media_type', 'headers.content-type');
    assertError(await upload(html, { name: 'photo.png', type: 'image/png', token: visitor.token }), 415, 'unsupported_media_type', 'headers.content-type');
    assertError(await upload(PDF, { name: 'photo.jpg', type: 'image/jpeg', token: visitor.token }), 415, 'unsupported_media_type');
    assertError(await upload(new Uint8Array([1, 0, 2]), { name: 'a.txt', type: 'text/plain', token: visitor.token }), 415, 'unsupported_media_type');
  });

  it('refuses an empty file and a missing or empty file name', async () => {
    assertError(await upload(new Uint8Array(0), { name: 'a.txt', type: 'text/plain', token: visitor.token }), 400, 'validation_failed', 'body');
    assertError(await upload(PNG, { type: 'image/png', token: visitor.token }), 400, 'validation_failed', 'query.name');
    assertError(await upload(PNG, { name: '../', type: 'image/png', token: visitor.token }), 400, 'validation_failed', 'query.name');
  });

  it('answers 404 for an unknown upload and 400 for something that is not an upload id', async () => {
    assertError(await t.request('GET', `/api/v1/uploads/up_${'A'.repeat(24)}`), 404, 'not_found');
    assertError(await t.request('GET', '/api/v1/uploads/..%2f..%2fcasekit.db'), 400, 'validation_failed', 'params.uploadId');
  });
});

describe('attachments on messages', () => {
  it("puts a visitor's own upload on their message with the stored facts, whatever the client claimed", async () => {
    const attachment = await visitorUpload(PNG, 'lights.png', 'image/png');
    const sent = await t.request('POST', '/api/v1/visitor/messages', {
      token: visitor.token,
      body: {
        text: 'Here is a photo of the lights',
        clientMessageId: 'with-photo',
        attachments: [{ ...attachment, name: 'renamed.exe', contentType: 'application/x-msdownload', size: 1, url: `https://evil.example${attachment.url}` }],
      },
    });
    assert.equal(sent.status, 201, sent.text);
    assert.deepEqual(sent.body.attachments, [attachment]);
    const messages = await t.request('GET', `/api/v1/cases/${sent.body.caseId}/messages`, { token: t.tokens.agent });
    assert.deepEqual(messages.body.items.at(-1).attachments, [attachment], 'the agent sees the file');
    const blobs = createFileBlobStore(t.uploadsDir);
    assert.ok((await blobs.stat(attachment.url.split('/').pop()!))?.attachedAt, 'kept: a message carries it');
  });

  it('lets an agent reply with an upload and a bot with quick replies; the visitor sees both', async () => {
    const sent = await t.request('POST', '/api/v1/visitor/messages', { token: visitor.token, body: { text: 'Invoice?', clientMessageId: 'inv' } });
    const pdf = await upload(PDF, { name: 'invoice.pdf', type: 'application/pdf', token: t.tokens.agent, route: 'agent' });
    const quick = { name: 'Yes', contentType: 'application/vnd.casekit.quick-reply', size: 0, url: 'yes' };
    const reply = await t.request('POST', `/api/v1/cases/${sent.body.caseId}/messages`, {
      token: t.tokens.agent,
      body: { text: 'Here is your invoice. Anything else?', attachments: [pdf.body, quick] },
    });
    assert.equal(reply.status, 201, reply.text);
    assert.deepEqual(reply.body.attachments, [pdf.body, quick]);
    const history = await t.request('GET', '/api/v1/visitor/messages', { token: visitor.token });
    assert.deepEqual(history.body.items.at(-1).attachments, [pdf.body, quick]);
  });

  it('keeps files on internal notes internal, and refuses quick replies and outside links there', async () => {
    const sent = await t.request('POST', '/api/v1/visitor/messages', { token: visitor.token, body: { text: 'Line keeps dropping', clientMessageId: 'drop' } });
    const log = await upload(PDF, { name: 'olt-log.pdf', type: 'application/pdf', token: t.tokens.agent, route: 'agent' });
    const note = await t.request('POST', `/api/v1/cases/${sent.body.caseId}/notes`, {
      token: t.tokens.agent,
      body: { text: 'OLT log attached', attachments: [log.body] },
    });
    assert.equal(note.status, 201, note.text);
    assert.equal(note.body.internal, true);
    assert.deepEqual(note.body.attachments, [log.body]);
    const history = await t.request('GET', '/api/v1/visitor/messages', { token: visitor.token });
    assert.ok(!history.text.includes('olt-log.pdf'), 'the visitor never sees a note or its files');
    const quick = { name: 'Yes', contentType: 'application/vnd.casekit.quick-reply', size: 0, url: 'yes' };
    const outside = { name: 'x.pdf', contentType: 'application/pdf', size: 3, url: 'https://elsewhere.example/x.pdf' };
    for (const attachment of [quick, outside]) {
      const refused = await t.request('POST', `/api/v1/cases/${sent.body.caseId}/notes`, { token: t.tokens.agent, body: { text: 'nope', attachments: [attachment] } });
      assertError(refused, 400, 'validation_failed', 'body.attachments.0.url');
    }
  });

  it("refuses another visitor's upload, an unknown one and an outside link, and stores nothing", async () => {
    const stranger = await t.visitorSession({ name: 'Stranger' });
    const theirs = await visitorUpload(PNG, 'theirs.png', 'image/png', stranger.token);
    const seq = await t.lastSeq();
    const attempts = [
      theirs,
      { ...theirs, url: `/api/v1/uploads/up_${'B'.repeat(24)}` },
      { ...theirs, url: 'https://elsewhere.example/cat.png' },
    ];
    for (const [i, attachment] of attempts.entries()) {
      const res = await t.request('POST', '/api/v1/visitor/messages', {
        token: visitor.token,
        body: { text: 'look', clientMessageId: `steal-${i}`, attachments: [attachment] },
      });
      assertError(res, 400, 'validation_failed', 'body.attachments.0.url');
    }
    // Quick replies are a bot's, never a visitor's.
    const fake = await t.request('POST', '/api/v1/visitor/messages', {
      token: visitor.token,
      body: { text: 'x', clientMessageId: 'fake-quick', attachments: [{ name: 'Yes', contentType: 'application/vnd.casekit.quick-reply', size: 0, url: 'yes' }] },
    });
    assertError(fake, 400, 'validation_failed', 'body.attachments.0.url');
    const caseId = (await t.request('GET', '/api/v1/visitor/messages', { token: visitor.token })).body.items[0].caseId;
    const outside = await t.request('POST', `/api/v1/cases/${caseId}/messages`, {
      token: t.tokens.agent,
      body: { text: 'see', attachments: [{ name: 'x.png', contentType: 'image/png', size: 1, url: 'https://elsewhere.example/x.png' }] },
    });
    assertError(outside, 400, 'validation_failed', 'body.attachments.0.url');
    assert.equal(await t.lastSeq(), seq, 'nothing was stored');
  });

  it('makes absolute links when the server knows its public URL', async () => {
    const other = await startTestServer({ publicUrl: 'https://support.example.com/api/v1/' });
    try {
      const session = await other.visitorSession();
      const res = await other.request('POST', '/api/v1/visitor/uploads?name=a.png', { token: session.token, raw: PNG, headers: { 'content-type': 'image/png' } });
      assert.match(res.body.url, /^https:\/\/support\.example\.com\/api\/v1\/uploads\/up_/);
      const sent = await other.request('POST', '/api/v1/visitor/messages', {
        token: session.token,
        body: { text: 'photo', clientMessageId: 'abs', attachments: [{ ...res.body, url: new URL(res.body.url).pathname }] },
      });
      assert.equal(sent.body.attachments[0].url, res.body.url);
    } finally {
      await other.close();
    }
  });
});

describe('upload allowance', () => {
  const text = (size: number) => new Uint8Array(new ArrayBuffer(size)).fill(0x61);
  const send = (server: TestServer, token: string, bytes = text(5), route: 'visitor' | 'agent' = 'visitor') =>
    server.request('POST', `/api/v1/${route === 'agent' ? '' : 'visitor/'}uploads?name=note.txt`, { token, raw: bytes, headers: { 'content-type': 'text/plain' } });

  it('refuses a visitor more files than the allowance, even sent all at once, with Retry-After; agents are not limited', async () => {
    const limited = await startTestServer({ visitorUploadLimits: { files: 3, bytes: 1_000_000, windowMs: 60_000 } });
    try {
      const session = await limited.visitorSession();
      const burst = await Promise.all(Array.from({ length: 8 }, () => send(limited, session.token)));
      assert.equal(burst.filter((r) => r.status === 201).length, 3, burst.map((r) => r.status).join(' '));
      const refused = burst.find((r) => r.status === 429)!;
      assertError(refused, 429, 'rate_limited');
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
      for (let i = 0; i < 5; i++) assert.equal((await send(limited, limited.tokens.agent, text(5), 'agent')).status, 201);
    } finally {
      await limited.close();
    }
  });

  it('counts bytes as well as files, and new sessions from one address share that address\'s allowance', async () => {
    const limited = await startTestServer({ visitorUploadLimits: { files: 100, bytes: 3000, windowMs: 60_000 }, uploads: { maxBytes: 1000 } });
    try {
      const session = await limited.visitorSession();
      for (let i = 0; i < 3; i++) assert.equal((await send(limited, session.token, text(1000))).status, 201);
      assertError(await send(limited, session.token, text(10)), 429, 'rate_limited');
      // Fresh sessions from the same address: three visitors' worth in all, then refused.
      let accepted = 0;
      for (let i = 0; i < 4; i++) {
        const fresh = await limited.visitorSession();
        for (let j = 0; j < 3; j++) if ((await send(limited, fresh.token, text(1000))).status === 201) accepted++;
      }
      assert.equal(accepted, 6, 'the address allowance is three visitors\' worth (9,000 bytes, 3,000 already used)');
    } finally {
      await limited.close();
    }
  });
});

describe('upload sweep', () => {
  it('removes files no message carries once old enough, and abandoned partial uploads; keeps the rest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'casekit-blobs-'));
    try {
      const blobs = createFileBlobStore(dir);
      const put = (id: string, createdAt: string) =>
        blobs.put({ id, workspaceId: 'ws', name: `${id}.txt`, contentType: 'text/plain', owner: { kind: 'customer', id: 'cu_1' }, createdAt }, (async function* () {
          yield new TextEncoder().encode('bytes');
        })());
      const old = '2026-01-01T00:00:00.000Z';
      await put('up_unattachedunattached01', old);
      await put('up_attachedattachedattach1', old);
      await put('up_recentrecentrecentrece1', new Date().toISOString());
      await blobs.markAttached!('up_attachedattachedattach1', new Date());
      const partial = join(dir, 'ab', 'up_abandonedabandonedaban1.partial');
      await mkdir(dirname(partial), { recursive: true });
      await writeFile(partial, 'half');
      await utimes(partial, new Date(old), new Date(old));
      const removed = await blobs.sweep!(new Date(Date.now() - 3_600_000));
      assert.equal(removed, 2);
      assert.equal(await blobs.stat('up_unattachedunattached01'), null);
      assert.ok(await blobs.stat('up_attachedattachedattach1'));
      assert.ok(await blobs.stat('up_recentrecentrecentrece1'));
      const left = (await readdir(dir, { recursive: true })).filter((f) => f.includes('unattached') || f.includes('abandoned'));
      assert.deepEqual(left, []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
