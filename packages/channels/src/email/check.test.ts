import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectCheckFailure, startSmtpSink, unreachableUrl, type SmtpSink } from '@casekit/testkit/providers';
import { emailAdapter } from './adapter.ts';
import { emailRuntime } from './internal/fixtures.ts';

describe('email check: logging in to the SMTP relay', () => {
  let sink: SmtpSink;
  before(async () => {
    sink = await startSmtpSink({ user: 'support@acme.example', password: 'relay-pass-1' });
  });
  after(() => sink.close());

  const check = (password: string, port = sink.port) =>
    emailAdapter.check!(emailRuntime({ smtp: { host: '127.0.0.1', port, secure: false, user: 'support@acme.example' } }, { smtpPassword: password }));

  it('passes when the relay takes the login, and sends nothing', async () => {
    assert.deepEqual(await check('relay-pass-1'), {
      ok: true,
      detail: `SMTP relay 127.0.0.1:${sink.port} logged in as support@acme.example; replies go out from support@acme.example.`,
    });
    assert.equal(sink.messages.length, 0);
  });

  it("blames the SMTP password the relay refuses, quoting the relay's reply but not the password", async () => {
    const message = expectCheckFailure(await check('wrong-pass'), 'auth', 'secrets.smtpPassword');
    assert.match(message, /535/);
    assert.ok(!message.includes('wrong-pass'));
  });

  it('says the relay cannot be reached, naming the SMTP settings, worth another try', async () => {
    const port = Number(new URL(await unreachableUrl()).port);
    assert.match(expectCheckFailure(await check('relay-pass-1', port), 'unreachable', 'config.smtp'), new RegExp(`127\\.0\\.0\\.1:${port} could not be reached .*ECONNREFUSED`));
  });
});
