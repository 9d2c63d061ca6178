import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { provide } from '@lit/context';
import { createAgentClient } from '@casekit/sdk';
import type { AgentClient } from '@casekit/sdk';
import { PERMISSIONS, PRESENCES, roleAtLeast } from '@casekit/protocol';
import type { Agent, Case, Presence } from '@casekit/protocol';
import type { CasekitApiError } from '@casekit/sdk';
import { formControlStyles, themeStyles } from '../internal/theme.ts';
import { workbenchStyles } from './workbench.styles.ts';
import { ClientController } from '../client-controller.ts';
import { agentClientContext } from '../context.ts';
import { errorMessage, resolveLang, translate, type MessageKey } from '../i18n.ts';
import '../internal/messages-chat.ts';
import '../internal/messages-agent.ts';
import '../internal/messages-errors.ts';
import * as icons from '../internal/icons.ts';
import { currentAgent } from '../internal/agents.ts';
import type { CaseSelectEvent } from '../events.ts';
import '../inbox/inbox.ts';
import '../timeline/timeline.ts';
import '../composer/composer.ts';
import '../case/case.ts';
import type { CannedResponse } from '../composer/composer.ts';
import type { CasekitComposer } from '../composer/composer.ts';
import type { PasswordDialog } from './password-dialog.ts';

/** Fired after the built-in sign-in form signed an agent in; `event.token` may be kept by the host. */
export class SignedInEvent extends Event {
  static readonly eventName = 'casekit-signed-in';
  readonly token: string;
  constructor(token: string) {
    super(SignedInEvent.eventName, { bubbles: true, composed: true });
    this.token = token;
  }
}

/** Fired when the agent signed out from the workbench, or their sign-in ended (deactivated, signed out elsewhere); `event.reason`. */
export class SignedOutEvent extends Event {
  static readonly eventName = 'casekit-signed-out';
  /** `sign-out` when the agent chose to; otherwise the error code that ended the sign-in (`unauthorized`, `agent_deactivated`). */
  readonly reason: string;
  constructor(reason: string) {
    super(SignedOutEvent.eventName, { bubbles: true, composed: true });
    this.reason = reason;
  }
}

/** What the workbench shows in place of the case, each element loaded on first use. */
type Panel = 'settings' | 'agents' | 'bots' | 'queue' | 'routing' | 'sla' | 'splynx';

/** Each panel's title, the label of its close button and the part of the button that opened it (focused on close). */
const PANEL_TEXT: Record<Panel, { title: MessageKey; close: MessageKey; opener: string }> = {
  settings: { title: 'workbench.settings', close: 'workbench.closeSettings', opener: 'settings-button' },
  agents: { title: 'workbench.agents', close: 'workbench.closeAgents', opener: 'account-button' },
  bots: { title: 'workbench.bots', close: 'workbench.closeBots', opener: 'account-button' },
  queue: { title: 'workbench.queue', close: 'workbench.closeQueue', opener: 'queue-button' },
  routing: { title: 'workbench.routing', close: 'workbench.closeRouting', opener: 'routing-button' },
  sla: { title: 'workbench.sla', close: 'workbench.closeSla', opener: 'account-button' },
  splynx: { title: 'workbench.splynx', close: 'workbench.closeSplynx', opener: 'account-button' },
};

/** Error codes that mean the sign-in has ended and only signing in again helps. */
const SIGNED_OUT_CODES = new Set(['unauthorized', 'agent_deactivated']);

