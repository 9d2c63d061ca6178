import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { AgentClient } from '@casekit/sdk';
import { CHANNEL_KINDS, PERMISSIONS, PRIORITIES, WEEKDAYS } from '@casekit/protocol';
import type { ChannelKind, SlaSettings, SlaSettingsInput, WorkspaceSettings } from '@casekit/protocol';
import { formControlStyles, themeStyles } from '../internal/theme.ts';
import { slaSettingsStyles } from './sla-settings.styles.ts';
import { errorMessage, translate, type MessageKey } from '../i18n.ts';
import '../internal/messages-agent.ts';
import '../internal/messages-errors.ts';
import '../internal/messages-admin.ts';
import { AdminLoadController } from '../internal/admin-load.ts';
import { fieldIssuesOf } from '../internal/field-errors.ts';
import * as icons from '../internal/icons.ts';

/** `<casekit-sla-settings>` saved the workspace's SLA; `settings` is the server's answer. */
export class SlaSettingsSavedEvent extends Event {
  static readonly eventName = 'casekit-sla-settings-saved';
  readonly settings: WorkspaceSettings;
  constructor(settings: WorkspaceSettings) {
    super(SlaSettingsSavedEvent.eventName, { bubbles: true, composed: true });
    this.settings = settings;
  }
}

type Weekday = (typeof WEEKDAYS)[number];
type Priority = (typeof PRIORITIES)[number];
const TARGETS = [
  ['firstResponseSeconds', 'sla.firstResponse'],
  ['nextResponseSeconds', 'sla.nextResponse'],
  ['resolutionSeconds', 'sla.resolution'],
] as const;
type TargetKey = (typeof TARGETS)[number][0];
const WARN_MODES = ['none', 'seconds', 'fraction'] as const;
const NOTIFY_ROLES = ['supervisor', 'admin'] as const;

/** A duration as typed: a number of minutes or hours, empty for none. */
interface Amount {
  value: string;
  unit: 'minutes' | 'hours';
}
interface DraftCalendar {
  id: string;
  timeZone: string;
  hours: Record<Weekday, [string, string][]>;
  holidays: string[];
}
interface DraftPolicy {
  id: string;
  calendarId: string;
  targets: Record<Priority, Record<TargetKey, Amount>>;
  warn: (typeof WARN_MODES)[number];
  warnBefore: Amount;
  warnPercent: string;
  raisePriority: boolean;
  reassign: boolean;
  notifyRole: '' | (typeof NOTIFY_ROLES)[number];
}
/** The form's state: the settings as edited, in the shapes the inputs hold. */
interface Draft {
  calendars: DraftCalendar[];
  policies: DraftPolicy[];
  default: string;
  teams: { team: string; policyId: string }[];
  channels: Partial<Record<ChannelKind, string>>;
}

const amountOf = (seconds: number | undefined): Amount =>
  seconds === undefined ? { value: '', unit: 'minutes' } : seconds % 3600 === 0 ? { value: String(seconds / 3600), unit: 'hours' } : { value: String(seconds / 60), unit: 'minutes' };

/** Seconds of a typed amount; a value that is not a number goes to the server as it is, to be refused there. */
const secondsOf = (amount: Amount): number | undefined => {
  const text = amount.value.trim();
  if (text === '') return undefined;
  return Math.round(Number(text) * (amount.unit === 'hours' ? 3600 : 60));
};

const newPolicy = (id: string): DraftPolicy => ({
  id,
  calendarId: '',
  targets: Object.fromEntries(PRIORITIES.map((p) => [p, Object.fromEntries(TARGETS.map(([key]) => [key, amountOf(undefined)]))])) as DraftPolicy['targets'],
  warn: 'none',
  warnBefore: amountOf(undefined),
  warnPercent: '',
  raisePriority: false,
  reassign: false,
  notifyRole: '',
});

const newCalendar = (id: string, timeZone: string): DraftCalendar => ({
  id,
  timeZone,
  hours: Object.fromEntries(WEEKDAYS.map((day) => [day, ['sat', 'sun'].includes(day) ? [] : [['09:00', '17:00']]])) as DraftCalendar['hours'],
  holidays: [],
});

