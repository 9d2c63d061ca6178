import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANONYMOUS_VISITOR_NAME, anonymousVisitorTag, customerDisplayName } from './index.ts';

const customer = (patch: Partial<Parameters<typeof customerDisplayName>[0]>) => ({ name: '', emails: [], phones: [], identities: [], ...patch });

describe('visitor display name', () => {
  it('names an anonymous visitor by a short tag of their chat identity, never the raw id', () => {
    const anon = customer({ name: ANONYMOUS_VISITOR_NAME, identities: [{ externalId: 'anon:3YjyFTMKu1NYQeXQ' }] });
    assert.equal(customerDisplayName(anon), 'Visitor 3YJY');
    assert.equal(customerDisplayName(anon, (tag) => `Visitante ${tag}`), 'Visitante 3YJY');
    assert.equal(anonymousVisitorTag('user:dana-42'), null);
  });

  it('prefers a typed name, then an email, then a phone, then a signed-in user id', () => {
    const ids = [{ externalId: 'anon:abcdefgh' }];
    assert.equal(customerDisplayName(customer({ name: ' Nora Night ', identities: ids })), 'Nora Night');
    assert.equal(customerDisplayName(customer({ name: ANONYMOUS_VISITOR_NAME, emails: ['nora@example.com'], identities: ids })), 'nora@example.com');
    assert.equal(customerDisplayName(customer({ phones: ['+447700900123'], identities: ids })), '+447700900123');
    assert.equal(customerDisplayName(customer({ identities: [{ externalId: 'user:dana-42' }] })), 'dana-42');
  });
});
