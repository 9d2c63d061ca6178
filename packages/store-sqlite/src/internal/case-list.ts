import { MIN_PREFIX_LENGTH, parseCaseSearch, type CaseQuery } from '@casekit/core';
import { CASE_STATUSES, type ChannelKind } from '@casekit/protocol';
import { decodeCaseCursor } from './cursor.ts';

/** One query of a case-list plan; each returns rows already in list order. */
export interface CaseListArm {
  sql: string;
  params: unknown[];
  /**
   * Walks in text-index order only know `lastActivityAt`, not the id that breaks ties: the
   * query for every row of one activity, to complete the last group of a full walk.
   */
  ties?: (activity: number) => { sql: string; params: unknown[] };
}

/** `cases.fts_key` is `activity * FTS_KEY_SPAN + tie-break`, so text matches come newest first. */
export const FTS_KEY_SPAN = 2 ** 21;
const KEY = `${FTS_KEY_SPAN}`;

/**
 * The bit of each medium in `cases.channel_mask`, stored in the file: a bit is never reused or
 * moved, and a new medium takes the next free one (the type makes sure none is left out).
 */
const CHANNEL_BITS: Readonly<Record<ChannelKind, number>> = {
  webchat: 0,
  email: 1,
  sms: 2,
  whatsapp: 3,
  messenger: 4,
  instagram: 5,
  telegram: 6,
  x: 7,
  bot: 8,
  api: 9,
};