function toDraft(sla: SlaSettings | undefined): Draft {
  if (!sla) return { calendars: [], policies: [newPolicy('standard')], default: 'standard', teams: [], channels: {} };
  return {
    calendars: sla.calendars.map((c) => ({
      id: c.id,
      timeZone: c.timeZone,
      hours: Object.fromEntries(WEEKDAYS.map((day) => [day, (c.hours[day] ?? []).map(([a, b]) => [a, b])])) as DraftCalendar['hours'],
      holidays: [...c.holidays],
    })),
    policies: sla.policies.map((p) => ({
      ...newPolicy(p.id),
      calendarId: p.calendarId ?? '',
      targets: Object.fromEntries(PRIORITIES.map((pr) => [pr, Object.fromEntries(TARGETS.map(([key]) => [key, amountOf(p.targets[pr]?.[key])]))])) as DraftPolicy['targets'],
      warn: p.warnBeforeSeconds !== undefined ? 'seconds' : p.warnBeforeFraction !== undefined ? 'fraction' : 'none',
      warnBefore: amountOf(p.warnBeforeSeconds),
      warnPercent: p.warnBeforeFraction === undefined ? '' : String(Math.round(p.warnBeforeFraction * 1000) / 10),
      raisePriority: p.escalation?.raisePriority ?? false,
      reassign: p.escalation?.reassign ?? false,
      notifyRole: p.escalation?.notifyRole ?? '',
    })),
    default: sla.default,
    teams: Object.entries(sla.teams ?? {}).map(([team, policyId]) => ({ team, policyId })),
    channels: { ...sla.channels },
  };
}

/** The draft as the API takes it; the server checks it (`body.sla.…` paths name the inputs). */
function fromDraft(draft: Draft): SlaSettingsInput {
  const teams = draft.teams.filter((t) => t.team.trim() !== '');
  const channels = Object.entries(draft.channels).filter(([, id]) => id);
  return {
    calendars: draft.calendars.map((c) => ({
      id: c.id.trim(),
      timeZone: c.timeZone,
      hours: Object.fromEntries(WEEKDAYS.filter((day) => c.hours[day].length > 0).map((day) => [day, c.hours[day].map(([a, b]) => [a.trim(), b.trim()])])),
      holidays: c.holidays,
    })),
    policies: draft.policies.map((p) => {
      const targets = Object.fromEntries(
        PRIORITIES.map((pr) => [pr, Object.fromEntries(TARGETS.flatMap(([key]) => (secondsOf(p.targets[pr][key]) === undefined ? [] : [[key, secondsOf(p.targets[pr][key])]])))] as const).filter(
          ([, t]) => Object.keys(t).length > 0,
        ),
      );
      const escalation = {
        ...(p.raisePriority ? { raisePriority: true } : {}),
        ...(p.reassign ? { reassign: true } : {}),
        ...(p.notifyRole ? { notifyRole: p.notifyRole } : {}),
      };
      return {
        id: p.id.trim(),
        ...(p.calendarId ? { calendarId: p.calendarId } : {}),
        targets,
        ...(p.warn === 'seconds' && secondsOf(p.warnBefore) !== undefined ? { warnBeforeSeconds: secondsOf(p.warnBefore) } : {}),
        ...(p.warn === 'fraction' ? { warnBeforeFraction: Number(p.warnPercent) / 100 } : {}),
        ...(Object.keys(escalation).length ? { escalation } : {}),
      };
    }),
    default: draft.default,
    ...(teams.length ? { teams: Object.fromEntries(teams.map((t) => [t.team.trim(), t.policyId])) } : {}),
    ...(channels.length ? { channels: Object.fromEntries(channels) } : {}),
  };
}

let timeZones: string[] | undefined;
const knownTimeZones = () => (timeZones ??= Intl.supportedValuesOf('timeZone'));
const idOf = (path: string) => `sla-${path.replaceAll('.', '-')}`;

