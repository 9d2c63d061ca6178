import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startMetaGraphFake, type MetaGraphFake } from './meta.ts';
import { META_SIGNATURE_KAT, META_WEBHOOK_SAMPLES } from './meta-samples.ts';
import { encodeLikeMeta, signMetaPayload } from './meta-webhooks.ts';

describe('Meta webhook senders', () => {
  it("sign exactly as Meta's known-answer vector says", () => {
    const { body, appSecret, expectedHex } = META_SIGNATURE_KAT;
    assert.equal(signMetaPayload(appSecret, body)['x-hub-signature-256'], `sha256=${expectedHex}`);
    assert.match(signMetaPayload(appSecret, body)['x-hub-signature'], /^sha1=[0-9a-f]{40}$/);
  });

  it("write JSON as Meta does: re-encoding each published sample gives back its exact bytes", () => {
    for (const [name, sample] of Object.entries(META_WEBHOOK_SAMPLES)) {
      assert.equal(encodeLikeMeta(JSON.parse(sample.body)), sample.body, name);
    }
    assert.equal(encodeLikeMeta({ url: 'https://x/é' }), '{"url":"https:\\/\\/x\\/\\u00e9"}');
  });
});

describe('startMetaGraphFake', () => {
  let graph: MetaGraphFake;
  const post = (path: string, body: unknown, token: string | null = graph.accessToken) =>
    fetch(`${graph.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, any> }));
  const text = (to: string, body: string) => ({ messaging_product: 'whatsapp', to, type: 'text', text: { body } });
  before(async () => {
    graph = await startMetaGraphFake();
  });
  after(() => graph.close());

  it('answers a WhatsApp send with the Cloud API shape and records it', async () => {
    const answer = await post(`/v23.0/${graph.phoneNumberId}/messages`, text('+16505551234', 'hi'));
    assert.equal(answer.status, 200);
    assert.equal(answer.json.messaging_product, 'whatsapp');
    assert.deepEqual(answer.json.contacts, [{ input: '+16505551234', wa_id: '16505551234' }]);
    assert.match(answer.json.messages[0].id, /^wamid\./);
    assert.equal(graph.sent.at(-1)?.id, answer.json.messages[0].id);
  });

  it('refuses a missing or wrong token with a Graph 190 error, and takes the token as access_token too', async () => {
    for (const token of [null, 'EAAJwrong']) {
      const answer = await post(`/v23.0/${graph.phoneNumberId}/messages`, text('1', 'x'), token);
      assert.equal(answer.status, 401);
      assert.equal(answer.json.error.code, 190);
      assert.equal(answer.json.error.type, 'OAuthException');
      assert.equal(typeof answer.json.error.fbtrace_id, 'string');
    }
    const viaQuery = await post(`/v23.0/${graph.phoneNumberId}/messages?access_token=${graph.accessToken}`, text('1', 'x'), null);
    assert.equal(viaQuery.status, 200);
  });

  it("refuses what the Graph API refuses, with code 100", async () => {
    const cases: Array<[string, unknown, string?]> = [
      [`/v23.0/${graph.phoneNumberId}/messages`, { to: '1', type: 'text', text: { body: 'x' } }],
      [`/v23.0/${graph.phoneNumberId}/messages`, text('1', 'x'.repeat(4097))],
      [`/v23.0/${graph.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: '1', type: 'image', image: {} }],
      [`/v23.0/${graph.pageId}/messages`, { recipient: { id: '1' }, message: { text: 'x', attachment: { type: 'image', payload: { url: 'https://x/y.jpg' } } } }, graph.pageAccessToken],
      [`/v23.0/${graph.pageId}/messages`, { recipient: { id: '1' }, message: { text: 'x'.repeat(2001) } }, graph.pageAccessToken],
      ['/v23.0/424242/messages', text('1', 'x')],
    ];
    for (const [path, body, token] of cases) {
      const answer = await post(path, body, token);
      assert.deepEqual([answer.status, answer.json.error.code], [400, 100], JSON.stringify(body).slice(0, 80));
    }
  });

  it('answers a Send API message with recipient_id and message_id, on the Page or on me', async () => {
    for (const object of [graph.pageId, 'me']) {
      const answer = await post(`/v23.0/${object}/messages`, { recipient: { id: 'PSID1' }, messaging_type: 'RESPONSE', message: { text: 'hi' } }, graph.pageAccessToken);
      assert.equal(answer.status, 200);
      assert.equal(answer.json.recipient_id, 'PSID1');
      assert.match(answer.json.message_id, /^m_/);
    }
  });

  it('fails the next sends as told, then serves again', async () => {
    graph.failNext(1, 503);
    graph.rejectNext('window_closed');
    const outage = await post(`/v23.0/${graph.phoneNumberId}/messages`, text('1', 'x'));
    assert.deepEqual([outage.status, outage.json.error.code, outage.json.error.is_transient], [503, 2, true]);
    const closed = await post(`/v23.0/${graph.phoneNumberId}/messages`, text('1', 'x'));
    assert.deepEqual([closed.status, closed.json.error.code], [400, 131047]);
    assert.match(closed.json.error.error_data.details, /24 hours/);
    assert.equal((await post(`/v23.0/${graph.phoneNumberId}/messages`, text('1', 'x'))).status, 200);
  });
});

