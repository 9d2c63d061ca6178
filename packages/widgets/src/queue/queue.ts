import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { AgentClient } from '@casekit/sdk';
import { CHANNEL_KINDS } from '@casekit/protocol';
import type { Agent, AgentLoad, ChannelKind, QueueEntry, QueueResponse } from '@casekit/protocol';
import { formControlStyles, themeStyles } from '../internal/theme.ts';
import { panelStyles } from '../internal/panel-styles.ts';
import { queueStyles } from './queue.styles.ts';
import { errorMessage, translate, translatePlural, type MessageKey } from '../i18n.ts';
import '../internal/messages-chat.ts';
import '../internal/messages-agent.ts';
import '../internal/messages-admin.ts';
import '../internal/messages-errors.ts';
import { agentDirectory, currentAgent } from '../internal/agents.ts';
import { AdminLoadController } from '../internal/admin-load.ts';
import { formatElapsed } from '../internal/format.ts';
import { CaseSelectEvent } from '../events.ts';

/** Realtime changes come in bursts (one routing pass assigns many cases): one reload after the burst. */
const DEBOUNCE_MS = 400;
/** A slow poll on top of realtime, for estimates and for changes realtime cannot tell. */
const POLL_MS = 30_000;

/**
 * The live queue, for supervisors: waiting cases in routing order with priority, channel, team,
 * required skills, how long each has waited, its place and estimate, and each agent's load
 * against capacity per channel kind. A supervisor takes a case or gives it to an online agent.
 * Follows realtime case and presence changes, and polls every 30 seconds.
 *
 * @event casekit-case-select - A case's number was chosen, to open it; `event.caseId`, `event.case`.
 *
 * @csspart list - The table of waiting cases.
 * @csspart row - One waiting case.
 * @csspart agents - The agents' loads.
 *
 * @cssproperty --casekit-queue-max-width - Widest the content grows (default 1100px).
 * @cssproperty --casekit-queue-bar-color - Colour of a load bar (default the accent).
 */
@customElement('casekit-queue')
export class CasekitQueue extends LitElement {
  static override styles = [themeStyles, formControlStyles, panelStyles, queueStyles];

  /** The agent client; defaults to the one provided by an ancestor. */
  @property({ attribute: false }) accessor client: AgentClient | undefined;
  /** `light` or `dark` to pin the colour scheme. */
  @property({ reflect: true }) accessor theme: 'light' | 'dark' | undefined;

  @state() private accessor queue: QueueResponse | undefined;
  @state() private accessor names = new Map<string, Agent>();
  @state() private accessor meId = '';
  @state() private accessor failure = '';
  @state() private accessor announcement = '';
  @state() private accessor busy = new Set<string>();
  @state() private accessor now = Date.now();

  private debounce: ReturnType<typeof setTimeout> | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;
  private tick: ReturnType<typeof setInterval> | undefined;

  private readonly loader = new AdminLoadController(this, {
    load: (client) => client.getQueue(),
    loaded: (queue) => {
      this.queue = queue;
      this.now = Date.now();
    },
    failed: (err): string => this.t('queue.error', { message: errorMessage(this.loader.locale, err) }),
    quiet: true,
    on: {
      case: () => this.reloadSoon(),
      presence: () => this.reloadSoon(),
      agent: (agent: Agent) => {
        this.names = new Map(this.names).set(agent.id, agent);
        this.reloadSoon();
      },
    },
    attached: (client) => {
      void agentDirectory(client).then((names) => (this.names = new Map(names)));
      void currentAgent(client).then((me) => (this.meId = me.id), () => undefined);
      void this.reload();
    },
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.poll = setInterval(() => document.visibilityState === 'visible' && void this.reload(), POLL_MS);
    this.tick = setInterval(() => (this.now = Date.now()), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.poll);
    clearInterval(this.tick);
    clearTimeout(this.debounce);
  }

  /** Reloads the queue now. */
  async reload(): Promise<void> {
    await this.loader.reload();
  }

  private reloadSoon(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.reload(), DEBOUNCE_MS);
  }

