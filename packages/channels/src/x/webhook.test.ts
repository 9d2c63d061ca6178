import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ChannelConfigError, ChannelPayloadError } from '@casekit/core';
import type { ChannelAdapter, ChannelRuntime, InboundMessageEvent, WebhookRequest } from '@casekit/core';
import { getXCrc, postXActivity, xCrcResponseToken, xDirectMessageActivity, xWebhookSignature } from '@casekit/testkit/providers';
import { xAdapter } from './index.ts';
import type { XConfig, XSecrets } from './index.ts';

// webhook-samples/x-crc.json and x-dm-message-create.json: X's documented message_create event in
// the Account Activity envelope, byte for byte.
const CRC = { token: 'BqBcYsY3VjeXrwTWCJgAfBHnDkGYvhmBSUdHQDmAGMoHGsPtw2VpYYuExhrBtAD3', consumerSecret: 'casekit-test-consumer-secret' };
const DM_SAMPLE =
  '{"for_user_id":"1234858592","direct_message_events":[{"type":"message_create","id":"1234858592","created_timestamp":"1392078023603","initiated_via":{"tweet_id":"123456","welcome_message_id":"456789"},"message_create":{"target":{"recipient_id":"1234858592"},"sender_id":"3805104374","source_app_id":"268278","message_data":{"text":"Blue Bird","entities":{"hashtags":[],"symbols":[],"urls":[],"user_mentions":[]},"quick_reply_response":{"type":"options","metadata":"external_id_2"}}}}],"users":{"3805104374":{"id":"3805104374","created_timestamp":"1422556069340","name":"Customer","screen_name":"customer_handle","protected":false,"verified":false,"followers_count":22,"friends_count":45,"statuses_count":494},"1234858592":{"id":"1234858592","created_timestamp":"1448312972328","name":"Support","screen_name":"support_handle","protected":false,"verified":false,"followers_count":8,"friends_count":8,"statuses_count":240}},"apps":{"268278":{"id":"268278","name":"Example App","url":"https://example.com"}}}';

const ACCOUNT = '1234858592';
const runtime: ChannelRuntime<XConfig, XSecrets> = {
  channel: {
    id: 'ch_x',
    workspaceId: 'ws_1',
    kind: 'x',
    name: 'X',
    config: { userId: ACCOUNT, apiBaseUrl: 'http://127.0.0.1:9' },
    secrets: { consumerKey: 'ck', consumerSecret: CRC.consumerSecret, accessToken: `${ACCOUNT}-at`, accessTokenSecret: 'ats' },
  },
  webhookUrl: 'https://support.example.com/webhooks/ch_x',
  publicUrl: 'https://support.example.com',
  fetch,
  now: () => new Date(),
};

function post(body: string, headers: Record<string, string | undefined>): WebhookRequest {
  return { method: 'POST', url: runtime.webhookUrl, headers, body: new TextEncoder().encode(body) };
}

function signed(body: string): WebhookRequest {
  return post(body, { 'x-twitter-webhooks-signature': sign(body) });
}

function sign(body: string, consumerSecret = CRC.consumerSecret): string {
  return xWebhookSignature(consumerSecret, body);
}

function crc(query: string): WebhookRequest {
  return { method: 'GET', url: `${runtime.webhookUrl}${query}`, headers: {}, body: new Uint8Array() };
}

async function eventsOf(activity: unknown): Promise<InboundMessageEvent[]> {
  const body = typeof activity === 'string' ? activity : JSON.stringify(activity);
  return (await xAdapter.parse(post(body, {}), runtime)).events as InboundMessageEvent[];
}

describe('x settings', () => {
  it('fits the plain ChannelAdapter the server keeps adapters as', () => {
    const port: ChannelAdapter = xAdapter;
    assert.deepEqual([port.kind, port.medium], ['x', 'x']);
  });

  const secrets = { consumerKey: 'ck', consumerSecret: 'cs', accessToken: 'at', accessTokenSecret: 'ats' };
  it('defaults the API base to X and needs the numeric account id', () => {
    assert.equal(xAdapter.validate({ config: { userId: ACCOUNT }, secrets }).config.apiBaseUrl, 'https://api.x.com');
    assert.throws(() => xAdapter.validate({ config: { userId: '@support_handle' }, secrets }), (error: unknown) => error instanceof ChannelConfigError && error.field === 'config.userId');
    assert.throws(
      () => xAdapter.validate({ config: { userId: ACCOUNT }, secrets: { ...secrets, accessTokenSecret: ' ' } }),
      (error: unknown) => error instanceof ChannelConfigError && error.field === 'secrets.accessTokenSecret',
    );
  });
});

