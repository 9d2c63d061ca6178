import { customerSearchQuery, customerSearchText, foldDiacritics, type CustomerSearch, type StoreReader, type StoreTx } from '@casekit/core';
import { CasekitError, type Customer } from '@casekit/protocol';
import { contactPk, CUSTOMER_SK, customerDirectoryPk, customerPk, UNIQUE_SK, uniquePk } from './keys.ts';
import { checkLimit, decodeCursor, encodeCursor, mergedPage } from './lists.ts';
import { docOf, getItem, getItems, heldHere, knownOr, queryPrefix, type Context } from './table.ts';
import type { Condition, Item, WriteSet } from './write-set.ts';
import { ABSENT, tick } from './writes.ts';

/** How many profiles one search page looks at, at most: a rare match pages on with a short page rather than read a whole directory. */
const SEARCH_BUDGET = 2000;
/** Merges are flattened when made (every merged id points at the survivor); this only guards against a damaged chain. */
const MAX_MERGE_HOPS = 8;


const directorySk = (ord: number, id: string) => `${String(ord).padStart(20, '0')}#${id}`;
const DIRECTORY_CURSOR = /^\d{20}#[^#]+$/;

/** The stored item of the profile `id` resolves to (itself, or the survivor of its merge), or null. */
async function survivorItem(ctx: Context, ws: string, id: string): Promise<Item | null> {
  let item = await getItem(ctx, customerPk(ws, id), CUSTOMER_SK);
  for (let hop = 0; item?.mergedInto && hop < MAX_MERGE_HOPS; hop++) item = await getItem(ctx, customerPk(ws, item.mergedInto as string), CUSTOMER_SK);
  return item;
}

const idOf = (item: Item) => item.pk.slice(item.pk.lastIndexOf('#') + 1);

/**
 * The ids whose data belongs to the profile `id` resolves to: the survivor first, then the
 * profiles merged into it. An unknown id is its own family (an agent's id, say).
 */
export async function familyOf(ctx: Context, ws: string, id: string): Promise<string[]> {
  const survivor = await survivorItem(ctx, ws, id);
  return survivor ? [idOf(survivor), ...(survivor.mergedIds as string[])] : [id];
}

/** Resolves customer ids to their survivors, reading each profile once per call; `prime` reads many in one batch. */
export function customerResolver(ctx: Context, ws: string): ((id: string) => Promise<string>) & { prime(ids: readonly string[]): Promise<void> } {
  const seen = new Map<string, Promise<string>>();
  const resolve = (id: string) => {
    let survivor = seen.get(id);
    if (!survivor) {
      survivor = survivorItem(ctx, ws, id).then((item) => (item ? idOf(item) : id));
      seen.set(id, survivor);
    }
    return survivor;
  };
  return Object.assign(resolve, {
    async prime(ids: readonly string[]) {
      const unseen = [...new Set(ids)].filter((id) => !seen.has(id));
      if (unseen.length === 0) return;
      // Merges are flattened, so each profile read names its survivor.
      const items = await getItems(ctx, unseen.map((id) => ({ pk: customerPk(ws, id), sk: CUSTOMER_SK })));
      for (const item of items.values()) if (item) seen.set(idOf(item), Promise.resolve((item.mergedInto as string | null) ?? idOf(item)));
    },
  });
}

/**
 * The surviving profiles whose search text holds `text` (a case search's customer part), among
 * the newest `SEARCH_BUDGET` of the workspace.
 */
export async function matchingCustomers(ctx: Context, ws: string, text: string): Promise<Set<string>> {
  const folded = foldDiacritics(text);
  const page = await mergedPage(ctx, [{ pk: customerDirectoryPk(ws), prefix: '' }], {
    descending: true,
    limit: SEARCH_BUDGET,
    accept: (item) => (item.text as string).includes(folded),
    budget: SEARCH_BUDGET,
  });
  return new Set(page.items.map((item) => item.sk.slice(item.sk.indexOf('#') + 1)));
}

type CustomerReads = Pick<StoreReader, 'getCustomer' | 'findCustomerByIdentity' | 'findCustomerByEmail' | 'findCustomerByPhone'>;

