import { visitorFacts, type CaseEngine, type ChannelRecord, type Store, type SystemActor } from '@casekit/core';
import { ANONYMOUS_VISITOR_NAME, CasekitError, type Customer, type VisitorSessionRequest, type VisitorSessionResponse } from '@casekit/protocol';
import type { Auth } from './auth.ts';
import { authenticateVisitor } from './visitor-access.ts';
import { constantTimeEqual, fromHex, hmacSha256, randomBase64Url } from './internal/crypto.ts';
import { validationError } from './internal/errors.ts';

/**
 * Web-chat sessions: an anonymous visitor, a visitor the host site vouches for (`userId` with
 * its HMAC), or a returning one with a valid token. Each answers a fresh visitor token.
 */
export function createVisitorSessions(deps: { store: Store; engine: CaseEngine; auth: Auth; workspaceId: string }) {
  const { store, engine, auth, workspaceId } = deps;
  const system: SystemActor = { workspaceId, system: 'visitor-sessions' };

  async function verifyUserHash(channel: ChannelRecord, userId: string, userHash: string): Promise<void> {
    const secret = channel.secrets.identitySecret;
    if (!secret) {
      throw new CasekitError('unauthorized', `Channel "${channel.id}" has no identity secret, so userId/userHash cannot be verified.`);
    }
    const expected = await hmacSha256(secret, userId);
    const given = fromHex(userHash);
    if (!given || !constantTimeEqual(given, expected)) {
      throw new CasekitError('unauthorized', 'userHash does not match userId; compute it as hex HMAC-SHA256(userId, channel secret).');
    }
  }

  return {
    /** Starts or resumes a session; see the route's summary in ROUTES. */
    async start(body: VisitorSessionRequest): Promise<VisitorSessionResponse> {
      const channel = await store.getChannel(workspaceId, body.channelId);
      if (!channel) throw new CasekitError('not_found', `No channel with id "${body.channelId}" in this workspace.`);
      if (channel.kind !== 'webchat') {
        throw validationError([{ path: 'body.channelId', message: `channel "${channel.id}" is a ${channel.kind} channel, not webchat` }]);
      }
      let resumed: Customer | null = null;
      if (body.resumeToken !== undefined) {
        // Only a token still valid: an expired one would let whoever found it in old storage back
        // in. And only to a profile the session may still speak for (`resolveVisitor`).
        resumed = await authenticateVisitor(store, auth, workspaceId, body.resumeToken).then(
          (session) => {
            if (session.channelId !== channel.id) throw new CasekitError('unauthorized', 'resumeToken belongs to another channel; start a new session without it.');
            return session.customer;
          },
          (error: unknown) => {
            throw new CasekitError('unauthorized', 'resumeToken is expired or not valid; start a new session without it.', { cause: error });
          },
        );
      }
      const facts = visitorFacts(body.attributes, body.email);
      let customer: Customer;
      let identified = false;
      if (body.userId !== undefined && body.userHash !== undefined) {
        await verifyUserHash(channel, body.userId, body.userHash);
        identified = true;
        customer = await engine.identifyVisitor(system, {
          channel,
          externalId: `user:${body.userId}`,
          ...(resumed && { resumeCustomerId: resumed.id }),
          name: body.name ?? body.userId,
          attributes: facts,
        });
      } else if (resumed) {
        customer = resumed;
        identified = resumed.identities.some((i) => i.channelId === channel.id && i.externalId.startsWith('user:'));
      } else {
        customer = await engine.identifyVisitor(system, { channel, externalId: `anon:${randomBase64Url(12)}`, name: body.name ?? ANONYMOUS_VISITOR_NAME, attributes: facts });
      }
      const { token, expiresAt } = await auth.signVisitorToken({ workspaceId, channelId: channel.id, customerId: customer.id, verified: identified });
      return { token, expiresAt, customerId: customer.id, channelId: channel.id, identified };
    },
  };
}
