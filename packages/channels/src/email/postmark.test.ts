import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InboundMessageEvent } from '@casekit/core';
import { postPostmarkInbound } from '@casekit/testkit/providers';
import type { InboundMail } from '@casekit/testkit/providers';
import { emailAdapter } from './adapter.ts';
import { emailRuntime, startWebhookEndpoint } from './internal/fixtures.ts';
import type { WebhookEndpoint } from './internal/fixtures.ts';

const AUTH = { user: 'postmark', password: 's3cret-hook' };

const mail: InboundMail = {
  from: { email: 'dana@customer.example', name: 'Dana Customer' },
  to: ['support@acme.example'],
  subject: 'Invoice question',
  text: 'Why was I charged twice?\n\nSent from my iPhone',
  messageId: '<q-1@mail.customer.example>',
};

describe('Postmark inbound', () => {
  let endpoint: WebhookEndpoint;
  before(async () => {
    endpoint = await startWebhookEndpoint(emailAdapter, emailRuntime({ inbound: 'postmark' }, { inboundUser: AUTH.user, inboundPassword: AUTH.password }));
  });
  after(() => endpoint.close());
  const last = (): InboundMessageEvent => endpoint.events.at(-1) as InboundMessageEvent;

  it('takes the RFC Message-ID from Headers, not Postmark\'s MessageID', async () => {
    const response = await postPostmarkInbound(endpoint.url, AUTH, mail);
    assert.equal(response.status, 200);
    const event = last();
    assert.equal(event.providerMessageId, '<q-1@mail.customer.example>');
    assert.equal(event.from.name, 'Dana Customer');
    assert.equal(event.subject, 'Invoice question');
    assert.equal(event.text, 'Why was I charged twice?');
    assert.equal(event.newTopic, true);
    assert.deepEqual(event.references, []);
    assert.ok(event.sentAt);
  });

  it('threads by In-Reply-To and References from Headers and finds the reply token in ToFull', async () => {
    await postPostmarkInbound(endpoint.url, AUTH, { ...mail, messageId: '<q-2@x>', to: ['reply+cv_9@acme.example'], inReplyTo: '<m.m_5.f00@acme.example>', references: ['<q-1@mail.customer.example>', '<m.m_5.f00@acme.example>'] });
    const event = last();
    assert.deepEqual(event.references, ['<m.m_5.f00@acme.example>', '<q-1@mail.customer.example>']);
    assert.equal(event.replyToken, 'cv_9');
    assert.equal(event.headers?.['in-reply-to'], '<m.m_5.f00@acme.example>');
  });

  it('falls back to Postmark\'s own id when the mail has no Message-ID', async () => {
    await postPostmarkInbound(endpoint.url, AUTH, { ...mail, messageId: null });
    assert.match(last().providerMessageId, /^postmark:[0-9a-f-]{36}$/);
  });

  it('decodes base64 attachments', async () => {
    await postPostmarkInbound(endpoint.url, AUTH, { ...mail, messageId: '<files@x>', attachments: [{ name: 'bill.pdf', contentType: 'application/pdf', content: '%PDF-1.7 bill' }] });
    const [file] = last().attachments;
    assert.equal(file!.name, 'bill.pdf');
    assert.equal(file!.size, 13);
    assert.equal(Buffer.from(file!.content!).toString(), '%PDF-1.7 bill');
  });

  it('answers 401 without credentials and 403 with wrong ones, parsing nothing', async () => {
    const before = endpoint.events.length;
    assert.equal((await postPostmarkInbound(endpoint.url, null, mail)).status, 401);
    assert.equal((await postPostmarkInbound(endpoint.url, { ...AUTH, password: 'guess' }, mail)).status, 403);
    assert.equal((await postPostmarkInbound(endpoint.url, { ...AUTH, user: 'other' }, mail)).status, 403);
    assert.equal(endpoint.events.length, before);
  });

  it('answers 400 for a verified body that is not Postmark JSON', async () => {
    const authorization = `Basic ${Buffer.from(`${AUTH.user}:${AUTH.password}`).toString('base64')}`;
    const response = await fetch(endpoint.url, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: '{"Headers": "nope"}' });
    assert.equal(response.status, 400);
  });
});
