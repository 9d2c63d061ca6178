import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChannelConfigError } from '@casekit/core';
import { validateEmailSettings } from './settings.ts';

const smtp = { host: 'smtp.acme.example', port: 587, user: 'help@acme.example' };

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ChannelConfigError) return error.field;
    throw error;
  }
  return undefined;
}

describe('validateEmailSettings', () => {
  it('normalizes the address and defaults secure from the port', () => {
    const { config } = validateEmailSettings({ config: { address: '  Help@ACME.example ', smtp: { host: 'smtp.acme.example', port: '465' }, inbound: 'smtp' }, secrets: {} });
    assert.equal(config.address, 'help@acme.example');
    assert.deepEqual(config.smtp, { host: 'smtp.acme.example', port: 465, secure: true });
    assert.equal(validateEmailSettings({ config: { address: 'a@b.example', smtp: { host: 'h', port: 587 }, inbound: 'smtp' }, secrets: {} }).config.smtp.secure, false);
  });

  it('names the bad field', () => {
    assert.equal(fieldOf(() => validateEmailSettings({ config: { address: 'nope', smtp, inbound: 'smtp' }, secrets: { smtpPassword: 'x' } })), 'config.address');
    assert.equal(fieldOf(() => validateEmailSettings({ config: { address: 'a@b.example', smtp: { ...smtp, port: 70000 }, inbound: 'smtp' }, secrets: { smtpPassword: 'x' } })), 'config.smtp.port');
    assert.equal(fieldOf(() => validateEmailSettings({ config: { address: 'a@b.example', smtp, inbound: 'imap' }, secrets: { smtpPassword: 'x' } })), 'config.inbound');
    assert.equal(fieldOf(() => validateEmailSettings({ config: { address: 'a@b.example', smtp, inbound: 'smtp' }, secrets: {} })), 'secrets.smtpPassword');
  });

  it('asks for the secrets the inbound provider needs', () => {
    const base = { address: 'a@b.example', smtp, inbound: 'mailgun' };
    assert.equal(fieldOf(() => validateEmailSettings({ config: base, secrets: { smtpPassword: 'x' } })), 'secrets.mailgunSigningKey');
    assert.equal(fieldOf(() => validateEmailSettings({ config: { ...base, inbound: 'postmark' }, secrets: { smtpPassword: 'x', inboundUser: 'u' } })), 'secrets.inboundPassword');
    assert.equal(fieldOf(() => validateEmailSettings({ config: { ...base, inbound: 'sendgrid' }, secrets: { smtpPassword: 'x' } })), 'secrets.inboundUser');
    assert.equal(fieldOf(() => validateEmailSettings({ config: { ...base, inbound: 'sendgrid' }, secrets: { smtpPassword: 'x', inboundUser: 'u', inboundPassword: 'p' } })), undefined);
  });
});