describe('startMetaGraphFake: inbound files', () => {
  let graph: MetaGraphFake;
  const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x34]);
  const get = (url: string, token: string | null) => fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  before(async () => {
    graph = await startMetaGraphFake();
  });
  after(() => graph.close());

  it('answers GET /{media-id} with the Cloud API shape, and its URL serves the bytes to the same Bearer token only', async () => {
    const id = graph.addMedia('application/pdf', bytes);
    assert.match(id, /^\d{16}$/);
    const answer = await get(`${graph.url}/v23.0/${id}?phone_number_id=${graph.phoneNumberId}`, graph.accessToken);
    const json = (await answer.json()) as Record<string, unknown>;
    assert.equal(answer.status, 200);
    assert.deepEqual(Object.keys(json).sort(), ['file_size', 'id', 'messaging_product', 'mime_type', 'sha256', 'url']);
    assert.deepEqual([json.id, json.mime_type, json.file_size, json.messaging_product], [id, 'application/pdf', 8, 'whatsapp']);
    assert.equal(json.sha256, createHash('sha256').update(bytes).digest('hex'));
    const file = await get(String(json.url), graph.accessToken);
    assert.deepEqual([file.status, file.headers.get('content-type'), new Uint8Array(await file.arrayBuffer())], [200, 'application/pdf', bytes]);
    assert.equal((await get(String(json.url), null)).status, 401);
  });

  it('refuses a wrong token with 190 and an unknown id (or another number\'s) with 100/33', async () => {
    const id = graph.addMedia('image/png', bytes);
    const wrong = await get(`${graph.url}/v23.0/${id}`, 'EAAJwrong');
    assert.deepEqual([wrong.status, ((await wrong.json()) as { error: { code: number } }).error.code], [401, 190]);
    for (const path of [`/v23.0/999`, `/v23.0/${id}?phone_number_id=1`]) {
      const unknown = await get(`${graph.url}${path}`, graph.accessToken);
      const { error } = (await unknown.json()) as { error: { code: number; error_subcode: number; type: string } };
      assert.deepEqual([unknown.status, error.code, error.error_subcode, error.type], [400, 100, 33, 'GraphMethodException'], path);
    }
  });

  it('serves a page attachment at a CDN-like URL without credentials; a mangled one is 404', async () => {
    const url = graph.addPageAttachment('image/jpeg', bytes);
    assert.match(url, /\/v\/t1\.15752-9\/\d+_\d+_\d+_n\.jpg\?_nc_cat=\d+&_nc_sid=[0-9a-f]+&oh=[0-9a-f]+&oe=[0-9A-F]+$/);
    const file = await get(url, null);
    assert.deepEqual([file.status, file.headers.get('content-type')], [200, 'image/jpeg']);
    assert.equal((await get(url.replace('_n.jpg', '_m.jpg'), null)).status, 404);
  });

  it('fails the next look-ups as told', async () => {
    const id = graph.addMedia('image/png', bytes);
    graph.failDownloadsNext(1, 503);
    const failed = await get(`${graph.url}/v23.0/${id}`, graph.accessToken);
    assert.deepEqual([failed.status, ((await failed.json()) as { error: { is_transient: boolean } }).error.is_transient], [503, true]);
    assert.equal((await get(`${graph.url}/v23.0/${id}`, graph.accessToken)).status, 200);
  });
});
