import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { OutboundMessage } from '@casekit/core';
import type { Attachment } from '@casekit/protocol';
import { makeConversation, makeMessage } from '@casekit/testkit';
import { startTwilioFake, type TwilioFake, expectDeliveryError } from '@casekit/testkit/providers';
import { twilioSms, twilioWhatsApp } from './index.ts';
import { makeRuntime, startReceiver, type TwilioRuntime } from './internal/testing.ts';

const WEBHOOK = 'https://support.example.com/webhooks/ch_twilio';

function outbound(text: string, options: { attachments?: Attachment[]; to?: OutboundMessage['to'] } = {}): OutboundMessage {
  return {
    message: makeMessage({ channelKind: 'sms', direction: 'outbound', authorKind: 'agent', text, attachments: options.attachments ?? [], status: 'queued' }),
    conversation: makeConversation(),
    to: options.to ?? { externalId: '+14155550123', phone: '+14155550123' },
    lastInbound: null,
  };
}

describe('Twilio send against the fake', () => {
  let fake: TwilioFake;
  let sms: TwilioRuntime;
  let wa: TwilioRuntime;
  before(async () => {
    fake = await startTwilioFake();
    const settings = (from: string) => ({ config: { accountSid: fake.accountSid, from, apiBaseUrl: fake.url }, secrets: { authToken: fake.authToken } });
    sms = makeRuntime(twilioSms, settings('+14155552671'), WEBHOOK);
    wa = makeRuntime(twilioWhatsApp, settings('whatsapp:+14155238886'), WEBHOOK);
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.failNext(0);
    fake.failPermanently(null);
  });

  it('an SMS: To, From, Body and StatusCallback, Basic auth; the sid comes back as providerMessageId', async () => {
    const result = await twilioSms.send(outbound('Your router has been reset.'), sms);
    const sent = fake.sent.at(-1)!;
    assert.match(result.providerMessageId, /^SM[0-9a-f]{32}$/);
    assert.equal(result.providerMessageId, sent.sid);
    assert.deepEqual(sent.params, [
      ['To', '+14155550123'],
      ['From', '+14155552671'],
      ['Body', 'Your router has been reset.'],
      ['StatusCallback', WEBHOOK],
    ]);
  });

  it('a WhatsApp message goes to and from whatsapp: addresses', async () => {
    await twilioWhatsApp.send(outbound('Hi Sheena', { to: { externalId: '+16505551234', phone: '+16505551234' } }), wa);
    const sent = fake.sent.at(-1)!;
    assert.deepEqual([sent.to, sent.from], ['whatsapp:+16505551234', 'whatsapp:+14155238886']);
  });

  it('a Messaging Service instead of a number', async () => {
    const runtime = makeRuntime(
      twilioSms,
      { config: { accountSid: fake.accountSid, messagingServiceSid: 'MG9752274e9e519418a7406176694466fa', apiBaseUrl: fake.url }, secrets: { authToken: fake.authToken } },
      WEBHOOK,
    );
    await twilioSms.send(outbound('via the service'), runtime);
    const sent = fake.sent.at(-1)!;
    assert.deepEqual([sent.from, sent.messagingServiceSid], [null, 'MG9752274e9e519418a7406176694466fa']);
  });

  it('attachments go as repeated MediaUrl: http(s) links, and this server\'s uploads made absolute with its public URL', async () => {
    const file = (url: string): Attachment => ({ name: 'f.png', contentType: 'image/png', size: 10, url });
    await twilioSms.send(
      outbound('two photos', {
        attachments: [file('https://cdn.example.com/a.png'), file('/api/v1/uploads/up_x'), file('http://cdn.example.com/b.png'), file('yes'), file('ftp://x/y.png')],
      }),
      sms,
    );
    assert.deepEqual(fake.sent.at(-1)!.mediaUrls, ['https://cdn.example.com/a.png', `${sms.publicUrl}/api/v1/uploads/up_x`, 'http://cdn.example.com/b.png']);
    const mediaOnly = await twilioSms.send(outbound('', { attachments: [file('https://cdn.example.com/c.png')] }), sms);
    assert.match(mediaOnly.providerMessageId, /^MM/);
    assert.equal(fake.sent.at(-1)!.params.some(([name]) => name === 'Body'), false, 'no empty Body');
  });

  it('nothing to send (no text, no usable attachment) fails permanently without calling Twilio', async () => {
    const before = fake.requests;
    const error = await expectDeliveryError(twilioSms.send(outbound('  ', { attachments: [{ name: 'x', contentType: 'image/png', size: 1, url: 'ftp://files.example/x.png' }] }), sms));
    assert.deepEqual([error.retryable, error.code], [false, 'empty_message']);
    assert.equal(fake.requests, before);
  });

  it('WhatsApp takes one attachment per message: two fail permanently rather than one being dropped', async () => {
    const file = (n: number): Attachment => ({ name: `${n}.jpg`, contentType: 'image/jpeg', size: 10, url: `https://cdn.example.com/${n}.jpg` });
    const error = await expectDeliveryError(twilioWhatsApp.send(outbound('photos', { attachments: [file(1), file(2)] }), wa));
    assert.deepEqual([error.retryable, error.code], [false, 'too_many_attachments']);
  });

  it('500 with Twilio\'s error body is retryable, and the next try goes through', async () => {
    fake.failNext(1, 500);
    const error = await expectDeliveryError(twilioSms.send(outbound('retry me'), sms));
    assert.deepEqual([error.retryable, error.code, error.options.retryAfterMs], [true, '20500', undefined]);
    assert.match(error.message, /500 \(error 20500\): An internal server error has occurred; the message will be tried again/);
    const result = await twilioSms.send(outbound('retry me'), sms);
    assert.equal(result.providerMessageId, fake.sent.at(-1)!.sid);
  });

  it('429 and 503 are retryable and Retry-After is honoured', async () => {
    fake.failNext(1, 429, { retryAfter: 7 });
    const limited = await expectDeliveryError(twilioSms.send(outbound('slow down'), sms));
    assert.deepEqual([limited.retryable, limited.code, limited.options.retryAfterMs], [true, '20429', 7000]);
    fake.failNext(1, 503);
    const down = await expectDeliveryError(twilioSms.send(outbound('down'), sms));
    assert.deepEqual([down.retryable, down.code], [true, '20503']);
  });

  it('a wrong Auth Token is permanent (20003) and says what to check', async () => {
    const runtime = makeRuntime(twilioSms, { config: { accountSid: fake.accountSid, from: '+14155552671', apiBaseUrl: fake.url }, secrets: { authToken: 'wrong' } }, WEBHOOK);
    const error = await expectDeliveryError(twilioSms.send(outbound('hello'), runtime));
    assert.deepEqual([error.retryable, error.code], [false, '20003']);
    assert.match(error.message, /secrets\.authToken/);
  });

  it('an invalid To (21211) and an unsubscribed recipient (21610) are permanent with Twilio\'s code', async () => {
    const invalid = await expectDeliveryError(twilioSms.send(outbound('hi', { to: { externalId: 'not-a-number' } }), sms));
    assert.deepEqual([invalid.retryable, invalid.code], [false, '21211']);
    assert.match(invalid.message, /not a valid phone number/);
    fake.failPermanently(21610);
    const stopped = await expectDeliveryError(twilioSms.send(outbound('hi'), sms));
    assert.deepEqual([stopped.retryable, stopped.code], [false, '21610']);
    assert.match(stopped.message, /unsubscribed recipient\. See https:\/\/www\.twilio\.com\/docs\/errors\/21610/);
  });

  it('63016 outside the WhatsApp window is window_closed and says a template (ContentSid) is needed', async () => {
    fake.failPermanently(63016);
    const error = await expectDeliveryError(twilioWhatsApp.send(outbound('are you there?'), wa));
    assert.deepEqual([error.retryable, error.code], [false, 'window_closed']);
    assert.match(error.message, /24-hour/);
    assert.match(error.message, /template \(ContentSid\)/);
  });

  it('a body over 1600 characters is refused by Twilio (21617), permanently', async () => {
    const error = await expectDeliveryError(twilioSms.send(outbound('x'.repeat(1601)), sms));
    assert.deepEqual([error.retryable, error.code], [false, '21617']);
  });
});