describe('x CRC handshake', () => {
  it('answers the crc_token of x-crc.json with sha256= and the base64 HMAC under the consumer secret', () => {
    const reply = xAdapter.handshake?.(crc(`?crc_token=${CRC.token}`), runtime);
    assert.equal(reply?.status, 200);
    assert.equal(reply?.contentType, 'application/json');
    const { response_token: token } = JSON.parse(reply?.body ?? '{}') as { response_token: string };
    assert.equal(token, 'sha256=Q5crsgYmn41flswF3c1mQpxWSZBxMJKjSYuU5sP7/Ew=');
    assert.equal(token, xCrcResponseToken(CRC.consumerSecret, CRC.token));
  });

  it('answers 400 without a crc_token', () => {
    assert.equal(xAdapter.handshake?.(crc(''), runtime)?.status, 400);
    assert.equal(xAdapter.handshake?.(crc('?crc_token='), runtime)?.status, 400);
  });

  it('will not sign a body: a crc_token shaped like a delivery is refused, so the CRC is no signing oracle', () => {
    const forged = JSON.stringify(xDirectMessageActivity({ forUserId: ACCOUNT, senderId: '666', text: 'send me the password' }));
    const reply = xAdapter.handshake?.(crc(`?crc_token=${encodeURIComponent(forged)}`), runtime);
    assert.equal(reply?.status, 400);
    assert.ok(!reply?.body?.includes(sign(forged).slice('sha256='.length)));
  });
});

describe('x webhook verification', () => {
  it('accepts a delivery signed over its raw body', async () => {
    assert.deepEqual(await xAdapter.verify(signed(DM_SAMPLE), runtime), { ok: true });
  });

  it('answers 401 without a signature', async () => {
    const verdict = await xAdapter.verify(post(DM_SAMPLE, {}), runtime);
    assert.equal(!verdict.ok && verdict.status, 401);
  });

  it('answers 403 to a forged, tampered or re-serialized delivery, and to a hex signature', async () => {
    const signature = sign(DM_SAMPLE);
    const otherSecret = sign(DM_SAMPLE, 'not-our-consumer-secret');
    const cases: Array<[string, WebhookRequest]> = [
      ['forged', post(DM_SAMPLE, { 'x-twitter-webhooks-signature': otherSecret })],
      ['tampered', post(DM_SAMPLE.replace('Blue Bird', 'Blue Birb'), { 'x-twitter-webhooks-signature': signature })],
      ['re-serialized', post(JSON.stringify(JSON.parse(DM_SAMPLE), null, 1), { 'x-twitter-webhooks-signature': signature })],
      ['trailing newline', post(`${DM_SAMPLE}\n`, { 'x-twitter-webhooks-signature': signature })],
      ['hex', post(DM_SAMPLE, { 'x-twitter-webhooks-signature': `sha256=${Buffer.from(signature.slice(7), 'base64').toString('hex')}` })],
      ['no prefix', post(DM_SAMPLE, { 'x-twitter-webhooks-signature': signature.slice(7) })],
    ];
    for (const [name, request] of cases) {
      const verdict = await xAdapter.verify(request, runtime);
      assert.equal(!verdict.ok && verdict.status, 403, name);
    }
  });
});

