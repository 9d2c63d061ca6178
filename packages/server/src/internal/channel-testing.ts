// Helpers for the channel tests: a channel made through the API as an admin would, and waits
// on what the outbox and webhooks store.
import assert from 'node:assert/strict';
import type { Message } from '@casekit/protocol';
import { WORKSPACE, type TestServer } from './testing.ts';

/** Creates a channel through `POST /api/v1/channels` and answers it with its webhook URL. */
export async function createChannel(t: TestServer, body: { kind: string; name: string; config?: object; secrets?: object }) {
  const created = await t.request('POST', '/api/v1/channels', { token: t.tokens.admin, body });
  assert.equal(created.status, 201, created.text);
  return created.body as { id: string; webhookUrl: string; secretNames: string[]; config: Record<string, unknown> };
}

/** Every message stored on a channel, oldest first, read straight from the store. */
export async function messagesOn(t: TestServer, channelId: string): Promise<Message[]> {
  const messages: Message[] = [];
  let cursor: string | undefined;
  const cases = await t.store.listCases(WORKSPACE, { limit: 100 });
  for (const kase of cases.items) {
    do {
      const page = await t.store.listMessages(WORKSPACE, { caseId: kase.id, limit: 100, ...(cursor && { cursor }) });
      messages.push(...page.items.filter((m) => m.channelId === channelId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return messages.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Resolves once `check` holds for the stored message, polling the store. */
export async function waitForMessage(t: TestServer, messageId: string, check: (message: Message) => boolean, timeoutMs = 5_000): Promise<Message> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const message = await t.store.getMessage(WORKSPACE, messageId);
    if (message && check(message)) return message;
    if (Date.now() > deadline) assert.fail(`message ${messageId} never got there; it is ${JSON.stringify(message)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
