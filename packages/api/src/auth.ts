import { CasekitError } from '@casekit/protocol';
import { randomBase64Url, sha256Hex } from './internal/crypto.ts';
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';

/** Hashes and checks agents' passwords (scrypt on a server; the mocks bring their own). */
export interface PasswordHasher {
  hashPassword(password: string): Promise<string>;
  /** Constant-time check; false for a missing or malformed hash. */
  verifyPassword(password: string, hash: string | null): Promise<boolean>;
}

export interface AuthOptions {
  /** Secret for the HS256 tokens this server signs (agents and visitors); at least 32 characters. */
  jwtSecret: string;
  /** Expected `iss` of tokens from an external issuer; required with `jwksUrl`. */
  issuer?: string;
  /** JWKS of an external issuer (OIDC, Cognito, the host portal) whose tokens sign agents in. */
  jwksUrl?: string;
  /** Expected `aud` of external tokens. */
  audience?: string;
  /** Lifetime of agent tokens signed here, in seconds (default 12 hours). */
  tokenTtlSeconds?: number;
  /** Lifetime of visitor tokens, in seconds (default 30 days). */
  visitorTokenTtlSeconds?: number;
}

/** What every verified agent token says of itself: its id, when it expires, and (signed here) its generation. */
export interface AgentTokenFacts {
  /** Its `jti`; an external token without one is known by a digest of itself. */
  tokenId: string;
  expiresAt: string;
}

/** What a verified agent token says: an agent id signed here, or an external subject and email. */
export type AgentClaims =
  | ({ source: 'builtin'; workspaceId: string; agentId: string; generation: number } & AgentTokenFacts)
  | ({ source: 'external'; subject: string | null; email: string | null } & AgentTokenFacts);

/** What a visitor token holds; signed by this server only. */
export interface VisitorClaims {
  workspaceId: string;
  channelId: string;
  customerId: string;
  /** The host site vouched for the visitor (userId with its HMAC); see `sessionFollowsMerge`. */
  verified: boolean;
}

export interface SignedToken {
  token: string;
  expiresAt: string;
}

/** Password hashing and token signing/verification for agents and visitors. */
export interface Auth extends PasswordHasher {
  /** Signs a token in the agent's current `tokenGeneration` (see `@casekit/core`'s `AgentRecord`). */
  signAgentToken(agent: { id: string; workspaceId: string; tokenGeneration?: number }): Promise<SignedToken>;
  signVisitorToken(claims: VisitorClaims): Promise<SignedToken>;
  /** Throws `unauthorized` for a missing, forged, expired or foreign token. */
  verifyAgentToken(token: string): Promise<AgentClaims>;
  /** Throws `unauthorized` for a missing, forged, expired or foreign token. */
  verifyVisitorToken(token: string): Promise<VisitorClaims>;
}

const BUILTIN_ISSUER = 'casekit';

function unauthorized(message: string, cause?: unknown): CasekitError {
  return new CasekitError('unauthorized', message, { cause });
}

function explain(error: unknown, what: string): CasekitError {
  if (error instanceof CasekitError) return error;
  if (error instanceof joseErrors.JWTExpired) return unauthorized(`The ${what} has expired; sign in again.`, error);
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JOSEError && error.code === 'ERR_JWKS_NO_MATCHING_KEY') {
    return unauthorized(`The ${what} was signed by a key the issuer does not publish.`, error);
  }
  return unauthorized(`The ${what} is not valid (bad signature, issuer or format).`, error);
}

/**
 * Creates the auth helpers over a password hasher: HS256 tokens for agents and visitors, and
 * verification of tokens from an external issuer through its JWKS. Every token must expire.
 * `@casekit/server`'s `createAuth` brings scrypt passwords.
 * @example const auth = createTokenAuth({ jwtSecret, passwords })
 */
