import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerMetaHandshake } from './handshake.ts';

const hook = 'https://support.example.com/webhooks/ch_1';
const url = (query: Record<string, string>) => `${hook}?${new URLSearchParams(query)}`;

describe('answerMetaHandshake', () => {
  it('echoes the challenge as plain text when the verify token matches', () => {
    const reply = answerMetaHandshake({ url: url({ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok-123', 'hub.challenge': '1158201444' }) }, 'tok-123');
    assert.equal(reply.status, 200);
    assert.match(reply.contentType ?? '', /^text\/plain/);
    assert.equal(reply.body, '1158201444');
  });

  it('refuses a wrong token, another mode or a missing parameter with 403 and never echoes the challenge', () => {
    const cases: Array<Record<string, string>> = [
      { 'hub.mode': 'subscribe', 'hub.verify_token': 'tok-124', 'hub.challenge': 'c1' },
      { 'hub.mode': 'subscribe', 'hub.verify_token': 'tok-12', 'hub.challenge': 'c1' },
      { 'hub.mode': 'unsubscribe', 'hub.verify_token': 'tok-123', 'hub.challenge': 'c1' },
      { 'hub.mode': 'subscribe', 'hub.challenge': 'c1' },
      { 'hub.mode': 'subscribe', 'hub.verify_token': 'tok-123' },
      {},
    ];
    for (const query of cases) {
      const reply = answerMetaHandshake({ url: url(query) }, 'tok-123');
      assert.equal(reply.status, 403, JSON.stringify(query));
      assert.notEqual(reply.body, 'c1');
    }
  });
});
