import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ChannelRuntime, OutboundMessage } from '@casekit/core';
import { Webhook } from 'standardwebhooks';
import { makeConversation, makeMessage } from '@casekit/testkit';
import { startApiChannelReceiver, expectCheckFailure, expectDeliveryError, unreachableUrl } from '@casekit/testkit/providers';
import type { ApiChannelFailure, ApiChannelReceiver } from '@casekit/testkit/providers';
import { apiChannelAdapter } from './index.ts';
import type { ApiChannelConfig, ApiChannelSecrets } from './index.ts';

const SECRET = 'whsec_c2VjcmV0LW9mLXRoZS1jYXNla2l0LWFwaS1jaGFubmVs';
const NEXT = 'whsec_bmV4dC1zZWNyZXQtb2YtdGhlLWFwaS1jaGFubmVsLTI=';
let receiver: ApiChannelReceiver;

function runtimeFor(callbackUrl: string, signingSecret = SECRET): ChannelRuntime<ApiChannelConfig, ApiChannelSecrets> {
  return {
    channel: { id: 'ch_api', workspaceId: 'ws_1', kind: 'api', name: 'Our app', config: { callbackUrl }, secrets: { signingSecret } },
    webhookUrl: 'https://support.example.com/webhooks/ch_api',
    publicUrl: 'https://support.example.com',
    fetch,
    now: () => new Date(),
  };
}

function outbound(text: string, attachments: OutboundMessage['message']['attachments'] = []): OutboundMessage {
  const conversation = makeConversation({ channelKind: 'api', caseId: 'c_0042' });
  const message = makeMessage({
    channelKind: 'api',
    caseId: 'c_0042',
    conversationId: conversation.id,
    direction: 'outbound',
    authorKind: 'agent',
    text,
    attachments,
    status: 'queued',
  });
  return { message, conversation, to: { externalId: 'user-42', name: 'Dana' }, lastInbound: null };
}

