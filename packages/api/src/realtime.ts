import type { Store } from '@casekit/core';
import { CasekitError } from '@casekit/protocol';
import { TypingPayload } from '@casekit/protocol/schemas';

// What realtime gateways decide, whatever carries the bytes: the server's socket.io gateway
// and the mocks' one over msw both call these.

/** Reads `resume(after)`'s argument: a seq, or -1 for "from now"; `validation_failed` for anything else. */
export function parseResumeAfter(after: unknown): number {
  if (typeof after === 'number' && Number.isSafeInteger(after) && after >= -1) return after;
  throw new CasekitError('validation_failed', 'resume(after): after must be an integer seq, or -1 to start from now.');
}

/** Typing signals closer together than this (with the same value) are dropped: each costs a read. */
const TYPING_INTERVAL_MS = 250;

/** A per-socket filter that lets a typing signal through when it changed or enough time passed. */
export function typingGate(now: () => number = Date.now): (key: string, typing: boolean) => boolean {
  const last = new Map<string, { typing: boolean; at: number }>();
  return (key, typing) => {
    const at = now();
    const previous = last.get(key);
    if (previous && previous.typing === typing && at - previous.at < TYPING_INTERVAL_MS) return false;
    if (last.size > 100) last.clear();
    last.set(key, { typing, at });
    return true;
  };
}

/** An agent typing on a case: whose visitors to tell, and what; null for a signal to drop. */
export async function agentTyping(
  store: Pick<Store, 'getCase'>,
  workspaceId: string,
  payload: unknown,
  agentName: string,
): Promise<{ customerId: string; push: { typing: boolean; by: 'agent'; name: string } } | null> {
  const parsed = TypingPayload.safeParse(payload);
  if (!parsed.success) return null;
  const kase = await store.getCase(workspaceId, parsed.data.caseId);
  return kase ? { customerId: kase.customerId, push: { typing: parsed.data.typing, by: 'agent', name: agentName } } : null;
}

/** A visitor typing: what to tell the workspace's agents (their active case); null for a signal to drop. */
export async function visitorTyping(
  store: Pick<Store, 'findActiveCase'>,
  workspaceId: string,
  customerId: string,
  payload: unknown,
): Promise<{ caseId: string; typing: boolean; by: 'customer'; customerId: string } | null> {
  const typing = payload && typeof payload === 'object' ? (payload as Record<string, unknown>).typing : undefined;
  if (typeof typing !== 'boolean') return null;
  const kase = await store.findActiveCase(workspaceId, customerId);
  return kase ? { caseId: kase.id, typing, by: 'customer', customerId: kase.customerId } : null;
}
