import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ChannelConfigError, type OutboundMessage } from '@casekit/core';
import { startMetaGraphFake, type MetaGraphFake, expectDeliveryError } from '@casekit/testkit/providers';
import { testOutbound, testRuntime } from './internal/test-support.ts';
import { createWhatsAppCloudAdapter, whatsappCloud, type WhatsAppCloudConfig, type WhatsAppCloudSecrets } from './whatsapp-cloud.ts';

const CUSTOMER = '16505551234';
const secrets: WhatsAppCloudSecrets = { appSecret: 'c0ffee00c0ffee00c0ffee00c0ffee00', accessToken: 'EAAJtoken', verifyToken: 'casekit-verify-7d1f' };
const ORDER = { name: 'order_update', language: 'en_US', body: 'Hi {{1}}, your order {{2}} has shipped.' };

function asTemplate(outbound: OutboundMessage, name: string, language: string, variables: string[]): OutboundMessage {
  return { ...outbound, message: { ...outbound.message, template: { name, language, variables } } };
}

describe('whatsappCloud templates', () => {
  it('validates config.templates, naming the entry and field that is wrong', () => {
    const field = (templates: unknown) => {
      try {
        whatsappCloud.validate({ config: { phoneNumberId: '1', templates }, secrets });
      } catch (error) {
        assert.ok(error instanceof ChannelConfigError);
        return error.field;
      }
      return null;
    };
    assert.equal(field([ORDER]), null);
    assert.equal(field([{ ...ORDER, name: 'Order Update' }]), 'config.templates[0].name');
    assert.equal(field([ORDER, { ...ORDER, language: 'english' }]), 'config.templates[1].language');
    assert.equal(field([{ ...ORDER, body: 'Hi {{2}}' }]), 'config.templates[0].body');
    assert.equal(field([ORDER, ORDER]), 'config.templates[1].name');
    assert.equal(field([{ ...ORDER, contentSid: 'HX0123456789abcdef0123456789abcdef' }]), 'config.templates[0]', 'a Content SID is Twilio\'s, not Meta\'s');
    assert.equal(field('order_update'), 'config.templates');
  });

  describe('send against the fake', () => {
    let graph: MetaGraphFake;
    const adapter = createWhatsAppCloudAdapter({ timeoutMs: 10_000 });
    const runtime = () =>
      testRuntime<WhatsAppCloudConfig, WhatsAppCloudSecrets>('whatsapp-cloud', { phoneNumberId: graph.phoneNumberId, apiBaseUrl: graph.url, templates: [ORDER] }, { ...secrets, accessToken: graph.accessToken });
    before(async () => {
      graph = await startMetaGraphFake();
      graph.addTemplate(ORDER);
    });
    after(() => graph.close());
    beforeEach(() => {
      graph.sent.length = 0;
    });

    it('sends a template as type template, its variables as the body\'s text parameters, even outside the window', async () => {
      graph.customerWrote(CUSTOMER, new Date(Date.now() - 25 * 3_600_000));
      const text = testOutbound('whatsapp', CUSTOMER, 'It shipped');
      const refused = await expectDeliveryError(adapter.send(text, runtime()));
      assert.equal(refused.code, 'window_closed', 'free text after 24 hours is error 131047');
      const result = await adapter.send(asTemplate(text, 'order_update', 'en_US', ['Dana', '#4411']), runtime());
      assert.equal(graph.sent.at(-1)!.id, result.providerMessageId);
      assert.deepEqual(graph.sent.at(-1)!.body, {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: CUSTOMER,
        type: 'template',
        template: {
          name: 'order_update',
          language: { code: 'en_US' },
          components: [{ type: 'body', parameters: [{ type: 'text', text: 'Dana' }, { type: 'text', text: '#4411' }] }],
        },
      });
    });

    it('fails for good when Meta refuses the template, or the channel no longer lists it', async () => {
      const text = testOutbound('whatsapp', CUSTOMER, 'x');
      const count = await expectDeliveryError(adapter.send(asTemplate(text, 'order_update', 'en_US', ['Dana']), runtime()));
      assert.equal(count.retryable, false);
      assert.match(count.message, /132000.*expected number of params \(2\)/);
      const gone = await expectDeliveryError(adapter.send(asTemplate(text, 'renamed', 'en_US', []), runtime()));
      assert.deepEqual([gone.code, gone.retryable], ['template_missing', false]);
      const unapproved = testRuntime<WhatsAppCloudConfig, WhatsAppCloudSecrets>(
        'whatsapp-cloud',
        { phoneNumberId: graph.phoneNumberId, apiBaseUrl: graph.url, templates: [{ ...ORDER, language: 'de' }] },
        { ...secrets, accessToken: graph.accessToken },
      );
      const language = await expectDeliveryError(adapter.send(asTemplate(text, 'order_update', 'de', ['a', 'b']), unapproved));
      assert.match(language.message, /132001.*does not exist in de/);
      assert.equal(graph.sent.length, 0);
    });
  });
});