  private t(key: MessageKey, vars?: Record<string, string | number>): string {
    return translate(this.loader.locale, key, vars);
  }

  private nameOf(agentId: string): string {
    return this.names.get(agentId)?.name ?? agentId;
  }

  /** Agents a case can be given to: online, active humans, with their load on its channel kind. */
  private assignable(entry: QueueEntry): { agent: AgentLoad; text: string }[] {
    return (this.queue?.agents ?? [])
      .filter((a) => a.presence === 'online' && this.names.get(a.agentId)?.active !== false && this.names.get(a.agentId)?.kind !== 'bot')
      .map((agent) => ({
        agent,
        text: this.t('queue.agentLoad', { name: this.nameOf(agent.agentId), load: agent.load[entry.channel] ?? 0, capacity: agent.capacity[entry.channel] ?? 0 }),
      }));
  }

  /** Gives a waiting case to an agent, with the version it was listed at: a case taken meanwhile is refused. */
  private async assign(entry: QueueEntry, agentId: string): Promise<void> {
    const client = this.loader.client;
    if (!client || !agentId) return;
    this.busy = new Set(this.busy).add(entry.case.id);
    this.failure = '';
    this.announcement = '';
    try {
      await client.updateCase(entry.case.id, { version: entry.case.version, assigneeId: agentId });
      this.announcement = this.t('queue.assigned', { number: entry.case.number, name: agentId === this.meId ? this.t('queue.you') : this.nameOf(agentId) });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      this.failure = code === 'version_conflict' ? this.t('queue.conflict', { number: entry.case.number }) : this.t('queue.failed', { message: errorMessage(this.loader.locale, err) });
    } finally {
      const next = new Set(this.busy);
      next.delete(entry.case.id);
      this.busy = next;
      await this.reload();
    }
  }

  private waitText(seconds: number | null): string {
    if (seconds === null) return this.t('queue.noEstimate');
    if (seconds < 60) return this.t('queue.soon');
    return translatePlural(this.loader.locale, 'queue.minutes', Math.round(seconds / 60));
  }

