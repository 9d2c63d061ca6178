import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChannelConfigError } from '@casekit/core';
import { twilioSms, twilioWhatsApp } from './index.ts';

const ACCOUNT = 'ACa2b0c4d4f7e1a7b2d5e9f9b3c1a2d3e4';
const SERVICE = 'MG9752274e9e519418a7406176694466fa';

function configError(run: () => unknown): ChannelConfigError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ChannelConfigError, String(error));
    return error;
  }
  assert.fail('the settings should have been refused');
}

describe('Twilio adapters: kinds and capabilities', () => {
  it('twilio-sms carries SMS: 1600 characters, MMS up to 10 files and 5 MB, no window, delivered receipts, segmented', () => {
    assert.deepEqual([twilioSms.kind, twilioSms.medium], ['twilio-sms', 'sms']);
    assert.deepEqual(twilioSms.capabilities, {
      maxTextLength: 1600,
      attachments: { maxCount: 10, maxTotalBytes: 5 * 1024 * 1024 },
      replyWindowHours: null,
      receipts: { delivered: true, read: false },
      canInitiate: true,
      rich: false,
      segmented: true,
      templates: false,
    });
  });

  it('twilio-whatsapp carries WhatsApp: one file of up to 5 MB, a 24-hour window, read receipts, no first message without a template', () => {
    assert.deepEqual([twilioWhatsApp.kind, twilioWhatsApp.medium], ['twilio-whatsapp', 'whatsapp']);
    assert.deepEqual(twilioWhatsApp.capabilities, {
      maxTextLength: 1600,
      attachments: { maxCount: 1, maxTotalBytes: 5 * 1024 * 1024 },
      replyWindowHours: 24,
      receipts: { delivered: true, read: true },
      canInitiate: false,
      rich: false,
      templates: true,
    });
  });

  it('fields name the settings exactly: accountSid, from, messagingServiceSid, apiBaseUrl (and templates on WhatsApp); authToken secret', () => {
    for (const adapter of [twilioSms, twilioWhatsApp]) {
      assert.deepEqual(
        adapter.fields.config.map((f) => [f.name, f.required]),
        [
          ['accountSid', true],
          ['from', false],
          ['messagingServiceSid', false],
          ['apiBaseUrl', false],
          ...(adapter === twilioWhatsApp ? [['templates', false]] : []),
        ],
      );
      assert.deepEqual(adapter.fields.secrets.map((f) => [f.name, f.required]), [['authToken', true]]);
    }
  });
});

describe('Twilio adapters: settings', () => {
  it('a number, trimmed; the API base defaults to api.twilio.com', () => {
    assert.deepEqual(twilioSms.validate({ config: { accountSid: ` ${ACCOUNT} `, from: '+14155552671' }, secrets: { authToken: 'abc' } }), {
      config: { accountSid: ACCOUNT, from: '+14155552671', apiBaseUrl: 'https://api.twilio.com' },
      secrets: { authToken: 'abc' },
    });
  });

  it('a Messaging Service instead of a number, and an API base without its trailing slash', () => {
    const { config } = twilioSms.validate({ config: { accountSid: ACCOUNT, messagingServiceSid: SERVICE, apiBaseUrl: 'http://127.0.0.1:9999/' }, secrets: { authToken: 'abc' } });
    assert.deepEqual(config, { accountSid: ACCOUNT, messagingServiceSid: SERVICE, apiBaseUrl: 'http://127.0.0.1:9999' });
  });

  it('WhatsApp: the sender is whatsapp:+E.164; a bare number gets the prefix', () => {
    const validate = (from: string) => twilioWhatsApp.validate({ config: { accountSid: ACCOUNT, from }, secrets: { authToken: 'abc' } }).config.from;
    assert.equal(validate('whatsapp:+14155238886'), 'whatsapp:+14155238886');
    assert.equal(validate('+14155238886'), 'whatsapp:+14155238886');
  });

  it('each mistake names its field and says what is expected', () => {
    const cases: [typeof twilioSms, Record<string, unknown>, Record<string, unknown>, string, RegExp][] = [
      [twilioSms, { from: '+14155552671' }, { authToken: 'abc' }, 'config.accountSid', /Account SID/],
      [twilioSms, { accountSid: 'AC123', from: '+14155552671' }, { authToken: 'abc' }, 'config.accountSid', /32 hexadecimal/],
      [twilioSms, { accountSid: ACCOUNT }, { authToken: 'abc' }, 'config.from', /messagingServiceSid/],
      [twilioSms, { accountSid: ACCOUNT, from: '' }, { authToken: 'abc' }, 'config.from', /messagingServiceSid/],
      [twilioSms, { accountSid: ACCOUNT, from: '555-0100' }, { authToken: 'abc' }, 'config.from', /E\.164/],
      [twilioWhatsApp, { accountSid: ACCOUNT, from: 'whatsapp:hello' }, { authToken: 'abc' }, 'config.from', /whatsapp:\+E\.164/],
      [twilioSms, { accountSid: ACCOUNT, messagingServiceSid: 'MGxyz' }, { authToken: 'abc' }, 'config.messagingServiceSid', /Messaging Service SID/],
      [twilioSms, { accountSid: ACCOUNT, from: '+14155552671', apiBaseUrl: 'ftp://x' }, { authToken: 'abc' }, 'config.apiBaseUrl', /http/],
      [twilioSms, { accountSid: ACCOUNT, from: '+14155552671' }, {}, 'secrets.authToken', /Auth Token/],
      [twilioSms, { accountSid: ACCOUNT, from: '+14155552671' }, { authToken: '  ' }, 'secrets.authToken', /Auth Token/],
    ];
    for (const [adapter, config, secrets, field, message] of cases) {
      const error = configError(() => adapter.validate({ config, secrets }));
      assert.equal(error.field, field, JSON.stringify(config));
      assert.match(error.message, message, error.message);
    }
  });
});
