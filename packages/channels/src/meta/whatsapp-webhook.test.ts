import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChannelPayloadError } from '@casekit/core';
import { META_WEBHOOK_SAMPLES } from '@casekit/testkit/providers';
import { encodeLikeMeta, whatsAppMessageWebhook, whatsAppStatusWebhook, whatsAppTextWebhook } from '@casekit/testkit/providers';
import { parseWhatsAppWebhook } from './whatsapp-webhook.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const NUMBER = '106540352242922';
const parse = (body: string, phoneNumberId: string | null = NUMBER) => parseWhatsAppWebhook(bytes(body), phoneNumberId ? { phoneNumberId } : {});

describe('parseWhatsAppWebhook', () => {
  it("reads Meta's text sample: id, sender wa_id and E.164 phone, profile name, text and time", () => {
    assert.deepEqual(parse(META_WEBHOOK_SAMPLES.whatsappText.body), [
      {
        type: 'message',
        providerMessageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
        from: { externalId: '16505551234', name: 'Sheena Nelson', phone: '+16505551234' },
        text: 'Does it come in another color?',
        attachments: [],
        sentAt: '2025-06-08T20:59:43.000Z',
      },
    ]);
  });

  it('decodes escaped unicode and threads a reply on its context id', () => {
    const [event] = parse(META_WEBHOOK_SAMPLES.whatsappReplyEscapedUnicode.body);
    assert.equal(event?.type, 'message');
    assert.ok(event?.type === 'message');
    assert.equal(event.text, 'Café ☕ still down 😞');
    assert.equal(event.from.name, 'José 🌻');
    assert.deepEqual(event.references, ['wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3RjY0QTc3NzNDRjg4NkE3QjkA']);
  });

  it("turns the read status sample into a read receipt for the message we sent", () => {
    assert.deepEqual(parse(META_WEBHOOK_SAMPLES.whatsappStatusRead.body), [
      { type: 'status', providerMessageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3RjY0QTc3NzNDRjg4NkE3QjkA', status: 'read' },
    ]);
  });

  it('reads every message and status of a batched body, in order', () => {
    const first = JSON.parse(whatsAppTextWebhook({ phoneNumberId: NUMBER, from: '447911123456', name: 'Ann', text: 'one', id: 'wamid.A' }).body);
    const second = JSON.parse(whatsAppTextWebhook({ phoneNumberId: NUMBER, from: '4915112345678', name: 'Ben', text: 'two', id: 'wamid.B' }).body);
    const status = JSON.parse(whatsAppStatusWebhook({ phoneNumberId: NUMBER, id: 'wamid.OUT', status: 'delivered', recipientId: '447911123456' }).body);
    // Two entries; the first has two changes (a message and a status), the second one change.
    const batched = {
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [first.entry[0].changes[0], status.entry[0].changes[0]] }, { id: '1', changes: second.entry[0].changes }],
    };
    const events = parse(encodeLikeMeta(batched));
    assert.deepEqual(
      events.map((e) => (e.type === 'message' ? [e.providerMessageId, e.from.phone, e.from.name, e.text] : [e.providerMessageId, e.status])),
      [
        ['wamid.A', '+447911123456', 'Ann', 'one'],
        ['wamid.OUT', 'delivered'],
        ['wamid.B', '+4915112345678', 'Ben', 'two'],
      ],
    );
  });

  it('keeps media by reference with its type, file name and caption', () => {
    const message = (type: string, media: Record<string, unknown>) =>
      parse(whatsAppMessageWebhook({ phoneNumberId: NUMBER, message: { from: '16505551234', type, id: `wamid.${type}`, [type]: media } }).body)[0];
    const image = message('image', { id: '1479537139650973', mime_type: 'image/jpeg', sha256: 'abc', caption: 'The router lights' });
    assert.deepEqual(image?.type === 'message' && [image.text, image.attachments], [
      'The router lights',
      [{ name: 'image.jpg', contentType: 'image/jpeg', url: 'meta-media:1479537139650973' }],
    ]);
    const document = message('document', { id: '2001', mime_type: 'application/pdf', filename: 'invoice-0420.pdf' });
    assert.deepEqual(document?.type === 'message' && document.attachments, [{ name: 'invoice-0420.pdf', contentType: 'application/pdf', url: 'meta-media:2001' }]);
    const voice = message('audio', { id: '3001', mime_type: 'audio/ogg; codecs=opus', voice: true });
    assert.deepEqual(voice?.type === 'message' && [voice.text, voice.attachments], ['', [{ name: 'audio.ogg', contentType: 'audio/ogg; codecs=opus', url: 'meta-media:3001' }]]);
    const video = message('video', { id: '4001', mime_type: 'video/mp4' });
    assert.equal(video?.type === 'message' && video.attachments[0]?.url, 'meta-media:4001');
    const sticker = message('sticker', { id: '5001', mime_type: 'image/webp', animated: false });
    assert.deepEqual(sticker?.type === 'message' && sticker.attachments, [{ name: 'sticker.webp', contentType: 'image/webp', url: 'meta-media:5001' }]);
  });

  it('writes locations, shared contacts, button and list replies as text', () => {
    const text = (type: string, content: Record<string, unknown>) => {
      const [event] = parse(whatsAppMessageWebhook({ phoneNumberId: NUMBER, message: { from: '16505551234', type, ...content } }).body);
      return event?.type === 'message' ? event.text : undefined;
    };
    assert.equal(
      text('location', { location: { latitude: 37.483307, longitude: -122.148981, name: 'Main office', address: '1 Hacker Way, Menlo Park' } }),
      'Location: Main office, 1 Hacker Way, Menlo Park (37.483307, -122.148981)',
    );
    assert.equal(text('location', { location: { latitude: 52.52, longitude: 13.405 } }), 'Location: (52.52, 13.405)');
    assert.equal(text('contacts', { contacts: [{ name: { formatted_name: 'Dana Field', first_name: 'Dana' }, phones: [{ phone: '+1 650 555 0100', type: 'WORK' }] }] }), 'Contact: Dana Field +1 650 555 0100');
    assert.equal(text('interactive', { interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes, fixed' } } }), 'Yes, fixed');
    assert.equal(text('interactive', { interactive: { type: 'list_reply', list_reply: { id: 'p2', title: 'Plan B', description: '100 Mbit/s' } } }), 'Plan B\n100 Mbit/s');
    assert.equal(text('button', { button: { text: 'Stop promotions', payload: 'STOP' } }), 'Stop promotions');
  });

  it('shows a placeholder for message types it cannot render instead of dropping them, and skips reactions', () => {
    const unsupported = parse(
      whatsAppMessageWebhook({ phoneNumberId: NUMBER, message: { from: '16505551234', type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown' }] } }).body,
    );
    assert.equal(unsupported.length, 1);
    assert.match(unsupported[0]?.type === 'message' ? unsupported[0].text : '', /unsupported/);
    const reaction = parse(
      whatsAppMessageWebhook({ phoneNumberId: NUMBER, message: { from: '16505551234', type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } } }).body,
    );
    assert.deepEqual(reaction, []);
  });

  it('reads the rest of a batch around a message or status it cannot read', () => {
    const body = JSON.parse(whatsAppTextWebhook({ phoneNumberId: NUMBER, from: '16505551234', text: 'fine', id: 'wamid.OK' }).body);
    const value = body.entry[0].changes[0].value;
    value.messages.unshift({ from: '16505551234', id: 'wamid.ODD', timestamp: '1749416383', type: 'location', location: { latitude: 'north' } }, { type: 'text' });
    value.statuses = [{ status: 'read' }, { id: 'wamid.OUT', status: 'read', recipient_id: '16505551234' }, { id: 'wamid.OUT', status: 'deleted' }];
    const events = parse(encodeLikeMeta(body));
    assert.deepEqual(
      events.map((e) => (e.type === 'message' ? [e.providerMessageId, /could not read/.test(e.text)] : [e.providerMessageId, e.status])),
      [
        ['wamid.ODD', true],
        ['wamid.OK', false],
        ['wamid.OUT', 'read'],
      ],
    );
  });

  it('reports a failed status with the window-closed code and Meta’s reason', () => {
    const body = whatsAppStatusWebhook({
      phoneNumberId: NUMBER,
      id: 'wamid.OUT',
      status: 'failed',
      recipientId: '16505551234',
      error: { code: 131047, title: 'Re-engagement message', details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
    }).body;
    const [event] = parse(body);
    assert.equal(event?.type, 'status');
    assert.ok(event?.type === 'status');
    assert.equal(event.status, 'failed');
    assert.equal(event.error?.code, 'window_closed');
    assert.match(event.error?.reason ?? '', /template/);
    assert.match(event.error?.reason ?? '', /131047/);
    const other = parse(
      whatsAppStatusWebhook({ phoneNumberId: NUMBER, id: 'wamid.OUT2', status: 'failed', recipientId: '1', error: { code: 131026, title: 'Message undeliverable' } }).body,
    )[0];
    assert.deepEqual(other?.type === 'status' && other.error, { code: '131026', reason: 'Meta error 131026: Message undeliverable' });
  });

  it('leaves out changes for another phone number of the same app', () => {
    const body = whatsAppTextWebhook({ phoneNumberId: '999000111222333', from: '16505551234', text: 'for the other number' }).body;
    assert.deepEqual(parse(body), []);
    assert.equal(parse(body, null).length, 1);
  });

  it('ignores other webhook fields of the business account', () => {
    const body = encodeLikeMeta({
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED', message_template_id: 1 } }] }],
    });
    assert.deepEqual(parse(body), []);
  });

  it('refuses a Messenger, Instagram or unreadable body with ChannelPayloadError', () => {
    for (const body of [META_WEBHOOK_SAMPLES.messengerText.body, META_WEBHOOK_SAMPLES.instagramReply.body, 'not json', '[]', '{"object":"whatsapp_business_account","entry":{}}']) {
      assert.throws(() => parse(body), ChannelPayloadError, body);
    }
    assert.throws(() => parse(META_WEBHOOK_SAMPLES.messengerText.body), /"page".*"whatsapp_business_account"/);
  });
});
