import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChannelPayloadError, type DeliveryStatusEvent, type InboundMessageEvent, type ParsedWebhook, type WebhookRequest } from '@casekit/core';
import { postTwilioMms, postTwilioSms, postTwilioStatus, postTwilioWhatsApp } from '@casekit/testkit/providers';
import twilio from 'twilio';
import { twilioSms, twilioWhatsApp } from './index.ts';
import { formRequest, loadSamples, makeRuntime, startReceiver, type TwilioSample } from './internal/testing.ts';

const TOKEN = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const ACCOUNT = 'ACa2b0c4d4f7e1a7b2d5e9f9b3c1a2d3e4';
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
const smsRuntime = makeRuntime(twilioSms, { config: { accountSid: ACCOUNT, from: '+14155552671' }, secrets: { authToken: TOKEN } });
const waRuntime = makeRuntime(twilioWhatsApp, { config: { accountSid: ACCOUNT, from: 'whatsapp:+14155238886' }, secrets: { authToken: TOKEN } });

function signed(sample: TwilioSample): WebhookRequest {
  if (sample.kind === 'json') {
    return {
      method: 'POST',
      url: sample.url,
      headers: { 'content-type': 'application/json', 'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, sample.url, {}) },
      body: new TextEncoder().encode(sample.body!),
    };
  }
  return formRequest(sample.url, sample.params!, twilio.getExpectedTwilioSignature(TOKEN, sample.url, sample.params!));
}

async function parseSms(params: Record<string, string>): Promise<ParsedWebhook> {
  return twilioSms.parse(formRequest(smsRuntime.webhookUrl, { AccountSid: ACCOUNT, ...params }), smsRuntime);
}

const samples = loadSamples();
const sample = (file: string) => samples.find((s) => s.file === file)!;
const message = (parsed: ParsedWebhook) => parsed.events[0] as InboundMessageEvent;

describe('Twilio webhooks: every sample', () => {
  const expected: Record<string, (request: WebhookRequest) => Promise<void>> = {
    'twilio-sms-inbound.json': async (request) => {
      const parsed = await twilioSms.parse(request, smsRuntime);
      assert.deepEqual(parsed.events, [
        {
          type: 'message',
          providerMessageId: 'SM1f0e8ae6ade43cb3c0ce4525424e404f',
          from: { externalId: '+14155550123', phone: '+14155550123' },
          text: 'My router shows a red light since this morning',
          attachments: [],
        },
      ]);
      assert.deepEqual(parsed.reply, { status: 200, contentType: 'text/xml', body: EMPTY_TWIML });
    },
    'twilio-sms-inbound-mms.json': async (request) => {
      const event = message(await twilioSms.parse(request, smsRuntime));
      assert.equal(event.providerMessageId, 'MM5a3d3f0b1c2e4f5a6b7c8d9e0f1a2b3c');
      assert.equal(event.text, 'Photo of the modem');
      const base = 'https://api.twilio.com/2010-04-01/Accounts/ACa2b0c4d4f7e1a7b2d5e9f9b3c1a2d3e4/Messages/MM5a3d3f0b1c2e4f5a6b7c8d9e0f1a2b3c/Media';
      assert.deepEqual(event.attachments, [
        { name: 'ME0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e.jpg', contentType: 'image/jpeg', url: `${base}/ME0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e` },
        { name: 'ME1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f.pdf', contentType: 'application/pdf', url: `${base}/ME1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f` },
      ]);
    },
    'twilio-whatsapp-inbound-reply.json': async (request) => {
      const parsed = await twilioWhatsApp.parse(request, waRuntime);
      assert.deepEqual(parsed.events, [
        {
          type: 'message',
          providerMessageId: 'SM7e1f9c2d3b4a5f6e7d8c9b0a1f2e3d4c',
          from: { externalId: '+16505551234', phone: '+16505551234', name: 'Sheena 🌻' },
          text: 'Still no internet 😞 can someone call me?',
          attachments: [],
          references: ['SM0a1b2c3d4e5f60718293a4b5c6d7e8f9'],
        },
      ]);
      assert.equal(parsed.reply?.body, EMPTY_TWIML);
    },
    'twilio-status-callback.json': async (request) => {
      const parsed = await twilioSms.parse(request, smsRuntime);
      assert.deepEqual(parsed.events, [{ type: 'status', providerMessageId: 'SM9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a', status: 'delivered' }]);
      assert.equal(parsed.reply?.contentType, 'text/xml');
    },
    // Voice webhooks and JSON webhooks of other products carry no message: a misrouted URL is refused (400).
    'twilio-voice-doc-example.json': async (request) => {
      await assert.rejects(async () => twilioSms.parse(request, smsRuntime), (e: unknown) => e instanceof ChannelPayloadError && /MessageSid/.test(e.message));
    },
    'twilio-voice-doc-example-v3.json': async (request) => {
      await assert.rejects(async () => twilioSms.parse(request, smsRuntime), ChannelPayloadError);
    },
    'twilio-json-bodysha256.json': async (request) => {
      await assert.rejects(async () => twilioWhatsApp.parse(request, waRuntime), (e: unknown) => e instanceof ChannelPayloadError && /JSON/.test(e.message));
    },
  };

  it('there is an expectation for every twilio-*.json sample', () => {
    assert.deepEqual(samples.map((s) => s.file).sort(), Object.keys(expected).sort());
  });

  for (const s of samples) {
    it(`${s.file}: verifies, then parses`, async () => {
      const request = signed(s);
      const adapter = /whatsapp/.test(s.file) ? twilioWhatsApp : twilioSms;
      assert.deepEqual(await adapter.verify(request, adapter === twilioSms ? smsRuntime : waRuntime), { ok: true });
      await expected[s.file]!(request);
    });
  }
});

describe('Twilio webhooks: inbound details', () => {
  it('WhatsApp: the whatsapp: prefix is stripped from the sender; externalId and phone are the E.164 number', async () => {
    const event = message(await twilioWhatsApp.parse(formRequest(waRuntime.webhookUrl, { AccountSid: ACCOUNT, MessageSid: 'SM00000000000000000000000000000001', From: 'whatsapp:+447911123456', Body: 'hi', NumMedia: '0' }), waRuntime));
    assert.deepEqual(event.from, { externalId: '+447911123456', phone: '+447911123456' });
  });

  it('a sender that is not a phone number (a short code) keeps its address as externalId, with no phone', async () => {
    const event = message(await parseSms({ MessageSid: 'SM00000000000000000000000000000002', From: '72345', Body: 'STOP' }));
    assert.deepEqual(event.from, { externalId: '72345' });
  });

  it('a WhatsApp location message becomes text with the place and a map link', async () => {
    const parsed = await twilioWhatsApp.parse(
      formRequest(waRuntime.webhookUrl, {
        AccountSid: ACCOUNT,
        MessageSid: 'SM00000000000000000000000000000003',
        From: 'whatsapp:+16505551234',
        MessageType: 'location',
        Body: '',
        Latitude: '37.7879277',
        Longitude: '-122.3937508',
        Address: '1 Market St, San Francisco',
        Label: 'Head office',
        NumMedia: '0',
      }),
      waRuntime,
    );
    assert.equal(message(parsed).text, 'Location: Head office, 1 Market St, San Francisco (37.7879277, -122.3937508) https://maps.google.com/?q=37.7879277,-122.3937508');
  });

  it('a button press without a Body is the button text', async () => {
    const event = message(
      await twilioWhatsApp.parse(
        formRequest(waRuntime.webhookUrl, { AccountSid: ACCOUNT, MessageSid: 'SM00000000000000000000000000000004', From: 'whatsapp:+16505551234', ButtonText: 'Yes, call me', ButtonPayload: 'call', NumMedia: '0' }),
        waRuntime,
      ),
    );
    assert.equal(event.text, 'Yes, call me');
  });

  it('media counts follow NumMedia; a content type with parameters gets a sensible file extension', async () => {
    const event = message(
      await parseSms({
        MessageSid: 'MM00000000000000000000000000000005',
        From: '+14155550123',
        Body: '',
        NumMedia: '2',
        MediaUrl0: 'https://api.twilio.com/x/Media/ME11111111111111111111111111111111',
        MediaContentType0: 'audio/ogg; codecs=opus',
        MediaUrl1: 'https://api.twilio.com/x/Media/ME22222222222222222222222222222222',
        MediaContentType1: 'text/vcard',
        MediaUrl2: 'https://api.twilio.com/x/Media/ignored-beyond-NumMedia',
      }),
    );
    assert.equal(event.text, '');
    assert.deepEqual(
      event.attachments.map((a) => a.name),
      ['ME11111111111111111111111111111111.ogg', 'ME22222222222222222222222222222222.vcf'],
    );
  });

  it('a WhatsApp message at an SMS channel, or an SMS at a WhatsApp channel, is refused with what to change', async () => {
    await assert.rejects(async () => parseSms({ MessageSid: 'SM00000000000000000000000000000006', From: 'whatsapp:+16505551234', Body: 'hi' }), /twilio-whatsapp channel/);
    await assert.rejects(
      async () => twilioWhatsApp.parse(formRequest(waRuntime.webhookUrl, { AccountSid: ACCOUNT, MessageSid: 'SM00000000000000000000000000000007', From: '+16505551234', Body: 'hi' }), waRuntime),
      /twilio-sms channel/,
    );
  });

  it('a message without From is a payload error', async () => {
    await assert.rejects(async () => parseSms({ MessageSid: 'SM00000000000000000000000000000008', Body: 'hi' }), ChannelPayloadError);
  });
});

describe('Twilio webhooks: status callbacks', () => {
  const status = async (params: Record<string, string>): Promise<DeliveryStatusEvent[]> =>
    (await parseSms({ AccountSid: ACCOUNT, MessageSid: 'SM00000000000000000000000000000abc', SmsSid: 'SM00000000000000000000000000000abc', To: '+14155550123', From: '+14155552671', ...params })).events as DeliveryStatusEvent[];

  it('sent, delivered and read become events of the same name', async () => {
    for (const s of ['sent', 'delivered', 'read'] as const) {
      assert.deepEqual(await status({ MessageStatus: s }), [{ type: 'status', providerMessageId: 'SM00000000000000000000000000000abc', status: s }]);
    }
  });

  it('failed and undelivered become failed with Twilio\'s code and a reason', async () => {
    assert.deepEqual(await status({ MessageStatus: 'undelivered', ErrorCode: '30003' }), [
      {
        type: 'status',
        providerMessageId: 'SM00000000000000000000000000000abc',
        status: 'failed',
        error: { code: '30003', reason: 'Unreachable destination handset. See https://www.twilio.com/docs/api/errors/30003' },
      },
    ]);
    const [failed] = await status({ MessageStatus: 'failed', ErrorCode: '30410', ErrorMessage: 'Provider Timeout Error' });
    assert.deepEqual(failed!.error, { code: '30410', reason: 'Provider Timeout Error See https://www.twilio.com/docs/api/errors/30410' });
    const [bare] = await status({ MessageStatus: 'failed' });
    assert.deepEqual(bare!.error, { code: 'failed', reason: 'Twilio reported the message failed without an error code.' });
  });

  it('a WhatsApp message failed with 63016 is window_closed and says a template is needed', async () => {
    const [event] = await status({ MessageStatus: 'failed', ErrorCode: '63016' });
    assert.equal(event!.error!.code, 'window_closed');
    assert.match(event!.error!.reason, /template \(ContentSid\)/);
  });

  it('queued, accepted, sending, scheduled and other interim statuses give no event', async () => {
    for (const s of ['queued', 'accepted', 'sending', 'scheduled', 'partially_delivered', 'some_future_status', 'constructor', '__proto__']) {
      assert.deepEqual(await status({ MessageStatus: s }), [], s);
    }
  });
});

describe('Twilio webhooks posted by the fake over loopback', () => {
  let sms: Awaited<ReturnType<typeof startReceiver>>;
  let wa: Awaited<ReturnType<typeof startReceiver>>;
  before(async () => {
    sms = await startReceiver(twilioSms, () => ({ config: { accountSid: ACCOUNT, from: '+14155552671' }, secrets: { authToken: TOKEN } }));
    wa = await startReceiver(twilioWhatsApp, () => ({ config: { accountSid: ACCOUNT, from: 'whatsapp:+14155238886' }, secrets: { authToken: TOKEN } }));
  });
  after(async () => {
    await sms.close();
    await wa.close();
  });

  it('an SMS: answered with empty TwiML as text/xml, parsed into one message', async () => {
    const { response, params } = await postTwilioSms({ url: sms.webhookUrl, authToken: TOKEN, from: '+14155550188', body: 'Bonjour, ça ne marche pas €' });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/xml/);
    assert.equal(await response.text(), EMPTY_TWIML);
    const event = message(sms.received.at(-1)!.parsed!);
    assert.equal(event.providerMessageId, params.MessageSid);
    assert.equal(event.text, 'Bonjour, ça ne marche pas €');
    assert.equal(event.from.phone, '+14155550188');
  });

  it('an MMS: its media by reference', async () => {
    await postTwilioMms({ url: sms.webhookUrl, authToken: TOKEN, media: [{ contentType: 'image/png' }, { contentType: 'video/mp4' }] });
    const event = message(sms.received.at(-1)!.parsed!);
    assert.deepEqual(
      event.attachments.map((a) => [a.contentType, /^https:\/\/api\.twilio\.com\/.+\/Media\/ME[0-9a-f]{32}$/.test(a.url!), a.name.split('.')[1]]),
      [
        ['image/png', true, 'png'],
        ['video/mp4', true, 'mp4'],
      ],
    );
  });

  it('a WhatsApp reply with a profile name, and a shared location', async () => {
    await postTwilioWhatsApp({ url: wa.webhookUrl, authToken: TOKEN, profileName: 'Ana', repliedTo: 'SM0123456789abcdef0123456789abcdef', body: 'yes' });
    const reply = message(wa.received.at(-1)!.parsed!);
    assert.deepEqual([reply.from.name, reply.references, reply.text], ['Ana', ['SM0123456789abcdef0123456789abcdef'], 'yes']);
    await postTwilioWhatsApp({ url: wa.webhookUrl, authToken: TOKEN, location: { latitude: 51.5, longitude: -0.12, address: 'London' } });
    assert.equal(message(wa.received.at(-1)!.parsed!).text, 'Location: London (51.5, -0.12) https://maps.google.com/?q=51.5,-0.12');
  });

  it('a status callback', async () => {
    const { response } = await postTwilioStatus({ url: sms.webhookUrl, authToken: TOKEN, messageSid: 'SM0000000000000000000000000000feed', status: 'undelivered', errorCode: 30005 });
    assert.equal(response.status, 200);
    assert.deepEqual(sms.received.at(-1)!.parsed!.events, [
      {
        type: 'status',
        providerMessageId: 'SM0000000000000000000000000000feed',
        status: 'failed',
        error: { code: '30005', reason: 'Unknown destination handset: the number does not exist. See https://www.twilio.com/docs/api/errors/30005' },
      },
    ]);
  });

  it('a parameter Twilio adds later is signed and passes', async () => {
    const { response } = await postTwilioSms({ url: sms.webhookUrl, authToken: TOKEN, extra: { ChannelMetadata: '{"type":"sms"}', AddOns: '{"status":"successful"}' } });
    assert.equal(response.status, 200);
  });
});

describe('Twilio webhooks: what is refused however it is signed', () => {
  it('a malformed MessageSid, or another account\'s webhook', async () => {
    await assert.rejects(parseSms({ MessageSid: 'SM', From: '+14155550100', Body: 'x' }), /is not a Twilio MessageSid/);
    await assert.rejects(
      async () => twilioSms.parse(formRequest(smsRuntime.webhookUrl, { AccountSid: `AC${'b'.repeat(32)}`, MessageSid: `SM${'1'.repeat(32)}`, From: '+14155550100', Body: 'x' }), smsRuntime),
      /another Twilio account/,
    );
  });
});