/**
 * The workspace's SLA for admins: business-hours calendars (time zone, open hours per weekday,
 * holidays), policies (targets per priority for first response, next response and resolution,
 * when to warn, what a breach does, which calendar counts) and which policy applies by default,
 * per team and per channel. Saved as a whole; the server's word on a field shows beside it.
 * Agents who are not admins see the settings, read-only.
 *
 * @event casekit-sla-settings-saved - The SLA was saved; `event.settings`.
 *
 * @csspart calendars - The business-hours calendars.
 * @csspart policies - The policies.
 * @csspart applies - Which policy applies by default, per team and per channel.
 * @csspart save - The save button.
 *
 * @cssproperty --casekit-sla-settings-max-width - Widest the content grows (default 900px).
 */
@customElement('casekit-sla-settings')
export class CasekitSlaSettings extends LitElement {
  static override styles = [themeStyles, formControlStyles, slaSettingsStyles];

  /** The agent client; defaults to the one provided by an ancestor. */
  @property({ attribute: false }) accessor client: AgentClient | undefined;
  /** `light` or `dark` to pin the colour scheme. */
  @property({ reflect: true }) accessor theme: 'light' | 'dark' | undefined;

  @state() private accessor draft: Draft | undefined;
  @state() private accessor configured = false;
  @state() private accessor saving = false;
  @state() private accessor failure = '';
  @state() private accessor announcement = '';
  /** The server's word on each field, by path under `sla` (`policies.0.targets.urgent.firstResponseSeconds`). */
  @state() private accessor fieldErrors = new Map<string, string>();

  /** Paths whose error a field showed in the render under way; the others are listed at the top. */
  private placed = new Set<string>();
  private readonly loader = new AdminLoadController(this, {
    load: (client) => client.getSettings(),
    loaded: (settings) => {
      this.configured = settings.sla !== undefined;
      this.draft = toDraft(settings.sla);
      this.fieldErrors = new Map();
    },
    failed: (err): string => this.t('slaSettings.error', { message: errorMessage(this.loader.locale, err) }),
    needs: PERMISSIONS.updateSettings,
  });

  /** Loads the settings and whether the signed-in agent may change them; edits not saved are dropped. */
  async reload(): Promise<void> {
    await this.loader.reload();
  }

  /** Saves the whole SLA; on a refusal each field at fault shows why and the first one takes the focus. */
  async save(e?: SubmitEvent): Promise<void> {
    e?.preventDefault();
    const client = this.loader.client;
    if (!client || !this.draft || this.saving) return;
    this.saving = true;
    this.failure = '';
    this.announcement = '';
    try {
      const settings = await client.updateSettings({ sla: fromDraft(this.draft) });
      this.draft = toDraft(settings.sla);
      this.configured = settings.sla !== undefined;
      this.fieldErrors = new Map();
      this.announcement = this.t('slaSettings.saved');
      this.dispatchEvent(new SlaSettingsSavedEvent(settings));
    } catch (err) {
      const issues = fieldIssuesOf(err).filter((issue) => issue.path === 'body.sla' || issue.path.startsWith('body.sla.'));
      this.fieldErrors = new Map(issues.map((issue) => [issue.path.replace(/^body\.sla\.?/, ''), issue.message]));
      this.failure = issues.length ? this.t('slaSettings.fixErrors') : this.t('slaSettings.saveError', { message: errorMessage(this.loader.locale, err) });
      this.saving = false; // the fields are enabled again before one takes the focus
      await this.updateComplete;
      (this.renderRoot.querySelector<HTMLElement>('[aria-invalid=true]') ?? this.renderRoot.querySelector<HTMLElement>('.failure'))?.focus();
    } finally {
      this.saving = false;
    }
  }

  private t(key: MessageKey, vars?: Record<string, string | number>): string {
    return translate(this.loader.locale, key, vars);
  }

  /** Changes the draft; the field's error goes once it is edited. */
  private edit(path: string, change: (draft: Draft) => void): void {
    if (!this.draft) return;
    change(this.draft);
    if (this.fieldErrors.has(path)) {
      const next = new Map(this.fieldErrors);
      next.delete(path);
      this.fieldErrors = next;
    }
    this.requestUpdate();
  }