  private renderRow(entry: QueueEntry) {
    const kase = entry.case;
    const busy = this.busy.has(kase.id);
    const waited = Math.max(0, Math.floor((this.now - Date.parse(entry.waitingSince)) / 1000));
    const options = this.assignable(entry);
    const selectId = `assign-${kase.id}`;
    return html`<tr part="row" data-case=${kase.id}>
      <td>${entry.position}</td>
      <th scope="row">
        <button class="case-link" type="button" @click=${() => this.dispatchEvent(new CaseSelectEvent(kase))}>#${kase.number}</button>
        <span>${kase.subject || '—'}</span>
      </th>
      <td class="priority-${kase.priority}">${this.t(`case.priority.${kase.priority}`)}</td>
      <td>${this.t(`channel.${entry.channel}` as MessageKey)}</td>
      <td>${kase.team ?? '–'}</td>
      <td>${kase.skills.length ? kase.skills.map((s) => `${s.name} ≥ ${s.minLevel}`).join(', ') : '–'}</td>
      <td class="waiting"><time datetime=${`PT${waited}S`}>${formatElapsed(waited)}</time></td>
      <td>${this.waitText(entry.estimatedWaitSeconds)}</td>
      <td>
        <div class="actions">
          ${this.meId
            ? html`<button class="btn" type="button" ?disabled=${busy} aria-label=${this.t('queue.takeOf', { number: kase.number })} @click=${() => this.assign(entry, this.meId)}>
                ${this.t('queue.take')}
              </button>`
            : nothing}
          <label class="visually-hidden" for=${selectId}>${this.t('queue.assignOf', { number: kase.number })}</label>
          <select class="field" id=${selectId} ?disabled=${busy || !options.length}>
            ${options.length
              ? options.map((o) => html`<option value=${o.agent.agentId}>${o.text}</option>`)
              : html`<option value="">${this.t('queue.nobodyOnline')}</option>`}
          </select>
          <button class="btn" type="button" ?disabled=${busy || !options.length} aria-label=${this.t('queue.assignOf', { number: kase.number })}
            @click=${() => this.assign(entry, this.renderRoot.querySelector<HTMLSelectElement>(`#${selectId}`)?.value ?? '')}>
            ${this.t('queue.assign')}
          </button>
        </div>
      </td>
    </tr>`;
  }

  private renderAgent(agent: AgentLoad) {
    const kinds = CHANNEL_KINDS.filter((k): k is ChannelKind => (agent.capacity[k] ?? 0) > 0 || (agent.load[k] ?? 0) > 0);
    const name = this.nameOf(agent.agentId);
    return html`<li class="agent">
      <span class="agent-name"><span class="presence-dot ${agent.presence}" aria-hidden="true"></span>${name}
        <span class="muted">· ${this.t(`presence.${agent.presence}`)}</span></span>
      ${kinds.map((kind) => {
        const load = agent.load[kind] ?? 0;
        const capacity = agent.capacity[kind] ?? 0;
        const label = this.t('queue.loadOf', { channel: this.t(`channel.${kind}` as MessageKey), load, capacity });
        const share = capacity ? Math.min(100, (load / capacity) * 100) : 100;
        return html`<div class="load" role="img" aria-label=${label}>
          <span aria-hidden="true">${this.t(`channel.${kind}` as MessageKey)}</span>
          <span class="bar ${load >= capacity ? 'full' : ''}" aria-hidden="true"><span style="inline-size: ${share}%"></span></span>
          <span class="count" aria-hidden="true">${load}/${capacity}</span>
        </div>`;
      })}
      ${kinds.length ? nothing : html`<span class="muted">${this.t('queue.noCapacity')}</span>`}
    </li>`;
  }

  protected override render() {
    const queue = this.queue;
    return html`<div class="root" lang=${this.loader.locale}>
      <section>
        <h2>${this.t('queue.label')}</h2>
        <div class="visually-hidden" role="status">${this.announcement}</div>
        ${this.failure ? html`<p class="error" role="alert">${this.failure}</p>` : nothing}
        ${this.loader.error ? html`<p class="error" role="alert">${this.loader.error}</p>` : nothing}
        ${!queue && !this.loader.error ? html`<p class="muted">${this.t('queue.loading')}</p>` : nothing}
        ${queue
          ? html`<table part="list">
              <caption class="visually-hidden">${translatePlural(this.loader.locale, 'queue.waiting', queue.cases.length)}</caption>
              <thead>
                <tr>
                  <th scope="col">${this.t('queue.position')}</th>
                  <th scope="col">${this.t('queue.case')}</th>
                  <th scope="col">${this.t('case.priority')}</th>
                  <th scope="col">${this.t('queue.channel')}</th>
                  <th scope="col">${this.t('queue.team')}</th>
                  <th scope="col">${this.t('queue.skills')}</th>
                  <th scope="col">${this.t('queue.waited')}</th>
                  <th scope="col">${this.t('queue.estimate')}</th>
                  <th scope="col">${this.t('queue.actions')}</th>
                </tr>
              </thead>
              <tbody>${repeat(queue.cases, (e) => e.case.id, (e) => this.renderRow(e))}</tbody>
            </table>
            ${queue.cases.length ? nothing : html`<p class="muted">${this.t('queue.empty')}</p>`}
            <h3 id="queue-agents-title">${this.t('queue.agents')}</h3>
            <ul part="agents" class="agents" aria-labelledby="queue-agents-title">
              ${repeat(queue.agents, (a) => a.agentId, (a) => this.renderAgent(a))}
            </ul>`
          : nothing}
      </section>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'casekit-queue': CasekitQueue;
  }
}