/** Customer reads: a merged-away id answers with its survivor. */
export function createCustomerReads(ctx: Context): CustomerReads {
  const getCustomer = async (ws: string, id: string) => docOf<Customer>(await survivorItem(ctx, ws, id));
  const byContact = async (ws: string, kind: 'email' | 'phone', value: string) => {
    const [holder] = await queryPrefix(ctx, contactPk(ws, kind, value), '');
    return holder ? getCustomer(ws, holder.sk) : null;
  };
  return {
    getCustomer,
    async findCustomerByIdentity(ws, channelId, externalId) {
      const marker = await getItem(ctx, uniquePk(ws, 'identity', channelId, externalId), UNIQUE_SK);
      if (!marker) return null;
      // The marker carries its holder's item, written with it: no second read unless it was merged away.
      const profile = marker.profile as Omit<Item, 'pk' | 'sk'> | undefined;
      if (profile && !profile.mergedInto) return docOf<Customer>(knownOr(ctx, { pk: customerPk(ws, marker.owner as string), sk: CUSTOMER_SK, ...profile }));
      return getCustomer(ws, marker.owner as string);
    },
    findCustomerByEmail: (ws, email) => byContact(ws, 'email', email),
    findCustomerByPhone: (ws, phone) => byContact(ws, 'phone', phone),
  };
}

/**
 * Customer search as a bounded walk of the workspace's directory, newest first: each page reads
 * at most `SEARCH_BUDGET` entries and resumes where it stopped.
 */
export function createDirectorySearch(ctx: Context): CustomerSearch {
  return {
    async searchCustomers(ws, q, limit, cursor) {
      checkLimit(limit);
      const text = foldDiacritics(customerSearchQuery(q));
      const page = await mergedPage(ctx, [{ pk: customerDirectoryPk(ws), prefix: '' }], {
        descending: true,
        ...(cursor !== undefined && { after: decodeCursor('customer', cursor, DIRECTORY_CURSOR) }),
        limit,
        ...(text !== '' && { accept: (item: Item) => (item.text as string).includes(text), budget: SEARCH_BUDGET }),
      });
      return { items: page.items.map((item) => docOf<Customer>(item)!), nextCursor: page.resumeAt === null ? null : encodeCursor('customer', page.resumeAt) };
    },
  };
}

type CustomerWrites = Pick<StoreTx, 'insertCustomer' | 'updateCustomer' | 'mergeCustomer'>;

const notFound = (id: string) => new CasekitError('not_found', `Customer "${id}" was not found.`);
/** The profile is still as read; if another node changed it meanwhile, the transaction runs again from fresh reads. */
const atVersion = (item: Item, id: string): Condition => ({
  expression: 'version = :version',
  values: { ':version': item.version },
  conflict: `Customer "${id}" was changed by another transaction meanwhile.`,
  retryable: true,
});
const identityKey = (i: Customer['identities'][number]) => `${i.channelId}\u0000${i.externalId}`;

/**
 * Customer writes. A profile's channel identities are unique (`U#…#identity…`, written on
 * condition that they are free); emails and phones may be shared (`CK#…`, one item per holder).
 */