/**
 * The agent workbench: unified inbox, the case's cross-channel timeline and composer, and the
 * case details, in one element. Three columns on a wide page, tabs on a medium one, and one pane
 * at a time in a side panel down to about 360px. Provides the agent client to everything inside.
 * Admins also get a "Channel settings" button under the inbox, which opens
 * `<casekit-channel-settings>` in place of the case, and a "Routing" button for
 * `<casekit-routing-settings>`; supervisors and admins a "Live queue" button,
 * which opens `<casekit-queue>` there (choosing a case in it opens the case).
 *
 * The header holds the agent's presence (online, away, offline: stored on the server and shown
 * to the other agents) and an account menu: change password, sign out (the token is revoked on
 * the server, then the sign-in form shows), and for admins "Agents", which opens
 * `<casekit-agents>` in place of the case, "Bots", which opens `<casekit-bots>`, "SLA policies",
 * which opens `<casekit-sla-settings>`, and "Splynx sync", which opens `<casekit-splynx-sync>`. When the server ends the sign-in (the agent was
 * deactivated or signed out elsewhere), the sign-in form shows with the reason.
 *
 * @example
 * <casekit-workbench base-url="https://casekit.example.com" token="…"></casekit-workbench>
 *
 * @slot integrations - Passed to the case panel (billing, CRM links…).
 *
 * @event casekit-case-select - A case was opened (bubbles from the inbox).
 * @event casekit-message-sent - A reply or note was sent (bubbles from the composer).
 * @event casekit-signed-in - The built-in sign-in form succeeded, or the password was changed (which replaces the token); `event.token`.
 * @event casekit-signed-out - The agent signed out, or the server ended the sign-in; `event.reason`.
 * @event casekit-channel-saved - An admin created a channel or enabled / disabled one (bubbles from the channel settings).
 *
 * @csspart inbox - The inbox column.
 * @csspart main - The conversation column.
 * @csspart side - The case details column.
 * @csspart settings-button - "Channel settings", under the inbox (admins).
 * @csspart queue-button - "Live queue", under the inbox (supervisors and admins).
 * @csspart routing-button - "Routing", under the inbox (admins).
 * @csspart header - The top bar with presence and the account menu.
 * @csspart presence - The presence select.
 * @csspart account-button - The button that opens the account menu.
 * @csspart account-menu - The account menu.
 * @csspart password-dialog - The change-password dialog.
 *
 * @cssproperty --casekit-workbench-inbox-width - Width of the inbox column (default 340px).
 * @cssproperty --casekit-workbench-side-width - Width of the details column (default 320px).
 */
@customElement('casekit-workbench')
export class CasekitWorkbench extends LitElement {
  static override styles = [themeStyles, formControlStyles, workbenchStyles];

  /** Origin of the casekit server (used when no `client` is given). */
  @property({ attribute: 'base-url' }) accessor baseUrl = '';
  /** An agent token (used when no `client` is given); without one a sign-in form is shown. */
  @property() accessor token = '';
  /** An agent client made by the host; it is provided to every widget inside. */
  @property({ attribute: false }) accessor client: AgentClient | undefined;
  /** Canned responses offered in the composer. */
  @property({ attribute: false }) accessor canned: CannedResponse[] = [];
  /** Id of the open case. */
  @property({ reflect: true }) accessor selected = '';
  /** `light` or `dark` to pin the colour scheme. */
  @property({ reflect: true }) accessor theme: 'light' | 'dark' | undefined;

  @provide({ context: agentClientContext })
  @state()
  private accessor provided: AgentClient | undefined;

  @state() private accessor current: Case | undefined;
  @state() private accessor tab: 'conversation' | 'details' = 'conversation';
  /** The cases, or the channel settings, the agents (admins) or the live queue (supervisors) in place of the open case. */
  @state() private accessor view: 'cases' | Panel = 'cases';
  /** Whether the signed-in agent may change channels (admins). */
  @state() private accessor canEditChannels = false;
  @state() private accessor signInError = '';
  /** The signed-in agent, as the header shows them. */
  @state() private accessor me: Agent | undefined;
  @state() private accessor menuOpen = false;
  @state() private accessor presenceError = '';
  /** The change-password dialog, loaded the first time an agent opens it. */
  private passwordDialog: PasswordDialog | undefined;
  @state() private accessor announcement = '';
  @state() private accessor signingIn = false;
  @state() private accessor locale = 'en';

  @query('casekit-composer') private accessor composer: CasekitComposer | null = null;

  private ownClient: AgentClient | undefined;