describe('api channel send', () => {
  before(async () => {
    receiver = await startApiChannelReceiver({ signingSecret: SECRET });
  });
  after(() => receiver.close());
  beforeEach(() => {
    receiver.deliveries.length = 0;
    receiver.refusals.length = 0;
  });

  it('posts the reply as a signed message.created event and keeps the id the callback answers', async () => {
    const reply = outbound('Your line is back up.', [{ name: 'report.pdf', contentType: 'application/pdf', size: 1200, url: '/api/v1/uploads/up_1' }]);
    const result = await apiChannelAdapter.send(reply, runtimeFor(receiver.url));
    assert.deepEqual(receiver.refusals, []);
    const [delivery] = receiver.deliveries;
    assert.equal(delivery?.webhookId, reply.message.id);
    assert.deepEqual(delivery?.body, {
      type: 'message.created',
      timestamp: reply.message.createdAt,
      data: {
        message: {
          id: reply.message.id,
          text: 'Your line is back up.',
          attachments: [{ name: 'report.pdf', contentType: 'application/pdf', size: 1200, url: 'https://support.example.com/api/v1/uploads/up_1' }],
          createdAt: reply.message.createdAt,
          conversationId: reply.conversation.id,
          caseId: 'c_0042',
        },
        to: { externalId: 'user-42' },
      },
    });
    assert.equal(result.providerMessageId, 'ext_1');
  });

  it('is verified by the standardwebhooks library', async () => {
    await apiChannelAdapter.send(outbound('checked by the reference library'), runtimeFor(receiver.url));
    const [delivery] = receiver.deliveries;
    assert.ok(delivery);
    assert.deepEqual(new Webhook(SECRET).verify(delivery.raw, delivery.headers), delivery.body);
    assert.throws(() => new Webhook(NEXT).verify(delivery.raw, delivery.headers));
  });

  it('keeps our message id when the callback names none', async () => {
    const quiet = await startApiChannelReceiver({ signingSecret: SECRET, answerId: false });
    try {
      const reply = outbound('no id back');
      assert.equal((await apiChannelAdapter.send(reply, runtimeFor(quiet.url))).providerMessageId, reply.message.id);
    } finally {
      await quiet.close();
    }
  });

  it('retries 5xx, 408 and 429 with the same webhook-id, freshly signed; the callback stores it once', async () => {
    const reply = outbound('retry me');
    const statuses: ApiChannelFailure[] = [500, 502, 503, 408, 429];
    for (const status of statuses) receiver.failNext(1, status);
    for (const status of statuses) {
      const error = await expectDeliveryError(apiChannelAdapter.send(reply, runtimeFor(receiver.url)));
      assert.deepEqual([error.retryable, error.code], [true, String(status)]);
      if (status === 429) assert.equal(error.options.retryAfterMs, 3000);
    }
    const first = await apiChannelAdapter.send(reply, runtimeFor(receiver.url));
    const again = await apiChannelAdapter.send(reply, runtimeFor(receiver.url));
    assert.equal(first.providerMessageId, again.providerMessageId);
    assert.deepEqual(
      receiver.deliveries.map((delivery) => delivery.webhookId),
      [reply.message.id],
    );
  });

  it('fails for good on other 4xx answers, with what the callback said', async () => {
    for (const status of [400, 404, 410, 422] as const) {
      receiver.failNext(1, status);
      const error = await expectDeliveryError(apiChannelAdapter.send(outbound('nope'), runtimeFor(receiver.url)));
      assert.deepEqual([error.retryable, error.code], [false, String(status)]);
      assert.match(error.message, new RegExp(`HTTP ${status}: .*refused with ${status}`));
    }
  });

  it('fails for good when the callback cannot verify us (another secret)', async () => {
    const error = await expectDeliveryError(apiChannelAdapter.send(outbound('hi'), runtimeFor(receiver.url, NEXT)));
    assert.deepEqual([error.retryable, error.code], [false, '401']);
    assert.deepEqual(receiver.refusals, ['signature']);
  });

  it('signs with every key while keys rotate, so a callback on the old key still verifies', async () => {
    await apiChannelAdapter.send(outbound('rotating'), runtimeFor(receiver.url, `${NEXT} ${SECRET}`));
    assert.equal(receiver.deliveries.length, 1);
    assert.match(receiver.deliveries[0]?.headers['webhook-signature'] ?? '', /^v1,\S+ v1,\S+$/);
  });

  it('does not follow a redirect with the signed reply', async () => {
    let redirected = 0;
    const mover = createServer((_req, res) => {
      redirected += 1;
      res.writeHead(307, { location: receiver.url }).end();
    });
    await new Promise<void>((resolve) => mover.listen(0, '127.0.0.1', resolve));
    try {
      const error = await expectDeliveryError(apiChannelAdapter.send(outbound('hi'), runtimeFor(`http://127.0.0.1:${(mover.address() as AddressInfo).port}/old`)));
      assert.deepEqual([error.retryable, error.code, redirected, receiver.deliveries.length], [false, '307', 1, 0]);
    } finally {
      await new Promise<void>((resolve) => mover.close(() => resolve()));
    }
  });

  it('retries when the callback cannot be reached or does not answer in time', async () => {
    const closed = await startApiChannelReceiver({ signingSecret: SECRET });
    await closed.close();
    const refused = await expectDeliveryError(apiChannelAdapter.send(outbound('hi'), runtimeFor(closed.url)));
    assert.deepEqual([refused.retryable, refused.code], [true, 'network']);

    const slow = { ...runtimeFor(receiver.url), fetch: async () => Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError')) };
    const timedOut = await expectDeliveryError(apiChannelAdapter.send(outbound('hi'), slow));
    assert.deepEqual([timedOut.retryable, timedOut.code], [true, 'timeout']);
  });
});

describe('API channel check: a signed channel.test event to the callback', () => {
  let receiver: ApiChannelReceiver;
  before(async () => {
    receiver = await startApiChannelReceiver({ signingSecret: SECRET });
  });
  after(() => receiver.close());

  it('passes when the callback verifies the event and answers 2xx; the event carries no message', async () => {
    assert.deepEqual(await apiChannelAdapter.check!(runtimeFor(receiver.url)), { ok: true, detail: 'The callback answered HTTP 204 to a signed channel.test event.' });
    const [event] = receiver.events;
    assert.equal(event?.type, 'channel.test');
    assert.match(event!.webhookId, /^test_[0-9a-f]{24}$/);
    assert.deepEqual(JSON.parse(event!.raw).data, { channelId: 'ch_api' });
    assert.equal(receiver.deliveries.length, 0, 'nothing to deliver to a customer');
  });

  it('is signed so that the Standard Webhooks library verifies it', async () => {
    const seen: { headers: Record<string, string>; body: string }[] = [];
    const capture: typeof fetch = async (_url, init) => {
      seen.push({ headers: init!.headers as Record<string, string>, body: new TextDecoder().decode(init!.body as Uint8Array) });
      return new Response(null, { status: 200 });
    };
    const result = await apiChannelAdapter.check!({ ...runtimeFor('https://app.example.com/casekit'), fetch: capture });
    assert.equal(result.ok, true);
    const verified = new Webhook(SECRET.slice('whsec_'.length)).verify(seen[0]!.body, seen[0]!.headers) as { type: string };
    assert.equal(verified.type, 'channel.test');
  });

  it('blames the signing secret when the callback refuses the signature', async () => {
    expectCheckFailure(await apiChannelAdapter.check!(runtimeFor(receiver.url, NEXT)), 'auth', 'secrets.signingSecret');
    assert.equal(receiver.refusals.at(-1), 'signature');
  });

  it('says the callback is down or unreachable, worth another try', async () => {
    receiver.failNext(1, 503);
    expectCheckFailure(await apiChannelAdapter.check!(runtimeFor(receiver.url)), 'unreachable', 'config.callbackUrl');
    expectCheckFailure(await apiChannelAdapter.check!(runtimeFor(`${await unreachableUrl()}/casekit/replies`)), 'unreachable', 'config.callbackUrl');
  });
});
