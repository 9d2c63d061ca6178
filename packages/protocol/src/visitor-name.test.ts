import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANONYMOUS_VISITOR_NAME, anonymousVisitorTag, visitorDisplayName } from './index.ts';

const customer = (patch: Partial<Parameters<typeof visitorDisplayName>[0]>) => ({ name: '', emails: [], phones: [], identities: [], ...patch });

describe('visitor display name', () => {
  it('names an anonymous visitor by a short tag of their chat identity, never the raw id', () => {
    const anon = customer({ name: ANONYMOUS_VISITOR_NAME, identities: [{ externalId: 'anon:3YjyFTMKu1NYQeXQ' }] });
    assert.equal(visitorDisplayName(anon), 'Visitor 3YJY');
    assert.equal(visitorDisplayName(anon, (tag) => `Visitante ${tag}`), 'Visitante 3YJY');
    assert.equal(anonymousVisitorTag('user:dana-42'), null);
  });

  it('prefers a typed name, then an email, then a phone, then a signed-in user id', () => {
    const ids = [{ externalId: 'anon:abcdefgh' }];
    assert.equal(visitorDisplayName(customer({ name: ' Nora Night ', identities: ids })), 'Nora Night');
    assert.equal(visitorDisplayName(customer({ name: ANONYMOUS_VISITOR_NAME, emails: ['nora@example.com'], identities: ids })), 'nora@example.com');
    assert.equal(visitorDisplayName(customer({ phones: ['+447700900123'], identities: ids })), '+447700900123');
    assert.equal(visitorDisplayName(customer({ identities: [{ externalId: 'user:dana-42' }] })), 'dana-42');
  });
});
