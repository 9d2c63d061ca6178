import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ContextConsumer } from '@lit/context';
import type { AgentClient } from '@casekit/sdk';
import { roleAtLeast } from '@casekit/protocol';
import type { Agent, Role } from '@casekit/protocol';
import { ClientController } from '../client-controller.ts';
import { agentClientContext } from '../context.ts';
import { resolveLang } from '../i18n.ts';
import { currentAgent } from './agents.ts';

/** An admin view: a Lit element with a `client` property that wins over the provided one. */
type AdminHost = ReactiveControllerHost & HTMLElement & { readonly client: AgentClient | undefined };

interface AdminLoadOptions<T> {
  /** Fetches what the view shows. */
  load: (client: AgentClient) => Promise<T>;
  /** Takes a current answer; answers of a load overtaken by a later one never arrive here. */
  loaded: (data: T) => void;
  /** The message shown for a failed load. */
  failed: (err: unknown) => string;
  /** The role the signed-in agent needs for `allowed`; given, the agent is fetched with each load. */
  needs?: Role;
  /** Keep the last error and skip `loading` while a load runs: for views that reload in the background. */
  quiet?: boolean;
  /** Client events to follow while connected. */
  on?: Record<string, (...args: never[]) => void>;
  /** What to do when a client is attached or changes; loads by default. */
  attached?: (client: AgentClient) => void;
}

/**
 * Loads an admin view's data from its agent client (the `client` property, else the provided one)
 * and loads again when the client changes; keeps the loading and error state, drops answers a
 * later load overtook, and resolves the view's language on connect.
 * @example
 * loader = new AdminLoadController(this, { load: (c) => c.listAgents(), loaded: (r) => (this.agents = r.items), failed: String, needs: 'admin' });
 */
export class AdminLoadController<T> implements ReactiveController {
  /** A load is under way (never set for `quiet` views). */
  loading = false;
  /** Why the last load failed, or ''. */
  error = '';
  /** The language the view speaks. */
  locale = 'en';
  /** The signed-in agent as of the last load, with `needs`. */
  me: Agent | undefined;
  /** Whether the signed-in agent holds the role `needs` names. */
  allowed = false;

  private readonly host: AdminHost;
  private readonly options: AdminLoadOptions<T>;
  private readonly provided: ContextConsumer<typeof agentClientContext, AdminHost>;
  private readonly conn: ClientController<AgentClient>;
  private token = 0;

  constructor(host: AdminHost, options: AdminLoadOptions<T>) {
    this.host = host;
    this.options = options;
    host.addController(this);
    this.provided = new ContextConsumer(host, { context: agentClientContext, subscribe: true });
    this.conn = new ClientController<AgentClient>(host, {
      client: () => host.client ?? this.provided.value,
      on: options.on ?? {},
      attached: options.attached ?? (() => void this.reload()),
    });
  }

  /** The client the view is attached to, if any. */
  get client(): AgentClient | undefined {
    return this.conn.client;
  }

  hostConnected(): void {
    const locale = resolveLang(this.host);
    if (locale !== this.locale) this.set({ locale });
  }

  /** Loads again; resolves true when this load's answer (or failure) is the one shown. */
  async reload(): Promise<boolean> {
    const { client } = this.conn;
    const token = ++this.token;
    if (!client) return false;
    const { needs, quiet } = this.options;
    if (!quiet) this.set({ loading: true, error: '' });
    try {
      const [me, data] = await Promise.all([needs ? currentAgent(client) : undefined, this.options.load(client)]);
      if (token !== this.token) return false;
      if (me && needs) this.set({ me, allowed: roleAtLeast(me.role, needs) });
      this.options.loaded(data);
      if (quiet) this.set({ error: '' });
    } catch (err) {
      if (token !== this.token) return false;
      this.set({ error: this.options.failed(err) });
    } finally {
      if (token === this.token && !quiet) this.set({ loading: false });
    }
    return true;
  }

  private set(changes: Partial<Pick<this, 'loading' | 'error' | 'locale' | 'me' | 'allowed'>>): void {
    Object.assign(this, changes);
    this.host.requestUpdate();
  }
}