export function createCustomerWrites(ctx: Context & { writes: WriteSet }): CustomerWrites {
  const { writes } = ctx;

  /** Throws `conflict` when another profile holds one of the identities; returns those not yet held by this one. */
  async function newIdentities(customer: Customer): Promise<Customer['identities']> {
    const fresh: Customer['identities'] = [];
    for (const identity of customer.identities) {
      const marker = await getItem(ctx, uniquePk(customer.workspaceId, 'identity', identity.channelId, identity.externalId), UNIQUE_SK);
      if (!marker) fresh.push(identity);
      else if (marker.owner !== customer.id && (await familyOf(ctx, customer.workspaceId, marker.owner as string))[0] !== customer.id) {
        throw new CasekitError('conflict', `Another customer already has the ${identity.kind} identity "${identity.externalId}" on channel "${identity.channelId}".`, {
          details: { field: 'identities' },
        });
      }
    }
    return fresh;
  }

  /**
   * Writes a profile's item, and a copy of it into the marker of each of its identities, so that
   * a lookup by identity reads one item (`fresh` identities are taken on condition they are free).
   * Every write of a profile's item goes through here: a copy never trails its item.
   */
  function writeProfile(item: Item, condition: Condition, fresh: Customer['identities'] = []): void {
    writes.put(item, condition);
    const customer = docOf<Customer>(item)!;
    const { pk: _pk, sk: _sk, ...profile } = item;
    const isFresh = new Set(fresh.map(identityKey));
    for (const identity of customer.identities) {
      const marker = { pk: uniquePk(customer.workspaceId, 'identity', identity.channelId, identity.externalId), sk: UNIQUE_SK, owner: customer.id, profile };
      if (!isFresh.has(identityKey(identity))) {
        writes.put(marker);
        continue;
      }
      const conflict = `Another customer took the ${identity.kind} identity "${identity.externalId}" meanwhile.`;
      // Taken by another node since it was read: run again, and the fresh read finds that profile.
      writes.put(marker, { ...ABSENT(conflict), retryable: true });
    }
  }

  /** The profile's item (with its identities' markers) and its directory entry (left out once merged away). */
  function putCustomer(customer: Customer, base: { ord: number; mergedInto: string | null; mergedIds: string[] }, condition: Condition, fresh: Customer['identities']): void {
    const ws = customer.workspaceId;
    const doc = JSON.stringify(customer);
    writeProfile({ pk: customerPk(ws, customer.id), sk: CUSTOMER_SK, doc, version: tick(), ...base }, condition, fresh);
    if (base.mergedInto === null) writes.put({ pk: customerDirectoryPk(ws), sk: directorySk(base.ord, customer.id), doc, text: foldDiacritics(customerSearchText(customer)) });
  }

  /** Adds and removes the shared email and phone items between two versions of a profile. */
  function moveContacts(before: Customer | null, after: Customer): void {
    const ws = after.workspaceId;
    const keys = (c: Customer | null) => new Set(c ? [...c.emails.map((e) => contactPk(ws, 'email', e)), ...c.phones.map((p) => contactPk(ws, 'phone', p))] : []);
    const [old, now] = [keys(before), keys(after)];
    for (const pk of old) if (!now.has(pk)) writes.delete(pk, after.id);
    for (const pk of now) if (!old.has(pk)) writes.put({ pk, sk: after.id });
  }


  return {
    async insertCustomer(customer) {
      const ws = customer.workspaceId;
      const exists = `A customer with id "${customer.id}" already exists.`;
      // A new id: the profile's `attribute_not_exists` condition guards against a stored one at commit.
      if (heldHere(ctx, customerPk(ws, customer.id), CUSTOMER_SK)) throw new CasekitError('conflict', exists);
      const identities = await newIdentities(customer);
      putCustomer(customer, { ord: tick(), mergedInto: null, mergedIds: [] }, ABSENT(exists), identities);
      moveContacts(null, customer);
    },

    async updateCustomer(customer) {
      const ws = customer.workspaceId;
      const old = await getItem(ctx, customerPk(ws, customer.id), CUSTOMER_SK);
      if (!old) throw notFound(customer.id);
      const identities = await newIdentities(customer);
      const before = docOf<Customer>(old)!;
      const kept = new Set(customer.identities.map(identityKey));
      for (const identity of before.identities) {
        if (!kept.has(identityKey(identity))) writes.delete(uniquePk(ws, 'identity', identity.channelId, identity.externalId), UNIQUE_SK);
      }
      const base = { ord: old.ord as number, mergedInto: old.mergedInto as string | null, mergedIds: old.mergedIds as string[] };
      putCustomer(customer, base, atVersion(old, customer.id), identities);
      moveContacts(before, customer);
    },

    async mergeCustomer(ws, sourceId, targetId) {
      const source = await getItem(ctx, customerPk(ws, sourceId), CUSTOMER_SK);
      if (!source) throw notFound(sourceId);
      if (source.mergedInto) throw new CasekitError('conflict', `Customer "${sourceId}" was already merged into "${source.mergedInto as string}".`);
      const target = await survivorItem(ctx, ws, targetId);
      if (!target) throw notFound(targetId);
      const survivor = idOf(target);
      if (survivor === sourceId) throw new CasekitError('bad_request', `Customer "${sourceId}" cannot be merged into itself.`);
      // A redirect: the source and every profile merged into it point at the survivor; nothing else moves.
      const moved = [sourceId, ...(source.mergedIds as string[])];
      for (const id of moved) {
        const item = id === sourceId ? source : await getItem(ctx, customerPk(ws, id), CUSTOMER_SK);
        if (item) writeProfile({ ...item, mergedInto: survivor, mergedIds: [], version: tick() }, atVersion(item, id));
      }
      writeProfile({ ...target, mergedIds: [...(target.mergedIds as string[]), ...moved], version: tick() }, atVersion(target, survivor));
      writes.delete(customerDirectoryPk(ws), directorySk(source.ord as number, sourceId));
    },
  };
}
