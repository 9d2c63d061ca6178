import { CasekitError, type Case } from '@casekit/protocol';
import { actorIdOf, assertCasesMergeable, assertTransition } from '../rules.ts';
import type { AgentActor, CaseUpdate, MergeCasesOptions, SystemActor } from '../types.ts';
import { diff, requireCase, unique, type EngineContext } from './context.ts';
import { mergeCustomersIn } from './customers.ts';
import { stampQueue } from './routing.ts';
import { withSla } from './sla.ts';

export function updateCase(ctx: EngineContext, actor: AgentActor | SystemActor, caseId: string, update: CaseUpdate): Promise<Case> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async (step) => {
    const { tx, emit, at } = step;
    const kase = await requireCase(tx, workspaceId, caseId);
    if (update.version !== kase.version) {
      throw new CasekitError('version_conflict', `Case #${kase.number} changed since version ${update.version}; reload it (now version ${kase.version}).`, {
        details: { currentVersion: kase.version },
      });
    }
    if (update.status !== undefined) assertTransition(kase.status, update.status);
    if (update.assigneeId) {
      const assignee = await tx.getAgent(workspaceId, update.assigneeId);
      if (!assignee) {
        throw new CasekitError('validation_failed', `No agent with id "${update.assigneeId}" to assign.`, {
          details: { issues: [{ path: 'body.assigneeId', message: 'unknown agent' }] },
        });
      }
      if (!assignee.active && update.assigneeId !== kase.assigneeId) {
        throw new CasekitError('validation_failed', `${assignee.name} is deactivated; assign the case to an active agent.`, {
          details: { issues: [{ path: 'body.assigneeId', message: 'deactivated agent' }] },
        });
      }
    }
    const next: Case = {
      ...kase,
      ...(update.status !== undefined && { status: update.status }),
      ...(update.priority !== undefined && { priority: update.priority }),
      ...(update.assigneeId !== undefined && { assigneeId: update.assigneeId }),
      ...(update.team !== undefined && { team: update.team }),
      ...(update.tags !== undefined && { tags: unique(update.tags) }),
      ...(update.subject !== undefined && { subject: update.subject }),
    };
    if (next.status !== kase.status) next.solvedAt = next.status === 'solved' ? at : next.status === 'closed' ? kase.solvedAt : null;
    const changes = diff(kase, next, ['status', 'priority', 'assigneeId', 'team', 'tags', 'subject']);
    if (Object.keys(changes).length === 0) return kase;
    const after = await withSla(step, kase, stampQueue(kase, { ...next, updatedAt: at, version: kase.version + 1 }, at));
    await tx.updateCase(after, kase.version);
    await emit({ type: 'case.updated', workspaceId, at, actorId: actorIdOf(actor), caseId, customerId: kase.customerId, data: { case: after, changes } });
    return after;
  });
}

/**
 * Moves the source case's conversations and messages into the target and closes the source.
 * Cases of two customers merge only on request, and then the customers merge first, so every
 * conversation of the surviving case is with its one customer.
 */
export function mergeCases(
  ctx: EngineContext,
  actor: AgentActor | SystemActor,
  sourceCaseId: string,
  targetCaseId: string,
  options: MergeCasesOptions = {},
): Promise<Case> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async (step) => {
    const { tx, emit, at } = step;
    let source = await requireCase(tx, workspaceId, sourceCaseId);
    let target = await requireCase(tx, workspaceId, targetCaseId);
    assertCasesMergeable(source, target, options.mergeCustomers === true);
    if (source.customerId !== target.customerId) {
      await mergeCustomersIn(step, actor, target.customerId, source.customerId);
      // The customer merge moved the source case (and every other case of its customer) over.
      source = await requireCase(tx, workspaceId, sourceCaseId);
      target = await requireCase(tx, workspaceId, targetCaseId);
    }
    await tx.moveCaseContents(workspaceId, source.id, target.id);
    const mergedTarget: Case = {
      ...target,
      channels: unique([...target.channels, ...source.channels]),
      tags: unique([...target.tags, ...source.tags]),
      messageCount: target.messageCount + source.messageCount,
      lastActivityAt: source.lastActivityAt > target.lastActivityAt ? source.lastActivityAt : target.lastActivityAt,
      updatedAt: at,
      version: target.version + 1,
    };
    const closedSource = await withSla(step, source, {
      ...source,
      status: 'closed',
      tags: unique([...source.tags, 'merged']),
      messageCount: 0,
      updatedAt: at,
      version: source.version + 1,
    });
    await tx.updateCase(mergedTarget, target.version);
    await tx.updateCase(closedSource, source.version);
    const base = { workspaceId, at, actorId: actorIdOf(actor), customerId: target.customerId };
    await emit({ ...base, type: 'case.merged', caseId: target.id, data: { sourceCaseId: source.id, targetCaseId: target.id } });
    await emit({ ...base, type: 'case.updated', caseId: source.id, data: { case: closedSource, changes: diff(source, closedSource, ['status', 'tags', 'messageCount']) } });
    await emit({ ...base, type: 'case.updated', caseId: target.id, data: { case: mergedTarget, changes: diff(target, mergedTarget, ['channels', 'tags', 'messageCount', 'lastActivityAt']) } });
    return mergedTarget;
  });
}