  /** The error shown beside the field at `path`, marked as placed. */
  private errorAt(path: string): TemplateResult | typeof nothing {
    const message = this.fieldErrors.get(path);
    if (message === undefined) return nothing;
    this.placed.add(path);
    return html`<span class="field-error" id="${idOf(path)}-error">${message}</span>`;
  }

  private invalid(path: string): 'true' | 'false' {
    return this.fieldErrors.has(path) ? 'true' : 'false';
  }

  private described(path: string): string | typeof nothing {
    return this.fieldErrors.has(path) ? `${idOf(path)}-error` : nothing;
  }

  /** A text input bound to the draft at `path`, named by `label`, with its error after it. */
  private text(path: string, label: string, value: string, set: (value: string) => void, options: { type?: string; placeholder?: string; visibleLabel?: boolean } = {}) {
    const input = html`<input class="field" id=${idOf(path)} type=${options.type ?? 'text'} .value=${value} placeholder=${options.placeholder ?? nothing}
      aria-label=${options.visibleLabel ? nothing : label} aria-invalid=${this.invalid(path)} aria-describedby=${this.described(path)}
      @input=${(e: Event) => this.edit(path, () => set((e.target as HTMLInputElement).value))} />`;
    return options.visibleLabel
      ? html`<div class="control"><label for=${idOf(path)}>${label}</label>${input}${this.errorAt(path)}</div>`
      : html`<span class="cell">${input}${this.errorAt(path)}</span>`;
  }

  /** A select bound to the draft at `path`. */
  private choice(path: string, label: string, value: string, options: [string, string][], set: (value: string) => void, visibleLabel = true) {
    const all = options.some(([v]) => v === value) ? options : [...options, [value, value] as [string, string]];
    const select = html`<select class="field" id=${idOf(path)} aria-label=${visibleLabel ? nothing : label} aria-invalid=${this.invalid(path)} aria-describedby=${this.described(path)}
      @change=${(e: Event) => this.edit(path, () => set((e.target as HTMLSelectElement).value))}>
      ${all.map(([v, text]) => html`<option value=${v} ?selected=${v === value}>${text}</option>`)}
    </select>`;
    return visibleLabel
      ? html`<div class="control"><label for=${idOf(path)}>${label}</label>${select}${this.errorAt(path)}</div>`
      : html`<span class="cell">${select}${this.errorAt(path)}</span>`;
  }

  private amount(path: string, label: string, amount: Amount) {
    return html`<span class="amount">
      <input class="field" id=${idOf(path)} type="number" min="0" step="any" inputmode="decimal" .value=${amount.value} aria-label=${label}
        aria-invalid=${this.invalid(path)} aria-describedby=${this.described(path)}
        @input=${(e: Event) => this.edit(path, () => (amount.value = (e.target as HTMLInputElement).value))} />
      <select class="field unit" aria-label=${this.t('slaSettings.unit', { field: label })}
        @change=${(e: Event) => this.edit(path, () => (amount.unit = (e.target as HTMLSelectElement).value as Amount['unit']))}>
        <option value="minutes" ?selected=${amount.unit === 'minutes'}>${this.t('slaSettings.minutes')}</option>
        <option value="hours" ?selected=${amount.unit === 'hours'}>${this.t('slaSettings.hours.unit')}</option>
      </select>
      ${this.errorAt(path)}
    </span>`;
  }

