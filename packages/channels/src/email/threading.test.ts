import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutboundMessage } from '@casekit/core';
import { emailSample } from '@casekit/testkit/providers';
import type { Message } from '@casekit/protocol';
import { composeEmail } from './internal/compose.ts';
import { parseMime } from './mime.ts';
import type { EmailConfig } from './settings.ts';

// Threading is decided by references (nearest first) and the reply token, never by the subject.
// These checks run on the real samples and on a round trip through our own outgoing headers.

const sample = (file: string): string => emailSample(file).toString('latin1');
const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

/** The replies among the samples, with the In-Reply-To each carries. */
const REPLIES: Record<string, string> = {
  '003-mail-gmail-fwd-pdf.eml': '<F6E2D0B4-CC35-4A91-BA4C-C7C712B10C13@mac.com>',
  '004-mail-thunderbird-reply-unknown.eml': '<348F04F142D69C21-291E56D292BC@xxxx.net>',
  '057-talon-retest-yahoo.eml': '<1333374262.7063.15.camel@mg5>',
  '068-talon-hello-applemail.eml': '<CABzQGhkMXDxUt_tSVQcg=43aniUhtsVfCZVzu-PG0kwS_uzqMw@mail.gmail.com>',
  '069-MimeKit-outlook-it-R-R-R-I.eml': '<5185e377-81c5-4361-91ba-11d42f4c5cc9@AM5EUR02FT056.eop-EUR02.prod.protection.outlook.com>',
  '072-chatwoot-autoreply-arabic-b64.eml': '<4e6e35f5a38b4_479f13bb90078178@small-app-01.mail>',
};

describe('threading', () => {
  for (const [file, inReplyTo] of Object.entries(REPLIES)) {
    it(`${file}: In-Reply-To comes first`, async () => {
      const event = await parseMime(bytes(sample(file)));
      assert.equal(event.references?.[0], inReplyTo);
      assert.equal(event.newTopic, false);
    });
  }

  it('Thunderbird: References follow from newest to oldest, without repeating In-Reply-To', async () => {
    const event = await parseMime(bytes(sample('004-mail-thunderbird-reply-unknown.eml')));
    assert.deepEqual(event.references, ['<348F04F142D69C21-291E56D292BC@xxxx.net>', '<473FF3B8.9020707@xxx.org>']);
  });

  it('Outlook with only References still threads, newest first', async () => {
    const onlyReferences = sample('069-MimeKit-outlook-it-R-R-R-I.eml')
      .replace(/^In-Reply-To:.*\r?\n/m, '')
      .replace(/^References: (.*)$/m, 'References: <root@exchangelabs.example>\r\n $1');
    const event = await parseMime(bytes(onlyReferences));
    assert.equal(event.headers?.['in-reply-to'], undefined);
    assert.deepEqual(event.references, [
      '<5185e377-81c5-4361-91ba-11d42f4c5cc9@AM5EUR02FT056.eop-EUR02.prod.protection.outlook.com>',
      '<AM4PR01MB1444920F2AF5B6F4856FEA13F7290@AM4PR01MB1444.eurprd01.prod.exchangelabs.com>',
      '<root@exchangelabs.example>',
    ]);
    assert.equal(event.newTopic, false);
  });

  it('a mailing list rewriting the subject changes nothing', async () => {
    const original = sample('068-talon-hello-applemail.eml');
    const rewritten = original.replace(/^Subject: .*$/m, 'Subject: [support-list] Re: Hello there');
    const [before, after] = await Promise.all([parseMime(bytes(original)), parseMime(bytes(rewritten))]);
    assert.equal(after.subject, '[support-list] Re: Hello there');
    assert.deepEqual(after.references, before.references);
    assert.equal(after.newTopic, before.newTopic);
  });

  it('a "Re:" subject without threading headers is a new topic; the subject does not thread it', async () => {
    const event = await parseMime(bytes(sample('058-talon-retest-hotmail.eml')));
    assert.equal(event.subject, 'RE: Test');
    assert.deepEqual(event.references, []);
    assert.equal(event.newTopic, true);
  });

  it('a customer answering our reply points at the Message-ID we stored, and at the reply token', async () => {
    const config: EmailConfig = { address: 'support@acme.example', smtp: { host: 'smtp.acme.example', port: 587, secure: false }, inbound: 'smtp' };
    const first = await parseMime(bytes(sample('068-talon-hello-applemail.eml')), { address: config.address });
    const at = '2024-05-01T10:00:00.000Z';
    const lastInbound: Message = {
      id: 'm_in',
      workspaceId: 'ws',
      caseId: 'c',
      conversationId: 'cv_thread',
      customerId: 'cu',
      channelId: 'ch',
      channelKind: 'email',
      direction: 'inbound',
      authorKind: 'customer',
      authorId: null,
      authorName: 'Adam',
      internal: false,
      text: first.text,
      attachments: [],
      providerMessageId: first.providerMessageId,
      clientMessageId: null,
      status: 'delivered',
      createdAt: at,
      subject: first.subject,
      headers: first.headers,
    };
    const outbound: OutboundMessage = {
      message: { ...lastInbound, id: 'm_out', direction: 'outbound', authorKind: 'agent', authorId: 'ag', text: 'We are on it.', providerMessageId: null, status: 'pending', subject: undefined, headers: undefined },
      conversation: { id: 'cv_thread', workspaceId: 'ws', caseId: 'c', customerId: 'cu', channelId: 'ch', channelKind: 'email', externalThreadId: null, createdAt: at, lastMessageAt: at },
      to: { externalId: first.from.externalId },
      lastInbound,
    };
    const ours = composeEmail(outbound, config, first.from.externalId);
    assert.equal(ours.subject, 'Re: Hello there');
    // the customer's client answers: To our Reply-To, In-Reply-To our id, References ours + our id
    const answer = [
      'From: Adam Renberg <adam@tictail.com>',
      `To: ${ours.replyTo}`,
      `Subject: Re: ${ours.subject}`,
      'Message-ID: <answer-1@tictail.com>',
      `In-Reply-To: ${ours.messageId}`,
      `References: ${[...(ours.references ?? []), ours.messageId].join(' ')}`,
      '',
      'Thanks!',
      '',
    ].join('\r\n');
    const event = await parseMime(bytes(answer), { address: config.address });
    assert.equal(event.references?.[0], ours.messageId);
    assert.equal(event.references?.[1], first.providerMessageId);
    assert.equal(event.replyToken, 'cv_thread');
    assert.equal(event.subject, 'Re: Re: Hello there', 'the subject is kept as written; threading does not read it');
  });
});