describe('Twilio send when Twilio cannot be reached', () => {
  it('a refused connection is retryable (network)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const runtime = makeRuntime(
      twilioSms,
      { config: { accountSid: `AC${'0'.repeat(32)}`, from: '+14155552671', apiBaseUrl: `http://127.0.0.1:${port}` }, secrets: { authToken: 't' } },
      WEBHOOK,
    );
    const error = await expectDeliveryError(twilioSms.send(outbound('hi'), runtime));
    assert.deepEqual([error.retryable, error.code], [true, 'network']);
  });

  it('a timeout is retryable, and every call carries an abort signal', async () => {
    let signal: AbortSignal | null | undefined;
    const slow: typeof fetch = async (_input, init) => {
      signal = init?.signal;
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    };
    const runtime = makeRuntime(twilioSms, { config: { accountSid: `AC${'0'.repeat(32)}`, from: '+14155552671' }, secrets: { authToken: 't' } }, WEBHOOK, slow);
    const error = await expectDeliveryError(twilioSms.send(outbound('hi'), runtime));
    assert.deepEqual([error.retryable, error.code], [true, 'timeout']);
    assert.ok(signal instanceof AbortSignal);
    assert.match(error.message, /15 s/);
  });

  it('a 502 without a JSON body is retryable; a 400 without one is permanent; Retry-After as a date', async () => {
    const now = new Date('2026-03-02T09:00:00Z');
    const answers = [
      new Response('<html>Bad gateway</html>', { status: 502, headers: { 'retry-after': 'Mon, 02 Mar 2026 09:00:30 GMT' } }),
      new Response('nope', { status: 400 }),
    ];
    const runtime = { ...makeRuntime(twilioSms, { config: { accountSid: `AC${'0'.repeat(32)}`, from: '+14155552671' }, secrets: { authToken: 't' } }, WEBHOOK, async () => answers.shift()!), now: () => now };
    const gateway = await expectDeliveryError(twilioSms.send(outbound('hi'), runtime));
    assert.deepEqual([gateway.retryable, gateway.code, gateway.options.retryAfterMs], [true, 'http_502', 30_000]);
    const bad = await expectDeliveryError(twilioSms.send(outbound('hi'), runtime));
    assert.deepEqual([bad.retryable, bad.code], [false, 'http_400']);
  });
});

