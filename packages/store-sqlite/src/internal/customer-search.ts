import { customerSearchQuery, type CustomerSearch } from '@casekit/core';
import type { Customer } from '@casekit/protocol';
import { ftsPhrase } from './case-list.ts';
import { decodePositionCursor, encodeCursor } from './cursor.ts';
import { assertLimit, pageOf, parse, type Prepare, type Row, type Sync } from './rows.ts';

/** Customer search over one connection's statements: FTS5's trigram index, newest profile first. */
export function createSearch(s: Prepare): Sync<CustomerSearch> {
  return {
    searchCustomers(ws, q, limit, cursor) {
      assertLimit(limit);
      // Normalized like the stored text: no NUL, which neither FTS5 nor LIKE can take.
      const text = customerSearchQuery(q);
      const before = cursor === undefined ? undefined : decodePositionCursor('customer', cursor);
      let rows: Row[];
      if ([...text].length >= 3) {
        // Any part of three or more characters: the trigram index finds it, newest first. As
        // one FTS5 string, the query's quotes doubled, no character of it is syntax.
        const phrase = ftsPhrase(text);
        rows = s(
          `SELECT c.pos, c.json FROM customers_search AS f CROSS JOIN customers AS c
           WHERE f.customers_search MATCH ?${before === undefined ? '' : ' AND f.rowid < ?'} AND c.pos = f.rowid AND c.ws = ? AND c.merged_into IS NULL
           ORDER BY f.rowid DESC LIMIT ?`,
        ).all(phrase, ...(before === undefined ? [] : [before]), ws, limit + 1);
      } else {
        // One or two characters (or none): walk the workspace's customers newest first.
        const where = ['ws = ?', 'merged_into IS NULL'];
        const params: unknown[] = [ws];
        if (text) {
          where.push(`search LIKE ? ESCAPE '\\'`);
          params.push(`%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
        }
        if (before !== undefined) (where.push('pos < ?'), params.push(before));
        rows = s(`SELECT pos, json FROM customers INDEXED BY customers_by_ws WHERE ${where.join(' AND ')} ORDER BY pos DESC LIMIT ?`).all(...params, limit + 1);
      }
      return pageOf(rows, limit, (row) => parse<Customer>(row.json), (row) => encodeCursor('customer', [row.pos as number]));
    },
  };
}
