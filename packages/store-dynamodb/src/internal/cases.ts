import { ACTIVE_STATUSES, matchesTerm, parseCaseSearch, searchTerms, type CaseQuery, type StoreReader, type StoreTx } from '@casekit/core';
import { CasekitError, type Case } from '@casekit/protocol';
import { customerResolver, familyOf, matchingCustomers } from './customers.ts';
import { CASE_NUMBER_SK, CASE_SK, caseListPk, casePk, CUSTOMER_SK, customerPk, sortableMs, UNIQUE_SK, uniquePk, workspacePk } from './keys.ts';
import { checkLimit, decodeCursor, encodeCursor, mergedPage, type Source } from './lists.ts';
import { docOf, getItem, heldHere, type Context } from './table.ts';
import type { Item, WriteSet } from './write-set.ts';
import { ABSENT, toMs } from './writes.ts';

const CASE_CURSOR = /^\d{15}#[^#]+$/;

/** The list entries a case has: one per facet a list can be driven by (docs/dynamodb.md, "Case lists"). */
function facetsOf(kase: Case): string[] {
  const assignee = kase.assigneeId ?? 'unassigned';
  return [
    'all',
    `status=${kase.status}`,
    `assignee=${assignee}`,
    `assignee=${assignee}&status=${kase.status}`,
    ...(kase.team === null ? [] : [`team=${kase.team}&status=${kase.status}`]),
    `customer=${kase.customerId}`,
    ...(ACTIVE_STATUSES.has(kase.status) ? [`customer=${kase.customerId}&active`] : []),
  ];
}

const entrySk = (kase: Case) => `${sortableMs(toMs(kase.lastActivityAt, 'lastActivityAt'))}#${kase.id}`;

/** The facets whose entries drive `query` (`family`: its customer's ids); what they do not narrow is checked on each entry. */
function drivingFacets(query: CaseQuery, family: readonly string[] | null): string[] {
  if (family) return family.map((id) => `customer=${id}`);
  if (query.status && query.status.length > 0) {
    const statuses = [...new Set(query.status)];
    if (query.assignee !== undefined) return statuses.map((s) => `assignee=${query.assignee}&status=${s}`);
    if (query.team !== undefined) return statuses.map((s) => `team=${query.team}&status=${s}`);
    return statuses.map((s) => `status=${s}`);
  }
  return [query.assignee === undefined ? 'all' : `assignee=${query.assignee}`];
}

/** Whether the driving facets hold exactly the cases `query` asks for, so that no entry needs checking. */
function facetsSuffice(query: CaseQuery): boolean {
  const { status, assignee, team, customerId, channel, priority, tag, q } = query;
  if (channel || priority || tag !== undefined || q !== undefined || status?.length === 0) return false;
  if (customerId !== undefined) return !status && assignee === undefined && team === undefined;
  return team === undefined || (status !== undefined && status.length > 0 && assignee === undefined);
}

/** Whether a case passes every filter of a case query but its customer's (`survivor`: its customer's surviving profile, for a text search). */
type CaseFilter = (kase: Case, survivor: string) => boolean;

async function filterOf(ctx: Context, ws: string, query: CaseQuery): Promise<CaseFilter | null> {
  let text: CaseFilter = () => true;
  if (query.q !== undefined) {
    const search = parseCaseSearch(query.q);
    if (!search) return null;
    const customers = search.customer === null ? new Set<string>() : await matchingCustomers(ctx, ws, search.customer);
    text = (kase, survivor) => {
      if (search.number === kase.number || customers.has(survivor)) return true;
      const terms = searchTerms(`${kase.subject} ${kase.preview}`);
      return search.words.length > 0 && search.words.every((word) => terms.some((term) => matchesTerm(word, term)));
    };
  }
  return (c, survivor) =>
    (!query.status || query.status.includes(c.status)) &&
    (query.assignee === undefined || c.assigneeId === (query.assignee === 'unassigned' ? null : query.assignee)) &&
    (query.team === undefined || c.team === query.team) &&
    (!query.channel || c.channels.some((kind) => query.channel!.includes(kind))) &&
    (!query.priority || query.priority.includes(c.priority)) &&
    (query.tag === undefined || c.tags.includes(query.tag)) &&
    text(c, survivor);
}

type CaseReads = Pick<StoreReader, 'getCase' | 'listCases' | 'findActiveCase'>;

