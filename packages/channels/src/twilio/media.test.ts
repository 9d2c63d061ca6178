import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { InboundMessageEvent } from '@casekit/core';
import { expectDeliveryError, postTwilioMms, startTwilioFake, type TwilioFake } from '@casekit/testkit/providers';
import { twilioSms, twilioWhatsApp } from './index.ts';
import { makeRuntime, startReceiver, type TwilioRuntime } from './internal/testing.ts';

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9]);

/** A loopback server that keeps every request it gets. */
async function startServer(handler: RequestListener = (_req, res) => res.writeHead(200).end('ok')) {
  const seen: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Node's fetch, counting the calls. */
function countingFetch(): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  return { calls, fetch: (input, init) => (calls.push(String(input)), fetch(input, init)) };
}

describe('Twilio media: fetchAttachment against the fake', () => {
  let fake: TwilioFake;
  let sms: TwilioRuntime;
  const settings = (authToken: string, apiBaseUrl = fake.url) => ({ config: { accountSid: fake.accountSid, from: '+14155552671', apiBaseUrl }, secrets: { authToken } });
  before(async () => {
    fake = await startTwilioFake();
    sms = makeRuntime(twilioSms, settings(fake.authToken));
  });
  after(() => fake.close());

  it('an MMS photo: the MediaUrl the webhook carried gives back its bytes and content type', async () => {
    const receiver = await startReceiver(twilioSms, () => settings(fake.authToken));
    try {
      const mediaUrl = fake.addMedia('image/jpeg', JPEG);
      await postTwilioMms({ url: receiver.webhookUrl, authToken: fake.authToken, accountSid: fake.accountSid, media: [{ url: mediaUrl, contentType: 'image/jpeg' }] });
      const event = receiver.received.at(-1)!.parsed!.events[0] as InboundMessageEvent;
      const url = event.attachments[0]!.url!;
      assert.equal(url, mediaUrl);
      const file = await twilioSms.fetchAttachment!(url, sms);
      assert.deepEqual(file, { bytes: JPEG, contentType: 'image/jpeg' });
    } finally {
      await receiver.close();
    }
  });

  it('WhatsApp through Twilio fetches the same way (a PDF)', async () => {
    const pdf = new TextEncoder().encode('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF');
    const wa = makeRuntime(twilioWhatsApp, { config: { accountSid: fake.accountSid, from: 'whatsapp:+14155238886', apiBaseUrl: fake.url }, secrets: { authToken: fake.authToken } });
    const file = await twilioWhatsApp.fetchAttachment!(fake.addMedia('application/pdf', pdf), wa);
    assert.deepEqual(file, { bytes: pdf, contentType: 'application/pdf' });
  });

  it('a wrong Auth Token is permanent (auth) and says what to check', async () => {
    const error = await expectDeliveryError(twilioSms.fetchAttachment!(fake.addMedia('image/jpeg', JPEG), makeRuntime(twilioSms, settings('wrong-token'))));
    assert.deepEqual([error.retryable, error.code], [false, 'auth']);
    assert.match(error.message, /HTTP 401: error 20003 Authenticate\). Check config\.accountSid and secrets\.authToken/);
  });

  it('media Twilio does not have (deleted, or another message\'s) is permanent not_found', async () => {
    const known = fake.addMedia('image/jpeg', JPEG);
    const unknown = known.replace(/ME[0-9a-f]{32}$/, `ME${'0'.repeat(32)}`);
    const error = await expectDeliveryError(twilioSms.fetchAttachment!(unknown, sms));
    assert.deepEqual([error.retryable, error.code], [false, 'not_found']);
    assert.match(error.message, /error 20404/);
    const otherMessage = known.replace(/MM[0-9a-f]{32}/, `MM${'1'.repeat(32)}`);
    assert.equal((await expectDeliveryError(twilioSms.fetchAttachment!(otherMessage, sms))).code, 'not_found');
  });

  it('a 500 or 429 from Twilio is retryable, and the next try gets the file', async () => {
    const url = fake.addMedia('image/png', JPEG);
    fake.failDownloadsNext(1, 500);
    const down = await expectDeliveryError(twilioSms.fetchAttachment!(url, sms));
    assert.deepEqual([down.retryable, down.code], [true, 'http_500']);
    assert.match(down.message, /error 20500/);
    fake.failDownloadsNext(1, 429);
    const limited = await expectDeliveryError(twilioSms.fetchAttachment!(url, sms));
    assert.deepEqual([limited.retryable, limited.code], [true, 'rate_limited']);
    assert.equal((await twilioSms.fetchAttachment!(url, sms)).contentType, 'image/png');
  });

  it('Twilio down altogether is retryable (network)', async () => {
    const closed = await startServer();
    await closed.close();
    const runtime = makeRuntime(twilioSms, settings(fake.authToken, closed.url));
    const error = await expectDeliveryError(twilioSms.fetchAttachment!(`${closed.url}/2010-04-01/Accounts/${fake.accountSid}/Messages/MM1/Media/ME1`, runtime));
    assert.deepEqual([error.retryable, error.code], [true, 'network']);
  });
});

