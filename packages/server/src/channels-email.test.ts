import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { emailAdapter, startMailroom } from '@casekit/channels/email';
import { twilioWhatsApp } from '@casekit/channels/twilio';
import type { SmtpListener } from '@casekit/channels/email';
import { postPostmarkInbound, postTwilioWhatsApp, sendSmtp, startSmtpSink, startTwilioFake, type SmtpSink, type TwilioFake } from '@casekit/testkit/providers';
import { createChannel, messagesOn, waitForMessage } from './internal/channel-testing.ts';
import { startTestServer, WORKSPACE, type TestServer } from './internal/testing.ts';

// Email end to end: the real SMTP listener in, a real SMTP relay out (the sink), the SQLite file.
describe('email over SMTP and inbound-parse webhooks', () => {
  let t: TestServer;
  let relay: SmtpSink;
  let mailroom: SmtpListener;
  let twilio: TwilioFake;
  let mail: { id: string };
  const address = 'support@fibrelink.example';

  before(async () => {
    relay = await startSmtpSink();
    twilio = await startTwilioFake();
    t = await startTestServer({ channels: { adapters: [emailAdapter, twilioWhatsApp] }, outbox: { intervalMs: 10, backoffMs: () => 30 } });
    mail = await createChannel(t, {
      kind: 'email',
      name: 'Support mail',
      config: { address, inbound: 'smtp', smtp: { host: '127.0.0.1', port: relay.port, secure: false } },
      secrets: {},
    });
    mailroom = await startMailroom({ port: 0, channels: () => t.store.listChannels(WORKSPACE), receive: t.server.webhooks.receive });
  });
  after(async () => {
    await mailroom?.close();
    await t?.close();
    await relay?.close();
    await twilio?.close();
  });

  const send = (from: string, fields: { subject: string; text: string; messageId: string; inReplyTo?: string; references?: string[]; headers?: Record<string, string> }, to = [address]) =>
    sendSmtp(mailroom.port, { from, to, mail: { from: { email: from, name: 'Dana Reyes' }, to, ...fields } });

  it('takes mail for its address over SMTP and answers 250 only once it is stored; other recipients get 550', async () => {
    const delivered = await send('dana@example.com', { subject: 'Router keeps rebooting', text: 'Since Monday the router reboots every hour.', messageId: '<first@mail.example.com>' });
    assert.equal(delivered.accepted, true, delivered.reply);
    const [stored] = await messagesOn(t, mail.id);
    assert.deepEqual([stored?.subject, stored?.text, stored?.providerMessageId], ['Router keeps rebooting', 'Since Monday the router reboots every hour.', '<first@mail.example.com>']);
    const stranger = await sendSmtp(mailroom.port, { from: 'x@example.com', to: ['nobody@fibrelink.example'], mail: { from: { email: 'x@example.com' }, to: ['nobody@fibrelink.example'], subject: 'hi', text: 'hi' } });
    assert.equal(stranger.accepted, false);
    assert.equal(stranger.rejected[0]?.code, 550);
  });

  it('replies through the SMTP relay with threading headers, and the customer\'s answers from any mail client thread back', async () => {
    const [first] = await messagesOn(t, mail.id);
    const reply = await t.request('POST', `/api/v1/cases/${first!.caseId}/messages`, { token: t.tokens.agent, body: { text: 'Please send us the router\'s serial number.' } });
    const sent = await waitForMessage(t, reply.body.id, (m) => m.status === 'sent');
    const out = relay.messages.at(-1)!;
    assert.deepEqual(out.envelope.to, ['dana@example.com']);
    assert.equal(out.headers['in-reply-to'], '<first@mail.example.com>');
    assert.equal(out.headers['message-id'], sent.providerMessageId);
    assert.match(out.headers['reply-to']!, new RegExp(`reply\\+${first!.conversationId}@fibrelink\\.example`));
    assert.equal(out.subject, 'Re: Router keeps rebooting');

    // Gmail: In-Reply-To and References.
    await send('dana@example.com', { subject: 'Re: Router keeps rebooting', text: 'It is SN-4411.', messageId: '<gmail@mail.example.com>', inReplyTo: sent.providerMessageId!, references: ['<first@mail.example.com>', sent.providerMessageId!] });
    // Outlook: only References, and a subject rewritten by a mailing list.
    await send('dana@example.com', { subject: '[fibre-users] AW: Something else', text: 'Any news?', messageId: '<outlook@mail.example.com>', references: [sent.providerMessageId!] });
    // A client that drops every header but answers to the Reply-To address.
    await send('dana@example.com', { subject: 'no subject', text: 'Still rebooting.', messageId: '<token@mail.example.com>' }, [`reply+${first!.conversationId}@fibrelink.example`]);
    const thread = (await messagesOn(t, mail.id)).filter((m) => m.direction === 'inbound');
    assert.deepEqual(thread.map((m) => m.caseId), Array(4).fill(first!.caseId));
    assert.deepEqual(thread.map((m) => m.conversationId), Array(4).fill(first!.conversationId));
  });

  it('opens a new case for a new subject from the same sender, and stores a repeated Message-ID once', async () => {
    const [first] = await messagesOn(t, mail.id);
    await send('dana@example.com', { subject: 'Moving house in May', text: 'Can I take my line with me?', messageId: '<moving@mail.example.com>' });
    const seq = await t.lastSeq();
    const again = await send('dana@example.com', { subject: 'Moving house in May', text: 'Can I take my line with me?', messageId: '<moving@mail.example.com>' });
    assert.equal(again.accepted, true, 'a repeat is accepted, so the sender stops trying');
    assert.equal(await t.lastSeq(), seq, 'and stores nothing');
    const moving = (await messagesOn(t, mail.id)).filter((m) => m.providerMessageId === '<moving@mail.example.com>');
    assert.equal(moving.length, 1);
    assert.notEqual(moving[0]!.caseId, first!.caseId);
    assert.equal(moving[0]!.customerId, first!.customerId, 'one customer, two cases');
  });

  it('keeps an out-of-office reply on its thread without reopening the solved case or answering it', async () => {
    const moving = (await messagesOn(t, mail.id)).find((m) => m.providerMessageId === '<moving@mail.example.com>')!;
    const kase = (await t.store.getCase(WORKSPACE, moving.caseId))!;
    const solved = await t.request('PATCH', `/api/v1/cases/${kase.id}`, { token: t.tokens.agent, body: { status: 'solved', version: kase.version } });
    assert.equal(solved.status, 200, solved.text);
    const outbound = relay.messages.length;
    await send('dana@example.com', { subject: 'Automatic reply: Moving house in May', text: 'I am out of the office until Monday.', messageId: '<ooo@mail.example.com>', inReplyTo: '<moving@mail.example.com>', headers: { 'Auto-Submitted': 'auto-replied' } });
    const ooo = (await messagesOn(t, mail.id)).find((m) => m.providerMessageId === '<ooo@mail.example.com>')!;
    assert.equal(ooo.caseId, kase.id);
    assert.equal((await t.store.getCase(WORKSPACE, kase.id))!.status, 'solved');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(relay.messages.length, outbound, 'nothing answered it');
  });

  it('retries a reply the relay refuses for now, and fails one it refuses for good with the server\'s words', async () => {
    const [first] = await messagesOn(t, mail.id);
    relay.failNext(2, 451, '4.3.0 Try again later');
    const later = await t.request('POST', `/api/v1/cases/${first!.caseId}/messages`, { token: t.tokens.agent, body: { text: 'Sent after a retry' } });
    await waitForMessage(t, later.body.id, (m) => m.status === 'sent');
    assert.equal(relay.messages.filter((m) => m.text.includes('Sent after a retry')).length, 1);
    relay.failNext(1, 550, '5.1.1 Mailbox does not exist');
    const never = await t.request('POST', `/api/v1/cases/${first!.caseId}/messages`, { token: t.tokens.agent, body: { text: 'Never arrives' } });
    const failed = await waitForMessage(t, never.body.id, (m) => m.status === 'failed');
    assert.equal(failed.deliveryError?.code, '550');
    assert.match(failed.deliveryError!.reason, /Mailbox does not exist/);
  });

  it('keeps a mail\'s attachment, which an agent then opens through the message', async () => {
    const log = Buffer.from('router log: reboot at 20:01\n'.repeat(50));
    const delivered = await sendSmtp(mailroom.port, {
      from: 'ivy@example.com',
      to: [address],
      mail: { from: { email: 'ivy@example.com', name: 'Ivy' }, to: [address], subject: 'Log attached', text: 'See the log.', messageId: '<log@mail.example.com>', attachments: [{ name: 'router.log', contentType: 'text/plain', content: log }] },
    });
    assert.equal(delivered.accepted, true);
    const message = (await messagesOn(t, mail.id)).find((m) => m.providerMessageId === '<log@mail.example.com>')!;
    assert.deepEqual(message.attachments.map((a) => [a.name, a.size]), [['router.log', log.byteLength]]);
    const file = await fetch(`${t.url}/api/v1/cases/${message.caseId}/messages/${message.id}/attachments/0`, { headers: { authorization: `Bearer ${t.tokens.agent}` } });
    assert.equal(file.status, 200);
    assert.match(file.headers.get('content-disposition') ?? '', /attachment/);
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), log);
    const anonymous = await fetch(`${t.url}/api/v1/cases/${message.caseId}/messages/${message.id}/attachments/0`);
    assert.equal(anonymous.status, 401);
    const missing = await fetch(`${t.url}/api/v1/cases/${message.caseId}/messages/${message.id}/attachments/3`, { headers: { authorization: `Bearer ${t.tokens.agent}` } });
    assert.equal(missing.status, 404);
  });

  it('takes Postmark\'s inbound webhook only with its credentials', async () => {
    const postmark = await createChannel(t, {
      kind: 'email',
      name: 'Billing mail',
      config: { address: 'billing@fibrelink.example', inbound: 'postmark', smtp: { host: '127.0.0.1', port: relay.port, secure: false } },
      secrets: { inboundUser: 'postmark', inboundPassword: 'inbound-password-123' },
    });
    const invoice = { from: { email: 'sam@example.com', name: 'Sam' }, to: ['billing@fibrelink.example'], subject: 'Invoice 1042', text: 'I was charged twice.', messageId: '<pm@mail.example.com>' };
    const refused = await postPostmarkInbound(postmark.webhookUrl, { user: 'postmark', password: 'wrong' }, invoice);
    assert.equal(refused.status, 403);
    assert.deepEqual(await messagesOn(t, postmark.id), []);
    for (let i = 0; i < 3; i++) assert.equal((await postPostmarkInbound(postmark.webhookUrl, { user: 'postmark', password: 'inbound-password-123' }, invoice)).status, 200);
    assert.deepEqual((await messagesOn(t, postmark.id)).map((m) => m.text), ['I was charged twice.']);
  });

  it('the same person on WhatsApp and by email becomes one customer with one timeline once a supervisor merges the suggestion', async () => {
    const wa = await createChannel(t, {
      kind: 'twilio-whatsapp',
      name: 'WhatsApp',
      config: { accountSid: twilio.accountSid, from: 'whatsapp:+14155550111', apiBaseUrl: twilio.url },
      secrets: { authToken: twilio.authToken },
    });
    const whatsapp = await postTwilioWhatsApp({ url: wa.webhookUrl, authToken: twilio.authToken, accountSid: twilio.accountSid, from: 'whatsapp:+14155550199', to: 'whatsapp:+14155550111', body: 'Hi, it is Dana again', extra: { ProfileName: 'Dana Reyes' } });
    assert.equal(whatsapp.response.status, 200);
    const [onWhatsApp] = await messagesOn(t, wa.id);
    const [byEmail] = await messagesOn(t, mail.id);
    assert.notEqual(onWhatsApp!.customerId, byEmail!.customerId, 'nothing ties a phone number to an email address yet');
    const suggested = await t.request('GET', `/api/v1/customers/${onWhatsApp!.customerId}/merge-suggestions`, { token: t.tokens.agent });
    assert.equal(suggested.status, 200, suggested.text);
    assert.deepEqual(suggested.body.items.map((s: { customer: { id: string }; reasons: string[] }) => [s.customer.id, s.reasons]), [[byEmail!.customerId, ['name']]]);
    const byAgent = await t.request('POST', `/api/v1/customers/${byEmail!.customerId}/merge`, { token: t.tokens.agent, body: { sourceCustomerId: onWhatsApp!.customerId } });
    assert.equal(byAgent.status, 403, 'merging profiles is a supervisor\'s call');
    const merged = await t.request('POST', `/api/v1/customers/${byEmail!.customerId}/merge`, { token: t.tokens.supervisor, body: { sourceCustomerId: onWhatsApp!.customerId } });
    assert.equal(merged.status, 200, merged.text);
    assert.deepEqual([merged.body.emails, merged.body.phones], [['dana@example.com'], ['+14155550199']]);
    const timeline = await t.request('GET', `/api/v1/customers/${byEmail!.customerId}/timeline?limit=100`, { token: t.tokens.agent });
    const texts = timeline.body.items.filter((e: { type: string }) => e.type === 'message.created').map((e: { data: { message: { text: string } } }) => e.data.message.text);
    assert.ok(texts.includes('Hi, it is Dana again') && texts.includes('Since Monday the router reboots every hour.'), 'both channels on one timeline');
    // Her next WhatsApp message lands on the merged profile.
    await postTwilioWhatsApp({ url: wa.webhookUrl, authToken: twilio.authToken, accountSid: twilio.accountSid, from: 'whatsapp:+14155550199', to: 'whatsapp:+14155550111', body: 'Thanks!' });
    const latest = (await messagesOn(t, wa.id)).at(-1)!;
    assert.equal(latest.customerId, byEmail!.customerId);
  });
});
