import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { whatsappCloud } from '@casekit/channels/meta';
import { twilioSms, twilioWhatsApp } from '@casekit/channels/twilio';
import {
  postMetaWebhook,
  postTwilioWhatsApp,
  startMetaGraphFake,
  startTwilioFake,
  whatsAppStatusWebhook,
  whatsAppTextWebhook,
  type MetaGraphFake,
  type TwilioFake,
} from '@casekit/testkit/providers';
import type { CaseDetail } from '@casekit/protocol';
import { createChannel, messagesOn, waitForMessage } from './internal/channel-testing.ts';
import { startTestServer, type TestServer } from './internal/testing.ts';

const DAY_MS = 24 * 3_600_000;

// Templates past WhatsApp's 24 hours, and replies on another of the customer's channels, end to end
// over loopback: the real server and SQLite file, Twilio faked.
describe('WhatsApp templates and replies on any channel, over HTTP', () => {
  let t: TestServer;
  let twilio: TwilioFake;
  let whatsapp: { id: string; webhookUrl: string };
  let sms: { id: string; webhookUrl: string };
  let contentSid: string;
  // The server's clock runs this far from the real one: the customer's message is made a day old.
  let offset = 0;
  const customer = '+16505551234';
  const body = 'Hi {{1}}, your repair {{2}} is done. Reply to talk to us.';

  before(async () => {
    twilio = await startTwilioFake();
    contentSid = twilio.addTemplate(body);
    t = await startTestServer({
      channels: { adapters: [twilioSms, twilioWhatsApp] },
      outbox: { intervalMs: 10, backoffMs: () => 30 },
      clock: { now: () => new Date(Date.now() + offset) },
    });
    const account = { accountSid: twilio.accountSid, apiBaseUrl: twilio.url };
    whatsapp = await createChannel(t, {
      kind: 'twilio-whatsapp',
      name: 'WhatsApp',
      config: { ...account, from: 'whatsapp:+14155238886', templates: [{ name: 'repair_done', language: 'en', body, contentSid }] },
      secrets: { authToken: twilio.authToken },
    });
    sms = await createChannel(t, { kind: 'twilio-sms', name: 'SMS', config: { ...account, from: '+14155550100' }, secrets: { authToken: twilio.authToken } });
  });
  after(async () => {
    await t?.close();
    await twilio?.close();
  });

  const caseOf = async (caseId: string) => (await t.request('GET', `/api/v1/cases/${caseId}`, { token: t.tokens.agent })).body as CaseDetail;
  const reply = (caseId: string, payload: object) => t.request('POST', `/api/v1/cases/${caseId}/messages`, { token: t.tokens.agent, body: payload });

  it('refuses a template without its Content SID when an admin lists it, naming the field', async () => {
    const bad = await t.request('POST', '/api/v1/channels', {
      token: t.tokens.admin,
      body: { kind: 'twilio-whatsapp', name: 'x', config: { accountSid: twilio.accountSid, from: 'whatsapp:+14155238886', templates: [{ name: 'repair_done', language: 'en', body }] }, secrets: { authToken: 'x' } },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details.issues[0].path, 'body.config.templates[0].contentSid');
  });

  it('answers free text past the 24 hours with 409 and the templates, then sends the template through Twilio and follows its status', async () => {
    offset = -DAY_MS - 3_600_000;
    twilio.customerWrote(customer, new Date(Date.now() + offset));
    const inbound = await postTwilioWhatsApp({ url: whatsapp.webhookUrl, authToken: twilio.authToken, accountSid: twilio.accountSid, from: customer, to: '+14155238886', body: 'Is my router fixed?' });
    assert.equal(inbound.response.status, 200);
    offset = 0;
    const [message] = await messagesOn(t, whatsapp.id);
    const caseId = message!.caseId;

    const detail = await caseOf(caseId);
    const onWhatsApp = detail.replyChannels.find((c) => c.channelId === whatsapp.id)!;
    assert.equal(onWhatsApp.freeForm, false);
    assert.deepEqual(onWhatsApp.templates, [{ name: 'repair_done', language: 'en', body }]);

    const late = await reply(caseId, { text: 'Yes, it is fixed.' });
    assert.equal(late.status, 409);
    assert.equal(late.body.error.code, 'reply_window_closed');
    assert.deepEqual(late.body.error.details.templates, ['repair_done']);

    const wrong = await reply(caseId, { template: { name: 'repair_done', variables: ['Sheena'] } });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.details.issues[0].path, 'body.template.variables');
    const both = await reply(caseId, { text: 'x', template: { name: 'repair_done' } });
    assert.equal(both.status, 400);

    const sentCount = twilio.sent.length;
    const template = await reply(caseId, { template: { name: 'repair_done', variables: ['Sheena', '#118'] } });
    assert.equal(template.status, 201, template.text);
    assert.equal(template.body.text, 'Hi Sheena, your repair #118 is done. Reply to talk to us.');
    assert.deepEqual(template.body.template, { name: 'repair_done', language: 'en', variables: ['Sheena', '#118'] });
    const sent = await waitForMessage(t, template.body.id, (m) => m.status === 'sent');
    assert.equal(twilio.sent.length, sentCount + 1, 'only the template reached Twilio');
    const out = twilio.sent.at(-1)!;
    assert.deepEqual([out.to, out.contentSid, out.contentVariables], [`whatsapp:${customer}`, contentSid, { '1': 'Sheena', '2': '#118' }]);
    assert.ok(!out.params.some(([name]) => name === 'Body'), 'a template goes without a Body');
    assert.equal(sent.providerMessageId, out.sid);
    assert.equal((await twilio.sendStatus(out.sid, 'delivered')).response.status, 200);
    await waitForMessage(t, template.body.id, (m) => m.status === 'delivered');
  });

  it('answers the WhatsApp customer by SMS: the case lists the channel and the reply starts a conversation there', async () => {
    const [message] = await messagesOn(t, whatsapp.id);
    const caseId = message!.caseId;
    const before = await caseOf(caseId);
    const onSms = before.replyChannels.find((c) => c.channelId === sms.id);
    assert.ok(onSms, 'an SMS channel reaches a customer whose number is known');
    assert.deepEqual([onSms.conversationId, onSms.freeForm, onSms.address, onSms.capabilities?.canInitiate], [null, true, customer, true]);

    const answer = await reply(caseId, { channelId: sms.id, text: 'Your router is fixed; reply here if not.' });
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.body.channelKind, 'sms');
    await waitForMessage(t, answer.body.id, (m) => m.status === 'sent');
    const out = twilio.sent.at(-1)!;
    assert.deepEqual([out.to, out.from, out.body], [customer, '+14155550100', 'Your router is fixed; reply here if not.']);

    const after = await caseOf(caseId);
    assert.equal(after.conversations.length, 2);
    assert.equal(after.replyChannels.find((c) => c.channelId === sms.id)!.conversationId, answer.body.conversationId);
    assert.deepEqual(after.case.channels, ['whatsapp', 'sms']);
  });

  it('answers 422 when the customer has no address on the channel, and 404 for a channel that does not exist, storing nothing', async () => {
    const [message] = await messagesOn(t, whatsapp.id);
    const web = await createChannel(t, { kind: 'webchat', name: 'Site chat' });
    const seq = await t.lastSeq();
    const unreachable = await reply(message!.caseId, { channelId: web.id, text: 'hello' });
    assert.equal(unreachable.status, 422);
    assert.equal(unreachable.body.error.code, 'unreachable_customer');
    const missing = await reply(message!.caseId, { channelId: 'ch_nowhere', text: 'hello' });
    assert.equal(missing.status, 404);
    const twice = await reply(message!.caseId, { channelId: sms.id, conversationId: message!.conversationId, text: 'hello' });
    assert.equal(twice.status, 400);
    assert.equal(await t.lastSeq(), seq);
  });
});

