import type { VisitorSessionResponse } from '@casekit/protocol';
import { CasekitApiError } from '../errors.ts';
import type { RequestFn, RouteBody } from '../requests.ts';
import type { VisitorClientOptions, VisitorIdentity } from '../visitor-client.ts';
import type { StoredSession, VisitorStore } from './visitor-store.ts';

/** Codes that mean an old resume token no longer works, so a fresh session is started. */
const STALE_SESSION = new Set(['unauthorized', 'forbidden', 'not_found']);

type Attributes = RouteBody<'startVisitorSession'>['attributes'];

/**
 * Who the visitor is and the session that speaks for them: identity, name, email and attributes
 * sent with each start; the token kept in the store so a reload resumes the same conversation;
 * the newest event seq delivered, so a reload replays only what it missed.
 */
export class VisitorSession {
  #options: VisitorClientOptions;
  #store: VisitorStore;
  #request: RequestFn;
  identity: VisitorIdentity | undefined;
  attributes: Attributes;
  /** Name and email given with updateProfile(), sent with the next session start too. */
  profile: { name?: string; email?: string } = {};
  /** The running session continues an earlier one (a resume token found the same customer). */
  resumed = false;
  /** The session in use, as kept in the store; null before a start. */
  current: StoredSession | null = null;
  #persist: Promise<void> = Promise.resolve();

  constructor(options: VisitorClientOptions, store: VisitorStore, request: RequestFn) {
    this.#options = options;
    this.#store = store;
    this.#request = request;
    this.identity = options.identity;
    this.attributes = options.attributes;
  }

  get token(): string | null {
    return this.current?.token ?? null;
  }

  /**
   * The stored session a start may resume. One that belongs to another signed-in user is dropped
   * from the store first, and `otherUser` runs: their unsent messages must not carry over either.
   */
  async resumable(otherUser: () => void): Promise<StoredSession | undefined> {
    const stored = await this.#store.getSession();
    if (!stored || stored.userId === null || stored.userId === (this.identity?.userId ?? null)) return stored;
    await this.#store.clear();
    otherUser();
    return undefined;
  }

  /**
   * Starts a session, resuming `stored`'s token; a token the server no longer takes starts a
   * fresh one. Answers whether the session continues the same customer's conversation.
   */
  async open(stored: StoredSession | undefined): Promise<{ response: VisitorSessionResponse; sameCustomer: boolean }> {
    const userId = this.identity?.userId ?? null;
    let response: VisitorSessionResponse;
    try {
      response = await this.#request('startVisitorSession', { body: this.#body(stored?.token) });
    } catch (err) {
      if (!(stored && err instanceof CasekitApiError && STALE_SESSION.has(err.code))) throw err;
      stored = undefined;
      response = await this.#request('startVisitorSession', { body: this.#body(undefined) });
    }
    const sameCustomer = stored?.customerId === response.customerId;
    this.resumed = sameCustomer;
    this.current = {
      scope: '',
      token: response.token,
      customerId: response.customerId,
      channelId: response.channelId,
      identified: response.identified,
      expiresAt: response.expiresAt,
      userId,
      lastSeq: sameCustomer && stored ? stored.lastSeq : 0,
    };
    await this.#store.putSession(this.current);
    return { response, sameCustomer };
  }

  #body(resumeToken: string | undefined): RouteBody<'startVisitorSession'> {
    const o = this.#options;
    const id = this.identity;
    const name = id?.name ?? this.profile.name ?? o.name;
    const email = id?.email ?? this.profile.email ?? o.email;
    return {
      channelId: o.channelId,
      ...(resumeToken ? { resumeToken } : {}),
      ...(name ? { name } : {}),
      ...(email ? { email } : {}),
      ...(id ? { userId: id.userId, userHash: id.userHash } : {}),
      ...(this.attributes ? { attributes: this.attributes } : {}),
    };
  }

  /** Remembers the newest event seq delivered. */
  saveLastSeq(seq: number): void {
    const session = this.current;
    if (!session || seq <= session.lastSeq) return;
    session.lastSeq = seq;
    // Chained so writes land in order; a failed write only costs a longer replay next time.
    this.#persist = this.#persist.then(() => this.#store.putSession({ ...session })).catch(() => undefined);
  }

  /** Resolves once every seq write so far has landed. */
  settled(): Promise<void> {
    return this.#persist;
  }

  /** Forgets who the visitor is and the session (the store is the client's to clear). */
  forget(): void {
    this.identity = undefined;
    this.attributes = this.#options.attributes;
    this.profile = {};
    this.current = null;
  }
}
