import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { AgentClient } from '@casekit/sdk';
import { AUTOMATION_TRIGGERS, CHANNEL_KINDS, DEFAULT_ROUTING, PERMISSIONS, PRIORITIES, ROUTING_OFFLINE_ACTIONS, ROUTING_SELECTIONS } from '@casekit/protocol';
import type { AutomationAction, ChannelKind, RoutingCondition, RoutingPolicy, RoutingRuleInput, RoutingSettingsInput, WorkspaceSettings } from '@casekit/protocol';
import { formControlStyles, themeStyles } from '../internal/theme.ts';
import { panelStyles } from '../internal/panel-styles.ts';
import { routingSettingsStyles } from './routing-settings.styles.ts';
import { errorMessage, translate, type MessageKey } from '../i18n.ts';
import '../internal/messages-chat.ts';
import '../internal/messages-agent.ts';
import '../internal/messages-admin.ts';
import '../internal/messages-errors.ts';
import { AdminLoadController } from '../internal/admin-load.ts';
import { fieldErrorsOf } from '../internal/field-errors.ts';

/** `<casekit-routing-settings>` saved the routing; `settings` is the server's answer. */
export class RoutingSavedEvent extends Event {
  static readonly eventName = 'casekit-routing-saved';
  readonly settings: WorkspaceSettings;
  constructor(settings: WorkspaceSettings) {
    super(RoutingSavedEvent.eventName, { bubbles: true, composed: true });
    this.settings = settings;
  }
}

type Path = (string | number)[];
type ConditionKind = RoutingCondition['kind'];
const CONDITION_KINDS = ['channel', 'keywords', 'language', 'attribute', 'all', 'any', 'not'] as const satisfies readonly ConditionKind[];
const ATTRIBUTE_TESTS = ['equals', 'atLeast', 'exists'] as const;
/** Mediums a policy, a rule or a handle time can name (bots are agents, not a medium customers pick). */
const KINDS = CHANNEL_KINDS.filter((kind): kind is Exclude<ChannelKind, 'bot'> => kind !== 'bot');
/** Deepest a condition may nest in the form; deeper ones arrive only through the API. */
const MAX_DEPTH = 3;
type ActionKind = AutomationAction['kind'];
/** An automation as the draft holds it (its condition not yet parsed). */
type AutomationInput = NonNullable<RoutingSettingsInput['automations']>[number];
const ACTION_KINDS = ['add_tags', 'reply', 'note', 'set_team', 'escalate'] as const satisfies readonly ActionKind[];
/** Longest reply or note the API takes. */
const MAX_TEXT = 2000;

/** A comma-separated list: trimmed, empty items dropped. */
const listOf = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** A fresh condition of `kind`; `all`, `any` and `not` wrap the one they replace, so nothing typed is lost. */
function conditionOf(kind: ConditionKind, previous: RoutingCondition): RoutingCondition {
  switch (kind) {
    case 'channel':
      return { kind, in: ['webchat'] };
    case 'keywords':
      return { kind, any: [] };
    case 'language':
      return { kind, in: [] };
    case 'attribute':
      return { kind, name: '', equals: '' };
    case 'not':
      return { kind, condition: previous };
    default:
      return { kind, of: [previous] };
  }
}

/** A fresh action of `kind`; a reply turned into a note (or back) keeps its text. */
function actionOf(kind: ActionKind, previous: AutomationAction): AutomationAction {
  switch (kind) {
    case 'set_team':
      return { kind, team: '' };
    case 'add_tags':
      return { kind, tags: [] };
    case 'escalate':
      return { kind };
    default:
      return { kind, text: 'text' in previous ? previous.text : '' };
  }
}

/**
 * A workspace's routing, for admins: the default policy and the policies per team and per channel
 * (mode, selection, sticky, widening steps, what happens when an agent goes offline), the rules
 * applied to new cases (conditions on channel, keywords, language and customer attributes, combined
 * with all / any / not, setting priority, team, skills and tags) and the average handle time per
 * channel for customers' wait estimates, and the automations (on a new case, a customer's message or
 * a reopened case, when a condition holds: set the team, add tags, reply, escalate, leave a note). Saved in one go; the server's word on a field shows
 * beside it. Agents who are not admins see it read-only.
 *
 * @event casekit-routing-saved - The routing was saved; `event.settings`.
 *
 * @csspart form - The whole form.
 * @csspart policy - One policy.
 * @csspart rule - One rule.
 * @csspart automation - One automation.
 * @csspart action - One action of an automation.
 * @csspart errors - The list of what the server refused, above the save button.
 *
 * @cssproperty --casekit-routing-settings-max-width - Widest the content grows (default 900px).
 */
