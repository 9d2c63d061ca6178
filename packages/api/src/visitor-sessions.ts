import { visitorFacts, type CaseEngine, type ChannelRecord, type Store, type SystemActor } from '@casekit/core';
import { CasekitError, type Customer, type VisitorSessionRequest, type VisitorSessionResponse } from '@casekit/protocol';
import type { Auth } from './auth.ts';
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
    if (!channel.secret) {
      throw new CasekitError('unauthorized', `Channel "${channel.id}" has no secret, so userId/userHash cannot be verified.`);
    }
    const expected = await hmacSha256(channel.secret, userId);
    const given = fromHex(userHash);
    if (!given || !constantTimeEqual(given, expected)) {
      throw new CasekitError('unauthorized', 'userHash does not match userId; compute it as hex HMAC-SHA256(userId, channel secret).');
    }
  }

  function createVisitorCustomer(channel: ChannelRecord, externalId: string, name: string, body: VisitorSessionRequest): Promise<Customer> {
    return engine.createCustomer(system, {
      name,
      identities: [{ channelId: channel.id, kind: channel.kind, externalId }],
      attributes: visitorFacts(body.attributes, body.email),
    });
  }

  return {
    /** Starts or resumes a session; see the route's summary in ROUTES. */
    async start(body: VisitorSessionRequest): Promise<VisitorSessionResponse> {
      const channel = await store.getChannel(workspaceId, body.channelId);
      if (!channel) throw new CasekitError('not_found', `No channel with id "${body.channelId}" in this workspace.`);
      if (channel.kind !== 'webchat') {
        throw validationError([{ path: 'body.channelId', message: `channel "${channel.id}" is a ${channel.kind} channel, not webchat` }]);
      }
      const isUser = (c: Customer) => c.identities.some((i) => i.channelId === channel.id && i.externalId.startsWith('user:'));
      let resumed: Customer | null = null;
      if (body.resumeToken !== undefined) {
        // Only a token still valid: an expired one would let whoever found it in old storage back in.
        const claims = await auth.verifyVisitorToken(body.resumeToken).catch((error: unknown) => {
          throw new CasekitError('unauthorized', 'resumeToken is expired or not valid; start a new session without it.', { cause: error });
        });
        if (claims.workspaceId !== workspaceId || claims.channelId !== channel.id) {
          throw new CasekitError('unauthorized', 'resumeToken belongs to another channel; start a new session without it.');
        }
        resumed = await store.getCustomer(workspaceId, claims.customerId);
        if (!resumed) throw new CasekitError('unauthorized', 'resumeToken names a customer that no longer exists; start a new session without it.');
      }
      let customer: Customer | null = null;
      let identified = false;
      if (body.userId !== undefined && body.userHash !== undefined) {
        await verifyUserHash(channel, body.userId, body.userHash);
        identified = true;
        const externalId = `user:${body.userId}`;
        customer = await store.findCustomerByIdentity(workspaceId, channel.id, externalId);
        if (!customer && resumed && !isUser(resumed)) {
          // An anonymous visitor who signs in keeps their conversation: the profile gains the user id.
          customer = await engine.linkIdentity(system, resumed.id, { channelId: channel.id, kind: channel.kind, externalId });
        }
        customer ??= await createVisitorCustomer(channel, externalId, body.name ?? body.userId, body);
      } else if (resumed) {
        customer = resumed;
        identified = isUser(resumed);
      }
      customer ??= await createVisitorCustomer(channel, `anon:${randomBase64Url(12)}`, body.name ?? 'Website visitor', body);
      const { token, expiresAt } = await auth.signVisitorToken({ workspaceId, channelId: channel.id, customerId: customer.id });
      return { token, expiresAt, customerId: customer.id, channelId: channel.id, identified };
    },
  };
}
