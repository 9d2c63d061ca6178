import { PRIORITIES, SLA_METRICS, type Case, type CaseSla, type SlaClock, type SlaHappening, type SlaNotice, type SlaSettings } from '@casekit/protocol';
import { addHappening, nextSlaDeadline, slaClocks, slaPolicyFor, type CaseHappening, type SlaClock as ClockMillis } from '@casekit/routing';
import { actorIdOf } from '../rules.ts';
import type { SystemActor } from '../types.ts';
import { diff, type EngineContext, type Step } from './context.ts';

/** The timer kind the engine schedules for a case's next SLA warning or breach; its payload is `{ caseId }`. */
export const SLA_TIMER_KIND = 'sla';
const timerKey = (caseId: string) => `sla:${caseId}`;

/** A message that can move a clock: a customer's, or a person's public reply. */
type MessageHappening = 'customer_message' | 'agent_reply';

const toIso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const toMs = (iso: string | null) => (iso === null ? null : Date.parse(iso));

function wireClock(clock: ClockMillis): SlaClock {
  return {
    state: clock.state,
    targetSeconds: clock.targetSeconds,
    elapsedSeconds: clock.elapsedSeconds,
    dueAt: toIso(clock.dueAt),
    warnAt: toIso(clock.warnAt),
    breachedAt: toIso(clock.breachedAt),
    metAt: toIso(clock.metAt),
  };
}

function millisClock(clock: SlaClock): ClockMillis {
  return { ...clock, dueAt: toMs(clock.dueAt), warnAt: toMs(clock.warnAt), breachedAt: toMs(clock.breachedAt), metAt: toMs(clock.metAt) };
}

/** Warnings and breaches the clocks have reached that `case.sla` has not announced yet. */
function pendingNotices(sla: CaseSla): Omit<SlaNotice, 'policyId'>[] {
  const notices: Omit<SlaNotice, 'policyId'>[] = [];
  for (const metric of SLA_METRICS) {
    const clock = sla[metric];
    // A warning matters only while the clock still runs (or is paused): not once met or breached.
    const warned = clock.warnAt !== null && clock.warnAt <= sla.computedAt && (clock.state === 'running' || clock.state === 'paused');
    if (warned && sla.notified[`${metric}.warning`] !== clock.warnAt) notices.push({ metric, kind: 'warning', dueAt: clock.dueAt ?? clock.warnAt! });
    if (clock.breachedAt !== null && sla.notified[`${metric}.breach`] !== clock.breachedAt) notices.push({ metric, kind: 'breach', dueAt: clock.breachedAt });
  }
  return notices;
}

/** The moment a notice was reached: what `notified` remembers it by. */
const reachedAt = (sla: CaseSla, notice: Omit<SlaNotice, 'policyId'>) => (notice.kind === 'breach' ? sla[notice.metric].breachedAt! : sla[notice.metric].warnAt!);

/**
 * The case as it is written by an operation, with its SLA clocks computed again from what changed
 * (`message`, and a status, priority or team that differs from `before`), and the case's one SLA
 * timer set for the next warning or breach (now, when one is reached but not yet announced).
 * Without SLA settings a case carries no clocks and no timer.
 */
export async function withSla(step: Step, before: Case | null, after: Case, message?: MessageHappening): Promise<Case> {
  const settings = (await step.tx.getWorkspace(after.workspaceId))?.settings.sla;
  if (!settings && !after.sla) return after;
  const next = slaOf(settings, before, after, message, step.at);
  await schedule(step, next);
  return next;
}

/** Sets the case's one SLA timer: now while a warning or breach waits to be announced, else the next one; none without clocks. */
async function schedule({ tx, now }: Step, kase: Case): Promise<void> {
  const sla = kase.sla;
  const due = !sla ? undefined : pendingNotices(sla).length > 0 ? now.getTime() : nextSlaDeadline(clocksInMillis(sla), now.getTime())?.at;
  if (due === undefined) await tx.clearTimer(kase.workspaceId, timerKey(kase.id));
  else await tx.setTimer({ workspaceId: kase.workspaceId, key: timerKey(kase.id), kind: SLA_TIMER_KIND, dueAt: new Date(due).toISOString(), payload: { caseId: kase.id } });
}

const clocksInMillis = (sla: CaseSla) => ({ firstResponse: millisClock(sla.firstResponse), nextResponse: millisClock(sla.nextResponse), resolution: millisClock(sla.resolution) });