@customElement('casekit-routing-settings')
export class CasekitRoutingSettings extends LitElement {
  static override styles = [themeStyles, formControlStyles, panelStyles, routingSettingsStyles];

  /** The agent client; defaults to the one provided by an ancestor. */
  @property({ attribute: false }) accessor client: AgentClient | undefined;
  /** `light` or `dark` to pin the colour scheme. */
  @property({ reflect: true }) accessor theme: 'light' | 'dark' | undefined;

  @state() private accessor draft: RoutingSettingsInput | undefined;
  @state() private accessor errors = new Map<string, string>();
  @state() private accessor saving = false;
  @state() private accessor failure = '';
  @state() private accessor announcement = '';
  @state() private accessor newTeam = '';

  private readonly loader = new AdminLoadController(this, {
    load: (client) => client.getSettings(),
    loaded: (settings) => {
      this.draft = structuredClone(settings.routing ?? DEFAULT_ROUTING);
      this.errors = new Map();
    },
    failed: (err): string => this.t('routing.error', { message: errorMessage(this.loader.locale, err) }),
    needs: PERMISSIONS.updateSettings,
    quiet: true,
  });

  /** Loads the routing as saved (the built-in defaults when the workspace has none), dropping unsaved edits. */
  async reload(): Promise<void> {
    await this.loader.reload();
  }

  private t(key: MessageKey, vars?: Record<string, string | number>): string {
    return translate(this.loader.locale, key, vars);
  }

