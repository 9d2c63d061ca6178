import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTwilioFake, type TwilioFake } from './twilio.ts';

describe('startTwilioFake: inbound media', () => {
  let twilio: TwilioFake;
  const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const basic = (token: string) => `Basic ${Buffer.from(`${twilio.accountSid}:${token}`).toString('base64')}`;
  before(async () => {
    twilio = await startTwilioFake();
  });
  after(() => twilio.close());

  it("gives a MediaUrl shaped like Twilio's, on the fake", () => {
    const url = twilio.addMedia('image/png', bytes);
    assert.match(url, new RegExp(`^${twilio.url}/2010-04-01/Accounts/${twilio.accountSid}/Messages/MM[0-9a-f]{32}/Media/ME[0-9a-f]{32}$`));
  });

  it('answers the MediaUrl with Basic auth by a 307 to its CDN, which serves the bytes only without an Authorization header', async () => {
    const media = await fetch(twilio.addMedia('image/png', bytes), { headers: { authorization: basic(twilio.authToken) }, redirect: 'manual' });
    assert.equal(media.status, 307);
    const location = media.headers.get('location')!;
    assert.match(location, new RegExp(`^${twilio.url}/cdn/${twilio.accountSid}/[0-9a-f]{40}\\?Expires=\\d+&Signature=`));
    const file = await fetch(location);
    assert.deepEqual([file.status, file.headers.get('content-type'), new Uint8Array(await file.arrayBuffer())], [200, 'image/png', bytes]);
    const withAuth = await fetch(location, { headers: { authorization: basic(twilio.authToken) } });
    assert.equal(withAuth.status, 400);
    assert.match(await withAuth.text(), /<Code>InvalidArgument<\/Code><Message>Only one auth mechanism allowed/);
  });

  it("refuses missing or wrong credentials with Twilio's 20003, and unknown media with 20404", async () => {
    const url = twilio.addMedia('image/png', bytes);
    for (const headers of [{}, { authorization: basic('wrong') }] as Record<string, string>[]) {
      const answer = await fetch(url, { headers, redirect: 'manual' });
      assert.equal(answer.status, 401);
      assert.deepEqual(((await answer.json()) as { code: number }).code, 20003);
    }
    const unknown = await fetch(url.replace(/ME[0-9a-f]{32}$/, `ME${'0'.repeat(32)}`), { headers: { authorization: basic(twilio.authToken) }, redirect: 'manual' });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { code: number }).code, 20404);
    assert.equal((await fetch(`${twilio.url}/cdn/${twilio.accountSid}/${'f'.repeat(40)}`)).status, 404);
  });

  it('fails the next media requests when told to', async () => {
    const url = twilio.addMedia('image/png', bytes);
    twilio.failDownloadsNext(1, 503);
    const failed = await fetch(url, { headers: { authorization: basic(twilio.authToken) }, redirect: 'manual' });
    assert.deepEqual([failed.status, ((await failed.json()) as { code: number }).code], [503, 20503]);
    assert.equal((await fetch(url, { headers: { authorization: basic(twilio.authToken) }, redirect: 'manual' })).status, 307);
  });
});