  private weekdayName(index: number): string {
    return new Intl.DateTimeFormat(this.loader.locale, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2026, 0, 5 + index));
  }

  private renderCalendar(calendar: DraftCalendar, ci: number) {
    const at = `calendars.${ci}`;
    const zones = knownTimeZones().map((z) => [z, z] as [string, string]);
    return html`<fieldset class="card">
      <legend>${this.t('slaSettings.calendarOf', { id: calendar.id || '…' })}</legend>
      <div class="row">
        ${this.text(`${at}.id`, this.t('slaSettings.calendarId'), calendar.id, (v) => (calendar.id = v), { visibleLabel: true })}
        ${this.choice(`${at}.timeZone`, this.t('slaSettings.timeZone'), calendar.timeZone, zones, (v) => (calendar.timeZone = v))}
        <button class="btn danger" type="button" @click=${() => this.edit(at, (d) => d.calendars.splice(ci, 1))}>${this.t('slaSettings.removeCalendar', { id: calendar.id })}</button>
      </div>
      <fieldset class="hours" aria-describedby=${this.described(`${at}.hours`)}>
        <legend>${this.t('slaSettings.hours')}</legend>
        ${this.errorAt(`${at}.hours`)}
        ${WEEKDAYS.map((day, di) => {
          const name = this.weekdayName(di);
          const intervals = calendar.hours[day];
          return html`<div class="day" role="group" aria-label=${name}>
            <span class="day-name" aria-hidden="true">${name}</span>
            <span class="intervals">
              ${intervals.length === 0 ? html`<span class="muted">${this.t('slaSettings.closed')}</span>` : nothing}
              ${intervals.map(
                (interval, ii) => html`<span class="interval">
                  ${this.text(`${at}.hours.${day}.${ii}.0`, this.t('slaSettings.opens', { day: name }), interval[0], (v) => (interval[0] = v), { placeholder: 'HH:MM' })}
                  <span aria-hidden="true">–</span>
                  ${this.text(`${at}.hours.${day}.${ii}.1`, this.t('slaSettings.closes', { day: name }), interval[1], (v) => (interval[1] = v), { placeholder: 'HH:MM' })}
                  <button class="icon-btn" type="button" aria-label=${this.t('slaSettings.removeInterval', { day: name, start: interval[0], end: interval[1] })}
                    @click=${() => this.edit(`${at}.hours.${day}`, () => intervals.splice(ii, 1))}>${icons.close}</button>
                </span>`,
              )}
            </span>
            <button class="btn small" type="button" aria-label=${this.t('slaSettings.addInterval', { day: name })}
              @click=${() => this.edit(`${at}.hours`, () => intervals.push(intervals.length ? [intervals[intervals.length - 1]![1], '24:00'] : ['09:00', '17:00']))}>+</button>
          </div>`;
        })}
      </fieldset>
      <fieldset class="holidays">
        <legend>${this.t('slaSettings.holidays')}</legend>
        ${calendar.holidays.map(
          (date, hi) => html`<span class="interval">
            ${this.text(`${at}.holidays.${hi}`, this.t('slaSettings.holiday', { n: hi + 1 }), date, (v) => (calendar.holidays[hi] = v), { type: 'date' })}
            <button class="icon-btn" type="button" aria-label=${this.t('slaSettings.removeHoliday', { date: date || hi + 1 })}
              @click=${() => this.edit(`${at}.holidays`, () => calendar.holidays.splice(hi, 1))}>${icons.close}</button>
          </span>`,
        )}
        <button class="btn small" type="button" @click=${() => this.edit(`${at}.holidays`, () => calendar.holidays.push(''))}>${this.t('slaSettings.addHoliday')}</button>
      </fieldset>
    </fieldset>`;
  }

  private renderPolicy(policy: DraftPolicy, pi: number, draft: Draft) {
    const at = `policies.${pi}`;
    const calendars: [string, string][] = [['', this.t('slaSettings.alwaysOpen')], ...draft.calendars.map((c) => [c.id, c.id] as [string, string])];
    return html`<fieldset class="card">
      <legend>${this.t('slaSettings.policyOf', { id: policy.id || '…' })}</legend>
      <div class="row">
        ${this.text(`${at}.id`, this.t('slaSettings.policyId'), policy.id, (v) => (policy.id = v), { visibleLabel: true })}
        ${this.choice(`${at}.calendarId`, this.t('slaSettings.calendar'), policy.calendarId, calendars, (v) => (policy.calendarId = v))}
        <button class="btn danger" type="button" @click=${() => this.edit(at, (d) => d.policies.splice(pi, 1))}>${this.t('slaSettings.removePolicy', { id: policy.id })}</button>
      </div>
      <table class="targets">
        <caption>${this.t('slaSettings.targets')} <span class="muted">${this.t('slaSettings.targetsHelp')}</span></caption>
        <thead>
          <tr>
            <th scope="col">${this.t('slaSettings.priority')}</th>
            ${TARGETS.map(([, label]) => html`<th scope="col">${this.t(label)}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${[...PRIORITIES].reverse().map(
            (priority) => html`<tr>
              <th scope="row">${this.t(`case.priority.${priority}`)}</th>
              ${TARGETS.map(
                ([key, label]) => html`<td>
                  ${this.amount(`${at}.targets.${priority}.${key}`, this.t('slaSettings.target', { metric: this.t(label), priority: this.t(`case.priority.${priority}`) }), policy.targets[priority][key])}
                </td>`,
              )}
            </tr>`,
          )}
        </tbody>
      </table>
      <div class="row">
        ${this.choice(`${at}.warn`, this.t('slaSettings.warn'), policy.warn, WARN_MODES.map((m) => [m, this.t(`slaSettings.warn.${m}`)]), (v) => (policy.warn = v as DraftPolicy['warn']))}
        ${policy.warn === 'seconds'
          ? html`<div class="control">
              <span class="label">${this.t('slaSettings.warnBefore')}</span>${this.amount(`${at}.warnBeforeSeconds`, this.t('slaSettings.warnBefore'), policy.warnBefore)}
            </div>`
          : nothing}
        ${policy.warn === 'fraction'
          ? this.text(`${at}.warnBeforeFraction`, this.t('slaSettings.warnPercent'), policy.warnPercent, (v) => (policy.warnPercent = v), { type: 'number', visibleLabel: true })
          : nothing}
      </div>
      <fieldset class="escalation">
        <legend>${this.t('slaSettings.escalation')}</legend>
        <label class="check"><input type="checkbox" .checked=${policy.raisePriority} @change=${(e: Event) => this.edit(`${at}.escalation`, () => (policy.raisePriority = (e.target as HTMLInputElement).checked))} />
          ${this.t('slaSettings.raisePriority')}</label>
        <label class="check"><input type="checkbox" .checked=${policy.reassign} @change=${(e: Event) => this.edit(`${at}.escalation`, () => (policy.reassign = (e.target as HTMLInputElement).checked))} />
          ${this.t('slaSettings.reassign')}</label>
        ${this.choice(`${at}.escalation.notifyRole`, this.t('slaSettings.notifyRole'), policy.notifyRole, [['', this.t('slaSettings.notifyNobody')], ...NOTIFY_ROLES.map((r) => [r, this.t(`role.${r}`)] as [string, string])], (v) => (policy.notifyRole = v as DraftPolicy['notifyRole']))}
        ${this.errorAt(`${at}.escalation`)}
      </fieldset>
    </fieldset>`;
  }

  private renderApplies(draft: Draft) {
    const policies: [string, string][] = draft.policies.map((p) => [p.id, p.id]);
    return html`<section part="applies" aria-labelledby="sla-applies-title">
      <h3 id="sla-applies-title">${this.t('slaSettings.applies')}</h3>
      <p class="muted">${this.t('slaSettings.appliesHelp')}</p>
      ${this.choice('default', this.t('slaSettings.default'), draft.default, policies, (v) => (draft.default = v))}
      <fieldset class="card">
        <legend>${this.t('slaSettings.teams')}</legend>
        ${draft.teams.map((entry, ti) => {
          const path = `teams.${entry.team.trim()}`;
          return html`<div class="row">
            ${this.text(`teamEntries.${ti}`, this.t('slaSettings.team'), entry.team, (v) => (entry.team = v))}
            ${this.choice(path, this.t('slaSettings.teamPolicy', { team: entry.team }), entry.policyId, policies, (v) => (entry.policyId = v), false)}
            <button class="icon-btn" type="button" aria-label=${this.t('slaSettings.removeTeam', { team: entry.team })} @click=${() => this.edit(path, (d) => d.teams.splice(ti, 1))}>${icons.close}</button>
          </div>`;
        })}
        <button class="btn small" type="button" @click=${() => this.edit('teams', (d) => d.teams.push({ team: '', policyId: d.default }))}>${this.t('slaSettings.addTeam')}</button>
      </fieldset>
      <fieldset class="card channels">
        <legend>${this.t('slaSettings.channels')}</legend>
        ${CHANNEL_KINDS.map((kind) =>
          this.choice(`channels.${kind}`, this.t(`channel.${kind}` as MessageKey), draft.channels[kind] ?? '', [['', this.t('slaSettings.useDefault')], ...policies], (v) => {
            if (v) draft.channels[kind] = v;
            else delete draft.channels[kind];
          }),
        )}
      </fieldset>
    </section>`;
  }

  protected override render() {
    const draft = this.draft;
    this.placed = new Set();
    if (!draft) {
      return html`<div class="root" lang=${this.loader.locale}><section>
        <h2>${this.t('slaSettings.label')}</h2>
        ${this.loader.error ? html`<p class="error" role="alert">${this.loader.error}</p>` : html`<p class="muted" role="status">${this.loader.loading ? this.t('slaSettings.loading') : ''}</p>`}
      </section></div>`;
    }
    // The fields first, so the errors none of them showed can be listed above them.
    const calendars = draft.calendars.map((c, ci) => this.renderCalendar(c, ci));
    const policies = draft.policies.map((p, pi) => this.renderPolicy(p, pi, draft));
    const applies = this.renderApplies(draft);
    const elsewhere = [...this.fieldErrors].filter(([path]) => !this.placed.has(path));
    return html`<div class="root" lang=${this.loader.locale}>
      <form @submit=${this.save} novalidate>
        <h2>${this.t('slaSettings.label')}</h2>
        <div class="visually-hidden" role="status">${this.announcement}</div>
        ${this.announcement ? html`<p class="notice" aria-hidden="true">${this.announcement}</p>` : nothing}
        ${this.loader.allowed ? nothing : html`<p class="muted">${this.t('slaSettings.readOnly')}</p>`}
        ${this.configured ? nothing : html`<p class="muted">${this.t('slaSettings.empty')}</p>`}
        ${this.failure
          ? html`<div class="failure" role="alert" tabindex="-1">
              <p>${this.failure}</p>
              ${elsewhere.length ? html`<ul>${elsewhere.map(([path, message]) => html`<li>${this.t('slaSettings.issue', { field: path || 'sla', message })}</li>`)}</ul>` : nothing}
            </div>`
          : nothing}
        <fieldset class="plain" ?disabled=${!this.loader.allowed || this.saving}>
          <section part="calendars" aria-labelledby="sla-calendars-title">
            <h3 id="sla-calendars-title">${this.t('slaSettings.calendars')}</h3>
            <p class="muted">${this.t('slaSettings.calendarsHelp')}</p>
            ${calendars}
            <button class="btn" type="button"
              @click=${() => this.edit('calendars', (d) => d.calendars.push(newCalendar(d.calendars.some((c) => c.id === 'office') ? `office-${d.calendars.length + 1}` : 'office', Intl.DateTimeFormat().resolvedOptions().timeZone)))}>
              ${this.t('slaSettings.addCalendar')}
            </button>
          </section>
          <section part="policies" aria-labelledby="sla-policies-title">
            <h3 id="sla-policies-title">${this.t('slaSettings.policies')}</h3>
            ${policies}
            <button class="btn" type="button" @click=${() => this.edit('policies', (d) => d.policies.push(newPolicy(`policy-${d.policies.length + 1}`)))}>${this.t('slaSettings.addPolicy')}</button>
          </section>
          ${applies}
          <div class="actions">
            <button part="save" class="btn primary" type="submit">${this.saving ? this.t('slaSettings.saving') : this.t('slaSettings.save')}</button>
          </div>
        </fieldset>
      </form>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'casekit-sla-settings': CasekitSlaSettings;
  }
  interface HTMLElementEventMap {
    'casekit-sla-settings-saved': SlaSettingsSavedEvent;
  }
}
