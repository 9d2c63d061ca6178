import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { AgentClient } from '@casekit/sdk';
import { CHANNEL_KINDS, PERMISSIONS, ROLES } from '@casekit/protocol';
import type { Agent, AgentUpdateRequest, ChannelKind, Presence, Role } from '@casekit/protocol';
import { formControlStyles, themeStyles } from '../internal/theme.ts';
import { panelStyles } from '../internal/panel-styles.ts';
import { agentsStyles } from './agents.styles.ts';
import { translate, type MessageKey } from '../i18n.ts';
import '../internal/messages-chat.ts';
import '../internal/messages-agent.ts';
import '../internal/messages-admin.ts';
import { AdminLoadController } from '../internal/admin-load.ts';
import { fieldErrorsOf } from '../internal/field-errors.ts';

/** `<casekit-agents>` changed an agent; `agent` is the server's answer. */
export class AgentSavedEvent extends Event {
  static readonly eventName = 'casekit-agent-saved';
  readonly agent: Agent;
  constructor(agent: Agent) {
    super(AgentSavedEvent.eventName, { bubbles: true, composed: true });
    this.agent = agent;
  }
}


const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The channel kinds an agent's capacity is set for: every medium but bots. */
const CAPACITY_KINDS = CHANNEL_KINDS.filter((kind): kind is Exclude<ChannelKind, 'bot'> => kind !== 'bot');

