import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAutomated } from './automated.ts';

const plain = { from: 'dana@example.com', subject: 'My router', headers: new Map<string, string>() };

describe('isAutomated', () => {
  it('is false for a person writing', () => {
    assert.equal(isAutomated(plain), false);
    assert.equal(isAutomated({ ...plain, headers: new Map([['auto-submitted', 'no']]) }), false);
    assert.equal(isAutomated({ ...plain, headers: new Map([['precedence', 'list']]) }), false);
    assert.equal(isAutomated({ ...plain, subject: 'Re: Out of stock item' }), false);
  });

  it('flags automation headers', () => {
    for (const [name, value] of [
      ['auto-submitted', 'auto-replied'],
      ['auto-submitted', 'auto-generated'],
      ['x-autoreply', 'yes'],
      ['x-autorespond', 'Out of office'],
      ['precedence', 'bulk'],
      ['precedence', 'junk'],
      ['precedence', 'auto_reply'],
      ['return-path', '<>'],
    ] as const) {
      assert.equal(isAutomated({ ...plain, headers: new Map([[name, value]]) }), true, `${name}: ${value}`);
    }
  });

  it('flags delivery and read reports, bounce senders and null envelope senders', () => {
    assert.equal(isAutomated({ ...plain, contentType: 'multipart/report', reportType: 'delivery-status' }), true);
    assert.equal(isAutomated({ ...plain, contentType: 'multipart/report', reportType: 'disposition-notification' }), true);
    assert.equal(isAutomated({ ...plain, from: 'MAILER-DAEMON@mx.example.com'.toLowerCase() }), true);
    assert.equal(isAutomated({ ...plain, from: 'postmaster@example.com' }), true);
    assert.equal(isAutomated({ ...plain, envelopeFrom: '' }), true);
  });

  it('flags out-of-office and undeliverable subjects', () => {
    for (const subject of ['Automatic reply: My router', 'Out of Office: back Monday', 'Undeliverable: My router', 'Abwesenheitsnotiz: Router', 'Réponse automatique : routeur', 'Delivery Status Notification (Failure)']) {
      assert.equal(isAutomated({ ...plain, subject }), true, subject);
    }
  });
});
