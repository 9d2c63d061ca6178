import { CasekitError, type ChannelIdentity, type Customer } from '@casekit/protocol';
import { newId } from '../ids.ts';
import { actorIdOf, assertCustomersMergeable, authorize, isCustomerActor, patchAttributes, visitorFacts } from '../rules.ts';
import type { Actor, AgentActor, CreateCustomerInput, CustomerPatch, IdentifyVisitorInput, SystemActor } from '../types.ts';
import { notFound, unique, type EngineContext, type Step } from './context.ts';

const normalizeEmails = (emails: readonly string[]) => unique(emails.map((e) => e.toLowerCase()));

/** Merges profile `sourceId` into `targetId` inside a running operation; returns the survivor. */
export async function mergeCustomersIn({ tx, emit, at }: Step, actor: Actor, targetId: string, sourceId: string): Promise<Customer> {
  const { workspaceId } = actor;
  authorize(actor, 'mergeCustomers');
  const target = await tx.getCustomer(workspaceId, targetId);
  if (!target) throw notFound('customer', targetId);
  const source = await tx.getCustomer(workspaceId, sourceId);
  if (!source) throw notFound('customer', sourceId);
  assertCustomersMergeable(source, target);
  await tx.mergeCustomer(workspaceId, source.id, target.id);
  const merged: Customer = {
    ...target,
    name: target.name || source.name,
    emails: unique([...target.emails, ...source.emails]),
    phones: unique([...target.phones, ...source.phones]),
    identities: [...target.identities, ...source.identities],
    splynxId: target.splynxId ?? source.splynxId,
    attributes: { ...source.attributes, ...target.attributes },
    updatedAt: at,
  };
  await tx.updateCustomer(merged);
  const base = { workspaceId, at, actorId: actorIdOf(actor), caseId: null, customerId: merged.id };
  await emit({ ...base, type: 'customer.merged', data: { sourceId: source.id, targetId: merged.id } });
  await emit({ ...base, type: 'customer.updated', data: { customer: merged } });
  return merged;
}

export function mergeCustomers(ctx: EngineContext, actor: AgentActor | SystemActor, targetId: string, sourceId: string): Promise<Customer> {
  return ctx.run(actor.workspaceId, (step) => mergeCustomersIn(step, actor, targetId, sourceId));
}

export function createCustomer(ctx: EngineContext, actor: AgentActor | SystemActor, input: CreateCustomerInput): Promise<Customer> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async ({ tx, emit, at }) => {
    const customer: Customer = {
      id: input.id ?? newId('cu'),
      workspaceId,
      name: input.name,
      emails: normalizeEmails(input.emails ?? []),
      phones: unique(input.phones ?? []),
      identities: input.identities ?? [],
      splynxId: input.splynxId ?? null,
      attributes: patchAttributes({}, input.attributes ?? {}),
      createdAt: at,
      updatedAt: at,
    };
    await tx.insertCustomer(customer);
    await emit({ type: 'customer.created', workspaceId, at, actorId: actorIdOf(actor), caseId: null, customerId: customer.id, data: { customer } });
    return customer;
  });
}

/**
 * Changes a profile. A visitor may change only their own, only its name and what they say
 * about themselves (see `visitorFacts`); a change that changes nothing writes nothing.
 */
export function updateCustomer(ctx: EngineContext, actor: Actor, customerId: string, patch: CustomerPatch): Promise<Customer> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async ({ tx, emit, at }) => {
    const customer = await tx.getCustomer(workspaceId, customerId);
    if (!customer) throw notFound('customer', customerId);
    let attributes = customer.attributes;
    if (isCustomerActor(actor)) {
      const self = await tx.getCustomer(workspaceId, actor.customerId);
      if (self?.id !== customer.id) throw notFound('customer', customerId);
      if (patch.emails !== undefined || patch.phones !== undefined) {
        throw new CasekitError('forbidden', 'Visitors may change only their name and what they tell about themselves.');
      }
      attributes = patchAttributes(attributes, visitorFacts(patch.attributes, patch.contactEmail));
    } else {
      const facts = patch.contactEmail === undefined ? {} : visitorFacts(undefined, patch.contactEmail);
      attributes = patchAttributes(attributes, { ...patch.attributes, ...facts });
    }
    const next: Customer = {
      ...customer,
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.emails !== undefined && { emails: normalizeEmails(patch.emails) }),
      ...(patch.phones !== undefined && { phones: unique(patch.phones) }),
      attributes,
    };
    if (JSON.stringify(next) === JSON.stringify(customer)) return customer;
    const updated: Customer = { ...next, updatedAt: at };
    await tx.updateCustomer(updated);
    await emit({ type: 'customer.updated', workspaceId, at, actorId: actorIdOf(actor), caseId: null, customerId: updated.id, data: { customer: updated } });
    return updated;
  });
}

export function identifyVisitor(ctx: EngineContext, actor: SystemActor, input: IdentifyVisitorInput): Promise<Customer> {
  const { workspaceId } = actor;
  const identity: ChannelIdentity = { channelId: input.channel.id, kind: input.channel.medium, externalId: input.externalId };
  return ctx.run(workspaceId, async ({ tx, emit, at }) => {
    const known = await tx.findCustomerByIdentity(workspaceId, identity.channelId, identity.externalId);
    if (known) return known;
    const resumed = input.resumeCustomerId ? await tx.getCustomer(workspaceId, input.resumeCustomerId) : null;
    const signedIn = (c: Customer) => c.identities.some((i) => i.channelId === identity.channelId && i.externalId.startsWith('user:'));
    if (resumed && !signedIn(resumed)) {
      // An anonymous visitor who signs in keeps their conversation: the profile gains the user id.
      const updated: Customer = { ...resumed, identities: [...resumed.identities, identity], updatedAt: at };
      await tx.updateCustomer(updated);
      await emit({ type: 'customer.updated', workspaceId, at, actorId: null, caseId: null, customerId: updated.id, data: { customer: updated } });
      return updated;
    }
    const customer: Customer = {
      id: newId('cu'),
      workspaceId,
      name: input.name,
      emails: [],
      phones: [],
      identities: [identity],
      splynxId: null,
      attributes: patchAttributes({}, input.attributes ?? {}),
      createdAt: at,
      updatedAt: at,
    };
    await tx.insertCustomer(customer);
    await emit({ type: 'customer.created', workspaceId, at, actorId: null, caseId: null, customerId: customer.id, data: { customer } });
    return customer;
  });
}

export function linkIdentity(ctx: EngineContext, actor: SystemActor, customerId: string, identity: ChannelIdentity): Promise<Customer> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async ({ tx, emit, at }) => {
    const customer = await tx.getCustomer(workspaceId, customerId);
    if (!customer) throw notFound('customer', customerId);
    if (customer.identities.some((i) => i.channelId === identity.channelId && i.externalId === identity.externalId)) return customer;
    const updated: Customer = { ...customer, identities: [...customer.identities, identity], updatedAt: at };
    await tx.updateCustomer(updated);
    await emit({ type: 'customer.updated', workspaceId, at, actorId: null, caseId: null, customerId: updated.id, data: { customer: updated } });
    return updated;
  });
}