/** A comma-separated list: trimmed, empty items dropped. */
const listOf = (value: FormDataEntryValue | null) =>
  String(value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** `billing:4, network` → skills with levels (3 when none is written); null when an item is not `name:level`. */
function skillsOf(value: FormDataEntryValue | null): Agent['skills'] | null {
  const skills = listOf(value).map((item) => {
    const match = /^([^:]+?)\s*(?::\s*(\d+))?$/.exec(item);
    return match ? { name: match[1]!.trim(), level: match[2] === undefined ? 3 : Number(match[2]) } : null;
  });
  return skills.every((skill) => skill !== null) ? skills : null;
}

/**
 * The workspace's agents, for admins to manage: each with role, teams, presence and whether they
 * may sign in. Admins edit an agent's name, role, teams, skills with levels, languages and capacity
 * (open cases at once per channel kind, 0 for none) in place, deactivate one (signed out
 * everywhere; their cases stay as they are) or reactivate them, and reset a password to a
 * generated one, shown once to hand over. Presence and changes made elsewhere show live. Agents
 * who are not admins see the list, read-only.
 *
 * @event casekit-agent-saved - An agent was edited, deactivated, reactivated or given a new password; `event.agent`.
 *
 * @csspart list - The table of agents.
 * @csspart row - One agent's row.
 * @csspart form - The edit form of an agent.
 * @csspart password - The generated password after a reset, with its copy button.
 *
 * @cssproperty --casekit-agents-max-width - Widest the content grows (default 900px).
 */
@customElement('casekit-agents')
export class CasekitAgents extends LitElement {
  static override styles = [themeStyles, formControlStyles, panelStyles, agentsStyles];

  /** The agent client; defaults to the one provided by an ancestor. */
  @property({ attribute: false }) accessor client: AgentClient | undefined;
  /** `light` or `dark` to pin the colour scheme. */
  @property({ reflect: true }) accessor theme: 'light' | 'dark' | undefined;

  @state() private accessor agents: Agent[] = [];
  @state() private accessor editing = '';
  @state() private accessor fieldErrors = new Map<string, string>();
  @state() private accessor busy = new Set<string>();
  @state() private accessor announcement = '';
  @state() private accessor failure = '';
  @state() private accessor revealed: { name: string; password: string } | null = null;

  private readonly loader = new AdminLoadController(this, {
    load: (client) => client.listAgents(),
    loaded: (list) => (this.agents = list.items),
    failed: (err) => this.t('agents.error', { message: messageOf(err) }),
    needs: PERMISSIONS.manageAgents,
    on: {
      agent: (agent: Agent) => this.remember(agent),
      presence: ({ agentId, presence }: { agentId: string; presence: Presence }) =>
        (this.agents = this.agents.map((a) => (a.id === agentId ? { ...a, presence } : a))),
    },
  });

  /** Loads the agents and whether the signed-in agent may manage them. */
  async reload(): Promise<void> {
    await this.loader.reload();
  }

  private remember(agent: Agent): void {
    const known = this.agents.some((a) => a.id === agent.id);
    this.agents = known ? this.agents.map((a) => (a.id === agent.id ? agent : a)) : [...this.agents, agent];
  }

  private t(key: MessageKey, vars?: Record<string, string | number>): string {
    return translate(this.loader.locale, key, vars);
  }

  /** Runs one change of one agent, with its button busy, and says how it went. */
  private async change(agent: Agent, run: (client: AgentClient) => Promise<Agent>, done: MessageKey): Promise<boolean> {
    const client = this.loader.client;
    if (!client) return false;
    this.busy = new Set(this.busy).add(agent.id);
    this.failure = '';
    this.announcement = '';
    try {
      const saved = await run(client);
      this.remember(saved);
      this.announcement = this.t(done, { name: saved.name });
      this.dispatchEvent(new AgentSavedEvent(saved));
      return true;
    } catch (err) {
      this.fieldErrors = new Map([...fieldErrorsOf(err), ...fieldErrorsOf(err, 2)]);
      this.failure = this.t('agents.failed', { message: messageOf(err) });
      return false;
    } finally {
      const next = new Set(this.busy);
      next.delete(agent.id);
      this.busy = next;
    }
  }

  private startEdit(agent: Agent): void {
    this.editing = agent.id;
    this.fieldErrors = new Map();
    this.failure = '';
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('#agent-name')?.focus());
  }

  private cancelEdit(): void {
    const id = this.editing;
    this.editing = '';
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[data-edit="${id}"]`)?.focus());
  }

  private async save(agent: Agent, e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const skills = skillsOf(data.get('skills'));
    if (!skills) {
      this.fieldErrors = new Map([['skills', this.t('agents.skillsInvalid')]]);
      return;
    }
    const capacity: NonNullable<AgentUpdateRequest['capacity']> = {};
    for (const kind of CAPACITY_KINDS) {
      const value = String(data.get(`capacity.${kind}`) ?? '').trim();
      if (value !== '') capacity[kind] = Number(value);
    }
    const body = {
      name: String(data.get('name') ?? '').trim(),
      role: String(data.get('role')) as Role,
      teams: listOf(data.get('teams')),
      skills,
      languages: listOf(data.get('languages')),
      capacity,
    };
    if (await this.change(agent, (client) => client.updateAgent(agent.id, body), 'agents.saved')) this.cancelEdit();
  }

  private async reset(agent: Agent): Promise<void> {
    let password = '';
    const ok = await this.change(
      agent,
      async (client) => {
        const result = await client.resetAgentPassword(agent.id);
        password = result.password;
        return result.agent;
      },
      'agents.resetDone',
    );
    this.revealed = ok ? { name: agent.name, password } : null;
    if (ok) this.announcement = '';
    if (ok) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part=password] code')?.focus());
  }

  private renderForm(agent: Agent) {
    const error = (field: string) => this.fieldErrors.get(field);
    const control = (field: string, label: string, input: unknown, help?: string) =>
      html`<div class="control">
        <label for="agent-${field}">${label}</label>
        ${input}
        ${help ? html`<span class="help" id="agent-${field}-help">${help}</span>` : nothing}
        ${error(field) ? html`<span class="field-error" id="agent-${field}-error">${error(field)}</span>` : nothing}
      </div>`;
    const described = (field: string, help = false) =>
      [help ? `agent-${field}-help` : '', error(field) ? `agent-${field}-error` : ''].filter(Boolean).join(' ') || nothing;
    return html`<form part="form" class="form" aria-label=${this.t('agents.editOf', { name: agent.name })} @submit=${(e: SubmitEvent) => this.save(agent, e)}
      @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.cancelEdit()}>
      ${control('name', this.t('agents.name'), html`<input class="field" id="agent-name" name="name" required maxlength="200" .value=${agent.name}
        aria-invalid=${error('name') ? 'true' : 'false'} aria-describedby=${described('name')} />`)}
      ${control('role', this.t('agents.role'), html`<select class="field" id="agent-role" name="role" aria-invalid=${error('role') ? 'true' : 'false'} aria-describedby=${described('role')}>
        ${ROLES.map((role) => html`<option value=${role} ?selected=${agent.role === role}>${this.t(`role.${role}`)}</option>`)}
      </select>`)}
      ${control('teams', this.t('agents.teams'), html`<input class="field" id="agent-teams" name="teams" .value=${agent.teams.join(', ')}
        aria-invalid=${error('teams') ? 'true' : 'false'} aria-describedby=${described('teams', true)} />`, this.t('agents.teamsHelp'))}
      ${control('skills', this.t('agents.skills'), html`<input class="field" id="agent-skills" name="skills" .value=${agent.skills.map((s) => `${s.name}:${s.level}`).join(', ')}
        aria-invalid=${error('skills') ? 'true' : 'false'} aria-describedby=${described('skills', true)} />`, this.t('agents.skillsHelp'))}
      ${control('languages', this.t('agents.languages'), html`<input class="field" id="agent-languages" name="languages" .value=${agent.languages.join(', ')}
        aria-invalid=${error('languages') ? 'true' : 'false'} aria-describedby=${described('languages', true)} />`, this.t('agents.languagesHelp'))}
      <fieldset class="capacity" aria-describedby="agent-capacity-help">
        <legend>${this.t('agents.capacity')}</legend>
        <span class="help" id="agent-capacity-help">${this.t('agents.capacityHelp')}</span>
        ${CAPACITY_KINDS.map((kind) => {
          const field = `capacity.${kind}`;
          return html`<div class="control">
            <label for="agent-${field}">${this.t(`channel.${kind}`)}</label>
            <input class="field" id="agent-${field}" name=${field} type="number" inputmode="numeric" min="0" max="100" step="1" .value=${String(agent.capacity[kind] ?? 0)}
              aria-invalid=${error(field) ? 'true' : 'false'} aria-describedby=${error(field) ? `agent-${field}-error` : nothing} />
            ${error(field) ? html`<span class="field-error" id="agent-${field}-error">${error(field)}</span>` : nothing}
          </div>`;
        })}
        ${error('capacity') && !CAPACITY_KINDS.some((kind) => error(`capacity.${kind}`)) ? html`<span class="field-error">${error('capacity')}</span>` : nothing}
      </fieldset>
      <div class="actions">
        <button class="btn" type="button" @click=${this.cancelEdit}>${this.t('agents.cancel')}</button>
        <button class="btn primary" type="submit" ?disabled=${this.busy.has(agent.id)}>${this.t('agents.save')}</button>
      </div>
    </form>`;
  }

  private renderRow(agent: Agent) {
    const busy = this.busy.has(agent.id);
    const self = agent.id === this.loader.me?.id;
    const human = agent.kind === 'human';
    return html`<tr part="row" class=${agent.active ? '' : 'off'}>
        <th scope="row">
          <span class="name">${agent.name}</span>${self ? html` <span class="muted">${this.t('agents.you')}</span>` : nothing}
          <span class="muted email">${agent.email}</span>
        </th>
        <td>${this.t(`role.${agent.role}`)}${human ? nothing : html` · ${this.t('agents.bot')}`}</td>
        <td>${agent.teams.join(', ') || '–'}</td>
        <td><span class="presence-dot ${agent.presence}" aria-hidden="true"></span>${this.t(`presence.${agent.presence}`)}</td>
        <td>${agent.active ? this.t('agents.active') : this.t('agents.deactivated')}</td>
        ${this.loader.allowed
          ? html`<td class="buttons">
              <button class="btn" type="button" data-edit=${agent.id} aria-label=${this.t('agents.editOf', { name: agent.name })} ?disabled=${busy}
                aria-expanded=${this.editing === agent.id ? 'true' : 'false'} @click=${() => (this.editing === agent.id ? this.cancelEdit() : this.startEdit(agent))}>${this.t('agents.edit')}</button>
              ${self
                ? nothing
                : agent.active
                  ? html`<button class="btn danger" type="button" aria-label=${this.t('agents.deactivateOf', { name: agent.name })} ?disabled=${busy}
                      @click=${() => this.change(agent, (client) => client.deactivateAgent(agent.id), 'agents.deactivatedDone')}>${this.t('agents.deactivate')}</button>`
                  : html`<button class="btn" type="button" aria-label=${this.t('agents.reactivateOf', { name: agent.name })} ?disabled=${busy}
                      @click=${() => this.change(agent, (client) => client.reactivateAgent(agent.id), 'agents.reactivatedDone')}>${this.t('agents.reactivate')}</button>`}
              ${human && !self
                ? html`<button class="btn" type="button" aria-label=${this.t('agents.resetOf', { name: agent.name })} ?disabled=${busy} @click=${() => this.reset(agent)}>${this.t('agents.reset')}</button>`
                : nothing}
            </td>`
          : nothing}
      </tr>
      ${this.editing === agent.id ? html`<tr class="editing"><td colspan="6">${this.renderForm(agent)}</td></tr>` : nothing}`;
  }

  protected override render() {
    return html`<div class="root" lang=${this.loader.locale}>
      <section>
        <h2>${this.t('agents.label')}</h2>
        <div class="visually-hidden" role="status">${this.announcement}</div>
        ${this.announcement ? html`<p class="notice" aria-hidden="true">${this.announcement}</p>` : nothing}
        ${this.failure ? html`<p class="error" role="alert">${this.failure}</p>` : nothing}
        ${this.revealed
          ? html`<div part="password" class="password">
              <p>${this.t('agents.resetDone', { name: this.revealed.name })}</p>
              <p class="secret"><code tabindex="-1">${this.revealed.password}</code>
                <button class="btn" type="button" @click=${() => void navigator.clipboard?.writeText(this.revealed?.password ?? '').catch(() => undefined)}>${this.t('agents.copy')}</button></p>
            </div>`
          : nothing}
        ${this.loader.error ? html`<p class="error" role="alert">${this.loader.error}</p>` : nothing}
        ${this.loader.loading && this.agents.length === 0 ? html`<p class="muted">${this.t('agents.loading')}</p>` : nothing}
        <table part="list" aria-label=${this.t('agents.label')}>
          <thead>
            <tr>
              <th scope="col">${this.t('agents.name')}</th>
              <th scope="col">${this.t('agents.role')}</th>
              <th scope="col">${this.t('agents.teams')}</th>
              <th scope="col">${this.t('agents.presence')}</th>
              <th scope="col">${this.t('agents.status')}</th>
              ${this.loader.allowed ? html`<th scope="col">${this.t('agents.actions')}</th>` : nothing}
            </tr>
          </thead>
          <tbody>${repeat(this.agents, (agent) => agent.id, (agent) => this.renderRow(agent))}</tbody>
        </table>
      </section>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'casekit-agents': CasekitAgents;
  }
  interface HTMLElementEventMap {
    'casekit-agent-saved': AgentSavedEvent;
  }
}