  /** Reads the value at `path` in the draft. */
  private at(path: Path): unknown {
    return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], this.draft);
  }

  /** Sets (or, for `undefined`, removes) the value at `path` in the draft, making the objects on the way. */
  private set(path: Path, value: unknown): void {
    let parent = this.draft as unknown as Record<string | number, unknown>;
    for (const step of path.slice(0, -1)) parent = (parent[step] ??= {}) as Record<string | number, unknown>;
    const key = path[path.length - 1]!;
    if (value === undefined && Array.isArray(parent)) parent.splice(Number(key), 1);
    else if (value === undefined) delete parent[key];
    else parent[key] = value;
    this.announcement = '';
    this.requestUpdate();
  }

  private error(path: Path): string | undefined {
    return this.errors.get(path.join('.'));
  }

  private async save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const client = this.loader.client;
    if (!client || !this.draft || !this.loader.allowed) return;
    this.saving = true;
    this.failure = '';
    this.announcement = '';
    try {
      const settings = await client.updateSettings({ routing: this.draft });
      this.draft = structuredClone(settings.routing ?? DEFAULT_ROUTING);
      this.errors = new Map();
      this.announcement = this.t('routing.saved');
      this.dispatchEvent(new RoutingSavedEvent(settings));
    } catch (err) {
      const all = fieldErrorsOf(err, Infinity);
      this.errors = new Map([...all].filter(([path]) => path.startsWith('routing.')).map(([path, message]) => [path.slice('routing.'.length), message]));
      this.failure = this.errors.size ? this.t('routing.fix', { count: this.errors.size }) : this.t('routing.failed', { message: errorMessage(this.loader.locale, err) });
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid=true]')?.focus();
    } finally {
      this.saving = false;
    }
  }

  // ---- controls: each labelled, with the server's word beside it ----

  private idOf(path: Path): string {
    return `rs-${path.join('-')}`;
  }

  private control(path: Path, label: string, input: (attrs: { id: string; invalid: string; described: string | typeof nothing }) => TemplateResult, help?: string) {
    const id = this.idOf(path);
    const error = this.error(path);
    const described = [help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || nothing;
    return html`<div class="control">
      <label for=${id}>${label}</label>
      ${input({ id, invalid: error ? 'true' : 'false', described })}
      ${help ? html`<span class="help" id="${id}-help">${help}</span>` : nothing}
      ${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : nothing}
    </div>`;
  }

  private text(path: Path, label: string, help?: string) {
    return this.control(path, label, (a) => html`<input class="field" id=${a.id} .value=${String(this.at(path) ?? '')} aria-invalid=${a.invalid} aria-describedby=${a.described}
      @change=${(e: Event) => this.set(path, (e.target as HTMLInputElement).value.trim() || undefined)} />`, help);
  }

  private list(path: Path, label: string, help?: string) {
    return this.control(path, label, (a) => html`<input class="field" id=${a.id} .value=${((this.at(path) as string[] | undefined) ?? []).join(', ')} aria-invalid=${a.invalid} aria-describedby=${a.described}
      @change=${(e: Event) => this.set(path, listOf((e.target as HTMLInputElement).value))} />`, help ?? this.t('routing.listHelp'));
  }

  private number(path: Path, label: string, placeholder = '') {
    return this.control(path, label, (a) => html`<input class="field" id=${a.id} type="number" min="0" step="1" placeholder=${placeholder} .value=${this.at(path) === undefined ? '' : String(this.at(path))}
      aria-invalid=${a.invalid} aria-describedby=${a.described}
      @change=${(e: Event) => {
        const value = (e.target as HTMLInputElement).value;
        this.set(path, value === '' ? undefined : Number(value));
      }} />`);
  }

  private select(path: Path, label: string, options: readonly { value: string; label: string }[], parse: (value: string) => unknown = (v) => v) {
    const current = String(this.at(path) ?? '');
    return this.control(path, label, (a) => html`<select class="field" id=${a.id} aria-invalid=${a.invalid} aria-describedby=${a.described}
      @change=${(e: Event) => this.set(path, parse((e.target as HTMLSelectElement).value))}>
      ${options.map((o) => html`<option value=${o.value} ?selected=${o.value === current}>${o.label}</option>`)}
    </select>`);
  }

  private checkbox(path: Path, label: string) {
    const id = this.idOf(path);
    const error = this.error(path);
    return html`<div class="check">
      <input type="checkbox" id=${id} .checked=${Boolean(this.at(path))} aria-invalid=${error ? 'true' : 'false'} aria-describedby=${error ? `${id}-error` : nothing}
        @change=${(e: Event) => this.set(path, (e.target as HTMLInputElement).checked)} />
      <label for=${id}>${label}</label>
      ${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : nothing}
    </div>`;
  }

  private groupError(path: Path) {
    const error = this.error(path);
    return error ? html`<p class="field-error">${error}</p>` : nothing;
  }

  /** Up, down and remove buttons for item `i` of the list at `list`, named `name` for screen readers. */
  private orderButtons(list: Path, i: number, count: number, name: string, removeLabel: string) {
    const move = (to: number) => {
      const items = this.at(list) as unknown[];
      [items[i], items[to]] = [items[to], items[i]];
      this.announcement = '';
      this.requestUpdate();
    };
    return html`<div class="buttons">
      <button class="btn" type="button" ?disabled=${i === 0} aria-label=${this.t('routing.moveUp', { name })} @click=${() => move(i - 1)}>${this.t('routing.up')}</button>
      <button class="btn" type="button" ?disabled=${i === count - 1} aria-label=${this.t('routing.moveDown', { name })} @click=${() => move(i + 1)}>${this.t('routing.down')}</button>
      <button class="btn danger" type="button" aria-label=${removeLabel} @click=${() => this.set([...list, i], undefined)}>${this.t('routing.remove')}</button>
    </div>`;
  }

  private channelLabel(kind: ChannelKind): string {
    return this.t(`channel.${kind}`);
  }

  // ---- policies ----

  private renderPolicy(path: Path, legend: string, removable: boolean) {
    const policy = this.at(path) as RoutingPolicy;
    const steps = policy.widening;
    const levels = [{ value: 'case', label: this.t('routing.level.case') }, ...[1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: this.t('routing.level.n', { level: n }) }))];
    return html`<fieldset part="policy" class="group">
      <legend>${legend}</legend>
      ${this.groupError(path)}
      <div class="grid">
        ${this.text([...path, 'id'], this.t('routing.policyId'))}
        ${this.select([...path, 'mode'], this.t('routing.mode'), (['auto', 'manual'] as const).map((m) => ({ value: m, label: this.t(`routing.mode.${m}`) })))}
        ${this.select([...path, 'selection'], this.t('routing.selection'), ROUTING_SELECTIONS.map((s) => ({ value: s, label: this.t(`routing.selection.${s}`) })))}
        ${this.select([...path, 'onAgentOffline'], this.t('routing.onOffline'), ROUTING_OFFLINE_ACTIONS.map((s) => ({ value: s, label: this.t(`routing.onOffline.${s}`) })))}
        ${this.checkbox([...path, 'sticky'], this.t('routing.sticky'))}
      </div>
      <table class="steps">
        <caption>${this.t('routing.widening')}</caption>
        <thead>
          <tr>
            <th scope="col">${this.t('routing.afterSeconds')}</th>
            <th scope="col">${this.t('routing.minLevel')}</th>
            <th scope="col">${this.t('routing.stepLanguage')}</th>
            <th scope="col">${this.t('routing.stepTeam')}</th>
            <th scope="col"><span class="visually-hidden">${this.t('routing.actions')}</span></th>
          </tr>
        </thead>
        <tbody>
          ${steps.map((_, i) => {
            const step = [...path, 'widening', i];
            const n = i + 1;
            const cell = (key: string, label: string, input: TemplateResult) => {
              const error = this.error([...step, key]);
              return html`<td>
                <label class="visually-hidden" for=${this.idOf([...step, key])}>${label}</label>${input}
                ${error ? html`<span class="field-error" id="${this.idOf([...step, key])}-error">${error}</span>` : nothing}
              </td>`;
            };
            const attrs = (key: string) => ({ id: this.idOf([...step, key]), invalid: this.error([...step, key]) ? 'true' : 'false', described: this.error([...step, key]) ? `${this.idOf([...step, key])}-error` : nothing });
            const after = attrs('afterSeconds');
            const level = attrs('minLevel');
            const current = String(this.at([...step, 'minLevel']));
            return html`<tr>
              ${cell('afterSeconds', this.t('routing.stepAfter', { n }), html`<input class="field" type="number" min="0" step="1" id=${after.id} .value=${String(this.at([...step, 'afterSeconds']))}
                aria-invalid=${after.invalid} aria-describedby=${after.described} @change=${(e: Event) => this.set([...step, 'afterSeconds'], Number((e.target as HTMLInputElement).value))} />`)}
              ${cell('minLevel', this.t('routing.stepLevel', { n }), html`<select class="field" id=${level.id} aria-invalid=${level.invalid} aria-describedby=${level.described}
                @change=${(e: Event) => {
                  const v = (e.target as HTMLSelectElement).value;
                  this.set([...step, 'minLevel'], v === 'case' ? 'case' : Number(v));
                }}>${levels.map((o) => html`<option value=${o.value} ?selected=${o.value === current}>${o.label}</option>`)}</select>`)}
              ${cell('language', this.t('routing.stepLanguageOf', { n }), html`<input type="checkbox" id=${this.idOf([...step, 'language'])} .checked=${Boolean(this.at([...step, 'language']))}
                @change=${(e: Event) => this.set([...step, 'language'], (e.target as HTMLInputElement).checked)} />`)}
              ${cell('team', this.t('routing.stepTeamOf', { n }), html`<input type="checkbox" id=${this.idOf([...step, 'team'])} .checked=${Boolean(this.at([...step, 'team']))}
                @change=${(e: Event) => this.set([...step, 'team'], (e.target as HTMLInputElement).checked)} />`)}
              <td>
                <button class="btn" type="button" ?disabled=${steps.length === 1} aria-label=${this.t('routing.removeStep', { n })} @click=${() => this.set([...path, 'widening', i], undefined)}>
                  ${this.t('routing.remove')}
                </button>
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
      <div class="buttons">
        <button class="btn" type="button" @click=${() => this.set([...path, 'widening', steps.length], { ...steps[steps.length - 1]!, afterSeconds: steps[steps.length - 1]!.afterSeconds + 60 })}>
          ${this.t('routing.addStep')}
        </button>
        ${removable ? html`<button class="btn danger" type="button" @click=${() => this.set(path, undefined)}>${this.t('routing.removePolicyOf', { name: legend })}</button>` : nothing}
      </div>
    </fieldset>`;
  }

  private renderPolicies(draft: RoutingSettingsInput) {
    const teams = Object.keys(draft.policies.teams ?? {});
    const channels = Object.keys(draft.policies.channels ?? {}) as ChannelKind[];
    const freeKinds = KINDS.filter((k) => !channels.includes(k));
    const base = () => ({ ...structuredClone(draft.policies.default) });
    return html`<section aria-labelledby="rs-policies-title">
      <h3 id="rs-policies-title">${this.t('routing.policies')}</h3>
      <p class="help">${this.t('routing.policiesHelp')}</p>
      ${this.renderPolicy(['policies', 'default'], this.t('routing.defaultPolicy'), false)}
      ${teams.map((team) => this.renderPolicy(['policies', 'teams', team], this.t('routing.teamPolicy', { team }), true))}
      ${channels.map((kind) => this.renderPolicy(['policies', 'channels', kind], this.t('routing.channelPolicy', { channel: this.channelLabel(kind) }), true))}
      <div class="add-row">
        <div class="control">
          <label for="rs-new-team">${this.t('routing.newTeamPolicy')}</label>
          <input class="field" id="rs-new-team" maxlength="60" .value=${this.newTeam} @input=${(e: Event) => (this.newTeam = (e.target as HTMLInputElement).value)} />
        </div>
        <button class="btn" type="button" ?disabled=${!this.newTeam.trim() || teams.includes(this.newTeam.trim())}
          @click=${() => {
            const team = this.newTeam.trim();
            this.set(['policies', 'teams', team], { ...base(), id: `team-${team}` });
            this.newTeam = '';
          }}>${this.t('routing.addTeamPolicy')}</button>
        ${freeKinds.length
          ? html`<div class="control">
                <label for="rs-new-channel">${this.t('routing.newChannelPolicy')}</label>
                <select class="field" id="rs-new-channel">${freeKinds.map((k) => html`<option value=${k}>${this.channelLabel(k)}</option>`)}</select>
              </div>
              <button class="btn" type="button" @click=${() => {
                const kind = this.renderRoot.querySelector<HTMLSelectElement>('#rs-new-channel')!.value;
                this.set(['policies', 'channels', kind], { ...base(), id: `channel-${kind}` });
              }}>${this.t('routing.addChannelPolicy')}</button>`
          : nothing}
      </div>
    </section>`;
  }

  // ---- rules ----

  private renderCondition(path: Path, depth: number): TemplateResult {
    const condition = this.at(path) as RoutingCondition;
    const kinds = depth >= MAX_DEPTH ? CONDITION_KINDS.filter((k) => k !== 'all' && k !== 'any' && k !== 'not') : CONDITION_KINDS;
    const kindSelect = this.control([...path, 'kind'], this.t('routing.conditionKind'), (a) => html`<select class="field" id=${a.id} aria-invalid=${a.invalid} aria-describedby=${a.described}
      @change=${(e: Event) => this.set(path, conditionOf((e.target as HTMLSelectElement).value as ConditionKind, condition))}>
      ${kinds.map((k) => html`<option value=${k} ?selected=${k === condition.kind}>${this.t(`routing.condition.${k}`)}</option>`)}
    </select>`);
    let body: unknown = nothing;
    switch (condition.kind) {
      case 'channel': {
        const chosen = new Set(condition.in);
        body = html`<fieldset class="kinds">
          <legend>${this.t('routing.channels')}</legend>
          ${KINDS.map((k) => {
            const id = `${this.idOf(path)}-in-${k}`;
            return html`<span class="check"><input type="checkbox" id=${id} .checked=${chosen.has(k)}
              @change=${(e: Event) => this.set([...path, 'in'], (e.target as HTMLInputElement).checked ? [...chosen, k] : [...chosen].filter((c) => c !== k))} /><label for=${id}>${this.channelLabel(k)}</label></span>`;
          })}
          ${this.groupError([...path, 'in'])}
        </fieldset>`;
        break;
      }
      case 'keywords':
        body = this.list([...path, 'any'], this.t('routing.keywords'), this.t('routing.keywordsHelp'));
        break;
      case 'language':
        body = this.list([...path, 'in'], this.t('routing.languages'));
        break;
      case 'attribute': {
        const test = ATTRIBUTE_TESTS.find((k) => condition[k] !== undefined) ?? 'equals';
        const value = condition[test];
        body = html`${this.text([...path, 'name'], this.t('routing.attribute'))}
          ${this.control([...path, 'test'], this.t('routing.attributeTest'), (a) => html`<select class="field" id=${a.id}
            @change=${(e: Event) => {
              const next = (e.target as HTMLSelectElement).value as (typeof ATTRIBUTE_TESTS)[number];
              this.set(path, { kind: 'attribute', name: condition.name, [next]: next === 'exists' ? true : next === 'atLeast' ? 0 : '' });
            }}>${ATTRIBUTE_TESTS.map((k) => html`<option value=${k} ?selected=${k === test}>${this.t(`routing.attribute.${k}`)}</option>`)}</select>`)}
          ${test === 'exists'
            ? this.checkbox([...path, 'exists'], this.t('routing.attributePresent'))
            : test === 'atLeast'
              ? this.number([...path, 'atLeast'], this.t('routing.attributeValue'))
              : this.control([...path, 'equals'], this.t('routing.attributeValue'), (a) => html`<input class="field" id=${a.id} .value=${String(value ?? '')} aria-invalid=${a.invalid} aria-describedby=${a.described}
                  @change=${(e: Event) => this.set([...path, 'equals'], (e.target as HTMLInputElement).value)} />`)}`;
        break;
      }
      case 'all':
      case 'any':
        body = html`<ol class="children">
            ${condition.of.map((_, i) => html`<li>
              ${this.renderCondition([...path, 'of', i], depth + 1)}
              <button class="btn" type="button" ?disabled=${condition.of.length === 1} aria-label=${this.t('routing.removeCondition', { n: i + 1 })}
                @click=${() => this.set([...path, 'of', i], undefined)}>${this.t('routing.remove')}</button>
            </li>`)}
          </ol>
          <button class="btn" type="button" @click=${() => this.set([...path, 'of', condition.of.length], { kind: 'keywords', any: [] })}>${this.t('routing.addCondition')}</button>`;
        break;
      case 'not':
        body = this.renderCondition([...path, 'condition'], depth + 1);
        break;
    }
    return html`<fieldset class="condition" data-depth=${depth}>
      <legend>${this.t(depth === 0 ? 'routing.when' : 'routing.conditionN')}</legend>
      ${this.groupError(path)} ${kindSelect} ${body}
    </fieldset>`;
  }

  private renderRule(rule: RoutingRuleInput, i: number, count: number) {
    const path = ['rules', i];
    const set = [...path, 'set'];
    const skills = rule.set.skills ?? [];
    const priorities = [{ value: '', label: this.t('routing.keep') }, ...PRIORITIES.map((p) => ({ value: p, label: this.t(`case.priority.${p}`) }))];
    const name = this.t('routing.ruleN', { n: i + 1, name: rule.name });
    return html`<fieldset part="rule" class="group">
      <legend>${name}</legend>
      ${this.groupError(path)}
      ${this.text([...path, 'name'], this.t('routing.ruleName'))}
      ${this.renderCondition([...path, 'when'], 0)}
      <fieldset class="set">
        <legend>${this.t('routing.then')}</legend>
        ${this.groupError(set)}
        <div class="grid">
          ${this.select([...set, 'priority'], this.t('case.priority'), priorities, (v) => v || undefined)}
          ${this.text([...set, 'team'], this.t('routing.setTeam'))}
          ${this.control([...set, 'skills'], this.t('routing.setSkills'), (a) => html`<input class="field" id=${a.id} .value=${skills.map((s) => `${s.name}:${s.minLevel}`).join(', ')}
            aria-invalid=${a.invalid} aria-describedby=${a.described}
            @change=${(e: Event) => {
              const items = listOf((e.target as HTMLInputElement).value).map((item) => {
                const [skill, level] = item.split(':').map((s) => s.trim());
                return { name: skill ?? '', minLevel: level === undefined ? 1 : Number(level) };
              });
              this.set([...set, 'skills'], items.length ? items : undefined);
            }} />`, this.t('routing.setSkillsHelp'))}
          ${this.control([...set, 'tags'], this.t('routing.setTags'), (a) => html`<input class="field" id=${a.id} .value=${(rule.set.tags ?? []).join(', ')}
            aria-invalid=${a.invalid} aria-describedby=${a.described}
            @change=${(e: Event) => {
              const tags = listOf((e.target as HTMLInputElement).value);
              this.set([...set, 'tags'], tags.length ? tags : undefined);
            }} />`, this.t('routing.listHelp'))}
        </div>
      </fieldset>
      ${this.checkbox([...path, 'stop'], this.t('routing.stop'))}
      ${this.orderButtons(['rules'], i, count, rule.name, this.t('routing.removeRule', { name: rule.name }))}
    </fieldset>`;
  }

  // ---- automations ----

  /** A reply or note: a text area with its count against the API's limit, updated as one types. */
  private longText(path: Path, label: string) {
    const value = String(this.at(path) ?? '');
    const count = this.t('routing.characters', { count: value.length, max: MAX_TEXT });
    return this.control(path, label, (a) => html`<textarea class="field" id=${a.id} rows="3" .value=${value} aria-invalid=${a.invalid} aria-describedby=${a.described}
      @input=${(e: Event) => this.set(path, (e.target as HTMLTextAreaElement).value)}></textarea>`, count);
  }

  private renderAction(action: AutomationAction, path: Path, i: number, count: number, automation: string) {
    const n = i + 1;
    const name = this.t('routing.actionOf', { n, name: automation });
    let body: unknown = nothing;
    switch (action.kind) {
      case 'set_team':
        body = this.text([...path, 'team'], this.t('routing.actionTeam'));
        break;
      case 'add_tags':
        body = this.list([...path, 'tags'], this.t('routing.actionTags'));
        break;
      case 'reply':
        body = this.longText([...path, 'text'], this.t('routing.actionReply'));
        break;
      case 'note':
        body = this.longText([...path, 'text'], this.t('routing.actionNote'));
        break;
      case 'escalate':
        body = this.select([...path, 'priority'], this.t('routing.actionPriority'), [{ value: '', label: this.t('routing.oneStep') }, ...PRIORITIES.map((p) => ({ value: p, label: this.t(`case.priority.${p}`) }))], (v) => v || undefined);
        break;
    }
    return html`<li>
      <fieldset part="action" class="condition">
        <legend>${this.t('routing.actionN', { n })}</legend>
        ${this.groupError(path)}
        ${this.control([...path, 'kind'], this.t('routing.actionKind'), (a) => html`<select class="field" id=${a.id} aria-invalid=${a.invalid} aria-describedby=${a.described}
          @change=${(e: Event) => this.set(path, actionOf((e.target as HTMLSelectElement).value as ActionKind, action))}>
          ${ACTION_KINDS.map((k) => html`<option value=${k} ?selected=${k === action.kind}>${this.t(`routing.action.${k}`)}</option>`)}
        </select>`)}
        ${body}
        ${this.orderButtons(path.slice(0, -1), i, count, name, this.t('routing.removeAction', { name }))}
      </fieldset>
    </li>`;
  }

  private renderAutomation(automation: AutomationInput, i: number, count: number) {
    const path = ['automations', i];
    const actions = [...path, 'actions'];
    const runs = [
      { value: 'always', label: this.t('routing.runs.always') },
      { value: 'when', label: this.t('routing.runs.when') },
    ];
    return html`<fieldset part="automation" class="group">
      <legend>${this.t('routing.automationN', { n: i + 1, name: automation.name })}</legend>
      ${this.groupError(path)}
      <div class="grid">
        ${this.text([...path, 'name'], this.t('routing.ruleName'))}
        ${this.select([...path, 'on'], this.t('routing.trigger'), AUTOMATION_TRIGGERS.map((on) => ({ value: on, label: this.t(`routing.trigger.${on}`) })))}
        ${this.control([...path, 'runs'], this.t('routing.runs'), (a) => html`<select class="field" id=${a.id}
          @change=${(e: Event) => this.set([...path, 'when'], (e.target as HTMLSelectElement).value === 'when' ? { kind: 'keywords', any: [] } : undefined)}>
          ${runs.map((o) => html`<option value=${o.value} ?selected=${o.value === (automation.when ? 'when' : 'always')}>${o.label}</option>`)}
        </select>`)}
      </div>
      ${automation.when ? this.renderCondition([...path, 'when'], 0) : nothing}
      <fieldset class="set">
        <legend>${this.t('routing.do')}</legend>
        ${this.groupError(actions)}
        <ol class="children">${automation.actions.map((action, j) => this.renderAction(action, [...actions, j], j, automation.actions.length, automation.name))}</ol>
        <button class="btn" type="button" ?disabled=${automation.actions.length >= 10}
          @click=${() => this.set([...actions, automation.actions.length], { kind: 'add_tags', tags: [] })}>${this.t('routing.addAction')}</button>
      </fieldset>
      ${this.orderButtons(['automations'], i, count, automation.name, this.t('routing.removeAutomation', { name: automation.name }))}
    </fieldset>`;
  }

  private renderAutomations(draft: RoutingSettingsInput) {
    const automations = draft.automations ?? [];
    return html`<section aria-labelledby="rs-automations-title">
      <h3 id="rs-automations-title">${this.t('routing.automations')}</h3>
      <p class="help">${this.t('routing.automationsHelp')}</p>
      ${this.groupError(['automations'])}
      ${automations.length ? automations.map((automation, i) => this.renderAutomation(automation, i, automations.length)) : html`<p class="muted">${this.t('routing.automationsEmpty')}</p>`}
      <button class="btn" type="button" ?disabled=${automations.length >= 100}
        @click=${() =>
          this.set(['automations'], [...automations, { name: this.t('routing.newAutomation'), on: 'message.received', actions: [{ kind: 'add_tags', tags: [] }] } satisfies AutomationInput])}>
        ${this.t('routing.addAutomation')}
      </button>
    </section>`;
  }

  protected override render() {
    const draft = this.draft;
    return html`<div class="root" lang=${this.loader.locale}>
      <section class="page">
        <h2>${this.t('routing.label')}</h2>
        <div class="visually-hidden" role="status">${this.announcement}</div>
        ${this.announcement ? html`<p class="notice" aria-hidden="true">${this.announcement}</p>` : nothing}
        ${this.loader.error ? html`<p class="error" role="alert">${this.loader.error}</p>` : nothing}
        ${!draft && !this.loader.error ? html`<p class="muted">${this.t('routing.loading')}</p>` : nothing}
        ${draft && !this.loader.allowed ? html`<p class="muted">${this.t('routing.readOnly')}</p>` : nothing}
        ${draft
          ? html`<form part="form" novalidate @submit=${this.save}>
              <fieldset class="plain" ?disabled=${!this.loader.allowed}>
                ${this.renderPolicies(draft)}
                <section aria-labelledby="rs-rules-title">
                  <h3 id="rs-rules-title">${this.t('routing.rules')}</h3>
                  <p class="help">${this.t('routing.rulesHelp')}</p>
                  ${draft.rules.map((rule, i) => this.renderRule(rule, i, draft.rules.length))}
                  <button class="btn" type="button" @click=${() =>
                    this.set(['rules', draft.rules.length], { name: this.t('routing.newRule'), when: { kind: 'keywords', any: [] }, set: { priority: 'high' }, stop: false })}>
                    ${this.t('routing.addRule')}
                  </button>
                </section>
                ${this.renderAutomations(draft)}
                <section aria-labelledby="rs-handle-title">
                  <h3 id="rs-handle-title">${this.t('routing.handle')}</h3>
                  <p class="help">${this.t('routing.handleHelp')}</p>
                  <div class="grid">${KINDS.map((k) => this.number(['handleSeconds', k], this.channelLabel(k), '300'))}</div>
                </section>
                ${this.failure ? html`<div class="error" role="alert"><p>${this.failure}</p>
                    ${this.errors.size
                      ? html`<ul part="errors">${[...this.errors].map(([path, message]) => html`<li><code>${path}</code>: ${message}</li>`)}</ul>`
                      : nothing}</div>`
                  : nothing}
                <div class="actions">
                  <button class="btn" type="button" @click=${() => this.reload()}>${this.t('routing.discard')}</button>
                  <button class="btn" type="button" @click=${() => {
                    this.draft = structuredClone(DEFAULT_ROUTING);
                    this.announcement = '';
                  }}>${this.t('routing.defaults')}</button>
                  <button class="btn primary" type="submit" ?disabled=${this.saving}>${this.t(this.saving ? 'routing.saving' : 'routing.save')}</button>
                </div>
              </fieldset>
            </form>`
          : nothing}
      </section>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'casekit-routing-settings': CasekitRoutingSettings;
  }
  interface HTMLElementEventMap {
    'casekit-routing-saved': RoutingSavedEvent;
  }
}