describe('x direct message events', () => {
  it("reads X's documented message_create event", async () => {
    assert.deepEqual(await eventsOf(DM_SAMPLE), [
      {
        type: 'message',
        providerMessageId: '1234858592',
        from: { externalId: '3805104374', name: 'Customer' },
        text: 'Blue Bird',
        attachments: [],
        sentAt: '2014-02-11T00:20:23.603Z',
      },
    ]);
  });

  it('skips our own sends echoed back, and deliveries for another account on the same app', async () => {
    assert.deepEqual(await eventsOf(xDirectMessageActivity({ forUserId: ACCOUNT, senderId: ACCOUNT, text: 'our reply' })), []);
    assert.deepEqual(await eventsOf(xDirectMessageActivity({ forUserId: '999', senderId: '3805104374', text: 'for someone else' })), []);
  });

  it('keeps a photo by reference and drops the t.co link X appends for it', async () => {
    const photo = { id: '1580705921830768647', url: 'https://ton.twimg.com/1.1/ton/data/dm/1580705921830768640/1580705921830768647/abc.jpg', tco: 'https://t.co/abc123' };
    const [event] = await eventsOf(xDirectMessageActivity({ forUserId: ACCOUNT, senderId: '3805104374', text: 'my modem lights', photo }));
    assert.equal(event?.text, 'my modem lights');
    assert.deepEqual(event?.attachments, [{ name: 'abc.jpg', contentType: 'image/jpeg', url: photo.url }]);
  });

  it('expands t.co links in the text', async () => {
    const activity = xDirectMessageActivity({ forUserId: ACCOUNT, senderId: '3805104374', text: 'see https://t.co/x1 please' });
    const event = (activity.direct_message_events as Array<{ message_create: { message_data: { entities: { urls: unknown[] } } } }>)[0];
    event?.message_create.message_data.entities.urls.push({ url: 'https://t.co/x1', expanded_url: 'https://status.example.com/outage', display_url: 'status.example.com/outage', indices: [4, 19] });
    assert.equal((await eventsOf(activity))[0]?.text, 'see https://status.example.com/outage please');
  });

  it('yields nothing for typing and read events', async () => {
    const typing = { for_user_id: ACCOUNT, direct_message_indicate_typing_events: [{ created_timestamp: '1518127183443', sender_id: '3805104374', target: { recipient_id: ACCOUNT } }] };
    assert.deepEqual(await eventsOf(typing), []);
  });

  it('refuses a body that is not an Account Activity delivery', async () => {
    await assert.rejects(eventsOf('{"direct_message_events":'), ChannelPayloadError);
    await assert.rejects(
      eventsOf({ for_user_id: ACCOUNT, direct_message_events: [{ type: 'message_create', id: '1', message_create: { sender_id: '2' } }] }),
      (error: unknown) => error instanceof ChannelPayloadError && /direct_message_events\.0\.message_create\.target/.test(error.message),
    );
  });
});

describe('x webhook over HTTP', () => {
  // Stands in for the webhook runner: GET goes to the handshake, POST is verified then parsed.
  const received: InboundMessageEvent[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]));
      const webhook: WebhookRequest = { method: req.method ?? 'POST', url: new URL(req.url ?? '/', runtime.webhookUrl).toString(), headers, body: Buffer.concat(chunks) };
      if (webhook.method === 'GET') {
        const reply = xAdapter.handshake?.(webhook, runtime);
        return void res.writeHead(reply?.status ?? 405, { 'content-type': reply?.contentType ?? 'text/plain' }).end(reply?.body);
      }
      const verdict = await xAdapter.verify(webhook, runtime);
      if (!verdict.ok) return void res.writeHead(verdict.status).end(verdict.reason);
      received.push(...((await xAdapter.parse(webhook, runtime)).events as InboundMessageEvent[]));
      res.writeHead(200).end();
    });
  });
  let url = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/ch_x`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('passes the CRC X sends and takes signed deliveries only', async () => {
    const check = await getXCrc(url, CRC.token);
    assert.equal(check.status, 200);
    assert.deepEqual(await check.json(), { response_token: xCrcResponseToken(CRC.consumerSecret, CRC.token) });

    const activity = xDirectMessageActivity({ forUserId: ACCOUNT, senderId: '3805104374', senderName: 'Dana', text: 'hello over the wire', id: '1580705921830768641' });
    assert.equal((await postXActivity(url, activity, CRC.consumerSecret)).status, 200);
    assert.equal((await postXActivity(url, activity, undefined)).status, 401);
    assert.equal((await postXActivity(url, activity, 'someone-elses-secret')).status, 403);
    assert.deepEqual(
      received.map((event) => [event.providerMessageId, event.from.name, event.text]),
      [['1580705921830768641', 'Dana', 'hello over the wire']],
    );
  });
});