export function createTokenAuth(options: AuthOptions & { passwords: PasswordHasher }): Auth {
  if (typeof options.jwtSecret !== 'string' || options.jwtSecret.length < 32) {
    throw new CasekitError('bad_request', 'jwtSecret must be at least 32 characters long.');
  }
  if (options.jwksUrl && !options.issuer) {
    // Without it, a token from any tenant or app the JWKS also signs for would sign agents in.
    throw new CasekitError('bad_request', 'An external issuer (jwksUrl) needs its expected issuer too; set issuer.');
  }
  const secret = new TextEncoder().encode(options.jwtSecret);
  const agentTtl = options.tokenTtlSeconds ?? 12 * 3600;
  const visitorTtl = options.visitorTokenTtlSeconds ?? 30 * 24 * 3600;
  const jwks = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: 5000 }) : null;

  async function sign(claims: JWTPayload, subject: string, ttl: number): Promise<SignedToken> {
    const expires = Math.floor(Date.now() / 1000) + ttl;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(BUILTIN_ISSUER)
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime(expires)
      .sign(secret);
    return { token, expiresAt: new Date(expires * 1000).toISOString() };
  }

  // Verified tokens, remembered until they expire: HMAC verification through WebCrypto is a
  // measurable share of every request, and the same few tokens arrive over and over.
  const verified = new Map<string, JWTPayload>();
  const VERIFIED_MAX = 10_000;

  async function verifyBuiltin(token: string, typ: 'agent' | 'visitor'): Promise<JWTPayload> {
    const cached = verified.get(token);
    let payload: JWTPayload;
    if (cached && (cached.exp ?? 0) * 1000 > Date.now()) {
      payload = cached;
    } else {
      if (cached) verified.delete(token);
      ({ payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], issuer: BUILTIN_ISSUER, requiredClaims: ['exp'] }));
      if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
      verified.set(token, payload);
    }
    if (payload.typ !== typ) throw unauthorized(`This is not a${typ === 'agent' ? 'n agent' : ' visitor'} token.`);
    return payload;
  }

  return {
    hashPassword: (password) => options.passwords.hashPassword(password),
    verifyPassword: (password, hash) => options.passwords.verifyPassword(password, hash),
    signAgentToken: (agent) => sign({ typ: 'agent', workspaceId: agent.workspaceId, gen: agent.tokenGeneration ?? 0, jti: randomBase64Url(16) }, agent.id, agentTtl),
    signVisitorToken: (claims) =>
      sign(
        { typ: 'visitor', workspaceId: claims.workspaceId, channelId: claims.channelId, customerId: claims.customerId, verified: claims.verified },
        claims.customerId,
        visitorTtl,
      ),

    async verifyAgentToken(token) {
      if (!token) throw unauthorized('Sign in first: send "Authorization: Bearer <token>".');
      try {
        const header = decodeProtectedHeader(token);
        if (header.alg === 'HS256') {
          const payload = await verifyBuiltin(token, 'agent');
          if (typeof payload.sub !== 'string' || typeof payload.workspaceId !== 'string') throw unauthorized('The token names no agent.');
          return {
            source: 'builtin',
            workspaceId: payload.workspaceId,
            agentId: payload.sub,
            // Tokens from before generations and ids existed count as generation 0, known by their digest.
            generation: typeof payload.gen === 'number' ? payload.gen : 0,
            tokenId: typeof payload.jti === 'string' ? payload.jti : await sha256Hex(token),
            expiresAt: new Date((payload.exp ?? 0) * 1000).toISOString(),
          };
        }
        if (!jwks) throw unauthorized(`Tokens signed with ${String(header.alg)} are not accepted here (no JWKS configured).`);
        const { payload } = await jwtVerify(token, jwks, {
          requiredClaims: ['exp'],
          ...(options.issuer && { issuer: options.issuer }),
          ...(options.audience && { audience: options.audience }),
        });
        // Only an email the issuer vouches for: many let users put in any address unverified.
        const email = typeof payload.email === 'string' && payload.email_verified === true ? payload.email.toLowerCase() : null;
        const subject = typeof payload.sub === 'string' ? payload.sub : null;
        if (!email && !subject) throw unauthorized('The token has neither a "sub" nor an "email" claim.');
        const tokenId = typeof payload.jti === 'string' && payload.jti.length <= 200 ? `ext:${payload.jti}` : `ext:${await sha256Hex(token)}`;
        return { source: 'external', subject, email, tokenId, expiresAt: new Date((payload.exp ?? 0) * 1000).toISOString() };
      } catch (error) {
        throw explain(error, 'agent token');
      }
    },

    async verifyVisitorToken(token) {
      if (!token) throw unauthorized('Start a visitor session first: send "Authorization: Bearer <visitor token>".');
      try {
        const payload = await verifyBuiltin(token, 'visitor');
        const { workspaceId, channelId, customerId } = payload;
        if (typeof workspaceId !== 'string' || typeof channelId !== 'string' || typeof customerId !== 'string') {
          throw unauthorized('The visitor token is incomplete.');
        }
        return { workspaceId, channelId, customerId, verified: payload.verified === true };
      } catch (error) {
        throw explain(error, 'visitor token');
      }
    },
  };
}