describe('WhatsApp Cloud templates over HTTP', () => {
  let t: TestServer;
  let graph: MetaGraphFake;
  let wa: { id: string; webhookUrl: string };
  let offset = 0;
  const appSecret = 'meta-app-secret-0123456789';
  const customer = '14155550177';
  const template = { name: 'appointment_reminder', language: 'en_US', body: 'Hi {{1}}, a technician visits you on {{2}}.' };

  before(async () => {
    graph = await startMetaGraphFake();
    graph.addTemplate(template);
    t = await startTestServer({ channels: { adapters: [whatsappCloud] }, outbox: { intervalMs: 10, backoffMs: () => 30 }, clock: { now: () => new Date(Date.now() + offset) } });
    wa = await createChannel(t, {
      kind: 'whatsapp-cloud',
      name: 'WhatsApp',
      config: { phoneNumberId: graph.phoneNumberId, apiBaseUrl: graph.url, templates: [template] },
      secrets: { appSecret, accessToken: graph.accessToken, verifyToken: 'verify' },
    });
  });
  after(async () => {
    await t?.close();
    await graph?.close();
  });

  it('refuses free text a day after the customer wrote, sends the template as type template, and follows its statuses', async () => {
    offset = -DAY_MS - 60_000;
    graph.customerWrote(customer, new Date(Date.now() + offset));
    const hook = whatsAppTextWebhook({ phoneNumberId: graph.phoneNumberId, from: customer, name: 'Lee', text: 'When does the technician come?' });
    assert.equal((await postMetaWebhook(wa.webhookUrl, hook.body, { appSecret })).status, 200);
    offset = 0;
    const [inbound] = await messagesOn(t, wa.id);
    const caseId = inbound!.caseId;

    const late = await t.request('POST', `/api/v1/cases/${caseId}/messages`, { token: t.tokens.agent, body: { text: 'Tomorrow at 9' } });
    assert.deepEqual([late.status, late.body.error.code, late.body.error.details.templates], [409, 'reply_window_closed', ['appointment_reminder']]);

    const sent = await t.request('POST', `/api/v1/cases/${caseId}/messages`, {
      token: t.tokens.agent,
      body: { template: { name: 'appointment_reminder', variables: ['Lee', 'Friday 9:00'] } },
    });
    assert.equal(sent.status, 201, sent.text);
    assert.equal(sent.body.text, 'Hi Lee, a technician visits you on Friday 9:00.');
    const stored = await waitForMessage(t, sent.body.id, (m) => m.status === 'sent');
    const out = graph.sent.at(-1)!;
    assert.equal(out.id, stored.providerMessageId);
    assert.deepEqual(out.body.template, {
      name: 'appointment_reminder',
      language: { code: 'en_US' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'Lee' }, { type: 'text', text: 'Friday 9:00' }] }],
    });
    const delivered = whatsAppStatusWebhook({ phoneNumberId: graph.phoneNumberId, id: out.id, status: 'delivered', recipientId: customer });
    assert.equal((await postMetaWebhook(wa.webhookUrl, delivered.body, { appSecret })).status, 200);
    await waitForMessage(t, sent.body.id, (m) => m.status === 'delivered');
  });
});
