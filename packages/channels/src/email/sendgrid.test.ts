import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InboundMessageEvent } from '@casekit/core';
import { emailSample, postSendgridInbound } from '@casekit/testkit/providers';
import type { InboundMail } from '@casekit/testkit/providers';
import { emailAdapter } from './adapter.ts';
import { emailRuntime, startWebhookEndpoint } from './internal/fixtures.ts';
import type { WebhookEndpoint } from './internal/fixtures.ts';

const AUTH = { user: 'sendgrid', password: 'parse-hook-pw' };

const mail: InboundMail = {
  from: { email: 'jürgen@customer.example', name: 'Jürgen Schmürgen' },
  to: ['support@acme.example'],
  cc: ['boss@customer.example'],
  subject: 'Rückfrage zur Rechnung',
  text: 'Grüße, die Rechnung ist zu hoch.\n\nAm 01.02.2024 um 10:00 schrieb ACME Support <support@acme.example>:\n> Hallo',
  html: '<p>Grüße, die Rechnung ist zu hoch.</p>',
  messageId: '<sg-1@mail.customer.example>',
};

describe('SendGrid inbound', () => {
  let endpoint: WebhookEndpoint;
  before(async () => {
    endpoint = await startWebhookEndpoint(emailAdapter, emailRuntime({ inbound: 'sendgrid' }, { inboundUser: AUTH.user, inboundPassword: AUTH.password }));
  });
  after(() => endpoint.close());
  const last = (): InboundMessageEvent => endpoint.events.at(-1) as InboundMessageEvent;

  it('builds the event from parsed fields and the headers block', async () => {
    assert.equal((await postSendgridInbound(endpoint.url, AUTH, mail)).status, 200);
    const event = last();
    assert.equal(event.providerMessageId, '<sg-1@mail.customer.example>');
    assert.equal(event.from.email, 'jürgen@customer.example');
    assert.equal(event.from.name, 'Jürgen Schmürgen');
    assert.equal(event.subject, 'Rückfrage zur Rechnung');
    assert.equal(event.text, 'Grüße, die Rechnung ist zu hoch.');
    assert.equal(event.headers?.cc, 'boss@customer.example');
  });

  it('decodes text fields in the charset SendGrid names for them', async () => {
    await postSendgridInbound(endpoint.url, AUTH, { ...mail, messageId: '<sg-latin1@x>' }, { charset: 'iso-8859-1' });
    const event = last();
    assert.equal(event.subject, 'Rückfrage zur Rechnung');
    assert.equal(event.text, 'Grüße, die Rechnung ist zu hoch.');
  });

  it('parses the raw MIME of "send raw" mode, 8-bit bytes untouched', async () => {
    const raw = emailSample('066-mail-shift-jis-8bit.eml');
    await postSendgridInbound(endpoint.url, AUTH, { ...mail, raw }, { raw: true });
    const event = last();
    assert.equal(event.providerMessageId, '<xxxxx@docomo.ne.jp>');
    assert.match(event.text, /^あいうえお/);
  });

  it('threads a raw reply and reads the token from the envelope', async () => {
    await postSendgridInbound(endpoint.url, AUTH, { ...mail, to: ['reply+cv_77@acme.example'], messageId: '<sg-2@x>', inReplyTo: '<m.m_9.aa@acme.example>' }, { raw: true });
    const event = last();
    assert.deepEqual(event.references, ['<m.m_9.aa@acme.example>']);
    assert.equal(event.replyToken, 'cv_77');
  });

  it('reads attachmentN files with attachment-info', async () => {
    await postSendgridInbound(endpoint.url, AUTH, {
      ...mail,
      messageId: '<sg-files@x>',
      attachments: [
        { name: 'photo.jpg', contentType: 'image/jpeg', content: Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]), contentId: 'ii_1' },
        { name: 'notes.txt', contentType: 'text/plain', content: 'notes' },
      ],
    });
    const [photo, notes] = last().attachments;
    assert.deepEqual([photo!.name, photo!.contentType, photo!.size, photo!.url, [...photo!.content!]], ['photo.jpg', 'image/jpeg', 4, 'cid:ii_1', [0xff, 0xd8, 0xff, 0xe0]]);
    assert.equal(Buffer.from(notes!.content!).toString(), 'notes');
  });

  it('answers 401 without credentials and 403 with wrong ones', async () => {
    const before = endpoint.events.length;
    assert.equal((await postSendgridInbound(endpoint.url, null, mail)).status, 401);
    assert.equal((await postSendgridInbound(endpoint.url, { ...AUTH, password: 'nope' }, mail)).status, 403);
    assert.equal(endpoint.events.length, before);
  });
});
