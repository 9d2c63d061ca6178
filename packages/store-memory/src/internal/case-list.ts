import { foldDiacritics, matchesTerm, MIN_PREFIX_LENGTH, parseCaseSearch, type CaseQuery, type CaseSearch } from '@casekit/core';
import type { Case, Page } from '@casekit/protocol';
import { decodeCaseCursor, encodeCursor } from './cursor.ts';
import { lowerBound } from './table.ts';
import { assigneeKey, byActivity, key, type CaseRow, type Tables } from './tables.ts';
import { assertLimit, copy, pageOf } from './values.ts';

/** Text matches are gathered and sorted only when they are at most this share of the cases; else the list is walked. */
const SORT_SHARE = 0.25;

const newestFirst = (a: CaseRow, b: CaseRow) => byActivity(b, a);

/** A case search, with the customers its customer part finds. */
type TextSearch = CaseSearch & { customers: ReadonlySet<string> };

function matchesText(row: CaseRow, search: TextSearch): boolean {
  if (search.number === row.value.number || search.customers.has(row.value.customerId)) return true;
  return search.words.length > 0 && search.words.every((word) => row.terms.some((term) => matchesTerm(word, term)));
}

/** The profiles (not merged away) whose search text holds the search's customer part. */
function matchingCustomers(db: Tables, ws: string, search: CaseSearch): Set<string> {
  if (search.customer === null) return new Set();
  const text = foldDiacritics(search.customer);
  return new Set(db.customers.by.listed.list(ws).filter((row) => row.search.includes(text)).map((row) => row.value.id));
}

/**
 * `listCases` (customer id already resolved). Each filter value has its own list in list
 * order; the filter with the shortest lists drives: each is read back from the cursor, the
 * other filters checked on the way, until a page is full. A text search whose words are rare
 * gathers the cases holding them instead, and sorts those. Cursors are keyset cursors: rows
 * added or moved between pages never show twice or go missing.
 */
export function listCases(db: Tables, ws: string, query: CaseQuery): Page<Case> {
  assertLimit(query.limit);
  const cursor = query.cursor === undefined ? null : decodeCaseCursor(query.cursor);
  let search: TextSearch | null = null;
  if (query.q !== undefined) {
    const parsed = parseCaseSearch(query.q);
    if (!parsed) return { items: [], nextCursor: null };
    search = { ...parsed, customers: matchingCustomers(db, ws, parsed) };
  }
  const statuses = query.status && new Set<string>(query.status);
  const priorities = query.priority && new Set<string>(query.priority);
  const channels = query.channel && new Set<string>(query.channel);
  const matches = (row: CaseRow): boolean => {
    const c = row.value;
    if (statuses && !statuses.has(c.status)) return false;
    if (query.assignee !== undefined && c.assigneeId !== (query.assignee === 'unassigned' ? null : query.assignee)) return false;
    if (query.team !== undefined && c.team !== query.team) return false;
    if (channels && !c.channels.some((kind) => channels.has(kind))) return false;
    if (priorities && !priorities.has(c.priority)) return false;
    if (query.tag !== undefined && !c.tags.includes(query.tag)) return false;
    if (query.customerId !== undefined && c.customerId !== query.customerId) return false;
    return search === null || matchesText(row, search);
  };
  /** Rows before this place in list order come after the cursor on the page. */
  const beforeCursor = (row: CaseRow) =>
    cursor === null || row.activity < cursor.activity || (row.activity === cursor.activity && row.value.id < cursor.id);

  const lists = drivingLists(db, ws, query);
  const size = lists.reduce((n, list) => n + list.length, 0);
  const text = search && textCandidates(db, ws, search);
  let rows: CaseRow[] = [];
  if (text && text.size <= size && text.size <= db.cases.by.activity.list(ws).length * SORT_SHARE) {
    for (const pk of text.pks()) {
      const row = db.cases.get(pk)!;
      if (beforeCursor(row) && matches(row)) rows.push(row);
    }
    rows = rows.sort(newestFirst).slice(0, query.limit + 1);
  } else {
    for (const list of lists) {
      let taken = 0;
      for (let i = lowerBound(list, beforeCursor) - 1; i >= 0 && taken <= query.limit; i--) {
        if (matches(list[i]!)) (rows.push(list[i]!), taken++);
      }
    }
    // Lists of different statuses hold different cases: merging them is a sort of a few pages.
    if (lists.length > 1) rows = rows.sort(newestFirst).slice(0, query.limit + 1);
  }
  return pageOf(rows, query.limit, (row) => copy(row.value), (row) => encodeCursor('case', [row.activity, row.value.id]));
}

/** The lists of the filter that lets the fewest cases through; all cases when no filter has a list. */
function drivingLists(db: Tables, ws: string, query: CaseQuery): (readonly CaseRow[])[] {
  const by = db.cases.by;
  const options: (readonly CaseRow[])[][] = [[by.activity.list(ws)]];
  if (query.customerId !== undefined) options.push([by.customer.list(key(ws, query.customerId))]);
  if (query.tag !== undefined) options.push([by.tag.list(key(ws, query.tag))]);
  if (query.assignee !== undefined) options.push([by.assignee.list(assigneeKey(ws, query.assignee === 'unassigned' ? null : query.assignee))]);
  if (query.team !== undefined) options.push([by.team.list(key(ws, query.team))]);
  if (query.status) options.push([...new Set(query.status)].map((status) => by.status.list(key(ws, status))));
  const size = (lists: (readonly CaseRow[])[]) => lists.reduce((n, list) => n + list.length, 0);
  return options.reduce((best, option) => (size(option) < size(best) ? option : best));
}

/**
 * The cases holding the search's rarest word, the case its number names and the cases of the
 * customers it finds: their count first, the set when asked.
 */
function textCandidates(db: Tables, ws: string, search: TextSearch): { size: number; pks: () => Set<string> } {
  const numbered = search.number === null ? undefined : db.cases.by.number.get(key(ws, search.number));
  let rarest: ReadonlySet<string>[] = [];
  let fewest = Number.POSITIVE_INFINITY;
  for (const word of search.words) {
    const holders = termHolders(db, ws, word);
    const count = holders.reduce((n, set) => n + set.size, 0);
    if (count < fewest) (rarest = holders), (fewest = count);
  }
  const customerCases = [...search.customers].map((id) => db.cases.by.customer.list(key(ws, id)));
  return {
    size: (numbered === undefined ? 0 : 1) + rarest.reduce((n, set) => n + set.size, 0) + customerCases.reduce((n, list) => n + list.length, 0),
    pks: () => {
      const pks = new Set<string>(numbered === undefined ? [] : [numbered]);
      for (const set of rarest) for (const pk of set) pks.add(pk);
      for (const list of customerCases) for (const row of list) pks.add(key(ws, row.value.id));
      return pks;
    },
  };
}

/** The cases with an indexed word that `word` matches: itself, or for a long word any word it starts. */
function termHolders(db: Tables, ws: string, word: string): ReadonlySet<string>[] {
  const terms = db.cases.by.term;
  if (word.length < MIN_PREFIX_LENGTH) return [terms.get(key(ws, word))];
  const prefix = key(ws, word);
  const sets: ReadonlySet<string>[] = [];
  for (const term of terms.keys()) if (term.startsWith(prefix)) sets.push(terms.get(term));
  return sets;
}
