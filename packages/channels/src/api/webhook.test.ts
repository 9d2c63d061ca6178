import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ChannelConfigError, ChannelPayloadError } from '@casekit/core';
import type { ChannelAdapter, ChannelRuntime, InboundMessageEvent, WebhookRequest } from '@casekit/core';
import { Webhook } from 'standardwebhooks';
import { apiChannelMessage, apiChannelStatus, apiChannelWebhook, postApiChannelMessage, signApiChannelWebhook } from '@casekit/testkit/providers';
import { apiChannelAdapter, generateSigningSecret } from './index.ts';
import type { ApiChannelConfig, ApiChannelSecrets } from './index.ts';

// webhook-samples/standard-webhooks-test-vector.json: the reference library's own inputs. The
// signature at 1614265330 is the one its sign test and the other libraries' tests publish.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  msgId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  body: '{"test": 2432232314}',
  timestamp: 1614265330,
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
// webhook-samples/standard-webhooks-spec-example.json: the spec's example message.
const SPEC_EXAMPLE = {
  msgId: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
  timestamp: 1674087231,
  body: '{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z","data":{"id":"1f81eb52-5198-4599-803e-771906343485"}}',
};
const SECRET = 'whsec_c2VjcmV0LW9mLXRoZS1jYXNla2l0LWFwaS1jaGFubmVs';
const OTHER = 'whsec_YW5vdGhlci1zZWNyZXQtZW50aXJlbHktMTIzNDU2';

function runtimeAt(now: Date | number, signingSecret = SECRET): ChannelRuntime<ApiChannelConfig, ApiChannelSecrets> {
  return {
    channel: { id: 'ch_api', workspaceId: 'ws_1', kind: 'api', name: 'Our app', config: { callbackUrl: 'http://127.0.0.1:9/replies' }, secrets: { signingSecret } },
    webhookUrl: 'https://support.example.com/webhooks/ch_api',
    publicUrl: 'https://support.example.com',
    fetch,
    now: () => (typeof now === 'number' ? new Date(now * 1000) : now),
  };
}
const live = () => runtimeAt(new Date());

function request(body: string, headers: Record<string, string | undefined>): WebhookRequest {
  return { method: 'POST', url: 'https://support.example.com/webhooks/ch_api', headers, body: new TextEncoder().encode(body) };
}

function signed(envelope: unknown, options: { webhookId?: string; timestamp?: number; secret?: string } = {}): WebhookRequest {
  const { headers, body } = apiChannelWebhook(envelope, options.secret ?? SECRET, options);
  return request(body, headers);
}

async function status(req: WebhookRequest, runtime = live()): Promise<number> {
  const verdict = await apiChannelAdapter.verify(req, runtime);
  return verdict.ok ? 200 : verdict.status;
}

const hello = apiChannelMessage({ from: { externalId: 'user-42', name: 'Dana' }, text: 'Hello from our app' });

describe('api channel settings', () => {
  it('fits the plain ChannelAdapter the server keeps adapters as', () => {
    const port: ChannelAdapter = apiChannelAdapter;
    assert.deepEqual([port.kind, port.medium], ['api', 'api']);
  });

  const field = (input: { config: unknown; secrets: unknown }) => {
    try {
      apiChannelAdapter.validate(input);
      return 'valid';
    } catch (error) {
      assert.ok(error instanceof ChannelConfigError);
      return error.field;
    }
  };
  const config = { callbackUrl: 'https://app.example.com/casekit' };

  it('takes a callback URL and one or more whsec_ secrets of 24 to 64 bytes', () => {
    assert.equal(field({ config, secrets: { signingSecret: VECTOR.secret } }), 'valid');
    assert.equal(field({ config, secrets: { signingSecret: `${SECRET} ${OTHER}` } }), 'valid');
    assert.equal(field({ config, secrets: { signingSecret: generateSigningSecret() } }), 'valid');
  });

  it('names what is wrong', () => {
    assert.equal(field({ config: {}, secrets: { signingSecret: SECRET } }), 'config.callbackUrl');
    assert.equal(field({ config: { callbackUrl: 'ftp://app.example.com' }, secrets: { signingSecret: SECRET } }), 'config.callbackUrl');
    assert.equal(field({ config, secrets: { signingSecret: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } }), 'secrets.signingSecret');
    assert.equal(field({ config, secrets: { signingSecret: `whsec_${Buffer.alloc(16, 1).toString('base64')}` } }), 'secrets.signingSecret');
    assert.equal(field({ config, secrets: { signingSecret: 'whsec_not base64!' } }), 'secrets.signingSecret');
  });

  it('generates fresh 32-byte secrets', () => {
    const secret = generateSigningSecret();
    assert.equal(Buffer.from(secret.slice('whsec_'.length), 'base64').length, 32);
    assert.notEqual(secret, generateSigningSecret());
  });
});

