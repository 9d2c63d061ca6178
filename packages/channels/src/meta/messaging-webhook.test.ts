import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChannelPayloadError } from '@casekit/core';
import { META_WEBHOOK_SAMPLES } from '@casekit/testkit/providers';
import {
  encodeLikeMeta,
  instagramMessageWebhook,
  instagramSeenWebhook,
  messagingWebhook,
  messengerDeliveryWebhook,
  messengerEchoWebhook,
  messengerTextWebhook,
} from '@casekit/testkit/providers';
import { parseMessagingWebhook } from './messaging-webhook.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const PAGE = '104857600012345';
const IG = '17841400000000000';
const messenger = (body: string, accountId?: string) => parseMessagingWebhook(bytes(body), { object: 'page', ...(accountId && { accountId }) });
const instagram = (body: string, accountId?: string) => parseMessagingWebhook(bytes(body), { object: 'instagram', ...(accountId && { accountId }) });

describe('parseMessagingWebhook', () => {
  it("reads Messenger's text sample: mid, PSID and time in milliseconds", () => {
    assert.deepEqual(messenger(META_WEBHOOK_SAMPLES.messengerText.body), [
      {
        type: 'message',
        providerMessageId: 'mid.1457764197618:41d102a3e1ae206a38',
        from: { externalId: 'USER_ID' },
        text: 'hello, world!',
        attachments: [],
        sentAt: '2016-03-12T06:29:57.627Z',
      },
    ]);
  });

  it('skips echoes of what the Page itself sent', () => {
    assert.deepEqual(messenger(META_WEBHOOK_SAMPLES.messengerEcho.body), []);
    assert.deepEqual(messenger(messengerEchoWebhook({ pageId: PAGE, psid: '2417', text: 'We are on it' }).body), []);
  });

  it("reads Instagram's reply sample and threads it on reply_to.mid", () => {
    const [event] = instagram(META_WEBHOOK_SAMPLES.instagramReply.body);
    assert.ok(event?.type === 'message');
    assert.equal(event.from.externalId, 'IGSID_1234');
    assert.equal(event.text, 'Is my order shipped?');
    assert.deepEqual(event.references, ['aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDAwOjM0MDI4MjM2Njg0MTcxMDMwMTI0NDI1OTkwMjc2NDQwMDQ4OTk4NAZDZD']);
  });

  it('keeps files by their URL and writes shares and locations as text', () => {
    const attachments = [
      { type: 'image', payload: { url: 'https://scontent.xx.fbcdn.net/v/t1.15752-9/4412_n.jpg?_nc_cat=1&oh=abc' } },
      { type: 'file', payload: { url: 'https://cdn.fbsbx.com/v/t59.2708-21/invoice.pdf?_nc_cat=1' } },
      { type: 'audio', payload: { url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1&signature=x' } },
      { type: 'ig_reel', payload: { url: 'https://www.instagram.com/reel/Cx1/', title: 'Router setup in 30 s' } },
      { type: 'location', payload: { coordinates: { lat: 48.8584, long: 2.2945 } } },
    ];
    const [event] = messenger(messengerTextWebhook({ pageId: PAGE, psid: '2417', text: 'See these', attachments }).body);
    assert.ok(event?.type === 'message');
    assert.deepEqual(event.attachments, [
      { name: '4412_n.jpg', contentType: 'image/jpeg', url: 'https://scontent.xx.fbcdn.net/v/t1.15752-9/4412_n.jpg?_nc_cat=1&oh=abc' },
      { name: 'invoice.pdf', contentType: 'application/pdf', url: 'https://cdn.fbsbx.com/v/t59.2708-21/invoice.pdf?_nc_cat=1' },
      { name: 'audio', contentType: 'audio/*', url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1&signature=x' },
    ]);
    assert.equal(event.text, 'See these\nig reel: Router setup in 30 s https://www.instagram.com/reel/Cx1/\nLocation: (48.8584, 2.2945)');
  });

  it('turns delivery.mids into delivered receipts and Instagram seen events into read receipts', () => {
    assert.deepEqual(messenger(messengerDeliveryWebhook({ pageId: PAGE, psid: '2417', mids: ['m_1', 'm_2'] })), [
      { type: 'status', providerMessageId: 'm_1', status: 'delivered' },
      { type: 'status', providerMessageId: 'm_2', status: 'delivered' },
    ]);
    assert.deepEqual(instagram(instagramSeenWebhook({ accountId: IG, igsid: 'IGSID_1', mid: 'aWdf_out' })), [
      { type: 'status', providerMessageId: 'aWdf_out', status: 'read' },
    ]);
  });

  it("leaves Messenger's read watermark out: it names a time, not a message", () => {
    const body = messagingWebhook({ object: 'page', accountId: PAGE, senderId: '2417', recipientId: PAGE, event: { read: { watermark: 1458668856253 } } });
    assert.deepEqual(messenger(body), []);
  });

  it('reads a postback as the title of the button the customer tapped', () => {
    const body = messagingWebhook({
      object: 'page',
      accountId: PAGE,
      senderId: '2417',
      recipientId: PAGE,
      timestamp: 1700000000000,
      event: { postback: { mid: 'm_postback', title: 'Talk to an agent', payload: 'AGENT' } },
    });
    assert.deepEqual(messenger(body), [
      { type: 'message', providerMessageId: 'm_postback', from: { externalId: '2417' }, text: 'Talk to an agent', attachments: [], sentAt: '2023-11-14T22:13:20.000Z' },
    ]);
  });

  it('reads every event of every entry, skips standby and deleted messages, and keeps only this Page', () => {
    const one = JSON.parse(messengerTextWebhook({ pageId: PAGE, psid: 'A', text: 'first', mid: 'm_a' }).body).entry[0];
    const two = JSON.parse(messengerTextWebhook({ pageId: PAGE, psid: 'B', text: 'second', mid: 'm_b' }).body).entry[0];
    const other = JSON.parse(messengerTextWebhook({ pageId: '555', psid: 'C', text: 'other page', mid: 'm_c' }).body).entry[0];
    const deleted = { sender: { id: 'A' }, recipient: { id: PAGE }, timestamp: 1, message: { mid: 'm_d', is_deleted: true } };
    const body = encodeLikeMeta({
      object: 'page',
      entry: [
        { ...one, messaging: [...one.messaging, ...two.messaging, deleted] },
        { id: PAGE, time: 1, standby: [{ sender: { id: 'Z' }, recipient: { id: PAGE }, timestamp: 1, message: { mid: 'm_z', text: 'to another app' } }] },
        other,
      ],
    });
    assert.deepEqual(messenger(body, PAGE).map((e) => e.providerMessageId), ['m_a', 'm_b']);
    assert.deepEqual(messenger(body).map((e) => e.providerMessageId), ['m_a', 'm_b', 'm_c']);
  });

  it('reads a generated Instagram message for its account and leaves out other accounts', () => {
    const { body, id } = instagramMessageWebhook({ accountId: IG, igsid: 'IGSID_9', text: 'Ça marche 👍', replyTo: 'aWdf_prev' });
    const [event] = instagram(body, IG);
    assert.ok(event?.type === 'message');
    assert.deepEqual([event.providerMessageId, event.text, event.references], [id, 'Ça marche 👍', ['aWdf_prev']]);
    assert.deepEqual(instagram(body, '17841499999999999'), []);
  });

  it('refuses a body for another product with ChannelPayloadError', () => {
    assert.throws(() => messenger(META_WEBHOOK_SAMPLES.instagramReply.body), ChannelPayloadError);
    assert.throws(() => instagram(META_WEBHOOK_SAMPLES.messengerText.body), ChannelPayloadError);
    assert.throws(() => messenger(META_WEBHOOK_SAMPLES.whatsappText.body), /"whatsapp_business_account".*"page"/);
    assert.throws(() => messenger('{"object":"page","entry":{"id":"1"}}'), ChannelPayloadError);
  });

  it('reads the rest of a batch around an event it cannot read, showing a customer message it cannot read as a placeholder', () => {
    const good = { sender: { id: 'A' }, recipient: { id: PAGE }, timestamp: 1, message: { mid: 'm_ok', text: 'fine' } };
    const odd = { sender: { id: 'B' }, recipient: { id: PAGE }, timestamp: 2, message: { mid: 'm_odd', text: 42, attachments: 'nope' } };
    const junk = { sender: {}, message: { text: 'no mid' } };
    const events = messenger(encodeLikeMeta({ object: 'page', entry: [{ id: PAGE, time: 1, messaging: [odd, junk, good] }] }));
    assert.deepEqual(
      events.map((e) => e.type === 'message' && [e.providerMessageId, e.from.externalId, /could not read/.test(e.text)]),
      [
        ['m_odd', 'B', true],
        ['m_ok', 'A', false],
      ],
    );
  });
});
