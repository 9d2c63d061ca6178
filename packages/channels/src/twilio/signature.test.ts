import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { postTwilioSms, postTwilioWebhook, signTwilioRequest } from '@casekit/testkit/providers';
import twilio from 'twilio';
import { twilioSms } from './index.ts';
import { readForm, twilioSignature, verifyTwilioSignature } from './internal/signature.ts';
import { formRequest, loadSamples, makeRuntime, startReceiver } from './internal/testing.ts';

const TOKEN = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const ACCOUNT = 'ACa2b0c4d4f7e1a7b2d5e9f9b3c1a2d3e4';
const samples = loadSamples();
const formSamples = samples.filter((s) => s.kind === 'form');
const runtime = makeRuntime(twilioSms, { config: { accountSid: ACCOUNT, from: '+14155552671' }, secrets: { authToken: TOKEN } });

function verify(url: string, params: Record<string, string | readonly string[]>, signature: string | undefined, token = TOKEN) {
  return verifyTwilioSignature({ authToken: token, url, signature, body: formRequest(url, params).body });
}
const official = (url: string, params: Record<string, string | string[]>, token = TOKEN) => twilio.getExpectedTwilioSignature(token, url, params);

describe('Twilio signatures: known answers', () => {
  for (const sample of samples.filter((s) => s.expectedSignature)) {
    it(`${sample.file}: gives Twilio's published signature and accepts it`, () => {
      const params = new Map(Object.entries(sample.params!).map(([k, v]) => [k, [v]]));
      assert.equal(twilioSignature(sample.authToken!, sample.url, params), sample.expectedSignature);
      assert.deepEqual(verify(sample.url, sample.params!, sample.expectedSignature, sample.authToken), { ok: true });
      assert.equal(twilio.validateRequest(sample.authToken!, sample.expectedSignature!, sample.url, sample.params!), true, 'the official library agrees');
      assert.equal(signTwilioRequest(sample.authToken!, sample.url, sample.params!), sample.expectedSignature, 'the fake signs the same');
    });
  }

  it('the two known answers differ only in Caller and From, and one signature does not pass for the other', () => {
    const [a, b] = samples.filter((s) => s.expectedSignature);
    const changed = Object.keys(a!.params!).filter((name) => a!.params![name] !== b!.params![name]);
    assert.deepEqual(changed.sort(), ['Caller', 'From']);
    assert.equal(a!.url, b!.url);
    assert.equal(verify(a!.url, a!.params!, b!.expectedSignature, a!.authToken).ok, false);
  });
});

describe('Twilio signatures: against the official library', () => {
  for (const sample of formSamples) {
    it(`${sample.file}: a signature from twilio-node verifies, ours equals it, the fake's equals it`, () => {
      const signature = official(sample.url, sample.params!);
      assert.deepEqual(verify(sample.url, sample.params!, signature), { ok: true });
      assert.equal(twilioSignature(TOKEN, sample.url, readForm(formRequest(sample.url, sample.params!).body)!), signature);
      assert.equal(signTwilioRequest(TOKEN, sample.url, sample.params!), signature);
    });
  }

  it('repeated parameters: distinct values sorted, name+value each, as twilio-node does', () => {
    const url = 'https://support.example.com/webhooks/ch_1';
    const params = { Body: 'hi', MediaUrl: ['https://b.example/2', 'https://a.example/1', 'https://b.example/2'] };
    const signature = official(url, params);
    assert.deepEqual(verify(url, params, signature), { ok: true });
    assert.equal(signTwilioRequest(TOKEN, url, params), signature);
    assert.equal(twilio.validateRequest(TOKEN, signature, url, params), true);
  });

  it('values with +, &, =, %, spaces, newlines, emoji and empty strings sign the same as twilio-node', () => {
    const url = 'https://support.example.com/webhooks/ch_1?x=a%20b&y=%F0%9F%98%80';
    const params = {
      Body: 'a+b & c=d 100% sure\nline two 🌻 ü',
      Empty: '',
      'Odd Name': 'x',
      Ünïcode: 'ß',
      ZZ: '%20',
    };
    const signature = official(url, params);
    assert.deepEqual(verify(url, params, signature), { ok: true });
    assert.equal(signTwilioRequest(TOKEN, url, params), signature);
  });

  it('a parameter Twilio adds without notice is signed along with the rest', () => {
    const sample = formSamples.find((s) => s.file === 'twilio-sms-inbound.json')!;
    const params = { ...sample.params!, NewFieldTwilioAddedLater: 'value' };
    assert.deepEqual(verify(sample.url, params, official(sample.url, params)), { ok: true });
  });
});

