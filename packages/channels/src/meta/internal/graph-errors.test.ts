import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { graphDeliveryError } from './graph-errors.ts';

const graph = (error: Record<string, unknown>) => ({ error: { type: 'OAuthException', fbtrace_id: 'AbC123', ...error } });
const outcome = (status: number, body: unknown, retryAfter: string | null = null) => {
  const error = graphDeliveryError(status, body, retryAfter);
  return [error.retryable, error.code];
};

describe('graphDeliveryError', () => {
  it("retries Meta's rate limits whatever the HTTP status", () => {
    for (const code of [4, 17, 32, 613, 80007, 130429, 131056]) {
      assert.deepEqual(outcome(400, graph({ code, message: `(#${code}) limit` })), [true, 'rate_limited'], String(code));
    }
  });

  it("retries WhatsApp's and the Graph API's transient failures and anything Meta marks is_transient", () => {
    for (const code of [1, 2, 131000, 131016, 133004]) assert.deepEqual(outcome(500, graph({ code, message: 'x' })), [true, String(code)]);
    assert.deepEqual(outcome(400, graph({ code: 131000, message: 'Something went wrong' })), [true, '131000']);
    assert.deepEqual(outcome(400, graph({ code: 368, is_transient: true, message: 'x' })), [true, '368']);
  });

  it('names the closed 24 h window for WhatsApp, Messenger and Instagram, and never retries it', () => {
    assert.deepEqual(outcome(400, graph({ code: 131047, message: '(#131047) Re-engagement message' })), [false, 'window_closed']);
    assert.deepEqual(outcome(400, graph({ code: 10, error_subcode: 2018278, message: 'outside of allowed window' })), [false, 'window_closed']);
    assert.deepEqual(outcome(400, graph({ code: 10, error_subcode: 2534022, message: 'outside of allowed window' })), [false, 'window_closed']);
    // Code 10 alone is a missing permission, not the window.
    assert.deepEqual(outcome(403, graph({ code: 10, message: '(#10) Application does not have permission for this action' })), [false, '10']);
  });

  it('fails a refused token for good as auth, and other client errors with Meta’s code', () => {
    assert.deepEqual(outcome(401, graph({ code: 190, error_subcode: 463, message: 'Session has expired' })), [false, 'auth']);
    assert.deepEqual(outcome(400, graph({ code: 100, error_subcode: 2018001, message: '(#100) No matching user found' })), [false, '100']);
    assert.deepEqual(outcome(400, graph({ code: 131026, message: 'Message undeliverable' })), [false, '131026']);
  });

  it('falls back on the HTTP status when the body is not a Graph error', () => {
    assert.deepEqual(outcome(502, null), [true, 'http_502']);
    assert.deepEqual(outcome(408, '<html>timeout</html>'), [true, 'http_408']);
    assert.deepEqual(outcome(429, {}), [true, 'rate_limited']);
    assert.deepEqual(outcome(404, null), [false, 'http_404']);
    assert.deepEqual(outcome(503, graph({ code: 12345, message: 'new kind of outage' })), [true, '12345']);
  });

  it("keeps Meta's words and details in the reason, and honours Retry-After", () => {
    const error = graphDeliveryError(
      400,
      graph({ code: 131047, message: '(#131047) Re-engagement message', error_data: { messaging_product: 'whatsapp', details: 'More than 24 hours have passed.' } }),
      null,
    );
    assert.match(error.message, /template/);
    assert.match(error.message, /Meta error 131047: \(#131047\) Re-engagement message: More than 24 hours have passed\./);
    assert.equal(graphDeliveryError(429, null, '30').options.retryAfterMs, 30_000);
    assert.equal(graphDeliveryError(503, null, null).options.retryAfterMs, undefined);
  });
});
