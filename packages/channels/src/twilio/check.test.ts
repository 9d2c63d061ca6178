import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectCheckFailure, startTwilioFake, unreachableUrl, type TwilioFake } from '@casekit/testkit/providers';
import { twilioSms, twilioWhatsApp } from './index.ts';
import { makeRuntime } from './internal/testing.ts';

describe('Twilio check: the Account resource on the fake', () => {
  let fake: TwilioFake;
  const settings = (authToken: string, apiBaseUrl = fake.url) => ({ config: { accountSid: fake.accountSid, from: '+14155552671', apiBaseUrl }, secrets: { authToken } });
  before(async () => {
    fake = await startTwilioFake({ friendlyName: 'Northwind ISP', phoneNumbers: ['+14155552671'] });
  });
  after(() => fake.close());

  it("names the account and the sender, and never repeats the Auth Token Twilio's answer carries", async () => {
    const result = await twilioSms.check!(makeRuntime(twilioSms, settings(fake.authToken)));
    assert.deepEqual(result, { ok: true, detail: `Twilio account “Northwind ISP” (${fake.accountSid}), sending from +14155552671.` });
    const whatsapp = await twilioWhatsApp.check!(makeRuntime(twilioWhatsApp, { config: { accountSid: fake.accountSid, from: '+14155238886', apiBaseUrl: fake.url }, secrets: { authToken: fake.authToken } }));
    assert.match(whatsapp.detail!, /sending from whatsapp:\+14155238886\.$/);
    assert.ok(!JSON.stringify([result, whatsapp]).includes(fake.authToken));
  });

  it("blames the sender when the account has no such number (SMS), and leaves WhatsApp senders and Messaging Services alone", async () => {
    const other = { ...settings(fake.authToken), config: { ...settings(fake.authToken).config, from: '+14155550999' } };
    const result = await twilioSms.check!(makeRuntime(twilioSms, other));
    assert.match(expectCheckFailure(result, 'not_found', 'config.from'), /has no number \+14155550999/);
    assert.match(result.detail!, /Northwind ISP/);
    const service = { ...other, config: { accountSid: fake.accountSid, messagingServiceSid: `MG${'0'.repeat(32)}`, apiBaseUrl: fake.url } };
    assert.equal((await twilioSms.check!(makeRuntime(twilioSms, service))).ok, true);
    assert.equal((await twilioWhatsApp.check!(makeRuntime(twilioWhatsApp, { ...other, config: { ...other.config, from: '+14155238886' } }))).ok, true);
  });

  it('blames the Auth Token when Twilio refuses the credentials', async () => {
    const wrong = 'f'.repeat(32);
    const message = expectCheckFailure(await twilioSms.check!(makeRuntime(twilioSms, settings(wrong))), 'auth', 'secrets.authToken');
    assert.match(message, /error 20003/);
    assert.ok(!message.includes(wrong));
  });

  it('says when the account is suspended, naming it', async () => {
    fake.setAccountStatus('suspended');
    try {
      const result = await twilioSms.check!(makeRuntime(twilioSms, settings(fake.authToken)));
      assert.match(expectCheckFailure(result, 'misconfigured', 'config.accountSid'), /“Northwind ISP” is suspended/);
      assert.match(result.detail!, /Northwind ISP/);
    } finally {
      fake.setAccountStatus('active');
    }
  });

  it('says Twilio cannot be reached, worth another try, when nothing answers at the API base', async () => {
    const message = expectCheckFailure(await twilioSms.check!(makeRuntime(twilioSms, settings(fake.authToken, await unreachableUrl()))), 'unreachable', 'config.apiBaseUrl');
    assert.match(message, /Twilio could not be reached \(.*ECONNREFUSED.*\)/);
  });
});
