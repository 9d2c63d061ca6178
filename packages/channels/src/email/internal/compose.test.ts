import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutboundMessage } from '@casekit/core';
import type { Message } from '@casekit/protocol';
import type { EmailConfig } from '../settings.ts';
import { composeEmail, MAX_OUTBOUND_REFERENCES } from './compose.ts';

const NOW = '2024-05-01T10:00:00.000Z';
const config: EmailConfig = { address: 'help@acme.example', smtp: { host: 'smtp.acme.example', port: 587, secure: false }, inbound: 'smtp' };

function message(overrides: Partial<Message> = {}): Message {
  return {
    id: 'm_2',
    workspaceId: 'ws',
    caseId: 'c',
    conversationId: 'cv_7',
    customerId: 'cu',
    channelId: 'ch',
    channelKind: 'email',
    direction: 'outbound',
    authorKind: 'agent',
    authorId: 'ag',
    authorName: 'Alex',
    internal: false,
    text: 'Hi',
    attachments: [],
    providerMessageId: null,
    clientMessageId: null,
    status: 'pending',
    createdAt: NOW,
    ...overrides,
  };
}

function outbound(last: Partial<Message> | null, own: Partial<Message> = {}): OutboundMessage {
  return {
    message: message(own),
    conversation: { id: 'cv_7', workspaceId: 'ws', caseId: 'c', customerId: 'cu', channelId: 'ch', channelKind: 'email', externalThreadId: null, createdAt: NOW, lastMessageAt: NOW },
    to: { externalId: 'dana@customer.example' },
    lastInbound: last ? message({ id: 'm_1', direction: 'inbound', authorKind: 'customer', ...last }) : null,
  };
}

describe('composeEmail', () => {
  it('answers with Re: once, whatever prefix the customer used', () => {
    assert.equal(composeEmail(outbound({ subject: 'Router down' }), config, 'd@x').subject, 'Re: Router down');
    assert.equal(composeEmail(outbound({ subject: 'Re: Router down' }), config, 'd@x').subject, 'Re: Router down');
    assert.equal(composeEmail(outbound({ subject: 'AW: Router kaputt' }), config, 'd@x').subject, 'AW: Router kaputt');
    assert.equal(composeEmail(outbound({ subject: 'RE[2]: Router down' }), config, 'd@x').subject, 'RE[2]: Router down');
    assert.equal(composeEmail(outbound({ subject: 'Recall notice' }), config, 'd@x').subject, 'Re: Recall notice');
    assert.equal(composeEmail(outbound({ subject: 'Router down' }, { subject: 'Case #12: router' }), config, 'd@x').subject, 'Re: Case #12: router');
    assert.equal(composeEmail(outbound(null), config, 'd@x').subject, 'Message from help@acme.example');
  });

  it('makes a Message-ID of its own at the address domain and a reply address for the conversation', () => {
    const first = composeEmail(outbound(null), config, 'd@x');
    const second = composeEmail(outbound(null), config, 'd@x');
    assert.match(first.messageId, /^<m\.m_2\.[0-9a-f]{12}@acme\.example>$/);
    assert.notEqual(first.messageId, second.messageId);
    assert.equal(first.replyTo, 'reply+cv_7@acme.example');
    assert.equal(first.inReplyTo, undefined);
  });

  it('threads on the stored Message-ID, or the provider id when it is one', () => {
    const fromHeaders = composeEmail(outbound({ headers: { 'message-id': '<a@c>', 'in-reply-to': '<z@c>' } }), config, 'd@x');
    assert.equal(fromHeaders.inReplyTo, '<a@c>');
    assert.deepEqual(fromHeaders.references, ['<z@c>', '<a@c>'], 'without References the parent In-Reply-To starts the chain');
    assert.equal(composeEmail(outbound({ providerMessageId: '<p@c>' }), config, 'd@x').inReplyTo, '<p@c>');
    assert.equal(composeEmail(outbound({ providerMessageId: 'sha256:abc' }), config, 'd@x').inReplyTo, undefined);
  });

  it('keeps the thread root and the newest references when the chain is long', () => {
    const chain = Array.from({ length: 40 }, (_, i) => `<r${i}@c>`);
    const composed = composeEmail(outbound({ headers: { 'message-id': '<last@c>', references: chain.join(' ') } }), config, 'd@x');
    assert.equal(composed.references?.length, MAX_OUTBOUND_REFERENCES);
    assert.equal(composed.references?.[0], '<r0@c>');
    assert.equal(composed.references?.at(-1), '<last@c>');
    assert.equal(composed.references?.at(-2), '<r39@c>');
  });

  it('sends HTML written by the agent sanitized, and escaped text otherwise', () => {
    assert.equal(composeEmail(outbound(null, { text: 'a', html: '<p onclick="x()">a</p><script>1</script>' }), config, 'd@x').html, '<p>a</p>');
    assert.equal(composeEmail(outbound(null, { text: '1 < 2' }), config, 'd@x').html, '<p>1 &lt; 2</p>');
  });
});
