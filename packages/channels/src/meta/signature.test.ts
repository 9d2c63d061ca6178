import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { META_SIGNATURE_KAT, META_WEBHOOK_SAMPLES } from '@casekit/testkit/providers';
import { signMetaPayload } from '@casekit/testkit/providers';
import { verifyMetaSignature } from './signature.ts';

const APP_SECRET = '6f1d2c3b4a5968778695a4b3c2d1e0f9';
const bytes = (text: string) => new TextEncoder().encode(text);

describe('verifyMetaSignature', () => {
  it("accepts Meta's own known-answer vector", () => {
    const { body, appSecret, expectedHex } = META_SIGNATURE_KAT;
    const verdict = verifyMetaSignature({ headers: { 'x-hub-signature-256': `sha256=${expectedHex}` }, body: bytes(body) }, appSecret);
    assert.deepEqual(verdict, { ok: true });
  });

  it('refuses the known-answer signature under another secret with 403', () => {
    const { body, expectedHex } = META_SIGNATURE_KAT;
    const verdict = verifyMetaSignature({ headers: { 'x-hub-signature-256': `sha256=${expectedHex}` }, body: bytes(body) }, 'OTHER_APP_SECRET');
    assert.equal(verdict.ok, false);
    assert.equal(!verdict.ok && verdict.status, 403);
  });

  for (const [name, sample] of Object.entries(META_WEBHOOK_SAMPLES)) {
    it(`accepts the ${name} sample signed over its raw bytes`, () => {
      const headers = signMetaPayload(APP_SECRET, sample.body);
      assert.deepEqual(verifyMetaSignature({ headers, body: bytes(sample.body) }, APP_SECRET), { ok: true });
    });
  }

  it('checks the original escaped-unicode bytes, so a re-serialized body of the same JSON fails', () => {
    const original = META_WEBHOOK_SAMPLES.whatsappReplyEscapedUnicode.body;
    const headers = signMetaPayload(APP_SECRET, original);
    const reserialized = JSON.stringify(JSON.parse(original));
    assert.deepEqual(JSON.parse(reserialized), JSON.parse(original), 'same JSON value');
    assert.deepEqual(verifyMetaSignature({ headers, body: bytes(original) }, APP_SECRET), { ok: true });
    const verdict = verifyMetaSignature({ headers, body: bytes(reserialized) }, APP_SECRET);
    assert.equal(verdict.ok, false);
    assert.equal(!verdict.ok && verdict.status, 403);
  });

  it('answers 401 when X-Hub-Signature-256 is missing, even with the legacy sha1 header', () => {
    const body = META_WEBHOOK_SAMPLES.whatsappText.body;
    const { 'x-hub-signature': sha1 } = signMetaPayload(APP_SECRET, body);
    for (const headers of [{}, { 'x-hub-signature': sha1 }, { 'x-hub-signature-256': '' }]) {
      const verdict = verifyMetaSignature({ headers, body: bytes(body) }, APP_SECRET);
      assert.equal(!verdict.ok && verdict.status, 401);
    }
  });

  it('answers 403 for a changed body, a wrong algorithm prefix or a truncated signature', () => {
    const body = META_WEBHOOK_SAMPLES.messengerText.body;
    const signature = signMetaPayload(APP_SECRET, body)['x-hub-signature-256'];
    const cases: Array<[string, string]> = [
      [body.replace('hello, world!', 'hello, world?'), signature],
      [body, signature.replace('sha256=', 'sha1=')],
      [body, signature.slice(0, -2)],
      [body, signature.slice('sha256='.length)],
    ];
    for (const [sent, header] of cases) {
      const verdict = verifyMetaSignature({ headers: { 'x-hub-signature-256': header }, body: bytes(sent) }, APP_SECRET);
      assert.equal(!verdict.ok && verdict.status, 403);
    }
  });

  it('accepts an upper-case hex digest of the right bytes', () => {
    const body = META_WEBHOOK_SAMPLES.instagramReply.body;
    const signature = signMetaPayload(APP_SECRET, body)['x-hub-signature-256'];
    const upper = `sha256=${signature.slice(7).toUpperCase()}`;
    assert.deepEqual(verifyMetaSignature({ headers: { 'x-hub-signature-256': upper }, body: bytes(body) }, APP_SECRET), { ok: true });
  });
});