describe('Twilio signatures: what is refused', () => {
  const sample = formSamples.find((s) => s.file === 'twilio-sms-inbound.json')!;
  const signature = official(sample.url, sample.params!);

  it('a tampered parameter', () => {
    const result = verify(sample.url, { ...sample.params!, Body: 'Give me a refund' }, signature);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.status, 403);
    assert.equal(twilio.validateRequest(TOKEN, signature, sample.url, { ...sample.params!, Body: 'Give me a refund' }), false);
  });

  it('an added parameter, and a removed one', () => {
    assert.equal(verify(sample.url, { ...sample.params!, Extra: '1' }, signature).ok, false);
    const { Body: _removed, ...rest } = sample.params!;
    assert.equal(verify(sample.url, rest, signature).ok, false);
  });

  it('a parameter moved from one name to another with the same value', () => {
    const { FromZip, ...rest } = sample.params!;
    assert.equal(verify(sample.url, { ...rest, ToZip2: FromZip! }, signature).ok, false);
  });

  it('a wrong URL: another path, another query, another scheme, another host', () => {
    for (const url of [
      'https://support.example.com/webhooks/twilio/other',
      `${sample.url}?foo=1`,
      sample.url.replace('https:', 'http:'),
      sample.url.replace('support.example.com', 'evil.example.com'),
    ]) {
      const result = verify(url, sample.params!, signature);
      assert.equal(result.ok, false, url);
      assert.match(!result.ok ? result.reason : '', /webhook URL/);
    }
  });

  it('another Auth Token', () => {
    assert.equal(verify(sample.url, sample.params!, official(sample.url, sample.params!, 'ffffffffffffffffffffffffffffffff')).ok, false);
  });

  it('a missing header (401) and an empty one', () => {
    assert.deepEqual(verify(sample.url, sample.params!, undefined), {
      ok: false,
      status: 401,
      reason: 'The request has no X-Twilio-Signature header; only Twilio can call this webhook.',
    });
    assert.equal(verify(sample.url, sample.params!, '').ok, false);
  });

  it('a body that is not UTF-8', () => {
    const result = verifyTwilioSignature({ authToken: TOKEN, url: sample.url, signature, body: new Uint8Array([0x42, 0x6f, 0x64, 0x79, 0x3d, 0xff]) });
    assert.equal(result.ok, false);
  });
});

describe('Twilio signatures: what is accepted', () => {
  const sample = formSamples.find((s) => s.file === 'twilio-whatsapp-inbound-reply.json')!;

  it('the same parameters in another order (Twilio sorts them before signing)', () => {
    const signature = official(sample.url, sample.params!);
    const reversed = Object.fromEntries(Object.entries(sample.params!).reverse());
    assert.notEqual(new TextDecoder().decode(formRequest(sample.url, reversed).body), new TextDecoder().decode(formRequest(sample.url, sample.params!).body));
    assert.deepEqual(verify(sample.url, reversed, signature), { ok: true });
  });

  it('a URL signed with an explicit :443 when the channel URL has none, and the other way round', () => {
    const withPort = sample.url.replace('support.example.com', 'support.example.com:443');
    assert.deepEqual(verify(sample.url, sample.params!, official(withPort, sample.params!)), { ok: true });
    assert.deepEqual(verify(withPort, sample.params!, official(sample.url, sample.params!)), { ok: true });
    assert.equal(twilio.validateRequest(TOKEN, official(withPort, sample.params!), sample.url, sample.params!), true, 'twilio-node accepts it too');
  });

  it('a URL signed with :80 for http, and a non-default port kept or dropped as twilio-node does', () => {
    const http = 'http://support.example.com/webhooks/ch_1?a=1';
    assert.deepEqual(verify(http, sample.params!, official('http://support.example.com:80/webhooks/ch_1?a=1', sample.params!)), { ok: true });
    const custom = 'https://support.example.com:8443/webhooks/ch_1';
    for (const signedUrl of [custom, 'https://support.example.com/webhooks/ch_1']) {
      const signature = official(signedUrl, sample.params!);
      assert.equal(verify(custom, sample.params!, signature).ok, twilio.validateRequest(TOKEN, signature, custom, sample.params!), signedUrl);
    }
    assert.equal(verify(custom, sample.params!, official('https://support.example.com:443/webhooks/ch_1', sample.params!)).ok, false, 'not another port');
  });
});

