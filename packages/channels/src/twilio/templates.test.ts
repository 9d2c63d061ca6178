import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ChannelConfigError, type OutboundMessage } from '@casekit/core';
import { makeConversation, makeMessage } from '@casekit/testkit';
import { startTwilioFake, type TwilioFake, expectDeliveryError } from '@casekit/testkit/providers';
import { twilioSms, twilioWhatsApp } from './index.ts';
import { makeRuntime, type TwilioRuntime } from './internal/testing.ts';

const WEBHOOK = 'https://support.example.com/webhooks/ch_twilio';
const ACCOUNT = 'ACa2b0c4d4f7e1a7b2d5e9f9b3c1a2d3e4';

function outbound(text: string, template?: { name: string; language: string; variables: string[] }): OutboundMessage {
  return {
    message: makeMessage({ channelKind: 'whatsapp', direction: 'outbound', authorKind: 'agent', text, status: 'queued', ...(template && { template }) }),
    conversation: makeConversation(),
    to: { externalId: '+16505551234', phone: '+16505551234' },
    lastInbound: null,
  };
}

describe('Twilio WhatsApp templates', () => {
  it('validates config.templates: a Content SID for each, and only on WhatsApp', () => {
    const base = { accountSid: ACCOUNT, from: 'whatsapp:+14155238886' };
    const template = { name: 'order_update', language: 'en', body: 'Hi {{1}}', contentSid: 'HX0123456789abcdef0123456789abcdef' };
    const field = (adapter: typeof twilioWhatsApp, templates: unknown) => {
      try {
        adapter.validate({ config: { ...base, templates }, secrets: { authToken: 'token' } });
      } catch (error) {
        assert.ok(error instanceof ChannelConfigError);
        return error.field;
      }
      return null;
    };
    assert.equal(field(twilioWhatsApp, [template]), null);
    const { contentSid: _missing, ...withoutSid } = template;
    assert.equal(field(twilioWhatsApp, [withoutSid]), 'config.templates[0].contentSid');
    assert.equal(field(twilioWhatsApp, [template, { ...template, name: 'other', contentSid: 'HX12' }]), 'config.templates[1].contentSid');
    assert.equal(field(twilioSms, [template]), 'config.templates');
  });

  describe('send against the fake', () => {
    let fake: TwilioFake;
    let wa: TwilioRuntime;
    let contentSid: string;
    const ref = (variables: string[]) => ({ name: 'order_update', language: 'en', variables });
    before(async () => {
      fake = await startTwilioFake();
      contentSid = fake.addTemplate('Hi {{1}}, your order {{2}} has shipped.');
      const templates = [{ name: 'order_update', language: 'en', body: 'Hi {{1}}, your order {{2}} has shipped.', contentSid }];
      wa = makeRuntime(twilioWhatsApp, { config: { accountSid: fake.accountSid, from: 'whatsapp:+14155238886', apiBaseUrl: fake.url, templates }, secrets: { authToken: fake.authToken } }, WEBHOOK);
    });
    after(() => fake.close());
    beforeEach(() => fake.failPermanently(null));

    it('sends ContentSid and ContentVariables without a Body, and goes out where free text answers 63016', async () => {
      fake.customerWrote('+16505551234', new Date(Date.now() - 25 * 3_600_000));
      const late = await expectDeliveryError(twilioWhatsApp.send(outbound('It shipped'), wa));
      assert.equal(late.code, 'window_closed');
      const result = await twilioWhatsApp.send(outbound('Hi Dana, your order #4411 has shipped.', ref(['Dana', '#4411'])), wa);
      const sent = fake.sent.at(-1)!;
      assert.equal(sent.sid, result.providerMessageId);
      assert.deepEqual(sent.params, [
        ['To', 'whatsapp:+16505551234'],
        ['From', 'whatsapp:+14155238886'],
        ['ContentSid', contentSid],
        ['ContentVariables', '{"1":"Dana","2":"#4411"}'],
        ['StatusCallback', WEBHOOK],
      ]);
      assert.equal(sent.body, 'Hi Dana, your order #4411 has shipped.', 'Twilio renders the approved text');
    });

    it('fails for good when Twilio refuses the variables, or the channel no longer lists the template', async () => {
      const missing = await expectDeliveryError(twilioWhatsApp.send(outbound('x', ref(['Dana'])), wa));
      assert.deepEqual([missing.code, missing.retryable], ['21656', false]);
      const gone = await expectDeliveryError(twilioWhatsApp.send(outbound('x', { ...ref([]), name: 'renamed' }), wa));
      assert.deepEqual([gone.code, gone.retryable], ['template_missing', false]);
      const stale = makeRuntime(
        twilioWhatsApp,
        { config: { accountSid: fake.accountSid, from: 'whatsapp:+14155238886', apiBaseUrl: fake.url, templates: [{ name: 'order_update', language: 'en', body: 'Hi {{1}} {{2}}', contentSid: 'HX0123456789abcdef0123456789abcdef' }] }, secrets: { authToken: fake.authToken } },
        WEBHOOK,
      );
      const unknown = await expectDeliveryError(twilioWhatsApp.send(outbound('x', ref(['a', 'b'])), stale));
      assert.equal(unknown.code, '21655');
    });
  });
});