/** `after` with its clocks computed at `at`; without settings, without clocks. */
function slaOf(settings: SlaSettings | undefined, before: Case | null, after: Case, message: MessageHappening | undefined, at: string): Case {
  if (!settings) {
    const { sla: _dropped, ...rest } = after;
    return rest;
  }
  const kept = after.sla ?? before?.sla;
  // A case that existed before the workspace had SLA settings is timed from its first change after;
  // past `new` by then, it counts as answered (its messages are not scanned to find out).
  const answered: SlaHappening[] = before && before.status !== 'new' ? [{ at, kind: 'status', status: before.status }, { at, kind: 'agent_reply' }] : [];
  let basis = kept?.basis ?? { startedAt: before ? at : after.createdAt, priority: before?.priority ?? after.priority, happenings: answered };
  const add = (happening: SlaHappening) => (basis = { ...basis, happenings: addHappening(basis.happenings, happening) });
  if (before && before.status !== after.status) add({ at, kind: 'status', status: after.status });
  if (before && before.priority !== after.priority) add({ at, kind: 'priority', priority: after.priority });
  if (!before && after.status !== 'new') add({ at, kind: 'status', status: after.status });
  if (message) add({ at, kind: message });
  const { policy, calendar } = slaPolicyFor(settings, { team: after.team, channel: after.channels[0] ?? 'webchat' });
  const happenings = basis.happenings.map((happening): CaseHappening => ({ ...happening, at: Date.parse(happening.at) }));
  const clocks = slaClocks(policy, calendar, { createdAt: Date.parse(basis.startedAt), priority: basis.priority, happenings }, Date.parse(at));
  const sla: CaseSla = {
    policyId: policy.id,
    computedAt: at,
    firstResponse: wireClock(clocks.firstResponse),
    nextResponse: wireClock(clocks.nextResponse),
    resolution: wireClock(clocks.resolution),
    basis,
    notified: kept?.notified ?? {},
    ...(kept?.reassignedFrom !== undefined && { reassignedFrom: kept.reassignedFrom }),
  };
  return { ...after, sla };
}

const raised = (priority: Case['priority']): Case['priority'] => PRIORITIES[Math.min(PRIORITIES.indexOf(priority) + 1, PRIORITIES.length - 1)]!;

/**
 * What a case's SLA timer runs: computes the clocks now, announces each warning and breach reached
 * since the last announcement once (`case.sla`), and on a new breach escalates as the policy says:
 * priority one step up, the case back to the queue for another agent. Null for an unknown case.
 */
export function checkSla(ctx: EngineContext, actor: SystemActor, caseId: string): Promise<Case | null> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async (step) => {
    const { tx, emit, at } = step;
    const kase = await tx.getCase(workspaceId, caseId);
    if (!kase) {
      await tx.clearTimer(workspaceId, timerKey(caseId));
      return null;
    }
    const settings = (await tx.getWorkspace(workspaceId))?.settings.sla;
    let current = slaOf(settings, kase, kase, undefined, at);
    const notices = current.sla ? pendingNotices(current.sla) : [];
    if (notices.length === 0) {
      // Nothing to announce (a timer of an earlier schedule): the stored case stays as it is.
      await schedule(step, current);
      return kase;
    }
    const escalation = settings!.policies.find((policy) => policy.id === current.sla!.policyId)!.escalation ?? {};
    const base = { workspaceId, at, actorId: actorIdOf(actor), caseId, customerId: kase.customerId };
    const announce = async (sla: CaseSla): Promise<CaseSla> => {
      const notified = { ...sla.notified };
      for (const notice of pendingNotices(sla)) {
        notified[`${notice.metric}.${notice.kind}`] = reachedAt(sla, notice);
        const notifyRole = notice.kind === 'breach' ? escalation.notifyRole : undefined;
        await emit({ ...base, type: 'case.sla', data: { ...notice, policyId: sla.policyId, ...(notifyRole && { notifyRole }) } });
      }
      return { ...sla, notified };
    };
    current = { ...current, sla: await announce(current.sla!) };
    if (notices.some((notice) => notice.kind === 'breach')) {
      const escalated: Case = { ...current };
      if (escalation.raisePriority) escalated.priority = raised(kase.priority);
      if (escalation.reassign && kase.assigneeId !== null) {
        // Back to the queue with the time it first queued, and not to the agent it is taken from.
        Object.assign(escalated, { assigneeId: null, queuedAt: kase.queuedAt ?? kase.createdAt, sla: { ...current.sla!, reassignedFrom: kase.assigneeId } });
      }
      current = slaOf(settings, kase, escalated, undefined, at);
      // Breaches the escalation itself causes (a tighter target) are announced, not escalated again.
      current = { ...current, sla: await announce(current.sla!) };
    }
    await schedule(step, current);
    const after: Case = { ...current, updatedAt: at, version: kase.version + 1 };
    await tx.updateCase(after, kase.version);
    await emit({ ...base, type: 'case.updated', data: { case: after, changes: diff(kase, after, ['priority', 'assigneeId']) } });
    return after;
  });
}