describe('Twilio signatures: JSON bodies with bodySHA256', () => {
  const sample = samples.find((s) => s.kind === 'json')!;
  const body = new TextEncoder().encode(sample.body!);
  const signature = official(sample.url, {});

  it("the sample's body hash is the published one (and twilio-node's)", () => {
    assert.equal(createHash('sha256').update(body).digest('hex'), sample.expectedBodySha256);
    assert.equal(twilio.getExpectedBodyHash(sample.body!), sample.expectedBodySha256);
  });

  it('a URL signature with no parameters and a matching body verifies, as validateRequestWithBody says', () => {
    assert.deepEqual(verifyTwilioSignature({ authToken: TOKEN, url: sample.url, signature, body }), { ok: true });
    assert.equal(twilio.validateRequestWithBody(TOKEN, signature, sample.url, sample.body!), true);
  });

  it('a changed body is refused although the URL signature holds', () => {
    const tampered = sample.body!.replace('+12349013030', '+12349013031');
    const result = verifyTwilioSignature({ authToken: TOKEN, url: sample.url, signature, body: new TextEncoder().encode(tampered) });
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.reason : '', /bodySHA256/);
    assert.equal(twilio.validateRequestWithBody(TOKEN, signature, sample.url, tampered), false);
  });

  it('a changed bodySHA256 in the URL is refused', () => {
    const url = sample.url.replace(/bodySHA256=[0-9a-f]+/, `bodySHA256=${createHash('sha256').update('{}').digest('hex')}`);
    assert.equal(verifyTwilioSignature({ authToken: TOKEN, url, signature, body: new TextEncoder().encode('{}') }).ok, false);
  });
});

describe('Twilio signatures over loopback', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  before(async () => {
    receiver = await startReceiver(twilioSms, () => ({ config: { accountSid: ACCOUNT, from: '+14155552671' }, secrets: { authToken: TOKEN } }));
  });
  after(() => receiver.close());

  it('a request the fake signs and posts passes the adapter, and one signed for another URL is answered 403', async () => {
    const good = await postTwilioSms({ url: `${receiver.webhookUrl}?source=sms`, authToken: TOKEN, accountSid: ACCOUNT });
    assert.equal(good.response.status, 200);
    assert.equal(receiver.received.at(-1)!.request.url, `${receiver.webhookUrl}?source=sms`, 'the query string that arrived is part of the signed URL');
    const bad = await postTwilioWebhook({ url: receiver.webhookUrl, signedUrl: `${receiver.webhookUrl}/other`, authToken: TOKEN, params: good.params });
    assert.equal(bad.response.status, 403);
    const unsigned = await fetch(receiver.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'MessageSid=SM1' });
    assert.equal(unsigned.status, 401);
  });

  it('the adapter verifies through the runtime: its Auth Token and the request URL', async () => {
    const sample = formSamples.find((s) => s.file === 'twilio-sms-inbound.json')!;
    const request = formRequest(sample.url, sample.params!, official(sample.url, sample.params!));
    assert.deepEqual(await twilioSms.verify(request, runtime), { ok: true });
    const otherToken = makeRuntime(twilioSms, { config: { accountSid: ACCOUNT, from: '+14155552671' }, secrets: { authToken: 'f'.repeat(32) } });
    assert.equal((await twilioSms.verify(request, otherToken)).ok, false);
  });
});
