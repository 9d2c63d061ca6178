import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InboundMessageEvent } from '@casekit/core';
import { postMailgunInbound } from '@casekit/testkit/providers';
import type { InboundMail } from '@casekit/testkit/providers';
import { emailAdapter } from './adapter.ts';
import { emailRuntime, startWebhookEndpoint } from './internal/fixtures.ts';
import type { WebhookEndpoint } from './internal/fixtures.ts';

const KEY = 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0';

const reply: InboundMail = {
  from: { email: 'Dana@Customer.example', name: 'Dana Customer' },
  to: ['reply+cv_123@acme.example'],
  subject: 'Re: Router keeps rebooting',
  text: 'It happened again this morning.\n\nOn Mon, 1 Jan 2024 at 10:00, ACME Support <support@acme.example> wrote:\n> Please send a photo of the lights.',
  html: '<p>It happened again this morning.</p><blockquote>Please send a photo of the lights.</blockquote>',
  messageId: '<reply-1@mail.customer.example>',
  inReplyTo: '<m.m_1.abc@acme.example>',
  references: ['<first@mail.customer.example>', '<m.m_1.abc@acme.example>'],
};

describe('Mailgun inbound', () => {
  let endpoint: WebhookEndpoint;
  let clock = new Date();
  before(async () => {
    endpoint = await startWebhookEndpoint(emailAdapter, emailRuntime({ inbound: 'mailgun' }, { mailgunSigningKey: KEY }, () => clock));
  });
  after(() => endpoint.close());
  const last = (): InboundMessageEvent => endpoint.events.at(-1) as InboundMessageEvent;

  it('takes a signed urlencoded post built from fields and message-headers', async () => {
    const response = await postMailgunInbound(endpoint.url, KEY, reply);
    assert.equal(response.status, 200);
    const event = last();
    assert.equal(event.providerMessageId, '<reply-1@mail.customer.example>');
    assert.deepEqual(event.from, { externalId: 'dana@customer.example', email: 'dana@customer.example', name: 'Dana Customer' });
    assert.equal(event.subject, 'Re: Router keeps rebooting');
    assert.equal(event.text, 'It happened again this morning.');
    assert.deepEqual(event.references, ['<m.m_1.abc@acme.example>', '<first@mail.customer.example>']);
    assert.equal(event.replyToken, 'cv_123');
    assert.equal(event.newTopic, false);
    assert.equal(event.automated, false);
    assert.match(event.html ?? '', /<blockquote>Please send a photo/);
  });

  it('prefers body-mime when the route asks for the raw message', async () => {
    const response = await postMailgunInbound(endpoint.url, KEY, { ...reply, messageId: '<reply-mime@mail.customer.example>' }, { mime: true });
    assert.equal(response.status, 200);
    const event = last();
    assert.equal(event.providerMessageId, '<reply-mime@mail.customer.example>');
    assert.equal(event.text, 'It happened again this morning.');
    assert.equal(event.replyToken, 'cv_123');
    assert.deepEqual(event.references, ['<m.m_1.abc@acme.example>', '<first@mail.customer.example>']);
  });

  it('reads attachments of a multipart post, inline ones by content id', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const response = await postMailgunInbound(endpoint.url, KEY, {
      ...reply,
      messageId: '<with-files@mail.customer.example>',
      attachments: [
        { name: 'lights.png', contentType: 'image/png', content: png, contentId: 'img1@customer' },
        { name: 'invoice.pdf', contentType: 'application/pdf', content: '%PDF-1.4 test' },
      ],
    });
    assert.equal(response.status, 200);
    const [image, pdf] = last().attachments;
    assert.deepEqual({ ...image, content: [...image!.content!] }, { name: 'lights.png', contentType: 'image/png', size: 7, content: [...png], url: 'cid:img1@customer' });
    assert.equal(pdf!.name, 'invoice.pdf');
    assert.equal(Buffer.from(pdf!.content!).toString(), '%PDF-1.4 test');
  });

  it('marks an auto-reply from its message-headers', async () => {
    await postMailgunInbound(endpoint.url, KEY, { ...reply, messageId: '<ooo@x>', subject: 'Automatic reply: Router', headers: { 'Auto-Submitted': 'auto-replied' } });
    assert.equal(last().automated, true);
  });

  it('refuses a wrong signature with 403 and parses nothing', async () => {
    const before = endpoint.events.length;
    const response = await postMailgunInbound(endpoint.url, 'another-key', reply);
    assert.equal(response.status, 403);
    assert.equal(endpoint.events.length, before);
  });

  it('refuses a post without signature fields with 401', async () => {
    const response = await fetch(endpoint.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'from=a%40b.example&subject=hi' });
    assert.equal(response.status, 401);
  });

  it('refuses a timestamp more than five minutes from now (a replay)', async () => {
    const stale = Math.floor(clock.getTime() / 1000) - 6 * 60;
    assert.equal((await postMailgunInbound(endpoint.url, KEY, reply, { timestamp: stale })).status, 403);
    const fresh = Math.floor(clock.getTime() / 1000) - 4 * 60;
    assert.equal((await postMailgunInbound(endpoint.url, KEY, reply, { timestamp: fresh })).status, 200);
    clock = new Date(clock.getTime() + 10 * 60 * 1000);
    assert.equal((await postMailgunInbound(endpoint.url, KEY, reply, { timestamp: fresh })).status, 403, 'the clock moved on');
    clock = new Date();
  });

  it('answers 400 for a verified post whose message-headers are not JSON', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const { createHmac } = await import('node:crypto');
    const signature = createHmac('sha256', KEY).update(`${timestamp}tok`).digest('hex');
    const body = new URLSearchParams({ timestamp, token: 'tok', signature, from: 'a@b.example', 'message-headers': '{nope' }).toString();
    const response = await fetch(endpoint.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    assert.equal(response.status, 400);
  });
});
