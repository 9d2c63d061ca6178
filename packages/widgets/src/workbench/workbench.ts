import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { provide } from '@lit/context';
import { createAgentClient } from '@casekit/sdk';
import type { AgentClient } from '@casekit/sdk';
import { PERMISSIONS, roleAtLeast } from '@casekit/protocol';
import type { Case } from '@casekit/protocol';
import { themeStyles } from '../internal/theme.ts';
import { workbenchStyles } from './workbench.styles.ts';
import { ClientController } from '../client-controller.ts';
import { agentClientContext } from '../context.ts';
import { resolveLang, translate, type MessageKey } from '../i18n.ts';
import '../internal/messages-chat.ts';
import '../internal/messages-agent.ts';
import * as icons from '../internal/icons.ts';
import { currentAgent } from '../internal/agents.ts';
import type { CaseSelectEvent } from '../events.ts';
import '../inbox/inbox.ts';
import '../timeline/timeline.ts';
import '../composer/composer.ts';
import '../case/case.ts';
import type { CannedResponse } from '../composer/composer.ts';
import type { CasekitComposer } from '../composer/composer.ts';

/** Fired after the built-in sign-in form signed an agent in; `event.token` may be kept by the host. */
export class SignedInEvent extends Event {
  static readonly eventName = 'casekit-signed-in';
  readonly token: string;
  constructor(token: string) {
    super(SignedInEvent.eventName, { bubbles: true, composed: true });
    this.token = token;
  }
}

/**
 * The agent workbench: unified inbox, the case's cross-channel timeline and composer, and the
 * case details, in one element. Three columns on a wide page, tabs on a medium one, and one pane
 * at a time in a side panel down to about 360px. Provides the agent client to everything inside.
 * Admins also get a "Channel settings" button under the inbox, which opens
 * `<casekit-channel-settings>` in place of the case.
 *
 * @example
 * <casekit-workbench base-url="https://casekit.example.com" token="…"></casekit-workbench>
 *
 * @slot integrations - Passed to the case panel (billing, CRM links…).
 *
 * @event casekit-case-select - A case was opened (bubbles from the inbox).
 * @event casekit-message-sent - A reply or note was sent (bubbles from the composer).
 * @event casekit-signed-in - The built-in sign-in form succeeded; `event.token`.
 * @event casekit-channel-saved - An admin created a channel or enabled / disabled one (bubbles from the channel settings).
 *
 * @csspart inbox - The inbox column.
 * @csspart main - The conversation column.
 * @csspart side - The case details column.
 * @csspart settings-button - "Channel settings", under the inbox (admins).
 *
 * @cssproperty --casekit-workbench-inbox-width - Width of the inbox column (default 340px).
 * @cssproperty --casekit-workbench-side-width - Width of the details column (default 320px).
 */
@customElement('casekit-workbench')
export class CasekitWorkbench extends LitElement {
  static override styles = [themeStyles, workbenchStyles];

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
  accessor provided: AgentClient | undefined;

  @state() accessor current: Case | undefined;
  @state() accessor tab: 'conversation' | 'details' = 'conversation';
  /** The cases, or the channel settings (admins) in place of the open case. */
  @state() accessor view: 'cases' | 'settings' = 'cases';
  /** Whether the signed-in agent may change channels (admins). */
  @state() accessor canEditChannels = false;
  @state() accessor signInError = '';
  @state() accessor signingIn = false;
  @state() accessor locale = 'en';

  @query('casekit-composer') accessor composer: CasekitComposer | null = null;

  private ownClient: AgentClient | undefined;

  private readonly conn = new ClientController<AgentClient>(this, {
    client: () => this.provided,
    on: {
      case: (c: Case) => {
        if (this.current && c.id === this.current.id && c.version >= this.current.version) this.current = c;
      },
    },
    attached: (client) => {
      // Realtime of a host's own client is the host's call; a client made here connects itself.
      if (client === this.ownClient && client.token && client.connection === 'idle') client.connect();
      this.canEditChannels = false;
      void currentAgent(client).then(
        (me) => {
          if (this.conn.client === client) this.canEditChannels = roleAtLeast(me.role, PERMISSIONS.updateChannel);
        },
        () => undefined,
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

  private onSelect(e: CaseSelectEvent): void {
    this.current = e.case;
    this.selected = e.caseId;
    this.tab = 'conversation';
    this.view = 'cases';
  }

  /** Opens the channel settings in place of the case. */
  openSettings(): void {
    // Loaded on first use: only admins open the settings, so agents' pages never carry them.
    void import('../channel-settings/channel-settings.ts')
      .then(() => {
        this.view = 'settings';
        this.tab = 'conversation';
        return this.updateComplete;
      })
      .then(() => this.renderRoot.querySelector<HTMLElement>('#wb-settings-title')?.focus());
  }

  /** Goes back from the channel settings to the case (or the inbox). */
  closeSettings(): void {
    this.view = 'cases';
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part=settings-button]')?.focus());
  }

  private renderSettings() {
    return html`<div class="bar">
        <h2 id="wb-settings-title" tabindex="-1">${this.t('workbench.settings')}</h2>
        <button class="close" type="button" aria-label=${this.t('workbench.closeSettings')} @click=${this.closeSettings}>${icons.close}</button>
      </div>
      <casekit-channel-settings .theme=${this.theme}></casekit-channel-settings>`;
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
      this.provided = client;
      this.dispatchEvent(new SignedInEvent(res.token));
    } catch (err) {
      this.signInError = err instanceof Error ? err.message : String(err);
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
      <div><label for="wb-email">Email</label><input class="field" id="wb-email" name="email" type="email" autocomplete="username" required /></div>
      <div>
        <label for="wb-password">Password</label
        ><input class="field" id="wb-password" name="password" type="password" autocomplete="current-password" required />
      </div>
      ${this.signInError ? html`<div class="error" role="alert">${this.signInError}</div>` : nothing}
      <button class="btn primary" type="submit" ?disabled=${this.signingIn}>${this.t('workbench.signIn')}</button>
    </form>`;
  }

  protected override render() {
    if (!this.provided) return html`<div class="root" lang=${this.locale}>${this.renderSignIn()}</div>`;
    const kase = this.current;
    const closed = kase?.status === 'closed';
    const settings = this.view === 'settings' && this.canEditChannels;
    return html`<div class="root" lang=${this.locale}>
      <div class="layout" data-view=${settings ? 'settings' : kase ? 'case' : 'list'} data-tab=${this.tab}>
        <div part="inbox" class="inbox">
          <casekit-inbox
            .theme=${this.theme}
            aria-label=${this.t('workbench.inbox')}
            .selected=${this.selected}
            @casekit-case-select=${this.onSelect}
          ></casekit-inbox>
          ${this.canEditChannels
            ? html`<div class="inbox-foot">
                <button part="settings-button" class="btn settings-button" type="button" aria-pressed=${settings ? 'true' : 'false'} @click=${() => (settings ? this.closeSettings() : this.openSettings())}>
                  ${icons.settings}${this.t('workbench.settings')}
                </button>
              </div>`
            : nothing}
        </div>
        <section
          part="main"
          class="main"
          aria-label=${settings ? this.t('workbench.settings') : kase ? `#${kase.number} ${kase.subject}` : this.t('case.none')}
        >
          ${settings ? this.renderSettings() : nothing}
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
  }
}
