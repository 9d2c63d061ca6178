import { CASE_TRANSITIONS, CasekitError, QUICK_REPLY_CONTENT_TYPE, ROLES } from '@casekit/protocol';
import type {
  Agent,
  Attachment,
  Case,
  CaseEvent,
  Channel,
  ChannelKind,
  Conversation,
  Customer,
  Message,
  NewCaseEvent,
  Page,
  Presence,
  Role,
  WorkspaceSettings,
} from '@casekit/protocol';
import type { RouteBody, RouteQuery } from '../requests.ts';

/** Who a mock token stands for. */
export type MockPrincipal =
  | { kind: 'agent'; agentId: string }
  | { kind: 'visitor'; customerId: string; channelId: string };

/** A customer writing in, as {@link MockDb.receive} takes it. */
export interface MockInbound {
  /** Channel id or kind the message comes in on (default: the first webchat channel). */
  channel?: string;
  /** An existing customer; otherwise one is found or created by `from`. */
  customerId?: string;
  /** The sender on that channel (email address, E.164 number, handle) and their name. */
  from?: { externalId: string; name?: string };
  text: string;
  clientMessageId?: string;
  attachments?: Attachment[];
}

/** A file uploaded to the mock API: its bytes, its attachment and who uploaded it. */
export interface MockUpload {
  bytes: Uint8Array;
  attachment: Attachment;
  owner: { kind: 'agent' | 'customer'; id: string };
}

const ACTIVE: ReadonlySet<Case['status']> = new Set(['new', 'open', 'pending', 'on_hold']);

/**
 * The in-memory state behind the mock API, with the same rules as the real engine where a
 * user would notice (versions, status moves, dedup on clientMessageId, an event log).
 * Tests and demos may read it and call its methods directly.
 */
export class MockDb {
  readonly workspaceId: string;
  settings: WorkspaceSettings = { reopenWindowHours: 72, displayName: 'casekit demo' };
  readonly agents = new Map<string, Agent>();
  readonly passwords = new Map<string, string>();
  readonly channels = new Map<string, Channel>();
  readonly customers = new Map<string, Customer>();
  readonly cases = new Map<string, Case>();
  readonly conversations = new Map<string, Conversation>();
  readonly messages: Message[] = [];
  readonly events: CaseEvent[] = [];
  readonly tokens = new Map<string, MockPrincipal>();
  /** Merged-away customer ids and where they live now. */
  readonly mergedCustomers = new Map<string, string>();
  /** Answers already given per Idempotency-Key. */
  readonly idempotent = new Map<string, unknown>();
  /** Uploaded files by id. */
  readonly uploads = new Map<string, MockUpload>();
  /** When each agent last read each case: `${agentId} ${caseId}` → time. */
  readonly reads = new Map<string, string>();
  #ids = 0;
  #clock: () => Date;
  #listeners = new Set<(event: CaseEvent) => void>();

  constructor(options: { workspaceId?: string; now?: () => Date } = {}) {
    this.workspaceId = options.workspaceId ?? 'ws_demo';
    this.#clock = options.now ?? (() => new Date());
  }

  /** A new id such as `c_12`. */
  id(prefix: string): string {
    return `${prefix}_${++this.#ids}`;
  }

  now(): string {
    return this.#clock().toISOString();
  }

  /** Replaces the clock (seeds use it to spread history over past days); returns the old one. */
  setClock(clock: () => Date): () => Date {
    const previous = this.#clock;
    this.#clock = clock;
    return previous;
  }

