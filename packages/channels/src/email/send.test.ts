import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DeliveryError } from '@casekit/core';
import type { OutboundMessage } from '@casekit/core';
import type { Attachment, Message } from '@casekit/protocol';
import { startSmtpSink } from '@casekit/testkit/providers';
import type { SmtpSink } from '@casekit/testkit/providers';
import { emailRuntime } from './internal/fixtures.ts';
import { sendEmail, toDeliveryError } from './send.ts';
import type { EmailConfig } from './settings.ts';

const NOW = '2024-05-01T10:00:00.000Z';

function message(overrides: Partial<Message>): Message {
  return {
    id: 'm_out1',
    workspaceId: 'ws_test',
    caseId: 'c_1',
    conversationId: 'cv_abc',
    customerId: 'cu_1',
    channelId: 'ch_email',
    channelKind: 'email',
    direction: 'outbound',
    authorKind: 'agent',
    authorId: 'ag_1',
    authorName: 'Alex Agent',
    internal: false,
    text: 'Hello Dana,\n\nplease restart the router <now> & tell us.',
    attachments: [],
    providerMessageId: null,
    clientMessageId: null,
    status: 'pending',
    createdAt: NOW,
    ...overrides,
  };
}

const lastInbound = message({
  id: 'm_in1',
  direction: 'inbound',
  authorKind: 'customer',
  authorId: null,
  text: 'My router is down',
  subject: 'Router down',
  providerMessageId: '<in-2@mail.customer.example>',
  headers: { 'message-id': '<in-2@mail.customer.example>', references: '<in-1@mail.customer.example> <m.m_0.aaa@acme.example>' },
});

function outbound(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    message: message({}),
    conversation: { id: 'cv_abc', workspaceId: 'ws_test', caseId: 'c_1', customerId: 'cu_1', channelId: 'ch_email', channelKind: 'email', externalThreadId: null, createdAt: NOW, lastMessageAt: NOW },
    to: { externalId: 'dana@customer.example', email: 'dana@customer.example', name: 'Dana' },
    lastInbound,
    ...overrides,
  };
}