  private readonly conn = new ClientController<AgentClient>(this, {
    client: () => this.provided,
    on: {
      case: (c: Case) => {
        if (this.current && c.id === this.current.id && c.version >= this.current.version) this.current = c;
      },
      presence: ({ agentId, presence }: { agentId: string; presence: Presence }) => {
        if (this.me?.id === agentId) this.me = { ...this.me, presence };
      },
      agent: (agent: Agent) => {
        if (this.me?.id === agent.id) this.setMe(agent);
      },
      error: (error: CasekitApiError) => {
        if (SIGNED_OUT_CODES.has(error.code)) this.endSession(error.code, error.message);
      },
    },
    attached: (client) => {
      // Realtime of a host's own client is the host's call; a client made here connects itself.
      if (client === this.ownClient && client.token && client.connection === 'idle') client.connect();
      this.canEditChannels = false;
      this.me = undefined;
      void currentAgent(client).then(
        (me) => {
          if (this.conn.client === client) this.setMe(me);
        },
        (error: unknown) => {
          const code = (error as { code?: unknown }).code;
          if (this.conn.client === client && typeof code === 'string' && SIGNED_OUT_CODES.has(code)) this.endSession(code, (error as Error).message);
        },
      );
    },
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.locale = resolveLang(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.ownClient?.disconnect();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client') || changed.has('baseUrl') || changed.has('token')) {
      if (this.client) {
        this.provided = this.client;
      } else if (this.token) {
        if (!this.ownClient || changed.has('baseUrl')) {
          this.ownClient?.disconnect();
          this.ownClient = createAgentClient({ baseUrl: this.baseUrl || location.origin, token: this.token });
        } else {
          this.ownClient.setToken(this.token);
        }
        this.provided = this.ownClient;
      } else if (!this.ownClient?.token) {
        this.provided = undefined;
      }
    }
  }

  private setMe(me: Agent): void {
    this.me = me;
    this.canEditChannels = roleAtLeast(me.role, PERMISSIONS.updateChannel);
  }

  /** Back to the sign-in form, saying why. */
  private endSession(reason: string, message: string): void {
    if (!this.provided) return;
    this.ownClient?.disconnect();
    this.provided = undefined;
    this.me = undefined;
    this.menuOpen = false;
    this.view = 'cases';
    this.current = undefined;
    this.selected = '';
    this.signInError = message;
    this.dispatchEvent(new SignedOutEvent(reason));
  }

  /** Signs out: the server refuses the token from now on; the sign-in form shows. */
  async signOut(): Promise<void> {
    const client = this.provided;
    if (!client) return;
    try {
      await client.signOut();
    } catch {
      // The client forgot the token anyway; a server that cannot be reached lets it expire.
    }
    this.endSession('sign-out', '');
    this.token = '';
    this.announcement = this.t('workbench.signedOut');
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('#wb-email')?.focus());
  }

  private async setPresence(e: Event): Promise<void> {
    const select = e.target as HTMLSelectElement;
    const client = this.provided;
    if (!client || !this.me) return;
    const previous = this.me.presence;
    const presence = select.value as Presence;
    this.presenceError = '';
    // Shown at once; what realtime says afterwards (another tab, a supervisor) wins over the answer.
    this.me = { ...this.me, presence };
    try {
      await client.setPresence(presence);
    } catch (err) {
      if (this.me?.presence === presence) this.me = { ...this.me, presence: previous };
      this.presenceError = err instanceof Error ? err.message : String(err);
    }
  }