  /** Calls `listener` for every event appended from now on; returns the unsubscribe function. */
  subscribe(listener: (event: CaseEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: NewCaseEvent): CaseEvent {
    const stored = { ...event, seq: this.events.length + 1 } as CaseEvent;
    this.events.push(stored);
    for (const listener of this.#listeners) listener(stored);
    return stored;
  }

  get lastSeq(): number {
    return this.events.length;
  }

  // ---- lookups ----

  agent(id: string): Agent {
    const agent = this.agents.get(id);
    if (!agent) throw notFound('agent', id);
    return agent;
  }

  case(id: string): Case {
    const kase = this.cases.get(id);
    if (!kase) throw notFound('case', id);
    return kase;
  }

  /** A customer by id; merged-away ids resolve to the surviving profile. */
  customer(id: string): Customer {
    let current = id;
    for (let hops = 0; hops < 20 && this.mergedCustomers.has(current); hops++) current = this.mergedCustomers.get(current)!;
    const customer = this.customers.get(current);
    if (!customer) throw notFound('customer', id);
    return customer;
  }

  channel(idOrKind: string): Channel {
    const channel =
      this.channels.get(idOrKind) ?? [...this.channels.values()].find((c) => c.kind === (idOrKind as ChannelKind));
    if (!channel) throw notFound('channel', idOrKind);
    return channel;
  }

  /** Throws `forbidden` unless the agent has at least `role`. */
  requireRole(agent: Agent, role: Role | undefined): void {
    if (!role) return;
    if (ROLES.indexOf(agent.role) < ROLES.indexOf(role)) {
      throw new CasekitError('forbidden', `This needs the ${role} role; ${agent.name} is ${agent.role === 'admin' ? 'an' : 'a'} ${agent.role}.`);
    }
  }

  // ---- queries ----

  /** Records a read; an earlier time than the one kept is ignored, as on the server. */
  markRead(agentId: string, caseId: string, at?: string): string {
    const kase = this.case(caseId);
    // Up to now, or up to the case's last activity when seeded history runs ahead of the clock.
    at ??= kase.lastActivityAt > this.now() ? kase.lastActivityAt : this.now();
    const key = `${agentId} ${caseId}`;
    const kept = this.reads.get(key);
    if (!kept || kept < at) this.reads.set(key, at);
    return this.reads.get(key)!;
  }

  listCases(agent: Agent, query: RouteQuery<'listCases'>): Page<Case> & { readAt: Record<string, string> } {
    const q = query.q?.toLowerCase().replace(/^#/, '');
    const assignee = query.assignee === 'me' ? agent.id : query.assignee;
    const items = [...this.cases.values()]
      .filter((c) => !query.status || query.status.includes(c.status))
      .filter((c) => assignee === undefined || (assignee === 'unassigned' ? c.assigneeId === null : c.assigneeId === assignee))
      .filter((c) => !query.team || c.team === query.team)
      .filter((c) => !query.channel || c.channels.some((k) => query.channel!.includes(k)))
      .filter((c) => !query.priority || query.priority.includes(c.priority))
      .filter((c) => !query.tag || c.tags.includes(query.tag))
      .filter((c) => !query.customerId || c.customerId === this.customer(query.customerId).id)
      .filter(
        (c) =>
          !q ||
          c.subject.toLowerCase().includes(q) ||
          c.preview.toLowerCase().includes(q) ||
          String(c.number) === q,
      )
      .sort((a, b) => (a.lastActivityAt < b.lastActivityAt ? 1 : a.lastActivityAt > b.lastActivityAt ? -1 : b.number - a.number));
    const page = paginate(items, query.limit, query.cursor);
    const readAt: Record<string, string> = {};
    for (const kase of page.items) {
      const at = this.reads.get(`${agent.id} ${kase.id}`);
      if (at) readAt[kase.id] = at;
    }
    return { ...page, readAt };
  }

  listMessages(filter: { caseId?: string; customerId?: string; conversationId?: string; publicOnly?: boolean }, limit?: number, cursor?: string): Page<Message> {
    const items = this.messages.filter(
      (m) =>
        (!filter.caseId || m.caseId === filter.caseId) &&
        (!filter.customerId || m.customerId === filter.customerId) &&
        (!filter.conversationId || m.conversationId === filter.conversationId) &&
        (!filter.publicOnly || !m.internal),
    );
    return paginate(items, limit, cursor);
  }

  searchCustomers(q: string | undefined, limit?: number, cursor?: string): Page<Customer> {
    const needle = q?.toLowerCase();
    const items = [...this.customers.values()]
      .filter(
        (c) =>
          !needle ||
          c.name.toLowerCase().includes(needle) ||
          c.emails.some((e) => e.includes(needle)) ||
          c.phones.some((p) => p.includes(needle)) ||
          c.identities.some((i) => i.externalId.toLowerCase().includes(needle)),
      )
      .sort((a, b) => a.name.localeCompare(b.name));
    return paginate(items, limit, cursor);
  }

  /** Everything that happened with a customer, newest first. */
  timeline(customerId: string, limit?: number, cursor?: string): Page<CaseEvent> {
    const id = this.customer(customerId).id;
    const items = this.events.filter((e) => e.customerId === id).reverse();
    return paginate(items, limit, cursor);
  }

  /** Whether a human agent is online, and the place of the customer's active case among unassigned new and open ones. */
  visitorStatus(customerId: string | undefined): { agentsAvailable: boolean; queuePosition: number | null } {
    const agentsAvailable = [...this.agents.values()].some((a) => a.kind === 'human' && a.presence === 'online');
    if (!customerId) return { agentsAvailable, queuePosition: null };
    const id = this.customer(customerId).id;
    const active = [...this.cases.values()]
      .filter((c) => c.customerId === id && ACTIVE.has(c.status))
      .sort((a, b) => (a.lastActivityAt < b.lastActivityAt ? 1 : -1))[0];
    const waiting = (c: Case) => c.assigneeId === null && (c.status === 'new' || c.status === 'open');
    if (!active || !waiting(active)) return { agentsAvailable, queuePosition: null };
    const ahead = [...this.cases.values()].filter((c) => waiting(c) && c.createdAt < active.createdAt).length;
    return { agentsAvailable, queuePosition: ahead + 1 };
  }

  // ---- commands ----

  /** Keeps an uploaded file; its URL is under `/api/v1/uploads/`, like the real server's default. */
  upload(bytes: Uint8Array, name: string, contentType: string, owner: MockUpload['owner']): Attachment {
    const random = crypto.getRandomValues(new Uint8Array(18));
    const id = `up_${btoa(String.fromCharCode(...random)).replace(/\+/g, '-').replace(/\//g, '_')}`;
    const attachment: Attachment = { name, contentType, size: bytes.byteLength, url: `/api/v1/uploads/${id}` };
    this.uploads.set(id, { bytes, attachment, owner });
    return attachment;
  }

  /** Checks a message's attachments as the server does: uploads of this API (for a visitor, their own), answered with the stored facts. */
  resolveAttachments(attachments: Attachment[] | undefined, visitorCustomerId: string | null): Attachment[] | undefined {
    if (!attachments?.length) return attachments;
    const issues: { path: string; message: string }[] = [];
    const resolved = attachments.map((a, i) => {
      if (visitorCustomerId === null && a.contentType === QUICK_REPLY_CONTENT_TYPE) return a;
      const id = /\/uploads\/(up_[A-Za-z0-9_-]+)$/.exec(a.url)?.[1];
      const upload = id ? this.uploads.get(id) : undefined;
      const mine = visitorCustomerId === null || (upload?.owner.kind === 'customer' && this.customer(upload.owner.id).id === visitorCustomerId);
      if (!upload || !mine) issues.push({ path: `body.attachments.${i}.url`, message: 'must be the url of a file uploaded to this server' });
      return upload?.attachment ?? a;
    });
    if (issues.length) {
      throw new CasekitError('validation_failed', `Invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`, {
        details: { issues },
      });
    }
    return resolved;
  }

  /** A customer writes in: finds or creates the customer, threads into their active case or opens one. */
  receive(input: MockInbound): { message: Message; case: Case } {
    const channel = this.channel(input.channel ?? 'webchat');
    const at = this.now();
    let customer: Customer | undefined = input.customerId ? this.customer(input.customerId) : undefined;
    if (!customer && input.from) {
      customer = [...this.customers.values()].find((c) =>
        c.identities.some((i) => i.channelId === channel.id && i.externalId === input.from!.externalId),
      );
    }
    if (!customer) {
      customer = this.addCustomer({
        name: input.from?.name ?? 'Website visitor',
        identities: input.from ? [{ channelId: channel.id, kind: channel.kind, externalId: input.from.externalId }] : [],
      });
    }
    if (input.clientMessageId) {
      const seen = this.messages.find((m) => m.customerId === customer.id && m.clientMessageId === input.clientMessageId);
      if (seen) return { message: seen, case: this.case(seen.caseId) };
    }
    let kase = [...this.cases.values()]
      .filter((c) => c.customerId === customer.id && ACTIVE.has(c.status))
      .sort((a, b) => (a.lastActivityAt < b.lastActivityAt ? 1 : -1))[0];
    if (!kase) kase = this.openCase(customer, channel, input.text, at);
    let conversation = [...this.conversations.values()].find((c) => c.caseId === kase.id && c.channelId === channel.id);
    if (!conversation) {
      conversation = {
        id: this.id('cv'),
        workspaceId: this.workspaceId,
        caseId: kase.id,
        customerId: customer.id,
        channelId: channel.id,
        channelKind: channel.kind,
        externalThreadId: null,
        createdAt: at,
        lastMessageAt: at,
      };
    }
    this.conversations.set(conversation.id, { ...conversation, lastMessageAt: at });
    const message: Message = {
      id: this.id('m'),
      workspaceId: this.workspaceId,
      caseId: kase.id,
      conversationId: conversation.id,
      customerId: customer.id,
      channelId: channel.id,
      channelKind: channel.kind,
      direction: 'inbound',
      authorKind: 'customer',
      authorId: null,
      authorName: customer.name,
      internal: false,
      text: input.text,
      attachments: input.attachments ?? [],
      providerMessageId: null,
      clientMessageId: input.clientMessageId ?? null,
      status: 'delivered',
      createdAt: at,
    };
    this.messages.push(message);
    const after: Case = {
      ...kase,
      status: kase.status === 'pending' ? 'open' : kase.status,
      channels: kase.channels.includes(channel.kind) ? kase.channels : [...kase.channels, channel.kind],
      preview: preview(input.text),
      messageCount: kase.messageCount + 1,
      lastActivityAt: at,
      updatedAt: at,
      version: kase.version + 1,
    };
    this.cases.set(after.id, after);
    this.emit({ ...this.base(kase, at, null), type: 'message.created', data: { message, case: after } });
    return { message, case: after };
  }

  /** An agent's reply (internal: false) or note (internal: true). */
  agentMessage(
    agent: Agent,
    caseId: string,
    body: RouteBody<'reply'> | RouteBody<'addNote'>,
    internal: boolean,
  ): Message {
    if (body.clientMessageId) {
      const seen = this.messages.find((m) => m.authorId === agent.id && m.clientMessageId === body.clientMessageId);
      if (seen) return seen;
    }
    const kase = this.case(caseId);
    if (!internal && kase.status === 'closed') {
      throw new CasekitError('invalid_transition', `Case #${kase.number} is closed; replies go to a new case.`);
    }
    const conversationId = 'conversationId' in body ? body.conversationId : undefined;
    const conversations = [...this.conversations.values()].filter((c) => c.caseId === kase.id);
    const conversation = conversationId
      ? conversations.find((c) => c.id === conversationId)
      : conversations.sort((a, b) => (a.lastMessageAt < b.lastMessageAt ? 1 : -1))[0];
    if (!conversation) {
      if (conversationId) throw notFound('conversation in this case', conversationId);
      throw new CasekitError('conflict', `Case #${kase.number} has no conversation to reply on.`);
    }
    const at = this.now();
    const message: Message = {
      id: this.id('m'),
      workspaceId: this.workspaceId,
      caseId: kase.id,
      conversationId: conversation.id,
      customerId: kase.customerId,
      channelId: conversation.channelId,
      channelKind: conversation.channelKind,
      direction: 'outbound',
      authorKind: agent.kind === 'bot' ? 'bot' : 'agent',
      authorId: agent.id,
      authorName: agent.name,
      internal,
      text: body.text,
      attachments: body.attachments ?? [],
      providerMessageId: null,
      clientMessageId: body.clientMessageId ?? null,
      status: 'sent',
      createdAt: at,
    };
    this.messages.push(message);
    if (!internal) this.conversations.set(conversation.id, { ...conversation, lastMessageAt: at });
    const after: Case = {
      ...kase,
      status: !internal && kase.status === 'new' ? 'open' : kase.status,
      assigneeId: !internal && kase.assigneeId === null && agent.kind === 'human' ? agent.id : kase.assigneeId,
      preview: internal ? kase.preview : preview(body.text),
      messageCount: kase.messageCount + 1,
      lastActivityAt: at,
      updatedAt: at,
      version: kase.version + 1,
    };
    this.cases.set(after.id, after);
    this.markRead(agent.id, kase.id, at);
    const changes = diff(kase, after, ['status', 'assigneeId']);
    if (Object.keys(changes).length) this.emit({ ...this.base(kase, at, agent.id), type: 'case.updated', data: { case: after, changes } });
    this.emit({ ...this.base(kase, at, agent.id), type: 'message.created', data: { message, case: after } });
    return message;
  }

  updateCase(agent: Agent, caseId: string, body: RouteBody<'updateCase'>): Case {
    const kase = this.case(caseId);
    if (body.version !== kase.version) {
      throw new CasekitError(
        'version_conflict',
        `Case #${kase.number} changed since version ${body.version}; reload it (now version ${kase.version}).`,
        { details: { currentVersion: kase.version } },
      );
    }
    if (body.status !== undefined && body.status !== kase.status) {
      const allowed: readonly string[] = CASE_TRANSITIONS[kase.status];
      if (!allowed.includes(body.status)) {
        throw new CasekitError('invalid_transition', `A ${kase.status} case cannot become ${body.status}.`);
      }
    }
    if (body.assigneeId) this.agent(body.assigneeId);
    const at = this.now();
    const next: Case = {
      ...kase,
      ...(body.status !== undefined && { status: body.status }),
      ...(body.priority !== undefined && { priority: body.priority }),
      ...(body.assigneeId !== undefined && { assigneeId: body.assigneeId }),
      ...(body.team !== undefined && { team: body.team }),
      ...(body.tags !== undefined && { tags: [...new Set(body.tags)] }),
      ...(body.subject !== undefined && { subject: body.subject }),
    };
    if (next.status !== kase.status) next.solvedAt = next.status === 'solved' ? at : next.status === 'closed' ? kase.solvedAt : null;
    const changes = diff(kase, next, ['status', 'priority', 'assigneeId', 'team', 'tags', 'subject']);
    if (!Object.keys(changes).length) return kase;
    const after: Case = { ...next, updatedAt: at, version: kase.version + 1 };
    this.cases.set(after.id, after);
    this.emit({ ...this.base(kase, at, agent.id), type: 'case.updated', data: { case: after, changes } });
    return after;
  }

  mergeCase(agent: Agent, sourceId: string, targetId: string): Case {
    if (sourceId === targetId) throw new CasekitError('bad_request', 'A case cannot be merged into itself.');
    const source = this.case(sourceId);
    const target = this.case(targetId);
    if (source.status === 'closed' || target.status === 'closed') {
      throw new CasekitError('invalid_transition', 'Closed cases cannot be merged.');
    }
    const at = this.now();
    for (const c of this.conversations.values()) if (c.caseId === source.id) this.conversations.set(c.id, { ...c, caseId: target.id });
    let moved = 0;
    this.messages.forEach((m, i) => {
      if (m.caseId === source.id) {
        this.messages[i] = { ...m, caseId: target.id };
        moved++;
      }
    });
    const closed: Case = { ...source, status: 'closed', messageCount: 0, updatedAt: at, version: source.version + 1 };
    const after: Case = {
      ...target,
      channels: [...new Set([...target.channels, ...source.channels])],
      tags: [...new Set([...target.tags, ...source.tags])],
      messageCount: target.messageCount + moved,
      lastActivityAt: source.lastActivityAt > target.lastActivityAt ? source.lastActivityAt : target.lastActivityAt,
      updatedAt: at,
      version: target.version + 1,
    };
    this.cases.set(closed.id, closed);
    this.cases.set(after.id, after);
    this.emit({ ...this.base(source, at, agent.id), type: 'case.merged', data: { sourceCaseId: source.id, targetCaseId: target.id } });
    this.emit({ ...this.base(source, at, agent.id), type: 'case.updated', data: { case: closed, changes: { status: [source.status, 'closed'] } } });
    this.emit({ ...this.base(target, at, agent.id), type: 'case.updated', data: { case: after, changes: {} } });
    return after;
  }

  updateCustomer(agent: Agent | null, customerId: string, body: RouteBody<'updateCustomer'>): Customer {
    const customer = this.customer(customerId);
    const after: Customer = {
      ...customer,
      ...(body.name !== undefined && { name: body.name }),
      ...(body.emails !== undefined && { emails: [...new Set(body.emails.map((e) => e.toLowerCase()))] }),
      ...(body.phones !== undefined && { phones: [...new Set(body.phones)] }),
      ...(body.attributes !== undefined && { attributes: { ...customer.attributes, ...body.attributes } }),
      updatedAt: this.now(),
    };
    this.customers.set(after.id, after);
    this.emit({
      workspaceId: this.workspaceId,
      at: after.updatedAt,
      actorId: agent?.id ?? null,
      caseId: null,
      customerId: after.id,
      type: 'customer.updated',
      data: { customer: after },
    });
    return after;
  }

  mergeCustomers(agent: Agent, targetId: string, sourceId: string): Customer {
    const target = this.customer(targetId);
    const source = this.customer(sourceId);
    if (target.id === source.id) throw new CasekitError('bad_request', 'A customer cannot be merged into itself.');
    const at = this.now();
    const after: Customer = {
      ...target,
      emails: [...new Set([...target.emails, ...source.emails])],
      phones: [...new Set([...target.phones, ...source.phones])],
      identities: [...target.identities, ...source.identities],
      attributes: { ...source.attributes, ...target.attributes },
      splynxId: target.splynxId ?? source.splynxId,
      updatedAt: at,
    };
    this.customers.set(after.id, after);
    this.customers.delete(source.id);
    this.mergedCustomers.set(source.id, target.id);
    for (const [id, c] of this.cases) if (c.customerId === source.id) this.cases.set(id, { ...c, customerId: target.id });
    for (const [id, c] of this.conversations) if (c.customerId === source.id) this.conversations.set(id, { ...c, customerId: target.id });
    this.messages.forEach((m, i) => {
      if (m.customerId === source.id) this.messages[i] = { ...m, customerId: target.id };
    });
    for (const [token, p] of this.tokens) {
      if (p.kind === 'visitor' && p.customerId === source.id) this.tokens.set(token, { ...p, customerId: target.id });
    }
    const base = { workspaceId: this.workspaceId, at, actorId: agent.id, caseId: null, customerId: target.id };
    this.emit({ ...base, type: 'customer.merged', data: { sourceId: source.id, targetId: target.id } });
    this.emit({ ...base, type: 'customer.updated', data: { customer: after } });
    return after;
  }

  setPresence(agentId: string, presence: Presence): Agent {
    const agent = { ...this.agent(agentId), presence };
    this.agents.set(agent.id, agent);
    this.emit({
      workspaceId: this.workspaceId,
      at: this.now(),
      actorId: agent.id,
      caseId: null,
      customerId: null,
      type: 'agent.presence',
      data: { agentId: agent.id, presence },
    });
    return agent;
  }

  // ---- building blocks (also used by seeds) ----

  addAgent(input: Partial<Agent> & { name: string; email: string }, password = 'casekit-demo'): Agent {
    const agent: Agent = {
      id: input.id ?? this.id('a'),
      workspaceId: this.workspaceId,
      kind: 'human',
      role: 'agent',
      teams: [],
      skills: [],
      languages: ['en'],
      capacity: { webchat: 3, email: 10 },
      presence: 'online',
      createdAt: this.now(),
      ...input,
      email: input.email.toLowerCase(),
    };
    this.agents.set(agent.id, agent);
    this.passwords.set(agent.email, password);
    return agent;
  }

  addChannel(input: Partial<Channel> & { kind: ChannelKind; name: string }): Channel {
    const channel: Channel = { id: input.id ?? this.id('ch'), workspaceId: this.workspaceId, createdAt: this.now(), ...input };
    this.channels.set(channel.id, channel);
    return channel;
  }

  addCustomer(input: Partial<Customer> & { name: string }): Customer {
    const at = this.now();
    const customer: Customer = {
      id: input.id ?? this.id('cu'),
      workspaceId: this.workspaceId,
      emails: [],
      phones: [],
      identities: [],
      splynxId: null,
      attributes: {},
      createdAt: at,
      updatedAt: at,
      ...input,
    };
    this.customers.set(customer.id, customer);
    this.emit({
      workspaceId: this.workspaceId,
      at,
      actorId: null,
      caseId: null,
      customerId: customer.id,
      type: 'customer.created',
      data: { customer },
    });
    return customer;
  }

  openCase(customer: Customer, channel: Channel, firstText: string, at: string): Case {
    const kase: Case = {
      id: this.id('c'),
      workspaceId: this.workspaceId,
      number: this.cases.size + 1,
      subject: preview(firstText, 80),
      status: 'new',
      priority: 'normal',
      customerId: customer.id,
      assigneeId: null,
      team: null,
      skills: [],
      tags: [],
      channels: [channel.kind],
      preview: preview(firstText),
      messageCount: 0,
      createdAt: at,
      updatedAt: at,
      lastActivityAt: at,
      solvedAt: null,
      version: 1,
    };
    this.cases.set(kase.id, kase);
    this.emit({ ...this.base(kase, at, null), type: 'case.created', data: { case: kase } });
    return kase;
  }

  base(kase: Case, at: string, actorId: string | null) {
    return { workspaceId: this.workspaceId, at, actorId, caseId: kase.id, customerId: kase.customerId };
  }
}

function notFound(what: string, id: string): CasekitError {
  return new CasekitError('not_found', `No ${what} with id "${id}" in this workspace.`);
}

function preview(text: string, max = 140): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function diff<T extends object>(before: T, after: T, keys: Array<keyof T & string>): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {};
  for (const key of keys) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = [before[key], after[key]];
  }
  return changes;
}

/** Offset pagination; the cursor is the offset as a string. */
function paginate<T>(items: T[], limit = 50, cursor?: string): Page<T> {
  const start = cursor ? Number.parseInt(cursor, 10) : 0;
  if (!Number.isFinite(start) || start < 0) {
    throw new CasekitError('invalid_cursor', `cursor "${cursor}" is not one this API gave out; start again without it.`);
  }
  const page = items.slice(start, start + limit);
  return { items: page, nextCursor: start + limit < items.length ? String(start + limit) : null };
}