describe('Twilio status callbacks from the fake reach the adapter', () => {
  let fake: TwilioFake;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  before(async () => {
    fake = await startTwilioFake();
    receiver = await startReceiver(twilioWhatsApp, () => ({
      config: { accountSid: fake.accountSid, from: 'whatsapp:+14155238886', apiBaseUrl: fake.url },
      secrets: { authToken: fake.authToken },
    }));
  });
  after(async () => {
    await fake.close();
    await receiver.close();
  });

  it('send, then delivered and read, then a late failure: each callback is signed and parsed', async () => {
    const runtime = makeRuntime(
      twilioWhatsApp,
      { config: { accountSid: fake.accountSid, from: 'whatsapp:+14155238886', apiBaseUrl: fake.url }, secrets: { authToken: fake.authToken } },
      receiver.webhookUrl,
    );
    const { providerMessageId } = await twilioWhatsApp.send(outbound('Your engineer arrives at 10:00', { to: { externalId: '+16505551234' } }), runtime);
    for (const status of ['sent', 'delivered', 'read'] as const) {
      const { response } = await fake.sendStatus(providerMessageId, status);
      assert.equal(response.status, 200);
      assert.deepEqual(receiver.received.at(-1)!.parsed!.events, [{ type: 'status', providerMessageId, status }]);
    }
    await fake.sendStatus(providerMessageId, 'failed', { errorCode: 63016 });
    const [failed] = receiver.received.at(-1)!.parsed!.events;
    assert.equal(failed?.type === 'status' && failed.error?.code, 'window_closed');
  });
});