/** Case reads: a case names the surviving profile of its customer. */
export function createCaseReads(ctx: Context): CaseReads {
  return {
    async getCase(ws, caseId) {
      const kase = docOf<Case>(await getItem(ctx, casePk(ws, caseId), CASE_SK));
      return kase && { ...kase, customerId: await customerResolver(ctx, ws)(kase.customerId) };
    },

    async listCases(ws, query) {
      checkLimit(query.limit);
      const after = query.cursor === undefined ? undefined : decodeCursor('case', query.cursor, CASE_CURSOR);
      const family = query.customerId === undefined ? null : await familyOf(ctx, ws, query.customerId);
      const filter = await filterOf(ctx, ws, query);
      if (!filter) return { items: [], nextCursor: null };
      const resolve = customerResolver(ctx, ws);
      const sources: Source[] = drivingFacets(query, family).map((facet) => ({ pk: caseListPk(ws, facet), prefix: '' }));
      // Only a text search compares customers: the rows of a customer's facets are its family's already.
      const accept = async (item: Item) => filter(docOf<Case>(item)!, query.q === undefined ? '' : await resolve(item.customerId as string));
      const page = await mergedPage(ctx, sources, { descending: true, ...(after !== undefined && { after }), limit: query.limit, ...(!facetsSuffice(query) && { accept }) });
      await resolve.prime(page.items.map((item) => item.customerId as string));
      const items = await Promise.all(page.items.map(async (item) => ({ ...docOf<Case>(item)!, customerId: await resolve(item.customerId as string) })));
      return { items, nextCursor: page.resumeAt === null ? null : encodeCursor('case', page.resumeAt) };
    },

    async findActiveCase(ws, customerId) {
      const sources = (await familyOf(ctx, ws, customerId)).map((id) => ({ pk: caseListPk(ws, `customer=${id}&active`), prefix: '' }));
      const [item] = (await mergedPage(ctx, sources, { descending: true, limit: 1 })).items;
      if (!item) return null;
      return { ...docOf<Case>(item)!, customerId: await customerResolver(ctx, ws)(item.customerId as string) };
    },
  };
}

type CaseWrites = Pick<StoreTx, 'insertCase' | 'updateCase'>;

/** Case writes: the case on condition of its version, and its list entries moved with it. */
export function createCaseWrites(ctx: Context & { writes: WriteSet }): CaseWrites {
  const { writes } = ctx;

  async function requireCustomer(kase: Case): Promise<void> {
    if (!(await getItem(ctx, customerPk(kase.workspaceId, kase.customerId), CUSTOMER_SK))) {
      throw new CasekitError('not_found', `Customer "${kase.customerId}" of case "${kase.id}" was not found.`);
    }
  }

  /** Replaces the list entries of `before` (if any) by those of `after`. */
  function moveEntries(before: Case | null, after: Case): void {
    const ws = after.workspaceId;
    const doc = JSON.stringify(after);
    const sk = entrySk(after);
    const now = new Set(facetsOf(after));
    if (before) {
      const oldSk = entrySk(before);
      for (const facet of facetsOf(before)) if (!now.has(facet) || oldSk !== sk) writes.delete(caseListPk(ws, facet), oldSk);
    }
    for (const facet of now) writes.put({ pk: caseListPk(ws, facet), sk, doc, customerId: after.customerId });
  }

  return {
    async insertCase(kase) {
      const ws = kase.workspaceId;
      entrySk(kase);
      const byId = `A case with id "${kase.id}" already exists in this workspace.`;
      const byNumber = `A case with number ${kase.number} already exists in this workspace.`;
      // New keys: their `attribute_not_exists` conditions guard against stored ones at commit.
      if (heldHere(ctx, casePk(ws, kase.id), CASE_SK)) throw new CasekitError('conflict', byId);
      if (heldHere(ctx, uniquePk(ws, 'case-number', String(kase.number)), UNIQUE_SK)) throw new CasekitError('conflict', byNumber);
      // A number this transaction took from the counter that another took first is a lost race: run again.
      const raced = writes.pending(workspacePk(ws), CASE_NUMBER_SK)?.n === kase.number;
      await requireCustomer(kase);
      writes.put({ pk: casePk(ws, kase.id), sk: CASE_SK, doc: JSON.stringify(kase), version: kase.version }, ABSENT(byId));
      writes.put({ pk: uniquePk(ws, 'case-number', String(kase.number)), sk: UNIQUE_SK, owner: kase.id }, { ...ABSENT(byNumber), retryable: raced });
      moveEntries(null, kase);
    },

    async updateCase(kase, expectedVersion) {
      const ws = kase.workspaceId;
      entrySk(kase);
      const old = await getItem(ctx, casePk(ws, kase.id), CASE_SK);
      if (!old) throw new CasekitError('not_found', `Case "${kase.id}" was not found.`);
      const stale = (version: unknown) => `Case #${kase.number} is at version ${String(version)}, not ${expectedVersion}; reload it and try again.`;
      if (old.version !== expectedVersion) throw new CasekitError('version_conflict', stale(old.version), { details: { currentVersion: old.version } });
      await requireCustomer(kase);
      writes.put(
        { pk: casePk(ws, kase.id), sk: CASE_SK, doc: JSON.stringify(kase), version: kase.version },
        // Another node moved the case on since it was read: the transaction runs again from fresh reads.
        { expression: 'version = :version', values: { ':version': expectedVersion }, conflict: stale('another'), code: 'version_conflict', retryable: true },
      );
      moveEntries(docOf<Case>(old), kase);
    },
  };
}