describe('Twilio media: the credentials go to Twilio only', () => {
  let fake: TwilioFake;
  let elsewhere: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    fake = await startTwilioFake();
    elsewhere = await startServer();
  });
  after(async () => {
    await fake.close();
    await elsewhere.close();
  });

  it('a MediaUrl on another host (here another local port) is refused and nothing is sent there', async () => {
    const { fetch: counting, calls } = countingFetch();
    const runtime = makeRuntime(twilioSms, { config: { accountSid: fake.accountSid, from: '+14155552671', apiBaseUrl: fake.url }, secrets: { authToken: fake.authToken } }, undefined, counting);
    const path = new URL(fake.addMedia('image/jpeg', JPEG)).pathname;
    const error = await expectDeliveryError(twilioSms.fetchAttachment!(`${elsewhere.url}${path}`, runtime));
    assert.deepEqual([error.retryable, error.code], [false, 'untrusted_host']);
    assert.match(error.message, new RegExp(`on ${new URL(elsewhere.url).host}, which is neither Twilio`));
    assert.deepEqual([elsewhere.seen.length, calls.length], [0, 0]);
  });

  it('look-alike hosts, plain http to Twilio, other ports and URLs with credentials are refused before any request', async () => {
    const { fetch: counting, calls } = countingFetch();
    const runtime = makeRuntime(twilioSms, { config: { accountSid: fake.accountSid, from: '+14155552671' }, secrets: { authToken: fake.authToken } }, undefined, counting);
    const media = `/2010-04-01/Accounts/${fake.accountSid}/Messages/MM${'a'.repeat(32)}/Media/ME${'b'.repeat(32)}`;
    for (const url of [
      `https://api.twilio.com.attacker.example${media}`,
      `https://eviltwilio.com${media}`,
      `https://twiliocdn.com.attacker.example${media}`,
      `http://api.twilio.com${media}`,
      `https://api.twilio.com:8443${media}`,
      `https://user:pass@api.twilio.com${media}`,
      `file:///etc/passwd`,
      'not a url',
    ]) {
      const error = await expectDeliveryError(twilioSms.fetchAttachment!(url, runtime));
      assert.equal(error.retryable, false, url);
      assert.match(error.code, /^(untrusted_host|invalid_url)$/, url);
    }
    assert.deepEqual(calls, []);
  });

  it("Twilio's own hosts are trusted with the credentials (api.twilio.com, regional *.twilio.com, *.twiliocdn.com)", async () => {
    const seen: { url: string; authorization: string | null }[] = [];
    const recording: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') });
      return new Response(JPEG, { status: 200, headers: { 'content-type': 'image/jpeg' } });
    };
    const runtime = makeRuntime(twilioSms, { config: { accountSid: fake.accountSid, from: '+14155552671' }, secrets: { authToken: 'token' } }, undefined, recording);
    for (const host of ['api.twilio.com', 'api.dublin.ie1.twilio.com', 'media.twiliocdn.com']) {
      await twilioSms.fetchAttachment!(`https://${host}/2010-04-01/Accounts/${fake.accountSid}/Messages/MM1/Media/ME1`, runtime);
    }
    const basic = `Basic ${Buffer.from(`${fake.accountSid}:token`).toString('base64')}`;
    assert.deepEqual(
      seen.map((s) => [new URL(s.url).host, s.authorization]),
      [
        ['api.twilio.com', basic],
        ['api.dublin.ie1.twilio.com', basic],
        ['media.twiliocdn.com', basic],
      ],
    );
  });

  it('the redirect target never gets the Authorization header, wherever it is', async () => {
    const cdn = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'image/gif' }).end('GIF89a'));
    const api = await startServer((_req, res) => res.writeHead(302, { location: `${cdn.url}/media/abc?Signature=x` }).end());
    try {
      const runtime = makeRuntime(twilioSms, { config: { accountSid: fake.accountSid, from: '+14155552671', apiBaseUrl: api.url }, secrets: { authToken: 'token' } });
      const file = await twilioSms.fetchAttachment!(`${api.url}/2010-04-01/Accounts/${fake.accountSid}/Messages/MM1/Media/ME1`, runtime);
      assert.deepEqual([new TextDecoder().decode(file.bytes), file.contentType], ['GIF89a', 'image/gif']);
      assert.match(api.seen[0]!.headers.authorization ?? '', /^Basic /);
      assert.equal(cdn.seen[0]!.url, '/media/abc?Signature=x');
      assert.equal(cdn.seen[0]!.headers.authorization, undefined);
    } finally {
      await api.close();
      await cdn.close();
    }
  });

  it('a redirect to a non-http(s) URL is not followed; a body declared over 100 MB is not read', async () => {
    let answer: RequestListener = (_req, res) => res.writeHead(307, { location: 'file:///etc/passwd' }).end();
    const api = await startServer((req, res) => answer(req, res));
    try {
      const runtime = makeRuntime(twilioSms, { config: { accountSid: fake.accountSid, from: '+14155552671', apiBaseUrl: api.url }, secrets: { authToken: 'token' } });
      const url = `${api.url}/2010-04-01/Accounts/${fake.accountSid}/Messages/MM1/Media/ME1`;
      const redirected = await expectDeliveryError(twilioSms.fetchAttachment!(url, runtime));
      assert.deepEqual([redirected.retryable, redirected.code], [false, 'unsafe_redirect']);
      answer = (_req, res) => {
        res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(100 * 1024 * 1024 + 1) });
        res.write(new Uint8Array(1024));
      };
      const huge = await expectDeliveryError(twilioSms.fetchAttachment!(url, runtime));
      assert.deepEqual([huge.retryable, huge.code], [false, 'too_large']);
    } finally {
      await api.close();
    }
  });
});
