import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ChannelRuntime, OutboundMessage } from '@casekit/core';
import { makeConversation, makeMessage } from '@casekit/testkit';
import { startXFake, expectCheckFailure, expectDeliveryError, unreachableUrl } from '@casekit/testkit/providers';
import type { XFake } from '@casekit/testkit/providers';
import { xAdapter } from './index.ts';
import type { XConfig, XSecrets } from './index.ts';

const ACCOUNT = '1234858592';
const CUSTOMER = '3805104374';
const KEYS: XSecrets = {
  consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
  consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
  accessToken: `${ACCOUNT}-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb`,
  accessTokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
};
let x: XFake;

function runtimeFor(apiBaseUrl: string, overrides: { secrets?: Partial<XSecrets>; now?: () => Date } = {}): ChannelRuntime<XConfig, XSecrets> {
  return {
    channel: { id: 'ch_x', workspaceId: 'ws_1', kind: 'x', name: 'X', config: { userId: ACCOUNT, apiBaseUrl }, secrets: { ...KEYS, ...overrides.secrets } },
    webhookUrl: 'https://support.example.com/webhooks/ch_x',
    publicUrl: 'https://support.example.com',
    fetch,
    now: overrides.now ?? (() => new Date()),
  };
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 8, 7]);

function outbound(text: string, to = CUSTOMER, file?: { name: string; contentType: string; bytes: Uint8Array }): OutboundMessage {
  const conversation = makeConversation({ channelKind: 'x' });
  const attachments = file ? [{ name: file.name, contentType: file.contentType, size: file.bytes.length, url: '/api/v1/uploads/up_file' }] : [];
  const message = makeMessage({ channelKind: 'x', conversationId: conversation.id, direction: 'outbound', authorKind: 'agent', text, attachments, status: 'queued' });
  return { message, conversation, to: { externalId: to }, lastInbound: null, ...(file ? { loadAttachment: async () => file.bytes } : {}) };
}

