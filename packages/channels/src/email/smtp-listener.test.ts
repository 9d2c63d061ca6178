import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createTransport } from 'nodemailer';
import { emailSample, sendSmtp } from '@casekit/testkit/providers';
import { parseMime } from './mime.ts';
import { createSmtpListener } from './smtp-listener.ts';
import type { SmtpEnvelope, SmtpListener } from './smtp-listener.ts';

interface Channel {
  id: string;
  address: string;
}

const SUPPORT: Channel = { id: 'ch_support', address: 'support@acme.example' };
const SALES: Channel = { id: 'ch_sales', address: 'sales@acme.example' };

/** Routes the channel address and its reply+<token>@ addresses, as the server does. */
function route(recipient: string): Channel | null {
  for (const channel of [SUPPORT, SALES]) {
    const [, domain] = channel.address.split('@');
    if (recipient === channel.address || (recipient.startsWith('reply+') && recipient.endsWith(`@${domain}`) && channel === SUPPORT)) return { ...channel };
  }
  return null;
}

describe('createSmtpListener', () => {
  let listener: SmtpListener;
  const stored: { channel: Channel; raw: Uint8Array; envelope: SmtpEnvelope }[] = [];
  let failStore = false;
  let storeDelayMs = 0;

  before(async () => {
    listener = await createSmtpListener<Channel>({
      port: 0,
      maxBytes: 64 * 1024,
      route,
      async onMessage(channel, raw, envelope) {
        if (storeDelayMs) await new Promise((resolve) => setTimeout(resolve, storeDelayMs));
        if (failStore) throw new Error('disk full');
        stored.push({ channel, raw, envelope });
      },
    });
  });
  after(() => listener.close());
  beforeEach(() => {
    stored.length = 0;
    failStore = false;
    storeDelayMs = 0;
  });

  const client = () => createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true });

  it('accepts mail for a routed address and hands over the raw message and envelope', async () => {
    const info = await client().sendMail({ from: 'Dana <dana@customer.example>', to: 'support@acme.example', subject: 'Router broken', text: 'It blinks red.', messageId: '<smtp-1@customer.example>' });
    assert.deepEqual(info.accepted, ['support@acme.example']);
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.channel.id, 'ch_support');
    assert.deepEqual(stored[0]!.envelope.to, ['support@acme.example']);
    assert.equal(stored[0]!.envelope.from, 'dana@customer.example');
    const event = await parseMime(stored[0]!.raw, { address: SUPPORT.address, envelope: stored[0]!.envelope });
    assert.equal(event.providerMessageId, '<smtp-1@customer.example>');
    assert.equal(event.subject, 'Router broken');
    assert.equal(event.text, 'It blinks red.');
  });

  it('refuses an unknown recipient with 550 and stores nothing', async () => {
    await assert.rejects(client().sendMail({ from: 'dana@customer.example', to: 'nobody@acme.example', subject: 'x', text: 'x' }), (error: { responseCode?: number }) => error.responseCode === 550);
    assert.equal(stored.length, 0);
  });

  it('delivers to the known recipients of a mixed envelope, once per channel', async () => {
    const info = await client().sendMail({
      from: 'dana@customer.example',
      to: ['support@acme.example', 'nobody@acme.example', 'reply+cv_1@acme.example', 'sales@acme.example'],
      subject: 'x',
      text: 'x',
    });
    assert.deepEqual(info.rejected, ['nobody@acme.example']);
    assert.deepEqual(
      stored.map((entry) => [entry.channel.id, entry.envelope.to]),
      [
        ['ch_support', ['support@acme.example', 'reply+cv_1@acme.example']],
        ['ch_sales', ['sales@acme.example']],
      ],
    );
  });

  it('refuses a message over maxBytes with 552', async () => {
    await assert.rejects(client().sendMail({ from: 'dana@customer.example', to: 'support@acme.example', subject: 'big', text: 'x'.repeat(100 * 1024) }), (error: { responseCode?: number }) => error.responseCode === 552);
    assert.equal(stored.length, 0);
  });

  it('answers 451 when storing fails, so the sender tries again', async () => {
    failStore = true;
    await assert.rejects(client().sendMail({ from: 'dana@customer.example', to: 'support@acme.example', subject: 'x', text: 'x' }), (error: { responseCode?: number }) => error.responseCode === 451);
  });

  it('answers 250 only after the message is stored', async () => {
    storeDelayMs = 150;
    const started = Date.now();
    await client().sendMail({ from: 'dana@customer.example', to: 'support@acme.example', subject: 'x', text: 'x' });
    assert.ok(Date.now() - started >= 140, 'the reply waited for onMessage');
    assert.equal(stored.length, 1);
  });

  it('takes a real sample byte for byte from a plain SMTP client, null sender included', async () => {
    const raw = emailSample('072-chatwoot-autoreply-arabic-b64.eml');
    const delivery = await sendSmtp(listener.port, { from: '', to: ['reply+6bdc3f4d-0bec-4515-a284-5d916fdde489@acme.example'], raw });
    assert.equal(delivery.accepted, true, delivery.reply);
    const asSent = Buffer.from(raw.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
    assert.ok(Buffer.from(stored[0]!.raw).equals(asSent), 'the stored bytes are the bytes sent (line ends as on the wire)');
    const event = await parseMime(stored[0]!.raw, { address: 'support@acme.example', envelope: stored[0]!.envelope });
    assert.equal(stored[0]!.envelope.from, '');
    assert.equal(event.replyToken, '6bdc3f4d-0bec-4515-a284-5d916fdde489');
    assert.equal(event.automated, true);
  });

  it('takes a message a plain SMTP client builds from fields, attachment and all', async () => {
    const delivery = await sendSmtp(listener.port, {
      from: 'dana@customer.example',
      to: ['support@acme.example'],
      mail: {
        from: { email: 'dana@customer.example', name: 'Dana Kundin' },
        to: ['support@acme.example'],
        subject: 'Störung seit Montag',
        text: 'Das Internet geht nicht.\n.\nPunkt am Zeilenanfang.',
        messageId: '<fields-1@customer.example>',
        attachments: [{ name: 'speedtest.png', contentType: 'image/png', content: Uint8Array.from([0x89, 0x50, 0x4e, 0x47]) }],
      },
    });
    assert.equal(delivery.accepted, true, delivery.reply);
    const event = await parseMime(stored[0]!.raw);
    assert.equal(event.subject, 'Störung seit Montag');
    assert.equal(event.from.name, 'Dana Kundin');
    assert.equal(event.text, 'Das Internet geht nicht.\n.\nPunkt am Zeilenanfang.');
    assert.deepEqual(event.attachments.map((file) => [file.name, file.size]), [['speedtest.png', 4]]);
  });

  it('reports refused recipients to a plain SMTP client', async () => {
    const delivery = await sendSmtp(listener.port, { from: 'dana@customer.example', to: ['ghost@acme.example'], raw: 'Subject: x\r\n\r\nx\r\n' });
    assert.equal(delivery.accepted, false);
    assert.deepEqual(delivery.rejected.map((entry) => [entry.recipient, entry.code]), [['ghost@acme.example', 550]]);
  });
});