describe('api channel verification', () => {
  it('accepts the reference test vector at its time, and up to 5 minutes either side', async () => {
    const req = request(VECTOR.body, { 'webhook-id': VECTOR.msgId, 'webhook-timestamp': String(VECTOR.timestamp), 'webhook-signature': VECTOR.signature });
    assert.equal(await status(req, runtimeAt(VECTOR.timestamp, VECTOR.secret)), 200);
    assert.equal(await status(req, runtimeAt(VECTOR.timestamp + 300, VECTOR.secret)), 200);
    assert.equal(await status(req, runtimeAt(VECTOR.timestamp - 300, VECTOR.secret)), 200);
  });

  it('refuses a stale or future timestamp with 403, though the signature is right', async () => {
    const req = request(VECTOR.body, { 'webhook-id': VECTOR.msgId, 'webhook-timestamp': String(VECTOR.timestamp), 'webhook-signature': VECTOR.signature });
    assert.equal(await status(req, runtimeAt(VECTOR.timestamp + 301, VECTOR.secret)), 403);
    assert.equal(await status(req, runtimeAt(VECTOR.timestamp - 301, VECTOR.secret)), 403);
  });

  it('answers 401 when a header is missing', async () => {
    for (const missing of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const req = signed(hello);
      const headers = { ...req.headers, [missing]: undefined };
      assert.equal(await status({ ...req, headers }), 401, missing);
    }
  });

  it('answers 403 to a forged, tampered or re-serialized body, or a signature moved to another id or time', async () => {
    const good = signed(hello, { webhookId: 'msg_1' });
    assert.equal(await status(good), 200);
    const text = new TextDecoder().decode(good.body);
    const cases: Array<[string, WebhookRequest]> = [
      ['forged', signed(hello, { secret: OTHER })],
      ['tampered', request(text.replace('Hello', 'Hullo'), good.headers)],
      ['re-serialized', request(JSON.stringify(JSON.parse(text), null, 2), good.headers)],
      ['other id', { ...good, headers: { ...good.headers, 'webhook-id': 'msg_2' } }],
      ['other time', { ...good, headers: { ...good.headers, 'webhook-timestamp': String(Number(good.headers['webhook-timestamp']) - 1) } }],
      ['not v1', { ...good, headers: { ...good.headers, 'webhook-signature': good.headers['webhook-signature']?.replace('v1,', 'v2,') } }],
      ['id with a space', signed(hello, { webhookId: 'msg 1' })],
      ['timestamp in ms', signed(hello, { timestamp: Date.now() })],
    ];
    for (const [name, req] of cases) assert.equal(await status(req), 403, name);
  });

  it('accepts any matching entry of a signature list, and any key of a rotating secret', async () => {
    const req = signed(hello, { secret: `${OTHER} ${SECRET}` });
    assert.match(req.headers['webhook-signature'] ?? '', /^v1,\S+ v1,\S+$/);
    assert.equal(await status(req), 200);
    assert.equal(await status(signed(hello, { secret: OTHER }), runtimeAt(new Date(), `${SECRET} ${OTHER}`)), 200);
  });

  it('verifies what the standardwebhooks library signs', async () => {
    const body = JSON.stringify(hello);
    const signature = new Webhook(SECRET).sign('msg_from_library', new Date(), body);
    const req = request(body, { 'webhook-id': 'msg_from_library', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': signature });
    assert.equal(await status(req), 200);
  });

  it("verifies the spec's example message signed by the library, then refuses it as not a message", async () => {
    const signature = new Webhook(VECTOR.secret).sign(SPEC_EXAMPLE.msgId, new Date(SPEC_EXAMPLE.timestamp * 1000), SPEC_EXAMPLE.body);
    const req = request(SPEC_EXAMPLE.body, { 'webhook-id': SPEC_EXAMPLE.msgId, 'webhook-timestamp': String(SPEC_EXAMPLE.timestamp), 'webhook-signature': signature });
    assert.equal(signature, signApiChannelWebhook(VECTOR.secret, SPEC_EXAMPLE.msgId, SPEC_EXAMPLE.timestamp, SPEC_EXAMPLE.body)['webhook-signature']);
    assert.equal(await status(req, runtimeAt(SPEC_EXAMPLE.timestamp, VECTOR.secret)), 200);
    await assert.rejects(async () => apiChannelAdapter.parse(req, runtimeAt(SPEC_EXAMPLE.timestamp, VECTOR.secret)), /Not a message.created or message.status event: type/);
  });
});

describe('api channel messages', () => {
  async function eventsOf(envelope: unknown, webhookId = 'msg_abc'): Promise<InboundMessageEvent[]> {
    return (await apiChannelAdapter.parse(signed(envelope, { webhookId }), live())).events as InboundMessageEvent[];
  }

  it('reads a message.created post; its webhook-id is the message id', async () => {
    const envelope = apiChannelMessage({
      from: { externalId: 'user-42', name: 'Dana Doe', email: 'Dana@Example.com', phone: '+1 415 555 0100' },
      text: 'The router keeps rebooting',
      attachments: [{ name: 'router.jpg', contentType: 'image/jpeg', url: 'https://files.example.com/router.jpg', size: 48_213 }],
      timestamp: '2026-03-02T09:00:00+01:00',
    });
    assert.deepEqual(await eventsOf(envelope, 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W'), [
      {
        type: 'message',
        providerMessageId: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
        from: { externalId: 'user-42', name: 'Dana Doe', email: 'dana@example.com', phone: '+14155550100' },
        text: 'The router keeps rebooting',
        attachments: [{ name: 'router.jpg', contentType: 'image/jpeg', url: 'https://files.example.com/router.jpg', size: 48_213 }],
        sentAt: '2026-03-02T08:00:00.000Z',
      },
    ]);
  });

  it('takes a message of attachments alone', async () => {
    const [event] = await eventsOf(apiChannelMessage({ from: { externalId: 'u1' }, text: '', attachments: [{ name: 'a.pdf', contentType: 'application/pdf', url: 'https://files.example.com/a.pdf' }] }));
    assert.equal(event?.attachments.length, 1);
    assert.deepEqual(event?.from, { externalId: 'u1' });
  });

  it('refuses a body of another shape, naming the field', async () => {
    const base = { from: { externalId: 'u1' }, text: 'hi' };
    const cases: Array<[unknown, RegExp]> = [
      [{ ...hello, type: 'message.updated' }, /type/],
      [{ type: 'message.created', timestamp: 'yesterday', data: base }, /timestamp/],
      [apiChannelMessage({ ...base, from: { externalId: '' } }), /data\.from\.externalId/],
      [apiChannelMessage({ ...base, from: { externalId: 'u1', email: 'not-an-email' } }), /data\.from\.email/],
      [apiChannelMessage({ ...base, from: { externalId: 'u1', phone: '12' } }), /data\.from\.phone/],
      [apiChannelMessage({ ...base, text: '  ' }), /text or attachments/],
      [apiChannelMessage({ ...base, attachments: [{ name: 'x', contentType: 'text/plain', url: 'file:///etc/passwd' }] }), /data\.attachments\.0\.url/],
    ];
    for (const [envelope, message] of cases) await assert.rejects(eventsOf(envelope), (error: unknown) => error instanceof ChannelPayloadError && message.test(error.message));
    const notJson = signed(hello);
    await assert.rejects(async () => apiChannelAdapter.parse({ ...notJson, body: new TextEncoder().encode('{"type":') }, live()), ChannelPayloadError);
  });
});

describe('api channel receipts', () => {
  async function eventsOf(envelope: unknown) {
    return (await apiChannelAdapter.parse(signed(envelope), live())).events;
  }

  it('moves a reply forward: delivered, read, or failed with your code and reason', async () => {
    assert.deepEqual(await eventsOf(apiChannelStatus({ messageId: 'ext_1', status: 'delivered' })), [{ type: 'status', providerMessageId: 'ext_1', status: 'delivered' }]);
    assert.deepEqual(await eventsOf(apiChannelStatus({ messageId: 'ext_1', status: 'read' })), [{ type: 'status', providerMessageId: 'ext_1', status: 'read' }]);
    assert.deepEqual(await eventsOf(apiChannelStatus({ messageId: 'm_1', status: 'failed', error: { code: 'unreachable', reason: 'The app is uninstalled' } })), [
      { type: 'status', providerMessageId: 'm_1', status: 'failed', error: { code: 'unreachable', reason: 'The app is uninstalled' } },
    ]);
  });

  it('refuses a status it does not know', async () => {
    await assert.rejects(eventsOf({ ...apiChannelStatus({ messageId: 'ext_1', status: 'read' }), data: { messageId: 'ext_1', status: 'seen' } }), /data\.status/);
    await assert.rejects(eventsOf({ ...apiChannelStatus({ messageId: 'ext_1', status: 'read' }), data: { status: 'read' } }), /data\.messageId/);
  });
});

describe('api channel webhook over HTTP', () => {
  // Stands in for the webhook runner: the raw bytes as they arrived, verified, then parsed.
  const received: InboundMessageEvent[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]));
      const webhook: WebhookRequest = { method: req.method ?? 'POST', url: 'https://support.example.com/webhooks/ch_api', headers, body: Buffer.concat(chunks) };
      const verdict = await apiChannelAdapter.verify(webhook, live());
      if (!verdict.ok) return void res.writeHead(verdict.status).end(verdict.reason);
      received.push(...((await apiChannelAdapter.parse(webhook, live())).events as InboundMessageEvent[]));
      res.writeHead(200).end();
    });
  });
  let url = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/ch_api`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('takes signed posts; a retry keeps its id; unsigned, forged and stale posts are refused', async () => {
    assert.equal((await postApiChannelMessage(url, hello, SECRET, { webhookId: 'msg_wire_1' })).status, 200);
    assert.equal((await postApiChannelMessage(url, hello, SECRET, { webhookId: 'msg_wire_1' })).status, 200);
    assert.equal((await postApiChannelMessage(url, hello, undefined)).status, 401);
    assert.equal((await postApiChannelMessage(url, hello, OTHER)).status, 403);
    assert.equal((await postApiChannelMessage(url, hello, SECRET, { timestamp: Math.floor(Date.now() / 1000) - 600 })).status, 403);
    assert.deepEqual(
      received.map((event) => event.providerMessageId),
      ['msg_wire_1', 'msg_wire_1'],
    );
  });
});
