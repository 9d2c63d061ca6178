import assert from 'node:assert/strict';
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
