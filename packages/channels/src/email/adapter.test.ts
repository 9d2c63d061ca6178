import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { postMailgunInbound } from '@casekit/testkit/providers';
import { emailAdapter } from './adapter.ts';
import { emailRuntime, startWebhookEndpoint } from './internal/fixtures.ts';

describe('emailAdapter', () => {
  it('describes an email channel', () => {
    assert.equal(emailAdapter.kind, 'email');
    assert.equal(emailAdapter.medium, 'email');
    assert.deepEqual(emailAdapter.capabilities, {
      maxTextLength: 100_000,
      attachments: { maxCount: 20, maxTotalBytes: 10 * 1024 * 1024 },
      replyWindowHours: null,
      receipts: { delivered: false, read: false },
      canInitiate: true,
      rich: true,
      templates: false,
    });
    assert.deepEqual(
      emailAdapter.fields.config.map((field) => field.name),
      ['address', 'smtp', 'inbound', 'fromName'],
    );
    assert.equal(emailAdapter.handshake, undefined);
  });

  it('refuses webhooks on a channel that receives over SMTP, whatever they carry', async () => {
    const endpoint = await startWebhookEndpoint(emailAdapter, emailRuntime({ inbound: 'smtp' }, { mailgunSigningKey: 'k' }));
    try {
      const response = await postMailgunInbound(endpoint.url, 'k', { from: { email: 'a@b.example' }, to: ['support@acme.example'], subject: 'x', text: 'x' });
      assert.equal(response.status, 403);
      assert.match(await response.text(), /over SMTP/);
      assert.equal(endpoint.events.length, 0);
    } finally {
      await endpoint.close();
    }
  });
});
