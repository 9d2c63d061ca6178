import { sessionFollowsMerge, type Store } from '@casekit/core';
import { CasekitError, type Customer } from '@casekit/protocol';
import type { Auth, VisitorClaims } from './auth.ts';

/** A visitor's session: the token's claims. Its customer id may be a merged-away one. */
export type VisitorContext = VisitorClaims;

/** The answer for a session whose profile is gone, or was merged while the session is unverified. */
export function sessionEnded(cause?: unknown): CasekitError {
  return new CasekitError('unauthorized', 'This chat session has ended; start a new one.', { cause });
}

/** Checks a visitor token of this workspace; no store read (the web-chat hot path). */
export async function verifyVisitor(auth: Auth, workspaceId: string, token: string): Promise<VisitorContext> {
  const claims = await auth.verifyVisitorToken(token);
  if (claims.workspaceId !== workspaceId) throw new CasekitError('unauthorized', 'This visitor token belongs to another workspace.');
  return claims;
}

/**
 * The profile a visitor session speaks for now: its own, or, for a verified session, the one it
 * was merged into (`sessionFollowsMerge`). Every read a visitor makes, over HTTP or a socket,
 * goes through here; an ended session is `unauthorized`.
 */
export async function resolveVisitor(store: Pick<Store, 'getCustomer'>, session: VisitorContext): Promise<Customer> {
  const customer = await store.getCustomer(session.workspaceId, session.customerId);
  if (!customer || (customer.id !== session.customerId && !sessionFollowsMerge(session))) throw sessionEnded();
  return customer;
}

/** A realtime handshake's or a request's visitor token, checked, and the profile it speaks for now. */
export async function authenticateVisitor(store: Pick<Store, 'getCustomer'>, auth: Auth, workspaceId: string, token: string): Promise<VisitorContext & { customer: Customer }> {
  const session = await verifyVisitor(auth, workspaceId, token);
  return { ...session, customer: await resolveVisitor(store, session) };
}
