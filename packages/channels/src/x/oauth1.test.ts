import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hmacSha1Signature, oauth1Authorization, percentEncode, signatureBaseString } from './internal/oauth1.ts';

// Twitter's documented "Creating a signature" example (developer docs, OAuth 1.0a): fixed keys,
// nonce and timestamp with a published signature, tnnArxj06cWHq44gCs1OSKk/jLY=.
const TWITTER_EXAMPLE = {
  credentials: {
    consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
    consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
    token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
    tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
  },
  stamp: { nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg', timestamp: 1318622958 },
  form: [['status', 'Hello Ladies + Gentlemen, a signed OAuth request!']] as const,
};

describe('OAuth 1.0a percent-encoding (RFC 5849 §3.6)', () => {
  it('leaves only unreserved characters and encodes UTF-8 bytes in upper-case hex', () => {
    assert.equal(percentEncode('AZaz09-._~'), 'AZaz09-._~');
    assert.equal(percentEncode("Ladies + Gentlemen, a signed OAuth request!*'()"), 'Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21%2A%27%28%29');
    assert.equal(percentEncode('/?&=%:@'), '%2F%3F%26%3D%25%3A%40');
    assert.equal(percentEncode('café ☃'), 'caf%C3%A9%20%E2%98%83');
  });
});

describe('OAuth 1.0a signature base string (RFC 5849 §3.4.1)', () => {
  it("builds the RFC's own example: query and form parameters decoded, sorted by name then value, encoded twice", () => {
    const base = signatureBaseString('post', 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b', [
      ['oauth_consumer_key', '9djdj82h48djs9d2'],
      ['oauth_token', 'kkk9d7dh3k39sjv7'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131201'],
      ['oauth_nonce', '7d8f3e4a'],
      // The form body "c2&a3=2+q", and what is never signed.
      ['c2', ''],
      ['a3', '2 q'],
      ['oauth_signature', 'bYT5CMsGcbgUdFHObYMEfcx6bsw='],
      ['realm', 'Example'],
    ]);
    assert.equal(
      base,
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  it('normalizes the base URI as §3.4.1.2 shows: lower-case scheme and host, default port dropped, query cut', () => {
    const uri = (url: string) => decodeURIComponent(signatureBaseString('GET', url, []).split('&')[1] ?? '');
    assert.equal(uri('HTTP://EXAMPLE.COM:80/r%20v/X?id=123'), 'http://example.com/r%20v/X');
    assert.equal(uri('https://www.example.net:8080/?q=1'), 'https://www.example.net:8080/');
    assert.equal(uri('https://api.x.com:443/2/dm_conversations/with/42/messages'), 'https://api.x.com/2/dm_conversations/with/42/messages');
  });

  it('sorts by name before value, not by the joined "name=value" text', () => {
    const base = signatureBaseString('GET', 'https://api.x.com/x?a2=1&a=2', [['a', '1']]);
    assert.equal(decodeURIComponent(base.split('&').slice(2).join('&')), 'a=1&a=2&a2=1');
  });
});

describe('OAuth 1.0a signing', () => {
  it("reproduces Twitter's documented signature and header", () => {
    const header = oauth1Authorization(
      { method: 'POST', url: 'https://api.twitter.com/1/statuses/update.json?include_entities=true', form: TWITTER_EXAMPLE.form },
      TWITTER_EXAMPLE.credentials,
      TWITTER_EXAMPLE.stamp,
    );
    assert.equal(
      header,
      'OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", oauth_signature="tnnArxj06cWHq44gCs1OSKk%2FjLY%3D", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", oauth_version="1.0"',
    );
  });

  it('signs the base string under the encoded consumer and token secrets', () => {
    const base = signatureBaseString('POST', 'https://api.twitter.com/1.1/statuses/update.json?include_entities=true', [
      ...TWITTER_EXAMPLE.form,
      ['oauth_consumer_key', TWITTER_EXAMPLE.credentials.consumerKey],
      ['oauth_nonce', TWITTER_EXAMPLE.stamp.nonce],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', String(TWITTER_EXAMPLE.stamp.timestamp)],
      ['oauth_token', TWITTER_EXAMPLE.credentials.token],
      ['oauth_version', '1.0'],
    ]);
    // The same example against the 1.1 endpoint, as Twitter's "Authorizing a request" page shows it.
    assert.equal(hmacSha1Signature(base, TWITTER_EXAMPLE.credentials.consumerSecret, TWITTER_EXAMPLE.credentials.tokenSecret), 'hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
  });
});