describe('sendEmail', () => {
  let sink: SmtpSink;
  let smtp: EmailConfig['smtp'];
  before(async () => {
    sink = await startSmtpSink({ user: 'relay-user', password: 'relay-pw' });
    smtp = { host: '127.0.0.1', port: sink.port, secure: false, user: 'relay-user' };
  });
  after(() => sink.close());
  beforeEach(() => {
    sink.messages.length = 0;
  });
  const runtime = (config: Partial<EmailConfig> = {}, password = 'relay-pw') => emailRuntime({ smtp, ...config }, { smtpPassword: password });

  it('sends a threaded reply through the relay and returns our Message-ID', async () => {
    const result = await sendEmail(outbound(), runtime());
    assert.equal(sink.messages.length, 1);
    const sent = sink.messages[0]!;
    assert.equal(sent.user, 'relay-user');
    assert.deepEqual(sent.envelope, { from: 'support@acme.example', to: ['dana@customer.example'] });
    assert.equal(sent.headers.from, 'ACME Support <support@acme.example>');
    assert.equal(sent.headers.to, 'dana@customer.example');
    assert.equal(sent.subject, 'Re: Router down');
    assert.match(result.providerMessageId, /^<m\.m_out1\.[0-9a-f]{12}@acme\.example>$/);
    assert.equal(sent.headers['message-id'], result.providerMessageId);
    assert.equal(sent.headers['in-reply-to'], '<in-2@mail.customer.example>');
    assert.equal(sent.headers.references, '<in-1@mail.customer.example> <m.m_0.aaa@acme.example> <in-2@mail.customer.example>');
    assert.equal(sent.headers['reply-to'], 'reply+cv_abc@acme.example');
    assert.equal(sent.text.trim(), 'Hello Dana,\n\nplease restart the router <now> & tell us.');
    assert.equal(sent.html, '<p>Hello Dana,</p>\n<p>please restart the router &lt;now&gt; &amp; tell us.</p>');
    assert.deepEqual(result.headers, {
      'message-id': result.providerMessageId,
      'reply-to': 'reply+cv_abc@acme.example',
      subject: 'Re: Router down',
      'in-reply-to': '<in-2@mail.customer.example>',
      references: '<in-1@mail.customer.example> <m.m_0.aaa@acme.example> <in-2@mail.customer.example>',
    });
  });

  it('attaches files loaded through loadAttachment', async () => {
    const files: Attachment[] = [{ name: 'guide.pdf', contentType: 'application/pdf', size: 9, url: 'blob://guide' }];
    const loaded: string[] = [];
    await sendEmail(
      outbound({
        message: message({ attachments: files }),
        loadAttachment: async (file) => {
          loaded.push(file.url);
          return new Uint8Array(Buffer.from('%PDF-1.4\n'));
        },
      }),
      runtime(),
    );
    assert.deepEqual(loaded, ['blob://guide']);
    const [file] = sink.messages[0]!.attachments;
    assert.equal(file!.filename, 'guide.pdf');
    assert.equal(file!.contentType, 'application/pdf');
    assert.equal(file!.content.toString(), '%PDF-1.4\n');
  });

  it('a first message keeps its own subject and carries no In-Reply-To', async () => {
    const result = await sendEmail(outbound({ message: message({ subject: 'Your new contract' }), lastInbound: null }), runtime({ fromName: undefined }));
    const sent = sink.messages[0]!;
    assert.equal(sent.subject, 'Your new contract');
    assert.equal(sent.headers.from, 'support@acme.example');
    assert.equal(sent.headers['in-reply-to'], undefined);
    assert.equal(result.headers?.references, undefined);
  });

  it('a 4xx reply is a retryable DeliveryError with the SMTP code', async () => {
    sink.failNext(1, 451, '4.3.0 Mailbox temporarily unavailable');
    const error = await sendEmail(outbound(), runtime()).catch((caught: unknown) => caught);
    assert.ok(error instanceof DeliveryError);
    assert.equal(error.retryable, true);
    assert.equal(error.code, '451');
    assert.match(error.message, /Mailbox temporarily unavailable/);
  });

  it('a 5xx reply is permanent and carries the server\'s reason', async () => {
    sink.failNext(1, 550, '5.1.1 <dana@customer.example>: Recipient address rejected');
    const error = await sendEmail(outbound(), runtime()).catch((caught: unknown) => caught);
    assert.ok(error instanceof DeliveryError);
    assert.equal(error.retryable, false);
    assert.equal(error.code, '550');
    assert.match(error.message, /Recipient address rejected/);
  });

  it('a wrong SMTP password is a permanent 535', async () => {
    const error = await sendEmail(outbound(), runtime({}, 'wrong')).catch((caught: unknown) => caught);
    assert.ok(error instanceof DeliveryError);
    assert.equal(error.retryable, false);
    assert.equal(error.code, '535');
  });

  it('a relay that refuses connections is retried', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await sendEmail(outbound(), runtime({ smtp: { host: '127.0.0.1', port, secure: false } })).catch((caught: unknown) => caught);
    assert.ok(error instanceof DeliveryError);
    assert.equal(error.retryable, true);
    assert.equal(error.code, 'ECONNREFUSED');
  });

  it('refuses what it cannot send without touching the relay', async () => {
    const bad = await sendEmail(outbound({ to: { externalId: 'not-an-address' } }), runtime()).catch((caught: unknown) => caught);
    assert.ok(bad instanceof DeliveryError);
    assert.deepEqual([bad.code, bad.retryable], ['invalid-recipient', false]);
    const files: Attachment[] = [{ name: 'a.txt', contentType: 'text/plain', size: 1, url: 'blob://a' }];
    const unloadable = await sendEmail(outbound({ message: message({ attachments: files }) }), runtime()).catch((caught: unknown) => caught);
    assert.ok(unloadable instanceof DeliveryError);
    assert.deepEqual([unloadable.code, unloadable.retryable], ['attachments-unavailable', false]);
    const tooBig = await sendEmail(outbound({ message: message({ attachments: files }), loadAttachment: async () => new Uint8Array(11 * 1024 * 1024) }), runtime()).catch((caught: unknown) => caught);
    assert.ok(tooBig instanceof DeliveryError);
    assert.deepEqual([tooBig.code, tooBig.retryable], ['attachments-too-large', false]);
    assert.equal(sink.messages.length, 0);
  });
});

describe('toDeliveryError', () => {
  it('maps SMTP codes and network failures', () => {
    assert.deepEqual(pick(toDeliveryError({ message: 'x', responseCode: 421, response: '421 4.7.0 Try later' })), ['421', true, '421 4.7.0 Try later']);
    assert.deepEqual(pick(toDeliveryError({ message: 'x', responseCode: 554, response: '554 5.7.1 Spam' })), ['554', false, '554 5.7.1 Spam']);
    assert.deepEqual(pick(toDeliveryError({ message: 'Connection timeout', code: 'ETIMEDOUT' })), ['ETIMEDOUT', true, 'Connection timeout']);
    assert.deepEqual(pick(toDeliveryError({ message: 'read ECONNRESET', code: 'ESOCKET' })), ['ECONNRESET', true, 'read ECONNRESET']);
    assert.deepEqual(pick(toDeliveryError({ message: 'self-signed certificate', code: 'ETLS' })), ['ETLS', false, 'self-signed certificate']);
  });
});

function pick(error: DeliveryError): [string, boolean, string] {
  return [error.code, error.retryable, error.message];
}
