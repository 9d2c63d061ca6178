import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeliveryError, type ChannelTestResult } from '@casekit/core';
import type { ChannelCheckCode } from '@casekit/protocol';

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

/**
 * An http URL on loopback where nothing listens (a port taken, then let go): a provider that
 * cannot be reached, for checks and sends that must say so.
 */
export async function unreachableUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Asserts a channel check failed with `code` naming `field` (none when undefined), and answers its message. */
export function expectCheckFailure(result: ChannelTestResult, code: ChannelCheckCode, field: string | undefined): string {
  assert.equal(result.ok, false, `the check passed (${result.detail ?? ''}), though it should have failed`);
  assert.deepEqual([result.error?.code, result.error?.field], [code, field], result.error?.message);
  assert.equal(result.error?.retryable, code === 'unreachable' || code === 'rate_limited');
  return result.error!.message;
}
