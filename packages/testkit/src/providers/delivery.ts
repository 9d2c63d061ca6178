import assert from 'node:assert/strict';
import { DeliveryError } from '@casekit/core';

/** Awaits a send that must fail and answers its `DeliveryError` (anything else fails the test). */
export async function expectDeliveryError(promise: Promise<unknown>): Promise<DeliveryError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DeliveryError, `expected a DeliveryError, got ${String(error)}`);
    return error;
  }
  assert.fail('the send went out, though it should have failed');
}