  private toggleMenu(open = !this.menuOpen): void {
    this.menuOpen = open;
    if (open) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part=account-menu] button')?.focus());
  }

  private closeMenu(focusButton: boolean): void {
    this.menuOpen = false;
    if (focusButton) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part=account-button]')?.focus());
  }

  private onMenuKey(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.stopPropagation();
      this.closeMenu(true);
    }
  }

  private onMenuFocusOut(e: FocusEvent): void {
    const next = e.relatedTarget as Node | null;
    const account = this.renderRoot.querySelector('.account');
    if (next && account && !account.contains(next)) this.menuOpen = false;
  }

  private async openPasswordDialog(): Promise<void> {
    this.menuOpen = false;
    if (!this.passwordDialog) {
      const { PasswordDialog } = await import('./password-dialog.ts');
      this.passwordDialog ??= new PasswordDialog(this, {
        t: (key) => this.t(key),
        client: () => this.provided,
        changed: (agent) => {
          this.me = agent;
          this.announcement = this.t('workbench.passwordChanged');
        },
      });
    }
    await this.passwordDialog.open();
  }

  /** Opens the agents (admins) in place of the case. */
  openAgents(): void {
    this.menuOpen = false;
    this.showPanel('agents', () => import('../agents/agents.ts'));
  }

  /** Opens the bots (admins) in place of the case. */
  openBots(): void {
    this.menuOpen = false;
    this.showPanel('bots', () => import('../bots/bots.ts'));
  }

  /**
   * Shows an admin panel in place of the case, its element loaded on first use: only admins open
   * them, so agents' pages never carry them.
   */
  private showPanel(view: Panel, load: () => Promise<unknown>): void {
    void load()
      .then(() => {
        this.view = view;
        this.tab = 'conversation';
        return this.updateComplete;
      })
      .then(() => this.renderRoot.querySelector<HTMLElement>('#wb-panel-title')?.focus());
  }

  private onSelect(e: CaseSelectEvent): void {
    this.current = e.case;
    this.selected = e.caseId;
    this.tab = 'conversation';
    this.view = 'cases';
  }

  /** Opens the channel settings in place of the case. */
  openSettings(): void {
    this.showPanel('settings', () => import('../channel-settings/channel-settings.ts'));
  }

  /** Opens the routing settings in place of the case (admins). */
  openRouting(): void {
    this.showPanel('routing', () => import('../routing-settings/routing-settings.ts'));
  }

  /** Opens the live queue in place of the case (supervisors and admins). */
  openQueue(): void {
    this.showPanel('queue', () => import('../queue/queue.ts'));
  }

  /** Opens the SLA policies and business hours (admins) in place of the case. */
  openSla(): void {
    this.menuOpen = false;
    this.showPanel('sla', () => import('../sla-settings/sla-settings.ts'));
  }

  /** Opens the Splynx sync's status, runs and log (admins) in place of the case. */
  openSplynx(): void {
    this.menuOpen = false;
    this.showPanel('splynx', () => import('../splynx-sync/splynx-sync.ts'));
  }

  /** Goes back from a panel (channel settings, agents, live queue, routing, SLA) to the case (or the inbox). */
  closeSettings(): void {
    const from = this.view;
    this.view = 'cases';
    const back = from === 'cases' ? '[part=settings-button]' : `[part=${PANEL_TEXT[from].opener}]`;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(back)?.focus());
  }

  private renderPanel(view: Panel) {
    const { title, close } = PANEL_TEXT[view];
    return html`<div class="bar">
        <h2 id="wb-panel-title" tabindex="-1">${this.t(title)}</h2>
        <button class="close" type="button" aria-label=${this.t(close)} @click=${this.closeSettings}>${icons.close}</button>
      </div>
      ${view === 'agents'
        ? html`<casekit-agents .theme=${this.theme}></casekit-agents>`
        : view === 'bots'
          ? html`<casekit-bots .theme=${this.theme}></casekit-bots>`
          : view === 'queue'
            ? html`<casekit-queue .theme=${this.theme} @casekit-case-select=${this.onSelect}></casekit-queue>`
            : view === 'routing'
              ? html`<casekit-routing-settings .theme=${this.theme}></casekit-routing-settings>`
              : view === 'sla'
                ? html`<casekit-sla-settings .theme=${this.theme}></casekit-sla-settings>`
                : view === 'splynx'
                  ? html`<casekit-splynx-sync .theme=${this.theme}></casekit-splynx-sync>`
                  : html`<casekit-channel-settings .theme=${this.theme}></casekit-channel-settings>`}`;
  }

  private renderHeader() {
    const me = this.me;
    if (!me) return html`<header part="header" class="header"></header>`;
    const isAdmin = roleAtLeast(me.role, PERMISSIONS.manageAgents);
    return html`<header part="header" class="header">
      <div class="visually-hidden" role="status">${this.announcement}</div>
      <label class="presence">
        <span class="presence-dot ${me.presence}" aria-hidden="true"></span>
        <span class="visually-hidden">${this.t('workbench.presence')}</span>
        <select part="presence" class="field" aria-label=${this.t('workbench.presence')} .value=${me.presence} @change=${this.setPresence}>
          ${PRESENCES.map((p) => html`<option value=${p} ?selected=${me.presence === p}>${this.t(`presence.${p}`)}</option>`)}
        </select>
      </label>
      ${this.presenceError ? html`<span class="error" role="alert">${this.presenceError}</span>` : nothing}
      <div class="account" @keydown=${this.onMenuKey} @focusout=${this.onMenuFocusOut}>
        <button part="account-button" class="btn account-button" type="button" aria-haspopup="true" aria-expanded=${this.menuOpen ? 'true' : 'false'}
          aria-controls="wb-account-menu" aria-label=${this.t('workbench.account', { name: me.name })} @click=${() => this.toggleMenu()}>
          <span aria-hidden="true">${me.name}</span>
        </button>
        <div part="account-menu" id="wb-account-menu" class="menu" ?hidden=${!this.menuOpen}>
          <button class="btn" type="button" @click=${this.openPasswordDialog}>${this.t('workbench.changePassword')}</button>
          ${isAdmin ? html`<button class="btn" type="button" aria-pressed=${this.view === 'agents' ? 'true' : 'false'} @click=${this.openAgents}>${this.t('workbench.agents')}</button>` : nothing}
          ${isAdmin ? html`<button class="btn" type="button" aria-pressed=${this.view === 'bots' ? 'true' : 'false'} @click=${this.openBots}>${this.t('workbench.bots')}</button>` : nothing}
          ${roleAtLeast(me.role, PERMISSIONS.updateSettings) ? html`<button class="btn" type="button" aria-pressed=${this.view === 'sla' ? 'true' : 'false'} @click=${this.openSla}>${this.t('workbench.sla')}</button>` : nothing}
          ${roleAtLeast(me.role, PERMISSIONS.manageIntegrations) ? html`<button class="btn" type="button" aria-pressed=${this.view === 'splynx' ? 'true' : 'false'} @click=${this.openSplynx}>${this.t('workbench.splynx')}</button>` : nothing}
          <button class="btn" type="button" @click=${this.signOut}>${this.t('workbench.signOut')}</button>
        </div>
      </div>
      ${this.passwordDialog?.render()}
    </header>`;
  }

  private back(): void {
    this.selected = '';
    this.current = undefined;
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector('casekit-inbox')?.shadowRoot?.querySelector<HTMLElement>('[role=listbox]')?.focus(),
    );
  }

  private async signIn(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const client = this.ownClient ?? createAgentClient({ baseUrl: this.baseUrl || location.origin });
    this.ownClient = client;
    this.signingIn = true;
    this.signInError = '';
    try {
      const res = await client.login(String(data.get('email') ?? ''), String(data.get('password') ?? ''));
      this.announcement = '';
      this.provided = client;
      this.dispatchEvent(new SignedInEvent(res.token));
    } catch (err) {
      this.signInError = errorMessage(this.locale, err, { unauthorized: 'workbench.signInFailed' });
    } finally {
      this.signingIn = false;
    }
  }

  private t(key: MessageKey, vars?: Record<string, string | number>): string {
    return translate(this.locale, key, vars);
  }

  private renderSignIn() {
    return html`<form class="signin" @submit=${this.signIn}>
      <h2>${this.t('workbench.signIn')}</h2>
      <div><label for="wb-email">${this.t('workbench.email')}</label><input class="field" id="wb-email" name="email" type="email" autocomplete="username" required /></div>
      <div>
        <label for="wb-password">${this.t('workbench.password')}</label
        ><input class="field" id="wb-password" name="password" type="password" autocomplete="current-password" required />
      </div>
      ${this.signInError ? html`<div class="error" role="alert">${this.signInError}</div>` : nothing}
      <button class="btn primary" type="submit" ?disabled=${this.signingIn}>${this.t('workbench.signIn')}</button>
    </form>`;
  }

  protected override render() {
    if (!this.provided) {
      return html`<div class="root" lang=${this.locale}>
        <div class="visually-hidden" role="status">${this.announcement}</div>
        ${this.renderSignIn()}
      </div>`;
    }
    const kase = this.current;
    const closed = kase?.status === 'closed';
    const isAdmin = this.me ? roleAtLeast(this.me.role, PERMISSIONS.manageAgents) : false;
    const seesQueue = this.me ? roleAtLeast(this.me.role, PERMISSIONS.viewQueue) : false;
    const editsRouting = this.me ? roleAtLeast(this.me.role, PERMISSIONS.updateSettings) : false;
    const allowed: Record<Panel, boolean> = { settings: this.canEditChannels, agents: isAdmin, bots: isAdmin, queue: seesQueue, routing: editsRouting, sla: editsRouting, splynx: this.me ? roleAtLeast(this.me.role, PERMISSIONS.manageIntegrations) : false };
    const panel = this.view !== 'cases' && allowed[this.view] ? this.view : undefined;
    const settings = panel !== undefined;
    const panelTitle = panel ? this.t(PANEL_TEXT[panel].title) : '';
    return html`<div class="root" lang=${this.locale}>
      ${this.renderHeader()}
      <div class="layout" data-view=${settings ? 'settings' : kase ? 'case' : 'list'} data-tab=${this.tab}>
        <div part="inbox" class="inbox">
          <casekit-inbox
            .theme=${this.theme}
            aria-label=${this.t('workbench.inbox')}
            .selected=${this.selected}
            @casekit-case-select=${this.onSelect}
          ></casekit-inbox>
          ${this.canEditChannels || seesQueue || editsRouting
            ? html`<div class="inbox-foot">
                ${seesQueue
                  ? html`<button part="queue-button" class="btn settings-button" type="button" aria-pressed=${panel === 'queue' ? 'true' : 'false'}
                      @click=${() => (panel === 'queue' ? this.closeSettings() : this.openQueue())}>${icons.queue}${this.t('workbench.queue')}</button>`
                  : nothing}
                ${editsRouting
                  ? html`<button part="routing-button" class="btn settings-button" type="button" aria-pressed=${panel === 'routing' ? 'true' : 'false'}
                      @click=${() => (panel === 'routing' ? this.closeSettings() : this.openRouting())}>${icons.route}${this.t('workbench.routing')}</button>`
                  : nothing}
                ${this.canEditChannels
                  ? html`<button part="settings-button" class="btn settings-button" type="button" aria-pressed=${panel === 'settings' ? 'true' : 'false'}
                      @click=${() => (panel === 'settings' ? this.closeSettings() : this.openSettings())}>${icons.settings}${this.t('workbench.settings')}</button>`
                  : nothing}
              </div>`
            : nothing}
        </div>
        <section
          part="main"
          class="main"
          aria-label=${settings ? panelTitle : kase ? `#${kase.number} ${kase.subject}` : this.t('case.none')}
        >
          ${panel ? this.renderPanel(panel) : nothing}
          ${kase
            ? html`<div class="bar" ?hidden=${settings}>
                  <button class="back" type="button" aria-label=${this.t('workbench.back')} @click=${this.back}>${icons.back}</button>
                  <h2><span class="number">#${kase.number}</span>${kase.subject}</h2>
                  <div class="tabs" role="tablist">
                    <button role="tab" type="button" aria-selected=${this.tab === 'conversation' ? 'true' : 'false'} @click=${() => (this.tab = 'conversation')}>
                      ${this.t('timeline.label')}
                    </button>
                    <button role="tab" type="button" aria-selected=${this.tab === 'details' ? 'true' : 'false'} @click=${() => (this.tab = 'details')}>
                      ${this.t('case.customer')}
                    </button>
                  </div>
                </div>
                <!-- Kept while the settings are open, so a reply being written is still there after. -->
                <div class="thread" ?hidden=${settings}>
                  <casekit-timeline .theme=${this.theme} customer-id=${kase.customerId} case-id=${kase.id}></casekit-timeline>
                  <casekit-composer .theme=${this.theme} case-id=${kase.id} .canned=${this.canned} ?disabled=${closed}></casekit-composer>
                </div>`
            : settings
              ? nothing
              : html`<p class="placeholder">${this.t('case.none')}</p>`}
        </section>
        <aside part="side" class="side">
          ${kase ? html`<casekit-case .theme=${this.theme} case-id=${kase.id}><slot name="integrations" slot="integrations"></slot></casekit-case>` : nothing}
        </aside>
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'casekit-workbench': CasekitWorkbench;
  }
  interface HTMLElementEventMap {
    'casekit-signed-in': SignedInEvent;
    'casekit-signed-out': SignedOutEvent;
  }
  interface DocumentEventMap {
    'casekit-signed-in': SignedInEvent;
  }
  interface WindowEventMap {
    'casekit-signed-in': SignedInEvent;
  }
}