describe('x send', () => {
  before(async () => {
    x = await startXFake({ ...KEYS, userId: ACCOUNT });
  });
  after(() => x.close());
  beforeEach(() => {
    x.sent.length = 0;
    x.uploads.length = 0;
    x.refusals.length = 0;
  });

  it('sends a Direct Message the API accepts as signed, and returns its dm_event_id', async () => {
    const result = await xAdapter.send(outbound('Your line is back up.'), runtimeFor(x.url));
    assert.deepEqual(x.refusals, []);
    assert.deepEqual(
      x.sent.map(({ participantId, text, dmConversationId }) => ({ participantId, text, dmConversationId })),
      [{ participantId: CUSTOMER, text: 'Your line is back up.', dmConversationId: `${ACCOUNT}-${CUSTOMER}` }],
    );
    assert.equal(result.providerMessageId, x.sent[0]?.dmEventId);
  });

  it('uploads a picture as DM media first, then sends it with the text', async () => {
    await xAdapter.send(outbound('Like this', CUSTOMER, { name: 'lights.png', contentType: 'image/png', bytes: PNG }), runtimeFor(x.url));
    assert.deepEqual(x.refusals, []);
    assert.deepEqual(
      x.uploads.map(({ mediaType, category, bytes }) => ({ mediaType, category, bytes })),
      [{ mediaType: 'image/png', category: 'dm_image', bytes: PNG }],
    );
    assert.deepEqual(
      x.sent.map(({ text, mediaIds }) => ({ text, mediaIds })),
      [{ text: 'Like this', mediaIds: [x.uploads[0]?.mediaId] }],
    );
  });

  it('sends a picture alone without text', async () => {
    await xAdapter.send(outbound('', CUSTOMER, { name: 'lights.png', contentType: 'image/png', bytes: PNG }), runtimeFor(x.url));
    assert.deepEqual(x.sent[0]?.body, { attachments: [{ media_id: x.uploads[0]?.mediaId }] });
  });

  it('fails for good on a file X does not take with a DM, or a picture over 5 MB, uploading nothing', async () => {
    const pdf = await expectDeliveryError(xAdapter.send(outbound('invoice', CUSTOMER, { name: 'a.pdf', contentType: 'application/pdf', bytes: PNG }), runtimeFor(x.url)));
    assert.deepEqual([pdf.retryable, pdf.code], [false, 'unsupported_attachment']);
    const big = await expectDeliveryError(xAdapter.send(outbound('big', CUSTOMER, { name: 'b.jpg', contentType: 'image/jpeg', bytes: new Uint8Array(5 * 1024 * 1024 + 1) }), runtimeFor(x.url)));
    assert.deepEqual([big.retryable, big.code], [false, 'attachment_too_large']);
    assert.equal(x.uploads.length + x.sent.length, 0);
  });

  it('retries a failed upload, and the retry sends the message once', async () => {
    x.failNext(1, 503);
    const file = { name: 'lights.png', contentType: 'image/png', bytes: PNG };
    const error = await expectDeliveryError(xAdapter.send(outbound('Like this', CUSTOMER, file), runtimeFor(x.url)));
    assert.deepEqual([error.retryable, error.code, x.uploads.length], [true, '503', 0]);
    await xAdapter.send(outbound('Like this', CUSTOMER, file), runtimeFor(x.url));
    assert.deepEqual([x.uploads.length, x.sent.length], [1, 1]);
  });

  it('signs every attempt afresh: a retry after a 500 or 503 goes out, not refused as a replayed nonce', async () => {
    x.failNext(1, 500);
    x.failNext(1, 503);
    const first = await expectDeliveryError(xAdapter.send(outbound('retry me'), runtimeFor(x.url)));
    assert.deepEqual([first.retryable, first.code], [true, '500']);
    const second = await expectDeliveryError(xAdapter.send(outbound('retry me'), runtimeFor(x.url)));
    assert.deepEqual([second.retryable, second.code], [true, '503']);
    await xAdapter.send(outbound('retry me'), runtimeFor(x.url));
    assert.deepEqual(x.refusals, []);
    assert.equal(x.sent.length, 1);
  });

  it('waits for the rate-limit window X names in x-rate-limit-reset', async () => {
    x.failNext(1, 429);
    const error = await expectDeliveryError(xAdapter.send(outbound('slow down'), runtimeFor(x.url)));
    assert.deepEqual([error.retryable, error.code], [true, '429']);
    const wait = error.options.retryAfterMs ?? 0;
    assert.ok(wait > 58_000 && wait <= 60_000, `waits ${wait} ms`);
  });

  it('fails for good when X forbids the message or finds the request invalid', async () => {
    x.failNext(1, 403);
    const forbidden = await expectDeliveryError(xAdapter.send(outbound('hello?'), runtimeFor(x.url)));
    assert.deepEqual([forbidden.retryable, forbidden.code, forbidden.message], [false, '403', 'You are not permitted to send a Direct Message to this user.']);
    const invalid = await expectDeliveryError(xAdapter.send(outbound('hello?', 'not-a-user-id'), runtimeFor(x.url)));
    assert.deepEqual([invalid.retryable, invalid.code], [false, '400']);
    assert.match(invalid.message, /participant_id/);
  });

  it('fails for good when the keys are wrong, and the API saw a bad signature', async () => {
    const error = await expectDeliveryError(xAdapter.send(outbound('hi'), runtimeFor(x.url, { secrets: { accessTokenSecret: 'revoked' } })));
    assert.deepEqual([error.retryable, error.code, error.message], [false, '401', 'Unauthorized']);
    assert.deepEqual(x.refusals, ['signature']);
  });

  it('signs with the time it is given: a clock far off is refused', async () => {
    const error = await expectDeliveryError(xAdapter.send(outbound('hi'), runtimeFor(x.url, { now: () => new Date(Date.now() - 3_600_000) })));
    assert.equal(error.code, '401');
    assert.deepEqual(x.refusals, ['timestamp']);
  });

  it('retries when X cannot be reached or does not answer in time', async () => {
    const closed = await startXFake({ ...KEYS, userId: ACCOUNT });
    await closed.close();
    const refused = await expectDeliveryError(xAdapter.send(outbound('hi'), runtimeFor(closed.url)));
    assert.deepEqual([refused.retryable, refused.code], [true, 'network']);

    const slow = { ...runtimeFor(x.url), fetch: async () => Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError')) };
    const timedOut = await expectDeliveryError(xAdapter.send(outbound('hi'), slow));
    assert.deepEqual([timedOut.retryable, timedOut.code], [true, 'timeout']);
  });
});

describe('X check: GET /2/users/me on the fake', () => {
  let account: XFake;
  before(async () => {
    account = await startXFake({ ...KEYS, userId: ACCOUNT, username: 'northwind_help', name: 'Northwind Help' });
  });
  after(() => account.close());

  it('names the account the access token is for', async () => {
    assert.deepEqual(await xAdapter.check!(runtimeFor(account.url)), { ok: true, detail: `X account @northwind_help (“Northwind Help”), user id ${ACCOUNT}.` });
  });

  it('says when the token is another account than the user id the channel answers for', async () => {
    const runtime = runtimeFor(account.url);
    runtime.channel.config.userId = '99887766';
    const message = expectCheckFailure(await xAdapter.check!(runtime), 'misconfigured', 'config.userId');
    assert.match(message, new RegExp(`@northwind_help's \\(user id ${ACCOUNT}\\), but the channel answers user id 99887766`));
  });

  it('refuses a wrong secret as X does (the signature does not match), without naming a key it cannot know', async () => {
    const message = expectCheckFailure(await xAdapter.check!(runtimeFor(account.url, { secrets: { accessTokenSecret: 'not-the-secret' } })), 'auth', undefined);
    assert.equal(account.refusals.at(-1), 'signature');
    assert.ok(!message.includes('not-the-secret') && !message.includes(KEYS.consumerSecret));
  });

  it('says X cannot be reached, worth another try', async () => {
    expectCheckFailure(await xAdapter.check!(runtimeFor(await unreachableUrl())), 'unreachable', 'config.apiBaseUrl');
  });
});