/** The bits of these media in `cases.channel_mask`. */
export function channelMask(kinds: readonly ChannelKind[]): number {
  let mask = 0;
  for (const kind of kinds) mask |= 1 << CHANNEL_BITS[kind];
  return mask;
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** A prefix with more known completions than this is left to FTS5's own (slower) prefix scan. */
export const MAX_EXPANSION = 64;

/** A search that finds more customers than this reads all their cases in one walk and sorts them. */
export const MAX_CUSTOMER_WALKS = 64;

/**
 * Search words as an FTS5 query: every word must match. A word of `MIN_PREFIX_LENGTH` or more
 * letters matches every indexed word it starts; `expand` lists those (null: too many), so the
 * query is a few exact terms that FTS5 reads lazily, newest first. Null when nothing can match.
 */
export function ftsQuery(words: readonly string[], expand: (prefix: string) => string[] | null): string | null {
  if (words.length === 0) return null;
  const groups: string[] = [];
  for (const word of words) {
    if (word.length < MIN_PREFIX_LENGTH) {
      groups.push(`"${word}"`);
      continue;
    }
    const terms = expand(word);
    if (terms === null) groups.push(`"${word}"*`);
    else if (terms.length === 0) return null;
    else groups.push(terms.length === 1 ? `"${terms[0]}"` : `(${terms.map((t) => `"${t}"`).join(' OR ')})`);
  }
  return groups.join(' AND ');
}

type Filter = 'status' | 'assignee' | 'team' | 'channel' | 'priority' | 'tag' | 'customer' | 'q';

/**
 * Plans `listCases` as one or more index walks in (lastActivityAt desc, id desc) order, each
 * stopping after `limit + 1` rows; the caller merges them. The driving index is the most
 * selective filter present: customer, text, tag, assignee, team, then status. A list of
 * statuses becomes one walk per status, so no walk ever needs a sort; text walks the
 * full-text index, which is keyed by recency. Returns null when nothing can match.
 */
export function planCaseList(
  ws: string,
  query: CaseQuery,
  expand: (prefix: string) => string[] | null,
  /** The ids of the customers a trigram phrase finds; null when there are more than `MAX_CUSTOMER_WALKS`. */
  customers: (phrase: string) => string[] | null,
): CaseListArm[] | null {
  const cursor = query.cursor ? decodeCaseCursor(query.cursor) : null;
  const take = query.limit + 1;
  const order = 'ORDER BY c.activity DESC, c.id DESC LIMIT ?';
  const select = 'SELECT c.json AS json, c.activity AS activity, c.id AS id';

  let text: TextSearch | null = null;
  if (query.q !== undefined) {
    const search = parseCaseSearch(query.q);
    const match = search && ftsQuery(search.words, expand);
    if (!search || (!match && search.number === null && search.customer === null)) return null;
    const phrase = search.customer === null ? null : ftsPhrase(search.customer);
    text = { match, number: search.number, customer: phrase === null ? null : { phrase, ids: customers(phrase) } };
  }

  /** Conditions for every filter the driving index does not already apply. */
  const rest = (used: readonly Filter[], keyset = true): { sql: string; params: unknown[] } => {
    const where: string[] = [];
    const params: unknown[] = [];
    const skip = new Set(used);
    if (query.status && !skip.has('status')) {
      where.push(`c.status IN (${placeholders(query.status.length)})`);
      params.push(...query.status);
    }
    if (query.assignee !== undefined && !skip.has('assignee')) {
      if (query.assignee === 'unassigned') where.push('c.assignee_id IS NULL');
      else (where.push('c.assignee_id = ?'), params.push(query.assignee));
    }
    if (query.team !== undefined && !skip.has('team')) (where.push('c.team = ?'), params.push(query.team));
    if (query.channel && !skip.has('channel')) (where.push('(c.channel_mask & ?) != 0'), params.push(channelMask(query.channel)));
    if (query.priority && !skip.has('priority')) {
      where.push(`c.priority IN (${placeholders(query.priority.length)})`);
      params.push(...query.priority);
    }
    if (query.customerId !== undefined && !skip.has('customer')) (where.push('c.customer_id = ?'), params.push(query.customerId));
    if (query.tag !== undefined && !skip.has('tag')) {
      where.push('EXISTS (SELECT 1 FROM case_tags AS t2 WHERE t2.ws = c.ws AND t2.tag = ? AND t2.activity = c.activity AND t2.case_id = c.id)');
      params.push(query.tag);
    }
    if (text && !skip.has('q')) {
      where.push(textCondition(text));
      params.push(...textParams(text, ws));
    }
    if (cursor && keyset) (where.push('(c.activity, c.id) < (?, ?)'), params.push(cursor.activity, cursor.id));
    return { sql: where.map((w) => ` AND ${w}`).join(''), params };
  };

  if (query.customerId !== undefined) {
    const r = rest(['customer']);
    return [{ sql: `${select} FROM cases AS c INDEXED BY cases_by_customer WHERE c.ws = ? AND c.customer_id = ?${r.sql} ${order}`, params: [ws, query.customerId, ...r.params, take] }];
  }
  if (text) {
    // Walk the text matches newest first; the case number is one more candidate.
    const r = rest(['q']);
    const base = `${select} FROM cases_fts AS f CROSS JOIN cases AS c WHERE f.cases_fts MATCH ?`;
    const join = ` AND c.fts_key = f.rowid AND c.ws = ?${r.sql}`;
    const bound = cursor ? ` AND f.rowid < (CAST(? AS INTEGER) + 1) * ${KEY}` : '';
    const arms: CaseListArm[] = [];
    const match = text.match;
    if (match !== null) {
      arms.push({
        sql: `${base}${bound}${join} ORDER BY f.rowid DESC LIMIT ?`,
        params: [match, ...(cursor ? [cursor.activity] : []), ws, ...r.params, take],
        ties: (activity) => ({
          sql: `${base} AND f.rowid >= CAST(? AS INTEGER) * ${KEY} AND f.rowid < (CAST(? AS INTEGER) + 1) * ${KEY}${join} AND c.activity = ?`,
          params: [match, activity, activity, ws, ...r.params, activity],
        }),
      });
    }
    if (text.number !== null) {
      arms.push({ sql: `${select} FROM cases AS c WHERE c.ws = ? AND c.number = ?${r.sql} ${order}`, params: [ws, text.number, ...r.params, take] });
    }
    const found = text.customer;
    if (found?.ids) {
      // The cases of each customer the trigram index found: one walk each, newest first.
      const sql = `${select} FROM cases AS c INDEXED BY cases_by_customer WHERE c.ws = ? AND c.customer_id = ?${r.sql} ${order}`;
      for (const id of found.ids) arms.push({ sql, params: [ws, id, ...r.params, take] });
    } else if (found) {
      arms.push({
        sql: `${select} FROM cases AS c INDEXED BY cases_by_customer WHERE c.ws = ? AND c.customer_id IN (${CUSTOMER_MATCH})${r.sql} ${order}`,
        params: [ws, found.phrase, ws, ...r.params, take],
      });
    }
    return arms;
  }
  if (query.tag !== undefined) {
    // case_tags drives (CROSS JOIN keeps it outer); its key mirrors the case's sort key.
    const r = rest(['tag'], false);
    const keyset = cursor ? ' AND (t.activity, t.case_id) < (?, ?)' : '';
    return [{
      sql: `${select} FROM case_tags AS t CROSS JOIN cases AS c WHERE t.ws = ? AND t.tag = ?${keyset} AND c.ws = t.ws AND c.id = t.case_id${r.sql} ORDER BY t.activity DESC, t.case_id DESC LIMIT ?`,
      params: [ws, query.tag, ...(cursor ? [cursor.activity, cursor.id] : []), ...r.params, take],
    }];
  }

  // One walk per status on an index that starts (ws, <driver>, status, activity, id).
  const statuses = query.status ?? CASE_STATUSES;
  let index: string;
  let lead: string;
  let leadParams: unknown[];
  let used: Filter[];
  if (query.assignee !== undefined) {
    index = 'cases_by_assignee';
    lead = query.assignee === 'unassigned' ? ' AND c.assignee_id IS NULL' : ' AND c.assignee_id = ?';
    leadParams = query.assignee === 'unassigned' ? [] : [query.assignee];
    used = ['assignee', 'status'];
  } else if (query.team !== undefined) {
    index = 'cases_by_team';
    lead = ' AND c.team = ?';
    leadParams = [query.team];
    used = ['team', 'status'];
  } else {
    index = 'cases_by_status';
    lead = '';
    leadParams = [];
    used = ['status'];
  }
  const r = rest(used);
  const sql = `${select} FROM cases AS c INDEXED BY ${index} WHERE c.ws = ?${lead} AND c.status = ?${r.sql} ${order}`;
  return statuses.map((status) => ({ sql, params: [ws, ...leadParams, status, ...r.params, take] }));
}

/** A case search as SQL: an FTS5 query of its words, the number it names, and its customer part as one trigram phrase. */
interface TextSearch {
  match: string | null;
  number: number | null;
  /** The customer part as a trigram phrase, with the ids it finds (null: too many to list). */
  customer: { phrase: string; ids: string[] | null } | null;
}

/** Ids of the profiles (not merged away) whose search text holds a phrase; parameters: the phrase, then the workspace. */
export const CUSTOMER_MATCH =
  'SELECT cu.id FROM customers_search AS cf CROSS JOIN customers AS cu WHERE cf.customers_search MATCH ? AND cu.pos = cf.rowid AND cu.ws = ? AND cu.merged_into IS NULL';

/** Text as one FTS5 string, its quotes doubled, so that none of it is syntax. */
export function ftsPhrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** The text filter as a per-row test, for walks driven by another index. */
function textCondition(text: TextSearch): string {
  const tests = [
    ...(text.number !== null ? ['c.number = ?'] : []),
    ...(text.match !== null ? ['EXISTS (SELECT 1 FROM cases_fts WHERE cases_fts MATCH ? AND rowid = c.fts_key)'] : []),
    ...(text.customer?.ids ? [`c.customer_id IN (${placeholders(text.customer.ids.length)})`] : text.customer ? [`c.customer_id IN (${CUSTOMER_MATCH})`] : []),
  ];
  return tests.length === 1 ? tests[0]! : `(${tests.join(' OR ')})`;
}

function textParams(text: TextSearch, ws: string): unknown[] {
  return [...(text.number !== null ? [text.number] : []), ...(text.match !== null ? [text.match] : []), ...(text.customer?.ids ?? (text.customer ? [text.customer.phrase, ws] : []))];
}
